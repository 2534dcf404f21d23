//! Multi-task learning: one network learns several tasks at once through a shared trunk
//! (hard parameter sharing) and one head per task, each with its own output kind, loss and
//! metrics ([`Objective`](crate::train::Objective)).
//!
//! - [`MultiTaskModel`]: the trunk and heads ([`model`](self::MultiTaskConfig)).
//! - [`MultiTaskData`] and [`masked_loss`]: rows missing one task's label still train the others.
//! - [`Balance`]: fixed weights, uncertainty weighting (Kendall, Gal & Cipolla 2018), GradNorm
//!   (Chen et al. 2018) and PCGrad (Yu et al. 2020); the formulas are in [`balance`].
//! - [`MultiTaskLearner`] and [`fit_multitask`]: training with the one training loop
//!   ([`crate::train::fit`]), every task's metrics and the task weights recorded after each epoch.
//! - [`PreparedTasks`]: a data set split and standardised, one task per target.
//! - [`compare`]: does sharing help? Single-task networks against the multi-task one under each
//!   balancing, over seeds (`nabla mtl-compare`).
//!
//! ```
//! use nabla_nn::data::{Dataset, Standardizer};
//! use nabla_nn::multitask::*;
//! use nabla_nn::optim::{HyperValue, OptimizerConfig};
//! use nabla_nn::train::{Objective, TrainConfig};
//! let mut penguins = Dataset::by_name("penguins").unwrap();
//! Standardizer::fit(&penguins).unwrap().transform(&mut penguins).unwrap();
//! let tasks: Vec<Task> = penguins.targets().iter().map(|t| Task::new(t.name(), Objective::fit(t))).collect();
//! let data = MultiTaskData::<f32>::new(&penguins, &tasks).unwrap();
//! let config = MultiTaskConfig { inputs: 3, shared: vec![16], head_hidden: vec![], tasks, ..MultiTaskConfig::default() };
//! let mut model = MultiTaskModel::new(&config, 0).unwrap();
//! let train = MultiTaskTrainConfig {
//!     train: TrainConfig {
//!         epochs: 30,
//!         optimizer: OptimizerConfig::from_name("adam", &[("lr", HyperValue::Number(0.01))]).unwrap(),
//!         ..TrainConfig::default()
//!     },
//!     balance: Balance::Uncertainty,
//!     weights: vec![],
//! };
//! let report = fit_multitask(&mut model, &data, None, &train, &mut |_| {}).unwrap();
//! let last = report.history.last().unwrap();
//! assert!(last.train[0].unwrap().accuracy.unwrap() > 0.9); // species
//! assert_eq!(last.state.weights.len(), 3);
//! ```

pub mod balance;
pub mod compare;
mod fit;
mod labels;
mod model;
mod prepared;

pub use balance::{
    gradnorm_update, pcgrad, uncertainty_loss, Balance, GradNormInput, GradNormStep,
};
pub use fit::{
    fit_multitask, BalanceState, MultiTaskEpoch, MultiTaskEvent, MultiTaskFitReport,
    MultiTaskLearner, MultiTaskTrainConfig,
};
pub use labels::{masked_loss, masked_metrics, MultiTaskData};
pub use model::{Forward, MultiTaskConfig, MultiTaskModel, Task};
pub use prepared::PreparedTasks;
