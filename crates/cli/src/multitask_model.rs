//! A multi-task model applied to rows, for `nabla predict` and `nabla eval`: each task's
//! predictions and metrics, and the pieces both commands print (the model's header line, the
//! JSON `tasks` object, a metrics line per task).

use std::fmt::Write as _;

use nabla_nn::model_file::{Model, MultiTask, Prediction};
use nabla_nn::train::Metrics;
use serde_json::{json, Map, Value};

use crate::model_data::{load_for_models, on_rows, ModelData};
use crate::report::{metric_line, metrics_json};

/// A multi-task model's predictions and metrics on the rows of `--data`.
pub struct TaskPredictions {
    /// Each task's path as a single-task model, in task order.
    pub models: Vec<Model>,
    /// The rows read.
    pub data: ModelData,
    /// Per task, each row's prediction.
    pub predictions: Vec<Vec<Prediction>>,
    /// Per task, its metrics where the data has its labels.
    pub metrics: Vec<Option<Metrics>>,
}

impl TaskPredictions {
    /// Reads `data` for `model` and predicts every task; labels are required when
    /// `require_targets` (`nabla eval`).
    ///
    /// # Errors
    /// The data lacks a feature (or, when required, a task's column), naming it.
    pub fn new(
        model: &MultiTask,
        data: &str,
        require_targets: bool,
        warn: &dyn Fn(&str),
    ) -> anyhow::Result<TaskPredictions> {
        let models: Vec<Model> = (0..model.targets().len())
            .map(|t| model.task_model(t))
            .collect();
        let columns: Vec<&str> = model.targets().iter().map(|t| t.name.as_str()).collect();
        let data_name = data;
        let data = load_for_models(&models, data, &columns, require_targets, warn)?;
        let rows = on_rows(data_name);
        let predictions = models
            .iter()
            .map(|m| m.predict(&data.inputs))
            .collect::<nabla_nn::Result<Vec<_>>>()
            .map_err(&rows)?;
        let targets: Vec<_> = data.targets.iter().map(Option::as_ref).collect();
        let metrics = model.evaluate(&data.inputs, &targets).map_err(&rows)?;
        Ok(TaskPredictions {
            models,
            data,
            predictions,
            metrics,
        })
    }
}

/// The `tasks` object: per task its kind, classes and metrics (null without labels).
pub fn tasks_json(model: &MultiTask, found: &TaskPredictions) -> Value {
    let mut tasks = Map::new();
    for (t, target) in model.targets().iter().enumerate() {
        let labelled = found.data.targets[t]
            .as_ref()
            .map(|l| l.len() - l.missing_count());
        tasks.insert(
            target.name.clone(),
            json!({
                "kind": target.kind().name(),
                "classes": target.classes,
                "rows": labelled,
                "metrics": found.metrics[t].as_ref().map(metrics_json),
            }),
        );
    }
    Value::Object(tasks)
}

/// The task names, in the model's order.
pub fn task_order(model: &MultiTask) -> Vec<String> {
    model.targets().iter().map(|t| t.name.clone()).collect()
}

/// `PATH: multi-task MLP trunk 3-64-64, heads 32 relu (float32), dropout 0, predicts a
/// (classes), b (regression)`.
pub fn header_line(path: &std::path::Path, model: &MultiTask) -> String {
    let widths = |w: &[usize]| w.iter().map(usize::to_string).collect::<Vec<_>>().join("-");
    let heads = model.head_widths();
    let tasks: Vec<String> = model
        .targets()
        .iter()
        .map(|t| format!("{} ({})", t.name, t.kind()))
        .collect();
    format!(
        "{}: multi-task MLP trunk {}, heads {} {} ({}), dropout {}, predicts {}",
        path.display(),
        widths(&model.shared_widths()),
        if heads.is_empty() {
            "linear".to_string()
        } else {
            widths(&heads)
        },
        model.activation().name(),
        model.dtype(),
        model.dropout(),
        tasks.join(", "),
    )
}

/// One line per task with labels: `against "species": loss … accuracy …`.
pub fn metrics_text(s: &mut String, found: &TaskPredictions) {
    let mut first = true;
    for (m, metrics) in found.models.iter().zip(&found.metrics) {
        if let Some(metrics) = metrics {
            if first {
                let _ = writeln!(s);
                first = false;
            }
            let _ = writeln!(
                s,
                "against \"{}\" ({}): {}",
                m.target().name,
                m.target().kind(),
                metric_line(metrics)
            );
        }
    }
}
