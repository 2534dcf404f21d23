//! `cargo fuzz run backprop_spec`: see `harness/backprop_spec.rs`.
#![no_main]

#[path = "../harness/backprop_spec.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
