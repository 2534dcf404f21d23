//! One module per `nabla` command.

pub mod backprop;
pub mod mtl_compare;
pub mod activation;
pub mod eval;
pub mod optimize;
pub mod predict;
pub mod regress;
pub mod train;
pub mod bench;
