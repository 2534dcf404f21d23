//! `nabla eval` with a multi-task model file: every task's metrics against its own column,
//! over the rows that have its label, as `nabla train` reports them in its `tasks` object.

use std::fmt::Write as _;

use anyhow::bail;
use nabla_nn::model_file::MultiTask;
use serde_json::json;

use super::EvalArgs;
use crate::multitask_model::{header_line, metrics_text, task_order, tasks_json, TaskPredictions};
use crate::output::{self, Format};

/// Runs `nabla eval` for a multi-task model.
pub fn run(args: &EvalArgs, model: &MultiTask) -> anyhow::Result<()> {
    if let Some(column) = &args.target {
        bail!(
            "--target {column}: {} is a multi-task model, evaluated on each task's own column ({}); drop --target",
            args.model.display(),
            task_order(model).join(", ")
        );
    }
    if args.plot.is_some() {
        bail!(
            "--plot: draws a single-task classifier's confusion matrix; {} is a multi-task model",
            args.model.display()
        );
    }
    let found = TaskPredictions::new(model, &args.data, true, &|m| args.common.warn(m))?;
    match args.common.format {
        Format::Json => output::print_json(&json!({
            "model": args.model.display().to_string(),
            "dataset": found.data.name,
            "task_order": task_order(model),
            "tasks": tasks_json(model, &found),
            "dtype": model.dtype(),
            "rows": found.data.rows,
        })),
        Format::Text | Format::Markdown => {
            let mut s = String::new();
            let _ = writeln!(s, "{}", header_line(&args.model, model));
            let _ = writeln!(s, "{}: {} rows", found.data.name, found.data.rows);
            metrics_text(&mut s, &found);
            output::print_text(&s)
        }
    }
}
