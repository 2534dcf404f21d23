//! Evaluation metrics: the loss, and accuracy for classification or MSE and R² for regression.
//!
//! ```text
//! accuracy = (1/n) Σ [argmax ŷᵢ = yᵢ]         (binary: [ŷᵢ > 0] = yᵢ on the logit)
//! MSE      = (1/n) Σ (ŷᵢ − yᵢ)²                (in the target's own units)
//! R²       = 1 − Σ (ŷᵢ − yᵢ)² / Σ (yᵢ − ȳ)²     (ȳ: the mean of the evaluated targets)
//! ```
//!
//! R² does not exist for rows whose targets are all one value (Σ (yᵢ − ȳ)² = 0): it is `None`
//! there (null in JSON, with a note), never a huge negative number.
//!
//! [`evaluate`] makes one evaluation-mode pass; a [`Tally`] sums the same quantities over the
//! training-mode batches of an epoch (the running metrics).

use nabla_tensor::loss::Reduction;
use nabla_tensor::{Float, Tape, Tensor};

use super::Objective;
use crate::layers::Mlp;
use crate::{Error, Result};

/// The metrics of a model on one part of the data.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Metrics {
    /// The mean training loss (for regression: on the standardised target).
    pub loss: f64,
    /// The fraction classified correctly (classification only).
    pub accuracy: Option<f64>,
    /// The mean squared error in the target's units (regression only).
    pub mse: Option<f64>,
    /// The coefficient of determination (regression only; `None` also where the rows' targets
    /// are all one value, so that it does not exist).
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

/// Fails on the first row of outputs `out` (`[rows, outputs]`) that holds a NaN or an infinity:
/// such a row has no prediction, so no class, probability, value or metric can be reported.
///
/// # Errors
/// [`Error::NonFiniteOutput`] naming the row (from 1) and the value.
pub fn check_finite<T: Float>(out: &Tensor<T>) -> Result<()> {
    let k = out.shape().get(1).copied().unwrap_or(1).max(1);
    match out.data().iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(i) => Err(Error::NonFiniteOutput {
            row: i / k + 1,
            value: out.data()[i].to_f64(),
        }),
    }
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
                metrics.mse = Some(sse / n);
                metrics.r_squared = r_squared(y, mean, std, sse);
            }
        }
        metrics
    }
}

/// R² = 1 − SSE / SST of the rows' targets `y` (standardised with `mean` and `std`), in the
/// target's units; `None` when every target is the same value, where SST = 0 and R² does not
/// exist. That is decided on the targets as stored, not from SST: a mean computed from equal
/// values may miss them by an ulp, leaving an SST of 1e-34 that made R² −3.8e29.
fn r_squared<T: Float>(y: &Tensor<T>, mean: f64, std: f64, sse: f64) -> Option<f64> {
    let stored = y.data();
    let first = *stored.first()?;
    if stored.iter().all(|&v| v == first) {
        return None;
    }
    let t: Vec<f64> = stored.iter().map(|&t| t.to_f64() * std + mean).collect();
    let y_mean = t.iter().sum::<f64>() / t.len() as f64;
    let sst: f64 = t.iter().map(|t| (t - y_mean).powi(2)).sum();
    (sst > 0.0).then(|| 1.0 - sse / sst)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Target;

    fn tensor<T: Float>(values: &[f64]) -> Tensor<T> {
        Tensor::from_f64s(values, &[values.len(), 1]).unwrap()
    }

    #[test]
    fn r_squared_of_constant_targets_is_none_not_minus_3_8e29() {
        // 0.1 three times: the mean summed in f64 is 0.10000000000000002 and the variance 2e-34,
        // which once made the target standardise to −1 and gave an SST of 1e-34 after the
        // round trip: R² = −3.8e29. Now the objective keeps the value and std 1, and R² of
        // equal targets does not exist, for f32 and f64, one pass or running.
        let target = Target::regression("y", vec![Some(0.1); 3]).unwrap();
        let objective = Objective::fit(&target);
        assert_eq!(
            objective,
            Objective::Regression {
                mean: 0.1,
                std: 1.0
            }
        );
        let old = Objective::Regression {
            mean: 0.10000000000000002,
            std: 1.3877787807814457e-17,
        };
        for objective in [objective, old] {
            let y32: Tensor<f32> = objective.targets(&target).unwrap();
            let y64: Tensor<f64> = objective.targets(&target).unwrap();
            let m32 = metrics_of(objective, &tensor::<f32>(&[0.5, -0.25, 1.0]), &y32).unwrap();
            let m64 = metrics_of(objective, &tensor::<f64>(&[0.5, -0.25, 1.0]), &y64).unwrap();
            for m in [m32, m64] {
                assert_eq!(m.r_squared, None, "{objective:?}");
                assert!(m.mse.is_some_and(f64::is_finite));
            }
            let mut tally = Tally::default();
            tally
                .add(objective, &tensor::<f32>(&[0.5, 0.0, 2.0]), &y32, 0.3)
                .unwrap();
            assert_eq!(tally.metrics(objective, &y32).r_squared, None);
        }
        // One row is a constant too.
        let one = Objective::Regression {
            mean: 2.0,
            std: 3.0,
        };
        let m = metrics_of(one, &tensor::<f32>(&[0.1]), &tensor::<f32>(&[0.4])).unwrap();
        assert_eq!(m.r_squared, None);
    }

    #[test]
    fn r_squared_of_varying_targets_is_one_minus_sse_over_sst() {
        let objective = Objective::Regression {
            mean: 1.0,
            std: 2.0,
        };
        // Targets 1, 3, 5 in their units; predictions 1, 3, 3: SSE 4, SST 8.
        let y = tensor::<f64>(&[0.0, 1.0, 2.0]);
        let out = tensor::<f64>(&[0.0, 1.0, 1.0]);
        let m = metrics_of(objective, &out, &y).unwrap();
        assert_eq!(m.r_squared, Some(0.5));
        assert_eq!(m.mse, Some(4.0 / 3.0));
    }
}
