//! Adadelta: steps scaled by the ratio of running RMS of updates to running RMS of gradients
//! (`torch.optim.Adadelta`).
//!
//! ```
//! use nabla_nn::optim::{AdadeltaConfig, Optimizer};
//!
//! let mut adadelta = AdadeltaConfig::default().build::<f64>()?;
//! let mut p = [1.0];
//! adadelta.step(&mut [&mut p[..]], &[&[1.0][..]])?;
//! // Δ = √(0 + ε)/√(0.1 + ε)·1 ≈ 3.16e-3 with the default lr 1.
//! assert!((p[0] - (1.0 - (1e-6f64 / (0.1 + 1e-6)).sqrt())).abs() < 1e-12);
//! # Ok::<(), nabla_nn::Error>(())
//! ```

use nabla_tensor::Float;

use super::fma::fma_dispatch;
use super::{non_negative_finite, Optimizer, OptimizerState, ParamLayout};
use crate::{Error, Result};

/// Adadelta's hyperparameters; `Default` is PyTorch's (lr 1.0, ρ 0.9, ε 1e-6).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdadeltaConfig {
    /// Learning rate γ (a scale on the computed update).
    pub lr: f64,
    /// Decay ρ of both running averages.
    pub rho: f64,
    /// ε added inside both square roots.
    pub eps: f64,
    /// L2 penalty λ added to the gradient.
    pub weight_decay: f64,
}

impl Default for AdadeltaConfig {
    fn default() -> Self {
        Self {
            lr: 1.0,
            rho: 0.9,
            eps: 1e-6,
            weight_decay: 0.0,
        }
    }
}

impl AdadeltaConfig {
    /// Checks the hyperparameters as PyTorch's constructor does (and rejects non-finite ones).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a negative or non-finite `lr`, `eps` or `weight_decay`,
    /// or `rho` outside [0, 1].
    pub fn validate(&self) -> Result<()> {
        non_negative_finite(&[
            ("lr", self.lr),
            ("eps", self.eps),
            ("weight_decay", self.weight_decay),
        ])?;
        if !(0.0..=1.0).contains(&self.rho) {
            return Err(Error::InvalidParameter {
                name: "rho",
                value: self.rho,
                reason: "must be in [0, 1]",
            });
        }
        Ok(())
    }

    /// Validates the configuration and builds the optimizer.
    ///
    /// # Errors
    /// As [`AdadeltaConfig::validate`].
    pub fn build<T: Float>(self) -> Result<Adadelta<T>> {
        self.validate()?;
        Ok(Adadelta {
            config: self,
            layout: ParamLayout::default(),
            square_avg: Vec::new(),
            acc_delta: Vec::new(),
        })
    }
}

// ---- Hyperparameter table and update rule: the one description of Adadelta's knobs and rule,
// read by `OptimizerConfig` (keys, defaults, PyTorch names) and by nabla-explain's worked
// solutions (`OptimizerConfig::update_rule`). ----------------------------------------------------

use super::hyperparameter::{l2, number, Hyperparameter};

pub(crate) const TABLE: &[Hyperparameter<AdadeltaConfig>] = &[
    number!(lr, "coefficient γ that scales the step"),
    number!(rho, "decay ρ of the running averages"),
    number!(eps, "ε added inside both square roots"),
    l2!(),
];

/// The rule.
pub(crate) const RULE: &[&str] =
    &["s = ρ·s + (1 − ρ)·g²,   Δ = √(u + ε)/√(s + ε)·g,   u = ρ·u + (1 − ρ)·Δ²,   θ' = θ − η·Δ"];
// ---- end of the hyperparameter table and update rule ------------------------------------------

/// `torch.optim.Adadelta`. For every element:
///
/// ```text
/// g ← g + λθ                          (if λ ≠ 0)
/// v ← ρv + (1 − ρ)g²
/// Δ ← √(u + ε) / √(v + ε) · g
/// u ← ρu + (1 − ρ)Δ²
/// θ ← θ − γΔ
/// ```
#[derive(Clone, Debug)]
pub struct Adadelta<T> {
    config: AdadeltaConfig,
    layout: ParamLayout,
    square_avg: Vec<Vec<T>>,
    acc_delta: Vec<Vec<T>>,
}

impl<T: Float> Adadelta<T> {
    /// The hyperparameters in use.
    pub fn config(&self) -> &AdadeltaConfig {
        &self.config
    }
}

impl<T: Float> Optimizer<T> for Adadelta<T> {
    fn step(&mut self, params: &mut [&mut [T]], grads: &[&[T]]) -> Result<()> {
        let c = self.config;
        if self.layout.check(params, grads)? {
            self.square_avg = ParamLayout::buffers(params, T::zero());
            self.acc_delta = ParamLayout::buffers(params, T::zero());
        }
        let neg_lr = T::from_f64(-c.lr);
        let wd = T::from_f64(c.weight_decay);
        let rho = T::from_f64(c.rho);
        let one_minus_rho = T::from_f64(1.0 - c.rho);
        let eps = T::from_f64(c.eps);
        let k = Constants {
            decay: (c.weight_decay != 0.0).then_some(wd),
            rho,
            one_minus_rho,
            eps,
            neg_lr,
        };
        for (i, (param, grad)) in params.iter_mut().zip(grads).enumerate() {
            update(
                &k,
                param,
                grad,
                &mut self.square_avg[i],
                &mut self.acc_delta[i],
            );
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
            .with_buffers("square_avg", &self.square_avg)
            .with_buffers("acc_delta", &self.acc_delta)
    }

    fn load_state(&mut self, s: &OptimizerState<T>) -> Result<()> {
        let square_avg = s.buffers("square_avg", true)?;
        let acc_delta = s.buffers("acc_delta", true)?;
        self.config.lr = s.checked_lr()?;
        self.layout = ParamLayout::from_state(s);
        self.square_avg = square_avg;
        self.acc_delta = acc_delta;
        Ok(())
    }
}

/// The per-step constants of one Adadelta update.
struct Constants<T> {
    decay: Option<T>,
    rho: T,
    one_minus_rho: T,
    eps: T,
    neg_lr: T,
}

fma_dispatch! {
    /// Updates one parameter slice (FMA-compiled where the CPU has it: see `optim/fma.rs`).
    fn update<T: Float>(k: &Constants<T>, p: &mut [T], g: &[T], v: &mut [T], u: &mut [T]) => update_portable
}

/// PyTorch's single-tensor Adadelta, element by element.
#[inline(always)]
fn update_portable<T: Float>(k: &Constants<T>, p: &mut [T], g: &[T], v: &mut [T], u: &mut [T]) {
    for (((p, &g0), v), u) in p.iter_mut().zip(g).zip(v.iter_mut()).zip(u.iter_mut()) {
        let mut g = g0;
        if let Some(wd) = k.decay {
            g = wd.mul_add(*p, g);
        }
        *v = (k.one_minus_rho * g).mul_add(g, *v * k.rho);
        let std = (*v + k.eps).sqrt();
        let delta = (*u + k.eps).sqrt() / std * g;
        *u = (k.one_minus_rho * delta).mul_add(delta, *u * k.rho);
        *p = k.neg_lr.mul_add(delta, *p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rho_outside_unit_interval_is_rejected() {
        assert!(AdadeltaConfig {
            rho: 1.5,
            ..AdadeltaConfig::default()
        }
        .build::<f64>()
        .is_err());
        assert!(AdadeltaConfig {
            rho: 1.0,
            ..AdadeltaConfig::default()
        }
        .build::<f64>()
        .is_ok());
    }

    #[test]
    fn second_step_uses_the_accumulated_update() {
        let config = AdadeltaConfig {
            rho: 0.5,
            eps: 1e-2,
            ..AdadeltaConfig::default()
        };
        let mut adadelta = config.build::<f64>().unwrap();
        let mut p = [0.0];
        adadelta.step(&mut [&mut p[..]], &[&[1.0][..]]).unwrap();
        let d1 = (0.01f64).sqrt() / (0.5f64 + 0.01).sqrt();
        assert!((p[0] + d1).abs() < 1e-15);
        adadelta.step(&mut [&mut p[..]], &[&[1.0][..]]).unwrap();
        let u = 0.5 * d1 * d1;
        let d2 = (u + 0.01).sqrt() / (0.75f64 + 0.01).sqrt();
        assert!((p[0] + d1 + d2).abs() < 1e-15);
    }
}
