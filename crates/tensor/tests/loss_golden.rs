//! Every loss and reduction against PyTorch: values and input gradients, in f64 and f32.
//!
//! The fixture `fixtures/losses.json` is written by `tools/oracles/torch/losses.py` (PyTorch's
//! `F.mse_loss`, `F.binary_cross_entropy`, `F.binary_cross_entropy_with_logits` and
//! `F.cross_entropy` with autograd, for a non-trivial upstream gradient). Inputs include
//! probabilities of exactly 0 and 1 and 1e-300, logits of ±1e4, soft and unnormalised targets,
//! an all-zero target row, and class indices.
//!
//! Tolerance: 1e-12 relative in f64 and 1e-6 in f32, with an absolute floor of 8 ulps of 1 times
//! the case's term scale. The floor is needed where PyTorch's own formula cancels: `σ(x) − y`
//! when σ(x) ≈ y, `ŷ·Σy − y` for a confident correct class, `(x − max) − ln Σ` when the sum is
//! ≈ 1. There each side's result carries an absolute rounding error of a few ulps of the
//! cancelling terms, whose magnitude is bounded by
//! `max(1, |input|) · max(1, |target|, Σ_row target) · max|upstream| (÷ n for the mean)`.

use nabla_tensor::loss::{self, ClassTarget, Reduction};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    torch: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    loss: String,
    label: String,
    reduction: String,
    dtype: String,
    input: Vec<f64>,
    #[serde(default)]
    target: Vec<f64>,
    #[serde(default)]
    target_indices: Vec<usize>,
    #[serde(default)]
    classes: usize,
    upstream: Vec<f64>,
    value: Vec<f64>,
    grad: Vec<f64>,
}

fn fixture() -> Fixture {
    serde_json::from_str(include_str!("fixtures/losses.json")).expect("losses.json parses")
}

fn reduction(name: &str) -> Reduction {
    match name {
        "mean" => Reduction::Mean,
        "sum" => Reduction::Sum,
        "none" => Reduction::None,
        other => panic!("unknown reduction {other}"),
    }
}

/// Runs one case's forward and backward in `T`; returns (values, gradient) as f64.
fn run<T: nabla_tensor::Float>(case: &Case) -> (Vec<f64>, Vec<f64>) {
    let conv = |v: &[f64]| v.iter().map(|&x| T::from_f64(x)).collect::<Vec<T>>();
    let (x, t, u) = (conv(&case.input), conv(&case.target), conv(&case.upstream));
    let red = reduction(&case.reduction);
    let mut g = vec![T::zero(); x.len()];
    let value = match case.loss.as_str() {
        "mse" => {
            loss::mse_backward(&x, &t, red, &u, &mut g).unwrap();
            loss::mse(&x, &t, red).unwrap()
        }
        "bce" => {
            loss::bce_backward(&x, &t, red, &u, &mut g).unwrap();
            loss::bce(&x, &t, red).unwrap()
        }
        "bce_with_logits" => {
            loss::bce_with_logits_backward(&x, &t, red, &u, &mut g).unwrap();
            loss::bce_with_logits(&x, &t, red).unwrap()
        }
        "cross_entropy" => {
            let target = if case.target_indices.is_empty() {
                ClassTarget::Probabilities(&t)
            } else {
                ClassTarget::Indices(&case.target_indices)
            };
            loss::cross_entropy_backward(&x, case.classes, target, red, &u, &mut g).unwrap();
            loss::cross_entropy(&x, case.classes, target, red).unwrap()
        }
        other => panic!("unknown loss {other}"),
    };
    let back = |v: &[T]| v.iter().map(|&x| x.to_f64()).collect::<Vec<f64>>();
    (back(&value), back(&g))
}

/// The magnitude of the terms that may cancel in this case (see the module docs).
fn term_scale(case: &Case) -> (f64, f64) {
    let max_abs = |v: &[f64]| v.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    let row_sum = if case.classes > 0 && !case.target.is_empty() {
        case.target
            .chunks(case.classes)
            .map(|r| r.iter().sum::<f64>())
            .fold(0.0, f64::max)
    } else {
        0.0
    };
    let t_scale = 1.0_f64.max(max_abs(&case.target)).max(row_sum);
    let x_scale = 1.0_f64.max(max_abs(&case.input));
    // Rows for cross-entropy, elements for the others (which have no `classes`).
    let items = case
        .input
        .len()
        .checked_div(case.classes)
        .unwrap_or(case.input.len());
    let n = if case.reduction == "mean" {
        items as f64
    } else {
        1.0
    };
    let value_scale = x_scale * t_scale;
    let grad_scale = t_scale * max_abs(&case.upstream) / n;
    (value_scale, grad_scale)
}

fn compare(dtype: &str, rel: f64, ulp: f64) {
    let fx = fixture();
    let mut failures = Vec::new();
    let (mut checked, mut floored) = (0, 0);
    for case in fx.cases.iter().filter(|c| c.dtype == dtype) {
        let (value, grad) = if dtype == "float64" {
            run::<f64>(case)
        } else {
            run::<f32>(case)
        };
        assert_eq!(
            value.len(),
            case.value.len(),
            "{} {}",
            case.loss,
            case.label
        );
        let (vs, gs) = term_scale(case);
        let pairs = value
            .iter()
            .zip(&case.value)
            .map(|p| ("value", p, vs))
            .chain(grad.iter().zip(&case.grad).map(|p| ("grad", p, gs)));
        for (i, (what, (&got, &want), scale)) in pairs.enumerate() {
            checked += 1;
            let err = (got - want).abs();
            if !got.is_finite() || err > (rel * want.abs()).max(8.0 * ulp * scale) {
                failures.push(format!(
                    "{} {} {} {dtype} {what}[{i}]: nabla {got:e}, PyTorch {want:e}, error {err:e}",
                    case.loss, case.label, case.reduction
                ));
            } else if err > rel * want.abs() {
                floored += 1;
            }
        }
    }
    eprintln!("{dtype}: {checked} numbers checked, {floored} within the absolute floor only");
    assert!(checked > 300, "only {checked} numbers checked");
    assert!(
        failures.is_empty(),
        "{} numbers differ from PyTorch {}:\n{}",
        failures.len(),
        fx.torch,
        failures.join("\n")
    );
}

#[test]
fn losses_match_pytorch_in_f64() {
    compare("float64", 1e-12, f64::EPSILON);
}

#[test]
fn losses_match_pytorch_in_f32() {
    compare("float32", 1e-6, f64::from(f32::EPSILON));
}

#[test]
fn fixture_covers_every_loss_and_reduction() {
    let fx = fixture();
    for loss in ["mse", "bce", "bce_with_logits", "cross_entropy"] {
        for red in ["mean", "sum", "none"] {
            for dtype in ["float64", "float32"] {
                assert!(
                    fx.cases
                        .iter()
                        .any(|c| c.loss == loss && c.reduction == red && c.dtype == dtype),
                    "{loss} {red} {dtype} missing"
                );
            }
        }
    }
    let soft = fx
        .cases
        .iter()
        .any(|c| c.loss == "cross_entropy" && !c.target.is_empty());
    let hard = fx.cases.iter().any(|c| !c.target_indices.is_empty());
    assert!(soft && hard, "cross-entropy needs index and soft targets");
}
