//! RAdam: Adam with the variance of the adaptive learning rate rectified, falling back to
//! momentum SGD while too few steps have been seen (`torch.optim.RAdam`).
//!
//! ```
//! use nabla_nn::optim::{Optimizer, RAdamConfig};
//!
//! // The first steps are un-adapted momentum steps: θ ← θ − γ·m̂ (ρₜ ≤ 5).
//! let mut radam = RAdamConfig { lr: 0.1, ..RAdamConfig::default() }.build::<f64>()?;
//! let mut p = [1.0];
//! radam.step(&mut [&mut p[..]], &[&[3.0][..]])?;
//! assert!((p[0] - 0.7).abs() < 1e-12);
//! # Ok::<(), nabla_nn::Error>(())
//! ```

use nabla_tensor::Float;

use super::fma::fma_dispatch;
use super::{lerp, non_negative_finite, unit_interval, Optimizer, OptimizerState, ParamLayout};
use crate::Result;

/// RAdam's hyperparameters; `Default` is PyTorch's (lr 1e-3, β = (0.9, 0.999), ε 1e-8).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RAdamConfig {
    /// Learning rate γ.
    pub lr: f64,
    /// Decay β₁ of the first-moment estimate.
    pub beta1: f64,
    /// Decay β₂ of the second-moment estimate.
    pub beta2: f64,
    /// ε added to the denominator.
    pub eps: f64,
    /// L2 penalty λ added to the gradient.
    pub weight_decay: f64,
}

impl Default for RAdamConfig {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
        }
    }
}

impl RAdamConfig {
    /// Checks the hyperparameters as PyTorch's constructor does (and rejects non-finite ones).
    ///
    /// # Errors
    /// [`crate::Error::InvalidParameter`] for a negative or non-finite `lr`, `eps` or
    /// `weight_decay`, or a beta outside [0, 1).
    pub fn validate(&self) -> Result<()> {
        non_negative_finite(&[
            ("lr", self.lr),
            ("eps", self.eps),
            ("weight_decay", self.weight_decay),
        ])?;
        unit_interval("beta1", self.beta1)?;
        unit_interval("beta2", self.beta2)
    }

    /// Validates the configuration and builds the optimizer.
    ///
    /// # Errors
    /// As [`RAdamConfig::validate`].
    pub fn build<T: Float>(self) -> Result<RAdam<T>> {
        self.validate()?;
        Ok(RAdam {
            config: self,
            layout: ParamLayout::default(),
            step: 0,
            exp_avg: Vec::new(),
            exp_avg_sq: Vec::new(),
        })
    }
}

// ---- Hyperparameter table and update rule: the one description of RAdam's knobs and rule,
// read by `OptimizerConfig` (keys, defaults, PyTorch names) and by nabla-explain's worked
// solutions (`OptimizerConfig::update_rule`). ----------------------------------------------------

use super::hyperparameter::{beta1, beta2, eps, l2, lr, Hyperparameter};

pub(crate) const TABLE: &[Hyperparameter<RAdamConfig>] =
    &[lr!(), beta1!(), beta2!(), eps!(), l2!()];

/// The rule, and what its first steps reduce to.
pub(crate) const RULE: &[&str] = &[
    "Adam's moments with the variance rectification; while the rectified length ρ_t ≤ 5 \
     (the first steps) it steps with m̂ alone: θ' = θ − η·m̂",
];
// ---- end of the hyperparameter table and update rule ------------------------------------------

/// The rectification threshold: the adaptive step is used only while ρₜ > 5.
pub const RADAM_RHO_THRESHOLD: f64 = 5.0;

/// `torch.optim.RAdam`. At step t, for every element:
///
/// ```text
/// g ← g + λθ                                         (if λ ≠ 0)
/// m ← lerp(m, g, 1 − β₁);   v ← β₂v + (1 − β₂)g²
/// m̂ ← m / (1 − β₁ᵗ)
/// ρ∞ ← 2/(1 − β₂) − 1;   ρₜ ← ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ)
/// ρₜ > 5:   r ← √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ))
///           θ ← θ − γ·m̂ · √(1 − β₂ᵗ)/(√v + ε) · r
/// else:     θ ← θ − γ·m̂
/// ```
#[derive(Clone, Debug)]
pub struct RAdam<T> {
    config: RAdamConfig,
    layout: ParamLayout,
    step: u64,
    exp_avg: Vec<Vec<T>>,
    exp_avg_sq: Vec<Vec<T>>,
}

impl<T: Float> RAdam<T> {
    /// The hyperparameters in use.
    pub fn config(&self) -> &RAdamConfig {
        &self.config
    }
}

impl<T: Float> Optimizer<T> for RAdam<T> {
    fn step(&mut self, params: &mut [&mut [T]], grads: &[&[T]]) -> Result<()> {
        let c = self.config;
        if self.layout.check(params, grads)? {
            self.exp_avg = ParamLayout::buffers(params, T::zero());
            self.exp_avg_sq = ParamLayout::buffers(params, T::zero());
        }
        self.step += 1;
        let step = self.step as f64;
        let bias_correction1 = 1.0 - c.beta1.powf(step);
        let beta2_t = c.beta2.powf(step);
        let bias_correction2 = 1.0 - beta2_t;
        let rho_inf = 2.0 / (1.0 - c.beta2) - 1.0;
        let rho_t = rho_inf - 2.0 * step * beta2_t / bias_correction2;
        let rectified = rho_t > RADAM_RHO_THRESHOLD;
        let rect = T::from_f64(
            ((rho_t - 4.0) * (rho_t - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
                .powf(0.5),
        );
        let bias_correction2_sqrt = T::from_f64(bias_correction2.powf(0.5));
        let bias_correction1 = T::from_f64(bias_correction1);
        let lr = T::from_f64(c.lr);
        let wd = T::from_f64(c.weight_decay);
        let one_minus_beta1 = T::from_f64(1.0 - c.beta1);
        let beta2 = T::from_f64(c.beta2);
        let one_minus_beta2 = T::from_f64(1.0 - c.beta2);
        let eps = T::from_f64(c.eps);
        let k = Constants {
            decay: (c.weight_decay != 0.0).then_some(wd),
            one_minus_beta1,
            beta2,
            one_minus_beta2,
            bias_correction1,
            bias_correction2_sqrt,
            rect: rectified.then_some(rect),
            lr,
            eps,
        };
        for (i, (param, grad)) in params.iter_mut().zip(grads).enumerate() {
            update(
                &k,
                param,
                grad,
                &mut self.exp_avg[i],
                &mut self.exp_avg_sq[i],
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
            .with_scalar("step", self.step as f64)
            .with_buffers("exp_avg", &self.exp_avg)
            .with_buffers("exp_avg_sq", &self.exp_avg_sq)
    }

    fn load_state(&mut self, s: &OptimizerState<T>) -> Result<()> {
        let step = s.count("step")?;
        let exp_avg = s.buffers("exp_avg", true)?;
        let exp_avg_sq = s.buffers("exp_avg_sq", true)?;
        self.config.lr = s.checked_lr()?;
        self.layout = ParamLayout::from_state(s);
        self.step = step;
        self.exp_avg = exp_avg;
        self.exp_avg_sq = exp_avg_sq;
        Ok(())
    }
}

/// The per-step constants of one RAdam update (`rect` is `None` while ρₜ ≤ 5).
struct Constants<T> {
    decay: Option<T>,
    one_minus_beta1: T,
    beta2: T,
    one_minus_beta2: T,
    bias_correction1: T,
    bias_correction2_sqrt: T,
    rect: Option<T>,
    lr: T,
    eps: T,
}

fma_dispatch! {
    /// Updates one parameter slice (FMA-compiled where the CPU has it: see `optim/fma.rs`).
    fn update<T: Float>(k: &Constants<T>, p: &mut [T], g: &[T], m: &mut [T], v: &mut [T]) => update_portable
}

/// PyTorch's single-tensor RAdam, element by element.
#[inline(always)]
fn update_portable<T: Float>(k: &Constants<T>, p: &mut [T], g: &[T], m: &mut [T], v: &mut [T]) {
    for (((p, &g0), m), v) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
        let mut g = g0;
        if let Some(wd) = k.decay {
            g = wd.mul_add(*p, g);
        }
        *m = lerp(*m, g, k.one_minus_beta1);
        *v = (k.one_minus_beta2 * g).mul_add(g, *v * k.beta2);
        let corrected = *m / k.bias_correction1;
        let step = match k.rect {
            // PyTorch computes `bc2_sqrt / (√v + ε)` as `(√v + ε).reciprocal() * bc2_sqrt`.
            Some(rect) => {
                let adaptive = (T::one() / (v.sqrt() + k.eps)) * k.bias_correction2_sqrt;
                corrected * k.lr * adaptive * rect
            }
            None => corrected * k.lr,
        };
        *p -= step;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ρₜ first exceeds 5 at step 6 with β₂ = 0.999.
    #[test]
    fn rectification_starts_at_step_six() {
        let rho = |t: f64| {
            let b = 0.999f64;
            let rho_inf = 2.0 / (1.0 - b) - 1.0;
            rho_inf - 2.0 * t * b.powf(t) / (1.0 - b.powf(t))
        };
        assert!(rho(5.0) <= 5.0 && rho(6.0) > 5.0);
        let mut radam = RAdamConfig {
            lr: 1.0,
            beta1: 0.0,
            ..RAdamConfig::default()
        }
        .build::<f64>()
        .unwrap();
        let mut p = [0.0];
        for _ in 0..5 {
            radam.step(&mut [&mut p[..]], &[&[0.5][..]]).unwrap();
        }
        assert!((p[0] + 2.5).abs() < 1e-15); // five plain steps of γ·g
        radam.step(&mut [&mut p[..]], &[&[0.5][..]]).unwrap();
        let step6 = p[0] + 2.5;
        assert!(step6 < 0.0 && step6 > -0.5);
    }
}
