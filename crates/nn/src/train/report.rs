//! A training run's results as nabla's JSON (the fields of `nabla train --format json`): the
//! metrics object and the entries of `history`, built here once for the CLI, its `--log` and the
//! browser's `nabla.train`.
//!
//! A history entry: `epoch`, `loss` (the mean loss of the epoch's mini-batches), `train` (the
//! training metrics, measured as `train_metrics` names: `running` or `full`), `train_metrics`,
//! `validation` (a full evaluation-mode pass, or null), `lr` (the rate used during the epoch) and
//! `seconds`; a multi-task entry holds `train`/`validation` per task by name, plus `weights`
//! and `log_variances`.

use serde_json::{json, Map, Value};

use super::classes::ClassReport;
use super::{EpochReport, Metrics};
use crate::multitask::MultiTaskEpoch;

/// Why a regression's `r_squared` is null: the note its metrics object carries.
pub const R_SQUARED_UNDEFINED: &str = "r_squared is null: every target value of these rows is \
     the same, so R² = 1 − SSE/SST (SST = 0) does not exist";

/// The metrics object: `loss` plus `accuracy` (classification) or `mse` and `r_squared` (with a
/// `note` where `r_squared` does not exist).
pub fn metrics_json(m: &Metrics) -> Value {
    let mut obj = Map::new();
    obj.insert("loss".into(), json!(m.loss));
    if let Some(a) = m.accuracy {
        obj.insert("accuracy".into(), json!(a));
    }
    if m.mse.is_some() || m.accuracy.is_none() {
        obj.insert("mse".into(), json!(m.mse));
        obj.insert("r_squared".into(), json!(m.r_squared));
        if m.mse.is_some() && m.r_squared.is_none() {
            obj.insert("note".into(), json!(R_SQUARED_UNDEFINED));
        }
    }
    Value::Object(obj)
}

/// A classifier's per-class report: `confusion_matrix` (`[true][predicted]`) and `classes`:
/// [{`name`, `precision`, `recall`, `f1`, `support`}] by label; `names` are the class names.
pub fn class_report_json(report: &ClassReport, names: &[String]) -> Value {
    let classes: Vec<Value> = report
        .classes
        .iter()
        .enumerate()
        .map(|(j, c)| {
            json!({
                "name": names.get(j).map_or_else(|| j.to_string(), String::clone),
                "precision": c.precision,
                "recall": c.recall,
                "f1": c.f1,
                "support": c.support,
            })
        })
        .collect();
    json!({ "confusion_matrix": report.confusion, "classes": classes })
}

/// One epoch of a single-task run's `history` (and one `--log` record).
pub fn history_entry(e: &EpochReport) -> Value {
    json!({
        "epoch": e.epoch,
        "loss": e.loss,
        "train": metrics_json(&e.train),
        "train_metrics": e.train_metrics.name(),
        "validation": e.validation.as_ref().map(metrics_json),
        "lr": e.lr,
        "seconds": e.seconds,
    })
}

/// One epoch of a multi-task run's `history` (and one `--log` record); `tasks` names the tasks
/// in their order. `loss` is the mean balanced loss of the epoch's mini-batches.
pub fn multitask_history_entry(tasks: &[String], e: &MultiTaskEpoch) -> Value {
    json!({
        "epoch": e.epoch,
        "loss": e.loss,
        "weights": named(tasks, &e.state.weights),
        "log_variances": e.state.log_variances.as_ref().map(|s| named(tasks, s)),
        "train": per_task(tasks, &e.train),
        "train_metrics": e.train_metrics.name(),
        "validation": e.validation.as_ref().map(|v| per_task(tasks, v)),
        "lr": e.lr,
        "seconds": e.seconds,
    })
}

/// Each task's metrics by name (null for a task without labels in that part).
pub fn per_task(tasks: &[String], metrics: &[Option<Metrics>]) -> Value {
    let map: Map<String, Value> = tasks
        .iter()
        .zip(metrics)
        .map(|(t, m)| (t.clone(), m.as_ref().map_or(Value::Null, metrics_json)))
        .collect();
    Value::Object(map)
}

fn named(tasks: &[String], values: &[f64]) -> Value {
    let map: Map<String, Value> = tasks
        .iter()
        .zip(values)
        .map(|(t, v)| (t.clone(), json!(v)))
        .collect();
    Value::Object(map)
}
