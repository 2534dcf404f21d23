//! The tensor operations, one family per file, each op's forward beside its derivative.

pub mod binary;
pub mod layout;
pub mod matmul;
pub mod reduce;
pub mod softmax;
pub mod unary;
