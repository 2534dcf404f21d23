//! The `__metadata__` of a model file: string keys to string values (safetensors allows nothing
//! else), numbers and lists written as JSON so that floats keep every bit (shortest round-trip
//! form, which Python's `json.dumps` also writes).
//!
//! | key | value (example) |
//! |-----|-----------------|
//! | `nabla_format_version` | `1` |
//! | `widths` | `[4,16,3]` (inputs, hidden…, outputs) |
//! | `activation` | `leaky_relu` (any `nabla activation` name) |
//! | `activation_params` | `{"alpha":0.2}` (`alpha`: leaky_relu, elu; `beta`: swish, softplus; `threshold`: softplus) |
//! | `dropout` | `0.2` (after every hidden activation) |
//! | `feature_names` | `["sepal_length",…]` |
//! | `feature_means`, `feature_stds` | `[5.84,…]`, `[0.82,…]` (the training split's standardisation) |
//! | `target` | `species` |
//! | `task` | `classes`, `binary` or `regression` |
//! | `classes` | `["setosa",…]` (binary: negative class first; regression: `[]`) |
//! | `target_mean`, `target_std` | regression only: the scaling the network's output undoes |

use std::collections::HashMap;

use nabla_tensor::Activation;
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

use super::{ModelFileProblem, TargetInfo};
use crate::data::{Standardizer, TaskKind};
use crate::train::Objective;

/// The version of the metadata layout this build writes and reads.
pub const FORMAT_VERSION: &str = "1";

/// The key whose presence marks a nabla model file.
pub const VERSION_KEY: &str = "nabla_format_version";

/// Every key a model file's metadata needs (regression adds `target_mean` and `target_std`).
pub const REQUIRED_KEYS: &str = "nabla_format_version, widths, activation, activation_params, \
     dropout, feature_names, feature_means, feature_stds, target, task, classes";

/// The kind of network a file holds, from its `model` key (absent: a single-task MLP).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelKind {
    /// One MLP with one target (no `model` key).
    Single,
    /// A shared trunk with one head per task (`model` = `multitask`).
    MultiTask,
}

impl ModelKind {
    /// The `model` key's value (`single` is never written: single-task files have no key).
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Single => "single",
            ModelKind::MultiTask => "multitask",
        }
    }

    /// The kind `m` declares, after checking the format version.
    pub(super) fn of(m: &HashMap<String, String>) -> Result<ModelKind, ModelFileProblem> {
        check_version(m)?;
        match m.get("model").map(|s| s.trim()) {
            None | Some("single") => Ok(ModelKind::Single),
            Some("multitask") => Ok(ModelKind::MultiTask),
            Some(other) => Err(bad(
                "model",
                other,
                "expected multitask (or no key, for a single-task model)",
            )),
        }
    }
}

/// Everything the metadata says: the architecture and what turns rows into predictions.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Decoded {
    pub widths: Vec<usize>,
    pub activation: Activation,
    pub dropout: f64,
    pub standardizer: Standardizer,
    pub target: TargetInfo,
}

/// The metadata of a model.
pub(super) fn encode(
    widths: &[usize],
    activation: Activation,
    dropout: f64,
    standardizer: &Standardizer,
    target: &TargetInfo,
) -> HashMap<String, String> {
    let mut m = encode_inputs(activation, dropout, standardizer);
    m.insert("widths".to_string(), json!(widths).to_string());
    m.extend(encode_target(target));
    m
}

/// The entries every model file has: the format version, the activation, dropout and the
/// features' names and standardisation.
pub(super) fn encode_inputs(
    activation: Activation,
    dropout: f64,
    standardizer: &Standardizer,
) -> HashMap<String, String> {
    let mut m = HashMap::new();
    let mut put = |k: &str, v: String| {
        m.insert(k.to_string(), v);
    };
    put(VERSION_KEY, FORMAT_VERSION.to_string());
    put("activation", activation.name().to_string());
    let params: Map<String, Value> = stored_params(activation)
        .into_iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    put("activation_params", Value::Object(params).to_string());
    put("dropout", json!(dropout).to_string());
    put(
        "feature_names",
        json!(standardizer.feature_names()).to_string(),
    );
    put("feature_means", json!(standardizer.mean()).to_string());
    put("feature_stds", json!(standardizer.std()).to_string());
    m
}

/// A target's entries: `target`, `task`, `classes` and, for regression, `target_mean` and
/// `target_std`.
pub(super) fn encode_target(target: &TargetInfo) -> Vec<(String, String)> {
    let mut m = vec![
        ("target".to_string(), target.name.clone()),
        ("task".to_string(), target.kind().name().to_string()),
        ("classes".to_string(), json!(target.classes).to_string()),
    ];
    if let Objective::Regression { mean, std } = target.objective {
        m.push(("target_mean".to_string(), json!(mean).to_string()));
        m.push(("target_std".to_string(), json!(std).to_string()));
    }
    m
}

/// The parameters an activation is rebuilt from (SELU's fixed constants are not stored).
fn stored_params(activation: Activation) -> Vec<(&'static str, f64)> {
    match activation {
        Activation::LeakyRelu { alpha } | Activation::Elu { alpha } => vec![("alpha", alpha)],
        Activation::Swish { beta } => vec![("beta", beta)],
        Activation::Softplus { beta, threshold } => {
            vec![("beta", beta), ("threshold", threshold)]
        }
        _ => Vec::new(),
    }
}

/// Reads and checks the metadata.
pub(super) fn decode(
    metadata: Option<&HashMap<String, String>>,
) -> Result<Decoded, ModelFileProblem> {
    let empty = HashMap::new();
    let m = metadata.unwrap_or(&empty);
    check_version(m)?;
    let get = getter(m);
    let widths: Vec<usize> = parse_json(get("widths")?, "widths")?;
    if widths.len() < 2 || widths.contains(&0) {
        return Err(bad(
            "widths",
            get("widths")?,
            "an MLP needs an input and an output width, each at least 1",
        ));
    }
    let Inputs {
        activation,
        dropout,
        standardizer,
    } = decode_inputs(m)?;
    if standardizer.feature_names().len() != widths[0] {
        return Err(ModelFileProblem::Inconsistent {
            reason: format!(
                "widths start with {} inputs but there are {} feature names",
                widths[0],
                standardizer.feature_names().len()
            ),
        });
    }
    let target = target(get)?;
    let outputs = widths[widths.len() - 1];
    if outputs != target.objective.outputs() {
        return Err(ModelFileProblem::Inconsistent {
            reason: format!(
                "a {} target needs {} output(s), but widths end with {outputs}",
                target.kind(),
                target.objective.outputs()
            ),
        });
    }
    Ok(Decoded {
        widths,
        activation,
        dropout,
        standardizer,
        target,
    })
}

/// Fails unless the metadata carries nabla's marker with the version this build reads.
pub(super) fn check_version(m: &HashMap<String, String>) -> Result<(), ModelFileProblem> {
    let Some(version) = m.get(VERSION_KEY) else {
        return Err(ModelFileProblem::NotNabla {
            key: VERSION_KEY,
            required: REQUIRED_KEYS,
        });
    };
    if version.trim() != FORMAT_VERSION {
        return Err(ModelFileProblem::Version {
            found: cut(version),
            supported: FORMAT_VERSION,
        });
    }
    Ok(())
}

/// A lookup of required keys in `m`.
pub(super) fn getter<'a>(
    m: &'a HashMap<String, String>,
) -> impl Fn(&'static str) -> Result<&'a str, ModelFileProblem> + 'a {
    move |key: &'static str| {
        m.get(key)
            .map(String::as_str)
            .ok_or(ModelFileProblem::MissingMetadata { key })
    }
}

/// What every model file says about its inputs and hidden units.
pub(super) struct Inputs {
    pub activation: Activation,
    pub dropout: f64,
    pub standardizer: Standardizer,
}

/// Reads the activation, dropout and the features' standardisation.
pub(super) fn decode_inputs(m: &HashMap<String, String>) -> Result<Inputs, ModelFileProblem> {
    let get = getter(m);
    let activation = activation(get("activation")?, get("activation_params")?)?;
    let dropout_text = get("dropout")?;
    let dropout: f64 = parse_json(dropout_text, "dropout")?;
    if !(0.0..1.0).contains(&dropout) {
        return Err(bad("dropout", dropout_text, "must be in [0, 1)"));
    }
    let names: Vec<String> = parse_json(get("feature_names")?, "feature_names")?;
    let means: Vec<f64> = parse_json(get("feature_means")?, "feature_means")?;
    let stds: Vec<f64> = parse_json(get("feature_stds")?, "feature_stds")?;
    let standardizer = Standardizer::from_parts(names, means, stds).map_err(|e| {
        ModelFileProblem::Inconsistent {
            reason: format!("feature_names, feature_means and feature_stds: {e}"),
        }
    })?;
    Ok(Inputs {
        activation,
        dropout,
        standardizer,
    })
}

/// Reads a target from its entries (`target`, `task`, `classes`, and `target_mean` and
/// `target_std` for regression).
pub(super) fn target<'a>(
    get: impl Fn(&'static str) -> Result<&'a str, ModelFileProblem>,
) -> Result<TargetInfo, ModelFileProblem> {
    let name = get("target")?.to_string();
    let task_text = get("task")?;
    let kind: TaskKind = task_text
        .parse()
        .map_err(|e: crate::data::UnknownTaskKind| bad("task", task_text, &e.to_string()))?;
    let classes_text = get("classes")?;
    let classes: Vec<String> = parse_json(classes_text, "classes")?;
    let objective = match kind {
        TaskKind::Classes => Objective::Classes {
            classes: classes.len(),
        },
        TaskKind::Binary => Objective::Binary,
        TaskKind::Regression => {
            let mean_text = get("target_mean")?;
            let std_text = get("target_std")?;
            let mean: f64 = parse_json(mean_text, "target_mean")?;
            let std: f64 = parse_json(std_text, "target_std")?;
            if !mean.is_finite() {
                return Err(bad("target_mean", mean_text, "must be finite"));
            }
            if !(std.is_finite() && std > 0.0) {
                return Err(bad("target_std", std_text, "must be finite and positive"));
            }
            Objective::Regression { mean, std }
        }
    };
    TargetInfo::new(name, objective, classes)
        .map_err(|e| bad("classes", classes_text, &e.to_string()))
}

fn activation(name: &str, params_text: &str) -> Result<Activation, ModelFileProblem> {
    let params: Map<String, Value> = parse_json(params_text, "activation_params")?;
    let mut alpha = None;
    let mut beta = None;
    let mut threshold = None;
    for (k, v) in &params {
        let Some(x) = v.as_f64() else {
            return Err(bad(
                "activation_params",
                params_text,
                &format!("\"{k}\" is not a number"),
            ));
        };
        match k.as_str() {
            "alpha" => alpha = Some(x),
            "beta" => beta = Some(x),
            "threshold" if name == "softplus" => threshold = Some(x),
            _ => {
                return Err(bad(
                    "activation_params",
                    params_text,
                    &format!("\"{name}\" takes no parameter \"{k}\""),
                ))
            }
        }
    }
    let parsed = Activation::parse(name, alpha, beta)
        .map_err(|e| bad("activation", name, &e.to_string()))?;
    Ok(match (parsed, threshold) {
        (Activation::Softplus { beta, .. }, Some(t)) if t.is_finite() => {
            Activation::Softplus { beta, threshold: t }
        }
        (_, Some(t)) => {
            return Err(bad(
                "activation_params",
                params_text,
                &format!("threshold {t} is not finite"),
            ))
        }
        (a, None) => a,
    })
}

pub(super) fn parse_json<T: DeserializeOwned>(
    text: &str,
    key: &'static str,
) -> Result<T, ModelFileProblem> {
    serde_json::from_str(text).map_err(|e| bad(key, text, &e.to_string()))
}

pub(super) fn bad(key: &'static str, value: &str, reason: &str) -> ModelFileProblem {
    ModelFileProblem::BadMetadata {
        key,
        value: cut(value),
        reason: reason.to_string(),
    }
}

/// At most 80 characters of a value, for error messages.
pub(super) fn cut(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}
