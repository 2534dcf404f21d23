//! The JSON documents of `nabla activation`, as the CLI prints them and the browser playground
//! receives them: a function's values and derivatives at given points, and the atlas.

use nabla_tensor::Activation;
use serde_json::{json, Map, Value};

use super::atlas::{Cost, Properties, TIMED_ELEMENTS, VANISHING};

/// The function's parameters as a JSON object (`{"beta": 1}`, `{}` for relu).
pub fn params(act: Activation) -> Value {
    let mut params = Map::new();
    for (key, value) in act.params() {
        params.insert(key.to_string(), json!(value));
    }
    Value::Object(params)
}

/// `{name, params, points: [{x, value, derivative}]}` for points `(x, f(x), f'(x))` as
/// [`super::evaluate`] gives them.
pub fn points(act: Activation, points: &[(f64, f64, f64)]) -> Value {
    let points: Vec<Value> = points
        .iter()
        .map(|&(x, value, derivative)| json!({"x": x, "value": value, "derivative": derivative}))
        .collect();
    json!({"name": act.name(), "params": params(act), "points": points})
}

fn opt(v: Option<f64>) -> Value {
    v.map_or(Value::Null, |x| json!(x))
}

/// The atlas: `{vanishing_threshold, timing: {dtype, elements, relu_forward_ns_per_element},
/// activations: [{name, params, range, zero_centred, mean_normal, sd_normal,
/// vanishing_gradient, non_differentiable, monotonic, turning_points, forward_ns_per_element,
/// backward_ns_per_element, relative_cost}]}`, one row per `(properties, cost)`; `relu_ns` is
/// ReLU's forward cost, the unit of `relative_cost`.
pub fn atlas(rows: &[(Properties, Cost)], relu_ns: f64) -> Value {
    let rows: Vec<Value> = rows
        .iter()
        .map(|(p, cost)| {
            json!({
                "name": p.activation.name(),
                "params": params(p.activation),
                "range": {"min": opt(p.range_min), "max": opt(p.range_max)},
                "zero_centred": p.zero_centred,
                "mean_normal": p.mean_normal,
                "sd_normal": p.sd_normal,
                "vanishing_gradient": p.vanishing.iter()
                    .map(|i| json!({"from": opt(i.from), "to": opt(i.to)}))
                    .collect::<Vec<_>>(),
                "non_differentiable": p.kinks.iter()
                    .map(|k| json!({"x": k.x, "left_derivative": k.left,
                                    "right_derivative": k.right, "continuous": k.continuous}))
                    .collect::<Vec<_>>(),
                "monotonic": p.monotonic,
                "turning_points": p.turning_points.iter()
                    .map(|t| json!({"x": t.x, "value": t.value,
                                    "kind": if t.minimum { "minimum" } else { "maximum" }}))
                    .collect::<Vec<_>>(),
                "forward_ns_per_element": cost.forward_ns,
                "backward_ns_per_element": cost.backward_ns,
                "relative_cost": cost.forward_ns / relu_ns,
            })
        })
        .collect();
    json!({
        "vanishing_threshold": VANISHING,
        "timing": {"dtype": "float32", "elements": TIMED_ELEMENTS, "relu_forward_ns_per_element": relu_ns},
        "activations": rows,
    })
}
