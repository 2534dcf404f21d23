#!/usr/bin/env bash
# nabla's browser tests: the built site (web/build.sh first) served on a loopback port and driven
# in headless Chromium by web/tests/site.mjs, against the native `nabla` binary built here (or
# $NABLA_BIN).
# Needs /usr/bin/chromium (or $CHROMIUM) and `npm ci` run in web/. Screenshots: web/screenshots/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ ! -f web/dist/nabla_web_bg.wasm ]; then
  echo "web/test.sh: no site in web/dist/; run bash web/build.sh first" >&2
  exit 2
fi
if [ -z "${NABLA_BIN:-}" ]; then
  # The test profile's binary: after `cargo test --workspace` this builds nothing.
  cargo test --workspace --no-run --quiet
  export NABLA_BIN="${CARGO_TARGET_DIR:-$root/target}/debug/nabla"
fi
exec node web/tests/site.mjs
