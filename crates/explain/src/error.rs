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
}

/// The result type of nabla-explain.
pub type Result<T> = std::result::Result<T, Error>;
