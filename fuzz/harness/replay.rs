//! Replays a fuzz target's committed corpus (`fuzz/corpus/<target>/*`) through its harness, so a
//! plain `cargo test` on stable checks every input fuzzing found (see docs/reliability.md).

use std::path::Path;

/// Runs `harness` on every file of the target's corpus; a panic names the file.
pub fn replay(target: &str, harness: fn(&[u8])) {
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
