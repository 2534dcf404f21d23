//! The one error type of nabla-explain: every variant says what was wrong and where.

/// What went wrong while explaining; each variant carries the place at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text of a spec is not valid JSON.
    #[error("line {line}, column {column}: invalid JSON: {message}")]
    SpecSyntax {
        /// The line of the error, from 1.
        line: usize,
        /// The column of the error, from 1.
        column: usize,
        /// serde_json's account of what is wrong.
        message: String,
    },
    /// A spec's JSON is valid but not an object.
    #[error("expected a JSON object, got {got}")]
    SpecRoot {
        /// What the text holds instead (`an array of 2 items`).
        got: String,
    },
    /// A field of a spec is missing, mistyped or out of range.
    #[error("{field}: {message}")]
    Spec {
        /// The field's path in the spec, e.g. `layers[1].weight`.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// An expression in x and y does not parse; it says where and what was expected.
    #[error("{0}")]
    Expression(crate::optimize::expr::ExprError),
    /// The tensor engine refused an operation.
    #[error(transparent)]
    Tensor(#[from] nabla_tensor::Error),
    /// The network library refused an operation (an optimizer's hyperparameters or step).
    #[error(transparent)]
    Nn(#[from] nabla_nn::Error),
    /// The text of a claims file is not valid JSON.
    #[error("line {line}, column {column}: invalid JSON: {message}")]
    ClaimsSyntax {
        /// The line of the error, from 1.
        line: usize,
        /// The column of the error, from 1.
        column: usize,
        /// serde_json's account of it.
        message: String,
    },
    /// A claims file is JSON but not one object.
    #[error("{found}")]
    ClaimsNotObject {
        /// What was found instead.
        found: String,
    },
    /// A claim that cannot be graded: a value of the wrong kind, a key given twice, a
    /// quantity this problem lacks.
    #[error("{key}: {message}")]
    Claim {
        /// The claim's key, as written.
        key: String,
        /// What is wrong with it.
        message: String,
    },
    /// A claim names a quantity nabla does not know.
    #[error("{key}: unknown quantity{}", closest_names(closest))]
    UnknownClaim {
        /// The key, as written.
        key: String,
        /// The closest known names.
        closest: Vec<String>,
    },
    /// An activation name or parameter that cannot be used; the message names the flag or the
    /// list item at fault (see [`crate::activation::parse`]).
    #[error("{message}")]
    Activation {
        /// What is wrong, and where.
        message: String,
    },
    /// A `--tolerance` that is not a finite non-negative number.
    #[error("tolerance {value}: must be a finite number ≥ 0")]
    Tolerance {
        /// The value given.
        value: f64,
    },
}

/// ` (closest known names: a, b, c)`, or nothing.
fn closest_names(closest: &[String]) -> String {
    if closest.is_empty() {
        String::new()
    } else {
        format!(" (closest known names: {})", closest.join(", "))
    }
}

/// The result type of nabla-explain.
pub type Result<T> = std::result::Result<T, Error>;
