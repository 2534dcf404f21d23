//! The network spec a `nabla backprop` run reads: its JSON schema, checked field by field.
//!
//! ```text
//! {"input": [0.5, 1.0],                      one sample, or "inputs": [[..], ..] for a batch
//!  "target": [1.0],                          or "targets": [[..], ..]
//!  "layers": [{"weight": [[..], ..],         [out][in], PyTorch's nn.Linear layout
//!              "bias": [..],                 [out]
//!              "activation": "sigmoid",      any `nabla activation` NAME or identity (default)
//!              "alpha": 0.2, "beta": 2.0}],  the activation's parameters, when it takes them
//!  "loss": "bce",                            bce | bce_with_logits | mse | cross_entropy
//!  "optimizer": {"name": "sgd", "lr": 0.1},  optional; snake_case hyperparameters
//!  "name": "..", "description": ".."        optional, shown as the title
//!  "names": {"units": .., "weights": ..,     optional: the solution's own names for units and
//!            "biases": ..}}                  parameters, shaped like the layers (see names.rs)
//! ```
//!
//! Every error names the field at fault ([`Error::Spec`]: `layers[1].weight: expected 1 row of 2
//! numbers, got 2 rows`), so a user can fix a spec without guessing; a front-end adds the file.

use nabla_nn::optim::OptimizerConfig;
use nabla_tensor::Activation;
use serde_json::{Map, Value};

use super::names::{check_unique, GivenNames, Names};
use crate::{Error, Result};

/// The losses a spec may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossName {
    /// Binary cross-entropy on probabilities (`F.binary_cross_entropy`).
    Bce,
    /// Binary cross-entropy on logits (`F.binary_cross_entropy_with_logits`).
    BceWithLogits,
    /// Mean squared error (`F.mse_loss`).
    Mse,
    /// Softmax cross-entropy on logits (`F.cross_entropy`).
    CrossEntropy,
}

impl LossName {
    const NAMES: &'static str = "bce, bce_with_logits, mse, cross_entropy";

    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "bce" => LossName::Bce,
            "bce_with_logits" => LossName::BceWithLogits,
            "mse" => LossName::Mse,
            "cross_entropy" => LossName::CrossEntropy,
            _ => return None,
        })
    }

    /// The spec's spelling.
    pub fn name(self) -> &'static str {
        match self {
            LossName::Bce => "bce",
            LossName::BceWithLogits => "bce_with_logits",
            LossName::Mse => "mse",
            LossName::CrossEntropy => "cross_entropy",
        }
    }
}

/// One fully connected layer: `out = f(x·Wᵀ + b)`.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerSpec {
    /// `[out][in]`.
    pub weight: Vec<Vec<f64>>,
    /// `[out]`.
    pub bias: Vec<f64>,
    /// The activation `f`.
    pub activation: Activation,
}

impl LayerSpec {
    /// The number of units (rows of the weight).
    pub fn units(&self) -> usize {
        self.weight.len()
    }

    /// The number of inputs (columns of the weight).
    pub fn fan_in(&self) -> usize {
        self.weight.first().map_or(0, Vec::len)
    }
}

/// A checked spec.
#[derive(Clone, Debug)]
pub struct Spec {
    /// The title given by `name` or `description`, if any.
    pub title: Option<String>,
    /// `[samples][inputs]`.
    pub inputs: Vec<Vec<f64>>,
    /// `[samples][outputs]`.
    pub targets: Vec<Vec<f64>>,
    /// True when the spec gave `inputs` (a batch), false for one `input`.
    pub batched: bool,
    /// The layers, first to last.
    pub layers: Vec<LayerSpec>,
    /// The loss.
    pub loss: LossName,
    /// The optimizer, when the spec asks for an update.
    pub optimizer: Option<OptimizerConfig>,
    /// The names the spec gives its units and parameters (`names`), if any.
    pub names: Option<GivenNames>,
}

const TOP_KEYS: &str =
    "input, inputs, target, targets, layers, loss, optimizer, name, description, names";
const LAYER_KEYS: &str = "weight, bias, activation, alpha, beta";

/// Reads values, naming the field at fault in its errors.
struct Reader;

impl Reader {
    fn err(&self, field: &str, message: impl std::fmt::Display) -> Error {
        Error::Spec {
            field: field.to_string(),
            message: message.to_string(),
        }
    }

    fn number(&self, field: &str, value: &Value) -> Result<f64> {
        match value.as_f64() {
            Some(v) if v.is_finite() => Ok(v),
            _ => Err(self.err(field, format!("expected a number, got {}", describe(value)))),
        }
    }

    fn numbers(&self, field: &str, value: &Value) -> Result<Vec<f64>> {
        let items = value.as_array().ok_or_else(|| {
            self.err(
                field,
                format!("expected an array of numbers, got {}", describe(value)),
            )
        })?;
        items
            .iter()
            .enumerate()
            .map(|(i, v)| self.number(&format!("{field}[{i}]"), v))
            .collect()
    }

    fn rows(&self, field: &str, value: &Value) -> Result<Vec<Vec<f64>>> {
        let items = value.as_array().ok_or_else(|| {
            self.err(
                field,
                format!(
                    "expected an array of rows (arrays of numbers), got {}",
                    describe(value)
                ),
            )
        })?;
        items
            .iter()
            .enumerate()
            .map(|(i, v)| self.numbers(&format!("{field}[{i}]"), v))
            .collect()
    }
}

/// A short description of a JSON value for error messages.
fn describe(value: &Value) -> String {
    let text = match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(a) => format!("an array of {} item{}", a.len(), plural(a.len())),
        Value::Object(_) => "an object".to_string(),
    };
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    } else {
        text
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `n number(s)`.
fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", plural(n))
}

/// Describes the shape of a matrix as given, for "got ..." messages.
fn shape_of(rows: &[Vec<f64>]) -> String {
    if rows.is_empty() {
        return "no rows".to_string();
    }
    let first = rows[0].len();
    if rows.iter().all(|r| r.len() == first) {
        format!("{} of {}", count(rows.len(), "row"), count(first, "number"))
    } else {
        let lens: Vec<String> = rows.iter().map(|r| r.len().to_string()).collect();
        format!(
            "{} of {} numbers",
            count(rows.len(), "row"),
            lens.join(", ")
        )
    }
}

/// Parses and checks a spec.
///
/// # Errors
/// [`Error::SpecSyntax`] for malformed JSON, [`Error::SpecRoot`] for JSON that is not an object,
/// and otherwise [`Error::Spec`] naming the field at fault: malformed JSON, a missing or unknown
/// field, a wrong shape, a non-numeric value, an unknown activation, loss or optimizer, or a
/// hyperparameter out of range.
pub fn parse(text: &str) -> Result<Spec> {
    let r = Reader;
    let root: Value = serde_json::from_str(text).map_err(|e| Error::SpecSyntax {
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()).to_string(),
    })?;
    let object = root.as_object().ok_or_else(|| Error::SpecRoot {
        got: describe(&root),
    })?;
    if let Some(key) = object
        .keys()
        .find(|k| !TOP_KEYS.split(", ").any(|known| known == k.as_str()))
    {
        return Err(r.err(key, format!("unknown field (expected one of: {TOP_KEYS})")));
    }
    let title = ["name", "description"]
        .iter()
        .filter_map(|k| object.get(*k).map(|v| (*k, v)))
        .map(|(k, v)| match v {
            Value::String(s) => Ok(s.clone()),
            other => Err(r.err(k, format!("expected a string, got {}", describe(other)))),
        })
        .collect::<Result<Vec<_>>>()?;
    let title = (!title.is_empty()).then(|| title.join(" — "));

    let (inputs, batched) = samples(&r, object, "input", "inputs")?;
    let (mut targets, target_batched) = targets(&r, object, inputs.len())?;
    if batched != target_batched {
        return Err(r.err(
            if batched { "targets" } else { "target" },
            if batched {
                "a batch given as \"inputs\" needs \"targets\" (one row per sample)"
            } else {
                "one sample given as \"input\" needs \"target\", not \"targets\""
            },
        ));
    }
    let in_width = inputs[0].len();

    let loss = match object.get("loss") {
        None => return Err(r.err("loss", format!("missing (one of: {})", LossName::NAMES))),
        Some(Value::String(s)) => LossName::parse(s).ok_or_else(|| {
            r.err(
                "loss",
                format!("unknown loss '{s}' (expected one of: {})", LossName::NAMES),
            )
        })?,
        Some(other) => {
            return Err(r.err(
                "loss",
                format!(
                    "expected a string (one of: {}), got {}",
                    LossName::NAMES,
                    describe(other)
                ),
            ))
        }
    };
    if loss == LossName::CrossEntropy {
        class_indices_to_one_hot(&r, object, &mut targets, batched)?;
        for (s, row) in targets.iter().enumerate() {
            for (k, &y) in row.iter().enumerate() {
                if y < 0.0 {
                    let field = if batched {
                        format!("targets[{s}][{k}]")
                    } else {
                        format!("target[{k}]")
                    };
                    return Err(r.err(
                        &field,
                        format!("cross_entropy targets must be non-negative, got {y}"),
                    ));
                }
            }
        }
    }

    let out_width = targets[0].len();
    let layers = layers(&r, object, in_width, out_width)?;

    let optimizer = match object.get("optimizer") {
        None | Some(Value::Null) => None,
        // A bare name: the optimizer with PyTorch's defaults.
        Some(Value::String(name)) => {
            Some(OptimizerConfig::default_for(name).map_err(|e| r.err("optimizer", e))?)
        }
        Some(value) => {
            if let Some(obj) = value.as_object() {
                if !obj.contains_key("name") {
                    return Err(r.err(
                        "optimizer.name",
                        "missing (one of: sgd, momentum, nesterov, rmsprop, adam, adamw, \
                         adagrad, adadelta, nadam, radam)",
                    ));
                }
            }
            Some(OptimizerConfig::from_json(value).map_err(|e| {
                let field = match &e {
                    nabla_nn::Error::UnknownHyperparameter { key, .. }
                    | nabla_nn::Error::HyperparameterType { key, .. }
                        if key != "optimizer" =>
                    {
                        format!("optimizer.{key}")
                    }
                    nabla_nn::Error::InvalidParameter { name, .. } => format!("optimizer.{name}"),
                    _ => "optimizer".to_string(),
                };
                r.err(&field, e)
            })?)
        }
    };

    let names = object
        .get("names")
        .map(|v| GivenNames::read(v, &layers))
        .transpose()?;
    let spec = Spec {
        title,
        inputs,
        targets,
        batched,
        layers,
        loss,
        optimizer,
        names,
    };
    if spec.names.is_some() {
        check_unique(&Names::new(&spec))?;
    }
    Ok(spec)
}

/// For cross-entropy, a target given as one class index per sample (`"target": 2`,
/// `"targets": [[0], [2]]`) while the last layer has several units becomes a one-hot row, as
/// PyTorch's class-index form means.
fn class_indices_to_one_hot(
    r: &Reader,
    object: &Map<String, Value>,
    targets: &mut [Vec<f64>],
    batched: bool,
) -> Result<()> {
    let classes = object
        .get("layers")
        .and_then(Value::as_array)
        .and_then(|layers| layers.last())
        .and_then(|layer| layer.get("weight"))
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    if classes < 2 || targets[0].len() != 1 {
        return Ok(());
    }
    for (s, row) in targets.iter_mut().enumerate() {
        let c = row[0];
        if !(c >= 0.0 && c.fract() == 0.0 && c < classes as f64) {
            let field = if batched {
                format!("targets[{s}]")
            } else {
                "target".to_string()
            };
            return Err(r.err(
                &field,
                format!(
                    "expected a class index (a whole number from 0 to {}) or a row of {classes} \
                     numbers, got {c}",
                    classes - 1
                ),
            ));
        }
        let mut one_hot = vec![0.0; classes];
        one_hot[c as usize] = 1.0;
        *row = one_hot;
    }
    Ok(())
}

/// serde_json appends " at line L column C"; the message already leads with the position.
fn strip_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |cut| &message[..cut])
}

/// Reads `single` (one row) or `batch` (rows); returns the rows and whether it was a batch.
fn samples(
    r: &Reader,
    object: &Map<String, Value>,
    single: &str,
    batch: &str,
) -> Result<(Vec<Vec<f64>>, bool)> {
    let rows = match (object.get(single), object.get(batch)) {
        (Some(_), Some(_)) => {
            return Err(r.err(
                batch,
                format!("give either \"{single}\" (one sample) or \"{batch}\" (a batch), not both"),
            ))
        }
        (None, None) => {
            return Err(r.err(
                single,
                format!("missing (\"{single}\": [..] for one sample, or \"{batch}\": [[..], ..] for a batch)"),
            ))
        }
        (Some(v), None) => (vec![r.numbers(single, v)?], false),
        (None, Some(v)) => (r.rows(batch, v)?, true),
    };
    let (rows, batched) = rows;
    let field = if batched { batch } else { single };
    if rows.is_empty() {
        return Err(r.err(field, "expected at least one sample, got none"));
    }
    if rows[0].is_empty() {
        return Err(r.err(field, "expected at least one number per sample, got none"));
    }
    if let Some(s) = rows.iter().position(|row| row.len() != rows[0].len()) {
        return Err(r.err(
            &format!("{field}[{s}]"),
            format!(
                "expected {} like the first sample, got {}",
                count(rows[0].len(), "number"),
                rows[s].len()
            ),
        ));
    }
    Ok((rows, batched))
}

/// Reads `target` (a row, or a lone number for one output) or `targets`, one row per sample.
fn targets(
    r: &Reader,
    object: &Map<String, Value>,
    n_samples: usize,
) -> Result<(Vec<Vec<f64>>, bool)> {
    let (rows, batched) = match (object.get("target"), object.get("targets")) {
        (Some(v), None) if v.is_number() => (vec![vec![r.number("target", v)?]], false),
        // One number per sample: a single output, or class indices for cross-entropy.
        (None, Some(Value::Array(items)))
            if !items.is_empty() && items.iter().all(Value::is_number) =>
        {
            let rows = items
                .iter()
                .enumerate()
                .map(|(s, v)| Ok(vec![r.number(&format!("targets[{s}]"), v)?]))
                .collect::<Result<Vec<_>>>()?;
            (rows, true)
        }
        _ => samples(r, object, "target", "targets")?,
    };
    if rows.len() != n_samples {
        return Err(r.err(
            "targets",
            format!(
                "expected {} (one per input sample), got {}",
                count(n_samples, "row"),
                rows.len()
            ),
        ));
    }
    Ok((rows, batched))
}

/// Reads and checks the layers: each weight `[out][in]` with `in` the previous width, the last
/// layer's `out` the target width, each bias `[out]`.
fn layers(
    r: &Reader,
    object: &Map<String, Value>,
    in_width: usize,
    out_width: usize,
) -> Result<Vec<LayerSpec>> {
    let items = match object.get("layers") {
        None => {
            return Err(r.err(
                "layers",
                "missing (an array of {\"weight\", \"bias\", \"activation\"} objects)",
            ))
        }
        Some(Value::Array(items)) if items.is_empty() => {
            return Err(r.err("layers", "expected at least one layer, got none"))
        }
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(r.err(
                "layers",
                format!(
                    "expected an array of layer objects, got {}",
                    describe(other)
                ),
            ))
        }
    };
    let last = items.len() - 1;
    let mut width = in_width;
    let mut layers = Vec::with_capacity(items.len());
    for (l, item) in items.iter().enumerate() {
        let field = format!("layers[{l}]");
        let layer = item.as_object().ok_or_else(|| {
            r.err(
                &field,
                format!(
                    "expected an object with weight, bias and activation, got {}",
                    describe(item)
                ),
            )
        })?;
        if let Some(key) = layer
            .keys()
            .find(|k| !LAYER_KEYS.split(", ").any(|known| known == k.as_str()))
        {
            return Err(r.err(
                &format!("{field}.{key}"),
                format!("unknown field (expected one of: {LAYER_KEYS})"),
            ));
        }
        let wfield = format!("{field}.weight");
        let weight = match layer.get("weight") {
            None => return Err(r.err(&wfield, "missing ([out][in] numbers)")),
            Some(v) => r.rows(&wfield, v)?,
        };
        let source = if l == 0 {
            "one per input".to_string()
        } else {
            format!("one per unit of layers[{}]", l - 1)
        };
        let shape_ok = !weight.is_empty() && weight.iter().all(|row| row.len() == width);
        if l == last {
            if weight.len() != out_width || !shape_ok {
                return Err(r.err(
                    &wfield,
                    format!(
                        "expected {} of {} (one row per target, {source}), got {}",
                        count(out_width, "row"),
                        count(width, "number"),
                        shape_of(&weight)
                    ),
                ));
            }
        } else if !shape_ok {
            return Err(r.err(
                &wfield,
                format!(
                    "expected rows of {} ({source}), got {}",
                    count(width, "number"),
                    shape_of(&weight)
                ),
            ));
        }
        let bfield = format!("{field}.bias");
        let bias = match layer.get("bias") {
            None => {
                return Err(r.err(
                    &bfield,
                    format!("missing ({}, one per unit)", count(weight.len(), "number")),
                ))
            }
            Some(v) => r.numbers(&bfield, v)?,
        };
        if bias.len() != weight.len() {
            return Err(r.err(
                &bfield,
                format!(
                    "expected {} (one per row of the weight), got {}",
                    count(weight.len(), "number"),
                    bias.len()
                ),
            ));
        }
        let param = |key: &str| -> Result<Option<f64>> {
            layer
                .get(key)
                .map(|v| r.number(&format!("{field}.{key}"), v))
                .transpose()
        };
        let (alpha, beta) = (param("alpha")?, param("beta")?);
        let afield = format!("{field}.activation");
        let name = match layer.get("activation") {
            None => "identity",
            Some(Value::String(s)) => s.as_str(),
            Some(other) => {
                return Err(r.err(
                    &afield,
                    format!("expected an activation name, got {}", describe(other)),
                ))
            }
        };
        let activation = Activation::parse(name, alpha, beta).map_err(|e| {
            let hint = match e {
                nabla_tensor::Error::UnknownActivation { .. } if name == "softmax" => {
                    " (softmax is part of the cross_entropy loss: give the last layer \
                     \"identity\" and \"loss\": \"cross_entropy\")"
                        .to_string()
                }
                nabla_tensor::Error::UnknownActivation { .. } => format!(
                    " (expected one of: {})",
                    nabla_tensor::activation::ACTIVATION_NAMES.join(", ")
                ),
                _ => String::new(),
            };
            r.err(&afield, format!("{e}{hint}"))
        })?;
        width = weight.len();
        layers.push(LayerSpec {
            weight,
            bias,
            activation,
        });
    }
    Ok(layers)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REFERENCE: &str = r#"{"input": [0.5, 1.0], "target": [1.0],
        "layers": [{"weight": [[1.0, 1.0], [-1.0, -1.0]], "bias": [1.0, 2.0], "activation": "sigmoid"},
                   {"weight": [[0.8, -1.0]], "bias": [-1.0], "activation": "sigmoid"}],
        "loss": "bce", "optimizer": {"name": "sgd", "lr": 0.1}}"#;

    fn error(text: &str) -> String {
        format!("net.json: {}", parse(text).unwrap_err())
    }

    #[test]
    fn the_reference_spec_parses() {
        let spec = parse(REFERENCE).unwrap();
        assert_eq!(spec.inputs, vec![vec![0.5, 1.0]]);
        assert_eq!(spec.targets, vec![vec![1.0]]);
        assert!(!spec.batched);
        assert_eq!(spec.layers.len(), 2);
        assert_eq!(spec.layers[1].weight, vec![vec![0.8, -1.0]]);
        assert_eq!(spec.loss, LossName::Bce);
        assert_eq!(spec.optimizer.unwrap().name(), "sgd");
        assert_eq!(spec.optimizer.unwrap().lr(), 0.1);
    }

    #[test]
    fn a_wrong_weight_shape_names_the_layer_and_the_expected_shape() {
        let bad = REFERENCE.replace("[[0.8, -1.0]]", "[[0.8, -1.0], [1.0, 2.0]]");
        assert_eq!(
            error(&bad),
            "net.json: layers[1].weight: expected 1 row of 2 numbers (one row per target, one \
             per unit of layers[0]), got 2 rows of 2 numbers"
        );
        let bad = REFERENCE.replace("[[1.0, 1.0], [-1.0, -1.0]]", "[[1.0, 1.0], [-1.0]]");
        assert!(error(&bad).starts_with("net.json: layers[0].weight: expected rows of 2 numbers"));
    }

    #[test]
    fn non_numeric_weights_name_the_element() {
        let bad = REFERENCE.replace("[[0.8, -1.0]]", "[[0.8, \"x\"]]");
        assert_eq!(
            error(&bad),
            "net.json: layers[1].weight[0][1]: expected a number, got the string \"x\""
        );
    }

    #[test]
    fn unknown_names_are_errors() {
        assert!(error(&REFERENCE.replace("\"bce\"", "\"hinge\""))
            .starts_with("net.json: loss: unknown loss 'hinge'"));
        assert!(
            error(&REFERENCE.replace("\"sigmoid\"}]", "\"sigmoidal\"}]"))
                .starts_with("net.json: layers[1].activation: unknown activation 'sigmoidal'")
        );
        assert!(error(&REFERENCE.replace("\"sgd\"", "\"sgdd\""))
            .starts_with("net.json: optimizer: unknown optimizer 'sgdd'"));
        assert!(error(&REFERENCE.replace("\"lr\"", "\"beta1\""))
            .starts_with("net.json: optimizer.beta1: hyperparameter 'beta1' does not apply"));
        assert!(error(&REFERENCE.replace("0.1}", "-0.1}"))
            .starts_with("net.json: optimizer.lr: lr = -0.1 is invalid"));
        assert!(error(&REFERENCE.replace("0.1}", "\"fast\"}"))
            .starts_with("net.json: optimizer.lr: hyperparameter 'lr' must be"));
        let bare = REFERENCE.replace("{\"name\": \"sgd\", \"lr\": 0.1}", "\"adam\"");
        assert_eq!(parse(&bare).unwrap().optimizer.unwrap().name(), "adam");
        assert!(error(&REFERENCE.replace("\"loss\"", "\"los\""))
            .starts_with("net.json: los: unknown field"));
    }

    #[test]
    fn softmax_as_an_activation_points_to_cross_entropy() {
        let bad = REFERENCE.replace("\"sigmoid\"}]", "\"softmax\"}]");
        let message = error(&bad);
        assert!(message.starts_with("net.json: layers[1].activation: unknown activation 'softmax'"));
        assert!(
            message.contains("part of the cross_entropy loss"),
            "{message}"
        );
    }

    #[test]
    fn missing_fields_are_named() {
        let bad = REFERENCE.replace("\"input\": [0.5, 1.0], ", "");
        assert!(error(&bad).starts_with("net.json: input: missing"));
        let bad = REFERENCE.replace(", \"bias\": [-1.0]", "");
        assert!(error(&bad).starts_with("net.json: layers[1].bias: missing"));
        let bad = REFERENCE.replace("\"loss\": \"bce\", ", "");
        assert!(error(&bad).starts_with("net.json: loss: missing"));
    }

    #[test]
    fn malformed_json_gives_the_position() {
        let message = error("{\"input\": [0.5,, 1.0]}");
        assert!(
            message.starts_with("net.json: line 1, column 16: invalid JSON"),
            "{message}"
        );
    }

    #[test]
    fn batches_need_matching_rows() {
        let bad = REFERENCE
            .replace(
                "\"input\": [0.5, 1.0]",
                "\"inputs\": [[0.5, 1.0], [1.0, 0.0]]",
            )
            .replace("\"target\": [1.0]", "\"targets\": [[1.0]]");
        assert!(error(&bad).starts_with("net.json: targets: expected 2 rows"));
        let bad = REFERENCE.replace("\"input\": [0.5, 1.0]", "\"inputs\": [[0.5, 1.0], [1.0]]");
        assert!(error(&bad).starts_with("net.json: inputs[1]: expected 2 numbers"));
    }

    #[test]
    fn cross_entropy_targets_must_be_non_negative() {
        let bad = REFERENCE
            .replace("\"bce\"", "\"cross_entropy\"")
            .replace("\"target\": [1.0]", "\"target\": [-1.0]");
        assert!(error(&bad).starts_with("net.json: target[0]: cross_entropy targets"));
    }

    #[test]
    fn cross_entropy_accepts_class_indices() {
        let three = REFERENCE.replace("\"bce\"", "\"cross_entropy\"").replace(
            "[[0.8, -1.0]], \"bias\": [-1.0]",
            "[[0.8, -1.0], [0.1, 0.2], [0.3, 0.4]], \"bias\": [-1.0, 0.0, 0.5]",
        );
        let spec = parse(&three.replace("\"target\": [1.0]", "\"target\": 2")).unwrap();
        assert_eq!(spec.targets, vec![vec![0.0, 0.0, 1.0]]);
        let spec = parse(&three.replace("\"target\": [1.0]", "\"target\": [1]")).unwrap();
        assert_eq!(spec.targets, vec![vec![0.0, 1.0, 0.0]]);
        let batch = three
            .replace(
                "\"input\": [0.5, 1.0]",
                "\"inputs\": [[0.5, 1.0], [1.0, 0.0]]",
            )
            .replace("\"target\": [1.0]", "\"targets\": [2, 0]");
        assert_eq!(
            parse(&batch).unwrap().targets,
            vec![vec![0.0, 0.0, 1.0], vec![1.0, 0.0, 0.0]]
        );
        let message = error(&three.replace("\"target\": [1.0]", "\"target\": 3"));
        assert!(
            message.starts_with(
                "net.json: target: expected a class index (a whole number from 0 to 2)"
            ),
            "{message}"
        );
        let message = error(&three.replace("\"target\": [1.0]", "\"target\": [0.5]"));
        assert!(message.contains("got 0.5"), "{message}");
    }

    #[test]
    fn activation_parameters_reach_the_activation() {
        let spec = parse(&REFERENCE.replace(
            "\"activation\": \"sigmoid\"}]",
            "\"activation\": \"leaky_relu\", \"alpha\": 0.2}]",
        ))
        .unwrap();
        assert_eq!(
            spec.layers[1].activation,
            Activation::LeakyRelu { alpha: 0.2 }
        );
        let bad = REFERENCE.replace(
            "\"activation\": \"sigmoid\"}]",
            "\"activation\": \"relu\", \"alpha\": 0.2}]",
        );
        assert!(error(&bad)
            .starts_with("net.json: layers[1].activation: relu takes no parameter alpha"));
    }
}
