//! The nn crate's error type.

use thiserror::Error;

/// Everything that can go wrong in nabla-nn.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from the tensor engine.
    #[error(transparent)]
    Tensor(#[from] nabla_tensor::Error),
    /// A hyperparameter outside its valid range.
    #[error("{name} = {value} is invalid: {reason}")]
    InvalidParameter {
        /// The parameter's name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What the valid range is.
        reason: &'static str,
    },
}

/// The result type of nabla-nn.
pub type Result<T> = std::result::Result<T, Error>;
