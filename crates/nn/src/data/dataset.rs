//! A data set: named numeric features in an n×d row-major matrix and one or more named targets.
//!
//! The features are plain `f64`s (`features()[i * d + j]` is feature `j` of sample `i`), so the
//! data layer does not depend on the tensor engine. Each target is a task ([`Target`]); with one
//! target the data set is single-task and every label must be present, with several each target
//! may have missing entries (`None`) that a multi-task trainer masks.
//!
//! ```
//! use nabla_nn::data::{Dataset, Target};
//! let y = Target::regression("y", vec![Some(1.0), Some(3.0)]).unwrap();
//! let ds = Dataset::new("toy", vec!["x".into()], vec![0.5, 1.5], vec![y]).unwrap();
//! assert_eq!(ds.n_samples(), 2);
//! assert_eq!(ds.row(1), &[1.5]);
//! ```

use super::Target;
use crate::{Error, Result};

/// Named features (n×d, row-major) and named targets.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    name: String,
    feature_names: Vec<String>,
    features: Vec<f64>,
    n_samples: usize,
    targets: Vec<Target>,
    skipped_lines: Vec<u64>,
}

impl Dataset {
    /// Builds a data set from its parts; `features` holds `n × feature_names.len()` values,
    /// row-major, and n is taken from its length.
    ///
    /// # Errors
    /// [`Error::EmptyData`] without feature names; [`Error::DataShape`] when `features` is not a
    /// whole number of rows or a target has a different number of samples;
    /// [`Error::NonFiniteFeature`] for a NaN or infinite feature; [`Error::DuplicateColumn`] when a
    /// name repeats among features and targets; [`Error::InvalidTarget`] when a single-task data
    /// set has a missing label (only multi-task targets may have missing entries).
    pub fn new(
        name: impl Into<String>,
        feature_names: Vec<String>,
        features: Vec<f64>,
        targets: Vec<Target>,
    ) -> Result<Dataset> {
        let name = name.into();
        let d = feature_names.len();
        if d == 0 {
            return Err(Error::EmptyData {
                source_name: name,
                reason: "no feature columns",
            });
        }
        if features.len() % d != 0 {
            return Err(Error::DataShape {
                what: format!("{name}: feature values (a multiple of {d} features)"),
                expected: features.len() / d * d + d,
                found: features.len(),
            });
        }
        let n = features.len() / d;
        let all_names = feature_names
            .iter()
            .map(String::as_str)
            .chain(targets.iter().map(Target::name));
        let mut seen = std::collections::HashSet::with_capacity(d + targets.len());
        for c in all_names {
            if !seen.insert(c) {
                return Err(Error::DuplicateColumn {
                    source_name: name,
                    column: c.to_string(),
                });
            }
        }
        if let Some(k) = features.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFiniteFeature {
                feature: feature_names[k % d].clone(),
                sample: k / d,
                value: features[k],
            });
        }
        for t in &targets {
            if t.len() != n {
                return Err(Error::DataShape {
                    what: format!("{name}: samples of target \"{}\"", t.name()),
                    expected: n,
                    found: t.len(),
                });
            }
        }
        if let [only] = targets.as_slice() {
            if let Some(sample) = (0..n).find(|&i| only.is_missing(i)) {
                return Err(Error::InvalidTarget {
                    target: only.name().to_string(),
                    sample,
                    reason: "missing label (only multi-task targets may have missing labels)"
                        .to_string(),
                });
            }
        }
        Ok(Dataset {
            name,
            feature_names,
            features,
            n_samples: n,
            targets,
            skipped_lines: Vec::new(),
        })
    }

    /// Records the file lines that were skipped when loading (see
    /// [`CsvOptions::drop_incomplete_rows`](super::CsvOptions::drop_incomplete_rows)).
    pub(crate) fn with_skipped_lines(mut self, lines: Vec<u64>) -> Dataset {
        self.skipped_lines = lines;
        self
    }

    /// The data set's name (an embedded name, or the CSV file's path).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The number of samples n.
    pub fn n_samples(&self) -> usize {
        self.n_samples
    }

    /// The number of features d.
    pub fn n_features(&self) -> usize {
        self.feature_names.len()
    }

    /// The feature names, in column order.
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// All features, n×d row-major.
    pub fn features(&self) -> &[f64] {
        &self.features
    }

    /// All features, mutable (for in-place standardisation).
    pub fn features_mut(&mut self) -> &mut [f64] {
        &mut self.features
    }

    /// The features of sample `i`.
    ///
    /// # Panics
    /// When `i ≥ n`.
    #[track_caller]
    pub fn row(&self, i: usize) -> &[f64] {
        let d = self.n_features();
        &self.features[i * d..(i + 1) * d]
    }

    /// The targets, in declaration order.
    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// Whether the data set has more than one target.
    pub fn is_multi_task(&self) -> bool {
        self.targets.len() > 1
    }

    /// The target named `name`.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`] listing the targets there are.
    pub fn target(&self, name: &str) -> Result<&Target> {
        self.targets
            .iter()
            .find(|t| t.name() == name)
            .ok_or_else(|| Error::UnknownColumn {
                source_name: self.name.clone(),
                column: name.to_string(),
                available: self.targets.iter().map(|t| t.name().to_string()).collect(),
            })
    }

    /// The lines of the source file that were skipped because they were incomplete (counted from
    /// 1 with the header as line 1; empty unless loading was asked to drop such rows).
    pub fn skipped_lines(&self) -> &[u64] {
        &self.skipped_lines
    }

    /// The samples `indices`, in that order (repeats allowed), as a new data set with the same
    /// name, features and targets.
    ///
    /// # Errors
    /// [`Error::SampleIndex`] when an index is out of range.
    pub fn subset(&self, indices: &[usize]) -> Result<Dataset> {
        let n = self.n_samples;
        if let Some(&index) = indices.iter().find(|&&i| i >= n) {
            return Err(Error::SampleIndex {
                index,
                n_samples: n,
            });
        }
        let d = self.n_features();
        let mut features = Vec::with_capacity(indices.len() * d);
        for &i in indices {
            features.extend_from_slice(&self.features[i * d..(i + 1) * d]);
        }
        Ok(Dataset {
            name: self.name.clone(),
            feature_names: self.feature_names.clone(),
            features,
            n_samples: indices.len(),
            targets: self
                .targets
                .iter()
                .map(|t| t.subset(indices))
                .collect::<Result<_>>()?,
            skipped_lines: self.skipped_lines.clone(),
        })
    }

    /// The data set with only the targets `names`, in that order (e.g. one task of a multi-task
    /// data set, to train a single-task network on it). When one target is kept, the samples whose
    /// label is missing are left out, since a single-task data set has every label.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`] when a name is not a target (the error lists the targets);
    /// [`Error::DuplicateColumn`] when a name repeats.
    pub fn select_targets(&self, names: &[String]) -> Result<Dataset> {
        let targets = names
            .iter()
            .map(|n| self.target(n).cloned())
            .collect::<Result<Vec<_>>>()?;
        let keep: Vec<usize> = match targets.as_slice() {
            [only] => (0..self.n_samples)
                .filter(|&i| !only.is_missing(i))
                .collect(),
            _ => (0..self.n_samples).collect(),
        };
        let targets = targets
            .iter()
            .map(|t| t.subset(&keep))
            .collect::<Result<Vec<_>>>()?;
        let d = self.n_features();
        let mut features = Vec::with_capacity(keep.len() * d);
        for &i in &keep {
            features.extend_from_slice(self.row(i));
        }
        let out = Dataset::new(
            self.name.clone(),
            self.feature_names.clone(),
            features,
            targets,
        )?;
        Ok(out.with_skipped_lines(self.skipped_lines.clone()))
    }

    /// The features reordered (and possibly reduced) to the columns `names`, e.g. the features a
    /// saved model was trained on; targets are kept.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`] when a name is not a feature of this data set;
    /// [`Error::DuplicateColumn`] when a name repeats.
    pub fn select_features(&self, names: &[String]) -> Result<Dataset> {
        let cols = names
            .iter()
            .map(|c| {
                self.feature_names
                    .iter()
                    .position(|f| f == c)
                    .ok_or_else(|| Error::UnknownColumn {
                        source_name: self.name.clone(),
                        column: c.clone(),
                        available: self.feature_names.clone(),
                    })
            })
            .collect::<Result<Vec<_>>>()?;
        let d = self.n_features();
        let mut features = Vec::with_capacity(self.n_samples * cols.len());
        for i in 0..self.n_samples {
            features.extend(cols.iter().map(|&j| self.features[i * d + j]));
        }
        let mut out = Dataset::new(
            self.name.clone(),
            names.to_vec(),
            features,
            self.targets.clone(),
        )?;
        out.skipped_lines = self.skipped_lines.clone();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn toy() -> Dataset {
        let y = Target::classes("y", names(&["a", "b"]), vec![Some(0), Some(1), Some(1)]).unwrap();
        Dataset::new(
            "toy",
            names(&["p", "q"]),
            vec![1., 2., 3., 4., 5., 6.],
            vec![y],
        )
        .unwrap()
    }

    #[test]
    fn shape_and_rows() {
        let ds = toy();
        assert_eq!((ds.n_samples(), ds.n_features()), (3, 2));
        assert_eq!(ds.row(2), &[5., 6.]);
        assert!(!ds.is_multi_task());
        assert_eq!(ds.target("y").unwrap().n_classes(), 2);
        let e = ds.target("z").unwrap_err().to_string();
        assert!(e.contains("\"z\"") && e.contains("available: y"), "{e}");
    }

    #[test]
    fn subset_and_select() {
        let ds = toy();
        let s = ds.subset(&[2, 0]).unwrap();
        assert_eq!(s.features(), &[5., 6., 1., 2.]);
        assert_eq!(s.targets()[0].label(0), Some(1));
        assert!(matches!(
            ds.subset(&[0, 3]),
            Err(Error::SampleIndex { index: 3, .. })
        ));
        let q = ds.select_features(&names(&["q"])).unwrap();
        assert_eq!(q.features(), &[2., 4., 6.]);
        let e = ds.select_features(&names(&["r"])).unwrap_err().to_string();
        assert!(e.contains("available: p, q"), "{e}");
        assert!(matches!(
            ds.select_features(&names(&["q", "q"])),
            Err(Error::DuplicateColumn { .. })
        ));
    }

    #[test]
    fn construction_errors() {
        let y = |n: usize| Target::regression("y", vec![Some(0.0); n]).unwrap();
        let e = Dataset::new("t", vec![], vec![], vec![]).unwrap_err();
        assert!(matches!(e, Error::EmptyData { .. }));
        let e = Dataset::new("t", names(&["a", "b"]), vec![1., 2., 3.], vec![]).unwrap_err();
        assert!(matches!(e, Error::DataShape { found: 3, .. }), "{e}");
        let e = Dataset::new("t", names(&["a"]), vec![1., 2.], vec![y(3)]).unwrap_err();
        assert!(
            matches!(
                e,
                Error::DataShape {
                    expected: 2,
                    found: 3,
                    ..
                }
            ),
            "{e}"
        );
        let e = Dataset::new("t", names(&["a", "b"]), vec![1., f64::INFINITY], vec![]).unwrap_err();
        assert!(
            matches!(e, Error::NonFiniteFeature { sample: 0, .. }),
            "{e}"
        );
        assert!(e.to_string().contains("\"b\""));
        let e = Dataset::new("t", names(&["y"]), vec![1.], vec![y(1)]).unwrap_err();
        assert!(matches!(e, Error::DuplicateColumn { .. }), "{e}");
        let missing = Target::regression("y", vec![Some(1.0), None]).unwrap();
        let e = Dataset::new("t", names(&["a"]), vec![1., 2.], vec![missing.clone()]).unwrap_err();
        assert!(matches!(e, Error::InvalidTarget { sample: 1, .. }), "{e}");
        let other = Target::regression("z", vec![None, Some(2.0)]).unwrap();
        let ok = Dataset::new("t", names(&["a"]), vec![1., 2.], vec![missing, other]).unwrap();
        assert!(ok.is_multi_task());
    }
}
