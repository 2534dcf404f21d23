//! Weight initialisers with PyTorch's formulas (`torch.nn.init`) and gains per activation.
//!
//! ```text
//! PyTorch's nn.Linear default   W, b ~ U(−1/√fan_in, 1/√fan_in)
//! Xavier/Glorot uniform         W ~ U(−a, a),   a = gain·√(6 / (fan_in + fan_out))
//! Xavier/Glorot normal          W ~ N(0, σ²),   σ = gain·√(2 / (fan_in + fan_out))
//! He/Kaiming uniform (fan_in)   W ~ U(−a, a),   a = gain·√(3 / fan_in)
//! He/Kaiming normal (fan_in)    W ~ N(0, σ²),   σ = gain / √fan_in
//! ```
//! Gains follow `torch.nn.init.calculate_gain`: 1 for identity and sigmoid, 5/3 for tanh, √2 for
//! ReLU, √(2/(1+α²)) for leaky ReLU, 3/4 for SELU; activations PyTorch has no gain for use 1.
//!
//! ```
//! use nabla_nn::init::{gain, Init};
//! use nabla_tensor::Activation;
//! assert_eq!(gain(Activation::Relu), 2f64.sqrt());
//! let w = Init::XavierUniform.weight::<f64>(3, 4, 1.0, &mut nabla_nn::init::seeded(0));
//! assert_eq!(w.shape(), &[3, 4]);
//! ```

use nabla_tensor::{Activation, Float, Tensor};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// A weight initialiser.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Init {
    /// PyTorch's `nn.Linear` default (Kaiming uniform with a = √5, i.e. U(±1/√fan_in)).
    #[default]
    PyTorchDefault,
    /// Xavier/Glorot uniform.
    XavierUniform,
    /// Xavier/Glorot normal.
    XavierNormal,
    /// He/Kaiming uniform, fan-in mode.
    KaimingUniform,
    /// He/Kaiming normal, fan-in mode.
    KaimingNormal,
}

impl Init {
    /// The names accepted by [`Init::parse`].
    pub const NAMES: [&'static str; 5] = [
        "default",
        "xavier_uniform",
        "xavier_normal",
        "kaiming_uniform",
        "kaiming_normal",
    ];

    /// The initialiser with this name (see [`Init::NAMES`]).
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "default" | "pytorch" => Self::PyTorchDefault,
            "xavier_uniform" | "glorot_uniform" => Self::XavierUniform,
            "xavier_normal" | "glorot_normal" => Self::XavierNormal,
            "kaiming_uniform" | "he_uniform" => Self::KaimingUniform,
            "kaiming_normal" | "he_normal" => Self::KaimingNormal,
            _ => return None,
        })
    }

    /// A weight `[fan_out, fan_in]` for a layer followed by an activation with the given gain.
    pub fn weight<T: Float>(
        self,
        fan_out: usize,
        fan_in: usize,
        gain: f64,
        rng: &mut ChaCha8Rng,
    ) -> Tensor<T> {
        let shape = [fan_out, fan_in];
        let (fi, fo) = (fan_in.max(1) as f64, fan_out.max(1) as f64);
        match self {
            Self::PyTorchDefault => {
                let bound = 1.0 / fi.sqrt();
                Tensor::uniform(&shape, -bound, bound, rng)
            }
            Self::XavierUniform => {
                let bound = gain * (6.0 / (fi + fo)).sqrt();
                Tensor::uniform(&shape, -bound, bound, rng)
            }
            Self::XavierNormal => Tensor::normal(&shape, 0.0, gain * (2.0 / (fi + fo)).sqrt(), rng),
            Self::KaimingUniform => {
                let bound = gain * (3.0 / fi).sqrt();
                Tensor::uniform(&shape, -bound, bound, rng)
            }
            Self::KaimingNormal => Tensor::normal(&shape, 0.0, gain / fi.sqrt(), rng),
        }
    }

    /// A bias `[fan_out]`: PyTorch's U(±1/√fan_in) for the default, zeros otherwise.
    pub fn bias<T: Float>(self, fan_out: usize, fan_in: usize, rng: &mut ChaCha8Rng) -> Tensor<T> {
        match self {
            Self::PyTorchDefault => {
                let bound = 1.0 / (fan_in.max(1) as f64).sqrt();
                Tensor::uniform(&[fan_out], -bound, bound, rng)
            }
            _ => Tensor::zeros(&[fan_out]),
        }
    }
}

/// `torch.nn.init.calculate_gain` for the activation that follows a layer.
pub fn gain(activation: Activation) -> f64 {
    match activation {
        Activation::Tanh => 5.0 / 3.0,
        Activation::Relu => 2f64.sqrt(),
        Activation::LeakyRelu { alpha } => (2.0 / (1.0 + alpha * alpha)).sqrt(),
        Activation::Selu => 0.75,
        _ => 1.0,
    }
}

/// The deterministic generator nabla uses everywhere a seed is given (stable across versions).
pub fn seeded(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreads_follow_the_formulas() {
        let mut rng = seeded(3);
        let w: Tensor<f64> = Init::KaimingNormal.weight(400, 250, 2f64.sqrt(), &mut rng);
        let var = w.data().iter().map(|v| v * v).sum::<f64>() / w.numel() as f64;
        assert!((var - 2.0 / 250.0).abs() < 0.05 * 2.0 / 250.0, "{var}");
        let u: Tensor<f64> = Init::XavierUniform.weight(30, 20, 1.0, &mut rng);
        let bound = (6.0f64 / 50.0).sqrt();
        assert!(u.data().iter().all(|v| v.abs() <= bound));
        let b: Tensor<f64> = Init::PyTorchDefault.bias(10, 16, &mut rng);
        assert!(b.data().iter().all(|v| v.abs() <= 0.25));
    }
}
