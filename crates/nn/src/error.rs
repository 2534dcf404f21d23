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
    /// An optimizer step was given a different number of parameters or gradients than before.
    #[error("optimizer step: expected {expected} parameter slices, got {actual}")]
    ParameterCount {
        /// The number of parameters the optimizer holds state for (or the number of params).
        expected: usize,
        /// The number given.
        actual: usize,
    },
    /// A parameter or gradient slice of an optimizer step has the wrong length.
    #[error("optimizer step: parameter {index} should have {expected} elements, got {actual}")]
    ParameterLength {
        /// The position of the parameter in the list.
        index: usize,
        /// The length expected (the parameter's, or the one seen on earlier steps).
        expected: usize,
        /// The length given.
        actual: usize,
    },
    /// An optimizer name that nabla does not know.
    #[error("unknown optimizer '{name}' (expected one of: {known})")]
    UnknownOptimizer {
        /// The name given.
        name: String,
        /// The names nabla knows, comma-separated.
        known: &'static str,
    },
    /// A hyperparameter key that the optimizer does not take.
    #[error("hyperparameter '{key}' does not apply to optimizer '{optimizer}' (it takes: {accepted})")]
    UnknownHyperparameter {
        /// The optimizer's name.
        optimizer: &'static str,
        /// The key given.
        key: String,
        /// The keys the optimizer takes, comma-separated.
        accepted: String,
    },
    /// A test-function name that nabla does not know.
    #[error("unknown test function '{name}' (expected one of: rosenbrock, quadratic, beale, himmelblau)")]
    UnknownTestFunction {
        /// The name given.
        name: String,
    },
    /// A hyperparameter given a value of the wrong kind (a number for a flag or the reverse).
    #[error("hyperparameter '{key}' must be {expected}")]
    HyperparameterType {
        /// The key.
        key: String,
        /// What it must be ("a number", "true or false").
        expected: &'static str,
    },
}

/// The result type of nabla-nn.
pub type Result<T> = std::result::Result<T, Error>;
