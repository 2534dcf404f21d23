//! Shared rendering of a model's results for `nabla train`, `predict` and `eval`: the metrics
//! as one line of text or as the contract's JSON object, and one prediction as JSON.

use nabla_nn::model_file::{Model, Prediction};
use nabla_nn::train::Metrics;
use serde_json::{json, Value};

pub use nabla_nn::train::report::metrics_json;

/// One line of metrics: loss and accuracy, or loss, MSE and R².
pub fn metric_line(m: &Metrics) -> String {
    match (m.accuracy, m.mse) {
        (Some(a), _) => format!("loss {:.4}  accuracy {:.4}", m.loss, a),
        (None, Some(mse)) => format!(
            "loss {:.4}  MSE {:.4}  R² {}",
            m.loss,
            mse,
            m.r_squared.map_or("n/a".to_string(), |r| format!("{r:.4}"))
        ),
        (None, None) => format!("loss {:.4}", m.loss),
    }
}

/// The class name of a label.
pub fn class_name(model: &Model, label: usize) -> &str {
    model
        .target()
        .classes
        .get(label)
        .map_or("?", String::as_str)
}

pub fn prediction_json(model: &Model, p: &Prediction) -> Value {
    match p {
        Prediction::Class {
            label,
            probabilities,
        } => json!({
            "class": class_name(model, *label),
            "label": label,
            "probabilities": probabilities,
        }),
        Prediction::Value(v) => json!({ "value": v }),
    }
}
