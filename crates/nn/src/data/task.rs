//! The kind of a prediction task: classes, binary or regression.
//!
//! Every target column of a [`Dataset`](super::Dataset) is one task. Its kind decides the loss a
//! trainer uses (softmax cross-entropy, binary cross-entropy with logits, mean squared error) and
//! the metrics it reports.
//!
//! ```
//! use nabla_nn::data::TaskKind;
//! let kind: TaskKind = "binary".parse().unwrap();
//! assert_eq!(kind, TaskKind::Binary);
//! assert_eq!(kind.to_string(), "binary");
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The kind of a target column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskKind {
    /// One of k classes (k ≥ 1), stored as class indices with class names.
    Classes,
    /// Two classes, stored as 0 (the first class name) or 1 (the second, the positive class).
    Binary,
    /// A real number.
    Regression,
}

impl TaskKind {
    /// The three kinds, in the order the CLI lists them.
    pub const ALL: [TaskKind; 3] = [TaskKind::Regression, TaskKind::Binary, TaskKind::Classes];

    /// The kind's name as the CLI spells it (`classes`, `binary`, `regression`).
    pub fn name(self) -> &'static str {
        match self {
            TaskKind::Classes => "classes",
            TaskKind::Binary => "binary",
            TaskKind::Regression => "regression",
        }
    }

    /// Whether targets of this kind are class labels (classes or binary).
    pub fn is_categorical(self) -> bool {
        !matches!(self, TaskKind::Regression)
    }
}

impl fmt::Display for TaskKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing a [`TaskKind`]: the text given, which names no kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTaskKind(pub String);

impl fmt::Display for UnknownTaskKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown task kind \"{}\" (expected regression, binary or classes)",
            self.0
        )
    }
}

impl std::error::Error for UnknownTaskKind {}

impl FromStr for TaskKind {
    type Err = UnknownTaskKind;

    /// Parses `classes`, `binary` or `regression` (exactly as written, lower case).
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        TaskKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| UnknownTaskKind(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in TaskKind::ALL {
            assert_eq!(kind.name().parse::<TaskKind>(), Ok(kind));
        }
        assert!("Classes".parse::<TaskKind>().is_err());
        assert!("".parse::<TaskKind>().is_err());
    }

    #[test]
    fn serde_uses_the_cli_names() {
        let json = serde_json::to_string(&TaskKind::Regression).unwrap();
        assert_eq!(json, "\"regression\"");
        let back: TaskKind = serde_json::from_str("\"binary\"").unwrap();
        assert_eq!(back, TaskKind::Binary);
    }
}
