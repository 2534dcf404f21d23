//! The table that describes an optimizer's hyperparameters: one row per key, with PyTorch's name
//! for it, a one-line description and how to read and write it in the optimizer's `*Config`.
//!
//! Each optimizer keeps its table beside its configuration (`sgd.rs`, `adam.rs`, …);
//! [`OptimizerConfig`](super::OptimizerConfig) only forwards to it, so `nabla optimize`, `nabla
//! train`, a `nabla backprop` spec and a front-end listing the controls all read the same rows.
//!
//! ```
//! use nabla_nn::optim::{HyperValue, OptimizerConfig};
//!
//! let adam = OptimizerConfig::default_for("adam")?;
//! let beta1 = adam.describe().into_iter().find(|h| h.key == "beta1").unwrap();
//! assert_eq!(beta1.torch, "betas[0]");
//! assert_eq!(beta1.value, HyperValue::Number(0.9));
//! # Ok::<(), nabla_nn::Error>(())
//! ```

use std::fmt;

use crate::{Error, Result};

/// A hyperparameter's value: a number, or a flag (`centered`, `amsgrad`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum HyperValue {
    /// A real-valued hyperparameter.
    Number(f64),
    /// A boolean hyperparameter.
    Flag(bool),
}

impl fmt::Display for HyperValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HyperValue::Number(v) => write!(f, "{v}"),
            HyperValue::Flag(b) => write!(f, "{b}"),
        }
    }
}

impl HyperValue {
    fn number(self, key: &str) -> Result<f64> {
        match self {
            HyperValue::Number(v) => Ok(v),
            HyperValue::Flag(_) => Err(Error::HyperparameterType {
                key: key.to_string(),
                expected: "a number",
            }),
        }
    }

    fn flag(self, key: &str) -> Result<bool> {
        match self {
            HyperValue::Flag(b) => Ok(b),
            HyperValue::Number(_) => Err(Error::HyperparameterType {
                key: key.to_string(),
                expected: "true or false",
            }),
        }
    }
}

/// How a row reads and writes its field of the configuration `C`.
pub(crate) enum Access<C> {
    /// A real-valued field.
    Number(fn(&C) -> f64, fn(&mut C, f64)),
    /// A boolean field.
    Flag(fn(&C) -> bool, fn(&mut C, bool)),
}

/// One row of an optimizer's hyperparameter table.
pub(crate) struct Hyperparameter<C> {
    /// nabla's key (snake_case: the CLI contract's and a spec's).
    pub(crate) key: &'static str,
    /// The name of the same value in the `torch.optim` constructor.
    pub(crate) torch: &'static str,
    /// What it is, in one line.
    pub(crate) about: &'static str,
    /// Its field.
    pub(crate) access: Access<C>,
}

impl<C> Hyperparameter<C> {
    fn get(&self, config: &C) -> HyperValue {
        match self.access {
            Access::Number(get, _) => HyperValue::Number(get(config)),
            Access::Flag(get, _) => HyperValue::Flag(get(config)),
        }
    }

    fn set(&self, config: &mut C, value: HyperValue) -> Result<()> {
        match self.access {
            Access::Number(_, set) => set(config, value.number(self.key)?),
            Access::Flag(_, set) => set(config, value.flag(self.key)?),
        }
        Ok(())
    }
}

/// A row for a real-valued field whose key is the field's name: `number!(field, "description")`,
/// or `number!(field as "torch_name", "description")` where PyTorch names it otherwise.
macro_rules! number {
    ($field:ident, $about:literal) => {
        $crate::optim::hyperparameter::number!($field as stringify!($field), $about)
    };
    ($field:ident as $torch:expr, $about:literal) => {
        $crate::optim::hyperparameter::Hyperparameter {
            key: stringify!($field),
            torch: $torch,
            about: $about,
            access: $crate::optim::hyperparameter::Access::Number(
                |c| c.$field,
                |c, v| c.$field = v,
            ),
        }
    };
}

/// A row for a boolean field whose key is the field's name: `flag!(field, "description")`.
macro_rules! flag {
    ($field:ident, $about:literal) => {
        $crate::optim::hyperparameter::Hyperparameter {
            key: stringify!($field),
            torch: stringify!($field),
            about: $about,
            access: $crate::optim::hyperparameter::Access::Flag(|c| c.$field, |c, v| c.$field = v),
        }
    };
}

/// The rows most optimizers share, described once.
macro_rules! lr {
    () => {
        $crate::optim::hyperparameter::number!(lr, "learning rate γ")
    };
}
macro_rules! eps {
    () => {
        $crate::optim::hyperparameter::number!(eps, "ε added to the denominator")
    };
}
macro_rules! l2 {
    () => {
        $crate::optim::hyperparameter::number!(weight_decay, "L2 penalty λ added to the gradient")
    };
}
macro_rules! beta1 {
    () => {
        $crate::optim::hyperparameter::number!(beta1 as "betas[0]", "decay β₁ of the first-moment estimate")
    };
}
macro_rules! beta2 {
    () => {
        $crate::optim::hyperparameter::number!(beta2 as "betas[1]", "decay β₂ of the second-moment estimate")
    };
}

pub(crate) use {beta1, beta2, eps, flag, l2, lr, number};

/// A hyperparameter as a front-end shows it: key, PyTorch's name, description and value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HyperparameterInfo {
    /// nabla's key (`beta1`).
    pub key: &'static str,
    /// PyTorch's name (`betas[0]`).
    pub torch: &'static str,
    /// A one-line description.
    pub about: &'static str,
    /// The value in this configuration (PyTorch's default in [`super::OptimizerConfig::default_for`]).
    pub value: HyperValue,
}

/// Every row of `table` as a (key, value) pair of `config`, in table order.
pub(crate) fn pairs<C>(table: &[Hyperparameter<C>], config: &C) -> Vec<(&'static str, HyperValue)> {
    table.iter().map(|h| (h.key, h.get(config))).collect()
}

/// Every row of `table` with its value in `config`.
pub(crate) fn describe<C>(table: &[Hyperparameter<C>], config: &C) -> Vec<HyperparameterInfo> {
    table
        .iter()
        .map(|h| HyperparameterInfo {
            key: h.key,
            torch: h.torch,
            about: h.about,
            value: h.get(config),
        })
        .collect()
}

/// Sets `key` in `config` through its row of `table`.
///
/// # Errors
/// [`Error::UnknownHyperparameter`] when no row has `key`; [`Error::HyperparameterType`] for a
/// value of the wrong kind.
pub(crate) fn set<C>(
    table: &[Hyperparameter<C>],
    optimizer: &'static str,
    config: &mut C,
    key: &str,
    value: HyperValue,
) -> Result<()> {
    match table.iter().find(|h| h.key == key) {
        Some(h) => h.set(config, value),
        None => Err(Error::UnknownHyperparameter {
            optimizer,
            key: key.to_string(),
            accepted: table.iter().map(|h| h.key).collect::<Vec<_>>().join(", "),
        }),
    }
}
