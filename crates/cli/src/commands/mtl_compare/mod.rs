//! `nabla mtl-compare`: does sharing help? Separate single-task networks against one multi-task
//! network under each loss balancing, on the same splits with the same seeds.
//!
//! ```text
//! nabla mtl-compare [--data penguins|digits_multitask|FILE.csv] [--task NAME:KIND ...]
//!                   [--shared 32] [--head 16] [--balance fixed,uncertainty,gradnorm,pcgrad]
//!                   [--seeds 5] [--first-seed 0] [--epochs 60] [--batch 32] [--optimizer adam]
//!                   [--lr 0.01] [--activation relu] [--test-fraction 0.25]
//!                   [--plot FILE.png|svg] [--format text|json|markdown]
//! ```
//!
//! The experiment is `nabla_nn::multitask::compare` (its docs say what is trained on which
//! rows); this command reads the flags, prices the run, and prints the table or the picture.
//! The table reports the mean ± the sample standard deviation (n − 1) over the seeds, and each
//! setup's parameter count (for the single-task setup, the sum over its networks).
//! Omitted `--task`: every target of an embedded data set, with its own kind.

mod picture;
mod table;

use std::time::Instant;

use anyhow::bail;
use clap::Args;
use nabla_nn::data::Dataset;
use nabla_nn::multitask::compare::{compare, CompareConfig, CompareError, Comparison};
use nabla_nn::multitask::{Balance, MultiTaskConfig, Task};
use nabla_nn::optim::{HyperValue, OptimizerConfig};
use nabla_nn::train::{Objective, TrainConfig};
use nabla_tensor::Activation;

use crate::dtype::Dtype;
use crate::model_args::{load_tasks, parse_balance, parse_widths};
use crate::output::CommonArgs;
use crate::training_cost::Network;

/// `nabla mtl-compare` flags.
#[derive(Args, Debug)]
pub struct MtlCompareArgs {
    /// An embedded data set (penguins, digits_multitask, …) or a CSV file with a header row.
    #[arg(long, default_value = "penguins", value_name = "NAME|FILE.csv")]
    pub data: String,
    /// A task as NAME:KIND (repeatable; default: every target of an embedded data set).
    #[arg(long = "task", value_name = "NAME:KIND")]
    pub tasks: Vec<String>,
    /// The shared trunk's widths, comma-separated.
    #[arg(long, default_value = "32", value_name = "W[,W...]")]
    pub shared: String,
    /// Each head's hidden widths (`0` or `none`: linear heads).
    #[arg(long, default_value = "16", value_name = "W[,W...]")]
    pub head: String,
    /// The balancing methods to compare, comma-separated.
    #[arg(long, default_value = "fixed,uncertainty,gradnorm,pcgrad")]
    pub balance: String,
    /// GradNorm's asymmetry α.
    #[arg(long, default_value_t = Balance::GRADNORM_ALPHA, allow_hyphen_values = true)]
    pub gradnorm_alpha: f64,
    /// GradNorm's learning rate for the task weights.
    #[arg(long, default_value_t = Balance::GRADNORM_LR, allow_hyphen_values = true)]
    pub gradnorm_lr: f64,
    /// The number of seeds (each: a new split and new initial weights).
    #[arg(long, default_value_t = 5)]
    pub seeds: u64,
    /// The first seed.
    #[arg(long, default_value_t = 0)]
    pub first_seed: u64,
    /// Passes over the training data.
    #[arg(long, default_value_t = 60)]
    pub epochs: usize,
    /// Rows per mini-batch.
    #[arg(long, default_value_t = 32)]
    pub batch: usize,
    /// The optimizer (any `nabla train` optimizer, with its PyTorch defaults).
    #[arg(long, default_value = "adam")]
    pub optimizer: String,
    /// The learning rate.
    #[arg(long, default_value_t = 0.01, allow_hyphen_values = true)]
    pub lr: f64,
    /// The hidden activation.
    #[arg(long, default_value = "relu")]
    pub activation: String,
    /// The fraction of rows held out for testing.
    #[arg(long, default_value_t = 0.25)]
    pub test_fraction: f64,
    /// The element type to train in.
    #[arg(long, value_enum, default_value_t = Dtype::F32)]
    pub dtype: Dtype,
    /// Draw every setup's test metric per task (each seed, mean ± std) to this PNG or SVG file.
    #[arg(long, value_name = "FILE.png|svg")]
    pub plot: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// The comparison and what the report's header says of it.
pub struct Report {
    /// The data set.
    pub dataset: String,
    /// Seeds, tasks and each setup's metrics.
    pub comparison: Comparison,
    /// The settings, for the header line.
    pub settings: String,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// Runs `nabla mtl-compare`.
pub fn run(args: &MtlCompareArgs) -> anyhow::Result<()> {
    let data_file = std::path::Path::new(&args.data);
    crate::paths::RunPaths::new()
        .input("--data", data_file.exists().then_some(data_file))
        .output("--plot", args.plot.as_deref())
        .check()?;
    if let Some(path) = &args.plot {
        crate::plot::ImageFormat::from_path(path, "--plot")?;
    }
    let started = Instant::now();
    let config = compare_config(args)?;
    let specs = if args.tasks.is_empty() {
        default_tasks(&args.data)?
    } else {
        args.tasks.clone()
    };
    let dataset = load_tasks(&args.data, &specs, "--task")?;
    price(args, &dataset, &config)?;
    let mut progress = Progress {
        shown: false,
        quiet: args.common.quiet,
        seeds: config.seeds,
    };
    let comparison = match args.dtype {
        Dtype::F32 => compare::<f32>(&dataset, &config, &mut |k, seed| progress.show(k, seed)),
        Dtype::F64 => compare::<f64>(&dataset, &config, &mut |k, seed| progress.show(k, seed)),
    };
    progress.finish();
    let report = Report {
        dataset: dataset.name().to_string(),
        comparison: comparison?,
        settings: settings(args, &dataset, &config),
        seconds: started.elapsed().as_secs_f64(),
    };
    if let Some(path) = &args.plot {
        picture::save(path, &report)?;
    }
    table::print(args, &report)
}

/// The comparison's settings from the flags, every one checked before any data is read.
fn compare_config(args: &MtlCompareArgs) -> anyhow::Result<CompareConfig> {
    let activation = Activation::parse(&args.activation, None, None)
        .map_err(|e| anyhow::anyhow!("--activation: {e}"))?;
    let balances = args
        .balance
        .split(',')
        .map(|b| parse_balance(b.trim(), args.gradnorm_alpha, args.gradnorm_lr))
        .collect::<anyhow::Result<Vec<Balance>>>()?;
    let optimizer =
        OptimizerConfig::from_name(&args.optimizer, &[("lr", HyperValue::Number(args.lr))])
            .map_err(|e| anyhow::anyhow!("--optimizer {}: {e}", args.optimizer))?;
    let config = CompareConfig {
        shared: parse_widths("--shared", &args.shared)?,
        head_hidden: parse_widths("--head", &args.head)?,
        activation,
        balances,
        first_seed: args.first_seed,
        seeds: args.seeds,
        train: TrainConfig {
            epochs: args.epochs,
            batch_size: args.batch,
            optimizer,
            ..TrainConfig::default()
        },
        test_fraction: args.test_fraction,
    };
    config.validate().map_err(|e| match e {
        CompareError::Setting(e) => setting_error(*e),
        e => e.into(),
    })?;
    Ok(config)
}

/// A loop or balancing setting's error, naming its flag.
fn setting_error(e: nabla_nn::Error) -> anyhow::Error {
    match e {
        nabla_nn::Error::InvalidParameter { name, .. } => {
            anyhow::anyhow!("--{}: {e}", name.replace('_', "-"))
        }
        e => e.into(),
    }
}

/// Refuses a comparison whose networks or seeds cost more than the machine has.
fn price(args: &MtlCompareArgs, dataset: &Dataset, config: &CompareConfig) -> anyhow::Result<()> {
    let tasks: Vec<Task> = dataset
        .targets()
        .iter()
        .map(|t| Task::new(t.name(), Objective::fit(t)))
        .collect();
    let model = |tasks: Vec<Task>| MultiTaskConfig {
        inputs: dataset.n_features(),
        shared: config.shared.clone(),
        head_hidden: config.head_hidden.clone(),
        tasks,
        ..MultiTaskConfig::default()
    };
    let mut networks: Vec<Network> = tasks
        .iter()
        .map(|t| Network::multitask(&model(vec![t.clone()])))
        .collect();
    let multi = Network::multitask(&model(tasks.clone()));
    networks.extend(std::iter::repeat_n(multi, config.balances.len()));
    // Each seed keeps every network's test metrics of every task.
    let per_seed = networks.len() * tasks.len() * std::mem::size_of::<nabla_nn::train::Metrics>();
    crate::limits::check_memory(
        "--seeds",
        format_args!("{} seeds", config.seeds),
        config.seeds as f64 * (8 + per_seed) as f64,
    )?;
    crate::training_cost::Run {
        networks: &networks,
        repeats: config.seeds as f64,
        rows: dataset.n_samples(),
        batch: args.batch,
        epochs: args.epochs,
        early_stopping: false,
        element_bytes: args.dtype.element_bytes(),
        optimizer: &config.train.optimizer,
    }
    .check("--seeds")
}

/// `seed 3 (4/5)` on stderr as each seed starts, unless `--quiet`; the line is ended before
/// anything else is printed.
struct Progress {
    shown: bool,
    quiet: bool,
    seeds: u64,
}

impl Progress {
    fn show(&mut self, k: usize, seed: u64) {
        if !self.quiet {
            eprint!("\rseed {seed} ({}/{})", k + 1, self.seeds);
            self.shown = true;
        }
    }

    fn finish(&mut self) {
        if self.shown {
            eprintln!();
        }
    }
}

fn default_tasks(data: &str) -> anyhow::Result<Vec<String>> {
    if std::path::Path::new(data).exists() {
        bail!("--task: declare the tasks of {data} as NAME:KIND");
    }
    let dataset = Dataset::load(data, &Default::default())
        .map_err(|e| anyhow::anyhow!("--data {data}: {e}"))?;
    Ok(dataset
        .targets()
        .iter()
        .map(|t| format!("{}:{}", t.name(), t.kind()))
        .collect())
}

/// The header line's settings.
fn settings(args: &MtlCompareArgs, dataset: &Dataset, config: &CompareConfig) -> String {
    format!(
        "trunk {}-{}, heads {}, {} lr {}, {} epochs, batch {}, test fraction {}",
        dataset.n_features(),
        args.shared,
        if config.head_hidden.is_empty() {
            "linear".to_string()
        } else {
            args.head.clone()
        },
        args.optimizer,
        args.lr,
        args.epochs,
        args.batch,
        args.test_fraction
    )
}
