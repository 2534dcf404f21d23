//! A multilayer perceptron: linear layers with an activation (and optional dropout) after each
//! hidden layer, and a linear output layer whose outputs are logits or predictions.
//!
//! Its parameters are named as PyTorch's `state_dict` names the same `nn.Sequential`
//! (`Linear, Act, [Dropout], Linear, Act, [Dropout], …, Linear`): `0.weight`, `0.bias`,
//! `2.weight` (or `3.weight` after a dropout), and so on — so model files line up with PyTorch's.
//!
//! ```
//! use nabla_nn::layers::{Mlp, MlpConfig};
//! use nabla_tensor::{Activation, Tensor};
//! let config = MlpConfig { widths: vec![4, 8, 3], activation: Activation::Relu, ..MlpConfig::default() };
//! let mlp = Mlp::<f64>::new(&config, 0).unwrap();
//! assert_eq!(mlp.parameter_names(), ["0.weight", "0.bias", "2.weight", "2.bias"]);
//! let y = mlp.predict(&Tensor::zeros(&[5, 4])).unwrap();
//! assert_eq!(y.shape(), &[5, 3]);
//! ```

use nabla_tensor::{Activation, Float, Tape, Tensor, Var};
use rand_chacha::ChaCha8Rng;

use super::{Dropout, Linear};
use crate::init::{self, Init};
use crate::{Error, Result};

/// The shape and settings of an [`Mlp`].
#[derive(Clone, Debug, PartialEq)]
pub struct MlpConfig {
    /// Layer widths from input to output: `[inputs, hidden…, outputs]`.
    pub widths: Vec<usize>,
    /// The activation after every hidden layer.
    pub activation: Activation,
    /// The dropout probability after every hidden activation (0 for none).
    pub dropout: f64,
    /// The weight initialiser.
    pub init: Init,
}

impl Default for MlpConfig {
    fn default() -> Self {
        Self {
            widths: vec![64, 64, 10],
            activation: Activation::Relu,
            dropout: 0.0,
            init: Init::PyTorchDefault,
        }
    }
}

/// A multilayer perceptron.
#[derive(Clone, Debug, PartialEq)]
pub struct Mlp<T: Float> {
    layers: Vec<Linear<T>>,
    activation: Activation,
    dropout: Dropout,
}

impl<T: Float> Mlp<T> {
    /// A freshly initialised network; the same seed gives the same weights.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for fewer than two widths, a zero width, or a dropout
    /// probability outside [0, 1).
    pub fn new(config: &MlpConfig, seed: u64) -> Result<Self> {
        let dropout = Dropout::new(config.dropout)?;
        if config.widths.len() < 2 || config.widths.contains(&0) {
            return Err(Error::InvalidParameter {
                name: "widths",
                value: config.widths.len() as f64,
                reason: "an MLP needs an input and an output width, each at least 1",
            });
        }
        let mut rng = init::seeded(seed);
        let last = config.widths.len() - 2;
        let layers = config
            .widths
            .windows(2)
            .enumerate()
            .map(|(i, w)| {
                let gain = if i < last {
                    init::gain(config.activation)
                } else {
                    1.0
                };
                Linear::new(w[0], w[1], config.init, gain, &mut rng)
            })
            .collect();
        Ok(Self {
            layers,
            activation: config.activation,
            dropout,
        })
    }

    /// A network from given layers.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when there are no layers or consecutive layers do not fit.
    pub fn from_layers(
        layers: Vec<Linear<T>>,
        activation: Activation,
        dropout: f64,
    ) -> Result<Self> {
        let fits = !layers.is_empty() && layers.windows(2).all(|p| p[0].outputs() == p[1].inputs());
        if !fits {
            return Err(Error::InvalidParameter {
                name: "layers",
                value: layers.len() as f64,
                reason: "each layer's inputs must equal the previous layer's outputs",
            });
        }
        Ok(Self {
            layers,
            activation,
            dropout: Dropout::new(dropout)?,
        })
    }

    /// The layers, input first.
    pub fn layers(&self) -> &[Linear<T>] {
        &self.layers
    }

    /// The hidden activation.
    pub fn activation(&self) -> Activation {
        self.activation
    }

    /// The dropout after each hidden activation.
    pub fn dropout(&self) -> Dropout {
        self.dropout
    }

    /// `[inputs, hidden…, outputs]`.
    pub fn widths(&self) -> Vec<usize> {
        let mut widths = vec![self.layers[0].inputs()];
        widths.extend(self.layers.iter().map(Linear::outputs));
        widths
    }

    /// The number of trainable numbers.
    pub fn parameter_count(&self) -> usize {
        self.layers
            .iter()
            .map(|l| l.weight.numel() + l.bias.numel())
            .sum()
    }

    /// The `nn.Sequential` index of each linear layer.
    fn sequential_indices(&self) -> impl Iterator<Item = usize> + '_ {
        let stride = if self.dropout.p() > 0.0 { 3 } else { 2 };
        (0..self.layers.len()).map(move |i| i * stride)
    }

    /// PyTorch `state_dict` names, in parameter order (`0.weight`, `0.bias`, …).
    pub fn parameter_names(&self) -> Vec<String> {
        self.sequential_indices()
            .flat_map(|i| [format!("{i}.weight"), format!("{i}.bias")])
            .collect()
    }

    /// Every parameter, in the order of [`Mlp::parameter_names`].
    pub fn parameters(&self) -> Vec<&Tensor<T>> {
        self.layers
            .iter()
            .flat_map(|l| [&l.weight, &l.bias])
            .collect()
    }

    /// Every parameter, mutable, in the order of [`Mlp::parameter_names`].
    pub fn parameters_mut(&mut self) -> Vec<&mut Tensor<T>> {
        self.layers
            .iter_mut()
            .flat_map(|l| [&mut l.weight, &mut l.bias])
            .collect()
    }

    /// Records every parameter on `tape` (named as in [`Mlp::parameter_names`]).
    pub fn bind<'t>(&self, tape: &'t Tape<T>) -> Vec<Var<'t, T>> {
        self.parameters()
            .into_iter()
            .zip(self.parameter_names())
            .map(|(p, name)| tape.param_named(p.clone(), name))
            .collect()
    }

    /// The forward pass on a tape: `params` from [`Mlp::bind`]; dropout masks drawn from `rng`
    /// when `train`. Returns the output layer's values (logits or predictions).
    ///
    /// # Errors
    /// [`nabla_tensor::Error::ShapeMismatch`] when `x`'s last axis is not the input width.
    pub fn forward_t<'t>(
        &self,
        params: &[Var<'t, T>],
        x: Var<'t, T>,
        train: bool,
        rng: &mut ChaCha8Rng,
    ) -> Result<Var<'t, T>> {
        let last = self.layers.len() - 1;
        let mut h = x;
        for (i, wb) in params.chunks_exact(2).enumerate() {
            h = Linear::forward(h, wb[0], wb[1])?;
            if i < last {
                h = h.activation(self.activation);
                h = self.dropout.forward_t(h, train, rng)?;
            }
        }
        Ok(h)
    }

    /// The output for inputs `x` (`[rows, inputs]`) in evaluation mode, without recording.
    ///
    /// # Errors
    /// [`nabla_tensor::Error::ShapeMismatch`] when `x`'s last axis is not the input width.
    pub fn predict(&self, x: &Tensor<T>) -> Result<Tensor<T>> {
        self.predict_with(x, None)
    }

    /// The output with dropout kept on (Monte Carlo dropout), masks drawn from `rng`.
    ///
    /// # Errors
    /// As [`Mlp::predict`].
    pub fn predict_mc(&self, x: &Tensor<T>, rng: &mut ChaCha8Rng) -> Result<Tensor<T>> {
        self.predict_with(x, Some(rng))
    }

    fn predict_with(&self, x: &Tensor<T>, mut rng: Option<&mut ChaCha8Rng>) -> Result<Tensor<T>> {
        let last = self.layers.len() - 1;
        let mut h = x.clone();
        for (i, layer) in self.layers.iter().enumerate() {
            h = h.linear(&layer.weight, Some(&layer.bias))?;
            if i < last {
                let mut out = vec![T::zero(); h.numel()];
                self.activation.forward(h.data(), &mut out);
                h = Tensor::from_vec(out, h.shape())?;
                if let Some(rng) = rng.as_deref_mut() {
                    h = self.dropout.apply(&h, rng);
                }
            }
        }
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_pytorch_sequential_indices() {
        let config = MlpConfig {
            widths: vec![2, 3, 3, 1],
            dropout: 0.5,
            ..MlpConfig::default()
        };
        let mlp = Mlp::<f32>::new(&config, 1).unwrap();
        assert_eq!(
            mlp.parameter_names(),
            ["0.weight", "0.bias", "3.weight", "3.bias", "6.weight", "6.bias"]
        );
        assert_eq!(mlp.parameter_count(), 2 * 3 + 3 + 3 * 3 + 3 + 3 + 1);
    }

    #[test]
    fn tape_forward_in_eval_mode_equals_predict() {
        let config = MlpConfig {
            widths: vec![3, 5, 2],
            activation: Activation::Tanh,
            dropout: 0.3,
            ..MlpConfig::default()
        };
        let mlp = Mlp::<f64>::new(&config, 7).unwrap();
        let x = Tensor::from_vec((0..6).map(|i| i as f64 * 0.3 - 1.0).collect(), &[2, 3]).unwrap();
        let tape = Tape::new();
        let params = mlp.bind(&tape);
        let out = mlp
            .forward_t(
                &params,
                tape.constant(x.clone()),
                false,
                &mut init::seeded(0),
            )
            .unwrap();
        assert_eq!(out.value(), mlp.predict(&x).unwrap());
    }

    #[test]
    fn the_same_seed_gives_the_same_weights() {
        let config = MlpConfig::default();
        assert_eq!(
            Mlp::<f32>::new(&config, 3).unwrap(),
            Mlp::<f32>::new(&config, 3).unwrap()
        );
        assert_ne!(
            Mlp::<f32>::new(&config, 3).unwrap(),
            Mlp::<f32>::new(&config, 4).unwrap()
        );
    }
}
