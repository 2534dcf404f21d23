#!/usr/bin/env bash
# Prints the version of the wasm-bindgen crate in Cargo.lock: wasm-bindgen-cli must be exactly it.
set -euo pipefail
awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' "$(dirname "$0")/../Cargo.lock"
