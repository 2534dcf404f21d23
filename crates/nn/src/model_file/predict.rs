//! Predictions of a saved model, deterministic (evaluation mode) or by Monte Carlo dropout.
//!
//! Rows are first put in the model's feature order (by name) and standardised with the training
//! split's statistics. The network's outputs are then decoded in the network's own dtype, as
//! PyTorch would in that dtype:
//!
//! ```text
//! classes:     p = softmax(logits)                 class = argmax p
//! binary:      p₁ = σ(logit), p₀ = 1 − p₁           class = [logit > 0]
//! regression:  y = out · std + mean                 (in the target's units, computed in f64)
//! ```
//!
//! Monte Carlo dropout keeps dropout on at test time and runs `N` stochastic passes (each with
//! fresh masks drawn from one seeded ChaCha8 stream, [`mc_rng`]); the predictive mean is the average over
//! the passes of the probabilities (or regression values), its spread their sample standard
//! deviation, and the prediction the argmax of the mean:
//!
//! ```text
//! mean_r = (1/N) Σₙ p_r⁽ⁿ⁾          std_r = sqrt( Σₙ (p_r⁽ⁿ⁾ − mean_r)² / (N − 1) )
//! ```
//!
//! (`N − 1`, as `torch.std` by default; accumulated pass by pass with Welford's update, so memory
//! does not grow with N.) Averaging many thinned networks is the ensemble view of
//! dropout; the deterministic pass, with every unit on and no rescaling at test time, is the cheap
//! approximation of that average that ordinary evaluation uses.

use nabla_tensor::{Activation, Float, Tensor};
use rand_chacha::ChaCha8Rng;

use super::network::with_mlp;
use super::{Model, Network};
use crate::data::{Dataset, Target};
use crate::init;
use crate::layers::Mlp;
use crate::train::{check_finite, metrics_of, Metrics, Objective};
use crate::{Error, Result};

/// The prediction for one row.
#[derive(Clone, Debug, PartialEq)]
pub enum Prediction {
    /// A class (classes and binary targets).
    Class {
        /// The predicted label (index into the target's class names).
        label: usize,
        /// The probability of each class, by label.
        probabilities: Vec<f64>,
    },
    /// A value in the target's units (regression).
    Value(f64),
}

impl Prediction {
    /// The predicted label, for a class prediction.
    pub fn label(&self) -> Option<usize> {
        match self {
            Prediction::Class { label, .. } => Some(*label),
            Prediction::Value(_) => None,
        }
    }

    /// The predicted value, for a regression prediction.
    pub fn value(&self) -> Option<f64> {
        match self {
            Prediction::Class { .. } => None,
            Prediction::Value(v) => Some(*v),
        }
    }
}

/// One row's Monte Carlo dropout summary.
#[derive(Clone, Debug, PartialEq)]
pub struct McRow {
    /// The mean over the passes: class probabilities by label, or `[value]` for regression.
    pub mean: Vec<f64>,
    /// The sample standard deviation over the passes, laid out as `mean`.
    pub std: Vec<f64>,
    /// The prediction of the mean (the class with the highest mean probability, or the mean value).
    pub prediction: Prediction,
}

impl McRow {
    /// The spread of what is predicted: the std of the predicted class's probability, or of the
    /// regression value.
    pub fn predicted_std(&self) -> f64 {
        match &self.prediction {
            Prediction::Class { label, .. } => self.std[*label],
            Prediction::Value(_) => self.std[0],
        }
    }
}

/// Monte Carlo dropout over a set of rows, beside the deterministic predictions.
#[derive(Clone, Debug, PartialEq)]
pub struct McDropout {
    /// The number of stochastic passes N.
    pub samples: usize,
    /// Per row: mean, std and the prediction of the mean.
    pub rows: Vec<McRow>,
    /// Per row: the deterministic (evaluation-mode) prediction.
    pub deterministic: Vec<Prediction>,
}

impl McDropout {
    /// The mean over rows of [`McRow::predicted_std`] (0 without rows).
    pub fn mean_std(&self) -> f64 {
        if self.rows.is_empty() {
            return 0.0;
        }
        self.rows.iter().map(McRow::predicted_std).sum::<f64>() / self.rows.len() as f64
    }

    /// The fraction of rows whose mean prediction names the same class as the deterministic one
    /// (`None` for regression or without rows).
    pub fn agreement(&self) -> Option<f64> {
        let pairs = self.rows.iter().zip(&self.deterministic);
        let same: Option<Vec<bool>> = pairs
            .map(|(r, d)| Some(r.prediction.label()? == d.label()?))
            .collect();
        fraction(&same?)
    }

    /// The accuracy of the mean predictions against `labels` (`None` for regression).
    ///
    /// # Errors
    /// [`Error::DataShape`] when `labels` does not have one entry per row.
    pub fn accuracy_mean_prediction(&self, labels: &[usize]) -> Result<Option<f64>> {
        accuracy(self.rows.iter().map(|r| &r.prediction), labels)
    }

    /// The accuracy of the deterministic predictions against `labels` (`None` for regression).
    ///
    /// # Errors
    /// As [`McDropout::accuracy_mean_prediction`].
    pub fn accuracy_deterministic(&self, labels: &[usize]) -> Result<Option<f64>> {
        accuracy(self.deterministic.iter(), labels)
    }

    /// The mean squared error of the mean predictions against `values` (`None` for
    /// classification).
    ///
    /// # Errors
    /// [`Error::DataShape`] when `values` does not have one entry per row.
    pub fn mse_mean_prediction(&self, values: &[f64]) -> Result<Option<f64>> {
        mse(self.rows.iter().map(|r| &r.prediction), values)
    }

    /// The mean squared error of the deterministic predictions against `values`.
    ///
    /// # Errors
    /// As [`McDropout::mse_mean_prediction`].
    pub fn mse_deterministic(&self, values: &[f64]) -> Result<Option<f64>> {
        mse(self.deterministic.iter(), values)
    }
}

fn fraction(hits: &[bool]) -> Option<f64> {
    (!hits.is_empty()).then(|| hits.iter().filter(|&&h| h).count() as f64 / hits.len() as f64)
}

fn check_rows(expected: usize, found: usize) -> Result<()> {
    if expected == found {
        Ok(())
    } else {
        Err(Error::DataShape {
            what: "labels (one per row)".to_string(),
            expected,
            found,
        })
    }
}

fn accuracy<'a>(
    predictions: impl ExactSizeIterator<Item = &'a Prediction>,
    labels: &[usize],
) -> Result<Option<f64>> {
    check_rows(predictions.len(), labels.len())?;
    let hits: Option<Vec<bool>> = predictions
        .zip(labels)
        .map(|(p, &l)| Some(p.label()? == l))
        .collect();
    Ok(hits.and_then(|h| fraction(&h)))
}

fn mse<'a>(
    predictions: impl ExactSizeIterator<Item = &'a Prediction>,
    values: &[f64],
) -> Result<Option<f64>> {
    check_rows(predictions.len(), values.len())?;
    let errors: Option<Vec<f64>> = predictions
        .zip(values)
        .map(|(p, &v)| Some((p.value()? - v).powi(2)))
        .collect();
    Ok(errors.and_then(|e| (!e.is_empty()).then(|| e.iter().sum::<f64>() / e.len() as f64)))
}

impl Model {
    /// The rows of `data` as the network's inputs: the model's features picked by name (other
    /// columns are ignored) and standardised; n×d row-major.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`] naming the first feature the data lacks.
    pub fn inputs(&self, data: &Dataset) -> Result<Vec<f64>> {
        let picked = data.select_features(self.feature_names())?;
        let mut x = picked.features().to_vec();
        self.standardizer().transform_rows(&mut x)?;
        Ok(x)
    }

    /// The network's raw outputs (logits, or the standardised regression value) for
    /// standardised inputs `x` (n×d row-major), widened to f64: `[n, outputs]`.
    ///
    /// # Errors
    /// [`Error::DataShape`] when `x` is not a whole number of rows.
    pub fn outputs(&self, x: &[f64]) -> Result<Tensor<f64>> {
        let x = self.input_tensor::<f64>(x)?;
        with_mlp!(self.network(), m => Ok(m.predict(&x.cast())?.cast()))
    }

    /// The deterministic (evaluation-mode) prediction of each row of standardised inputs `x`.
    ///
    /// # Errors
    /// As [`Model::outputs`].
    pub fn predict(&self, x: &[f64]) -> Result<Vec<Prediction>> {
        let objective = self.target().objective;
        let x = self.input_tensor::<f64>(x)?;
        with_mlp!(self.network(), m => decode(objective, &m.predict(&x.cast())?))
    }

    /// The metrics `nabla train` reports (loss, accuracy or MSE and R²), computed in the
    /// network's dtype, for standardised inputs `x` against `target` — whose labels are first
    /// mapped onto the model's class names.
    ///
    /// # Errors
    /// [`Error::UnknownClass`] for a label the model does not know; [`Error::InvalidTarget`] for
    /// a missing value; [`Error::DataShape`] when the sizes disagree.
    pub fn evaluate(&self, x: &[f64], target: &Target) -> Result<Metrics> {
        let objective = self.target().objective;
        let target = self.align(target)?;
        let rows = x.len() / self.feature_names().len();
        check_rows(rows, target.len())?;
        let x = self.input_tensor::<f64>(x)?;
        with_mlp!(self.network(), m => {
            let y = objective.targets(&target)?;
            let out = m.predict(&x.cast())?;
            check_finite(&out)?;
            metrics_of(objective, &out, &y)
        })
    }

    /// `target` with its labels re-indexed onto the model's class names (unchanged for
    /// regression).
    ///
    /// # Errors
    /// [`Error::UnknownClass`] for a label the model does not know; [`Error::TargetKind`] when
    /// a regression model is given class labels or the reverse.
    pub fn align(&self, target: &Target) -> Result<Target> {
        let model_kind = self.target().kind();
        if model_kind.is_categorical() != target.kind().is_categorical() {
            return Err(Error::TargetKind {
                source_name: target.name().to_string(),
                column: target.name().to_string(),
                kind: model_kind,
                reason: format!("the column holds {} values", target.kind()),
            });
        }
        if model_kind.is_categorical() {
            target.with_classes(&self.target().classes)
        } else {
            Ok(target.clone())
        }
    }

    /// Monte Carlo dropout: `samples` stochastic passes over standardised inputs `x` with
    /// dropout kept on, masks drawn from a ChaCha8 stream seeded by `seed`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for fewer than 2 samples or a network without dropout (every
    /// pass would be the same); otherwise as [`Model::outputs`].
    pub fn mc_dropout(&self, x: &[f64], samples: usize, seed: u64) -> Result<McDropout> {
        if samples < 2 {
            return Err(Error::InvalidParameter {
                name: "mc-samples",
                value: samples as f64,
                reason: "Monte Carlo dropout needs at least 2 passes for a standard deviation",
            });
        }
        if self.network().dropout() == 0.0 {
            return Err(Error::InvalidParameter {
                name: "dropout",
                value: 0.0,
                reason: "Monte Carlo dropout needs a network trained with dropout > 0",
            });
        }
        let objective = self.target().objective;
        let x = self.input_tensor::<f64>(x)?;
        let mut rng = mc_rng(seed);
        let (moments, deterministic) = match self.network() {
            Network::F32(m) => mc_passes(m, objective, &x.cast(), samples, &mut rng)?,
            Network::F64(m) => mc_passes(m, objective, &x, samples, &mut rng)?,
        };
        let rows = moments
            .into_iter()
            .map(|(mean, m2)| {
                let std: Vec<f64> = m2
                    .iter()
                    .map(|s| (s / (samples as f64 - 1.0)).sqrt())
                    .collect();
                let prediction = if objective.is_classification() {
                    Prediction::Class {
                        label: argmax(&mean),
                        probabilities: mean.clone(),
                    }
                } else {
                    Prediction::Value(mean[0])
                };
                McRow {
                    mean,
                    std,
                    prediction,
                }
            })
            .collect();
        Ok(McDropout {
            samples,
            rows,
            deterministic,
        })
    }

    fn input_tensor<T: Float>(&self, x: &[f64]) -> Result<Tensor<T>> {
        let d = self.feature_names().len();
        if x.len() % d != 0 {
            return Err(Error::DataShape {
                what: format!("model inputs (a multiple of {d} features)"),
                expected: x.len() / d * d + d,
                found: x.len(),
            });
        }
        Ok(Tensor::from_f64s(x, &[x.len() / d, d])?)
    }
}

/// The ChaCha8 stream Monte Carlo dropout draws its masks from: keyed by `seed`, on stream 1 so
/// that it never repeats the numbers the initial weights of the same seed were drawn from
/// (stream 0).
pub fn mc_rng(seed: u64) -> ChaCha8Rng {
    let mut rng = init::seeded(seed);
    rng.set_stream(1);
    rng
}

/// Per row, the running mean and sum of squared deviations over the passes (Welford), then the
/// deterministic predictions.
type Passes = (Vec<(Vec<f64>, Vec<f64>)>, Vec<Prediction>);

fn mc_passes<T: Float>(
    mlp: &Mlp<T>,
    objective: Objective,
    x: &Tensor<T>,
    samples: usize,
    rng: &mut ChaCha8Rng,
) -> Result<Passes> {
    // Welford's update keeps memory at one pass however many passes there are:
    //   mean_k = mean_{k−1} + (v − mean_{k−1}) / k,   M2_k = M2_{k−1} + (v − mean_{k−1})(v − mean_k)
    let deterministic = decode(objective, &mlp.predict(x)?)?;
    let mut moments: Vec<(Vec<f64>, Vec<f64>)> = deterministic
        .iter()
        .map(|p| {
            let width = as_vector(p).len();
            (vec![0.0; width], vec![0.0; width])
        })
        .collect();
    for k in 1..=samples {
        let pass = decode(objective, &mlp.predict_mc(x, rng)?)?;
        for (p, (mean, m2)) in pass.iter().zip(moments.iter_mut()) {
            for ((v, m), s) in as_vector(p)
                .into_iter()
                .zip(mean.iter_mut())
                .zip(m2.iter_mut())
            {
                let delta = v - *m;
                *m += delta / k as f64;
                *s += delta * (v - *m);
            }
        }
    }
    Ok((moments, deterministic))
}

fn as_vector(p: &Prediction) -> Vec<f64> {
    match p {
        Prediction::Class { probabilities, .. } => probabilities.clone(),
        Prediction::Value(v) => vec![*v],
    }
}

/// The first index of the largest value (as `torch.argmax`).
fn argmax(v: &[f64]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

/// Decodes raw outputs `[n, k]` in their own dtype (see the module docs).
///
/// # Errors
/// [`Error::NonFiniteOutput`] for a row whose outputs are not all finite: it has no prediction.
fn decode<T: Float>(objective: Objective, out: &Tensor<T>) -> Result<Vec<Prediction>> {
    check_finite(out)?;
    let n = out.shape()[0];
    Ok(match objective {
        Objective::Classes { .. } => {
            let p = out.softmax(1)?;
            let labels = out.argmax(1)?;
            let k = out.shape()[1];
            labels
                .into_iter()
                .enumerate()
                .map(|(i, label)| Prediction::Class {
                    label,
                    probabilities: p.data()[i * k..(i + 1) * k]
                        .iter()
                        .map(|&v| v.to_f64())
                        .collect(),
                })
                .collect()
        }
        Objective::Binary => {
            let mut p = vec![T::zero(); n];
            Activation::Sigmoid.forward(out.data(), &mut p);
            out.data()
                .iter()
                .zip(p)
                .map(|(&logit, p)| {
                    let p = p.to_f64();
                    Prediction::Class {
                        label: usize::from(logit > T::zero()),
                        probabilities: vec![1.0 - p, p],
                    }
                })
                .collect()
        }
        Objective::Regression { mean, std } => out
            .data()
            .iter()
            .map(|&v| Prediction::Value(v.to_f64() * std + mean))
            .collect(),
    })
}
