#!/usr/bin/env bash
# Start-up time, idle memory and binary size of the release build.
#   scripts/measure-startup.sh        (builds target/release/linli first)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p linli >/dev/null
binary=target/release/linli
port=${PORT:-18181}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if curl -s "127.0.0.1:$port/healthz" >/dev/null; then echo "port $port is taken: set PORT" >&2; exit 1; fi

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# start COMMAND… : runs linli in the background (pid), waits for /readyz, and sets
# elapsed_ms to the time that took.
start() {
  local started; started=$(now_ms)
  "$binary" --data-dir "$work/data" --bind "127.0.0.1:$port" --log warn "$@" >"$work/log" 2>&1 &
  pid=$!
  until curl -sf "127.0.0.1:$port/readyz" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/log"; exit 1; }
    sleep 0.005
  done
  elapsed_ms=$(( $(now_ms) - started ))
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; }
rss_mib() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status"; }

echo "binary size: $(du -b "$binary" | awk '{ printf "%.1f MiB", $1 / 1048576 }')"
for run in 1 2 3; do
  rm -rf "$work/data"
  start serve; sleep 1
  echo "cold start, empty data directory (run $run): ${elapsed_ms} ms, idle RSS $(rss_mib) MiB"
  stop
done
start serve; echo "start on an existing database: ${elapsed_ms} ms"; stop
rm -rf "$work/data"
start demo; sleep 1; echo "first demo start (loads 城上城): ${elapsed_ms} ms, RSS $(rss_mib) MiB"; stop
start demo; sleep 1; echo "second demo start (nothing to load): ${elapsed_ms} ms, RSS $(rss_mib) MiB"
# 64 sign-ins, 16 at a time: argon2 takes ~19 MiB per hash, bounded to one per core.
started=$(now_ms)
seq 64 | xargs -P 16 -I{} curl -s -o /dev/null -X POST "127.0.0.1:$port/api/v1/sessions" \
  -H 'content-type: application/json' -d '{"login":"shuji","password":"linli-demo"}'
echo "64 sign-ins, 16 concurrent: $(( $(now_ms) - started )) ms in all, RSS afterwards $(rss_mib) MiB"
stop
