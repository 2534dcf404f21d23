//! nabla-nn: layers, losses, optimizers, training and data sets on nabla's tensor engine.

pub mod data;
mod error;
pub mod init;
pub mod layers;
pub mod model_file;
pub mod multitask;
pub mod optim;
mod test_functions;
pub mod train;
pub mod workload;

pub use error::{Error, Result};
pub use test_functions::{TestFunction, TEST_FUNCTION_NAMES};
