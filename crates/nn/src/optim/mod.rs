//! Optimizers with PyTorch's update rules, defaults and order of operations, plus gradient
//! clipping and learning-rate schedules.
//!
//! An optimizer updates a fixed, ordered list of flat parameter slices from flat gradient slices;
//! it knows nothing about the autodiff tape, so the trainer, `nabla optimize` and
//! `nabla backprop` all drive the same code. State (moment estimates, momentum buffers, step
//! counts) is kept per position in that list, exactly as PyTorch keeps it per parameter.
//!
//! Every rule follows `torch.optim` (2.x, single-tensor path) operation by operation, so that an
//! `f64` run reproduces a PyTorch `float64` trace to rounding; the golden test
//! `tests/optim_golden.rs` checks ≥ 200 steps of every optimizer on every test function against
//! traces recorded by `tools/oracles/torch/optimizers.py`.
//!
//! Rounding follows PyTorch's CPU kernels too: `add(other, alpha)`, `addcmul` and `lerp` compute
//! `a + b·c` as one fused multiply-add there, so nabla uses `mul_add` in the same places (and
//! plain operations everywhere else). Without that, one-ulp differences grow on chaotic paths
//! (RMSprop with momentum on Beale drifts by 4e-9 in 180 steps).
//!
//! ```
//! use nabla_nn::optim::{AdamConfig, Optimizer};
//!
//! // Minimise f(x) = x² from x = 1 with Adam (lr 0.1).
//! let mut adam = AdamConfig { lr: 0.1, ..AdamConfig::default() }.build::<f64>()?;
//! let mut x = vec![1.0];
//! for _ in 0..200 {
//!     let grad = vec![2.0 * x[0]];
//!     adam.step(&mut [&mut x[..]], &[&grad[..]])?;
//! }
//! assert!(x[0].abs() < 1e-2);
//! # Ok::<(), nabla_nn::Error>(())
//! ```

mod adadelta;
mod adagrad;
mod adam;
mod clip;
mod config;
mod fma;
mod hyperparameter;
mod nadam;
mod radam;
mod rmsprop;
mod schedule;
mod sgd;
mod state;

pub use adadelta::{Adadelta, AdadeltaConfig};
pub use adagrad::{Adagrad, AdagradConfig};
pub use adam::{Adam, AdamConfig, AdamWConfig};
pub use clip::clip_grad_norm;
pub use config::{OptimizerConfig, OPTIMIZER_NAMES};
pub use hyperparameter::{HyperValue, HyperparameterInfo};
pub use nadam::{NAdam, NAdamConfig};
pub use radam::{RAdam, RAdamConfig};
pub use rmsprop::{RmsProp, RmsPropConfig};
pub use schedule::{LrSchedule, LrScheduler};
pub use sgd::{Sgd, SgdConfig};
pub use state::OptimizerState;

use nabla_tensor::Float;

use crate::{Error, Result};

/// One optimizer step over a fixed, ordered list of parameters (state is kept per position).
pub trait Optimizer<T: Float> {
    /// Updates every `params[i]` in place from `grads[i]`.
    ///
    /// # Errors
    /// [`Error::ParameterCount`] when `params` and `grads` differ in number (or differ from the
    /// number given on earlier steps); [`Error::ParameterLength`] when a gradient's length differs
    /// from its parameter's, or a parameter's length from earlier steps. Nothing is updated then.
    fn step(&mut self, params: &mut [&mut [T]], grads: &[&[T]]) -> Result<()>;

    /// The learning rate the next step will use.
    fn learning_rate(&self) -> f64;

    /// Sets the learning rate for the following steps (what a schedule does between steps).
    fn set_learning_rate(&mut self, lr: f64);

    /// The state the next step reads, for checkpoints ([`OptimizerState`]).
    fn state(&self) -> OptimizerState<T>;

    /// Continues from `state`, as [`Optimizer::state`] gave it for an optimizer of the same kind
    /// and settings (the learning rate is taken from `state`).
    ///
    /// # Errors
    /// [`Error::OptimizerState`] when `state` does not fit this optimizer; nothing changes then.
    fn load_state(&mut self, state: &OptimizerState<T>) -> Result<()>;
}

/// The lengths of the parameter slices an optimizer has seen, checked on every step.
#[derive(Clone, Debug, Default)]
pub(crate) struct ParamLayout {
    lengths: Option<Vec<usize>>,
}

impl ParamLayout {
    /// Checks that `params` and `grads` line up with each other and with earlier steps.
    /// Returns `true` on the first step (when state must be created).
    pub(crate) fn check<T>(&mut self, params: &[&mut [T]], grads: &[&[T]]) -> Result<bool> {
        if params.len() != grads.len() {
            return Err(Error::ParameterCount {
                expected: params.len(),
                actual: grads.len(),
            });
        }
        for (index, (p, g)) in params.iter().zip(grads).enumerate() {
            if p.len() != g.len() {
                return Err(Error::ParameterLength {
                    index,
                    expected: p.len(),
                    actual: g.len(),
                });
            }
        }
        match &self.lengths {
            None => {
                self.lengths = Some(params.iter().map(|p| p.len()).collect());
                Ok(true)
            }
            Some(lengths) => {
                if lengths.len() != params.len() {
                    return Err(Error::ParameterCount {
                        expected: lengths.len(),
                        actual: params.len(),
                    });
                }
                for (index, (&n, p)) in lengths.iter().zip(params.iter()).enumerate() {
                    if n != p.len() {
                        return Err(Error::ParameterLength {
                            index,
                            expected: n,
                            actual: p.len(),
                        });
                    }
                }
                Ok(false)
            }
        }
    }

    /// The lengths fixed on the first step (`None` before it).
    pub(crate) fn lengths(&self) -> Option<Vec<usize>> {
        self.lengths.clone()
    }

    /// The layout a saved state holds.
    pub(crate) fn from_state<T>(state: &OptimizerState<T>) -> Self {
        Self {
            lengths: state.lengths.clone(),
        }
    }

    /// One zero-filled (or `value`-filled) buffer per parameter.
    pub(crate) fn buffers<T: Float>(params: &[&mut [T]], value: T) -> Vec<Vec<T>> {
        params.iter().map(|p| vec![value; p.len()]).collect()
    }
}

/// PyTorch's `lerp(start, end, weight)` with its two-branch formula for accuracy, each branch
/// one fused multiply-add as in PyTorch's CPU kernel.
///
/// ```text
/// |w| < 0.5:  start + w·(end − start)
/// otherwise:  end − (end − start)·(1 − w)
/// ```
#[inline]
pub(crate) fn lerp<T: Float>(start: T, end: T, weight: T) -> T {
    if weight.abs() < T::from_f64(0.5) {
        weight.mul_add(end - start, start)
    } else {
        (start - end).mul_add(T::one() - weight, end)
    }
}

/// Checks `value ≥ 0` (PyTorch's `if not 0.0 <= value`), which also rejects NaN.
pub(crate) fn non_negative(name: &'static str, value: f64) -> Result<()> {
    if value >= 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name,
            value,
            reason: "must be at least 0",
        })
    }
}

/// Checks `0 ≤ value < 1` (PyTorch's check on Adam's betas).
pub(crate) fn unit_interval(name: &'static str, value: f64) -> Result<()> {
    if (0.0..1.0).contains(&value) {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name,
            value,
            reason: "must be in [0, 1)",
        })
    }
}

/// Checks that every `(name, value)` is finite and at least 0, naming the first that is not.
pub(crate) fn non_negative_finite(values: &[(&'static str, f64)]) -> Result<()> {
    for &(name, value) in values {
        non_negative(name, value)?;
        finite(name, value)?;
    }
    Ok(())
}

/// Checks that a hyperparameter is finite (PyTorch does not, but an infinite learning rate or
/// decay can only produce NaN).
pub(crate) fn finite(name: &'static str, value: f64) -> Result<()> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name,
            value,
            reason: "must be finite",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lerp_matches_both_branches() {
        assert_eq!(lerp(1.0f64, 3.0, 0.25), 1.5);
        assert_eq!(lerp(1.0f64, 3.0, 0.75), 2.5);
        assert_eq!(lerp(1.0f64, 3.0, 1.0), 3.0);
        assert_eq!(lerp(1.0f64, 3.0, 0.0), 1.0);
    }

    #[test]
    fn layout_rejects_mismatches() {
        let mut layout = ParamLayout::default();
        let mut a = [1.0f64, 2.0];
        let g = [0.1f64, 0.2];
        assert!(layout.check(&[&mut a[..]], &[&g[..]]).unwrap());
        assert!(!layout.check(&[&mut a[..]], &[&g[..]]).unwrap());
        let short = [0.1f64];
        assert!(matches!(
            layout.check(&[&mut a[..]], &[&short[..]]),
            Err(Error::ParameterLength {
                index: 0,
                expected: 2,
                actual: 1
            })
        ));
        assert!(matches!(
            layout.check::<f64>(&[], &[&g[..]]),
            Err(Error::ParameterCount {
                expected: 0,
                actual: 1
            })
        ));
        let mut b = [1.0f64];
        let gb = [0.5f64];
        assert!(matches!(
            layout.check(&[&mut b[..]], &[&gb[..]]),
            Err(Error::ParameterLength {
                index: 0,
                expected: 2,
                actual: 1
            })
        ));
        assert!(matches!(
            layout.check(&[&mut a[..], &mut b[..]], &[&g[..], &gb[..]]),
            Err(Error::ParameterCount {
                expected: 1,
                actual: 2
            })
        ));
    }

    #[test]
    fn range_checks_reject_nan() {
        assert!(non_negative("lr", f64::NAN).is_err());
        assert!(unit_interval("beta1", 1.0).is_err());
        assert!(unit_interval("beta1", 0.0).is_ok());
        assert!(finite("lr", f64::INFINITY).is_err());
    }
}
