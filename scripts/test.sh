#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, and every test on SQLite and
# on PostgreSQL, and the pages in headless Chromium. Sets up what the tests need on a
# fresh machine of the project's kind.
#
#   LINLI_TEST_POSTGRES_URL  server the PostgreSQL tests create their databases on
#                            (default postgres://postgres@127.0.0.1:5432/postgres)
#   LINLI_TEST_S3_SERVER     a local S3-compatible server program (default: moto's,
#                            installed from PyPI into target/s3-server)
#   LINLI_SCREENSHOTS        directory where the browser tests save screenshots
#                            (the README's come from LINLI_SCREENSHOTS=docs/screenshots)
set -euo pipefail
cd "$(dirname "$0")/.."

export LINLI_TEST_POSTGRES_URL="${LINLI_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# The browser tests fail here, rather than skip, when Chromium or its tools are missing.
export LINLI_BROWSER_TESTS=required

step() { printf '\n== %s\n' "$*"; }

step "PostgreSQL"
postgres_ready() { psql "$LINLI_TEST_POSTGRES_URL" -Atqc 'select 1' >/dev/null 2>&1; }
# psql, and pg_dump / pg_restore for the backup tests: all in the PostgreSQL client.
if ! command -v psql >/dev/null 2>&1 || ! command -v pg_dump >/dev/null 2>&1 ||
   ! command -v pg_restore >/dev/null 2>&1; then
  echo "the PostgreSQL client is missing: installing it" >&2
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

step "Chromium, chromedriver and axe-core for the browser tests"
# Debian's Chromium and its driver, with CJK and emoji fonts so pages render as in China.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 ||
   ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  echo "installing chromium, chromium-driver and fonts from Debian" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver \
    fonts-noto-cjk fonts-noto-color-emoji >/dev/null
fi
# axe-core checks each page for accessibility faults; pinned, from the npm registry.
AXE_VERSION=4.14.1
export LINLI_AXE_JS="$PWD/target/browser-tools/node_modules/axe-core/axe.min.js"
if ! grep -q "\"version\": \"$AXE_VERSION\"" target/browser-tools/node_modules/axe-core/package.json 2>/dev/null; then
  if ! command -v npm >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
  fi
  mkdir -p target/browser-tools
  npm install --prefix target/browser-tools --no-audit --no-fund --silent "axe-core@$AXE_VERSION"
fi

step "A local S3-compatible server for the shared photo storage tests"
# moto's server, from PyPI, pinned; each test starts its own on a free port.
MOTO_VERSION=5.2.6
if [ -z "${LINLI_TEST_S3_SERVER:-}" ]; then
  export LINLI_TEST_S3_SERVER="$PWD/target/s3-server/bin/moto_server"
  if ! target/s3-server/bin/pip show moto 2>/dev/null | grep -q "^Version: $MOTO_VERSION$"; then
    rm -rf target/s3-server
    python3 -m venv target/s3-server
    target/s3-server/bin/pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  fi
fi

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
