//! One call from a data set to what training reads: the target picked, rows without a target
//! value left out, a seeded train / validation / test split, the features standardised with the
//! training part's statistics, and the objective fitted on the training part — as `nabla train`,
//! `nabla lr-find` and the browser's `nabla.train` and Playground prepare their data.
//!
//! ```
//! use nabla_nn::data::prepare::{tensors, Preparation, Prepared};
//! use nabla_nn::data::Dataset;
//! let iris = Dataset::by_name("iris").unwrap();
//! let prepared = Prepared::new(iris, &Preparation::default()).unwrap();
//! assert_eq!(prepared.target, "species");
//! let (x, y) = tensors::<f32>(&prepared.split.train, prepared.objective).unwrap();
//! assert_eq!((x.shape(), y.shape()), (&[112, 4][..], &[112][..]));
//! ```
//!
//! Errors name the setting at fault as `nabla train` spells it (`--target`, `--test-fraction`);
//! the browser's options are the same flags.

use nabla_tensor::{Float, Tensor};

use super::{trainable, Dataset, SplitConfig, SplitData, Standardizer, Target};
use crate::train::Objective;
use crate::{Error, Result};

/// How to prepare a data set.
#[derive(Clone, Debug, PartialEq)]
pub struct Preparation {
    /// The target column to predict (`None`: the data set's first target).
    pub target: Option<String>,
    /// The fraction of rows held out for testing, in (0, 1).
    pub test_fraction: f64,
    /// The fraction held out for validation, in [0, 1) (0: no validation part).
    pub validation_fraction: f64,
    /// Seeds the split.
    pub seed: u64,
    /// Standardise the features with the training part's mean and standard deviation (false:
    /// keep them, e.g. two-dimensional points drawn in their own units).
    pub standardize: bool,
}

impl Default for Preparation {
    fn default() -> Self {
        Self {
            target: None,
            test_fraction: 0.25,
            validation_fraction: 0.0,
            seed: 0,
            standardize: true,
        }
    }
}

/// A data set ready to train on.
#[derive(Clone, Debug, PartialEq)]
pub struct Prepared {
    /// The data set's name.
    pub name: String,
    /// The target column trained on.
    pub target: String,
    /// What the network predicts, fitted on the training part.
    pub objective: Objective,
    /// The parts, features standardised (unless [`Preparation::standardize`] is off).
    pub split: SplitData,
    /// The feature scaling fitted on the training part (the identity when not standardised);
    /// a saved model keeps it.
    pub standardizer: Standardizer,
    /// Rows left out for having no target value.
    pub dropped: usize,
    /// Warnings about the data that do not stop training, one line each naming the data set
    /// and the column (a constant regression target: [`trainable::check`]); a front-end shows
    /// them.
    pub warnings: Vec<String>,
}

/// Why a data set could not be prepared; the message names the setting at fault.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    /// The target named is not one of the data set's.
    #[error("--target: {dataset} has no target column '{wanted}' (targets: {known})")]
    UnknownTarget {
        /// The data set.
        dataset: String,
        /// The name asked for.
        wanted: String,
        /// Its targets, comma-separated.
        known: String,
    },
    /// The data set has no target at all.
    #[error("--target: {dataset} has no target column")]
    NoTarget {
        /// The data set.
        dataset: String,
    },
    /// The split fractions do not fit the data.
    #[error("--test-fraction/--validation-fraction: {0}")]
    Split(Error),
    /// A multi-task part without one row labelled for a task.
    #[error("--task {task}: no {part} row has a label; {remedy}")]
    NoLabels {
        /// The task.
        task: String,
        /// `training` or `test`.
        part: &'static str,
        /// What to change.
        remedy: &'static str,
    },
    /// Anything else (a target without values, a classification target of one class,
    /// non-finite features).
    #[error(transparent)]
    Data(#[from] Error),
}

impl Prepared {
    /// Prepares `dataset` as `config` says; see the [module docs](self).
    ///
    /// # Errors
    /// An unknown target, split fractions that do not fit, a target value that is missing in
    /// every row, a classification target whose rows hold one class, non-finite features.
    pub fn new(dataset: Dataset, config: &Preparation) -> std::result::Result<Self, PrepareError> {
        let target = pick_target(&dataset, config.target.as_deref())?;
        let dropped = dataset.target(&target)?.missing_count();
        // Keeping one target leaves out the rows without its value.
        let dataset = dataset.select_targets(std::slice::from_ref(&target))?;
        let warnings = trainable::check(&dataset)?;
        let (split, standardizer) = split_standardized(&dataset, config)?;
        let objective = Objective::fit(&split.train.targets()[0]);
        Ok(Self {
            name: dataset.name().to_string(),
            target,
            objective,
            split,
            standardizer,
            dropped,
            warnings,
        })
    }
}

/// The seeded split of `dataset` (every target kept), its features standardised with the
/// training part's statistics when `config.standardize` (the identity scaling otherwise).
///
/// Every target is checked first ([`trainable::check`]; its warnings are for the caller to
/// get from it).
///
/// # Errors
/// A classification target of one class; split fractions that do not fit the data; non-finite
/// features.
pub fn split_standardized(
    dataset: &Dataset,
    config: &Preparation,
) -> std::result::Result<(SplitData, Standardizer), PrepareError> {
    trainable::check(dataset)?;
    let split_config = SplitConfig {
        test_fraction: config.test_fraction,
        validation_fraction: config.validation_fraction,
        seed: config.seed,
        stratify_by: None,
    };
    let (_, mut split) = dataset.split(&split_config).map_err(PrepareError::Split)?;
    let standardizer = if config.standardize {
        let s = Standardizer::fit(&split.train)?;
        s.transform(&mut split.train)?;
        s.transform(&mut split.test)?;
        if let Some(v) = split.validation.as_mut() {
            s.transform(v)?;
        }
        s
    } else {
        let d = dataset.n_features();
        Standardizer::from_parts(dataset.feature_names().to_vec(), vec![0.0; d], vec![1.0; d])?
    };
    Ok((split, standardizer))
}

fn pick_target(
    dataset: &Dataset,
    wanted: Option<&str>,
) -> std::result::Result<String, PrepareError> {
    let names: Vec<&str> = dataset.targets().iter().map(Target::name).collect();
    match wanted {
        Some(name) if names.contains(&name) => Ok(name.to_string()),
        Some(name) => Err(PrepareError::UnknownTarget {
            dataset: dataset.name().to_string(),
            wanted: name.to_string(),
            known: names.join(", "),
        }),
        None => names
            .first()
            .map(|n| n.to_string())
            .ok_or_else(|| PrepareError::NoTarget {
                dataset: dataset.name().to_string(),
            }),
    }
}

/// The features `[n, d]` of `part` and its first target as `objective` reads it.
///
/// # Errors
/// [`Error::InvalidTarget`] for a missing target value.
pub fn tensors<T: Float>(part: &Dataset, objective: Objective) -> Result<(Tensor<T>, Tensor<T>)> {
    let x = Tensor::from_f64s(part.features(), &[part.n_samples(), part.n_features()])?;
    let y = objective.targets(&part.targets()[0])?;
    Ok((x, y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_without_a_target_are_left_out_and_counted() {
        let penguins = Dataset::by_name("penguins").unwrap();
        let sex = penguins.target("sex").unwrap().missing_count();
        assert!(sex > 0);
        let config = Preparation {
            target: Some("sex".into()),
            ..Preparation::default()
        };
        let p = Prepared::new(penguins.clone(), &config).unwrap();
        assert_eq!(p.dropped, sex);
        let rows = p.split.train.n_samples() + p.split.test.n_samples();
        assert_eq!(rows, penguins.n_samples() - sex);
        assert_eq!(p.objective, Objective::Binary);
    }

    #[test]
    fn the_training_part_is_standardised_or_kept() {
        let iris = Dataset::by_name("iris").unwrap();
        let p = Prepared::new(iris.clone(), &Preparation::default()).unwrap();
        let d = p.split.train.n_features();
        let n = p.split.train.n_samples() as f64;
        for j in 0..d {
            let mean: f64 = (0..p.split.train.n_samples())
                .map(|i| p.split.train.features()[i * d + j])
                .sum::<f64>()
                / n;
            assert!(mean.abs() < 1e-12, "feature {j}: mean {mean}");
        }
        let kept = Prepared::new(
            iris,
            &Preparation {
                standardize: false,
                ..Preparation::default()
            },
        )
        .unwrap();
        assert_eq!(kept.standardizer.mean(), &[0.0; 4]);
        assert!(kept.split.train.features().iter().all(|&v| v > 0.0)); // iris lengths in cm
    }

    #[test]
    fn errors_name_the_setting() {
        let iris = || Dataset::by_name("iris").unwrap();
        let unknown = Preparation {
            target: Some("colour".into()),
            ..Preparation::default()
        };
        let e = Prepared::new(iris(), &unknown).unwrap_err().to_string();
        assert!(
            e.starts_with("--target: iris has no target column 'colour'"),
            "{e}"
        );
        let split = Preparation {
            test_fraction: 1.5,
            ..Preparation::default()
        };
        let e = Prepared::new(iris(), &split).unwrap_err().to_string();
        assert!(
            e.starts_with("--test-fraction/--validation-fraction: "),
            "{e}"
        );
    }
}
