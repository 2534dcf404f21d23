//! Loss functions on flat slices: each forward beside its backward, with PyTorch's definitions.
//!
//! | loss | input | PyTorch |
//! |------|-------|---------|
//! | [`mse`] | predictions | `F.mse_loss` |
//! | [`bce`] | probabilities in [0, 1] | `F.binary_cross_entropy` (each log clamped at −100) |
//! | [`bce_with_logits`] | logits | `F.binary_cross_entropy_with_logits` |
//! | [`cross_entropy`] | logits `[batch][classes]` | `F.cross_entropy` (class indices or soft targets) |
//!
//! Every forward returns a `Vec`: one number for [`Reduction::Mean`] and [`Reduction::Sum`], or
//! the unreduced losses for [`Reduction::None`] (one per element; one per row for cross-entropy).
//! Every backward takes the upstream gradient `∂J/∂loss` of that same length and writes
//! `∂J/∂input` into `grad`, which has the input's length. PyTorch's default reduction is
//! [`Reduction::Mean`]: over every element for mse and both BCEs, over the batch (rows) for
//! cross-entropy.
//!
//! The per-element formulas, clamps and gradient expressions are PyTorch 2.15's CPU kernels; the
//! golden tests in `tests/loss_golden.rs` hold them to PyTorch within 1e-12 (f64) and 1e-6 (f32).
//! Sums are accumulated in f64 for both element types.
//!
//! ```
//! use nabla_tensor::loss::{cross_entropy, cross_entropy_backward, ClassTarget, Reduction};
//!
//! // Two samples, three classes; targets given as class indices.
//! let logits = [2.0_f64, 1.0, 0.1, 0.5, 2.5, 0.3];
//! let target = ClassTarget::Indices(&[0, 1]);
//! let loss = cross_entropy(&logits, 3, target, Reduction::Mean).unwrap();
//! let mut grad = [0.0; 6];
//! cross_entropy_backward(&logits, 3, target, Reduction::Mean, &[1.0], &mut grad).unwrap();
//! // Each row of the gradient is (softmax − one_hot)/batch, so it sums to zero.
//! assert!((grad[0] + grad[1] + grad[2]).abs() < 1e-15);
//! assert!(loss[0] > 0.0);
//! ```

use crate::{Error, Float, Result};

/// How a loss combines its per-element (or per-row) values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Reduction {
    /// The mean: over every element (mse, bce, bce_with_logits) or every row (cross-entropy).
    /// PyTorch's default.
    #[default]
    Mean,
    /// The sum.
    Sum,
    /// No reduction: one loss per element (per row for cross-entropy).
    None,
}

impl Reduction {
    /// PyTorch's spelling: `"mean"`, `"sum"` or `"none"`.
    pub fn name(self) -> &'static str {
        match self {
            Reduction::Mean => "mean",
            Reduction::Sum => "sum",
            Reduction::None => "none",
        }
    }
}

/// Targets for [`cross_entropy`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ClassTarget<'a, T> {
    /// One class index per row (PyTorch's `LongTensor` targets).
    Indices(&'a [usize]),
    /// A non-negative target vector per row, laid out like the logits (`[batch][classes]`):
    /// one-hot rows, probabilities, or any non-negative weights.
    Probabilities(&'a [T]),
}

/// The PyTorch clamp on each BCE log term.
const LOG_FLOOR: f64 = -100.0;

/// PyTorch's BCE-gradient floor: `1e-12` as an f32 constant (9.9999999600419720e-13), even for
/// f64 tensors.
fn bce_eps<T: Float>() -> T {
    T::from_f64(f64::from(1e-12_f32))
}

fn check_same_len(op: &'static str, a: usize, b: usize) -> Result<()> {
    if a == b {
        Ok(())
    } else {
        Err(Error::ShapeMismatch {
            op,
            lhs: vec![a],
            rhs: vec![b],
        })
    }
}

/// Checks `upstream` (`1` for a reduced loss, `n` for [`Reduction::None`]) and `grad` (`len`).
fn check_backward<T>(
    op: &'static str,
    reduction: Reduction,
    n: usize,
    upstream: &[T],
    len: usize,
    grad: &[T],
) -> Result<()> {
    let want = if reduction == Reduction::None { n } else { 1 };
    check_same_len(op, upstream.len(), want)?;
    check_same_len(op, grad.len(), len)
}

fn check_nonempty(op: &'static str, n: usize, reduction: Reduction) -> Result<()> {
    if n == 0 && reduction == Reduction::Mean {
        Err(Error::EmptyReduction { op })
    } else {
        Ok(())
    }
}

/// Reduces per-item losses: the sum is accumulated in f64, the mean is that sum (rounded to
/// `T`) divided by the count, as PyTorch divides its sum.
fn reduce<T: Float>(items: Vec<T>, reduction: Reduction) -> Vec<T> {
    match reduction {
        Reduction::None => items,
        Reduction::Sum | Reduction::Mean => {
            let sum = T::from_f64(items.iter().map(|&v| Float::to_f64(v)).sum::<f64>());
            if reduction == Reduction::Sum {
                vec![sum]
            } else {
                vec![sum / T::from_f64(items.len() as f64)]
            }
        }
    }
}

/// The upstream factor for item `i`: `u[i]` unreduced, `u[0]` for a sum, and for a mean `u[0]`
/// with the division by `n` left to the caller (PyTorch divides after the local gradient).
#[inline]
fn upstream_at<T: Float>(upstream: &[T], reduction: Reduction, i: usize) -> T {
    if reduction == Reduction::None {
        upstream[i]
    } else {
        upstream[0]
    }
}

/// Mean squared error.
///
/// ```text
/// ℓᵢ = (predᵢ − targetᵢ)²          J = mean ℓ (default), Σ ℓ, or ℓ itself
/// ```
///
/// # Errors
/// [`Error::ShapeMismatch`] if `pred` and `target` differ in length; [`Error::EmptyReduction`]
/// for the mean of no elements.
pub fn mse<T: Float>(pred: &[T], target: &[T], reduction: Reduction) -> Result<Vec<T>> {
    check_same_len("mse", pred.len(), target.len())?;
    check_nonempty("mse", pred.len(), reduction)?;
    let items = pred
        .iter()
        .zip(target)
        .map(|(&p, &t)| (p - t) * (p - t))
        .collect();
    Ok(reduce(items, reduction))
}

/// Gradient of [`mse`] with respect to `pred`, as PyTorch's `mse_loss_backward`:
///
/// ```text
/// ∂J/∂predᵢ = (2/n)·(predᵢ − targetᵢ)·u   (mean; 2 in place of 2/n for sum, uᵢ for none)
/// ```
///
/// # Errors
/// [`Error::ShapeMismatch`] for inputs of different lengths, an `upstream` that is not of length
/// 1 (reduced) or `n` (unreduced), or a `grad` not of length `n`; [`Error::EmptyReduction`] for
/// the mean of no elements.
pub fn mse_backward<T: Float>(
    pred: &[T],
    target: &[T],
    reduction: Reduction,
    upstream: &[T],
    grad: &mut [T],
) -> Result<()> {
    let n = pred.len();
    check_same_len("mse_backward", n, target.len())?;
    check_nonempty("mse_backward", n, reduction)?;
    check_backward("mse_backward", reduction, n, upstream, n, grad)?;
    let two = T::from_f64(2.0);
    let norm = if reduction == Reduction::Mean {
        two / T::from_f64(n as f64)
    } else {
        two
    };
    for (i, g) in grad.iter_mut().enumerate() {
        *g = norm * (pred[i] - target[i]) * upstream_at(upstream, reduction, i);
    }
    Ok(())
}

fn check_probabilities<T: Float>(op: &'static str, prob: &[T]) -> Result<()> {
    match prob
        .iter()
        .position(|&p| !(p >= T::zero() && p <= T::one()))
    {
        None => Ok(()),
        Some(index) => Err(Error::InvalidInput {
            op,
            index,
            value: Float::to_f64(prob[index]),
            expected: "a probability must lie in [0, 1]",
        }),
    }
}

/// Binary cross-entropy on probabilities, with PyTorch's clamp of each log at −100 (so a
/// probability of exactly 0 or 1 gives a finite loss of at most 100 per element):
///
/// ```text
/// ℓᵢ = (yᵢ − 1)·max(log1p(−pᵢ), −100) − yᵢ·max(log pᵢ, −100)
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] for a probability outside [0, 1] (or NaN), as PyTorch refuses it;
/// [`Error::ShapeMismatch`] if `prob` and `target` differ in length; [`Error::EmptyReduction`]
/// for the mean of no elements.
pub fn bce<T: Float>(prob: &[T], target: &[T], reduction: Reduction) -> Result<Vec<T>> {
    check_same_len("bce", prob.len(), target.len())?;
    check_nonempty("bce", prob.len(), reduction)?;
    check_probabilities("bce", prob)?;
    let floor = T::from_f64(LOG_FLOOR);
    let items = prob
        .iter()
        .zip(target)
        .map(|(&p, &y)| (y - T::one()) * (-p).ln_1p().max(floor) - y * p.ln().max(floor))
        .collect();
    Ok(reduce(items, reduction))
}

/// Gradient of [`bce`] with respect to the probabilities, as PyTorch's
/// `binary_cross_entropy_backward` (whose floor ε is `1e-12` rounded to f32):
///
/// ```text
/// ∂J/∂pᵢ = u·(pᵢ − yᵢ) / max(pᵢ(1 − pᵢ), ε)     then ÷ n for the mean
/// ```
///
/// # Errors
/// As [`bce`], plus [`Error::ShapeMismatch`] for an `upstream` or `grad` of the wrong length.
pub fn bce_backward<T: Float>(
    prob: &[T],
    target: &[T],
    reduction: Reduction,
    upstream: &[T],
    grad: &mut [T],
) -> Result<()> {
    let n = prob.len();
    check_same_len("bce_backward", n, target.len())?;
    check_nonempty("bce_backward", n, reduction)?;
    check_backward("bce_backward", reduction, n, upstream, n, grad)?;
    check_probabilities("bce_backward", prob)?;
    let eps = bce_eps::<T>();
    let count = T::from_f64(n as f64);
    for (i, g) in grad.iter_mut().enumerate() {
        let (p, y) = (prob[i], target[i]);
        let u = upstream_at(upstream, reduction, i);
        let v = u * (p - y) / ((T::one() - p) * p).max(eps);
        *g = if reduction == Reduction::Mean {
            v / count
        } else {
            v
        };
    }
    Ok(())
}

/// `log σ(x) = min(x, 0) − log1p(e^(−|x|))`, stable for every finite x.
#[inline]
fn log_sigmoid<T: Float>(x: T) -> T {
    x.min(T::zero()) - (-x.abs()).exp().ln_1p()
}

/// Binary cross-entropy on logits, PyTorch's stable form (finite at ±1e4 and beyond):
///
/// ```text
/// ℓᵢ = (1 − yᵢ)·xᵢ − log σ(xᵢ),   log σ(x) = min(x, 0) − log1p(e^(−|x|))
/// ```
///
/// # Errors
/// [`Error::ShapeMismatch`] if `logits` and `target` differ in length; [`Error::EmptyReduction`]
/// for the mean of no elements.
pub fn bce_with_logits<T: Float>(
    logits: &[T],
    target: &[T],
    reduction: Reduction,
) -> Result<Vec<T>> {
    check_same_len("bce_with_logits", logits.len(), target.len())?;
    check_nonempty("bce_with_logits", logits.len(), reduction)?;
    let items = logits
        .iter()
        .zip(target)
        .map(|(&x, &y)| (T::one() - y) * x - log_sigmoid(x))
        .collect();
    Ok(reduce(items, reduction))
}

/// Gradient of [`bce_with_logits`] with respect to the logits:
///
/// ```text
/// ∂J/∂xᵢ = (σ(xᵢ) − yᵢ)·u     then ÷ n for the mean
/// ```
///
/// # Errors
/// As [`bce_with_logits`], plus [`Error::ShapeMismatch`] for an `upstream` or `grad` of the
/// wrong length.
pub fn bce_with_logits_backward<T: Float>(
    logits: &[T],
    target: &[T],
    reduction: Reduction,
    upstream: &[T],
    grad: &mut [T],
) -> Result<()> {
    let n = logits.len();
    check_same_len("bce_with_logits_backward", n, target.len())?;
    check_nonempty("bce_with_logits_backward", n, reduction)?;
    check_backward("bce_with_logits_backward", reduction, n, upstream, n, grad)?;
    let count = T::from_f64(n as f64);
    for (i, g) in grad.iter_mut().enumerate() {
        let s = T::one() / (T::one() + (-logits[i]).exp());
        let v = (s - target[i]) * upstream_at(upstream, reduction, i);
        *g = if reduction == Reduction::Mean {
            v / count
        } else {
            v
        };
    }
    Ok(())
}

/// Validates the cross-entropy layout and targets; returns the number of rows.
fn check_cross_entropy<T: Float>(
    op: &'static str,
    logits: &[T],
    classes: usize,
    target: ClassTarget<'_, T>,
) -> Result<usize> {
    if classes == 0 || logits.len() % classes != 0 {
        return Err(Error::ElementCount {
            op,
            len: logits.len(),
            shape: vec![logits.len() / classes.max(1), classes],
        });
    }
    let rows = logits.len() / classes;
    match target {
        ClassTarget::Indices(idx) => {
            check_same_len(op, idx.len(), rows)?;
            if let Some(&index) = idx.iter().find(|&&k| k >= classes) {
                return Err(Error::IndexOutOfRange {
                    op,
                    index,
                    size: classes,
                });
            }
        }
        ClassTarget::Probabilities(p) => {
            check_same_len(op, p.len(), logits.len())?;
            if let Some(index) = p.iter().position(|&v| !(v >= T::zero() && v.is_finite())) {
                return Err(Error::InvalidInput {
                    op,
                    index,
                    value: Float::to_f64(p[index]),
                    expected: "a target must be finite and non-negative",
                });
            }
        }
    }
    Ok(rows)
}

/// One row's log-softmax pieces, as PyTorch's CPU kernel forms them:
/// `log_softmax(x)ⱼ = (xⱼ − max) − ln Σₖ e^(xₖ − max)`. Returns `(max, ln Σ)`.
#[inline]
fn log_softmax_shift<T: Float>(row: &[T]) -> (T, T) {
    let max = row.iter().copied().fold(T::neg_infinity(), T::max);
    let sum: T = row.iter().map(|&v| (v - max).exp()).sum();
    (max, sum.ln())
}

/// Softmax cross-entropy from logits laid out `[batch][classes]` (row-major), with class-index
/// or soft (any non-negative) targets, as PyTorch's `F.cross_entropy`:
///
/// ```text
/// log ŷ = log_softmax(x) per row
/// ℓ_b = −log ŷ_{b, t_b}                 (class indices)
/// ℓ_b = −Σⱼ y_{bj}·log ŷ_{bj}           (target vectors)
/// J = mean over rows (default), Σ, or ℓ per row
/// ```
///
/// # Errors
/// [`Error::ElementCount`] if `classes` is 0 or does not divide `logits.len()`;
/// [`Error::ShapeMismatch`] for one index per row or one target per logit not given;
/// [`Error::IndexOutOfRange`] for a class index `≥ classes`; [`Error::InvalidInput`] for a
/// negative or non-finite target; [`Error::EmptyReduction`] for the mean of no rows.
pub fn cross_entropy<T: Float>(
    logits: &[T],
    classes: usize,
    target: ClassTarget<'_, T>,
    reduction: Reduction,
) -> Result<Vec<T>> {
    let rows = check_cross_entropy("cross_entropy", logits, classes, target)?;
    check_nonempty("cross_entropy", rows, reduction)?;
    let items = logits
        .chunks_exact(classes)
        .enumerate()
        .map(|(b, row)| {
            let (max, log_sum) = log_softmax_shift(row);
            match target {
                ClassTarget::Indices(idx) => -((row[idx[b]] - max) - log_sum),
                ClassTarget::Probabilities(p) => {
                    let y = &p[b * classes..(b + 1) * classes];
                    let s: f64 = row
                        .iter()
                        .zip(y)
                        .map(|(&x, &w)| Float::to_f64(((x - max) - log_sum) * w))
                        .sum();
                    -T::from_f64(s)
                }
            }
        })
        .collect();
    Ok(reduce(items, reduction))
}

/// Gradient of [`cross_entropy`] with respect to the logits, as PyTorch's autograd forms it
/// (the loss's gradient `gⱼ` on `log ŷ`, then log-softmax's backward `gⱼ − ŷⱼ·Σₖ gₖ`):
///
/// ```text
/// ∂J/∂x_{bj} = w_b·(ŷ_{bj}·Σₖ y_{bk} − y_{bj})     w_b = u/batch (mean), u (sum), u_b (none)
/// ```
///
/// which is `w_b·(ŷ − onehot)` for class indices.
///
/// # Errors
/// As [`cross_entropy`], plus [`Error::ShapeMismatch`] for an `upstream` (1 reduced, one per row
/// unreduced) or `grad` (`logits.len()`) of the wrong length.
pub fn cross_entropy_backward<T: Float>(
    logits: &[T],
    classes: usize,
    target: ClassTarget<'_, T>,
    reduction: Reduction,
    upstream: &[T],
    grad: &mut [T],
) -> Result<()> {
    let op = "cross_entropy_backward";
    let rows = check_cross_entropy(op, logits, classes, target)?;
    check_nonempty(op, rows, reduction)?;
    check_backward(op, reduction, rows, upstream, logits.len(), grad)?;
    let count = T::from_f64(rows as f64);
    for (b, (row, g)) in logits
        .chunks_exact(classes)
        .zip(grad.chunks_exact_mut(classes))
        .enumerate()
    {
        let (max, log_sum) = log_softmax_shift(row);
        let u = upstream_at(upstream, reduction, b);
        let w = if reduction == Reduction::Mean {
            u / count
        } else {
            u
        };
        // g = ∂J/∂log ŷ for this row, written into the output slice first.
        match target {
            ClassTarget::Indices(idx) => {
                g.fill(T::zero());
                g[idx[b]] = -w;
            }
            ClassTarget::Probabilities(p) => {
                let y = &p[b * classes..(b + 1) * classes];
                for (gj, &yj) in g.iter_mut().zip(y) {
                    *gj = -(w * yj);
                }
            }
        }
        let sum_g: T = g.iter().copied().sum();
        for (gj, &x) in g.iter_mut().zip(row) {
            *gj -= ((x - max) - log_sum).exp() * sum_g;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn central<F: Fn(&[f64]) -> f64>(f: F, x: &[f64]) -> Vec<f64> {
        let h = 1e-6;
        (0..x.len())
            .map(|i| {
                let mut a = x.to_vec();
                let mut b = x.to_vec();
                a[i] += h;
                b[i] -= h;
                (f(&a) - f(&b)) / (2.0 * h)
            })
            .collect()
    }

    fn assert_close(a: &[f64], b: &[f64], tol: f64) {
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() <= tol * (1.0 + y.abs()), "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn every_gradient_matches_central_differences() {
        let x = [0.3, -1.2, 2.2, 0.05, -0.4, 1.7];
        let p = [0.3, 0.8, 0.55, 0.05, 0.9, 0.42];
        let t = [0.1, 1.0, 0.0, 0.4, 0.7, 0.2];
        for red in [Reduction::Mean, Reduction::Sum] {
            let mut g = [0.0; 6];
            mse_backward(&x, &t, red, &[1.3], &mut g).unwrap();
            assert_close(
                &g,
                &central(|v| 1.3 * mse(v, &t, red).unwrap()[0], &x),
                1e-7,
            );
            bce_backward(&p, &t, red, &[1.3], &mut g).unwrap();
            assert_close(
                &g,
                &central(|v| 1.3 * bce(v, &t, red).unwrap()[0], &p),
                1e-7,
            );
            bce_with_logits_backward(&x, &t, red, &[1.3], &mut g).unwrap();
            let f = |v: &[f64]| 1.3 * bce_with_logits(v, &t, red).unwrap()[0];
            assert_close(&g, &central(f, &x), 1e-7);
            for target in [
                ClassTarget::Indices(&[2, 0]),
                ClassTarget::Probabilities(&t),
            ] {
                cross_entropy_backward(&x, 3, target, red, &[1.3], &mut g).unwrap();
                let f = |v: &[f64]| 1.3 * cross_entropy(v, 3, target, red).unwrap()[0];
                assert_close(&g, &central(f, &x), 1e-7);
            }
        }
    }

    #[test]
    fn soft_target_gradient_is_prediction_times_target_sum_minus_target() {
        // ∂J/∂x = ŷ·Σy − y for one row with Σy = 2.5.
        let x = [0.5_f64, -1.0, 2.0];
        let y = [1.0, 0.5, 1.0];
        let mut g = [0.0; 3];
        cross_entropy_backward(
            &x,
            3,
            ClassTarget::Probabilities(&y),
            Reduction::Sum,
            &[1.0],
            &mut g,
        )
        .unwrap();
        let z: f64 = x.iter().map(|v| v.exp()).sum();
        for j in 0..3 {
            let want = x[j].exp() / z * 2.5 - y[j];
            assert!((g[j] - want).abs() < 1e-15, "{g:?}");
        }
    }

    #[test]
    fn unreduced_losses_and_upstream_per_item() {
        let x = [1.0_f64, 2.0, 3.0];
        let t = [0.0, 0.0, 5.0];
        assert_eq!(mse(&x, &t, Reduction::None).unwrap(), vec![1.0, 4.0, 4.0]);
        assert_eq!(mse(&x, &t, Reduction::Sum).unwrap(), vec![9.0]);
        assert_eq!(mse(&x, &t, Reduction::Mean).unwrap(), vec![3.0]);
        let mut g = [0.0; 3];
        mse_backward(&x, &t, Reduction::None, &[1.0, 0.5, 2.0], &mut g).unwrap();
        assert_eq!(g, [2.0, 2.0, -8.0]);
    }

    #[test]
    fn extremes_stay_finite_as_pytorch() {
        // Probabilities at 0 and 1: each log is clamped at −100.
        let l = bce(
            &[0.0_f64, 1.0, 1.0, 0.0],
            &[1.0, 0.0, 1.0, 0.0],
            Reduction::None,
        )
        .unwrap();
        assert_eq!(l, vec![100.0, 100.0, 0.0, 0.0]);
        let mut g = [0.0; 2];
        bce_backward(&[0.0_f64, 1.0], &[1.0, 0.0], Reduction::Sum, &[1.0], &mut g).unwrap();
        assert!(g.iter().all(|v| v.is_finite()));
        // ε is 1e-12 as an f32.
        assert_eq!(g[0], -1.0 / f64::from(1e-12_f32));
        // Logits at ±1e4 in both precisions.
        let l = bce_with_logits(&[1e4_f64, -1e4], &[0.0, 1.0], Reduction::None).unwrap();
        assert_eq!(l, vec![1e4, 1e4]);
        let l32 = bce_with_logits(&[1e4_f32, -1e4, 1e4], &[1.0, 0.0, 0.5], Reduction::None);
        assert_eq!(l32.unwrap(), vec![0.0, 0.0, 5e3]);
        let ce = cross_entropy(
            &[1e4_f32, -1e4, 0.0],
            3,
            ClassTarget::Indices(&[1]),
            Reduction::Mean,
        )
        .unwrap();
        assert_eq!(ce, vec![2e4]);
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert!(matches!(
            mse(&[1.0_f64], &[1.0, 2.0], Reduction::Mean),
            Err(Error::ShapeMismatch { op: "mse", .. })
        ));
        assert!(matches!(
            bce(&[1.5_f64], &[1.0], Reduction::Mean),
            Err(Error::InvalidInput { index: 0, .. })
        ));
        assert!(matches!(
            bce(&[0.5_f64, f64::NAN], &[1.0, 1.0], Reduction::Mean),
            Err(Error::InvalidInput { index: 1, .. })
        ));
        assert!(matches!(
            cross_entropy(
                &[0.0_f64; 6],
                3,
                ClassTarget::Indices(&[0, 3]),
                Reduction::Mean
            ),
            Err(Error::IndexOutOfRange {
                index: 3,
                size: 3,
                ..
            })
        ));
        assert!(matches!(
            cross_entropy(
                &[0.0_f64; 6],
                4,
                ClassTarget::Indices(&[0]),
                Reduction::Mean
            ),
            Err(Error::ElementCount { .. })
        ));
        assert!(matches!(
            cross_entropy(
                &[0.0_f64; 2],
                2,
                ClassTarget::Probabilities(&[0.5, -0.1]),
                Reduction::Mean
            ),
            Err(Error::InvalidInput { index: 1, .. })
        ));
        let mut g = [0.0; 2];
        assert!(matches!(
            mse_backward(
                &[1.0_f64, 2.0],
                &[0.0, 0.0],
                Reduction::Mean,
                &[1.0, 1.0],
                &mut g
            ),
            Err(Error::ShapeMismatch { .. })
        ));
        assert!(matches!(
            mse::<f64>(&[], &[], Reduction::Mean),
            Err(Error::EmptyReduction { .. })
        ));
        assert_eq!(mse::<f64>(&[], &[], Reduction::Sum).unwrap(), vec![0.0]);
    }
}
