//! Exact tail probabilities of a quadratic form in normal variables, `Q = Σ c_i z_i²` with
//! `z_i` independent N(0, 1): the engine behind the exact Durbin–Watson p-values and bounds.
//!
//! Imhof (1961) inverts the characteristic function along the imaginary axis:
//!
//! ```text
//! P(Q > 0) = 1/2 + (1/π) ∫_0^∞ sin θ(u) / (u ρ(u)) du,
//! θ(u) = ½ Σ atan(c_i u),   ρ(u) = Π (1 + c_i² u²)^{1/4}
//! ```
//!
//! That formula yields a small tail as the difference of two numbers near 1/2, so it cannot
//! resolve probabilities much below 1e-15 and loses relative accuracy well before. Here each
//! tail is computed *directly*, by moving the inversion contour off the imaginary axis to the
//! saddle point τ of `K(s) − ln|s|`, where `K(s) = −½ Σ ln(1 − 2 c_i s)` is the cumulant
//! generating function:
//!
//! ```text
//! P(Q > 0) =  (1/π) ∫_0^∞ Re[ M(τ + iu) / (τ + iu) ] du      for 0 < τ < 1/(2 max c_i)
//! P(Q ≤ 0) = −(1/π) ∫_0^∞ Re[ M(τ + iu) / (τ + iu) ] du      for 1/(2 min c_i) < τ < 0
//! M(s) = exp K(s),   Re[M/(τ+iu)] = |M| (τ cos θ + u sin θ) / (τ² + u²),
//! |M(τ+iu)| = e^{K(τ)} Π (1 + (2 c_i u / (1 − 2 c_i τ))²)^{−1/4},
//! θ(u) = ½ Σ atan(2 c_i u / (1 − 2 c_i τ))
//! ```
//!
//! Both identities are exact for any τ in the strip (Cauchy's theorem; the pole of 1/s at 0 is
//! what separates the two tails). At the saddle point the integrand is positive and bell-shaped
//! around u = 0 with no cancellation, so the relative accuracy of the quadrature carries over to
//! the probability, down to the smallest tails a double can hold. The integral is evaluated by
//! adaptive Gauss–Kronrod quadrature on u = h·t/(1−t), h the saddle-point width.
//!
//! Where the exact distribution costs too much (the eigenvalues of a very large n×n matrix), a
//! ratio `R = Σ λ_i z_i² / Σ z_i²` of m terms is approximated by the normal distribution with
//! R's exact mean and variance (`ExactMoments`); [`PMethod`] says which of the two was used.
//!
//! ```
//! use nabla_stats::quadratic_form::{lower_tail, upper_tail};
//! // Q = z1² − z2² is symmetric about 0.
//! let c = [1.0, -1.0];
//! assert!((lower_tail(&c)? - 0.5).abs() < 1e-12);
//! assert!((upper_tail(&c)? - 0.5).abs() < 1e-12);
//! # Ok::<(), nabla_stats::StatsError>(())
//! ```

use statrs::distribution::Normal;

use crate::error::Result;
use crate::quadrature::integrate;

/// How the p-values (or bounds) were computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PMethod {
    /// The exact null distribution (eigenvalues and numerical inversion).
    Exact,
    /// The normal distribution with the exact null mean and variance of d.
    NormalExactMoments,
}

impl PMethod {
    /// The name used in JSON: `exact` or `normal_exact_moments`.
    pub fn name(self) -> &'static str {
        match self {
            PMethod::Exact => "exact",
            PMethod::NormalExactMoments => "normal_exact_moments",
        }
    }
}

/// The exact mean and variance of `R = Σ_{i=1..m} λ_i z_i² / Σ z_i²` (z_i independent N(0, 1)),
/// from the power sums of the λ_i:
///
/// ```text
/// mean = Σλ / m,   variance = 2 (m Σλ² − (Σλ)²) / (m² (m + 2))
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct ExactMoments {
    pub(crate) mean: f64,
    pub(crate) variance: f64,
}

impl ExactMoments {
    /// From m, `Σλ` and `Σλ²` (the traces of M·A and (M·A)² in the Durbin–Watson test).
    ///
    /// The variance is never negative (m·Σλ² ≥ (Σλ)²): rounding below 0 is 0, and one weight
    /// (m = 1) has variance 0 exactly, where the traces would leave noise of either sign.
    pub(crate) fn from_power_sums(m: f64, sum: f64, sum_sq: f64) -> Self {
        let variance = 2.0 * (m * sum_sq - sum * sum) / (m * m * (m + 2.0));
        Self {
            mean: sum / m,
            variance: if m <= 1.0 || variance < 0.0 {
                0.0
            } else {
                variance
            },
        }
    }

    /// From the λ_i themselves.
    pub(crate) fn from_weights(lambda: &[f64]) -> Self {
        let sum: f64 = lambda.iter().sum();
        let sum_sq: f64 = lambda.iter().map(|l| l * l).sum();
        Self::from_power_sums(lambda.len() as f64, sum, sum_sq)
    }

    /// The normal distribution with these moments; `None` when the variance is not positive (or
    /// a moment is NaN).
    pub(crate) fn normal(&self) -> Option<Normal> {
        Normal::new(self.mean, self.variance.sqrt()).ok()
    }
}

/// Relative accuracy asked of the quadrature.
const REL_TOL: f64 = 1e-12;

/// `P(Σ c_i z_i² ≤ 0)`, computed directly (accurate in relative terms however small).
///
/// # Errors
/// [`crate::StatsError::Integration`] when the quadrature does not converge.
pub fn lower_tail(c: &[f64]) -> Result<f64> {
    tail(c, Tail::Lower)
}

/// `P(Σ c_i z_i² > 0)`, computed directly (accurate in relative terms however small).
///
/// # Errors
/// [`crate::StatsError::Integration`] when the quadrature does not converge.
pub fn upper_tail(c: &[f64]) -> Result<f64> {
    tail(c, Tail::Upper)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tail {
    Lower,
    Upper,
}

fn tail(c: &[f64], which: Tail) -> Result<f64> {
    let cmax = c.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let cmin = c.iter().copied().fold(f64::INFINITY, f64::min);
    // Degenerate cases: Q has one sign almost surely.
    match which {
        Tail::Upper if cmax <= 0.0 => return Ok(0.0),
        Tail::Lower if cmin >= 0.0 => return Ok(if cmax > 0.0 { 0.0 } else { 1.0 }),
        _ => {}
    }
    // The strip where M(s) exists, on the side of 0 that gives the wanted tail.
    let edge = match which {
        Tail::Upper => 1.0 / (2.0 * cmax),
        Tail::Lower => 1.0 / (2.0 * cmin),
    };
    let tau = saddle_point(c, edge);
    let k_tau: f64 = -0.5 * c.iter().map(|&ci| (-2.0 * ci * tau).ln_1p()).sum::<f64>();
    let curvature: f64 = c
        .iter()
        .map(|&ci| {
            let a = 1.0 - 2.0 * ci * tau;
            2.0 * ci * ci / (a * a)
        })
        .sum::<f64>()
        + 1.0 / (tau * tau);
    let h = 1.0 / curvature.sqrt();
    // Precompute 2 c_i / (1 − 2 c_i τ).
    let w: Vec<f64> = c
        .iter()
        .map(|&ci| 2.0 * ci / (1.0 - 2.0 * ci * tau))
        .collect();
    let integrand = |t: f64| {
        if t >= 1.0 {
            return 0.0;
        }
        let v = t / (1.0 - t);
        let u = h * v;
        let mut log_mod = 0.0;
        let mut theta = 0.0;
        for &wi in &w {
            let x = wi * u;
            log_mod += (x * x).ln_1p();
            theta += x.atan();
        }
        let log_mod = -0.25 * log_mod;
        let theta = 0.5 * theta;
        let re = (tau * theta.cos() + u * theta.sin()) / (tau * tau + u * u);
        // du = h dv = h dt / (1 − t)².
        log_mod.exp() * re * h / ((1.0 - t) * (1.0 - t))
    };
    let (integral, _) = integrate(
        "a Durbin–Watson tail probability",
        integrand,
        0.0,
        1.0,
        REL_TOL,
        0.0,
    )?;
    let signed = match which {
        Tail::Upper => integral,
        Tail::Lower => -integral,
    };
    let p = (k_tau + signed.max(0.0).ln() - std::f64::consts::PI.ln()).exp();
    Ok(p.clamp(0.0, 1.0))
}

/// The minimiser of `K(s) − ln|s|` between 0 and `edge` (exclusive): the root of
/// `Σ c_i/(1 − 2 c_i s) − 1/s`, found by bisection on s = edge·f, f ∈ (0, 1).
fn saddle_point(c: &[f64], edge: f64) -> f64 {
    let slope = |s: f64| -> f64 {
        let mut g = -1.0 / s;
        for &ci in c {
            let a = 1.0 - 2.0 * ci * s;
            if a <= 0.0 {
                return f64::INFINITY * edge.signum();
            }
            g += ci / a;
        }
        g
    };
    // slope → −∞·sign(edge)... as s → 0 on edge's side, and → +∞·sign(edge) near the edge.
    let sign = edge.signum();
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if slope(edge * mid) * sign < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    edge * 0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{Beta, ContinuousCDF};

    /// Imhof's original formula, P(Q > 0) = 1/2 + (1/π)∫ sin θ/(uρ) du: an independent check in
    /// the centre of the distribution.
    fn imhof_upper(c: &[f64]) -> f64 {
        let f = |t: f64| {
            if t >= 1.0 || t <= 0.0 {
                return 0.0;
            }
            let u = t / (1.0 - t);
            let theta: f64 = 0.5 * c.iter().map(|ci| (ci * u).atan()).sum::<f64>();
            let log_rho: f64 = 0.25 * c.iter().map(|ci| (ci * ci * u * u).ln_1p()).sum::<f64>();
            theta.sin() / (u * log_rho.exp()) / ((1.0 - t) * (1.0 - t))
        };
        let (v, _) = integrate("imhof", f, 0.0, 1.0, 1e-12, 1e-15).unwrap();
        0.5 + v / std::f64::consts::PI
    }

    /// P(χ²_m/(χ²_m + χ²_k) ≤ d) = I_d(m/2, k/2): c = (1 − d) m times, then −d k times.
    fn beta_case(m: usize, k: usize, d: f64) -> (Vec<f64>, f64) {
        let mut c = vec![1.0 - d; m];
        c.resize(m + k, -d);
        let exact = Beta::new(m as f64 / 2.0, k as f64 / 2.0).unwrap().cdf(d);
        (c, exact)
    }

    #[test]
    fn matches_the_beta_distribution_across_the_range() {
        for &(m, k) in &[(1, 1), (2, 3), (5, 7), (20, 30), (3, 60)] {
            for &d in &[0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99] {
                let (c, exact) = beta_case(m, k, d);
                let lo = lower_tail(&c).unwrap();
                let hi = upper_tail(&c).unwrap();
                assert!(
                    (lo - exact).abs() <= 1e-10 * exact.max(1e-300) + 1e-14,
                    "m={m} k={k} d={d}: {lo} vs {exact}"
                );
                assert!(((lo + hi) - 1.0).abs() < 1e-10, "m={m} k={k} d={d}");
            }
        }
    }

    #[test]
    fn small_tails_keep_relative_accuracy() {
        // P(Beta(25, 25) ≤ 0.05) ≈ 1e-22: far below what 1/2 − (1/π)∫… can resolve.
        let (c, exact) = beta_case(50, 50, 0.05);
        let lo = lower_tail(&c).unwrap();
        assert!(exact < 1e-15);
        assert!(((lo - exact) / exact).abs() < 1e-8, "{lo} vs {exact}");
        // And the upper tail of the same form near 1.
        let (c, exact) = beta_case(50, 50, 0.95);
        let hi = upper_tail(&c).unwrap();
        let exact_upper = 1.0 - exact;
        let direct = Beta::new(25.0, 25.0).unwrap().sf(0.95);
        assert!(
            ((hi - direct) / direct).abs() < 1e-8,
            "{hi} vs {direct} ({exact_upper})"
        );
    }

    #[test]
    fn one_signed_forms_are_degenerate() {
        assert_eq!(lower_tail(&[1.0, 2.0, 3.0]).unwrap(), 0.0);
        assert_eq!(upper_tail(&[1.0, 2.0, 3.0]).unwrap(), 1.0);
        assert_eq!(upper_tail(&[-1.0, -2.0]).unwrap(), 0.0);
        assert_eq!(lower_tail(&[-1.0, -2.0]).unwrap(), 1.0);
    }

    #[test]
    fn agrees_with_imhof_in_the_centre() {
        let c = [1.7, 0.9, 0.2, -0.4, -0.6, -1.3, 2.2, -0.05];
        let hi = upper_tail(&c).unwrap();
        let imhof = imhof_upper(&c);
        assert!((hi - imhof).abs() < 1e-10, "{hi} vs {imhof}");
    }
}
