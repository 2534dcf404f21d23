//! RMSprop with optional momentum and centring: `torch.optim.RMSprop`.
//!
//! ```
//! use nabla_nn::optim::{Optimizer, RmsPropConfig};
//!
//! let mut rms = RmsPropConfig::default().build::<f64>()?;
//! let mut p = [1.0];
//! rms.step(&mut [&mut p[..]], &[&[4.0][..]])?;
//! // v = 0.01·16, so the step is lr·4/(0.4 + ε) ≈ 10·lr.
//! assert!((p[0] - (1.0 - 0.1)).abs() < 1e-8);
//! # Ok::<(), nabla_nn::Error>(())
//! ```

use nabla_tensor::Float;

use super::fma::fma_dispatch;
use super::{lerp, non_negative_finite, Optimizer, OptimizerState, ParamLayout};
use crate::Result;

/// RMSprop's hyperparameters; `Default` is PyTorch's (lr 1e-2, α 0.99, ε 1e-8).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RmsPropConfig {
    /// Learning rate γ.
    pub lr: f64,
    /// Smoothing constant α of the squared-gradient average.
    pub alpha: f64,
    /// ε added to the denominator (after the square root).
    pub eps: f64,
    /// L2 penalty λ added to the gradient.
    pub weight_decay: f64,
    /// Momentum factor μ.
    pub momentum: f64,
    /// Divide by the estimated variance (v − ḡ²) instead of the raw second moment.
    pub centered: bool,
}

impl Default for RmsPropConfig {
    fn default() -> Self {
        Self {
            lr: 1e-2,
            alpha: 0.99,
            eps: 1e-8,
            weight_decay: 0.0,
            momentum: 0.0,
            centered: false,
        }
    }
}

impl RmsPropConfig {
    /// Checks the hyperparameters as PyTorch's constructor does (and rejects non-finite ones).
    ///
    /// # Errors
    /// [`crate::Error::InvalidParameter`] for a negative or non-finite `lr`, `alpha`, `eps`,
    /// `weight_decay` or `momentum`.
    pub fn validate(&self) -> Result<()> {
        non_negative_finite(&[
            ("lr", self.lr),
            ("alpha", self.alpha),
            ("eps", self.eps),
            ("weight_decay", self.weight_decay),
            ("momentum", self.momentum),
        ])?;
        Ok(())
    }

    /// Validates the configuration and builds the optimizer.
    ///
    /// # Errors
    /// As [`RmsPropConfig::validate`].
    pub fn build<T: Float>(self) -> Result<RmsProp<T>> {
        self.validate()?;
        Ok(RmsProp {
            config: self,
            layout: ParamLayout::default(),
            square_avg: Vec::new(),
            grad_avg: Vec::new(),
            momentum_buffer: Vec::new(),
        })
    }
}

// ---- Hyperparameter table and update rule: the one description of RMSprop's knobs and rule,
// read by `OptimizerConfig` (keys, defaults, PyTorch names) and by nabla-explain's worked
// solutions (`OptimizerConfig::update_rule`). ----------------------------------------------------

use super::hyperparameter::{eps, flag, l2, lr, number, Hyperparameter};

pub(crate) const TABLE: &[Hyperparameter<RmsPropConfig>] = &[
    lr!(),
    number!(
        alpha,
        "smoothing constant α of the squared-gradient average"
    ),
    eps!(),
    l2!(),
    number!(momentum, "momentum factor μ of the step buffer"),
    flag!(
        centered,
        "divide by the estimated variance v − ḡ² instead of v"
    ),
];

/// The rule, and what its first step reduces to.
pub(crate) const RULE: &[&str] = &[
    "s = α·s + (1 − α)·g²,   θ' = θ − η·g/(√s + ε)",
    "(centered: √(s − ḡ²) with ḡ = α·ḡ + (1 − α)·g; momentum: a buffer of g/(√s + ε))",
    "first step: s = (1 − α)·g²",
];
// ---- end of the hyperparameter table and update rule ------------------------------------------

/// `torch.optim.RMSprop`. For every element:
///
/// ```text
/// g ← g + λθ                                   (if λ ≠ 0)
/// v ← αv + (1 − α)g²
/// centered:  ḡ ← lerp(ḡ, g, 1 − α);  d ← √(v − ḡ²) + ε
/// otherwise: d ← √v + ε
/// μ > 0:     b ← μb + g/d;  θ ← θ − γb
/// otherwise: θ ← θ − γg/d
/// ```
#[derive(Clone, Debug)]
pub struct RmsProp<T> {
    config: RmsPropConfig,
    layout: ParamLayout,
    square_avg: Vec<Vec<T>>,
    grad_avg: Vec<Vec<T>>,
    momentum_buffer: Vec<Vec<T>>,
}

impl<T: Float> RmsProp<T> {
    /// The hyperparameters in use.
    pub fn config(&self) -> &RmsPropConfig {
        &self.config
    }
}

impl<T: Float> Optimizer<T> for RmsProp<T> {
    fn step(&mut self, params: &mut [&mut [T]], grads: &[&[T]]) -> Result<()> {
        let c = self.config;
        if self.layout.check(params, grads)? {
            self.square_avg = ParamLayout::buffers(params, T::zero());
            if c.centered {
                self.grad_avg = ParamLayout::buffers(params, T::zero());
            }
            if c.momentum > 0.0 {
                self.momentum_buffer = ParamLayout::buffers(params, T::zero());
            }
        }
        let neg_lr = T::from_f64(-c.lr);
        let wd = T::from_f64(c.weight_decay);
        let alpha = T::from_f64(c.alpha);
        let one_minus_alpha = T::from_f64(1.0 - c.alpha);
        let eps = T::from_f64(c.eps);
        let momentum = T::from_f64(c.momentum);
        let k = Constants {
            decay: (c.weight_decay != 0.0).then_some(wd),
            alpha,
            one_minus_alpha,
            eps,
            centered: c.centered,
            momentum: (c.momentum > 0.0).then_some(momentum),
            neg_lr,
        };
        for (i, (param, grad)) in params.iter_mut().zip(grads).enumerate() {
            let grad_avg = if c.centered {
                &mut self.grad_avg[i][..]
            } else {
                &mut []
            };
            let buffer = if c.momentum > 0.0 {
                &mut self.momentum_buffer[i][..]
            } else {
                &mut []
            };
            let state = State {
                v: &mut self.square_avg[i],
                grad_avg,
                buffer,
            };
            update(&k, param, grad, state);
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
            .with_buffers("grad_avg", &self.grad_avg)
            .with_buffers("momentum_buffer", &self.momentum_buffer)
    }

    fn load_state(&mut self, s: &OptimizerState<T>) -> Result<()> {
        let c = self.config;
        let square_avg = s.buffers("square_avg", true)?;
        let grad_avg = s.buffers("grad_avg", c.centered)?;
        let momentum_buffer = s.buffers("momentum_buffer", c.momentum > 0.0)?;
        self.config.lr = s.checked_lr()?;
        self.layout = ParamLayout::from_state(s);
        self.square_avg = square_avg;
        self.grad_avg = grad_avg;
        self.momentum_buffer = momentum_buffer;
        Ok(())
    }
}

/// The per-step constants of one RMSprop update.
struct Constants<T> {
    decay: Option<T>,
    alpha: T,
    one_minus_alpha: T,
    eps: T,
    centered: bool,
    momentum: Option<T>,
    neg_lr: T,
}

/// One parameter's state: the squared-gradient average, the gradient average (empty unless
/// centred) and the momentum buffer (empty without momentum).
struct State<'a, T> {
    v: &'a mut [T],
    grad_avg: &'a mut [T],
    buffer: &'a mut [T],
}

fma_dispatch! {
    /// Updates one parameter slice (FMA-compiled where the CPU has it: see `optim/fma.rs`).
    fn update<T: Float>(k: &Constants<T>, p: &mut [T], g: &[T], state: State<'_, T>) => update_portable
}

/// PyTorch's single-tensor RMSprop, element by element.
#[inline(always)]
fn update_portable<T: Float>(k: &Constants<T>, p: &mut [T], g: &[T], state: State<'_, T>) {
    let State {
        v,
        grad_avg,
        buffer,
    } = state;
    for (j, ((p, &g0), v)) in p.iter_mut().zip(g).zip(v.iter_mut()).enumerate() {
        let mut g = g0;
        if let Some(wd) = k.decay {
            g = wd.mul_add(*p, g);
        }
        *v = (k.one_minus_alpha * g).mul_add(g, *v * k.alpha);
        let avg = if k.centered {
            let ga = &mut grad_avg[j];
            *ga = lerp(*ga, g, k.one_minus_alpha);
            (-*ga).mul_add(*ga, *v).sqrt()
        } else {
            v.sqrt()
        } + k.eps;
        if let Some(momentum) = k.momentum {
            let b = &mut buffer[j];
            *b = *b * momentum + g / avg;
            *p = k.neg_lr.mul_add(*b, *p);
        } else {
            *p += k.neg_lr * g / avg;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centered_divides_by_the_variance() {
        let config = RmsPropConfig {
            lr: 1.0,
            alpha: 0.5,
            eps: 0.0,
            centered: true,
            ..RmsPropConfig::default()
        };
        let mut rms = config.build::<f64>().unwrap();
        let mut p = [0.0];
        rms.step(&mut [&mut p[..]], &[&[2.0][..]]).unwrap();
        // v = 2, ḡ = 1, d = √(2 − 1) = 1, θ = −2.
        assert!((p[0] + 2.0).abs() < 1e-15);
    }

    #[test]
    fn momentum_accumulates_scaled_steps() {
        let config = RmsPropConfig {
            lr: 1.0,
            alpha: 0.0,
            eps: 0.0,
            momentum: 0.5,
            ..RmsPropConfig::default()
        };
        let mut rms = config.build::<f64>().unwrap();
        let mut p = [0.0];
        rms.step(&mut [&mut p[..]], &[&[3.0][..]]).unwrap();
        rms.step(&mut [&mut p[..]], &[&[3.0][..]]).unwrap();
        // g/d = 1 each step: b = 1, then 1.5.
        assert!((p[0] + 2.5).abs() < 1e-15);
    }

    #[test]
    fn negative_alpha_is_rejected() {
        assert!(RmsPropConfig {
            alpha: -0.1,
            ..RmsPropConfig::default()
        }
        .build::<f64>()
        .is_err());
    }
}
