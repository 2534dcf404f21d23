#!/usr/bin/env bash
# nabla's browser benchmark: `nabla bench --threads 1` (a release build) against nabla.bench in
# headless Chromium, in the same run — the 2-2-1 step, a digits epoch and a 128×512×784 f32
# product — printing each median and the browser's fraction of native speed. Build the site
# first (bash web/build.sh); the figures go into docs/performance.md by hand. Not part of CI.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cargo build --release --quiet -p nabla-cli
export NABLA_BENCH=1 NABLA_PAGES=bench.html
export NABLA_BENCH_BIN="${CARGO_TARGET_DIR:-$root/target}/release/nabla"
exec bash web/test.sh
