//! `nabla train`: fit an MLP to an embedded data set or a CSV file and report held-out metrics.
//!
//! ```text
//! nabla train [--data digits|iris|wine|breast_cancer|diabetes|penguins|FILE.csv] [--target COL]
//!             [--hidden 64] [--activation relu] [--dropout 0.0] [--optimizer adam] [--lr 1e-3]
//!             [--epochs 30] [--batch 32] [--seed 0] [--test-fraction 0.25] [--save MODEL]
//!             [--schedule step:EVERY:GAMMA|exponential:GAMMA|cosine:T_MAX[:ETA_MIN]|linear:START:END:ITERS]
//!             [--mc-samples N] [--plot FILE.png|svg] [--format text|json]
//! ```
//!
//! The pipeline: load → seeded split (test, optional validation) → standardise features with the
//! training part's statistics → train (progress on stderr) → evaluate → optionally Monte Carlo
//! dropout on the test rows (`--mc-samples`) → optionally save the model (`--save`, safetensors
//! with PyTorch's state_dict names; see `nabla_nn::model_file`). With no arguments it
//! trains a 64-64-10 ReLU network on the embedded digits with Adam, as PyTorch's recipe does.
//! `nabla lr-find` ([`lr_find`]) probes the same networks, read from the same flags.

pub mod config;
mod curve;
mod finite;
mod log;
pub mod lr_find;
pub mod multitask;
mod progress;
pub mod report;
pub mod resume;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::builder::TypedValueParser;
use clap::Args;
use nabla_nn::data::prepare::{tensors, Preparation, Prepared};
use nabla_nn::data::{CsvOptions, Dataset, TargetSpec};
use nabla_nn::init::Init;
use nabla_nn::layers::{Mlp, MlpConfig};
use nabla_nn::model_file::{McDropout, Model, Network, TargetInfo};
use nabla_nn::optim::{HyperValue, LrSchedule, OptimizerConfig};
use nabla_nn::train::classes::{class_report, ClassReport};
use nabla_nn::train::{
    evaluate, fit_resumable, Checkpoint, Event, Examples, FitReport, Metrics, TrainConfig,
    TrainMetrics,
};
use nabla_tensor::{Activation, Float};
use serde::Serialize;

use crate::dtype::Dtype;
use crate::output::CommonArgs;

/// `nabla train` flags. Serialised, they are the run's resolved `config` (keys: the long flag
/// names).
#[derive(Args, Debug, Serialize)]
pub struct TrainArgs {
    /// Read the run's flags from this TOML file (keys: the long flag names, `hidden = [64, 64]`);
    /// flags on the command line override it.
    #[arg(long, value_name = "FILE.toml")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// An embedded data set (digits, iris, wine, breast_cancer, diabetes, penguins,
    /// digits_multitask) or a CSV file with a header row.
    #[arg(long, default_value = "digits", value_name = "NAME|FILE.csv")]
    pub data: String,
    /// The target column (required for a CSV file; chooses among an embedded set's targets).
    #[arg(long, value_name = "COL")]
    pub target: Option<String>,
    /// Hidden layer widths, comma-separated (`0` or `none` for no hidden layer).
    #[arg(long, default_value = "64", value_name = "W[,W...]")]
    pub hidden: String,
    /// The hidden activation (any `nabla activation` name).
    #[arg(long, default_value = "relu")]
    pub activation: String,
    /// The activation's α (leaky_relu, elu).
    #[arg(long, allow_hyphen_values = true)]
    pub alpha: Option<f64>,
    /// The activation's β (swish).
    #[arg(long, allow_hyphen_values = true)]
    pub beta: Option<f64>,
    /// Dropout probability after each hidden activation, in [0, 1).
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    pub dropout: f64,
    /// The optimizer (sgd, momentum, nesterov, rmsprop, adam, adamw, adagrad, adadelta, nadam,
    /// radam).
    #[arg(long, default_value = "adam")]
    pub optimizer: String,
    /// The learning rate (default: PyTorch's default for the optimizer, 1e-3 for adam).
    #[arg(long, allow_hyphen_values = true)]
    pub lr: Option<f64>,
    /// Weight decay (L2, decoupled for adamw).
    #[arg(long, allow_hyphen_values = true)]
    pub weight_decay: Option<f64>,
    /// Any other optimizer hyperparameter, as KEY=VALUE (repeatable; e.g. `beta2=0.99`).
    #[arg(long = "opt", value_name = "KEY=VALUE")]
    #[serde(rename = "opt")]
    pub optimizer_params: Vec<String>,
    /// Passes over the training data.
    #[arg(long, default_value_t = 30)]
    pub epochs: usize,
    /// Rows per mini-batch.
    #[arg(long, default_value_t = 32)]
    pub batch: usize,
    /// Seeds the split, the initial weights, the shuffling and dropout.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// The fraction of rows held out for testing.
    #[arg(long, default_value_t = 0.25)]
    pub test_fraction: f64,
    /// The fraction of rows held out for validation (early stopping reads it).
    #[arg(long, default_value_t = 0.0)]
    pub validation_fraction: f64,
    /// A learning-rate schedule stepped after every epoch, with PyTorch's rules: step:EVERY:GAMMA
    /// (StepLR), exponential:GAMMA (ExponentialLR), cosine:T_MAX[:ETA_MIN] (CosineAnnealingLR),
    /// linear:START:END:ITERS (LinearLR).
    #[arg(long, value_name = "SPEC")]
    pub schedule: Option<String>,
    /// Stop after this many epochs without a better validation loss (restores the best weights).
    #[arg(long)]
    pub patience: Option<usize>,
    /// Clip gradients to this global norm.
    #[arg(long)]
    pub clip_norm: Option<f64>,
    /// How each epoch's training metrics in the history and log are measured: running (from
    /// the epoch's training-mode batches, no extra pass) or full (an evaluation-mode pass over
    /// the training rows after every epoch). The final train metrics are always a full pass.
    #[arg(long, default_value = "running", value_parser = train_metrics_parser())]
    pub train_metrics: TrainMetrics,
    /// The weight initialiser (default, xavier_uniform, xavier_normal, kaiming_uniform,
    /// kaiming_normal).
    #[arg(long, default_value = "default")]
    pub init: String,
    /// The element type to train in.
    #[arg(long, value_enum, default_value_t = Dtype::F32)]
    pub dtype: Dtype,
    /// Draw the loss and metric curves to this PNG or SVG file.
    #[arg(long, value_name = "FILE.png|svg")]
    pub plot: Option<PathBuf>,
    /// Draw the test rows' confusion matrix (true class by predicted class, counts in the
    /// cells) to this PNG or SVG file (single-task classifiers).
    #[arg(long, value_name = "FILE.png|svg")]
    pub confusion_plot: Option<PathBuf>,
    /// Write one record per epoch to this file as training goes (FILE.jsonl: JSON lines;
    /// FILE.csv: a header and one row per epoch): the epoch's entry of the JSON history.
    #[arg(long, value_name = "FILE.jsonl|csv")]
    pub log: Option<PathBuf>,
    /// Worker threads for matrix products (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// After every epoch, write everything --resume needs to this file (safetensors, written
    /// atomically): weights, optimizer and schedule state, the dropout stream's position,
    /// early stopping's best epoch, the history and the run's settings. May name the --resume
    /// file.
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,
    /// Continue the run a --checkpoint file holds: its settings fill in every flag not given,
    /// a given flag that changes the numbers must agree with it, --epochs may be raised. The
    /// run ends exactly as an uninterrupted one (the same --save file); --log is appended to.
    #[arg(long, value_name = "FILE")]
    pub resume: Option<PathBuf>,
    /// Save the trained model to this file (safetensors with PyTorch's state_dict names and
    /// nabla's metadata; written atomically once training has succeeded).
    #[arg(long, value_name = "MODEL")]
    pub save: Option<PathBuf>,
    /// Monte Carlo dropout on the test rows: this many stochastic passes with dropout kept on
    /// (needs --dropout > 0; at least 2).
    #[arg(long, value_name = "N")]
    pub mc_samples: Option<usize>,
    #[command(flatten)]
    #[serde(flatten)]
    pub multitask: multitask::MultiTaskArgs,
    #[command(flatten)]
    #[serde(skip)]
    pub common: CommonArgs,
}

/// The outcome of a run, in f64 whatever the training dtype.
pub struct Outcome {
    /// The training history.
    pub fit: FitReport,
    /// Final metrics on the training part.
    pub train: Metrics,
    /// Final metrics on the validation part.
    pub validation: Option<Metrics>,
    /// Final metrics on the test part.
    pub test: Metrics,
    /// Layer widths, input to output.
    pub widths: Vec<usize>,
    /// Trainable numbers.
    pub parameters: usize,
    /// The trained network with its standardisation and target, as `--save` writes it.
    pub model: Model,
    /// Monte Carlo dropout on the test rows (`--mc-samples`).
    pub mc_dropout: Option<McDropout>,
    /// The confusion matrix and per-class metrics on the test rows (classifiers).
    pub test_classes: Option<ClassReport>,
}

/// Runs `nabla train`.
pub fn run(args: &TrainArgs) -> anyhow::Result<()> {
    let data_file = Path::new(&args.data);
    crate::paths::RunPaths::new()
        .input("--data", data_file.exists().then_some(data_file))
        .input("--config", args.config.as_deref())
        .input("--resume", args.resume.as_deref())
        .output("--save", args.save.as_deref())
        .output("--log", args.log.as_deref())
        .output("--plot", args.plot.as_deref())
        .output("--confusion-plot", args.confusion_plot.as_deref())
        .output("--checkpoint", args.checkpoint.as_deref())
        .may_replace("--checkpoint", "--resume")
        .check()?;
    crate::limits::use_threads("--threads", args.threads)?;
    for (flag, path) in [
        ("--plot", &args.plot),
        ("--confusion-plot", &args.confusion_plot),
    ] {
        if let Some(path) = path {
            crate::plot::ImageFormat::from_path(path, flag)?;
        }
    }
    if !args.multitask.tasks.is_empty() {
        if args.confusion_plot.is_some() {
            bail!("--confusion-plot: draws a single-task classifier's test rows; drop --task or --confusion-plot");
        }
        if args.mc_samples.is_some() {
            bail!("--mc-samples: Monte Carlo dropout is reported for single-task networks; drop --task or --mc-samples");
        }
        return multitask::run(args);
    }
    let Setup {
        prepared,
        mlp: mlp_config,
        train: config,
    } = single_task_setup(args)?;
    if args.confusion_plot.is_some() && !prepared.objective.is_classification() {
        bail!(
            "--confusion-plot: a confusion matrix needs a classifier; {} is a regression target",
            prepared.target
        );
    }
    let mut log = args
        .log
        .as_deref()
        .map(|p| log::RunLog::open(p, args.resume.is_some()))
        .transpose()?;
    let outcome = match args.dtype {
        Dtype::F32 => train_typed::<f32>(args, &prepared, &mlp_config, &config, log.as_mut()),
        Dtype::F64 => train_typed::<f64>(args, &prepared, &mlp_config, &config, log.as_mut()),
    };
    log.map(log::RunLog::finish).transpose()?;
    let outcome = outcome?;
    if let Some(path) = &args.plot {
        curve::save(path, &prepared, &outcome)?;
    }
    if let (Some(path), Some(classes)) = (&args.confusion_plot, &outcome.test_classes) {
        let figure = crate::confusion_plot::ConfusionPlot {
            title: format!(
                "{}: the {} test rows, accuracy {:.4}",
                crate::confusion_plot::file_name(Path::new(&prepared.name)),
                prepared.split.test.n_samples(),
                outcome.test.accuracy.unwrap_or(f64::NAN)
            ),
            classes: &outcome.model.target().classes,
            matrix: &classes.confusion,
        };
        crate::confusion_plot::save(path, "--confusion-plot", &figure)?;
    }
    if let Some(path) = &args.save {
        let bytes = outcome.model.to_bytes()?;
        crate::output::write_atomic(path, &bytes).map_err(|e| anyhow::anyhow!("--save: {e:#}"))?;
    }
    report::print(args, &prepared, &config, &outcome)
}

/// What a single-task run trains: the prepared data, the network's shape and the loop's
/// settings.
pub struct Setup {
    /// The split, standardised data and the objective.
    pub prepared: Prepared,
    /// The network to build.
    pub mlp: MlpConfig,
    /// Epochs, batches, optimizer, schedule, early stopping.
    pub train: TrainConfig,
}

/// Checks the model and loop flags of a single-task run (before any data is read), then
/// prepares the data.
///
/// # Errors
/// A bad flag, named; unreadable data.
pub fn single_task_setup(args: &TrainArgs) -> anyhow::Result<Setup> {
    let activation = Activation::parse(&args.activation, args.alpha, args.beta)
        .map_err(|e| anyhow::anyhow!("--activation: {e}"))?;
    let hidden = crate::model_args::parse_widths("--hidden", &args.hidden)?;
    let optimizer = optimizer_config(args)?;
    let init = Init::parse(&args.init).with_context(|| {
        format!(
            "--init: unknown initialiser '{}' (known: {})",
            args.init,
            Init::NAMES.join(", ")
        )
    })?;
    if !(0.0..1.0).contains(&args.dropout) {
        bail!("--dropout: {} is not in [0, 1)", args.dropout);
    }
    let schedule = schedule(args)?;
    check_model_flags(args)?;
    let prepared = prepare(args)?;
    let config = TrainConfig {
        epochs: args.epochs,
        batch_size: args.batch,
        seed: args.seed,
        optimizer,
        clip_norm: args.clip_norm,
        schedule,
        patience: args.patience,
        train_metrics: args.train_metrics,
    };
    let mut widths = vec![prepared.split.train.n_features()];
    widths.extend(&hidden);
    widths.push(prepared.objective.outputs());
    crate::training_cost::Run {
        networks: &[crate::training_cost::Network::mlp("--hidden", &widths)],
        repeats: 1.0,
        rows: prepared.split.train.n_samples(),
        batch: args.batch,
        epochs: args.epochs,
        early_stopping: args.patience.is_some(),
        element_bytes: args.dtype.element_bytes(),
        optimizer: &config.optimizer,
    }
    .check("--epochs")?;
    let mlp = MlpConfig {
        widths,
        activation,
        dropout: args.dropout,
        init,
    };
    if let Some(n) = args.mc_samples {
        // A pass of the untrained network costs what a pass of the trained one will.
        let test = &prepared.split.test;
        let network = nabla_nn::layers::Mlp::<f32>::new(&mlp, args.seed)?;
        let x = nabla_tensor::Tensor::<f32>::from_f64s(
            test.features(),
            &[test.n_samples(), test.n_features()],
        )?;
        let mut rng = nabla_nn::init::seeded(args.seed);
        crate::training_cost::check_mc_samples(n, test.n_samples(), || {
            network.predict_mc(&x, &mut rng)?;
            Ok(())
        })?;
    }
    Ok(Setup {
        prepared,
        mlp,
        train: config,
    })
}

/// `--train-metrics running|full`.
fn train_metrics_parser() -> impl TypedValueParser<Value = TrainMetrics> {
    clap::builder::PossibleValuesParser::new(TrainMetrics::NAMES)
        .map(|name| TrainMetrics::parse(&name).unwrap_or_default())
}

/// Checks `--mc-samples` before training, so a bad flag costs no training time.
fn check_model_flags(args: &TrainArgs) -> anyhow::Result<()> {
    if let Some(n) = args.mc_samples {
        if args.dropout == 0.0 {
            bail!("--mc-samples: Monte Carlo dropout needs --dropout > 0 (every pass would be the same)");
        }
        if n < 2 {
            bail!("--mc-samples: {n} passes give no spread; use at least 2");
        }
    }
    Ok(())
}

/// The `--schedule` flag, parsed, after checking that `--patience` has a validation part to
/// read (the two flags the training loop owns).
fn schedule(args: &TrainArgs) -> anyhow::Result<Option<LrSchedule>> {
    if args.patience.is_some() && args.validation_fraction == 0.0 {
        bail!("--patience: early stopping reads the validation loss; add --validation-fraction");
    }
    args.schedule
        .as_deref()
        .map(LrSchedule::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--schedule {e}"))
}

fn optimizer_config(args: &TrainArgs) -> anyhow::Result<OptimizerConfig> {
    let mut config = OptimizerConfig::default_for(&args.optimizer)
        .map_err(|e| anyhow::anyhow!("--optimizer: {e}"))?;
    if let Some(lr) = args.lr {
        config
            .set("lr", HyperValue::Number(lr))
            .map_err(|e| anyhow::anyhow!("--lr: {e}"))?;
    }
    if let Some(wd) = args.weight_decay {
        config
            .set("weight_decay", HyperValue::Number(wd))
            .map_err(|e| anyhow::anyhow!("--weight-decay: {e}"))?;
    }
    for item in &args.optimizer_params {
        let (key, value) = item
            .split_once('=')
            .with_context(|| format!("--opt {item}: expected KEY=VALUE"))?;
        let value = match value.trim() {
            "true" => HyperValue::Flag(true),
            "false" => HyperValue::Flag(false),
            v => HyperValue::Number(
                v.parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .with_context(|| {
                        format!("--opt {item}: '{v}' is not a number or true/false")
                    })?,
            ),
        };
        config
            .set(key.trim(), value)
            .map_err(|e| anyhow::anyhow!("--opt {item}: {e}"))?;
    }
    config
        .validate()
        .map_err(|e| anyhow::anyhow!("--optimizer {}: {e}", args.optimizer))?;
    Ok(config)
}

/// Loads the data named by `--data` and prepares it (`nabla_nn::data::prepare`).
fn prepare(args: &TrainArgs) -> anyhow::Result<Prepared> {
    let is_file = std::path::Path::new(&args.data).exists();
    let mut options = CsvOptions::default();
    if is_file {
        let column = args
            .target
            .as_deref()
            .with_context(|| format!("--target: name the column to predict in {}", args.data))?;
        options.targets.push(TargetSpec::new(column, None));
    }
    let dataset = Dataset::load(&args.data, &options)
        .map_err(|e| anyhow::anyhow!("--data {}: {e}", args.data))?;
    let preparation = Preparation {
        target: args.target.clone(),
        test_fraction: args.test_fraction,
        validation_fraction: args.validation_fraction,
        seed: args.seed,
        standardize: true,
    };
    let prepared = Prepared::new(dataset, &preparation).map_err(|e| anyhow::anyhow!("{e}"))?;
    for warning in &prepared.warnings {
        args.common.warn(warning);
    }
    if prepared.dropped > 0 && !args.common.quiet {
        eprintln!(
            "warning: {} rows have no '{}' value and are left out",
            prepared.dropped, prepared.target
        );
    }
    Ok(prepared)
}

fn train_typed<T: Float>(
    args: &TrainArgs,
    prepared: &Prepared,
    mlp_config: &MlpConfig,
    config: &TrainConfig,
    mut log: Option<&mut log::RunLog>,
) -> anyhow::Result<Outcome> {
    let objective = prepared.objective;
    let (x, y) = tensors::<T>(&prepared.split.train, objective)?;
    let (tx, ty) = tensors::<T>(&prepared.split.test, objective)?;
    let validation = prepared
        .split
        .validation
        .as_ref()
        .map(|v| tensors::<T>(v, objective))
        .transpose()?;
    let mut mlp = Mlp::<T>::new(mlp_config, args.seed)?;
    let resolved =
        resume::Resolved::new(&config.optimizer, &args.activation, mlp_config.activation)
            .with("target", prepared.target.clone().into());
    let from = resume::load(args, &resolved)?;
    let mut writer = resume::Writer::new(args, &resolved);
    let mut bar = progress::Progress::new(args.epochs, args.common.quiet);
    let validation_examples = validation
        .as_ref()
        .map(|(vx, vy)| Examples::new(objective, vx, vy));
    let mut write = |c: &Checkpoint<Metrics, ()>| match writer.as_mut() {
        Some(w) => w.write(c),
        None => Ok(()),
    };
    let fit_report = fit_resumable(
        &mut mlp,
        &Examples::new(objective, &x, &y),
        validation_examples.as_ref(),
        config,
        from,
        &mut |event| {
            if let (Event::Epoch(epoch), Some(log)) = (event, log.as_deref_mut()) {
                log.record(&nabla_nn::train::report::history_entry(epoch));
            }
            bar.update(event);
        },
        args.checkpoint.is_some().then_some(&mut write),
    );
    bar.finish();
    let fit_report = fit_report.map_err(|e| resume::Writer::explain(writer.as_ref(), e.into()))?;
    let n_validation = validation.as_ref().map_or(0, |(vx, _)| vx.shape()[0]);
    let split = finite::split_rows(
        args,
        x.shape()[0] + n_validation + tx.shape()[0],
        prepared.dropped,
    );
    finite::check(&mlp.predict(&x)?, "train", &args.data, split.as_ref())?;
    if let Some((vx, _)) = &validation {
        finite::check(&mlp.predict(vx)?, "validation", &args.data, split.as_ref())?;
    }
    let test_out = mlp.predict(&tx)?;
    finite::check(&test_out, "test", &args.data, split.as_ref())?;
    let test = evaluate(&mlp, objective, &tx, &ty)?;
    let test_classes = class_report(objective, &test_out, &ty)?;
    let train = evaluate(&mlp, objective, &x, &y)?;
    let validation = validation
        .as_ref()
        .map(|(vx, vy)| evaluate(&mlp, objective, vx, vy))
        .transpose()?;
    let target = &prepared.split.train.targets()[0];
    let target = TargetInfo::new(
        prepared.target.clone(),
        objective,
        target.class_names().to_vec(),
    )
    .map_err(|e| anyhow::anyhow!("--target {}: {e}", prepared.target))?;
    let model = Model::new(
        Network::from_mlp(&mlp),
        prepared.standardizer.clone(),
        target,
    )?;
    let mc_dropout = args
        .mc_samples
        .map(|n| model.mc_dropout(prepared.split.test.features(), n, args.seed))
        .transpose()?;
    Ok(Outcome {
        fit: fit_report,
        train,
        validation,
        test,
        widths: mlp.widths(),
        parameters: mlp.parameter_count(),
        model,
        mc_dropout,
        test_classes,
    })
}
