//! `cargo fuzz run csv_reader`: see `harness/csv_reader.rs`.
#![no_main]

#[path = "../harness/csv_reader.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
