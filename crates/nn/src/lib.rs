//! nabla-nn: layers, losses, optimizers, training and data sets on nabla's tensor engine.

mod error;

pub use error::{Error, Result};
