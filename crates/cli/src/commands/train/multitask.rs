//! `nabla train --task …`: one network, a shared trunk and one head per declared task.
//!
//! ```text
//! nabla train --data penguins --task species:classes --task sex:binary
//!             --task body_mass_g:regression --shared 64,64 --head 32
//!             --balance fixed|uncertainty|gradnorm|pcgrad [--weights 1,1,0.5]
//!             [--gradnorm-alpha 1.5] [--gradnorm-lr 0.025] [--plot curves.png]
//! ```
//!
//! Every `--task NAME[:KIND]` names a target column of `--data` (a CSV file, or an embedded data
//! set's target, whose kind must then match). Rows missing one task's label still train the
//! others (masked losses, see `nabla_nn::multitask`). The rest of the pipeline is `nabla train`'s:
//! seeded split, standardisation on the training part, the optimizer flags, `--epochs`,
//! `--batch`, `--seed`, `--dtype`. `--hidden` and `--target` do not apply.

mod picture;

use std::fmt::Write as _;

use anyhow::{bail, Context};
use clap::Args;
use nabla_nn::data::prepare::Preparation;
use nabla_nn::data::Dataset;
use nabla_nn::model_file::{MultiTask, MultiTaskNetwork, TargetInfo};
use nabla_nn::multitask::{
    Balance, BalanceState, MultiTaskConfig, MultiTaskData, MultiTaskEpoch, MultiTaskFitReport,
    MultiTaskLearner, MultiTaskModel, MultiTaskTrainConfig, PreparedTasks, Task,
};
use nabla_nn::train::report::multitask_history_entry;
use nabla_nn::train::{fit_resumable, Checkpoint, Event, Metrics, TrainConfig};
use nabla_tensor::{Activation, Float};
use serde_json::{json, Map, Value};

use super::{optimizer_config, progress, resume, TrainArgs};
use crate::dtype::Dtype;
use crate::model_args::{load_tasks, parse_balance, parse_widths};
use crate::output::{self, Format};
use crate::report::metrics_json;

/// The multi-task flags of `nabla train`.
#[derive(Args, Debug, Clone, serde::Serialize)]
pub struct MultiTaskArgs {
    /// Declare a task: a target column and its kind (regression, binary, classes); repeatable.
    /// Any --task switches to multi-task training.
    #[arg(long = "task", value_name = "NAME:KIND")]
    #[serde(rename = "task")]
    pub tasks: Vec<String>,
    /// The shared trunk's widths, comma-separated (multi-task).
    #[arg(long, default_value = "64,64", value_name = "W[,W...]")]
    pub shared: String,
    /// Each task head's hidden widths (`0` or `none`: a linear head) (multi-task).
    #[arg(long, default_value = "32", value_name = "W[,W...]")]
    pub head: String,
    /// The loss balancing: fixed, uncertainty, gradnorm or pcgrad (multi-task).
    #[arg(long, default_value = "fixed")]
    pub balance: String,
    /// Fixed task weights in --task order (fixed, pcgrad; GradNorm's start), comma-separated.
    #[arg(long, value_name = "W[,W...]", allow_hyphen_values = true)]
    pub weights: Option<String>,
    /// GradNorm's asymmetry α.
    #[arg(long, default_value_t = Balance::GRADNORM_ALPHA, allow_hyphen_values = true)]
    pub gradnorm_alpha: f64,
    /// GradNorm's learning rate for the task weights.
    #[arg(long, default_value_t = Balance::GRADNORM_LR, allow_hyphen_values = true)]
    pub gradnorm_lr: f64,
}

/// One trained multi-task network's results, in f64 whatever the dtype.
pub struct MultiOutcome {
    /// The training history.
    pub fit: MultiTaskFitReport,
    /// Final metrics per task on the training, validation and test parts.
    pub train: Vec<Option<Metrics>>,
    /// Final metrics per task on the validation part.
    pub validation: Option<Vec<Option<Metrics>>>,
    /// Final metrics per task on the test part.
    pub test: Vec<Option<Metrics>>,
    /// Trainable numbers, all and shared.
    pub parameters: (usize, usize),
    /// The trained network, as `--save` writes it.
    pub network: MultiTaskNetwork,
}

/// Builds and trains the network on `data`, then evaluates every part, resuming and
/// checkpointing as `args` says (`--resume`, `--checkpoint`) and calling `on_epoch` as each
/// epoch ends.
///
/// # Errors
/// Training errors (divergence, bad weights), shape errors; a checkpoint that cannot be read,
/// does not fit or cannot be written.
fn train_network_with<T: Float>(
    data: &PreparedTasks,
    model_config: &MultiTaskConfig,
    config: &MultiTaskTrainConfig,
    quiet: bool,
    args: Option<&TrainArgs>,
    on_epoch: &mut dyn FnMut(&MultiTaskEpoch),
) -> anyhow::Result<MultiOutcome> {
    let train = MultiTaskData::<T>::new(&data.split.train, &data.tasks)?;
    let test = MultiTaskData::<T>::new(&data.split.test, &data.tasks)?;
    let validation = data
        .split
        .validation
        .as_ref()
        .map(|v| MultiTaskData::<T>::new(v, &data.tasks))
        .transpose()?;
    let model = MultiTaskModel::<T>::new(model_config, config.train.seed)?;
    let mut learner = MultiTaskLearner::new(model, config)?;
    let resolved = args.map(|a| resolved_settings(a, data, model_config, config));
    let from = args
        .zip(resolved.as_ref())
        .map(|(a, r)| resume::load(a, r))
        .transpose()?
        .flatten();
    let mut writer = args
        .zip(resolved.as_ref())
        .and_then(|(a, r)| resume::Writer::new(a, r));
    let mut write = |c: &Checkpoint<Vec<Option<Metrics>>, BalanceState>| match writer.as_mut() {
        Some(w) => w.write(c),
        None => Ok(()),
    };
    let checkpointing = writer_given(args);
    let mut bar = progress::Progress::new(config.train.epochs, quiet);
    let report = fit_resumable(
        &mut learner,
        &train,
        validation.as_ref(),
        &config.train,
        from,
        &mut |event| {
            if let Event::Epoch(epoch) = event {
                on_epoch(epoch);
            }
            bar.update(event);
        },
        checkpointing.then_some(&mut write),
    );
    bar.finish();
    let report = report.map_err(|e| resume::Writer::explain(writer.as_ref(), e.into()))?;
    let model = learner.into_model();
    let n = train.n_rows() + validation.as_ref().map_or(0, MultiTaskData::n_rows) + test.n_rows();
    let split = args.and_then(|a| super::finite::split_rows(a, n, 0));
    let source = args.map_or(data.name.as_str(), |a| a.data.as_str());
    // Every prediction of the final evaluation exists, or the run fails naming its row.
    let metrics = |part: &MultiTaskData<T>, name: &str| -> anyhow::Result<Vec<Option<Metrics>>> {
        let outputs = model.predict(part.x())?;
        for out in &outputs {
            super::finite::check(out, name, source, split.as_ref())?;
        }
        Ok(part.metrics(&outputs)?)
    };
    Ok(MultiOutcome {
        fit: report,
        train: metrics(&train, "train")?,
        validation: validation
            .as_ref()
            .map(|v| metrics(v, "validation"))
            .transpose()?,
        test: metrics(&test, "test")?,
        parameters: (model.parameter_count(), model.shared_parameter_count()),
        network: MultiTaskNetwork::new(&model),
    })
}

/// The run's resolved settings for its checkpoint: the optimizer's and activation's values, each
/// task with its kind, and the task weights of a method that takes them (all 1 when
/// `--weights` is left out).
fn resolved_settings(
    args: &TrainArgs,
    data: &PreparedTasks,
    model_config: &MultiTaskConfig,
    config: &MultiTaskTrainConfig,
) -> resume::Resolved {
    let tasks: Vec<Value> = data
        .tasks
        .iter()
        .map(|t| Value::from(format!("{}:{}", t.name, t.objective.kind_name())))
        .collect();
    let weights: Vec<String> = if config.weights.is_empty() {
        vec![1.0; data.tasks.len()]
    } else {
        config.weights.clone()
    }
    .into_iter()
    .map(|w| Value::from(w).to_string())
    .collect();
    let resolved = resume::Resolved::new(
        &config.train.optimizer,
        &args.activation,
        model_config.activation,
    )
    .with("task", Value::Array(tasks));
    // Uncertainty weighting learns its weights and takes none.
    if matches!(config.balance, Balance::Uncertainty) {
        resolved
    } else {
        resolved.with("weights", Value::from(weights.join(",")))
    }
}

fn writer_given(args: Option<&TrainArgs>) -> bool {
    args.is_some_and(|a| a.checkpoint.is_some())
}

/// Runs `nabla train` with `--task`.
pub fn run(args: &TrainArgs) -> anyhow::Result<()> {
    let m = &args.multitask;
    if args.target.is_some() {
        bail!("--target: with --task, declare every target column as a --task");
    }
    let activation = Activation::parse(&args.activation, args.alpha, args.beta)
        .map_err(|e| anyhow::anyhow!("--activation: {e}"))?;
    let shared = parse_widths("--shared", &m.shared)?;
    if shared.is_empty() {
        bail!("--shared: the trunk needs at least one layer");
    }
    let head = parse_widths("--head", &m.head)?;
    let balance = parse_balance(&m.balance, m.gradnorm_alpha, m.gradnorm_lr)?;
    let weights = match &m.weights {
        Some(text) => output::parse_number_list("--weights", text)?,
        None => Vec::new(),
    };
    let optimizer = optimizer_config(args)?;
    let schedule = super::schedule(args)?;
    let init = nabla_nn::init::Init::parse(&args.init)
        .with_context(|| format!("--init: unknown initialiser '{}'", args.init))?;
    if !(0.0..1.0).contains(&args.dropout) {
        bail!("--dropout: {} is not in [0, 1)", args.dropout);
    }
    if !weights.is_empty() && weights.len() != m.tasks.len() {
        bail!(
            "--weights: {} weights for {} tasks; give one per --task",
            weights.len(),
            m.tasks.len()
        );
    }
    let dataset = load_tasks(&args.data, &m.tasks, "--task")?;
    let preparation = Preparation {
        test_fraction: args.test_fraction,
        validation_fraction: args.validation_fraction,
        seed: args.seed,
        ..Preparation::default()
    };
    let data = PreparedTasks::new(&dataset, &preparation)?;
    for warning in &data.warnings {
        args.common.warn(warning);
    }
    let model_config = MultiTaskConfig {
        inputs: data.split.train.n_features(),
        shared,
        head_hidden: head,
        activation,
        dropout: args.dropout,
        init,
        tasks: data.tasks.clone(),
    };
    let config = MultiTaskTrainConfig {
        train: TrainConfig {
            epochs: args.epochs,
            batch_size: args.batch,
            seed: args.seed,
            optimizer,
            clip_norm: args.clip_norm,
            schedule,
            patience: args.patience,
            train_metrics: args.train_metrics,
        },
        balance,
        weights,
    };
    crate::training_cost::Run {
        networks: &[crate::training_cost::Network::multitask(&model_config)],
        repeats: 1.0,
        rows: data.split.train.n_samples(),
        batch: args.batch,
        epochs: args.epochs,
        early_stopping: args.patience.is_some(),
        element_bytes: args.dtype.element_bytes(),
        optimizer: &config.train.optimizer,
    }
    .check("--epochs")?;
    let mut log = args
        .log
        .as_deref()
        .map(|p| super::log::RunLog::open(p, args.resume.is_some()))
        .transpose()?;
    let tasks = &data.tasks;
    let mut on_epoch = |e: &MultiTaskEpoch| {
        if let Some(log) = log.as_mut() {
            log.record(&history_entry(tasks, e));
        }
    };
    let quiet = args.common.quiet;
    let outcome = match args.dtype {
        Dtype::F32 => train_network_with::<f32>(
            &data,
            &model_config,
            &config,
            quiet,
            Some(args),
            &mut on_epoch,
        ),
        Dtype::F64 => train_network_with::<f64>(
            &data,
            &model_config,
            &config,
            quiet,
            Some(args),
            &mut on_epoch,
        ),
    };
    log.map(super::log::RunLog::finish).transpose()?;
    let outcome = outcome.map_err(|e| anyhow::anyhow!("{e:#}"))?;
    if let Some(path) = &args.plot {
        picture::save(path, &data, &model_config, config.balance.name(), &outcome)?;
    }
    if let Some(path) = &args.save {
        let bytes = saved_model(&data, &outcome)?.to_bytes()?;
        output::write_atomic(path, &bytes).map_err(|e| anyhow::anyhow!("--save: {e:#}"))?;
    }
    match args.common.format {
        Format::Json => output::print_json(&to_json(args, &data, &model_config, &config, &outcome)),
        Format::Text | Format::Markdown => {
            let mut text = to_text(&data, &model_config, &config, &outcome);
            if let Some(path) = &args.save {
                let _ = writeln!(text, "model saved to {}", path.display());
            }
            output::print_text(&text)
        }
    }
}

/// The model file of a trained network: the network, the training part's standardisation and
/// each task's target with its class names.
fn saved_model(data: &PreparedTasks, outcome: &MultiOutcome) -> anyhow::Result<MultiTask> {
    let targets = data
        .tasks
        .iter()
        .zip(data.split.train.targets())
        .map(|(task, target)| {
            TargetInfo::new(
                task.name.clone(),
                task.objective,
                target.class_names().to_vec(),
            )
            .map_err(|e| anyhow::anyhow!("--task {}: {e}", task.name))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(MultiTask::new(
        outcome.network.clone(),
        data.standardizer.clone(),
        targets,
    )?)
}

/// The sum of the tasks' mean losses (tasks without labels add nothing).
fn total_loss(metrics: &[Option<Metrics>]) -> f64 {
    metrics.iter().flatten().map(|m| m.loss).sum()
}

/// One epoch of the JSON `history` (and one `--log` record).
fn history_entry(tasks: &[Task], e: &MultiTaskEpoch) -> Value {
    let names: Vec<String> = tasks.iter().map(|t| t.name.clone()).collect();
    multitask_history_entry(&names, e)
}

fn balance_json(config: &MultiTaskTrainConfig) -> Value {
    match config.balance {
        Balance::GradNorm { alpha, lr } => json!({"method": "gradnorm", "alpha": alpha, "lr": lr}),
        b => json!({ "method": b.name() }),
    }
}

fn to_json(
    args: &TrainArgs,
    data: &PreparedTasks,
    model_config: &MultiTaskConfig,
    config: &MultiTaskTrainConfig,
    outcome: &MultiOutcome,
) -> Value {
    let tasks = &data.tasks;
    let last = outcome.fit.history.last();
    let mut task_map = Map::new();
    for (t, task) in tasks.iter().enumerate() {
        let rows = |part: &Dataset| {
            let target = &part.targets()[t];
            target.len() - target.missing_count()
        };
        task_map.insert(
            task.name.clone(),
            json!({
                "kind": task.objective.kind_name(),
                "train": outcome.train[t].as_ref().map(metrics_json),
                "validation": outcome.validation.as_ref().and_then(|v| v[t].as_ref().map(metrics_json)),
                "test": outcome.test[t].as_ref().map(metrics_json),
                "weight": last.map(|e| e.state.weights[t]),
                "log_variance": last.and_then(|e| e.state.log_variances.as_ref().map(|s| s[t])),
                "rows": {
                    "train": rows(&data.split.train),
                    "test": rows(&data.split.test),
                },
            }),
        );
    }
    let history: Vec<Value> = outcome
        .fit
        .history
        .iter()
        .map(|e| history_entry(tasks, e))
        .collect();
    let hyper: Map<String, Value> = config
        .train
        .optimizer
        .hyperparameters()
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                nabla_nn::optim::HyperValue::Number(x) => json!(x),
                nabla_nn::optim::HyperValue::Flag(b) => json!(b),
            };
            (k.to_string(), v)
        })
        .collect();
    json!({
        "dataset": data.name,
        "task_order": tasks.iter().map(|t| t.name.clone()).collect::<Vec<_>>(),
        "tasks": task_map,
        "shared": model_config.shared,
        "head": model_config.head_hidden,
        "activation": args.activation,
        "dropout": args.dropout,
        "balance": balance_json(config),
        "parameters": outcome.parameters.0,
        "shared_parameters": outcome.parameters.1,
        "dtype": args.dtype.torch_name(),
        "optimizer": { "name": config.train.optimizer.name(), "hyperparameters": hyper },
        "batch": config.train.batch_size,
        "seed": config.train.seed,
        "rows": {
            "train": data.split.train.n_samples(),
            "validation": data.split.validation.as_ref().map(Dataset::n_samples),
            "test": data.split.test.n_samples(),
        },
        "epochs": outcome.fit.history.len(),
        "best_epoch": outcome.fit.best_epoch,
        "stopped_early": outcome.fit.stopped_early,
        "train": { "loss": total_loss(&outcome.train) },
        "validation": outcome.validation.as_ref().map(|v| json!({ "loss": total_loss(v) })),
        "test": { "loss": total_loss(&outcome.test) },
        "seconds": outcome.fit.seconds,
        "history": history,
        "config": super::config::resolved(args),
        "saved": args.save.as_ref().map(|p| p.display().to_string()),
    })
}

/// `accuracy 0.9535` or `R² 0.8123 (MSE 1.2e5)`, the metric a task is judged by.
pub fn headline(m: Option<&Metrics>) -> String {
    match m {
        None => "no labels".to_string(),
        Some(m) => match (m.accuracy, m.r_squared, m.mse) {
            (Some(a), _, _) => format!("accuracy {a:.4}"),
            (None, Some(r), Some(mse)) => format!("R² {r:.4} (MSE {mse:.5})"),
            (None, None, Some(mse)) => format!("MSE {mse:.5}"),
            _ => format!("loss {:.4}", m.loss),
        },
    }
}

fn to_text(
    data: &PreparedTasks,
    model_config: &MultiTaskConfig,
    config: &MultiTaskTrainConfig,
    outcome: &MultiOutcome,
) -> String {
    let mut s = String::new();
    let widths = |w: &[usize]| w.iter().map(usize::to_string).collect::<Vec<_>>().join("-");
    let _ = writeln!(
        s,
        "{}: {} tasks, trunk {}-{}, heads {} ({} parameters, {} shared), {} balancing, {} lr {}, batch {}, seed {}",
        data.name,
        data.tasks.len(),
        model_config.inputs,
        widths(&model_config.shared),
        if model_config.head_hidden.is_empty() {
            "linear".to_string()
        } else {
            widths(&model_config.head_hidden)
        },
        outcome.parameters.0,
        outcome.parameters.1,
        config.balance.name(),
        config.train.optimizer.name(),
        config.train.optimizer.lr(),
        config.train.batch_size,
        config.train.seed,
    );
    let _ = writeln!(
        s,
        "rows: {} train, {} test{}",
        data.split.train.n_samples(),
        data.split.test.n_samples(),
        data.split
            .validation
            .as_ref()
            .map_or(String::new(), |v| format!(", {} validation", v.n_samples())),
    );
    let _ = write!(s, "\n{:>6}  {:>9}", "epoch", "loss");
    for t in &data.tasks {
        let parts = if data.split.validation.is_some() {
            "train/val"
        } else {
            "train"
        };
        let _ = write!(s, "  {:>22}", format!("{} ({parts})", t.name));
    }
    let _ = writeln!(s, "  weights");
    let shown = outcome.fit.history.len();
    for e in &outcome.fit.history {
        if shown > 12 && e.epoch % (shown / 10).max(1) != 0 && e.epoch != shown && e.epoch != 1 {
            continue;
        }
        let _ = write!(s, "{:>6}  {:>9.4}", e.epoch, e.loss);
        for (t, m) in e.train.iter().enumerate() {
            let mut cell = match m {
                None => "-".to_string(),
                Some(m) => match (m.accuracy, m.r_squared) {
                    (Some(a), _) => format!("acc {a:.4}"),
                    (None, Some(r)) => format!("R² {r:.4}"),
                    _ => format!("loss {:.4}", m.loss),
                },
            };
            if let Some(v) = &e.validation {
                let value = v[t].and_then(|m| m.accuracy.or(m.r_squared));
                cell.push_str(&value.map_or("/-".to_string(), |x| format!("/{x:.4}")));
            }
            let _ = write!(s, "  {cell:>22}");
        }
        let w: Vec<String> = e.state.weights.iter().map(|w| format!("{w:.3}")).collect();
        let _ = write!(s, "  {}", w.join(" "));
        if config.train.schedule.is_some() {
            let _ = write!(s, "   lr {:.4e}", e.lr);
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "\n{:<16} {:<12} {:<30} test", "task", "kind", "train");
    for (t, task) in data.tasks.iter().enumerate() {
        let _ = writeln!(
            s,
            "{:<16} {:<12} {:<30} {}",
            task.name,
            task.objective.kind_name(),
            headline(outcome.train[t].as_ref()),
            headline(outcome.test[t].as_ref()),
        );
    }
    let _ = writeln!(s, "trained in {:.2} s", outcome.fit.seconds);
    s
}
