//! One module per `nabla` command.

pub mod backprop;
pub mod activation;
pub mod optimize;
pub mod regress;
pub mod train;
