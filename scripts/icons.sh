#!/usr/bin/env bash
# Renders the PNG icons of the web app manifest from the SVGs in
# crates/linli-web/static with headless Chromium (the browser the tests use), so that
# launchers that take no SVG get the same house. Run after changing favicon.svg or
# icon-maskable.svg; the PNGs are committed.
set -euo pipefail
cd "$(dirname "$0")/../crates/linli-web/static"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
render() { # source size output
  local page="$profile/icon.html"
  printf '<html><body style="margin:0;background:transparent"><img src="file://%s" style="width:%spx;height:%spx;display:block"></body></html>' \
    "$PWD/$1" "$2" "$2" >"$page"
  chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$profile/chrome" --hide-scrollbars \
    --default-background-color=00000000 --window-size="$2,$2" --screenshot="$PWD/$3" "file://$page" 2>/dev/null
}
render favicon.svg 192 icon-192.png
render favicon.svg 512 icon-512.png
render favicon.svg 180 apple-touch-icon.png
render icon-maskable.svg 512 icon-maskable-512.png
