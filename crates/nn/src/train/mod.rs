//! Training: one loop ([`fit`]) for every model — mini-batch gradient descent with any
//! optimizer, learning-rate schedules, held-out evaluation, early stopping and divergence
//! detection — and the learning-rate range test ([`lr_find`]). A model takes part by
//! implementing [`TrainStep`]: [`Mlp`](crate::layers::Mlp) trains on [`Examples`], a multi-task
//! network through [`MultiTaskLearner`](crate::multitask::MultiTaskLearner).
//!
//! ```
//! use nabla_nn::layers::{Mlp, MlpConfig};
//! use nabla_nn::optim::{HyperValue, OptimizerConfig};
//! use nabla_nn::train::{evaluate, fit, Examples, Objective, TrainConfig};
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
//! let data = Examples::new(Objective::Binary, &x, &y);
//! let report = fit(&mut mlp, &data, None, &train, &mut |_| {}).unwrap();
//! assert_eq!(report.history.last().unwrap().train.accuracy, Some(1.0)); // its last epoch's batches
//! assert_eq!(evaluate(&mlp, Objective::Binary, &x, &y).unwrap().accuracy, Some(1.0));
//! ```

pub mod checkpoint;
pub mod classes;
mod fit;
mod lr_find;
mod metrics;
mod objective;
pub mod report;
pub(crate) mod step;

pub use checkpoint::{Checkpoint, ModelState};
pub use fit::{
    fit, fit_resumable, EpochReport, Event, FitReport, OnCheckpoint, TrainConfig, TrainMetrics,
};
pub use lr_find::{lr_find, LrFind, LrFindConfig};
pub use metrics::{check_finite, evaluate, metrics_of, Metrics, Tally};
pub use objective::Objective;
pub use step::{train_step, EpochMetrics, Examples, Module, TrainStep};
