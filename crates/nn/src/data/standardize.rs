//! Feature standardisation fitted on the training split only.
//!
//! For each feature j, fitted on the n training rows:
//!
//! ```text
//! mean_j = (1/n) Σ_i x_ij
//! std_j  = sqrt((1/n) Σ_i (x_ij − mean_j)²)      (population std, two passes)
//! z_ij   = (x_ij − mean_j) / std_j
//! ```
//!
//! A column that is constant on the training rows (every value equal) keeps `std_j = 1` so that
//! nothing is divided by zero, and its mean is that value exactly, so it standardises to 0. This
//! is scikit-learn's `StandardScaler` (population std, scale 1 for constant features), which the
//! tests compare against. The fitted standardizer serialises with serde so a saved model can
//! reapply it to new data; it checks the feature names it is applied to.
//!
//! ```
//! use nabla_nn::data::Standardizer;
//! let names = vec!["a".to_string(), "b".to_string()];
//! let s = Standardizer::fit_rows(&names, &[1.0, 5.0, 3.0, 5.0]).unwrap();
//! assert_eq!(s.mean(), &[2.0, 5.0]);
//! assert_eq!(s.std(), &[1.0, 1.0]);
//! let mut x = vec![4.0, 5.0];
//! s.transform_rows(&mut x).unwrap();
//! assert_eq!(x, vec![2.0, 0.0]);
//! ```

use serde::{Deserialize, Serialize};

use super::Dataset;
use crate::{Error, Result};

/// The population mean and standard deviation of `values` (two passes), with the convention
/// above for a constant list: its mean is the value itself (not a sum divided by n, which may
/// miss it by an ulp) and its std is 1, so it standardises to exactly 0. An empty list gives
/// (0, 1).
///
/// ```text
/// mean = (1/n) Σ v_i,   std = sqrt((1/n) Σ (v_i − mean)²), or 1 where that is 0
/// ```
pub fn mean_and_std<I>(values: I) -> (f64, f64)
where
    I: Iterator<Item = f64> + Clone,
{
    let mut all = values.clone();
    let Some(first) = all.next() else {
        return (0.0, 1.0);
    };
    if all.all(|v| v == first) {
        return (first, 1.0);
    }
    let n = values.clone().count() as f64;
    let mean = values.clone().sum::<f64>() / n;
    let var = values.map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    (mean, if var > 0.0 { var.sqrt() } else { 1.0 })
}

/// Per-feature means and standard deviations fitted on training data.
///
/// Deserialising validates like [`Standardizer::from_parts`], so a corrupt model file gives an
/// error rather than a standardizer that divides by zero.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "StandardizerParts")]
pub struct Standardizer {
    feature_names: Vec<String>,
    mean: Vec<f64>,
    std: Vec<f64>,
}

/// The serialised form of a [`Standardizer`], validated on the way in.
#[derive(Deserialize)]
struct StandardizerParts {
    feature_names: Vec<String>,
    mean: Vec<f64>,
    std: Vec<f64>,
}

impl TryFrom<StandardizerParts> for Standardizer {
    type Error = Error;

    fn try_from(p: StandardizerParts) -> Result<Standardizer> {
        Standardizer::from_parts(p.feature_names, p.mean, p.std)
    }
}

impl Standardizer {
    /// A standardizer from stored parts (e.g. read from a model file).
    ///
    /// # Errors
    /// [`Error::DataShape`] when the three lists differ in length; [`Error::InvalidParameter`]
    /// when a mean is not finite or a std is not finite and positive.
    pub fn from_parts(
        feature_names: Vec<String>,
        mean: Vec<f64>,
        std: Vec<f64>,
    ) -> Result<Standardizer> {
        for (what, len) in [
            ("standardizer means", mean.len()),
            ("standardizer stds", std.len()),
        ] {
            if len != feature_names.len() {
                return Err(Error::DataShape {
                    what: what.to_string(),
                    expected: feature_names.len(),
                    found: len,
                });
            }
        }
        if let Some(&m) = mean.iter().find(|m| !m.is_finite()) {
            return Err(Error::InvalidParameter {
                name: "standardizer mean",
                value: m,
                reason: "must be finite",
            });
        }
        if let Some(&s) = std.iter().find(|s| !(s.is_finite() && **s > 0.0)) {
            return Err(Error::InvalidParameter {
                name: "standardizer std",
                value: s,
                reason: "must be finite and positive",
            });
        }
        Ok(Standardizer {
            feature_names,
            mean,
            std,
        })
    }

    /// Fits on every sample of `train` (pass the training split only).
    ///
    /// # Errors
    /// [`Error::EmptyData`] when `train` has no samples.
    pub fn fit(train: &Dataset) -> Result<Standardizer> {
        Standardizer::fit_rows(train.feature_names(), train.features())
    }

    /// Fits on `rows`, n×d row-major with d = `feature_names.len()`.
    ///
    /// # Errors
    /// [`Error::EmptyData`] without features or rows; [`Error::DataShape`] when `rows` is not a
    /// whole number of rows; [`Error::NonFiniteFeature`] for a NaN or infinite value.
    pub fn fit_rows(feature_names: &[String], rows: &[f64]) -> Result<Standardizer> {
        let d = feature_names.len();
        if d == 0 || rows.is_empty() {
            return Err(Error::EmptyData {
                source_name: "standardizer".to_string(),
                reason: "fitting needs at least one feature and one sample",
            });
        }
        if rows.len() % d != 0 {
            return Err(Error::DataShape {
                what: format!("standardizer rows (a multiple of {d} features)"),
                expected: rows.len() / d * d + d,
                found: rows.len(),
            });
        }
        if let Some(k) = rows.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFiniteFeature {
                feature: feature_names[k % d].clone(),
                sample: k / d,
                value: rows[k],
            });
        }
        let (mean, std) = (0..d)
            .map(|j| mean_and_std(rows.iter().skip(j).step_by(d).copied()))
            .unzip();
        Ok(Standardizer {
            feature_names: feature_names.to_vec(),
            mean,
            std,
        })
    }

    /// The feature names it was fitted on.
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// The fitted means.
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    /// The fitted standard deviations (1 for constant features).
    pub fn std(&self) -> &[f64] {
        &self.std
    }

    /// Standardises `rows` (n×d row-major) in place: `z = (x − mean) / std`.
    ///
    /// # Errors
    /// [`Error::DataShape`] when `rows` is not a whole number of rows of the fitted width.
    pub fn transform_rows(&self, rows: &mut [f64]) -> Result<()> {
        self.check_width(rows.len())?;
        for row in rows.chunks_exact_mut(self.mean.len()) {
            for ((x, m), s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
                *x = (*x - m) / s;
            }
        }
        Ok(())
    }

    /// Undoes [`transform_rows`](Self::transform_rows): `x = z · std + mean`.
    ///
    /// # Errors
    /// As [`transform_rows`](Self::transform_rows).
    pub fn inverse_transform_rows(&self, rows: &mut [f64]) -> Result<()> {
        self.check_width(rows.len())?;
        for row in rows.chunks_exact_mut(self.mean.len()) {
            for ((x, m), s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
                *x = *x * s + m;
            }
        }
        Ok(())
    }

    /// Standardises the features of `data` in place (any split: train, validation, test, or new
    /// data given to a saved model).
    ///
    /// # Errors
    /// [`Error::FeatureNames`] when `data`'s feature names differ from the fitted ones.
    pub fn transform(&self, data: &mut Dataset) -> Result<()> {
        if data.feature_names() != self.feature_names.as_slice() {
            return Err(Error::FeatureNames {
                expected: self.feature_names.clone(),
                found: data.feature_names().to_vec(),
            });
        }
        self.transform_rows(data.features_mut())
    }

    fn check_width(&self, len: usize) -> Result<()> {
        let d = self.mean.len();
        if len % d != 0 {
            return Err(Error::DataShape {
                what: format!("standardized rows (a multiple of {d} features)"),
                expected: len / d * d + d,
                found: len,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(d: usize) -> Vec<String> {
        (0..d).map(|j| format!("f{j}")).collect()
    }

    #[test]
    fn constant_column_keeps_std_one_and_maps_to_zero() {
        // 0.1 three times: the naive mean is 0.10000000000000002, which would make a tiny std.
        let s = Standardizer::fit_rows(&names(2), &[0.1, 1.0, 0.1, 2.0, 0.1, 3.0]).unwrap();
        assert_eq!(s.mean()[0], 0.1);
        assert_eq!(s.std()[0], 1.0);
        let mut x = vec![0.1, 2.0];
        s.transform_rows(&mut x).unwrap();
        assert_eq!(x[0], 0.0);
        assert_eq!(x[1], 0.0);
    }

    #[test]
    fn population_std_and_inverse() {
        let s = Standardizer::fit_rows(&names(1), &[2., 4., 4., 4., 5., 5., 7., 9.]).unwrap();
        assert_eq!(s.mean(), &[5.0]);
        assert_eq!(s.std(), &[2.0]);
        let mut x = vec![9.0, 1.0];
        s.transform_rows(&mut x).unwrap();
        assert_eq!(x, vec![2.0, -2.0]);
        s.inverse_transform_rows(&mut x).unwrap();
        assert_eq!(x, vec![9.0, 1.0]);
    }

    #[test]
    fn errors() {
        assert!(matches!(
            Standardizer::fit_rows(&names(2), &[]),
            Err(Error::EmptyData { .. })
        ));
        assert!(matches!(
            Standardizer::fit_rows(&[], &[1.0]),
            Err(Error::EmptyData { .. })
        ));
        assert!(matches!(
            Standardizer::fit_rows(&names(2), &[1.0, 2.0, 3.0]),
            Err(Error::DataShape { found: 3, .. })
        ));
        assert!(matches!(
            Standardizer::fit_rows(&names(2), &[1.0, f64::NAN]),
            Err(Error::NonFiniteFeature { sample: 0, .. })
        ));
        let s = Standardizer::fit_rows(&names(2), &[1.0, 2.0]).unwrap();
        assert!(matches!(
            s.transform_rows(&mut [1.0, 2.0, 3.0]),
            Err(Error::DataShape { .. })
        ));
    }

    #[test]
    fn serde_round_trip_is_exact() {
        let s = Standardizer::fit_rows(&names(2), &[0.3, 1.0, 0.7, 2.5, 1.9, -4.0]).unwrap();
        let json = serde_json::to_string(&s).unwrap();
        let back: Standardizer = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn corrupt_parts_are_rejected() {
        let bad = r#"{"feature_names":["a"],"mean":[0.0],"std":[0.0]}"#;
        let e = serde_json::from_str::<Standardizer>(bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("standardizer std"), "{e}");
        let short = r#"{"feature_names":["a","b"],"mean":[0.0],"std":[1.0]}"#;
        assert!(serde_json::from_str::<Standardizer>(short).is_err());
        assert!(Standardizer::from_parts(names(1), vec![f64::NAN], vec![1.0]).is_err());
        assert!(Standardizer::from_parts(names(1), vec![0.0], vec![1.0]).is_ok());
    }
}
