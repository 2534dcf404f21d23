//! Per-class results of a classifier: the confusion matrix and each class's precision, recall,
//! F1 and support, as scikit-learn's `confusion_matrix` and `classification_report` define them.
//!
//! ```text
//! C[i][j]    = rows of true class i predicted as j
//! precision  = C[j][j] / Σ_i C[i][j]     (null when the class is never predicted)
//! recall     = C[j][j] / Σ_k C[j][k]     (null when the class never occurs)
//! F1         = 2·precision·recall / (precision + recall)   (0 when both are 0; null when either is null)
//! support    = Σ_k C[j][k]
//! ```
//!
//! scikit-learn reports 0 with a warning where a ratio has a zero denominator; nabla reports
//! null, a value that does not exist.

use nabla_tensor::{Float, Tensor};

use super::Objective;
use crate::Result;

/// One class's precision, recall, F1 and support.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClassMetrics {
    /// Correct predictions of the class ÷ predictions of it.
    pub precision: Option<f64>,
    /// Correct predictions of the class ÷ rows of it.
    pub recall: Option<f64>,
    /// The harmonic mean of precision and recall.
    pub f1: Option<f64>,
    /// Rows of the class.
    pub support: usize,
}

/// The confusion matrix and per-class metrics of a classifier on one part.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassReport {
    /// `confusion[true][predicted]`.
    pub confusion: Vec<Vec<usize>>,
    /// By class label.
    pub classes: Vec<ClassMetrics>,
}

/// The report of outputs `out` against targets `y` (as [`Objective::targets`] makes them);
/// `None` for regression.
///
/// # Errors
/// Shape errors when `out` does not fit the objective.
pub fn class_report<T: Float>(
    objective: Objective,
    out: &Tensor<T>,
    y: &Tensor<T>,
) -> Result<Option<ClassReport>> {
    let (k, predicted): (usize, Vec<usize>) = match objective {
        Objective::Classes { classes } => (classes, out.argmax(1)?),
        Objective::Binary => (
            2,
            out.data()
                .iter()
                .map(|&o| usize::from(o > T::zero()))
                .collect(),
        ),
        Objective::Regression { .. } => return Ok(None),
    };
    let mut confusion = vec![vec![0usize; k]; k];
    for (&p, &t) in predicted.iter().zip(y.data()) {
        let t = Float::to_f64(t) as usize;
        if t < k && p < k {
            confusion[t][p] += 1;
        }
    }
    let ratio = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
    let classes = (0..k)
        .map(|j| {
            let support: usize = confusion[j].iter().sum();
            let predicted: usize = confusion.iter().map(|row| row[j]).sum();
            let precision = ratio(confusion[j][j], predicted);
            let recall = ratio(confusion[j][j], support);
            let f1 = match (precision, recall) {
                (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
                (Some(_), Some(_)) => Some(0.0),
                _ => None,
            };
            ClassMetrics {
                precision,
                recall,
                f1,
                support,
            }
        })
        .collect();
    Ok(Some(ClassReport { confusion, classes }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_classes_by_hand() {
        // Truth 0 0 1 1 1 2; predicted 0 1 1 1 0 1 (class 2 never predicted).
        let logits = |c: usize| {
            let mut v = [0.0; 3];
            v[c] = 1.0;
            v
        };
        let out: Vec<f64> = [0, 1, 1, 1, 0, 1].iter().flat_map(|&c| logits(c)).collect();
        let out = Tensor::from_vec(out, &[6, 3]).unwrap();
        let y = Tensor::from_vec(vec![0., 0., 1., 1., 1., 2.], &[6]).unwrap();
        let r = class_report(Objective::Classes { classes: 3 }, &out, &y)
            .unwrap()
            .unwrap();
        assert_eq!(
            r.confusion,
            vec![vec![1, 1, 0], vec![1, 2, 0], vec![0, 1, 0]]
        );
        assert_eq!(r.classes[0].precision, Some(0.5));
        assert_eq!(r.classes[0].recall, Some(0.5));
        assert_eq!(r.classes[1].precision, Some(0.5)); // 2 of 4
        assert_eq!(r.classes[1].recall, Some(2.0 / 3.0));
        let f1 = 2.0 * 0.5 * (2.0 / 3.0) / (0.5 + 2.0 / 3.0);
        assert_eq!(r.classes[1].f1, Some(f1));
        assert_eq!(r.classes[2].precision, None);
        assert_eq!(r.classes[2].recall, Some(0.0));
        assert_eq!(r.classes[2].f1, None);
        assert_eq!(r.classes[2].support, 1);
    }

    #[test]
    fn binary_reads_the_logit_sign() {
        let out = Tensor::from_vec(vec![2.0, -1.0, 0.5, -3.0], &[4, 1]).unwrap();
        let y = Tensor::from_vec(vec![1.0, 1.0, 0.0, 0.0], &[4, 1]).unwrap();
        let r = class_report(Objective::Binary, &out, &y).unwrap().unwrap();
        assert_eq!(r.confusion, vec![vec![1, 1], vec![1, 1]]);
        assert!(class_report(
            Objective::Regression {
                mean: 0.0,
                std: 1.0
            },
            &out,
            &y
        )
        .unwrap()
        .is_none());
    }
}
