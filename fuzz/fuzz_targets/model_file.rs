//! `cargo fuzz run model_file`: see `harness/model_file.rs`.
#![no_main]

#[path = "../harness/model_file.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
