//! A fully connected layer in PyTorch's `nn.Linear` layout: `y = x·Wᵀ + b` with weight
//! `[out, in]` and bias `[out]`.
//!
//! ```
//! use nabla_nn::layers::Linear;
//! use nabla_nn::init::{seeded, Init};
//! let layer = Linear::<f64>::new(3, 2, Init::PyTorchDefault, 1.0, &mut seeded(0));
//! assert_eq!(layer.weight.shape(), &[2, 3]);
//! assert_eq!(layer.bias.shape(), &[2]);
//! ```

use nabla_tensor::{Float, Result as TensorResult, Tensor, Var};
use rand_chacha::ChaCha8Rng;

use crate::init::Init;
use crate::{Error, Result};

/// A fully connected layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Linear<T: Float> {
    /// The weight, `[out, in]`.
    pub weight: Tensor<T>,
    /// The bias, `[out]`.
    pub bias: Tensor<T>,
}

impl<T: Float> Linear<T> {
    /// A layer with `inputs` inputs and `outputs` units, initialised by `init` (with `gain` for
    /// the initialisers that take one).
    pub fn new(inputs: usize, outputs: usize, init: Init, gain: f64, rng: &mut ChaCha8Rng) -> Self {
        let weight = init.weight(outputs, inputs, gain, rng);
        let bias = init.bias(outputs, inputs, rng);
        Self { weight, bias }
    }

    /// A layer from given weights.
    ///
    /// # Errors
    /// [`nabla_tensor::Error::ShapeMismatch`] when the weight is not 2-D or the bias does not have
    /// one entry per output.
    pub fn from_parts(weight: Tensor<T>, bias: Tensor<T>) -> Result<Self> {
        if weight.rank() != 2 || bias.shape() != [weight.shape()[0]] {
            return Err(Error::Tensor(nabla_tensor::Error::ShapeMismatch {
                op: "linear",
                lhs: weight.shape().to_vec(),
                rhs: bias.shape().to_vec(),
            }));
        }
        Ok(Self { weight, bias })
    }

    /// The number of inputs.
    pub fn inputs(&self) -> usize {
        self.weight.shape()[1]
    }

    /// The number of units.
    pub fn outputs(&self) -> usize {
        self.weight.shape()[0]
    }

    /// `x·Wᵀ + b` on a tape, with the weight and bias already recorded as `params`.
    ///
    /// # Errors
    /// [`nabla_tensor::Error::ShapeMismatch`] when `x`'s last axis is not the layer's input size.
    pub fn forward<'t>(
        x: Var<'t, T>,
        weight: Var<'t, T>,
        bias: Var<'t, T>,
    ) -> TensorResult<Var<'t, T>> {
        x.linear(weight, Some(bias))
    }
}
