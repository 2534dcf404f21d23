//! `nabla predict` with a multi-task model file: every task's prediction per row.
//!
//! Each task's path (the shared trunk, then its head) predicts as a single-task model of its
//! kind ([`MultiTask::task_model`]): a class with its probabilities, or a value in the target's
//! units. Where the data has a task's column, the task's metrics are those `nabla train`
//! reports for it, over the rows that have its label.

use std::fmt::Write as _;

use anyhow::bail;
use nabla_nn::model_file::{MultiTask, Prediction};
use serde_json::{json, Map, Value};

use super::{actual_json, PredictArgs};
use crate::multitask_model::{header_line, metrics_text, task_order, tasks_json, TaskPredictions};
use crate::output::{self, Format};
use crate::report::{class_name, prediction_json};

/// Runs `nabla predict` for a multi-task model.
pub fn run(args: &PredictArgs, model: &MultiTask) -> anyhow::Result<()> {
    if args.mc_samples.is_some() {
        bail!(
            "--mc-samples: Monte Carlo dropout is reported for single-task models; {} is a multi-task model",
            args.model.display()
        );
    }
    let found = TaskPredictions::new(model, &args.data, false, &|m| args.common.warn(m))?;
    if let Some(path) = &args.output {
        output::write_atomic(path, to_csv(&found).as_bytes())
            .map_err(|e| anyhow::anyhow!("--output: {e:#}"))?;
    }
    match args.common.format {
        Format::Json => output::print_json(&to_json(args, model, &found)),
        Format::Text | Format::Markdown => output::print_text(&to_text(args, model, &found)),
    }
}

fn to_json(args: &PredictArgs, model: &MultiTask, found: &TaskPredictions) -> Value {
    let rows: Vec<Value> = (0..found.data.rows)
        .map(|i| {
            let mut tasks = Map::new();
            for (t, m) in found.models.iter().enumerate() {
                let mut v = prediction_json(m, &found.predictions[t][i]);
                if let (Some(target), Some(obj)) = (&found.data.targets[t], v.as_object_mut()) {
                    obj.insert("actual".into(), actual_json(m, target, i));
                }
                tasks.insert(m.target().name.clone(), v);
            }
            json!({ "row": i + 1, "tasks": tasks })
        })
        .collect();
    json!({
        "model": args.model.display().to_string(),
        "dataset": found.data.name,
        "task_order": task_order(model),
        "tasks": tasks_json(model, found),
        "dtype": model.dtype(),
        "rows": found.data.rows,
        "predictions": rows,
        "output": args.output.as_ref().map(|p| p.display().to_string()),
    })
}

fn to_text(args: &PredictArgs, model: &MultiTask, found: &TaskPredictions) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}", header_line(&args.model, model));
    let _ = writeln!(s, "{}: {} rows", found.data.name, found.data.rows);
    if let Some(path) = &args.output {
        let _ = writeln!(s, "predictions written to {}", path.display());
    } else {
        let _ = writeln!(s);
        let mut header = format!("{:>6}", "row");
        for m in &found.models {
            let _ = write!(header, "  {:<26}", m.target().name);
        }
        let _ = writeln!(s, "{}", header.trim_end());
        for i in 0..found.data.rows {
            let mut line = format!("{:>6}", i + 1);
            for (t, m) in found.models.iter().enumerate() {
                let mut cell = match &found.predictions[t][i] {
                    Prediction::Class {
                        label,
                        probabilities,
                    } => format!("{} {:.4}", class_name(m, *label), probabilities[*label]),
                    Prediction::Value(v) => format!("{v:.6}"),
                };
                if let Some(target) = &found.data.targets[t] {
                    let actual = match actual_json(m, target, i) {
                        Value::String(c) => c,
                        Value::Number(n) => n.to_string(),
                        _ => "-".to_string(),
                    };
                    let _ = write!(cell, " ({actual})");
                }
                let _ = write!(line, "  {cell:<26}");
            }
            let _ = writeln!(s, "{}", line.trim_end());
        }
    }
    metrics_text(&mut s, found);
    s
}

/// The predictions as CSV: `row`, then per task its prediction column (named after the task)
/// and, for a classifier, one probability column per class (`TASK_p_CLASS`).
fn to_csv(found: &TaskPredictions) -> String {
    let mut header = vec!["row".to_string()];
    for m in &found.models {
        let name = &m.target().name;
        header.push(name.clone());
        header.extend(m.target().classes.iter().map(|c| format!("{name}_p_{c}")));
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&header);
    for i in 0..found.data.rows {
        let mut rec = vec![(i + 1).to_string()];
        for (t, m) in found.models.iter().enumerate() {
            match &found.predictions[t][i] {
                Prediction::Class {
                    label,
                    probabilities,
                } => {
                    rec.push(class_name(m, *label).to_string());
                    rec.extend(probabilities.iter().map(|v| v.to_string()));
                }
                Prediction::Value(v) => rec.push(v.to_string()),
            }
        }
        let _ = w.write_record(&rec);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
