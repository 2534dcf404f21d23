//! An optimizer's state between steps — what its next `step` reads besides the gradients and
//! the hyperparameters — exported and imported for checkpoints, so that a run stopped after any
//! step and resumed continues exactly as if it had not stopped.
//!
//! The state is the learning rate (a schedule may have moved it), the parameter layout fixed on
//! the first step (`None` until then: SGD's "first step" and every buffer's creation read it),
//! named scalars (step counts, NAdam's μ product) and named per-parameter buffers (moments,
//! momentum buffers), each kept exactly in the optimizer's element type.
//!
//! ```
//! use nabla_nn::optim::{AdamConfig, Optimizer};
//! let mut a = AdamConfig { lr: 0.1, ..AdamConfig::default() }.build::<f64>()?;
//! let mut x = vec![1.0, -2.0];
//! a.step(&mut [&mut x[..]], &[&[0.5, 0.25][..]])?;
//! let mut b = AdamConfig { lr: 0.1, ..AdamConfig::default() }.build::<f64>()?;
//! b.load_state(&a.state())?;
//! let mut y = x.clone();
//! a.step(&mut [&mut x[..]], &[&[0.1, 0.3][..]])?;
//! b.step(&mut [&mut y[..]], &[&[0.1, 0.3][..]])?;
//! assert_eq!(x, y);
//! # Ok::<(), nabla_nn::Error>(())
//! ```

use super::ParamLayout;
use crate::{Error, Result};

/// An optimizer's state between steps; see the [module docs](self).
#[derive(Clone, Debug, PartialEq)]
pub struct OptimizerState<T> {
    /// The learning rate the next step uses.
    pub lr: f64,
    /// The length of every parameter slice, fixed on the first step (`None` before it).
    pub lengths: Option<Vec<usize>>,
    /// Scalars by name (step counts are whole numbers below 2⁵³, exact in an f64).
    pub scalars: Vec<(String, f64)>,
    /// Per-parameter buffers by name: one `Vec` per parameter, in the parameters' order (empty
    /// when the buffer is not in use, as momentum's without momentum).
    pub buffers: Vec<(String, Vec<Vec<T>>)>,
}

impl<T> OptimizerState<T> {
    /// The same state with every buffer element mapped by `f` (to store or load it in another
    /// element type).
    pub fn map<U>(&self, f: impl Fn(&T) -> U) -> OptimizerState<U> {
        OptimizerState {
            lr: self.lr,
            lengths: self.lengths.clone(),
            scalars: self.scalars.clone(),
            buffers: self
                .buffers
                .iter()
                .map(|(n, b)| {
                    (
                        n.clone(),
                        b.iter().map(|v| v.iter().map(&f).collect()).collect(),
                    )
                })
                .collect(),
        }
    }
}

impl<T: Clone> OptimizerState<T> {
    /// The scalar `name`.
    ///
    /// # Errors
    /// [`Error::OptimizerState`] when the state has no such scalar.
    pub fn scalar(&self, name: &str) -> Result<f64> {
        self.scalars
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| *v)
            .ok_or_else(|| missing(name))
    }

    /// The step count `name` (a whole number, at least 0).
    ///
    /// # Errors
    /// [`Error::OptimizerState`] when it is missing or not a whole number.
    pub fn count(&self, name: &str) -> Result<u64> {
        let v = self.scalar(name)?;
        if v >= 0.0 && v.fract() == 0.0 && v < 2f64.powi(53) {
            Ok(v as u64)
        } else {
            Err(Error::OptimizerState {
                reason: format!("'{name}' = {v} is not a step count"),
            })
        }
    }

    /// The buffers `name`, checked against the layout: before the first step none; after it,
    /// one per parameter of its length when `in_use` (as the optimizer's settings decide), none
    /// otherwise.
    ///
    /// # Errors
    /// [`Error::OptimizerState`] when the buffers are missing or do not fit.
    pub fn buffers(&self, name: &str, in_use: bool) -> Result<Vec<Vec<T>>> {
        let buffers = self
            .buffers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.clone())
            .ok_or_else(|| missing(name))?;
        let fits = match (&self.lengths, in_use) {
            (Some(lengths), true) => {
                lengths.len() == buffers.len()
                    && lengths.iter().zip(&buffers).all(|(&n, b)| b.len() == n)
            }
            _ => buffers.is_empty(),
        };
        if fits {
            Ok(buffers)
        } else {
            Err(Error::OptimizerState {
                reason: format!("the '{name}' buffers do not fit the parameters and settings"),
            })
        }
    }

    /// A state with the learning rate `lr` and the layout's lengths, to add to.
    pub(crate) fn new(lr: f64, layout: &ParamLayout) -> Self {
        Self {
            lr,
            lengths: layout.lengths(),
            scalars: Vec::new(),
            buffers: Vec::new(),
        }
    }

    /// Adds the scalar `name`.
    pub(crate) fn with_scalar(mut self, name: &str, value: f64) -> Self {
        self.scalars.push((name.to_string(), value));
        self
    }

    /// Adds the buffers `name`.
    pub(crate) fn with_buffers(mut self, name: &str, buffers: &[Vec<T>]) -> Self {
        self.buffers.push((name.to_string(), buffers.to_vec()));
        self
    }

    /// Checks the learning rate (finite, at least 0).
    ///
    /// # Errors
    /// [`Error::OptimizerState`] otherwise.
    pub fn checked_lr(&self) -> Result<f64> {
        if self.lr.is_finite() && self.lr >= 0.0 {
            Ok(self.lr)
        } else {
            Err(Error::OptimizerState {
                reason: format!("learning rate {} is not finite and at least 0", self.lr),
            })
        }
    }
}

fn missing(name: &str) -> Error {
    Error::OptimizerState {
        reason: format!("no '{name}'"),
    }
}
