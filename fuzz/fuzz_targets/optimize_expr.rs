//! `cargo fuzz run optimize_expr`: see `harness/optimize_expr.rs`.
#![no_main]

#[path = "../harness/optimize_expr.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
