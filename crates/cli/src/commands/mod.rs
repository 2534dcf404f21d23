//! One module per `nabla` command.

pub mod activation;
pub mod backprop;
pub mod bench;
pub mod eval;
pub mod mtl_compare;
pub mod optimize;
pub mod predict;
pub mod regress;
pub mod train;
