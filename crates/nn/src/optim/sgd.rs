//! Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight
//! decay: `torch.optim.SGD`.
//!
//! ```
//! use nabla_nn::optim::{Optimizer, SgdConfig};
//!
//! let mut sgd = SgdConfig { lr: 0.1, ..SgdConfig::default() }.build::<f64>()?;
//! let mut p = [1.0, -2.0];
//! sgd.step(&mut [&mut p[..]], &[&[0.5, 1.0][..]])?;
//! assert_eq!(p, [0.95, -2.1]);
//! # Ok::<(), nabla_nn::Error>(())
//! ```

use nabla_tensor::Float;

use super::fma::fma_dispatch;
use super::{finite, non_negative_finite, Optimizer, OptimizerState, ParamLayout};
use crate::{Error, Result};

/// SGD's hyperparameters; `Default` is PyTorch's (`lr` 1e-3, everything else off).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SgdConfig {
    /// Learning rate γ.
    pub lr: f64,
    /// Momentum factor μ (0 = plain gradient descent).
    pub momentum: f64,
    /// Dampening τ applied to the gradient when it enters the momentum buffer.
    pub dampening: f64,
    /// L2 penalty λ added to the gradient.
    pub weight_decay: f64,
    /// Nesterov momentum (needs `momentum > 0` and `dampening == 0`).
    pub nesterov: bool,
}

impl Default for SgdConfig {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            momentum: 0.0,
            dampening: 0.0,
            weight_decay: 0.0,
            nesterov: false,
        }
    }
}

impl SgdConfig {
    /// Checks the hyperparameters as PyTorch's constructor does (and rejects non-finite ones).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a negative or non-finite `lr`, `momentum` or
    /// `weight_decay`, a non-finite `dampening`, or `nesterov` without momentum or with dampening.
    pub fn validate(&self) -> Result<()> {
        non_negative_finite(&[
            ("lr", self.lr),
            ("momentum", self.momentum),
            ("weight_decay", self.weight_decay),
        ])?;
        finite("dampening", self.dampening)?;
        if self.nesterov && self.momentum <= 0.0 {
            return Err(Error::InvalidParameter {
                name: "momentum",
                value: self.momentum,
                reason: "Nesterov momentum requires a momentum above 0",
            });
        }
        if self.nesterov && self.dampening != 0.0 {
            return Err(Error::InvalidParameter {
                name: "dampening",
                value: self.dampening,
                reason: "Nesterov momentum requires zero dampening",
            });
        }
        Ok(())
    }

    /// Validates the configuration and builds the optimizer.
    ///
    /// # Errors
    /// As [`SgdConfig::validate`].
    pub fn build<T: Float>(self) -> Result<Sgd<T>> {
        self.validate()?;
        Ok(Sgd {
            config: self,
            layout: ParamLayout::default(),
            buffers: Vec::new(),
        })
    }
}

// ---- Hyperparameter table and update rule: the one description of SGD's knobs and rule,
// read by `OptimizerConfig` (keys, defaults, PyTorch names) and by nabla-explain's worked
// solutions (`OptimizerConfig::update_rule`). ----------------------------------------------------

use super::hyperparameter::{l2, lr, number, Hyperparameter};

/// Plain gradient descent (`sgd`).
pub(crate) const SGD_TABLE: &[Hyperparameter<SgdConfig>] = &[lr!(), l2!()];
/// SGD with momentum (`momentum`).
pub(crate) const MOMENTUM_TABLE: &[Hyperparameter<SgdConfig>] =
    &[lr!(), MOMENTUM, DAMPENING, l2!()];
/// SGD with Nesterov momentum (`nesterov`: no dampening).
pub(crate) const NESTEROV_TABLE: &[Hyperparameter<SgdConfig>] = &[lr!(), MOMENTUM, l2!()];
const MOMENTUM: Hyperparameter<SgdConfig> = number!(momentum, "momentum factor μ");
const DAMPENING: Hyperparameter<SgdConfig> = number!(
    dampening,
    "dampening τ of the gradient entering the momentum buffer"
);

/// Momentum's rule, and what its first step reduces to.
pub(crate) const MOMENTUM_RULE: &[&str] = &[
    "v = μ·v + (1 − dampening)·g,   θ' = θ − η·v",
    "first step: PyTorch starts the buffer at v = g (no dampening), so θ' = θ − η·g",
];
/// Nesterov momentum's rule, and what its first step reduces to.
pub(crate) const NESTEROV_RULE: &[&str] = &[
    "v = μ·v + g,   θ' = θ − η·(g + μ·v)",
    "first step: v = g, so θ' = θ − η·(1 + μ)·g",
];
// ---- end of the hyperparameter table and update rule ------------------------------------------

/// `torch.optim.SGD`. For every element, with gradient g and parameter θ:
///
/// ```text
/// g ← g + λ·θ                                  (if λ ≠ 0)
/// if μ ≠ 0:
///     b ← g                                    (first step: no dampening)
///     b ← μ·b + (1 − τ)·g                      (later steps)
///     g ← g + μ·b   (Nesterov)   or   g ← b
/// θ ← θ − γ·g
/// ```
#[derive(Clone, Debug)]
pub struct Sgd<T> {
    config: SgdConfig,
    layout: ParamLayout,
    buffers: Vec<Vec<T>>,
}

impl<T: Float> Sgd<T> {
    /// The hyperparameters in use.
    pub fn config(&self) -> &SgdConfig {
        &self.config
    }
}

impl<T: Float> Optimizer<T> for Sgd<T> {
    fn step(&mut self, params: &mut [&mut [T]], grads: &[&[T]]) -> Result<()> {
        let first = self.layout.check(params, grads)?;
        let c = self.config;
        let lr = T::from_f64(c.lr);
        let wd = T::from_f64(c.weight_decay);
        let momentum = T::from_f64(c.momentum);
        let keep = T::from_f64(1.0 - c.dampening);
        if first && c.momentum != 0.0 {
            self.buffers = ParamLayout::buffers(params, T::zero());
        }
        let k = Constants {
            decay: (c.weight_decay != 0.0).then_some(wd),
            momentum: (c.momentum != 0.0).then_some(momentum),
            keep,
            first,
            nesterov: c.nesterov,
            neg_lr: -lr,
        };
        for (i, (param, grad)) in params.iter_mut().zip(grads).enumerate() {
            let buffer = if c.momentum != 0.0 {
                &mut self.buffers[i][..]
            } else {
                &mut []
            };
            update(&k, param, grad, buffer);
        }
        Ok(())
    }

    fn learning_rate(&self) -> f64 {
        self.config.lr
    }

    fn set_learning_rate(&mut self, lr: f64) {
        self.config.lr = lr;
    }

    fn state(&self) -> OptimizerState<T> {
        OptimizerState::new(self.config.lr, &self.layout)
            .with_buffers("momentum_buffer", &self.buffers)
    }

    fn load_state(&mut self, s: &OptimizerState<T>) -> Result<()> {
        let buffers = s.buffers("momentum_buffer", self.config.momentum != 0.0)?;
        self.config.lr = s.checked_lr()?;
        self.layout = ParamLayout::from_state(s);
        self.buffers = buffers;
        Ok(())
    }
}

/// The per-step constants of one SGD update.
struct Constants<T> {
    decay: Option<T>,
    momentum: Option<T>,
    keep: T,
    first: bool,
    nesterov: bool,
    neg_lr: T,
}

fma_dispatch! {
    /// Updates one parameter slice (FMA-compiled where the CPU has it: see `optim/fma.rs`).
    fn update<T: Float>(k: &Constants<T>, p: &mut [T], g: &[T], b: &mut [T]) => update_portable
}

/// PyTorch's single-tensor SGD, element by element (`b` is empty without momentum).
#[inline(always)]
fn update_portable<T: Float>(k: &Constants<T>, p: &mut [T], g: &[T], b: &mut [T]) {
    for (j, (p, &g0)) in p.iter_mut().zip(g).enumerate() {
        let mut g = g0;
        if let Some(wd) = k.decay {
            g = wd.mul_add(*p, g);
        }
        if let Some(momentum) = k.momentum {
            let b = &mut b[j];
            *b = if k.first {
                g
            } else {
                k.keep.mul_add(g, *b * momentum)
            };
            g = if k.nesterov {
                momentum.mul_add(*b, g)
            } else {
                *b
            };
        }
        *p = k.neg_lr.mul_add(g, *p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn momentum_buffer_starts_at_the_gradient_without_dampening() {
        let config = SgdConfig {
            lr: 1.0,
            momentum: 0.5,
            dampening: 0.5,
            ..SgdConfig::default()
        };
        let mut sgd = config.build::<f64>().unwrap();
        let mut p = [0.0];
        sgd.step(&mut [&mut p[..]], &[&[1.0][..]]).unwrap();
        assert_eq!(p, [-1.0]); // b = g = 1
        sgd.step(&mut [&mut p[..]], &[&[1.0][..]]).unwrap();
        assert_eq!(p, [-2.0]); // b = 0.5·1 + 0.5·1 = 1
    }

    #[test]
    fn nesterov_looks_ahead() {
        let config = SgdConfig {
            lr: 1.0,
            momentum: 0.5,
            nesterov: true,
            ..SgdConfig::default()
        };
        let mut sgd = config.build::<f64>().unwrap();
        let mut p = [0.0];
        sgd.step(&mut [&mut p[..]], &[&[1.0][..]]).unwrap();
        assert_eq!(p, [-1.5]); // g + μ·b = 1 + 0.5
    }

    #[test]
    fn weight_decay_adds_to_the_gradient() {
        let config = SgdConfig {
            lr: 0.5,
            weight_decay: 0.1,
            ..SgdConfig::default()
        };
        let mut sgd = config.build::<f64>().unwrap();
        let mut p = [2.0];
        sgd.step(&mut [&mut p[..]], &[&[0.0][..]]).unwrap();
        assert!((p[0] - 1.9).abs() < 1e-15);
    }

    #[test]
    fn invalid_configurations_are_rejected() {
        let bad = |c: SgdConfig| c.build::<f64>().is_err();
        assert!(bad(SgdConfig {
            lr: -1.0,
            ..SgdConfig::default()
        }));
        assert!(bad(SgdConfig {
            momentum: -0.1,
            ..SgdConfig::default()
        }));
        assert!(bad(SgdConfig {
            weight_decay: f64::NAN,
            ..SgdConfig::default()
        }));
        assert!(bad(SgdConfig {
            nesterov: true,
            ..SgdConfig::default()
        }));
        assert!(bad(SgdConfig {
            nesterov: true,
            momentum: 0.9,
            dampening: 0.1,
            ..SgdConfig::default()
        }));
    }
}
