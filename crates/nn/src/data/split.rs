//! Seeded train / validation / test splits, optionally stratified by a class target.
//!
//! The sizes follow scikit-learn's `train_test_split` for a float `test_size`:
//!
//! ```text
//! n_test       = ⌈test_fraction · n⌉
//! n_validation = ⌈validation_fraction · n⌉   (0 when validation_fraction = 0)
//! n_train      = n − n_test − n_validation
//! ```
//!
//! with `0 < test_fraction < 1`, `0 ≤ validation_fraction < 1`, their sum below 1, and every
//! requested part non-empty. Unstratified, the indices `0..n` are shuffled (Fisher–Yates on the
//! ChaCha8 stream of [`shuffle`](super::shuffle) for `(seed, split)`) and cut in that order:
//! the first `n_test` are the test part, the next `n_validation` the validation part, the rest
//! the training part (scikit-learn's `ShuffleSplit` cuts its permutation the same way, though its
//! permutation comes from NumPy's generator, so the samples chosen differ).
//!
//! Stratified by a class target, each class c with `n_c` samples (missing labels form one more
//! stratum) gets a share of each part by largest remainders:
//!
//! ```text
//! quota_c = n_part · n_c / n;  t_c = ⌊quota_c⌋, then the remaining n_part − Σ t_c samples go one
//! each to the strata with the largest fractional parts (ties: lower class index first)
//! ```
//!
//! Each stratum's indices are shuffled and cut test / validation / train; each part is then
//! shuffled so classes are interleaved. (scikit-learn's `StratifiedShuffleSplit` breaks ties
//! at random; nabla's tie-break is deterministic.)
//!
//! ```
//! use nabla_nn::data::{Split, SplitConfig};
//! let split = Split::of_size(10, &SplitConfig { seed: 3, ..SplitConfig::default() }).unwrap();
//! assert_eq!((split.train.len(), split.test.len()), (7, 3));
//! ```

use super::shuffle::{seeded_rng, shuffle, Purpose};
use super::{Dataset, TargetValues};
use crate::{Error, Result};

/// How to split a data set.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitConfig {
    /// The fraction of samples held out for testing, in (0, 1). Default 0.25.
    pub test_fraction: f64,
    /// The fraction held out for validation, in [0, 1); 0 (the default) means no validation part.
    pub validation_fraction: f64,
    /// The seed of the shuffle. Default 0.
    pub seed: u64,
    /// The class target to stratify by, or `None` (the default) for a plain shuffle.
    pub stratify_by: Option<String>,
}

impl Default for SplitConfig {
    fn default() -> Self {
        SplitConfig {
            test_fraction: 0.25,
            validation_fraction: 0.0,
            seed: 0,
            stratify_by: None,
        }
    }
}

impl SplitConfig {
    /// The part sizes `(n_train, n_validation, n_test)` for `n` samples.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a fraction out of range (or NaN) or fractions summing to
    /// 1 or more; [`Error::EmptySplit`] when the training or test part would be empty.
    pub fn sizes(&self, n: usize) -> Result<(usize, usize, usize)> {
        let (t, v) = (self.test_fraction, self.validation_fraction);
        if !(t > 0.0 && t < 1.0) {
            return Err(Error::InvalidParameter {
                name: "test_fraction",
                value: t,
                reason: "must be greater than 0 and less than 1",
            });
        }
        if !(0.0..1.0).contains(&v) {
            return Err(Error::InvalidParameter {
                name: "validation_fraction",
                value: v,
                reason: "must be at least 0 and less than 1",
            });
        }
        if t + v >= 1.0 {
            return Err(Error::InvalidParameter {
                name: "validation_fraction",
                value: v,
                reason: "test_fraction + validation_fraction must be less than 1",
            });
        }
        let n_test = (t * n as f64).ceil() as usize;
        let n_val = (v * n as f64).ceil() as usize;
        if n_test == 0 {
            return Err(Error::EmptySplit {
                part: "test",
                n_samples: n,
            });
        }
        match n.checked_sub(n_test + n_val) {
            Some(n_train) if n_train > 0 => Ok((n_train, n_val, n_test)),
            _ => Err(Error::EmptySplit {
                part: "train",
                n_samples: n,
            }),
        }
    }
}

/// The sample indices of each part, in shuffled order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The training samples.
    pub train: Vec<usize>,
    /// The validation samples (empty when no validation part was asked for).
    pub validation: Vec<usize>,
    /// The test samples.
    pub test: Vec<usize>,
}

/// A data set cut into its parts.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitData {
    /// The training part.
    pub train: Dataset,
    /// The validation part, when one was asked for.
    pub validation: Option<Dataset>,
    /// The test part.
    pub test: Dataset,
}

impl Split {
    /// An unstratified split of `n` samples (`config.stratify_by` must be `None`).
    ///
    /// # Errors
    /// As [`SplitConfig::sizes`]; [`Error::UnknownColumn`] when `stratify_by` is set (there are no
    /// labels to stratify by).
    pub fn of_size(n: usize, config: &SplitConfig) -> Result<Split> {
        if let Some(column) = &config.stratify_by {
            return Err(Error::UnknownColumn {
                source_name: format!("{n} unlabelled samples"),
                column: column.clone(),
                available: Vec::new(),
            });
        }
        let (_, n_val, n_test) = config.sizes(n)?;
        let mut rng = seeded_rng(config.seed, Purpose::Split, 0);
        let mut order: Vec<usize> = (0..n).collect();
        shuffle(&mut order, &mut rng);
        let train = order.split_off(n_test + n_val);
        let validation = order.split_off(n_test);
        Ok(Split {
            train,
            validation,
            test: order,
        })
    }

    /// Splits `dataset` as `config` says (see the [module docs](self)).
    ///
    /// # Errors
    /// As [`SplitConfig::sizes`]; [`Error::UnknownColumn`] when `stratify_by` names no target;
    /// [`Error::TargetKind`] when it names a regression target.
    pub fn new(dataset: &Dataset, config: &SplitConfig) -> Result<Split> {
        let Some(column) = &config.stratify_by else {
            return Split::of_size(dataset.n_samples(), config);
        };
        let target = dataset.target(column)?;
        let TargetValues::Labels(labels) = target.values() else {
            return Err(Error::TargetKind {
                source_name: dataset.name().to_string(),
                column: column.clone(),
                kind: target.kind(),
                reason: "stratification needs class labels".to_string(),
            });
        };
        let n = dataset.n_samples();
        let (_, n_val, n_test) = config.sizes(n)?;
        let k = target.n_classes();
        // Strata: one per class, then one for missing labels.
        let mut strata: Vec<Vec<usize>> = vec![Vec::new(); k + 1];
        for (i, l) in labels.iter().enumerate() {
            strata[l.unwrap_or(k)].push(i);
        }
        let sizes: Vec<usize> = strata.iter().map(Vec::len).collect();
        let test_counts = allocate(n_test, &sizes, &sizes);
        let room: Vec<usize> = sizes.iter().zip(&test_counts).map(|(s, t)| s - t).collect();
        let val_counts = allocate(n_val, &sizes, &room);
        let mut rng = seeded_rng(config.seed, Purpose::Split, 0);
        let mut split = Split {
            train: Vec::with_capacity(n - n_test - n_val),
            validation: Vec::with_capacity(n_val),
            test: Vec::with_capacity(n_test),
        };
        for ((mut members, t), v) in strata.into_iter().zip(test_counts).zip(val_counts) {
            shuffle(&mut members, &mut rng);
            split.test.extend_from_slice(&members[..t]);
            split.validation.extend_from_slice(&members[t..t + v]);
            split.train.extend_from_slice(&members[t + v..]);
        }
        shuffle(&mut split.test, &mut rng);
        shuffle(&mut split.validation, &mut rng);
        shuffle(&mut split.train, &mut rng);
        Ok(split)
    }

    /// The parts of `dataset` selected by this split.
    ///
    /// # Errors
    /// [`Error::SampleIndex`] when the split was made for a larger data set.
    pub fn apply(&self, dataset: &Dataset) -> Result<SplitData> {
        Ok(SplitData {
            train: dataset.subset(&self.train)?,
            validation: if self.validation.is_empty() {
                None
            } else {
                Some(dataset.subset(&self.validation)?)
            },
            test: dataset.subset(&self.test)?,
        })
    }
}

impl Dataset {
    /// Splits the data set and returns its parts; shorthand for [`Split::new`] then
    /// [`Split::apply`].
    ///
    /// # Errors
    /// As [`Split::new`].
    pub fn split(&self, config: &SplitConfig) -> Result<(Split, SplitData)> {
        let split = Split::new(self, config)?;
        let data = split.apply(self)?;
        Ok((split, data))
    }
}

/// Distributes `total` samples over strata in proportion to `sizes` by largest remainders,
/// never giving a stratum more than its `room`. Ties go to the lower stratum index.
fn allocate(total: usize, sizes: &[usize], room: &[usize]) -> Vec<usize> {
    let n: usize = sizes.iter().sum();
    if n == 0 || total == 0 {
        return vec![0; sizes.len()];
    }
    // quota = total · size / n, computed exactly in integers: floor and remainder.
    let mut counts: Vec<usize> = sizes
        .iter()
        .zip(room)
        .map(|(&s, &r)| (total * s / n).min(r))
        .collect();
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (total * sizes[a] % n, total * sizes[b] % n);
        rb.cmp(&ra).then(a.cmp(&b))
    });
    let mut left = total - counts.iter().sum::<usize>();
    // First pass by largest remainder; later passes (only when rooms bind) fill any stratum
    // with room left, in the same order.
    while left > 0 {
        let before = left;
        for &c in &order {
            if left == 0 {
                break;
            }
            if counts[c] < room[c] {
                counts[c] += 1;
                left -= 1;
            }
        }
        if left == before {
            break;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocate_largest_remainder() {
        // 10 of 30 over sizes 10, 12, 8: quotas 3.33, 4, 2.67 → 3, 4, 3.
        assert_eq!(allocate(10, &[10, 12, 8], &[10, 12, 8]), vec![3, 4, 3]);
        // Ties break toward the lower index: 1 of 2 over 1, 1.
        assert_eq!(allocate(1, &[1, 1], &[1, 1]), vec![1, 0]);
        // Room binds: the second stratum cannot take its share.
        assert_eq!(allocate(4, &[4, 4], &[4, 1]), vec![3, 1]);
        assert_eq!(allocate(0, &[3, 3], &[3, 3]), vec![0, 0]);
    }

    #[test]
    fn sizes_follow_ceiling_rule() {
        let c = |t, v| SplitConfig {
            test_fraction: t,
            validation_fraction: v,
            ..SplitConfig::default()
        };
        assert_eq!(c(0.25, 0.0).sizes(1797).unwrap(), (1347, 0, 450));
        assert_eq!(c(0.2, 0.1).sizes(150).unwrap(), (105, 15, 30));
        assert_eq!(c(0.01, 0.0).sizes(3).unwrap(), (2, 0, 1));
        assert!(matches!(
            c(0.5, 0.0).sizes(1),
            Err(Error::EmptySplit { part: "train", .. })
        ));
        assert!(matches!(
            c(0.5, 0.0).sizes(0),
            Err(Error::EmptySplit { part: "test", .. })
        ));
    }
}
