//! One module per `nabla` command.
