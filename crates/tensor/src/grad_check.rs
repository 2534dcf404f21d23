//! Gradient checking: autodiff gradients against central finite differences, in `f64`.
//!
//! ```text
//! ∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h        error O(h²)
//! ```
//! The step `h` is scaled to each element (`h·max(1, |xᵢ|)`), so large inputs are perturbed
//! relative to their size.
//!
//! ```
//! use nabla_tensor::{grad_check::check_gradients, Tensor};
//! let x = Tensor::from_vec(vec![0.3, -1.2, 2.0], &[3]).unwrap();
//! let report = check_gradients(|_, v| (v[0] * v[0]).exp().sum(None, false), &[x], 1e-6).unwrap();
//! assert!(report.max_rel_error < 1e-7, "{report:?}");
//! ```

use crate::{Result, Tape, Tensor, Var};

/// How far autodiff and finite differences disagree.
#[derive(Clone, Debug, PartialEq)]
pub struct GradCheck {
    /// The largest `|autodiff − numeric|` over every element of every input.
    pub max_abs_error: f64,
    /// The largest `|autodiff − numeric| / max(|autodiff|, |numeric|, 1e-8)`.
    pub max_rel_error: f64,
    /// Where the largest relative error occurred: (input, element).
    pub worst: Option<(usize, usize)>,
    /// The number of elements compared.
    pub elements: usize,
}

impl GradCheck {
    /// True when every element agrees within `atol` absolutely or `rtol` relatively.
    pub fn passes(&self, atol: f64, rtol: f64) -> bool {
        self.max_abs_error <= atol || self.max_rel_error <= rtol
    }
}

/// Compares the autodiff gradient of the scalar `f(inputs)` with respect to every input against
/// central finite differences with relative step `step`.
///
/// `f` receives a fresh tape and the inputs recorded on it as parameters.
///
/// # Errors
/// Whatever `f` returns, and [`crate::Error::NonScalarBackward`] when its result is not a scalar.
pub fn check_gradients<F>(f: F, inputs: &[Tensor<f64>], step: f64) -> Result<GradCheck>
where
    F: for<'t> Fn(&'t Tape<f64>, &[Var<'t, f64>]) -> Result<Var<'t, f64>>,
{
    let evaluate = |values: &[Tensor<f64>]| -> Result<f64> {
        let tape = Tape::new();
        let vars: Vec<_> = values.iter().map(|v| tape.constant(v.clone())).collect();
        f(&tape, &vars)?.value().item()
    };
    let tape = Tape::new();
    let vars: Vec<_> = inputs.iter().map(|v| tape.param(v.clone())).collect();
    let out = f(&tape, &vars)?;
    let grads = tape.backward(out)?;

    let mut report = GradCheck {
        max_abs_error: 0.0,
        max_rel_error: 0.0,
        worst: None,
        elements: 0,
    };
    let mut probe: Vec<Tensor<f64>> = inputs.to_vec();
    for (i, var) in vars.iter().enumerate() {
        let analytic = grads
            .get(*var)
            .map_or_else(|| vec![0.0; inputs[i].numel()], Tensor::to_f64_vec);
        for (j, &a) in analytic.iter().enumerate() {
            let x = inputs[i].data()[j];
            let h = step * x.abs().max(1.0);
            probe[i].data_mut()[j] = x + h;
            let plus = evaluate(&probe)?;
            probe[i].data_mut()[j] = x - h;
            let minus = evaluate(&probe)?;
            probe[i].data_mut()[j] = x;
            let numeric = (plus - minus) / (2.0 * h);
            let abs = (a - numeric).abs();
            let rel = abs / a.abs().max(numeric.abs()).max(1e-8);
            report.max_abs_error = report.max_abs_error.max(abs);
            if rel > report.max_rel_error || report.worst.is_none() {
                report.max_rel_error = report.max_rel_error.max(rel);
                report.worst = Some((i, j));
            }
            report.elements += 1;
        }
    }
    Ok(report)
}
