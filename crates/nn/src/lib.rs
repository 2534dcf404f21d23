//! nabla-nn: layers, losses, optimizers, training and data sets on nabla's tensor engine.
//!
//! Load an embedded data set, train, evaluate and save, as `nabla train --data iris` does:
//!
//! ```
//! use nabla_nn::data::{prepare::{tensors, Preparation, Prepared}, Dataset};
//! use nabla_nn::{layers::{Mlp, MlpConfig}, model_file::{Model, Network, TargetInfo}};
//! use nabla_nn::train::{evaluate, fit, Examples, TrainConfig};
//! let p = Prepared::new(Dataset::by_name("iris")?, &Preparation::default())?;
//! let ((x, y), (tx, ty)) = (tensors::<f32>(&p.split.train, p.objective)?, tensors(&p.split.test, p.objective)?);
//! let mut mlp = Mlp::new(&MlpConfig { widths: vec![4, 16, 3], ..MlpConfig::default() }, 0)?;
//! fit(&mut mlp, &Examples::new(p.objective, &x, &y), None, &TrainConfig { epochs: 100, ..TrainConfig::default() }, &mut |_| {})?;
//! assert!(evaluate(&mlp, p.objective, &tx, &ty)?.accuracy.unwrap() > 0.8);
//! let classes = p.split.train.targets()[0].class_names().to_vec();
//! Model::new(Network::from_mlp(&mlp), p.standardizer, TargetInfo::new(p.target, p.objective, classes)?)?.save(std::env::temp_dir().join("iris.safetensors"))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

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
