//! Running the real `nabla` binary from tests, and the scratch files and folders they use.

#![allow(dead_code)]

use std::panic::Location;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The result of one `nabla` run.
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `nabla` with `args` from the crate's directory.
pub fn nabla(args: &[&str]) -> Run {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_nabla"))
        .args(args)
        .output()
        .expect("the nabla binary runs");
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `nabla` with `args`, asserts exit status 0, and parses stdout as one JSON object.
pub fn nabla_json(args: &[&str]) -> serde_json::Value {
    let run = nabla(args);
    assert_eq!(run.status, 0, "nabla {args:?} failed: {}", run.stderr);
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("nabla {args:?}: stdout is not JSON ({e}): {}", run.stdout))
}

/// Asserts that `nabla args` exits with status 2 and an stderr line containing `needle`.
pub fn assert_usage_error(args: &[&str], needle: &str) {
    let run = nabla(args);
    assert_eq!(
        run.status, 2,
        "nabla {args:?}: expected exit 2, stderr: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains(needle),
        "nabla {args:?}: stderr lacks {needle:?}: {}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("panicked"),
        "nabla {args:?} panicked: {}",
        run.stderr
    );
}

/// Relative closeness with an absolute floor for values near zero.
pub fn close(actual: f64, expected: f64, rel: f64) -> bool {
    (actual - expected).abs() <= rel * expected.abs().max(1e-300)
        || (actual - expected).abs() < 1e-300
}

/// The stem of the test file that called (`csv` for `tests/cli/csv.rs`), so that scratch names
/// of different modules never meet.
#[track_caller]
fn caller_module() -> String {
    let file = Location::caller().file();
    Path::new(file)
        .file_stem()
        .map_or_else(|| "cli".to_string(), |s| s.to_string_lossy().into_owned())
}

/// A fresh, empty temporary folder for one test: `nabla-<module>-<pid>-<tag>`.
#[track_caller]
pub fn temp_dir(tag: &str) -> PathBuf {
    let module = caller_module();
    let dir = std::env::temp_dir().join(format!("nabla-{module}-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `contents` to `name` in the calling module's scratch folder (shared by its tests, kept
/// between them) and returns the path.
#[track_caller]
pub fn temp_file(name: &str, contents: &str) -> String {
    let module = caller_module();
    let dir = std::env::temp_dir().join(format!("nabla-{module}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path.display().to_string()
}

/// A path as the `&str` argument `nabla` takes.
pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("scratch paths are UTF-8")
}

/// Reads and parses one JSON file (a committed fixture).
pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{} cannot be read: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Reads a JSON-lines file: one JSON value per line.
pub fn read_jsonl(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
        .collect()
}

/// `train` flags for two tasks of the embedded penguins data (species and body mass) on a small
/// shared trunk: the multi-task run the tests share.
pub const PENGUINS_TWO_TASKS: [&str; 10] = [
    "--data",
    "penguins",
    "--task",
    "species:classes",
    "--task",
    "body_mass_g:regression",
    "--shared",
    "8",
    "--head",
    "4",
];
