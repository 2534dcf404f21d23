//! The result of `nabla train`: a text summary or the contract's JSON object.

use std::fmt::Write as _;

use nabla_nn::data::prepare::Prepared;
use nabla_nn::train::report::{class_report_json, history_entry};
use nabla_nn::train::{Objective, TrainConfig, TrainMetrics};
use serde_json::{json, Map, Value};

use super::{Outcome, TrainArgs};
use crate::output::{self, Format};
use crate::report::{metric_line, metrics_json};

fn task_kind(objective: Objective) -> &'static str {
    match objective {
        Objective::Classes { .. } => "classes",
        Objective::Binary => "binary",
        Objective::Regression { .. } => "regression",
    }
}

/// Prints the outcome in the chosen format.
pub fn print(
    args: &TrainArgs,
    prepared: &Prepared,
    config: &TrainConfig,
    outcome: &Outcome,
) -> anyhow::Result<()> {
    match args.common.format {
        Format::Json => output::print_json(&to_json(args, prepared, config, outcome)),
        Format::Text | Format::Markdown => {
            output::print_text(&to_text(args, prepared, config, outcome))
        }
    }
}

fn to_json(
    args: &TrainArgs,
    prepared: &Prepared,
    config: &TrainConfig,
    outcome: &Outcome,
) -> Value {
    let hyper: Map<String, Value> = config
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
    let history: Vec<Value> = outcome.fit.history.iter().map(history_entry).collect();
    json!({
        "dataset": prepared.name,
        "target": prepared.target,
        "task": task_kind(prepared.objective),
        "dtype": args.dtype.torch_name(),
        "widths": outcome.widths,
        "parameters": outcome.parameters,
        "activation": args.activation,
        "dropout": args.dropout,
        "optimizer": { "name": config.optimizer.name(), "hyperparameters": hyper },
        "batch": config.batch_size,
        "seed": config.seed,
        "rows": {
            "train": prepared.split.train.n_samples(),
            "validation": prepared.split.validation.as_ref().map(|v| v.n_samples()),
            "test": prepared.split.test.n_samples(),
        },
        "epochs": outcome.fit.history.len(),
        "best_epoch": outcome.fit.best_epoch,
        "stopped_early": outcome.fit.stopped_early,
        "train": metrics_json(&outcome.train),
        "validation": outcome.validation.as_ref().map(metrics_json),
        "test": metrics_json(&outcome.test),
        "test_classes": outcome.test_classes.as_ref().map(|r| class_report_json(r, class_names(prepared))),
        "seconds": outcome.fit.seconds,
        "history": history,
        "saved": args.save.as_ref().map(|p| p.display().to_string()),
        "mc_dropout": outcome.mc_dropout.as_ref().map(|mc| mc_json(args, prepared, outcome, mc)),
        "config": super::config::resolved(args),
    })
}

/// The `mc_dropout` summary on the test rows.
fn mc_json(
    args: &TrainArgs,
    prepared: &Prepared,
    outcome: &Outcome,
    mc: &nabla_nn::model_file::McDropout,
) -> Value {
    let target = &prepared.split.test.targets()[0];
    // The test labels index the same classes as the model's, so the sizes always agree.
    crate::mc_dropout::mc_json(&outcome.model, mc, Some(target), args.seed, false)
        .unwrap_or(Value::Null)
}

fn class_names(prepared: &Prepared) -> &[String] {
    prepared.split.train.targets()[0].class_names()
}

/// The per-class table and the confusion matrix on the test rows.
fn classes_text(r: &nabla_nn::train::classes::ClassReport, names: &[String]) -> String {
    let name = |j: usize| names.get(j).map_or_else(|| j.to_string(), String::clone);
    let cell = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{x:.4}"));
    let mut s = format!(
        "{:<16} {:>9} {:>9} {:>9} {:>8}   (test rows)\n",
        "class", "precision", "recall", "f1", "support"
    );
    for (j, c) in r.classes.iter().enumerate() {
        let _ = writeln!(
            s,
            "{:<16} {:>9} {:>9} {:>9} {:>8}",
            name(j),
            cell(c.precision),
            cell(c.recall),
            cell(c.f1),
            c.support
        );
    }
    let _ = writeln!(s, "confusion matrix (rows: true class, columns: predicted)");
    for (j, row) in r.confusion.iter().enumerate() {
        let cells: Vec<String> = row.iter().map(|n| format!("{n:>5}")).collect();
        let _ = writeln!(s, "{:<16}{}", name(j), cells.join(""));
    }
    s
}

fn to_text(
    args: &TrainArgs,
    prepared: &Prepared,
    config: &TrainConfig,
    outcome: &Outcome,
) -> String {
    let mut s = String::new();
    let widths: Vec<String> = outcome.widths.iter().map(usize::to_string).collect();
    let _ = writeln!(
        s,
        "{} → {} ({}), MLP {} {} ({} parameters), {} lr {}, batch {}, seed {}",
        prepared.name,
        prepared.target,
        task_kind(prepared.objective),
        widths.join("-"),
        args.activation,
        outcome.parameters,
        config.optimizer.name(),
        config.optimizer.lr(),
        config.batch_size,
        config.seed,
    );
    let _ = writeln!(
        s,
        "rows: {} train, {} test{}",
        prepared.split.train.n_samples(),
        prepared.split.test.n_samples(),
        prepared
            .split
            .validation
            .as_ref()
            .map_or(String::new(), |v| format!(", {} validation", v.n_samples())),
    );
    let measured = match config.train_metrics {
        TrainMetrics::Running => "running, over the epoch's batches",
        TrainMetrics::Full => "evaluation mode",
    };
    let _ = writeln!(s, "\n{:>6}  train ({measured})", "epoch");
    let shown = outcome.fit.history.len();
    for e in &outcome.fit.history {
        if shown > 12 && e.epoch % (shown / 10).max(1) != 0 && e.epoch != shown && e.epoch != 1 {
            continue;
        }
        let mut line = format!("{:>6}  {}", e.epoch, metric_line(&e.train));
        if let Some(v) = &e.validation {
            line.push_str(&format!("   validation {}", metric_line(v)));
        }
        if config.schedule.is_some() {
            line.push_str(&format!("   lr {:.4e}", e.lr));
        }
        let _ = writeln!(s, "{line}");
    }
    if outcome.fit.stopped_early {
        let _ = writeln!(
            s,
            "stopped early; weights of epoch {} restored",
            outcome.fit.best_epoch
        );
    }
    let _ = writeln!(s, "\ntrain  {}", metric_line(&outcome.train));
    if let Some(v) = &outcome.validation {
        let _ = writeln!(s, "valid  {}", metric_line(v));
    }
    let _ = writeln!(s, "test   {}", metric_line(&outcome.test));
    if let Some(r) = &outcome.test_classes {
        let _ = write!(s, "\n{}", classes_text(r, class_names(prepared)));
    }
    let _ = writeln!(s, "trained in {:.2} s", outcome.fit.seconds);
    if let Some(mc) = &outcome.mc_dropout {
        let target = &prepared.split.test.targets()[0];
        if let Ok(text) = crate::mc_dropout::mc_text(&outcome.model, mc, Some(target)) {
            let _ = write!(s, "\non the test rows, {text}");
        }
    }
    if let Some(path) = &args.save {
        let _ = writeln!(s, "model saved to {}", path.display());
    }
    s
}
