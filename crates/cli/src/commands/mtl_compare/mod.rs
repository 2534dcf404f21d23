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
//! For every seed s (`first-seed`, `first-seed + 1`, …): the data are split with seed s and
//! standardised on the training part; then (a) for each task, a single-task network (the same
//! trunk and head shapes, one head) is trained on the training rows that have that task's label,
//! and (b) the multi-task network is trained once per balancing method. Every network starts
//! from seed s, so the single-task networks and the multi-task ones start from the same trunk.
//! Each task is scored on its test rows: accuracy for classes and binary, R² for regression.
//! The table reports the mean ± the sample standard deviation (n − 1) over the seeds, and each
//! setup's parameter count (for the single-task setup, the sum over its networks).
//! Omitted `--task`: every target of an embedded data set, with its own kind.

mod picture;
mod table;

use std::time::Instant;

use anyhow::bail;
use clap::Args;
use nabla_nn::data::Dataset;
use nabla_nn::multitask::{Balance, MultiTaskConfig, MultiTaskTrainConfig};
use nabla_nn::optim::{HyperValue, OptimizerConfig};
use nabla_nn::train::{Metrics, TrainConfig};
use nabla_tensor::{Activation, Float};

use super::train::multitask::{
    load_tasks, parse_balance, parse_widths, split_tasks, train_network, TaskData,
};
use crate::dtype::Dtype;
use crate::output::CommonArgs;

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

/// One compared setup: its name, its parameter count, and per task the test metric of each seed.
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
pub struct TaskInfo {
    /// The column.
    pub name: String,
    /// classes, binary or regression.
    pub kind: &'static str,
    /// Parameters of its single-task network.
    pub single_parameters: usize,
}

/// Everything the table shows.
pub struct Comparison {
    /// The data set.
    pub dataset: String,
    /// The seeds used.
    pub seeds: Vec<u64>,
    /// The tasks, in order.
    pub tasks: Vec<TaskInfo>,
    /// The setups: single-task first, then each balancing method.
    pub setups: Vec<Setup>,
    /// The settings, for the header line.
    pub settings: String,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// Runs `nabla mtl-compare`.
pub fn run(args: &MtlCompareArgs) -> anyhow::Result<()> {
    if let Some(path) = &args.plot {
        crate::plot::ImageFormat::from_path(path, "--plot")?;
    }
    let comparison = match args.dtype {
        Dtype::F32 => compare::<f32>(args)?,
        Dtype::F64 => compare::<f64>(args)?,
    };
    if let Some(path) = &args.plot {
        picture::save(path, &comparison)?;
    }
    table::print(args, &comparison)
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

fn compare<T: Float>(args: &MtlCompareArgs) -> anyhow::Result<Comparison> {
    let started = Instant::now();
    let activation = Activation::parse(&args.activation, None, None)
        .map_err(|e| anyhow::anyhow!("--activation: {e}"))?;
    let shared = parse_widths("--shared", &args.shared)?;
    if shared.is_empty() {
        bail!("--shared: the trunk needs at least one layer");
    }
    let head = parse_widths("--head", &args.head)?;
    let balances = args
        .balance
        .split(',')
        .map(|b| parse_balance(b.trim(), args.gradnorm_alpha, args.gradnorm_lr))
        .collect::<anyhow::Result<Vec<Balance>>>()?;
    if args.seeds == 0 {
        bail!("--seeds: compare over at least one seed (5 or more for a spread)");
    }
    let optimizer =
        OptimizerConfig::from_name(&args.optimizer, &[("lr", HyperValue::Number(args.lr))])
            .map_err(|e| anyhow::anyhow!("--optimizer {}: {e}", args.optimizer))?;
    let specs = if args.tasks.is_empty() {
        default_tasks(&args.data)?
    } else {
        args.tasks.clone()
    };
    let dataset = load_tasks(&args.data, &specs, "--task")?;
    let seeds: Vec<u64> = (args.first_seed..args.first_seed + args.seeds).collect();
    let n_tasks = dataset.targets().len();
    let mut setups: Vec<Setup> = std::iter::once(Setup {
        name: "single-task".to_string(),
        balance: None,
        parameters: 0,
        metrics: vec![Vec::new(); n_tasks],
    })
    .chain(balances.iter().map(|b| Setup {
        name: format!("multi-task ({})", b.name()),
        balance: Some(b.name()),
        parameters: 0,
        metrics: vec![Vec::new(); n_tasks],
    }))
    .collect();
    let mut tasks: Vec<TaskInfo> = Vec::new();
    let config_for = |seed: u64, balance: Balance| MultiTaskTrainConfig {
        train: TrainConfig {
            epochs: args.epochs,
            batch_size: args.batch,
            seed,
            optimizer,
            ..TrainConfig::default()
        },
        balance,
        weights: Vec::new(),
    };
    for (k, &seed) in seeds.iter().enumerate() {
        if !args.common.quiet {
            eprint!("\rseed {seed} ({}/{})", k + 1, seeds.len());
        }
        let data = split_tasks(&dataset, args.test_fraction, 0.0, seed)?;
        let model_config = |task_list| MultiTaskConfig {
            inputs: data.split.train.n_features(),
            shared: shared.clone(),
            head_hidden: head.clone(),
            activation,
            dropout: 0.0,
            init: nabla_nn::init::Init::PyTorchDefault,
            tasks: task_list,
        };
        // (a) one network per task, on the rows with that task's label.
        let mut single_total = 0;
        for (t, task) in data.tasks.iter().enumerate() {
            let one = std::slice::from_ref(&task.name);
            let part = |d: &Dataset| d.select_targets(one);
            let single = TaskData {
                name: data.name.clone(),
                split: nabla_nn::data::SplitData {
                    train: part(&data.split.train)?,
                    validation: None,
                    test: part(&data.split.test)?,
                },
                tasks: vec![task.clone()],
            };
            let outcome = train_network::<T>(
                &single,
                &model_config(vec![task.clone()]),
                &config_for(seed, Balance::Fixed),
                true,
            )
            .map_err(|e| anyhow::anyhow!("single-task {}, seed {seed}: {e:#}", task.name))?;
            let m = test_metrics(outcome.test[0], &task.name)?;
            setups[0].metrics[t].push(m);
            single_total += outcome.parameters.0;
            if k == 0 {
                tasks.push(TaskInfo {
                    name: task.name.clone(),
                    kind: super::train::multitask::kind_name(task.objective),
                    single_parameters: outcome.parameters.0,
                });
            }
        }
        setups[0].parameters = single_total;
        // (b) the multi-task network under each balancing method.
        for (b, &balance) in balances.iter().enumerate() {
            let outcome = train_network::<T>(
                &data,
                &model_config(data.tasks.clone()),
                &config_for(seed, balance),
                true,
            )
            .map_err(|e| anyhow::anyhow!("multi-task ({}), seed {seed}: {e:#}", balance.name()))?;
            for (t, task) in data.tasks.iter().enumerate() {
                let m = test_metrics(outcome.test[t], &task.name)?;
                setups[b + 1].metrics[t].push(m);
            }
            setups[b + 1].parameters = outcome.parameters.0;
        }
    }
    if !args.common.quiet {
        eprintln!();
    }
    let settings = format!(
        "trunk {}-{}, heads {}, {} lr {}, {} epochs, batch {}, test fraction {}",
        dataset.n_features(),
        args.shared,
        if head.is_empty() {
            "linear".to_string()
        } else {
            args.head.clone()
        },
        args.optimizer,
        args.lr,
        args.epochs,
        args.batch,
        args.test_fraction
    );
    Ok(Comparison {
        dataset: dataset.name().to_string(),
        seeds,
        tasks,
        setups,
        settings,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// A task's test metrics, or an error when its test part has no labels.
fn test_metrics(metrics: Option<Metrics>, task: &str) -> anyhow::Result<Metrics> {
    match metrics {
        Some(m) => Ok(m),
        None => bail!("--task {task}: no test row has a label; use a larger --test-fraction"),
    }
}
