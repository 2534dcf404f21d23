//! The one error type of nabla-explain: every variant says what was wrong and where.

/// What went wrong while explaining; each variant carries the place at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text of a spec is not valid JSON.
    #[error("not valid JSON: {message}")]
    SpecSyntax {
        /// serde_json's account of the syntax error (with its line and column).
        message: String,
    },
    /// A field of a spec is missing, mistyped or out of range.
    #[error("{field}: {message}")]
    Spec {
        /// The field's path in the spec, e.g. `layers[1].weight`.
        field: String,
        /// What is wrong with it.
        message: String,
    },
}

/// The result type of nabla-explain.
pub type Result<T> = std::result::Result<T, Error>;
