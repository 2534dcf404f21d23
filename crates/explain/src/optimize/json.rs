//! The JSON document of an optimizer race, as `nabla optimize --format json` prints it and the
//! browser playground receives it.

use nabla_nn::optim::{HyperValue, OptimizerConfig};
use serde_json::{json, Map, Value};

use super::objective::Objective;
use super::race::{Run, Summary};

/// A JSON number, or null when it is not finite.
fn number(v: f64) -> Value {
    if v.is_finite() {
        json!(v)
    } else {
        Value::Null
    }
}

/// An optimizer's hyperparameters as a JSON object (non-finite numbers as null).
pub fn hyperparameters(config: &OptimizerConfig) -> Value {
    let mut map = Map::new();
    for (key, value) in config.hyperparameters() {
        let v = match value {
            HyperValue::Number(x) => number(x),
            HyperValue::Flag(b) => Value::Bool(b),
        };
        map.insert(key.to_string(), v);
    }
    Value::Object(map)
}

/// The race as the contract's JSON document: `{function, formula, minima, threshold, runs:
/// [{optimizer, hyperparameters, trajectory: [{step, x, y, loss}], diverged_at,
/// steps_to_threshold, final_loss, best_loss, path_length, oscillation}]}`.
pub fn render(function: &Objective, threshold: f64, runs: &[Run], summaries: &[Summary]) -> Value {
    let runs: Vec<Value> = runs
        .iter()
        .zip(summaries)
        .map(|(r, s)| {
            let trajectory: Vec<Value> = r
                .trajectory
                .iter()
                .map(|p| json!({"step": p.step, "x": number(p.x), "y": number(p.y), "loss": number(p.loss)}))
                .collect();
            json!({
                "optimizer": r.config.name(),
                "hyperparameters": hyperparameters(&r.config),
                "trajectory": trajectory,
                "diverged_at": r.diverged_at,
                "steps_to_threshold": s.steps_to_threshold,
                "final_loss": s.final_loss.map_or(Value::Null, number),
                "best_loss": number(s.best_loss),
                "path_length": number(s.path_length),
                "oscillation": s.oscillation,
            })
        })
        .collect();
    let minima: Vec<Value> = function.minima().iter().map(|m| json!(m)).collect();
    json!({
        "function": function.name(),
        "formula": function.formula(),
        "minima": minima,
        "threshold": threshold,
        "runs": runs,
    })
}
