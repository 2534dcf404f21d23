//! nabla-tensor: n-dimensional row-major tensors and define-by-run reverse-mode autodiff.

pub mod activation;
mod buffer;
mod element;
mod error;
pub mod grad_check;
pub mod loss;
pub mod ops;
pub mod parallel;
pub mod shape;
pub mod tape;
mod tensor;

pub use activation::{swish_beta_derivative, Activation};
pub use element::Float;
pub use error::{Error, Result};
pub use tape::{Gradients, LossKind, Node, NodeId, Op, Tape, Var};
pub use tensor::Tensor;
