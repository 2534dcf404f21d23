//! NAdam: Adam with Nesterov momentum and Dozat's momentum schedule (`torch.optim.NAdam`).
//!
//! ```
//! use nabla_nn::optim::{NAdamConfig, Optimizer};
//!
//! let mut nadam = NAdamConfig::default().build::<f64>()?;
//! let mut p = [1.0];
//! for _ in 0..100 {
//!     let g = [2.0 * p[0]];
//!     nadam.step(&mut [&mut p[..]], &[&g[..]])?;
//! }
//! assert!(p[0] < 0.85);
//! # Ok::<(), nabla_nn::Error>(())
//! ```

use nabla_tensor::Float;

use super::fma::fma_dispatch;
use super::{lerp, non_negative_finite, unit_interval, Optimizer, OptimizerState, ParamLayout};
use crate::Result;

/// NAdam's hyperparameters; `Default` is PyTorch's (lr 2e-3, β = (0.9, 0.999), ε 1e-8,
/// momentum decay 4e-3).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NAdamConfig {
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
    /// ψ in the momentum schedule μₜ = β₁(1 − ½·0.96^(tψ)).
    pub momentum_decay: f64,
}

impl Default for NAdamConfig {
    fn default() -> Self {
        Self {
            lr: 2e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            momentum_decay: 4e-3,
        }
    }
}

impl NAdamConfig {
    /// Checks the hyperparameters as PyTorch's constructor does (and rejects non-finite ones).
    ///
    /// # Errors
    /// [`crate::Error::InvalidParameter`] for a negative or non-finite `lr`, `eps`,
    /// `weight_decay` or `momentum_decay`, or a beta outside [0, 1).
    pub fn validate(&self) -> Result<()> {
        non_negative_finite(&[
            ("lr", self.lr),
            ("eps", self.eps),
            ("weight_decay", self.weight_decay),
            ("momentum_decay", self.momentum_decay),
        ])?;
        unit_interval("beta1", self.beta1)?;
        unit_interval("beta2", self.beta2)
    }

    /// Validates the configuration and builds the optimizer.
    ///
    /// # Errors
    /// As [`NAdamConfig::validate`].
    pub fn build<T: Float>(self) -> Result<NAdam<T>> {
        self.validate()?;
        Ok(NAdam {
            config: self,
            layout: ParamLayout::default(),
            step: 0,
            mu_product: 1.0,
            exp_avg: Vec::new(),
            exp_avg_sq: Vec::new(),
        })
    }
}

// ---- Hyperparameter table and update rule: the one description of NAdam's knobs and rule,
// read by `OptimizerConfig` (keys, defaults, PyTorch names) and by nabla-explain's worked
// solutions (`OptimizerConfig::update_rule`). ----------------------------------------------------

use super::hyperparameter::{beta1, beta2, eps, l2, lr, number, Hyperparameter};

pub(crate) const TABLE: &[Hyperparameter<NAdamConfig>] =
    &[lr!(), beta1!(), beta2!(), eps!(), l2!(), MOMENTUM_DECAY];
const MOMENTUM_DECAY: Hyperparameter<NAdamConfig> = number!(
    momentum_decay,
    "momentum decay ψ of the schedule μₜ = β₁(1 − ½·0.96^(tψ))"
);

/// The rule.
pub(crate) const RULE: &[&str] = &[
    "Adam's moments with Nesterov momentum and the momentum schedule μ_t = β1·(1 − ½·0.96^(t·momentum_decay))",
];
// ---- end of the hyperparameter table and update rule ------------------------------------------

/// `torch.optim.NAdam`. At step t, for every element:
///
/// ```text
/// g ← g + λθ                                       (if λ ≠ 0)
/// μₜ ← β₁(1 − ½·0.96^(tψ)),  μₜ₊₁ ← β₁(1 − ½·0.96^((t+1)ψ)),  Πₜ ← Πₜ₋₁·μₜ
/// m ← lerp(m, g, 1 − β₁);   v ← β₂v + (1 − β₂)g²
/// d ← √(v / (1 − β₂ᵗ)) + ε
/// θ ← θ − γ(1 − μₜ)/(1 − Πₜ) · g/d − γμₜ₊₁/(1 − Πₜμₜ₊₁) · m/d
/// ```
///
/// The product Πₜ is kept in `f64` whatever `T` is (PyTorch keeps it in the default dtype).
#[derive(Clone, Debug)]
pub struct NAdam<T> {
    config: NAdamConfig,
    layout: ParamLayout,
    step: u64,
    mu_product: f64,
    exp_avg: Vec<Vec<T>>,
    exp_avg_sq: Vec<Vec<T>>,
}

impl<T: Float> NAdam<T> {
    /// The hyperparameters in use.
    pub fn config(&self) -> &NAdamConfig {
        &self.config
    }
}

impl<T: Float> Optimizer<T> for NAdam<T> {
    fn step(&mut self, params: &mut [&mut [T]], grads: &[&[T]]) -> Result<()> {
        let c = self.config;
        if self.layout.check(params, grads)? {
            self.exp_avg = ParamLayout::buffers(params, T::zero());
            self.exp_avg_sq = ParamLayout::buffers(params, T::zero());
        }
        self.step += 1;
        let step = self.step as f64;
        let bias_correction2 = T::from_f64(1.0 - c.beta2.powf(step));
        let mu = c.beta1 * (1.0 - 0.5 * 0.96f64.powf(step * c.momentum_decay));
        let mu_next = c.beta1 * (1.0 - 0.5 * 0.96f64.powf((step + 1.0) * c.momentum_decay));
        self.mu_product *= mu;
        let mu_product_next = self.mu_product * mu_next;
        let grad_coef = T::from_f64(-c.lr * (1.0 - mu) / (1.0 - self.mu_product));
        let avg_coef = T::from_f64((-c.lr * mu_next) / (1.0 - mu_product_next));
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
            bias_correction2,
            eps,
            grad_coef,
            avg_coef,
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
            .with_scalar("mu_product", self.mu_product)
            .with_buffers("exp_avg", &self.exp_avg)
            .with_buffers("exp_avg_sq", &self.exp_avg_sq)
    }

    fn load_state(&mut self, s: &OptimizerState<T>) -> Result<()> {
        let step = s.count("step")?;
        let mu_product = s.scalar("mu_product")?;
        let exp_avg = s.buffers("exp_avg", true)?;
        let exp_avg_sq = s.buffers("exp_avg_sq", true)?;
        self.config.lr = s.checked_lr()?;
        self.layout = ParamLayout::from_state(s);
        self.step = step;
        self.mu_product = mu_product;
        self.exp_avg = exp_avg;
        self.exp_avg_sq = exp_avg_sq;
        Ok(())
    }
}

/// The per-step constants of one NAdam update.
struct Constants<T> {
    decay: Option<T>,
    one_minus_beta1: T,
    beta2: T,
    one_minus_beta2: T,
    bias_correction2: T,
    eps: T,
    grad_coef: T,
    avg_coef: T,
}

fma_dispatch! {
    /// Updates one parameter slice (FMA-compiled where the CPU has it: see `optim/fma.rs`).
    fn update<T: Float>(k: &Constants<T>, p: &mut [T], g: &[T], m: &mut [T], v: &mut [T]) => update_portable
}

/// PyTorch's single-tensor NAdam, element by element.
#[inline(always)]
fn update_portable<T: Float>(k: &Constants<T>, p: &mut [T], g: &[T], m: &mut [T], v: &mut [T]) {
    for (((p, &g0), m), v) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
        let mut g = g0;
        if let Some(wd) = k.decay {
            g = wd.mul_add(*p, g);
        }
        *m = lerp(*m, g, k.one_minus_beta1);
        *v = (k.one_minus_beta2 * g).mul_add(g, *v * k.beta2);
        let denom = (*v / k.bias_correction2).sqrt() + k.eps;
        *p += k.grad_coef * g / denom;
        *p += k.avg_coef * *m / denom;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_step_by_hand() {
        let mut nadam = NAdamConfig::default().build::<f64>().unwrap();
        let mut p = [0.0];
        nadam.step(&mut [&mut p[..]], &[&[1.0][..]]).unwrap();
        let mu1 = 0.9 * (1.0 - 0.5 * 0.96f64.powf(0.004));
        let mu2 = 0.9 * (1.0 - 0.5 * 0.96f64.powf(0.008));
        // m = 0.1, v = 0.001, d = √(0.001/0.001) + ε = 1 + ε.
        let d = 1.0 + 1e-8;
        let expected =
            -2e-3 * (1.0 - mu1) / (1.0 - mu1) / d - 2e-3 * mu2 / (1.0 - mu1 * mu2) * 0.1 / d;
        assert!((p[0] - expected).abs() < 1e-15, "{} vs {expected}", p[0]);
    }

    #[test]
    fn negative_momentum_decay_is_rejected() {
        let config = NAdamConfig {
            momentum_decay: -1.0,
            ..NAdamConfig::default()
        };
        assert!(config.build::<f64>().is_err());
    }
}
