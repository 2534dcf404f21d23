//! Adam with bias correction and the AMSGrad option (`torch.optim.Adam`), and AdamW, its
//! decoupled-weight-decay variant (`torch.optim.AdamW`).
//!
//! ```
//! use nabla_nn::optim::{AdamConfig, Optimizer};
//!
//! // Adam's first step moves every coordinate by about lr, whatever the gradient's scale.
//! let mut adam = AdamConfig { lr: 0.1, ..AdamConfig::default() }.build::<f64>()?;
//! let mut p = [1.0, 1.0];
//! adam.step(&mut [&mut p[..]], &[&[1e-3, 1e3][..]])?;
//! assert!((p[0] - 0.9).abs() < 1e-4 && (p[1] - 0.9).abs() < 1e-9);
//! # Ok::<(), nabla_nn::Error>(())
//! ```

use nabla_tensor::{parallel, Float};

use super::fma::fma_dispatch;
use super::{lerp, non_negative_finite, unit_interval, Optimizer, OptimizerState, ParamLayout};
use crate::Result;

/// Adam's hyperparameters; `Default` is PyTorch's (lr 1e-3, β = (0.9, 0.999), ε = 1e-8).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamConfig {
    /// Learning rate γ.
    pub lr: f64,
    /// Decay β₁ of the first-moment estimate.
    pub beta1: f64,
    /// Decay β₂ of the second-moment estimate.
    pub beta2: f64,
    /// ε added to the denominator.
    pub eps: f64,
    /// L2 penalty λ added to the gradient (Adam) or decoupled decay (AdamW).
    pub weight_decay: f64,
    /// Use the running maximum of the second moment (AMSGrad).
    pub amsgrad: bool,
}

impl Default for AdamConfig {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            amsgrad: false,
        }
    }
}

/// AdamW's hyperparameters; `Default` is PyTorch's (as Adam, but `weight_decay` 0.01).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamWConfig {
    /// Learning rate γ.
    pub lr: f64,
    /// Decay β₁ of the first-moment estimate.
    pub beta1: f64,
    /// Decay β₂ of the second-moment estimate.
    pub beta2: f64,
    /// ε added to the denominator.
    pub eps: f64,
    /// Decoupled weight decay λ: θ ← θ·(1 − γλ) before the Adam step.
    pub weight_decay: f64,
    /// Use the running maximum of the second moment (AMSGrad).
    pub amsgrad: bool,
}

impl Default for AdamWConfig {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 1e-2,
            amsgrad: false,
        }
    }
}

impl AdamConfig {
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

    /// Validates the configuration and builds Adam (L2 weight decay added to the gradient).
    ///
    /// # Errors
    /// As [`AdamConfig::validate`].
    pub fn build<T: Float>(self) -> Result<Adam<T>> {
        self.validate()?;
        Ok(Adam::new(self, false))
    }
}

impl AdamWConfig {
    /// The same hyperparameters as an [`AdamConfig`].
    pub fn as_adam(&self) -> AdamConfig {
        AdamConfig {
            lr: self.lr,
            beta1: self.beta1,
            beta2: self.beta2,
            eps: self.eps,
            weight_decay: self.weight_decay,
            amsgrad: self.amsgrad,
        }
    }

    /// AdamW with the hyperparameters of an [`AdamConfig`].
    pub fn from_adam(c: AdamConfig) -> Self {
        Self {
            lr: c.lr,
            beta1: c.beta1,
            beta2: c.beta2,
            eps: c.eps,
            weight_decay: c.weight_decay,
            amsgrad: c.amsgrad,
        }
    }

    /// Checks the hyperparameters as PyTorch's constructor does.
    ///
    /// # Errors
    /// As [`AdamConfig::validate`].
    pub fn validate(&self) -> Result<()> {
        self.as_adam().validate()
    }

    /// Validates the configuration and builds Adam with decoupled weight decay.
    ///
    /// # Errors
    /// As [`AdamConfig::validate`].
    pub fn build<T: Float>(self) -> Result<Adam<T>> {
        let config = self.as_adam();
        config.validate()?;
        Ok(Adam::new(config, true))
    }
}

// ---- Hyperparameter table and update rule: the one description of Adam and AdamW's knobs and rule,
// read by `OptimizerConfig` (keys, defaults, PyTorch names) and by nabla-explain's worked
// solutions (`OptimizerConfig::update_rule`). ----------------------------------------------------

use super::hyperparameter::{beta1, beta2, eps, flag, l2, lr, number, Hyperparameter};

/// Adam (`adam`).
pub(crate) const ADAM_TABLE: &[Hyperparameter<AdamConfig>] =
    &[lr!(), beta1!(), beta2!(), eps!(), l2!(), AMSGRAD];
/// AdamW (`adamw`), over its hyperparameters as an [`AdamConfig`].
pub(crate) const ADAMW_TABLE: &[Hyperparameter<AdamConfig>] =
    &[lr!(), beta1!(), beta2!(), eps!(), DECOUPLED, AMSGRAD];
const DECOUPLED: Hyperparameter<AdamConfig> = number!(
    weight_decay,
    "decoupled weight decay λ: θ ← θ·(1 − γλ) before the step"
);
const AMSGRAD: Hyperparameter<AdamConfig> = flag!(
    amsgrad,
    "use the running maximum of the second moment (AMSGrad)"
);

/// The rule of both, and what its first step reduces to.
pub(crate) const RULE: &[&str] = &[
    "m = β1·m + (1 − β1)·g,   v = β2·v + (1 − β2)·g²   (t = 1, 2, ...)",
    "θ' = θ − η·m̂/(√v̂ + ε),   m̂ = m/(1 − β1ᵗ),   v̂ = v/(1 − β2ᵗ)   (bias correction)",
    "(adamw first shrinks θ by η·λ·θ instead of adding λθ to g; amsgrad uses the largest v so far)",
    "first step: m̂ = g and v̂ = g², so each parameter moves by about η against the sign of g",
];
// ---- end of the hyperparameter table and update rule ------------------------------------------

/// `torch.optim.Adam` / `torch.optim.AdamW`. At step t, for every element:
///
/// ```text
/// θ ← θ·(1 − γλ)                           (AdamW)      g ← g + λθ   (Adam, if λ ≠ 0)
/// m ← lerp(m, g, 1 − β₁)                    = β₁m + (1 − β₁)g
/// v ← β₂v + (1 − β₂)g²
/// v̂ ← max(v̂, v)                            (AMSGrad; v̂ replaces v below)
/// θ ← θ − (γ / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
#[derive(Clone, Debug)]
pub struct Adam<T> {
    config: AdamConfig,
    decoupled: bool,
    layout: ParamLayout,
    step: u64,
    exp_avg: Vec<Vec<T>>,
    exp_avg_sq: Vec<Vec<T>>,
    max_exp_avg_sq: Vec<Vec<T>>,
}

impl<T: Float> Adam<T> {
    fn new(config: AdamConfig, decoupled: bool) -> Self {
        Self {
            config,
            decoupled,
            layout: ParamLayout::default(),
            step: 0,
            exp_avg: Vec::new(),
            exp_avg_sq: Vec::new(),
            max_exp_avg_sq: Vec::new(),
        }
    }

    /// The hyperparameters in use.
    pub fn config(&self) -> &AdamConfig {
        &self.config
    }

    /// True for AdamW (decoupled weight decay).
    pub fn is_decoupled(&self) -> bool {
        self.decoupled
    }

    /// The number of steps taken.
    pub fn steps(&self) -> u64 {
        self.step
    }
}

impl<T: Float> Optimizer<T> for Adam<T> {
    fn step(&mut self, params: &mut [&mut [T]], grads: &[&[T]]) -> Result<()> {
        if self.layout.check(params, grads)? {
            self.exp_avg = ParamLayout::buffers(params, T::zero());
            self.exp_avg_sq = ParamLayout::buffers(params, T::zero());
            if self.config.amsgrad {
                self.max_exp_avg_sq = ParamLayout::buffers(params, T::zero());
            }
        }
        self.step += 1;
        let c = self.config;
        let step = self.step as f64;
        let bias_correction1 = 1.0 - c.beta1.powf(step);
        let bias_correction2 = 1.0 - c.beta2.powf(step);
        let step_size = c.lr / bias_correction1;
        let bias_correction2_sqrt = T::from_f64(bias_correction2.powf(0.5));
        let neg_step_size = T::from_f64(-step_size);
        let decay = T::from_f64(1.0 - c.lr * c.weight_decay);
        let wd = T::from_f64(c.weight_decay);
        let one_minus_beta1 = T::from_f64(1.0 - c.beta1);
        let beta2 = T::from_f64(c.beta2);
        let one_minus_beta2 = T::from_f64(1.0 - c.beta2);
        let k = Constants {
            decoupled_decay: (c.weight_decay != 0.0 && self.decoupled).then_some(decay),
            coupled_decay: (c.weight_decay != 0.0 && !self.decoupled).then_some(wd),
            one_minus_beta1,
            beta2,
            one_minus_beta2,
            bias_correction2_sqrt,
            neg_step_size,
            eps: T::from_f64(c.eps),
        };
        for (i, (param, grad)) in params.iter_mut().zip(grads).enumerate() {
            let max = if c.amsgrad {
                Some(&mut self.max_exp_avg_sq[i][..])
            } else {
                None
            };
            let parts = (
                &mut **param,
                *grad,
                &mut self.exp_avg[i][..],
                &mut self.exp_avg_sq[i][..],
                max,
            );
            // Elementwise: each thread updates its own stretch, with the same arithmetic.
            parallel::for_each_split(parts, PARALLEL_ELEMENTS, &|(p, g, m, v, max)| {
                update(&k, p, g, m, v, max)
            });
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
            .with_buffers("max_exp_avg_sq", &self.max_exp_avg_sq)
    }

    fn load_state(&mut self, s: &OptimizerState<T>) -> Result<()> {
        let step = s.count("step")?;
        let exp_avg = s.buffers("exp_avg", true)?;
        let exp_avg_sq = s.buffers("exp_avg_sq", true)?;
        let max_exp_avg_sq = s.buffers("max_exp_avg_sq", self.config.amsgrad)?;
        self.config.lr = s.checked_lr()?;
        self.layout = ParamLayout::from_state(s);
        self.step = step;
        self.exp_avg = exp_avg;
        self.exp_avg_sq = exp_avg_sq;
        self.max_exp_avg_sq = max_exp_avg_sq;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_step_is_lr_times_sign() {
        // m̂ = g, v̂ = g², so the step is lr·g/(|g| + ε).
        let mut adam = AdamConfig::default().build::<f64>().unwrap();
        let mut p = [0.0, 0.0];
        adam.step(&mut [&mut p[..]], &[&[3.0, -0.5][..]]).unwrap();
        let expected = |g: f64| -1e-3 * g / (g.abs() + 1e-8);
        assert!((p[0] - expected(3.0)).abs() < 1e-15);
        assert!((p[1] - expected(-0.5)).abs() < 1e-15);
    }

    #[test]
    fn adamw_decays_before_the_step() {
        let config = AdamWConfig {
            lr: 0.1,
            weight_decay: 0.5,
            ..AdamWConfig::default()
        };
        let mut adamw = config.build::<f64>().unwrap();
        assert!(adamw.is_decoupled());
        let mut p = [2.0];
        // Zero gradient: m = v = 0, so only the decay acts: 2·(1 − 0.05).
        adamw.step(&mut [&mut p[..]], &[&[0.0][..]]).unwrap();
        assert!((p[0] - 1.9).abs() < 1e-15);
    }

    #[test]
    fn amsgrad_keeps_the_largest_second_moment() {
        let config = AdamConfig {
            lr: 1.0,
            amsgrad: true,
            beta1: 0.0,
            beta2: 0.5,
            eps: 0.0,
            ..AdamConfig::default()
        };
        let mut adam = config.build::<f64>().unwrap();
        let mut p = [0.0];
        adam.step(&mut [&mut p[..]], &[&[2.0][..]]).unwrap();
        let before = p[0];
        adam.step(&mut [&mut p[..]], &[&[0.1][..]]).unwrap();
        // v after step 1 is 0.5·4 = 2; step 2: v = 0.5·2 + 0.5·0.01 = 1.005 < 2 = v̂.
        let expected = before - 0.1 / (2.0f64.sqrt() / (1.0 - 0.25f64).sqrt());
        assert!((p[0] - expected).abs() < 1e-14, "{} vs {}", p[0], expected);
    }

    #[test]
    fn betas_must_be_below_one() {
        assert!(AdamConfig {
            beta1: 1.0,
            ..AdamConfig::default()
        }
        .build::<f64>()
        .is_err());
        assert!(AdamConfig {
            beta2: -0.1,
            ..AdamConfig::default()
        }
        .build::<f64>()
        .is_err());
        assert!(AdamWConfig {
            eps: -1.0,
            ..AdamWConfig::default()
        }
        .build::<f64>()
        .is_err());
    }
}

/// Parameters at least twice this long are updated on several threads.
const PARALLEL_ELEMENTS: usize = 1 << 15;

/// The per-step constants of one Adam update.
struct Constants<T> {
    decoupled_decay: Option<T>,
    coupled_decay: Option<T>,
    one_minus_beta1: T,
    beta2: T,
    one_minus_beta2: T,
    bias_correction2_sqrt: T,
    neg_step_size: T,
    eps: T,
}

fma_dispatch! {
    /// Updates one parameter slice (FMA-compiled where the CPU has it: see `optim/fma.rs`).
    fn update<T: Float>(k: &Constants<T>, p: &mut [T], g: &[T], m: &mut [T], v: &mut [T], max: Option<&mut [T]>,) => update_portable
}

/// PyTorch's single-tensor Adam, element by element.
#[inline(always)]
fn update_portable<T: Float>(
    k: &Constants<T>,
    p: &mut [T],
    g: &[T],
    m: &mut [T],
    v: &mut [T],
    max: Option<&mut [T]>,
) {
    let mut max = max;
    for (j, (((p, &g0), m), v)) in p
        .iter_mut()
        .zip(g)
        .zip(m.iter_mut())
        .zip(v.iter_mut())
        .enumerate()
    {
        let mut g = g0;
        if let Some(decay) = k.decoupled_decay {
            *p *= decay;
        }
        if let Some(wd) = k.coupled_decay {
            g = wd.mul_add(*p, g);
        }
        *m = lerp(*m, g, k.one_minus_beta1);
        *v = (k.one_minus_beta2 * g).mul_add(g, *v * k.beta2);
        let second = match max.as_deref_mut() {
            Some(vmax) => {
                // torch.maximum propagates NaN.
                if v.is_nan() || *v > vmax[j] {
                    vmax[j] = *v;
                }
                vmax[j]
            }
            None => *v,
        };
        let denom = second.sqrt() / k.bias_correction2_sqrt + k.eps;
        *p += k.neg_step_size * *m / denom;
    }
}
