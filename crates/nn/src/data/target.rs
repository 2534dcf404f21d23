//! A target column: one task's labels or values, with missing entries allowed.
//!
//! Class targets (`classes`, `binary`) store a class index per sample and the class names; a
//! regression target stores a real number per sample. A missing entry is `None`: multi-task data
//! is often incomplete, and a trainer masks the loss of a task where its label is missing.
//!
//! ```
//! use nabla_nn::data::{Target, TaskKind};
//! let t = Target::classes("species", vec!["cat".into(), "dog".into()], vec![Some(1), None, Some(0)])
//!     .unwrap();
//! assert_eq!(t.kind(), TaskKind::Classes);
//! assert_eq!(t.label(0), Some(1));
//! assert_eq!(t.value(2), Some(0.0));
//! assert_eq!(t.missing_count(), 1);
//! ```

use serde::{Deserialize, Serialize};

use super::TaskKind;
use crate::{Error, Result};

/// The per-sample entries of a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetValues {
    /// Class indices into the target's class names (classes and binary targets).
    Labels(Vec<Option<usize>>),
    /// Real numbers (regression targets).
    Numbers(Vec<Option<f64>>),
}

/// One named target column of a data set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    name: String,
    kind: TaskKind,
    classes: Vec<String>,
    values: TargetValues,
}

impl Target {
    /// A `classes` target: `labels[i]` indexes `classes`, `None` marks a missing label.
    ///
    /// # Errors
    /// [`Error::InvalidTarget`] when a label is not below `classes.len()`;
    /// [`Error::DuplicateColumn`] when a class name appears twice;
    /// [`Error::EmptyData`] when `classes` is empty.
    pub fn classes(
        name: impl Into<String>,
        classes: Vec<String>,
        labels: Vec<Option<usize>>,
    ) -> Result<Target> {
        Target::categorical(name.into(), TaskKind::Classes, classes, labels)
    }

    /// A `binary` target: `classes` holds exactly two names, the negative class (label 0)
    /// first and the positive class (label 1) second.
    ///
    /// # Errors
    /// [`Error::DataShape`] when `classes` does not hold two names; otherwise as
    /// [`Target::classes`].
    pub fn binary(
        name: impl Into<String>,
        classes: [String; 2],
        labels: Vec<Option<usize>>,
    ) -> Result<Target> {
        Target::categorical(name.into(), TaskKind::Binary, classes.to_vec(), labels)
    }

    /// A `regression` target; `None` marks a missing value.
    ///
    /// # Errors
    /// [`Error::InvalidTarget`] when a value is NaN or infinite.
    pub fn regression(name: impl Into<String>, values: Vec<Option<f64>>) -> Result<Target> {
        let name = name.into();
        if let Some((sample, v)) = values
            .iter()
            .enumerate()
            .find_map(|(i, v)| v.filter(|x| !x.is_finite()).map(|x| (i, x)))
        {
            return Err(Error::InvalidTarget {
                target: name,
                sample,
                reason: format!("{v} is not a finite number"),
            });
        }
        Ok(Target {
            name,
            kind: TaskKind::Regression,
            classes: Vec::new(),
            values: TargetValues::Numbers(values),
        })
    }

    fn categorical(
        name: String,
        kind: TaskKind,
        classes: Vec<String>,
        labels: Vec<Option<usize>>,
    ) -> Result<Target> {
        if classes.is_empty() {
            return Err(Error::EmptyData {
                source_name: name,
                reason: "a class target needs at least one class name",
            });
        }
        if kind == TaskKind::Binary && classes.len() != 2 {
            return Err(Error::DataShape {
                what: format!("class names of binary target \"{name}\""),
                expected: 2,
                found: classes.len(),
            });
        }
        for (i, c) in classes.iter().enumerate() {
            if classes[..i].contains(c) {
                return Err(Error::DuplicateColumn {
                    source_name: name,
                    column: c.clone(),
                });
            }
        }
        if let Some((sample, label)) = labels
            .iter()
            .enumerate()
            .find_map(|(i, l)| l.filter(|&l| l >= classes.len()).map(|l| (i, l)))
        {
            return Err(Error::InvalidTarget {
                target: name,
                sample,
                reason: format!(
                    "class index {label} is out of range for {} classes",
                    classes.len()
                ),
            });
        }
        Ok(Target {
            name,
            kind,
            classes,
            values: TargetValues::Labels(labels),
        })
    }

    /// The target's name (its column name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The task kind.
    pub fn kind(&self) -> TaskKind {
        self.kind
    }

    /// The class names, indexed by label (empty for regression). For a binary target the
    /// second name is the positive class (label 1).
    pub fn class_names(&self) -> &[String] {
        &self.classes
    }

    /// The number of classes (0 for regression).
    pub fn n_classes(&self) -> usize {
        self.classes.len()
    }

    /// The per-sample entries.
    pub fn values(&self) -> &TargetValues {
        &self.values
    }

    /// The number of samples.
    pub fn len(&self) -> usize {
        match &self.values {
            TargetValues::Labels(v) => v.len(),
            TargetValues::Numbers(v) => v.len(),
        }
    }

    /// Whether the target has no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The class index of sample `i` (`None` when missing, or for a regression target).
    ///
    /// # Panics
    /// When `i` is out of range.
    #[track_caller]
    pub fn label(&self, i: usize) -> Option<usize> {
        match &self.values {
            TargetValues::Labels(v) => v[i],
            TargetValues::Numbers(v) => {
                assert!(i < v.len(), "sample {i} out of range");
                None
            }
        }
    }

    /// Sample `i` as a number: the class index (0 or 1 for binary) or the regression value;
    /// `None` when missing.
    ///
    /// # Panics
    /// When `i` is out of range.
    #[track_caller]
    pub fn value(&self, i: usize) -> Option<f64> {
        match &self.values {
            TargetValues::Labels(v) => v[i].map(|l| l as f64),
            TargetValues::Numbers(v) => v[i],
        }
    }

    /// Whether sample `i`'s entry is missing.
    ///
    /// # Panics
    /// When `i` is out of range.
    #[track_caller]
    pub fn is_missing(&self, i: usize) -> bool {
        self.value(i).is_none()
    }

    /// The number of missing entries.
    pub fn missing_count(&self) -> usize {
        match &self.values {
            TargetValues::Labels(v) => v.iter().filter(|x| x.is_none()).count(),
            TargetValues::Numbers(v) => v.iter().filter(|x| x.is_none()).count(),
        }
    }

    /// The number of samples in each class, indexed by label (missing labels not counted;
    /// empty for regression).
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.classes.len()];
        if let TargetValues::Labels(v) = &self.values {
            for l in v.iter().flatten() {
                counts[*l] += 1;
            }
        }
        counts
    }

    /// The target restricted to the samples `indices`, in that order.
    ///
    /// # Errors
    /// [`Error::SampleIndex`] when an index is out of range.
    pub fn subset(&self, indices: &[usize]) -> Result<Target> {
        let n = self.len();
        if let Some(&index) = indices.iter().find(|&&i| i >= n) {
            return Err(Error::SampleIndex {
                index,
                n_samples: n,
            });
        }
        let values = match &self.values {
            TargetValues::Labels(v) => {
                TargetValues::Labels(indices.iter().map(|&i| v[i]).collect())
            }
            TargetValues::Numbers(v) => {
                TargetValues::Numbers(indices.iter().map(|&i| v[i]).collect())
            }
        };
        Ok(Target {
            name: self.name.clone(),
            kind: self.kind,
            classes: self.classes.clone(),
            values,
        })
    }

    /// The same labels re-indexed against another list of class names, e.g. the classes a saved
    /// model was trained on, so that label `i` means `classes[i]`. The kind is kept.
    ///
    /// # Errors
    /// [`Error::UnknownClass`] when a class present in this target is not in `classes`;
    /// [`Error::TargetKind`] for a regression target; otherwise as [`Target::classes`].
    pub fn with_classes(&self, classes: &[String]) -> Result<Target> {
        let TargetValues::Labels(labels) = &self.values else {
            return Err(Error::TargetKind {
                source_name: self.name.clone(),
                column: self.name.clone(),
                kind: self.kind,
                reason: "a regression target has no classes to re-index".to_string(),
            });
        };
        let map = self
            .classes
            .iter()
            .map(|c| classes.iter().position(|k| k == c))
            .collect::<Vec<_>>();
        let mut out = Vec::with_capacity(labels.len());
        for l in labels {
            out.push(match l {
                None => None,
                Some(l) => Some(map[*l].ok_or_else(|| Error::UnknownClass {
                    target: self.name.clone(),
                    class: self.classes[*l].clone(),
                    known: classes.to_vec(),
                })?),
            });
        }
        Target::categorical(self.name.clone(), self.kind, classes.to_vec(), out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn accessors_and_counts() {
        let t = Target::classes(
            "c",
            names(&["a", "b", "c"]),
            vec![Some(2), Some(0), None, Some(2)],
        )
        .unwrap();
        assert_eq!(t.len(), 4);
        assert_eq!(t.n_classes(), 3);
        assert_eq!(t.class_counts(), vec![1, 0, 2]);
        assert_eq!(t.missing_count(), 1);
        assert!(t.is_missing(2));
        assert_eq!(t.value(0), Some(2.0));
        let r = Target::regression("y", vec![Some(1.5), None]).unwrap();
        assert_eq!(r.label(0), None);
        assert_eq!(r.value(0), Some(1.5));
        assert!(r.class_counts().is_empty());
    }

    #[test]
    fn rejects_bad_labels_and_values() {
        let e = Target::classes("c", names(&["a"]), vec![Some(1)]).unwrap_err();
        assert!(matches!(e, Error::InvalidTarget { sample: 0, .. }), "{e}");
        let e = Target::classes("c", Vec::new(), vec![]).unwrap_err();
        assert!(matches!(e, Error::EmptyData { .. }), "{e}");
        let e = Target::classes("c", names(&["a", "a"]), vec![]).unwrap_err();
        assert!(matches!(e, Error::DuplicateColumn { .. }), "{e}");
        let e = Target::regression("y", vec![Some(1.0), Some(f64::NAN)]).unwrap_err();
        assert!(matches!(e, Error::InvalidTarget { sample: 1, .. }), "{e}");
        let e = Target::binary("b", ["x".into(), "y".into()], vec![Some(2)]).unwrap_err();
        assert!(matches!(e, Error::InvalidTarget { .. }), "{e}");
    }

    #[test]
    fn subset_keeps_order_and_checks_range() {
        let t = Target::regression("y", vec![Some(0.0), Some(1.0), None]).unwrap();
        let s = t.subset(&[2, 0, 0]).unwrap();
        assert_eq!(
            s.values(),
            &TargetValues::Numbers(vec![None, Some(0.0), Some(0.0)])
        );
        assert!(matches!(
            t.subset(&[3]),
            Err(Error::SampleIndex {
                index: 3,
                n_samples: 3
            })
        ));
    }

    #[test]
    fn with_classes_reindexes() {
        let t = Target::classes("c", names(&["b", "c"]), vec![Some(0), None, Some(1)]).unwrap();
        let r = t.with_classes(&names(&["a", "b", "c"])).unwrap();
        assert_eq!(
            r.values(),
            &TargetValues::Labels(vec![Some(1), None, Some(2)])
        );
        let e = t.with_classes(&names(&["a", "b"])).unwrap_err();
        assert!(e.to_string().contains("class \"c\""), "{e}");
        let y = Target::regression("y", vec![]).unwrap();
        assert!(y.with_classes(&names(&["a"])).is_err());
    }
}
