//! Textbook names for a network's units and parameters, and the legend that maps them back to
//! the spec.
//!
//! ```text
//! inputs          x1, x2, ...
//! hidden units    h1, h2, ...          (one hidden layer)
//!                 h1_1, h1_2, h2_1 ... (several: hidden layer, then unit)
//! output units    o1, o2, ...
//! weights         w1, w2, ...          numbered through the network, layer by layer, row by row
//!                                      ([out][in]: w1 = x1→h1, w2 = x2→h1, w3 = x1→h2, ...)
//! biases          b1, b2, ...          one per unit, numbered through the network
//! ```
//! This is the numbering of the classic 2-2-1 worked example (w5, w6 feed the output unit).
//! A spec may rename any of them with a `names` object shaped like its layers, e.g. for a
//! solution that numbers weights column by column and calls the output unit `y`:
//! ```text
//! "names": {"units": [["h1", "h2"], ["y"]],
//!           "weights": [[["w1", "w3"], ["w2", "w4"]], [["w5", "w6"]]],
//!           "biases": [["b1", "b2"], ["b3"]]}
//! ```
//! Each part is optional; every name must be unique (inputs and targets included) and made of
//! letters, digits and `_`.

use std::collections::HashSet;

use serde_json::Value;

use super::spec::{LayerSpec, Spec};
use crate::{Error, Result};

/// The names a spec's `names` object gives; `None` keeps nabla's default for that part.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GivenNames {
    /// Per layer, its units' names.
    pub units: Option<Vec<Vec<String>>>,
    /// Per layer, `[out][in]` weight names.
    pub weights: Option<Vec<Vec<Vec<String>>>>,
    /// Per layer, one bias name per unit.
    pub biases: Option<Vec<Vec<String>>>,
}

const NAMES_KEYS: &str = "units, weights, biases";

fn spec_error(field: &str, message: impl Into<String>) -> Error {
    Error::Spec {
        field: field.to_string(),
        message: message.into(),
    }
}

/// `n` names at `field`, each letters, digits and `_`.
fn strings(field: &str, value: &Value, n: usize) -> Result<Vec<String>> {
    let items = value
        .as_array()
        .filter(|items| items.len() == n)
        .ok_or_else(|| spec_error(field, format!("expected an array of {n} names")))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item.as_str() {
            Some(name)
                if !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_') =>
            {
                Ok(name.to_string())
            }
            _ => Err(spec_error(
                &format!("{field}[{i}]"),
                format!("expected a name (letters, digits and _), got {item}"),
            )),
        })
        .collect()
}

/// Per layer, one array at `field[l]` read by `each`.
fn per_layer<T>(
    field: &str,
    value: &Value,
    layers: &[LayerSpec],
    each: impl Fn(&str, &Value, &LayerSpec) -> Result<T>,
) -> Result<Vec<T>> {
    let items = value
        .as_array()
        .filter(|items| items.len() == layers.len())
        .ok_or_else(|| {
            spec_error(
                field,
                format!("expected one array per layer ({})", layers.len()),
            )
        })?;
    items
        .iter()
        .zip(layers)
        .enumerate()
        .map(|(l, (item, layer))| each(&format!("{field}[{l}]"), item, layer))
        .collect()
}

impl GivenNames {
    /// Reads a spec's `names` object against its layers.
    ///
    /// # Errors
    /// [`Error::Spec`] naming the field: an unknown key, a part not shaped like the layers, a
    /// name that is not letters, digits and `_`.
    pub fn read(value: &Value, layers: &[LayerSpec]) -> Result<Self> {
        let object = value
            .as_object()
            .ok_or_else(|| spec_error("names", format!("expected an object with {NAMES_KEYS}")))?;
        if let Some(key) = object
            .keys()
            .find(|k| !NAMES_KEYS.split(", ").any(|n| n == *k))
        {
            return Err(spec_error(
                &format!("names.{key}"),
                format!("unknown field (expected one of: {NAMES_KEYS})"),
            ));
        }
        let units = object
            .get("units")
            .map(|v| per_layer("names.units", v, layers, |f, v, l| strings(f, v, l.units())))
            .transpose()?;
        let weights = object
            .get("weights")
            .map(|v| {
                per_layer("names.weights", v, layers, |f, v, layer| {
                    let rows = v
                        .as_array()
                        .filter(|r| r.len() == layer.units())
                        .ok_or_else(|| {
                            spec_error(f, format!("expected {} rows of names", layer.units()))
                        })?;
                    rows.iter()
                        .enumerate()
                        .map(|(j, row)| strings(&format!("{f}[{j}]"), row, layer.fan_in()))
                        .collect()
                })
            })
            .transpose()?;
        let biases = object
            .get("biases")
            .map(|v| {
                per_layer("names.biases", v, layers, |f, v, l| {
                    strings(f, v, l.units())
                })
            })
            .transpose()?;
        Ok(Self {
            units,
            weights,
            biases,
        })
    }
}

/// Checks that every name of `names` is distinct.
///
/// # Errors
/// [`Error::Spec`] at `names`, naming the repeated name.
pub fn check_unique(names: &Names) -> Result<()> {
    let mut seen = HashSet::new();
    let all = names
        .inputs
        .iter()
        .chain(names.units.iter().flatten())
        .chain(names.weights.iter().flatten().flatten())
        .chain(names.biases.iter().flatten())
        .chain(&names.targets);
    for name in all {
        if !seen.insert(name) {
            return Err(spec_error(
                "names",
                format!("{name} names two things (every name must be unique)"),
            ));
        }
    }
    Ok(())
}

/// Every name of one network.
#[derive(Clone, Debug, PartialEq)]
pub struct Names {
    /// `x1, x2, ...`.
    pub inputs: Vec<String>,
    /// Per layer, its units' names.
    pub units: Vec<Vec<String>>,
    /// Per layer, `[out][in]` weight names.
    pub weights: Vec<Vec<Vec<String>>>,
    /// Per layer, one bias name per unit.
    pub biases: Vec<Vec<String>>,
    /// `y1, y2, ...`: the targets of the output units.
    pub targets: Vec<String>,
}

impl Names {
    /// The names of `spec`'s network.
    pub fn new(spec: &Spec) -> Self {
        let n_layers = spec.layers.len();
        let hidden = n_layers - 1;
        let inputs = (1..=spec.inputs[0].len())
            .map(|i| format!("x{i}"))
            .collect();
        let mut units = Vec::with_capacity(n_layers);
        let mut weights = Vec::with_capacity(n_layers);
        let mut biases = Vec::with_capacity(n_layers);
        let (mut w, mut b) = (0, 0);
        for (l, layer) in spec.layers.iter().enumerate() {
            units.push(
                (1..=layer.units())
                    .map(|j| {
                        if l == n_layers - 1 {
                            format!("o{j}")
                        } else if hidden == 1 {
                            format!("h{j}")
                        } else {
                            format!("h{}_{j}", l + 1)
                        }
                    })
                    .collect(),
            );
            weights.push(
                layer
                    .weight
                    .iter()
                    .map(|row| {
                        row.iter()
                            .map(|_| {
                                w += 1;
                                format!("w{w}")
                            })
                            .collect()
                    })
                    .collect(),
            );
            biases.push(
                layer
                    .bias
                    .iter()
                    .map(|_| {
                        b += 1;
                        format!("b{b}")
                    })
                    .collect(),
            );
        }
        let targets = (1..=spec.targets[0].len())
            .map(|k| format!("y{k}"))
            .collect();
        let given = spec.names.clone().unwrap_or_default();
        Self {
            inputs,
            units: given.units.unwrap_or(units),
            weights: given.weights.unwrap_or(weights),
            biases: given.biases.unwrap_or(biases),
            targets,
        }
    }

    /// The names of the values feeding layer `l`: the inputs for layer 0, else the previous
    /// layer's units.
    pub fn sources(&self, l: usize) -> &[String] {
        if l == 0 {
            &self.inputs
        } else {
            &self.units[l - 1]
        }
    }

    /// The name of parameter `element` of the gradient checker's input `index` (inputs are
    /// W₀, b₀, W₁, b₁, ...; elements row-major).
    pub fn parameter(&self, index: usize, element: usize) -> Option<&str> {
        let l = index / 2;
        if index % 2 == 0 {
            let fan_in = self.sources(l).len().max(1);
            self.weights
                .get(l)?
                .get(element / fan_in)?
                .get(element % fan_in)
                .map(String::as_str)
        } else {
            self.biases.get(l)?.get(element).map(String::as_str)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_two_one_network_has_the_textbook_numbering() {
        let spec = super::super::spec::parse(
            r#"{"input": [0.5, 1.0], "target": [1.0], "loss": "bce",
                "layers": [{"weight": [[1, 1], [-1, -1]], "bias": [1, 2], "activation": "sigmoid"},
                           {"weight": [[0.8, -1]], "bias": [-1], "activation": "sigmoid"}]}"#,
        )
        .unwrap();
        let names = Names::new(&spec);
        assert_eq!(names.inputs, ["x1", "x2"]);
        assert_eq!(names.units, [vec!["h1", "h2"], vec!["o1"]]);
        assert_eq!(names.weights[0], [["w1", "w2"], ["w3", "w4"]]);
        assert_eq!(names.weights[1], [["w5", "w6"]]);
        assert_eq!(names.biases, [vec!["b1", "b2"], vec!["b3"]]);
        assert_eq!(names.parameter(0, 2), Some("w3"));
        assert_eq!(names.parameter(2, 1), Some("w6"));
        assert_eq!(names.parameter(3, 0), Some("b3"));
    }
}
