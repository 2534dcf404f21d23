//! One module per `nabla` command.

pub mod activation;
pub mod backprop;
pub mod bench;
pub mod completions;
pub mod eval;
pub mod man;
pub mod mtl_compare;
pub mod optimize;
pub mod predict;
pub mod regress;
pub mod train;
