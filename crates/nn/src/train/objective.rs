//! What a network is trained to predict for one kind of target: its output width, its loss, the
//! tensor its targets become, and the metrics reported.
//!
//! | target kind | outputs | loss | metrics |
//! |-------------|---------|------|---------|
//! | classes (k) | k logits | softmax cross-entropy | loss, accuracy |
//! | binary | 1 logit | BCE with logits | loss, accuracy (logit > 0) |
//! | regression | 1 value | MSE on the standardised target | loss, MSE and R² in the target's units |
//!
//! Regression targets are standardised with the training split's mean and standard deviation,
//! so one learning rate suits targets of any scale; predictions are mapped back before MSE and R²
//! are computed.

use nabla_tensor::{Float, LossKind, Tensor};

use crate::data::standardize::mean_and_std;
use crate::data::{Target, TaskKind};
use crate::{Error, Result};

/// The training objective for one target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Objective {
    /// One of `classes` classes.
    Classes {
        /// The number of classes.
        classes: usize,
    },
    /// Two classes, positive = 1.
    Binary,
    /// A real number, standardised as `(y − mean) / std` for training.
    Regression {
        /// The training target's mean.
        mean: f64,
        /// The training target's standard deviation (1 when constant, with the mean then the
        /// constant itself: [`mean_and_std`]).
        std: f64,
    },
}

impl Objective {
    /// The objective for `target`, with regression scaling fitted on `target` (the training part).
    pub fn fit(target: &Target) -> Self {
        match target.kind() {
            TaskKind::Classes => Self::Classes {
                classes: target.n_classes(),
            },
            TaskKind::Binary => Self::Binary,
            TaskKind::Regression => {
                let (mean, std) = mean_and_std((0..target.len()).filter_map(|i| target.value(i)));
                Self::Regression { mean, std }
            }
        }
    }

    /// The number of network outputs.
    pub fn outputs(self) -> usize {
        match self {
            Self::Classes { classes } => classes,
            Self::Binary | Self::Regression { .. } => 1,
        }
    }

    /// The loss trained on.
    pub fn loss(self) -> LossKind {
        match self {
            Self::Classes { .. } => LossKind::CrossEntropyIndices,
            Self::Binary => LossKind::BceWithLogits,
            Self::Regression { .. } => LossKind::Mse,
        }
    }

    /// The kind's name, as a task declaration spells it: `classes`, `binary`, `regression`.
    pub fn kind_name(self) -> &'static str {
        match self {
            Objective::Classes { .. } => "classes",
            Objective::Binary => "binary",
            Objective::Regression { .. } => "regression",
        }
    }

    /// True for classification objectives.
    pub fn is_classification(self) -> bool {
        !matches!(self, Self::Regression { .. })
    }

    /// The target tensor the loss reads: class indices `[n]`, or `[n, 1]` for binary labels and
    /// standardised regression values.
    ///
    /// # Errors
    /// [`Error::InvalidTarget`] when a value is missing.
    pub fn targets<T: Float>(self, target: &Target) -> Result<Tensor<T>> {
        let n = target.len();
        let missing = |sample: usize| Error::InvalidTarget {
            target: target.name().to_string(),
            sample,
            reason: "the value is missing".to_string(),
        };
        let values = (0..n)
            .map(|i| match self {
                Self::Classes { .. } | Self::Binary => {
                    target.label(i).map(|l| l as f64).ok_or_else(|| missing(i))
                }
                Self::Regression { mean, std } => target
                    .value(i)
                    .map(|v| (v - mean) / std)
                    .ok_or_else(|| missing(i)),
            })
            .collect::<Result<Vec<f64>>>()?;
        let shape: &[usize] = match self {
            Self::Classes { .. } => &[n],
            _ => &[n, 1],
        };
        Ok(Tensor::from_f64s(&values, shape)?)
    }
}
