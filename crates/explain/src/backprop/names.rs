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

use super::spec::Spec;

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
        Self {
            inputs,
            units,
            weights,
            biases,
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
