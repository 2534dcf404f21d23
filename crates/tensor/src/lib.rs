//! nabla-tensor: n-dimensional row-major tensors and define-by-run reverse-mode autodiff.

mod element;
mod error;

pub use element::Float;
pub use error::{Error, Result};
