//! Evaluation metrics: the loss, and accuracy for classification or MSE and R² for regression.
//!
//! ```text
//! accuracy = (1/n) Σ [argmax ŷᵢ = yᵢ]         (binary: [ŷᵢ > 0] = yᵢ on the logit)
//! MSE      = (1/n) Σ (ŷᵢ − yᵢ)²                (in the target's own units)
//! R²       = 1 − Σ (ŷᵢ − yᵢ)² / Σ (yᵢ − ȳ)²     (ȳ: the mean of the evaluated targets)
//! ```

use nabla_tensor::loss::Reduction;
use nabla_tensor::{Float, Tape, Tensor};

use super::Objective;
use crate::layers::Mlp;
use crate::Result;

/// The metrics of a model on one part of the data.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Metrics {
    /// The mean training loss (for regression: on the standardised target).
    pub loss: f64,
    /// The fraction classified correctly (classification only).
    pub accuracy: Option<f64>,
    /// The mean squared error in the target's units (regression only).
    pub mse: Option<f64>,
    /// The coefficient of determination (regression only).
    pub r_squared: Option<f64>,
}

/// Evaluates `model` on inputs `x` with targets `y` (as [`Objective::targets`] makes them),
/// in evaluation mode.
///
/// # Errors
/// Shape errors when `x` or `y` do not fit the model.
pub fn evaluate<T: Float>(
    model: &Mlp<T>,
    objective: Objective,
    x: &Tensor<T>,
    y: &Tensor<T>,
) -> Result<Metrics> {
    let out = model.predict(x)?;
    metrics_of(objective, &out, y)
}

/// Metrics of network outputs `out` against targets `y`.
///
/// # Errors
/// Shape errors when `out` and `y` do not fit the objective.
pub fn metrics_of<T: Float>(
    objective: Objective,
    out: &Tensor<T>,
    y: &Tensor<T>,
) -> Result<Metrics> {
    let tape = Tape::new();
    let loss = tape
        .constant(out.clone())
        .loss(tape.constant(y.clone()), objective.loss(), Reduction::Mean)?
        .value()
        .item()?
        .to_f64();
    let n = y.shape()[0].max(1) as f64;
    let mut metrics = Metrics {
        loss,
        accuracy: None,
        mse: None,
        r_squared: None,
    };
    match objective {
        Objective::Classes { .. } => {
            let predicted = out.argmax(1)?;
            let correct = predicted
                .iter()
                .zip(y.data())
                .filter(|(&p, &t)| p as f64 == t.to_f64())
                .count();
            metrics.accuracy = Some(correct as f64 / n);
        }
        Objective::Binary => {
            let correct = out
                .data()
                .iter()
                .zip(y.data())
                .filter(|(&o, &t)| (o > T::zero()) == (t.to_f64() > 0.5))
                .count();
            metrics.accuracy = Some(correct as f64 / n);
        }
        Objective::Regression { mean, std } => {
            let unscale = |v: T| v.to_f64() * std + mean;
            let pairs: Vec<(f64, f64)> = out
                .data()
                .iter()
                .zip(y.data())
                .map(|(&o, &t)| (unscale(o), unscale(t)))
                .collect();
            let sse: f64 = pairs.iter().map(|(p, t)| (p - t).powi(2)).sum();
            let y_mean = pairs.iter().map(|(_, t)| t).sum::<f64>() / n;
            let sst: f64 = pairs.iter().map(|(_, t)| (t - y_mean).powi(2)).sum();
            metrics.mse = Some(sse / n);
            metrics.r_squared = (sst > 0.0).then(|| 1.0 - sse / sst);
        }
    }
    Ok(metrics)
}
