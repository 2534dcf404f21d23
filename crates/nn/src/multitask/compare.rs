//! Does sharing help? Separate single-task networks against one multi-task network under each
//! loss balancing, on the same splits with the same seeds (`nabla mtl-compare`).
//!
//! For every seed s (`first_seed`, `first_seed + 1`, …): the data are split with seed s and
//! standardised on the training part; then (a) for each task, a single-task network (the same
//! trunk and head shapes, one head) is trained on the training rows that have that task's label,
//! and (b) the multi-task network is trained once per balancing method. Every network starts
//! from seed s, so the single-task networks and the multi-task ones start from the same trunk.
//! Each task is scored on its test rows by its [headline](TaskInfo::headline) metric: accuracy
//! for classes and binary, R² for regression; a setup's score is the mean ± the sample standard
//! deviation (n − 1) over the seeds ([`mean_std`]), and each multi-task setup is also compared
//! with the single-task networks seed by seed ([`Comparison::paired`]).
//!
//! ```
//! use nabla_nn::data::Dataset;
//! use nabla_nn::multitask::compare::{compare, CompareConfig};
//! use nabla_nn::multitask::Balance;
//! use nabla_nn::train::TrainConfig;
//! let penguins = Dataset::by_name("penguins").unwrap();
//! let config = CompareConfig {
//!     balances: vec![Balance::Fixed],
//!     seeds: 1,
//!     train: TrainConfig { epochs: 2, ..TrainConfig::default() },
//!     ..CompareConfig::default()
//! };
//! let c = compare::<f32>(&penguins, &config, &mut |_, _| {}).unwrap();
//! assert_eq!(c.setups.len(), 2); // single-task, multi-task (fixed)
//! assert_eq!(c.values(1, 0).len(), 1); // species, one seed
//! ```

use nabla_tensor::{Activation, Float};

use super::{fit_multitask, Balance, MultiTaskConfig, MultiTaskData, MultiTaskModel};
use super::{MultiTaskTrainConfig, PreparedTasks};
use crate::data::prepare::{Preparation, PrepareError};
use crate::data::Dataset;
use crate::init::Init;
use crate::train::{Metrics, TrainConfig};

/// What to compare, and how every network is trained.
#[derive(Clone, Debug)]
pub struct CompareConfig {
    /// The shared trunk's widths (at least one layer).
    pub shared: Vec<usize>,
    /// Each head's hidden widths (empty: linear heads).
    pub head_hidden: Vec<usize>,
    /// The hidden activation.
    pub activation: Activation,
    /// The multi-task balancings compared (at least one).
    pub balances: Vec<Balance>,
    /// The first seed.
    pub first_seed: u64,
    /// How many seeds (each a new split and new initial weights).
    pub seeds: u64,
    /// Epochs, batch size and optimizer of every network (its seed is each run's).
    pub train: TrainConfig,
    /// The fraction of rows held out for testing.
    pub test_fraction: f64,
}

impl Default for CompareConfig {
    /// `nabla mtl-compare`'s defaults.
    fn default() -> Self {
        Self {
            shared: vec![32],
            head_hidden: vec![16],
            activation: Activation::Relu,
            balances: Balance::NAMES
                .iter()
                .filter_map(|n| Balance::parse(n))
                .collect(),
            first_seed: 0,
            seeds: 5,
            train: TrainConfig {
                epochs: 60,
                ..TrainConfig::default()
            },
            test_fraction: 0.25,
        }
    }
}

/// Why a comparison could not run; the message names the setting at fault.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// No seed to compare over.
    #[error("--seeds: compare over at least one seed (5 or more for a spread)")]
    NoSeeds,
    /// Seeds beyond `u64::MAX`.
    #[error(
        "--first-seed {first}: {count} seeds from it run past the largest seed, {}",
        u64::MAX
    )]
    SeedsOverflow {
        /// The first seed.
        first: u64,
        /// How many seeds.
        count: u64,
    },
    /// An empty trunk.
    #[error("--shared: the trunk needs at least one layer")]
    NoTrunk,
    /// No balancing to compare.
    #[error("--balance: name at least one balancing method")]
    NoBalance,
    /// A setting of the training loop or of a balancing.
    #[error("{0}")]
    Setting(Box<crate::Error>),
    /// The data do not split, or a task lacks labels in a part.
    #[error(transparent)]
    Prepare(Box<PrepareError>),
    /// One network's training failed (divergence, say).
    #[error("{setup}, seed {seed}: {error}")]
    Run {
        /// `single-task NAME` or `multi-task (METHOD)`.
        setup: String,
        /// The seed.
        seed: u64,
        /// What went wrong.
        error: Box<crate::Error>,
    },
}

impl From<PrepareError> for CompareError {
    fn from(e: PrepareError) -> Self {
        CompareError::Prepare(Box::new(e))
    }
}

impl CompareError {
    fn run(setup: String, seed: u64) -> impl FnOnce(crate::Error) -> CompareError {
        move |error| CompareError::Run {
            setup,
            seed,
            error: Box::new(error),
        }
    }
}

/// One compared setup: its name, its parameter count, and per task the test metric of each seed.
#[derive(Clone, Debug)]
pub struct Setup {
    /// `single-task` or `multi-task (METHOD)`.
    pub name: String,
    /// The balancing method (`None` for the single-task networks).
    pub balance: Option<&'static str>,
    /// Trainable numbers (single-task: the sum over the per-task networks).
    pub parameters: usize,
    /// Per task (in task order), the test metrics of every seed.
    pub metrics: Vec<Vec<Metrics>>,
}

/// A task of the comparison.
#[derive(Clone, Debug)]
pub struct TaskInfo {
    /// The column.
    pub name: String,
    /// classes, binary or regression.
    pub kind: &'static str,
    /// Parameters of its single-task network.
    pub single_parameters: usize,
}

impl TaskInfo {
    /// The metric the task is judged by: `accuracy`, or `r_squared` for regression.
    pub fn metric_name(&self) -> &'static str {
        if self.kind == "regression" {
            "r_squared"
        } else {
            "accuracy"
        }
    }

    /// That metric of `m` (NaN where it is undefined).
    pub fn headline(&self, m: &Metrics) -> f64 {
        if self.kind == "regression" {
            m.r_squared.unwrap_or(f64::NAN)
        } else {
            m.accuracy.unwrap_or(f64::NAN)
        }
    }
}

/// A finished comparison.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// The seeds used.
    pub seeds: Vec<u64>,
    /// The tasks, in order.
    pub tasks: Vec<TaskInfo>,
    /// The setups: single-task first, then each balancing method.
    pub setups: Vec<Setup>,
}

impl Comparison {
    /// Setup `s`'s headline metric of task `t`, seed by seed.
    pub fn values(&self, s: usize, t: usize) -> Vec<f64> {
        let task = &self.tasks[t];
        self.setups[s].metrics[t]
            .iter()
            .map(|m| task.headline(m))
            .collect()
    }

    /// Setup `s` against the single-task networks on task `t`, seed by seed (same split, same
    /// initial trunk): the differences `multi − single`, and how many seeds setup `s` won.
    pub fn paired(&self, s: usize, t: usize) -> (Vec<f64>, usize) {
        let diffs: Vec<f64> = self
            .values(0, t)
            .iter()
            .zip(self.values(s, t))
            .map(|(single, multi)| multi - single)
            .collect();
        let wins = diffs.iter().filter(|d| **d > 0.0).count();
        (diffs, wins)
    }
}

/// The mean and sample standard deviation (n − 1) of `values` (`None` for the deviation of
/// one value).
pub fn mean_std(values: &[f64]) -> (f64, Option<f64>) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, None);
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, Some(var.sqrt()))
}

impl CompareConfig {
    /// The last seed.
    ///
    /// # Errors
    /// No seed, or seeds past `u64::MAX`.
    pub fn last_seed(&self) -> Result<u64, CompareError> {
        if self.seeds == 0 {
            return Err(CompareError::NoSeeds);
        }
        self.first_seed
            .checked_add(self.seeds - 1)
            .ok_or(CompareError::SeedsOverflow {
                first: self.first_seed,
                count: self.seeds,
            })
    }

    /// Checks every setting before any network is trained.
    ///
    /// # Errors
    /// The first setting at fault.
    pub fn validate(&self) -> Result<(), CompareError> {
        self.last_seed()?;
        if self.shared.is_empty() {
            return Err(CompareError::NoTrunk);
        }
        if self.balances.is_empty() {
            return Err(CompareError::NoBalance);
        }
        for &balance in &self.balances {
            self.run_config(self.first_seed, balance)
                .validate(1, false)
                .map_err(|e| CompareError::Setting(Box::new(e)))?;
        }
        Ok(())
    }

    fn run_config(&self, seed: u64, balance: Balance) -> MultiTaskTrainConfig {
        MultiTaskTrainConfig {
            train: TrainConfig {
                seed,
                ..self.train.clone()
            },
            balance,
            weights: Vec::new(),
        }
    }

    fn model_config(&self, inputs: usize, tasks: Vec<super::Task>) -> MultiTaskConfig {
        MultiTaskConfig {
            inputs,
            shared: self.shared.clone(),
            head_hidden: self.head_hidden.clone(),
            activation: self.activation,
            dropout: 0.0,
            init: Init::PyTorchDefault,
            tasks,
        }
    }
}

/// Runs the comparison on every target of `dataset` (select the tasks first with
/// [`Dataset::select_targets`]); `on_seed(k, seed)` is called as the k-th seed (from 0) starts.
///
/// # Errors
/// A setting at fault (checked before any training), a split that does not fit the data, a
/// task without training or test labels, or a network whose training failed.
pub fn compare<T: Float>(
    dataset: &Dataset,
    config: &CompareConfig,
    on_seed: &mut dyn FnMut(usize, u64),
) -> Result<Comparison, CompareError> {
    config.validate()?;
    let seeds: Vec<u64> = (config.first_seed..=config.last_seed()?).collect();
    let n_tasks = dataset.targets().len();
    let mut setups: Vec<Setup> = std::iter::once(Setup {
        name: "single-task".to_string(),
        balance: None,
        parameters: 0,
        metrics: vec![Vec::new(); n_tasks],
    })
    .chain(config.balances.iter().map(|b| Setup {
        name: format!("multi-task ({})", b.name()),
        balance: Some(b.name()),
        parameters: 0,
        metrics: vec![Vec::new(); n_tasks],
    }))
    .collect();
    let mut tasks: Vec<TaskInfo> = Vec::new();
    for (k, &seed) in seeds.iter().enumerate() {
        let preparation = Preparation {
            test_fraction: config.test_fraction,
            seed,
            ..Preparation::default()
        };
        let data = PreparedTasks::new(dataset, &preparation)?;
        on_seed(k, seed);
        let inputs = data.split.train.n_features();
        // (a) one network per task, on the rows with that task's label.
        let mut single_total = 0;
        for (t, task) in data.tasks.iter().enumerate() {
            let setup = || format!("single-task {}", task.name);
            let single = data
                .single(task)
                .map_err(CompareError::run(setup(), seed))?;
            let (test, parameters) = train_and_test::<T>(
                &single,
                &config.model_config(inputs, vec![task.clone()]),
                &config.run_config(seed, Balance::Fixed),
            )
            .map_err(CompareError::run(setup(), seed))?;
            setups[0].metrics[t].push(labelled(test[0], &task.name)?);
            single_total += parameters;
            if k == 0 {
                tasks.push(TaskInfo {
                    name: task.name.clone(),
                    kind: task.objective.kind_name(),
                    single_parameters: parameters,
                });
            }
        }
        setups[0].parameters = single_total;
        // (b) the multi-task network under each balancing method.
        for (b, &balance) in config.balances.iter().enumerate() {
            let (test, parameters) = train_and_test::<T>(
                &data,
                &config.model_config(inputs, data.tasks.clone()),
                &config.run_config(seed, balance),
            )
            .map_err(CompareError::run(
                format!("multi-task ({})", balance.name()),
                seed,
            ))?;
            for (t, task) in data.tasks.iter().enumerate() {
                setups[b + 1].metrics[t].push(labelled(test[t], &task.name)?);
            }
            setups[b + 1].parameters = parameters;
        }
    }
    Ok(Comparison {
        seeds,
        tasks,
        setups,
    })
}

/// Trains a network on `data`'s training part; its metrics per task on the test part, and its
/// parameter count.
fn train_and_test<T: Float>(
    data: &PreparedTasks,
    model_config: &MultiTaskConfig,
    config: &MultiTaskTrainConfig,
) -> crate::Result<(Vec<Option<Metrics>>, usize)> {
    let train = MultiTaskData::<T>::new(&data.split.train, &data.tasks)?;
    let test = MultiTaskData::<T>::new(&data.split.test, &data.tasks)?;
    let mut model = MultiTaskModel::<T>::new(model_config, config.train.seed)?;
    fit_multitask(&mut model, &train, None, config, &mut |_| {})?;
    Ok((
        test.metrics(&model.predict(test.x())?)?,
        model.parameter_count(),
    ))
}

/// A task's test metrics, or an error when its test part has no labels.
fn labelled(metrics: Option<Metrics>, task: &str) -> Result<Metrics, CompareError> {
    metrics.ok_or_else(|| {
        CompareError::from(PrepareError::NoLabels {
            task: task.to_string(),
            part: "test",
            remedy: "use a larger --test-fraction",
        })
    })
}
