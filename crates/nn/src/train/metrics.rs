//! Evaluation metrics: the loss, and accuracy for classification or MSE and R² for regression.
//!
//! ```text
//! accuracy = (1/n) Σ [argmax ŷᵢ = yᵢ]         (binary: [ŷᵢ > 0] = yᵢ on the logit)
//! MSE      = (1/n) Σ (ŷᵢ − yᵢ)²                (in the target's own units)
//! R²       = 1 − Σ (ŷᵢ − yᵢ)² / Σ (yᵢ − ȳ)²     (ȳ: the mean of the evaluated targets)
//! ```
//!
//! [`evaluate`] makes one evaluation-mode pass; a [`Tally`] sums the same quantities over the
//! training-mode batches of an epoch (the running metrics).

use nabla_tensor::loss::Reduction;
use nabla_tensor::{Float, Tape, Tensor};

use super::Objective;
use crate::layers::Mlp;
use crate::Result;

/// The metrics of a model on one part of the data.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
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
    let n = y.shape()[0];
    let (correct, sse) = counts(objective, out, y)?;
    Ok(Metrics::from_sums(objective, n, loss, correct, sse, y))
}

impl Metrics {
    /// The metrics of `n` rows from their mean loss, the number classified correctly and the
    /// sum of squared errors in the target's units; `y` (the rows' targets) gives R²'s total
    /// sum of squares.
    fn from_sums<T: Float>(
        objective: Objective,
        n: usize,
        loss: f64,
        correct: usize,
        sse: f64,
        y: &Tensor<T>,
    ) -> Self {
        let n = n.max(1) as f64;
        let mut metrics = Metrics {
            loss,
            accuracy: None,
            mse: None,
            r_squared: None,
        };
        match objective {
            Objective::Classes { .. } | Objective::Binary => {
                metrics.accuracy = Some(correct as f64 / n);
            }
            Objective::Regression { mean, std } => {
                let t: Vec<f64> = y.data().iter().map(|&t| t.to_f64() * std + mean).collect();
                let y_mean = t.iter().sum::<f64>() / t.len().max(1) as f64;
                let sst: f64 = t.iter().map(|t| (t - y_mean).powi(2)).sum();
                metrics.mse = Some(sse / n);
                metrics.r_squared = (sst > 0.0).then(|| 1.0 - sse / sst);
            }
        }
        metrics
    }
}

/// The rows of `out` classified correctly against `y` (classification), and the sum of
/// squared errors in the target's units (regression; 0 otherwise).
fn counts<T: Float>(objective: Objective, out: &Tensor<T>, y: &Tensor<T>) -> Result<(usize, f64)> {
    Ok(match objective {
        Objective::Classes { .. } => {
            let predicted = out.argmax(1)?;
            let correct = predicted
                .iter()
                .zip(y.data())
                .filter(|(&p, &t)| p as f64 == t.to_f64())
                .count();
            (correct, 0.0)
        }
        Objective::Binary => {
            let correct = out
                .data()
                .iter()
                .zip(y.data())
                .filter(|(&o, &t)| (o > T::zero()) == (t.to_f64() > 0.5))
                .count();
            (correct, 0.0)
        }
        Objective::Regression { mean, std } => {
            let unscale = |v: T| v.to_f64() * std + mean;
            let sse = out
                .data()
                .iter()
                .zip(y.data())
                .map(|(&o, &t)| (unscale(o) - unscale(t)).powi(2))
                .sum();
            (0, sse)
        }
    })
}

/// Running metrics: sums over the training-mode mini-batches of an epoch, from which the epoch's
/// training metrics are read without another pass over the rows (as Keras reports them).
///
/// ```text
/// loss     = Σ_b n_b·L_b / Σ_b n_b        (L_b: batch b's mean loss, n_b its rows)
/// accuracy = Σ_b correct_b / Σ_b n_b
/// MSE      = Σ_b SSE_b / Σ_b n_b,   R² = 1 − Σ_b SSE_b / Σ_i (y_i − ȳ)²
/// ```
///
/// Each batch is judged by the outputs it was trained on: training mode (dropout on), with the
/// weights as they were before its step. R²'s total sum of squares is over the targets given to
/// [`Tally::metrics`] (an epoch's batches cover every training row once).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    rows: usize,
    loss_sum: f64,
    correct: usize,
    sse: f64,
}

impl Tally {
    /// Adds one batch: its outputs `out`, targets `y` and mean loss `loss`.
    ///
    /// # Errors
    /// Shape errors when `out` and `y` do not fit the objective.
    pub fn add<T: Float>(
        &mut self,
        objective: Objective,
        out: &Tensor<T>,
        y: &Tensor<T>,
        loss: f64,
    ) -> Result<()> {
        let n = y.shape()[0];
        let (correct, sse) = counts(objective, out, y)?;
        self.rows += n;
        self.loss_sum += loss * n as f64;
        self.correct += correct;
        self.sse += sse;
        Ok(())
    }

    /// The rows added so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The running metrics; `y` holds the targets of every row the batches covered (for R²).
    pub fn metrics<T: Float>(&self, objective: Objective, y: &Tensor<T>) -> Metrics {
        let loss = self.loss_sum / self.rows.max(1) as f64;
        Metrics::from_sums(objective, self.rows, loss, self.correct, self.sse, y)
    }
}
