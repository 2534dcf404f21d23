//! Running the real `nabla` binary from tests.

#![allow(dead_code)]

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
