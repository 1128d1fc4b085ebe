#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, and every test on SQLite and
# on PostgreSQL. Sets up what the tests need on a fresh machine of the project's kind.
#
#   LINLI_TEST_POSTGRES_URL  server the PostgreSQL tests create their databases on
#                            (default postgres://postgres@127.0.0.1:5432/postgres)
set -euo pipefail
cd "$(dirname "$0")/.."

export LINLI_TEST_POSTGRES_URL="${LINLI_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n== %s\n' "$*"; }

step "PostgreSQL"
postgres_ready() { psql "$LINLI_TEST_POSTGRES_URL" -Atqc 'select 1' >/dev/null 2>&1; }
if ! command -v psql >/dev/null 2>&1; then
  echo "psql is missing: installing the PostgreSQL client" >&2
  apt-get update -qq && apt-get install -y -qq postgresql-client >/dev/null
fi
if ! postgres_ready && command -v pg_ctlcluster >/dev/null 2>&1; then
  # This machine kind runs PostgreSQL as a service; start it if it stopped.
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
fi
for _ in $(seq 1 30); do postgres_ready && break; sleep 1; done
if ! postgres_ready; then
  echo "PostgreSQL is not reachable at $LINLI_TEST_POSTGRES_URL; the PostgreSQL tests need it" >&2
  exit 1
fi
# Databases left behind by interrupted runs.
psql "$LINLI_TEST_POSTGRES_URL" -Atqc "select datname from pg_database where datname like 'linli\_test\_%'" |
  while read -r name; do psql "$LINLI_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)"; done

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "tests (SQLite and PostgreSQL)"
if cargo nextest --version >/dev/null 2>&1; then
  # nextest does not run doc tests; they run first so that the run ends on its summary.
  cargo test --workspace --locked --doc --quiet
  cargo nextest run --workspace --locked --run-ignored all --profile ci
else
  cargo test --workspace --locked -- --include-ignored
fi
