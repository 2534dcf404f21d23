//! nabla-tensor: n-dimensional row-major tensors and define-by-run reverse-mode autodiff.

mod element;

pub use element::Float;
