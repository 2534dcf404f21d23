//! Training: mini-batch gradient descent of an [`Mlp`](crate::layers::Mlp) with any optimizer,
//! held-out evaluation, early stopping and divergence detection.
//!
//! ```
//! use nabla_nn::layers::{Mlp, MlpConfig};
//! use nabla_nn::optim::{HyperValue, OptimizerConfig};
//! use nabla_nn::train::{fit, Objective, TrainConfig};
//! use nabla_tensor::{Activation, Tensor};
//!
//! // XOR, learned by a 2-8-1 tanh network.
//! let x = Tensor::<f64>::from_vec(vec![0., 0., 0., 1., 1., 0., 1., 1.], &[4, 2]).unwrap();
//! let y = Tensor::<f64>::from_vec(vec![0., 1., 1., 0.], &[4, 1]).unwrap();
//! let config = MlpConfig { widths: vec![2, 8, 1], activation: Activation::Tanh, ..MlpConfig::default() };
//! let mut mlp = Mlp::new(&config, 0).unwrap();
//! let train = TrainConfig {
//!     epochs: 500,
//!     batch_size: 4,
//!     optimizer: OptimizerConfig::from_name("adam", &[("lr", HyperValue::Number(0.05))]).unwrap(),
//!     ..TrainConfig::default()
//! };
//! let report = fit(&mut mlp, Objective::Binary, (&x, &y), None, &train, &mut |_| {}).unwrap();
//! assert_eq!(report.history.last().unwrap().train.accuracy, Some(1.0));
//! ```

mod fit;
mod metrics;
mod objective;

pub use fit::{fit, train_step, EpochReport, Event, FitReport, TrainConfig};
pub use metrics::{evaluate, metrics_of, Metrics};
pub use objective::Objective;
