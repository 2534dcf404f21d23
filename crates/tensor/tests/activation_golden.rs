//! Every activation's value and derivative against PyTorch, in f64 and f32.
//!
//! The fixture `fixtures/activations.json` is written by `tools/oracles/torch/activations.py`
//! (PyTorch's `torch.nn.functional` kernels and autograd; the versions are recorded in the
//! fixture). Each point must agree to 1e-12 relative in f64 and 1e-6 relative in f32.
//!
//! Near a zero of f or f' a relative bound alone would ask for more digits than either side
//! has: PyTorch forms these values by cancellation (`exp(x) − 1` in elu, `σ + xσ(1−σ)` in swish
//! and mish near their minima), so both results carry an absolute rounding error of a few ulps of
//! the O(1) terms that cancelled. The tests therefore allow an absolute floor of 8 ulps of 1
//! (8·2⁻⁵² ≈ 1.8e-15 in f64, 8·2⁻²³ ≈ 9.5e-7 in f32) scaled by the magnitude of the cancelling
//! terms (`max(1, |x|)` times the function's parameter scale, which is at most 10 here).

use nabla_tensor::{swish_beta_derivative, Activation};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    torch: String,
    cases: Vec<Case>,
    swish_beta: Vec<BetaCase>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    params: serde_json::Map<String, serde_json::Value>,
    dtype: String,
    x: Vec<f64>,
    value: Vec<f64>,
    derivative: Vec<f64>,
}

#[derive(Deserialize)]
struct BetaCase {
    beta: f64,
    dtype: String,
    x: Vec<f64>,
    beta_derivative: Vec<f64>,
}

fn fixture() -> Fixture {
    let text = include_str!("fixtures/activations.json");
    serde_json::from_str(text).expect("activations.json parses")
}

fn param(case: &Case, key: &str) -> Option<f64> {
    case.params.get(key).and_then(serde_json::Value::as_f64)
}

fn activation(case: &Case) -> Activation {
    let act = Activation::parse(&case.name, param(case, "alpha"), param(case, "beta"))
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));
    match (act, param(case, "threshold")) {
        (Activation::Softplus { beta, .. }, Some(threshold)) => {
            Activation::Softplus { beta, threshold }
        }
        (act, _) => act,
    }
}

/// The scale of the terms that may cancel at `x`: `max(1, |x|)` times the largest parameter.
fn term_scale(act: Activation, x: f64) -> f64 {
    let p = act
        .params()
        .iter()
        .filter(|(k, _)| *k != "threshold")
        .map(|(_, v)| v.abs())
        .fold(1.0_f64, f64::max);
    x.abs().max(1.0) * p
}

struct Tolerance {
    rel: f64,
    ulp: f64,
}

const F64: Tolerance = Tolerance {
    rel: 1e-12,
    ulp: f64::EPSILON,
};
const F32: Tolerance = Tolerance {
    rel: 1e-6,
    ulp: f32::EPSILON as f64,
};

fn check(what: &str, actual: f64, expected: f64, scale: f64, tol: &Tolerance) -> Option<String> {
    if !actual.is_finite() {
        return Some(format!("{what}: got {actual}, PyTorch {expected}"));
    }
    let err = (actual - expected).abs();
    let bound = (tol.rel * expected.abs()).max(8.0 * tol.ulp * scale);
    (err > bound).then(|| {
        format!("{what}: nabla {actual:e}, PyTorch {expected:e}, error {err:e} > bound {bound:e}")
    })
}

fn run_cases(dtype: &str, tol: &Tolerance, eval: impl Fn(Activation, f64) -> (f64, f64, f64)) {
    let fx = fixture();
    let mut failures = Vec::new();
    let (mut checked, mut floored) = (0, 0);
    for case in fx.cases.iter().filter(|c| c.dtype == dtype) {
        let act = activation(case);
        for i in 0..case.x.len() {
            let x = case.x[i];
            let (v, d, d_slice) = eval(act, x);
            let scale = term_scale(act, x);
            let what = format!("{act:?} {dtype} x={x:e}");
            for (kind, got, want) in [
                ("value", v, case.value[i]),
                ("derivative", d, case.derivative[i]),
                ("backward", d_slice, case.derivative[i]),
            ] {
                checked += 1;
                match check(&format!("{what} {kind}"), got, want, scale, tol) {
                    Some(failure) => failures.push(failure),
                    None if (got - want).abs() > tol.rel * want.abs() => floored += 1,
                    None => {}
                }
            }
        }
    }
    eprintln!("{dtype}: {checked} numbers checked, {floored} within the absolute floor only");
    assert!(checked > 3000, "only {checked} numbers checked");
    assert!(
        failures.is_empty(),
        "{} of {checked} numbers differ from PyTorch {}:\n{}",
        failures.len(),
        fx.torch,
        failures.join("\n")
    );
}

/// value(x), derivative(x), and the slice backward at x with upstream 1 (which also checks that
/// `forward` and `backward` agree with PyTorch, not only the scalar functions).
fn eval_f64(act: Activation, x: f64) -> (f64, f64, f64) {
    let xs = [x];
    let mut y = [0.0];
    let mut g = [0.0];
    act.forward(&xs, &mut y);
    act.backward(&xs, &y, &[1.0], &mut g);
    assert_eq!(
        y[0].to_bits(),
        act.value(x).to_bits(),
        "{act:?} forward vs value at {x}"
    );
    (act.value(x), act.derivative(x), g[0])
}

fn eval_f32(act: Activation, x: f64) -> (f64, f64, f64) {
    let x32 = x as f32;
    assert_eq!(f64::from(x32), x, "f32 fixture inputs are f32 values");
    let xs = [x32];
    let mut y = [0.0f32];
    let mut g = [0.0f32];
    act.forward(&xs, &mut y);
    act.backward(&xs, &y, &[1.0], &mut g);
    (
        f64::from(act.value(x32)),
        f64::from(act.derivative(x32)),
        f64::from(g[0]),
    )
}

#[test]
fn activations_match_pytorch_in_f64() {
    run_cases("float64", &F64, eval_f64);
}

#[test]
fn activations_match_pytorch_in_f32() {
    run_cases("float32", &F32, eval_f32);
}

#[test]
fn fixture_covers_every_activation() {
    let fx = fixture();
    for act in Activation::all() {
        for dtype in ["float64", "float32"] {
            assert!(
                fx.cases
                    .iter()
                    .any(|c| c.name == act.name() && c.dtype == dtype),
                "{} {dtype} missing from the fixture",
                act.name()
            );
        }
    }
    let grid = &fx.cases[0].x;
    for needle in [
        0.0, 1e-7, -1e-7, 20.0, -20.0, 50.0, -50.0, 1e3, -1e3, 1e4, -1e4, 3.0, -3.0,
    ] {
        assert!(grid.contains(&needle), "grid lacks {needle}");
    }
}

#[test]
fn swish_beta_gradient_matches_pytorch() {
    let fx = fixture();
    let mut failures = Vec::new();
    for case in &fx.swish_beta {
        for (&x, &want) in case.x.iter().zip(&case.beta_derivative) {
            let (got, tol) = if case.dtype == "float64" {
                (swish_beta_derivative(x, case.beta), &F64)
            } else {
                (
                    f64::from(swish_beta_derivative(x as f32, case.beta as f32)),
                    &F32,
                )
            };
            let scale = x * x.max(1.0);
            let what = format!("swish β={} {} x={x:e} ∂/∂β", case.beta, case.dtype);
            failures.extend(check(&what, got, want, scale.abs().max(1.0), tol));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
