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

/// One atlas row without its cost: `{name, params, range, zero_centred, mean_normal,
/// sd_normal, vanishing_gradient, non_differentiable, monotonic, turning_points}`.
pub fn properties(p: &Properties) -> Map<String, Value> {
    let row = json!({
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
    });
    match row {
        Value::Object(map) => map,
        _ => unreachable!("json! of an object literal is an object"),
    }
}

/// The atlas: `{vanishing_threshold, timing: {dtype, elements, relu_forward_ns_per_element},
/// activations: [{..the [`properties`].., forward_ns_per_element, backward_ns_per_element,
/// relative_cost}]}`, one row per `(properties, cost)`; `relu_ns` is ReLU's forward cost, the
/// unit of `relative_cost`.
pub fn atlas(rows: &[(Properties, Cost)], relu_ns: f64) -> Value {
    let rows: Vec<Value> = rows
        .iter()
        .map(|(p, cost)| {
            let mut row = properties(p);
            row.insert("forward_ns_per_element".into(), json!(cost.forward_ns));
            row.insert("backward_ns_per_element".into(), json!(cost.backward_ns));
            row.insert("relative_cost".into(), json!(cost.forward_ns / relu_ns));
            Value::Object(row)
        })
        .collect();
    json!({
        "vanishing_threshold": VANISHING,
        "timing": {"dtype": "float32", "elements": TIMED_ELEMENTS, "relu_forward_ns_per_element": relu_ns},
        "activations": rows,
    })
}

/// The atlas without the clock: `{vanishing_threshold, activations: [..the [`properties`]..]}`,
/// what [`atlas`] gives less `timing` and each row's three cost fields (for a front-end that
/// does not time the kernels, such as the browser's).
pub fn atlas_properties(rows: &[Properties]) -> Value {
    let rows: Vec<Value> = rows.iter().map(|p| Value::Object(properties(p))).collect();
    json!({"vanishing_threshold": VANISHING, "activations": rows})
}
