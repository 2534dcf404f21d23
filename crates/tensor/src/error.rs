//! The tensor crate's error type.

use thiserror::Error;

/// Everything that can go wrong in nabla-tensor.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum Error {
    /// Two operands' shapes do not fit the operation.
    #[error("{op}: shapes {lhs:?} and {rhs:?} do not match")]
    ShapeMismatch {
        /// The operation.
        op: &'static str,
        /// The first operand's shape.
        lhs: Vec<usize>,
        /// The second operand's shape.
        rhs: Vec<usize>,
    },
    /// The data's length does not fit the requested shape.
    #[error("{op}: {len} elements cannot have shape {shape:?}")]
    ElementCount {
        /// The operation.
        op: &'static str,
        /// The number of elements given.
        len: usize,
        /// The shape asked for.
        shape: Vec<usize>,
    },
    /// An axis outside the tensor's rank.
    #[error("{op}: axis {axis} is out of range for a tensor of rank {rank}")]
    AxisOutOfRange {
        /// The operation.
        op: &'static str,
        /// The axis asked for.
        axis: usize,
        /// The tensor's rank.
        rank: usize,
    },
    /// An index outside a dimension.
    #[error("{op}: index {index} is out of range for a dimension of size {size}")]
    IndexOutOfRange {
        /// The operation.
        op: &'static str,
        /// The index asked for.
        index: usize,
        /// The size of the dimension.
        size: usize,
    },
    /// The operation needs a tensor of another rank.
    #[error("{op}: expected a tensor of rank {expected}, got shape {shape:?}")]
    RankMismatch {
        /// The operation.
        op: &'static str,
        /// The rank required.
        expected: usize,
        /// The shape given.
        shape: Vec<usize>,
    },
    /// `backward` was called on a value that is not a single number.
    #[error("backward needs a scalar (one element), got shape {shape:?}")]
    NonScalarBackward {
        /// The shape of the value.
        shape: Vec<usize>,
    },
    /// No activation has this name.
    #[error("unknown activation '{name}'")]
    UnknownActivation {
        /// The name given.
        name: String,
    },
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
    /// A parameter given to an activation that does not take it (`relu` with an alpha).
    #[error("{activation} takes no parameter {parameter}")]
    UnexpectedParameter {
        /// The activation's name.
        activation: &'static str,
        /// The parameter given.
        parameter: &'static str,
    },
    /// An input value outside the function's domain (a BCE probability outside [0, 1], a
    /// negative or non-finite cross-entropy target).
    #[error("{op}: element {index} is {value}, but {expected}")]
    InvalidInput {
        /// The operation.
        op: &'static str,
        /// The element's index in the flat (row-major) input.
        index: usize,
        /// The value found.
        value: f64,
        /// What the operation needs.
        expected: &'static str,
    },
    /// A mean over no elements (undefined; PyTorch returns NaN).
    #[error("{op}: the mean of zero elements is undefined")]
    EmptyReduction {
        /// The operation.
        op: &'static str,
    },
}

/// The result type of nabla-tensor.
pub type Result<T> = std::result::Result<T, Error>;
