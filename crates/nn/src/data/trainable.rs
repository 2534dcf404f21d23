//! Whether a data set's targets can be trained on, checked before any training.
//!
//! - A classification target (classes or binary) whose labelled rows all hold one class is an
//!   error naming the data set (the file) and the column: a classifier of one class learns
//!   nothing, and its accuracy would be 1 by construction.
//! - A regression target with one value in every labelled row is a warning: the network can
//!   only learn that constant, and R² does not exist (null in the metrics, with a note).
//!
//! ```
//! use nabla_nn::data::{trainable, Dataset};
//! let iris = Dataset::by_name("iris").unwrap();
//! assert!(trainable::check(&iris).unwrap().is_empty());
//! let setosa = iris.subset(&(0..50).collect::<Vec<_>>()).unwrap(); // the first 50 rows
//! let e = trainable::check(&setosa).unwrap_err().to_string();
//! assert!(e.starts_with("iris: column \"species\" cannot be a classes target"), "{e}");
//! ```

use super::{Dataset, TaskKind};
use crate::{Error, Result};

/// Checks every target of `dataset` (see the [module docs](self)); returns the warnings, one
/// line each, naming the data set and the column.
///
/// # Errors
/// [`Error::TargetKind`] for a classification target whose labelled rows hold one class only.
pub fn check(dataset: &Dataset) -> Result<Vec<String>> {
    let source = dataset.name();
    let mut warnings = Vec::new();
    for target in dataset.targets() {
        match target.kind() {
            TaskKind::Classes | TaskKind::Binary => {
                let counts = target.class_counts();
                let present: Vec<usize> = (0..counts.len()).filter(|&c| counts[c] > 0).collect();
                if let [only] = present[..] {
                    return Err(Error::TargetKind {
                        source_name: source.to_string(),
                        column: target.name().to_string(),
                        kind: target.kind(),
                        reason: format!(
                            "every labelled row ({}) holds the one class \"{}\"; a classifier \
                             needs rows of at least two classes",
                            counts[only],
                            target.class_names()[only]
                        ),
                    });
                }
            }
            TaskKind::Regression => {
                let mut values = (0..target.len()).filter_map(|i| target.value(i));
                if let Some(first) = values.next() {
                    if values.all(|v| v == first) {
                        warnings.push(format!(
                            "{source}: target \"{}\" has the same value ({first}) in every row: \
                             the network can only learn that constant, and R² does not exist \
                             (null)",
                            target.name()
                        ));
                    }
                }
            }
        }
    }
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{CsvOptions, TargetSpec};

    fn csv(text: &str, targets: &[(&str, Option<TaskKind>)]) -> Dataset {
        let options = CsvOptions {
            targets: targets
                .iter()
                .map(|&(c, kind)| TargetSpec::new(c, kind))
                .collect(),
            ..CsvOptions::default()
        };
        Dataset::from_csv_reader("small.csv", text.as_bytes(), &options).unwrap()
    }

    #[test]
    fn a_one_class_target_is_an_error_naming_the_file_and_column() {
        let one_class = "a,label\n1,cat\n2,cat\n3,cat\n";
        for kind in [None, Some(TaskKind::Classes)] {
            let e = check(&csv(one_class, &[("label", kind)]))
                .unwrap_err()
                .to_string();
            assert!(
                e.starts_with("small.csv: column \"label\" cannot be a classes target"),
                "{e}"
            );
            assert!(e.contains("one class \"cat\""), "{e}");
        }
        // A 0/1 column of zeros only may be declared binary; it is still one class.
        let zeros = "a,y\n1,0\n2,0\n";
        let e = check(&csv(zeros, &[("y", Some(TaskKind::Binary))]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("column \"y\" cannot be a binary target"), "{e}");
        // Multi-task: the second task is the one named.
        let two = "a,y,z\n1,p,0.5\n2,q,0.5\n3,p,0.5\n";
        let warnings = check(&csv(two, &[("y", None), ("z", None)])).unwrap();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].starts_with("small.csv: target \"z\" has the same value (0.5)"));
        let e = check(&csv(
            "a,y,z\n1,1.5,k\n2,2.5,k\n",
            &[("y", None), ("z", None)],
        ))
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("small.csv: column \"z\""), "{e}");
    }

    #[test]
    fn an_embedded_subset_of_one_class_is_an_error_and_of_two_is_trainable() {
        let iris = Dataset::by_name("iris").unwrap();
        let labels: Vec<usize> = (0..iris.n_samples())
            .map(|i| iris.targets()[0].label(i).unwrap())
            .collect();
        let of = |class: usize| -> Vec<usize> {
            (0..labels.len()).filter(|&i| labels[i] == class).collect()
        };
        let e = check(&iris.subset(&of(2)).unwrap())
            .unwrap_err()
            .to_string();
        assert!(e.contains("one class \"virginica\""), "{e}");
        let mut two = of(0);
        two.extend(of(1));
        assert!(check(&iris.subset(&two).unwrap()).unwrap().is_empty());
    }
}
