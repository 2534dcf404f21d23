#!/usr/bin/env bash
# Builds nabla's browser site into web/dist/: the nabla-web crate compiled to WebAssembly, its
# wasm-bindgen glue, and the pages, scripts and assets — a static folder any file server can
# serve (python3 -m http.server -d web/dist). Needs the wasm32-unknown-unknown target and
# wasm-bindgen-cli at the version of the wasm-bindgen crate in Cargo.lock.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
want="$(bash web/wasm-bindgen-version.sh)"
have="$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)"
if [ "$have" != "$want" ]; then
  echo "web/build.sh: needs wasm-bindgen $want on PATH (found: ${have:-none});" \
    "cargo install wasm-bindgen-cli --version $want" >&2
  exit 2
fi
cargo build --release --target wasm32-unknown-unknown -p nabla-web
dist="$root/web/dist"
rm -rf "$dist"
mkdir -p "$dist"
wasm-bindgen --target web --no-typescript --out-dir "$dist" \
  "$target/wasm32-unknown-unknown/release/nabla_web.wasm"
cp web/pages/*.html web/src/*.js web/assets/* "$dist/"
echo "web/build.sh: site in web/dist/ ($(du -sh "$dist" | cut -f1)); serve it with: python3 -m http.server -d web/dist" >&2
