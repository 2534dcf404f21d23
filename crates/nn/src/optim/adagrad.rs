//! Adagrad: a per-coordinate learning rate that shrinks with the sum of squared gradients
//! (`torch.optim.Adagrad`).
//!
//! ```
//! use nabla_nn::optim::{AdagradConfig, Optimizer};
//!
//! let mut adagrad = AdagradConfig { lr: 0.5, ..AdagradConfig::default() }.build::<f64>()?;
//! let mut p = [1.0];
//! adagrad.step(&mut [&mut p[..]], &[&[2.0][..]])?;
//! // sum = 4, so the step is 0.5·2/√4 = 0.5.
//! assert!((p[0] - 0.5).abs() < 1e-9);
//! # Ok::<(), nabla_nn::Error>(())
//! ```

use nabla_tensor::Float;

use super::fma::fma_dispatch;
use super::{non_negative_finite, Optimizer, OptimizerState, ParamLayout};
use crate::Result;

/// Adagrad's hyperparameters; `Default` is PyTorch's (lr 1e-2, ε 1e-10, the rest 0).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdagradConfig {
    /// Learning rate γ.
    pub lr: f64,
    /// Learning-rate decay η: step t uses γ / (1 + (t − 1)η).
    pub lr_decay: f64,
    /// L2 penalty λ added to the gradient.
    pub weight_decay: f64,
    /// The value the sum of squared gradients starts from.
    pub initial_accumulator_value: f64,
    /// ε added to the denominator (after the square root).
    pub eps: f64,
}

impl Default for AdagradConfig {
    fn default() -> Self {
        Self {
            lr: 1e-2,
            lr_decay: 0.0,
            weight_decay: 0.0,
            initial_accumulator_value: 0.0,
            eps: 1e-10,
        }
    }
}

impl AdagradConfig {
    /// Checks the hyperparameters as PyTorch's constructor does (and rejects non-finite ones).
    ///
    /// # Errors
    /// [`crate::Error::InvalidParameter`] for any negative or non-finite hyperparameter.
    pub fn validate(&self) -> Result<()> {
        non_negative_finite(&[
            ("lr", self.lr),
            ("lr_decay", self.lr_decay),
            ("weight_decay", self.weight_decay),
            ("initial_accumulator_value", self.initial_accumulator_value),
            ("eps", self.eps),
        ])?;
        Ok(())
    }

    /// Validates the configuration and builds the optimizer.
    ///
    /// # Errors
    /// As [`AdagradConfig::validate`].
    pub fn build<T: Float>(self) -> Result<Adagrad<T>> {
        self.validate()?;
        Ok(Adagrad {
            config: self,
            layout: ParamLayout::default(),
            step: 0,
            sum: Vec::new(),
        })
    }
}

// ---- Hyperparameter table and update rule: the one description of Adagrad's knobs and rule,
// read by `OptimizerConfig` (keys, defaults, PyTorch names) and by nabla-explain's worked
// solutions (`OptimizerConfig::update_rule`). ----------------------------------------------------

use super::hyperparameter::{eps, l2, lr, number, Hyperparameter};

pub(crate) const TABLE: &[Hyperparameter<AdagradConfig>] = &[
    lr!(),
    number!(lr_decay, "learning-rate decay η: γₜ = γ/(1 + (t − 1)η)"),
    l2!(),
    number!(
        initial_accumulator_value,
        "starting value of the sum of squared gradients"
    ),
    eps!(),
];

/// The rule, and what its first step reduces to.
pub(crate) const RULE: &[&str] = &[
    "G = G + g²,   θ' = θ − η/(1 + (t − 1)·lr_decay)·g/(√G + ε)",
    "first step: G = initial_accumulator_value + g²",
];
// ---- end of the hyperparameter table and update rule ------------------------------------------

/// `torch.optim.Adagrad`. At step t, for every element:
///
/// ```text
/// g ← g + λθ                     (if λ ≠ 0)
/// γₜ ← γ / (1 + (t − 1)η)
/// s ← s + g²                     (s starts at initial_accumulator_value)
/// θ ← θ − γₜ·g / (√s + ε)
/// ```
#[derive(Clone, Debug)]
pub struct Adagrad<T> {
    config: AdagradConfig,
    layout: ParamLayout,
    step: u64,
    sum: Vec<Vec<T>>,
}

impl<T: Float> Adagrad<T> {
    /// The hyperparameters in use.
    pub fn config(&self) -> &AdagradConfig {
        &self.config
    }
}

impl<T: Float> Optimizer<T> for Adagrad<T> {
    fn step(&mut self, params: &mut [&mut [T]], grads: &[&[T]]) -> Result<()> {
        let c = self.config;
        if self.layout.check(params, grads)? {
            self.sum = ParamLayout::buffers(params, T::from_f64(c.initial_accumulator_value));
        }
        self.step += 1;
        let clr = c.lr / (1.0 + (self.step as f64 - 1.0) * c.lr_decay);
        let neg_clr = T::from_f64(-clr);
        let wd = T::from_f64(c.weight_decay);
        let eps = T::from_f64(c.eps);
        let k = Constants {
            decay: (c.weight_decay != 0.0).then_some(wd),
            neg_clr,
            eps,
        };
        for (i, (param, grad)) in params.iter_mut().zip(grads).enumerate() {
            update(&k, param, grad, &mut self.sum[i]);
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
            .with_buffers("sum", &self.sum)
    }

    fn load_state(&mut self, s: &OptimizerState<T>) -> Result<()> {
        let step = s.count("step")?;
        let sum = s.buffers("sum", true)?;
        self.config.lr = s.checked_lr()?;
        self.layout = ParamLayout::from_state(s);
        self.step = step;
        self.sum = sum;
        Ok(())
    }
}

/// The per-step constants of one Adagrad update.
struct Constants<T> {
    decay: Option<T>,
    neg_clr: T,
    eps: T,
}

fma_dispatch! {
    /// Updates one parameter slice (FMA-compiled where the CPU has it: see `optim/fma.rs`).
    fn update<T: Float>(k: &Constants<T>, p: &mut [T], g: &[T], sum: &mut [T]) => update_portable
}

/// PyTorch's single-tensor Adagrad, element by element.
#[inline(always)]
fn update_portable<T: Float>(k: &Constants<T>, p: &mut [T], g: &[T], sum: &mut [T]) {
    for ((p, &g0), s) in p.iter_mut().zip(g).zip(sum.iter_mut()) {
        let mut g = g0;
        if let Some(wd) = k.decay {
            g = wd.mul_add(*p, g);
        }
        *s = g.mul_add(g, *s);
        let std = s.sqrt() + k.eps;
        *p += k.neg_clr * g / std;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lr_decay_and_initial_accumulator() {
        let config = AdagradConfig {
            lr: 1.0,
            lr_decay: 1.0,
            initial_accumulator_value: 5.0,
            eps: 0.0,
            ..AdagradConfig::default()
        };
        let mut adagrad = config.build::<f64>().unwrap();
        let mut p = [0.0];
        adagrad.step(&mut [&mut p[..]], &[&[2.0][..]]).unwrap();
        assert!((p[0] + 2.0 / 3.0).abs() < 1e-15); // s = 9
        adagrad.step(&mut [&mut p[..]], &[&[4.0][..]]).unwrap();
        // γ₂ = 1/2, s = 25: step 0.5·4/5 = 0.4.
        assert!((p[0] + 2.0 / 3.0 + 0.4).abs() < 1e-15);
    }

    #[test]
    fn negative_accumulator_is_rejected() {
        let config = AdagradConfig {
            initial_accumulator_value: -1.0,
            ..AdagradConfig::default()
        };
        assert!(config.build::<f64>().is_err());
    }
}
