//! The JSON form of a run, with the contract's fields (`layers`, `loss`, `gradients`,
//! `updated`) and a few more (`loss_function`, `reduction`, `names`, `optimizer`, `check`, and
//! with `--tape` the recorded `tape`).
//!
//! Per-layer arrays are shaped like the input: one sample gives `[units]`, a batch
//! `[samples][units]`. Numbers are full f64 (shortest round-trip form).

use nabla_nn::optim::HyperValue;
use serde_json::{json, Map, Value};

use super::names::Names;
use super::pass::{Pass, CHECK_STEP};
use super::spec::Spec;

/// `[samples][units]`, or the single row for one sample.
fn per_sample(spec: &Spec, rows: &[Vec<f64>]) -> Value {
    if spec.batched {
        json!(rows)
    } else {
        json!(rows[0])
    }
}

/// Builds the JSON object.
pub fn render(spec: &Spec, pass: &Pass, names: &Names, tape: bool) -> Value {
    let layers: Vec<Value> = pass
        .layers
        .iter()
        .map(|lp| json!({"net": per_sample(spec, &lp.net), "out": per_sample(spec, &lp.out)}))
        .collect();
    let gradients: Vec<Value> = pass
        .layers
        .iter()
        .map(|lp| {
            json!({
                "weight": lp.grad_weight,
                "bias": lp.grad_bias,
                "delta": per_sample(spec, &lp.delta),
                "out": per_sample(spec, &lp.d_out),
            })
        })
        .collect();
    let mut object = Map::new();
    object.insert("layers".into(), json!(layers));
    object.insert("loss".into(), json!(pass.loss));
    object.insert("loss_function".into(), json!(spec.loss.name()));
    object.insert("reduction".into(), json!("mean"));
    object.insert("gradients".into(), json!({ "layers": gradients }));
    if let (Some(config), Some(updated)) = (&spec.optimizer, &pass.updated) {
        let hyper: Map<String, Value> = config
            .hyperparameters()
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    HyperValue::Number(x) => json!(x),
                    HyperValue::Flag(b) => json!(b),
                };
                (k.to_string(), v)
            })
            .collect();
        object.insert(
            "optimizer".into(),
            json!({"name": config.name(), "hyperparameters": hyper}),
        );
        let layers: Vec<Value> = updated
            .iter()
            .map(|p| json!({"weight": p.weight, "bias": p.bias}))
            .collect();
        object.insert("updated".into(), json!({ "layers": layers }));
    }
    if let Some(report) = &pass.check {
        let worst = report
            .worst
            .and_then(|(i, e)| names.parameter(i, e))
            .map_or(Value::Null, |n| json!(n));
        object.insert(
            "check".into(),
            json!({
                "max_rel_error": report.max_rel_error,
                "max_abs_error": report.max_abs_error,
                "worst": worst,
                "elements": report.elements,
                "step": CHECK_STEP,
            }),
        );
    }
    let name_layers: Vec<Value> = (0..spec.layers.len())
        .map(|l| {
            json!({
                "units": names.units[l],
                "weight": names.weights[l],
                "bias": names.biases[l],
            })
        })
        .collect();
    object.insert(
        "names".into(),
        json!({"inputs": names.inputs, "layers": name_layers}),
    );
    if tape {
        let nodes: Vec<Value> = pass
            .tape
            .iter()
            .map(|n| {
                json!({
                    "index": n.index,
                    "op": n.op,
                    "inputs": n.inputs,
                    "label": n.label,
                    "shape": n.shape,
                    "value": n.value,
                    "grad": n.grad,
                })
            })
            .collect();
        object.insert("tape".into(), json!(nodes));
    }
    Value::Object(object)
}
