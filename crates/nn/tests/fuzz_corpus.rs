//! Replays every committed fuzz input of the CSV reader and the model-file loader through the
//! harness the fuzzer runs: no input found by fuzzing may make them panic.

#[path = "../../../fuzz/harness/csv_reader.rs"]
mod csv_reader;
#[path = "../../../fuzz/harness/model_file.rs"]
mod model_file;
#[path = "../../../fuzz/harness/replay.rs"]
mod replay;

use replay::replay;

#[test]
fn every_csv_reader_fuzz_input_is_read_or_refused_without_a_panic() {
    replay("csv_reader", csv_reader::run);
}

#[test]
fn every_model_file_fuzz_input_is_loaded_or_refused_without_a_panic() {
    replay("model_file", model_file::run);
}
