//! One module per `nabla` command.

pub mod activation;
