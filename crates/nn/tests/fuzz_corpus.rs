//! Replays every committed fuzz input (`fuzz/corpus/<target>/*`) through the harness the fuzzer
//! runs, so a plain `cargo test` on stable checks that no input found by fuzzing makes the CSV
//! reader or the model-file loader panic (see docs/reliability.md).

#[path = "../../../fuzz/harness/csv_reader.rs"]
mod csv_reader;
#[path = "../../../fuzz/harness/model_file.rs"]
mod model_file;

use std::path::Path;

/// Runs `harness` on every file of the target's corpus; a panic names the file.
fn replay(target: &str, harness: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} holds no inputs", dir.display());
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let outcome = std::panic::catch_unwind(|| harness(&bytes));
        assert!(outcome.is_ok(), "fuzz input {} panics", file.display());
    }
}

#[test]
fn every_csv_reader_fuzz_input_is_read_or_refused_without_a_panic() {
    replay("csv_reader", csv_reader::run);
}

#[test]
fn every_model_file_fuzz_input_is_loaded_or_refused_without_a_panic() {
    replay("model_file", model_file::run);
}
