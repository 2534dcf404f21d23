//! The Durbin–Watson bounds test: critical values d_L and d_U computed exactly from the bounding
//! distributions of Durbin and Watson (1950, 1951), for any n and k′, with no printed table.
//!
//! For a design with an intercept and k′ further regressors (k = k′ + 1 columns), the eigenvalues
//! of the first-difference matrix A are `λ_j = 2(1 − cos(πj/n)) = 4 sin²(πj/2n)`, j = 0..n−1
//! (λ_0 = 0 belongs to the intercept). The n − k non-zero eigenvalues ν_i of M·A·M interlace with
//! them, `λ_i ≤ ν_i ≤ λ_{i+k′}`, so d lies between
//!
//! ```text
//! d_lower = Σ_{j=1}^{n−k} λ_j z_j² / Σ z_j²       d_upper = Σ_{j=k′+1}^{n−1} λ_j z_j² / Σ z_j²
//! ```
//!
//! whatever the regressors. d_L and d_U are their α-quantiles, `P(d_lower ≤ d_L) = α` and
//! `P(d_upper ≤ d_U) = α`, found by bisection on the exact CDF of [`crate::quadratic_form`].
//! Check: n = 10, k′ = 1, α = 0.05 gives d_L = 0.879, d_U = 1.320.
//!
//! The verdict at level α (H1 on either side):
//!
//! ```text
//! d < d_L                      → positive autocorrelation
//! 4 − d < d_L                  → negative autocorrelation
//! d > d_U and 4 − d > d_U      → no autocorrelation
//! otherwise                    → inconclusive
//! ```
//!
//! The bounds assume an intercept; without one they do not apply.
//!
//! ```
//! let b = nabla_stats::dw_bounds(10, 1, 0.05, true)?.unwrap();
//! assert!((b.d_l - 0.879).abs() < 5e-4 && (b.d_u - 1.320).abs() < 5e-4);
//! # Ok::<(), nabla_stats::StatsError>(())
//! ```

use statrs::distribution::ContinuousCDF;

use crate::error::{Result, StatsError};
use crate::quadratic_form::{lower_tail, ExactMoments, PMethod};

/// The bounds-test verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// d < d_L.
    PositiveAutocorrelation,
    /// 4 − d < d_L.
    NegativeAutocorrelation,
    /// d_U < d < 4 − d_U.
    NoAutocorrelation,
    /// d falls between a bound and its mirror: the test cannot decide.
    Inconclusive,
}

impl Verdict {
    /// The name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::PositiveAutocorrelation => "positive_autocorrelation",
            Verdict::NegativeAutocorrelation => "negative_autocorrelation",
            Verdict::NoAutocorrelation => "no_autocorrelation",
            Verdict::Inconclusive => "inconclusive",
        }
    }
}

/// Critical values of the bounds test.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DwBounds {
    /// Level α.
    pub alpha: f64,
    /// Lower bound d_L.
    pub d_l: f64,
    /// Upper bound d_U.
    pub d_u: f64,
    /// Exact, or the normal approximation with exact moments (very large n).
    pub method: PMethod,
}

impl DwBounds {
    /// The verdict for a statistic d (see the module docs).
    pub fn verdict(&self, d: f64) -> Verdict {
        if d < self.d_l {
            Verdict::PositiveAutocorrelation
        } else if 4.0 - d < self.d_l {
            Verdict::NegativeAutocorrelation
        } else if d > self.d_u && 4.0 - d > self.d_u {
            Verdict::NoAutocorrelation
        } else {
            Verdict::Inconclusive
        }
    }
}

/// d_L and d_U at level `alpha` for n observations and k′ regressors besides the intercept;
/// `None` when n − k′ − 1 < 1 (no residual degree of freedom). `exact = false` uses the normal
/// distribution with the exact means and variances of the bounding statistics.
///
/// # Errors
/// [`StatsError::InvalidAlpha`] for α outside (0, 1); [`StatsError::Integration`] when the
/// quadrature fails.
pub fn dw_bounds(n: usize, k_prime: usize, alpha: f64, exact: bool) -> Result<Option<DwBounds>> {
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(StatsError::InvalidAlpha { alpha });
    }
    let k = k_prime + 1;
    if n <= k {
        return Ok(None);
    }
    let lambda = |j: usize| {
        4.0 * (std::f64::consts::PI * j as f64 / (2.0 * n as f64))
            .sin()
            .powi(2)
    };
    let lower: Vec<f64> = (1..=n - k).map(lambda).collect();
    let upper: Vec<f64> = (k_prime + 1..n).map(lambda).collect();
    let (d_l, d_u, method) = if exact {
        (
            quantile(&lower, alpha)?,
            quantile(&upper, alpha)?,
            PMethod::Exact,
        )
    } else {
        (
            normal_quantile(&lower, alpha),
            normal_quantile(&upper, alpha),
            PMethod::NormalExactMoments,
        )
    };
    Ok(Some(DwBounds {
        alpha,
        d_l,
        d_u,
        method,
    }))
}

/// The α-quantile of `Σ λ_i z_i² / Σ z_i²`: the d with `P(Σ (λ_i − d) z_i² ≤ 0) = α`, found by
/// the Illinois variant of regula falsi on the exact CDF (bracketed, so it always converges; about
/// ten CDF evaluations instead of bisection's forty-five).
fn quantile(lambda: &[f64], alpha: f64) -> Result<f64> {
    let (mut lo, mut hi) = (lambda[0], lambda[lambda.len() - 1]);
    if hi - lo <= 0.0 {
        return Ok(lo);
    }
    let mut shifted = vec![0.0; lambda.len()];
    let mut cdf_minus_alpha = |d: f64| -> Result<f64> {
        for (s, l) in shifted.iter_mut().zip(lambda) {
            *s = l - d;
        }
        Ok(lower_tail(&shifted)? - alpha)
    };
    // The CDF is 0 at the smallest eigenvalue and 1 at the largest.
    let (mut f_lo, mut f_hi) = (-alpha, 1.0 - alpha);
    let mut side = 0i8;
    for _ in 0..200 {
        if hi - lo <= 1e-13 * hi.max(1.0) {
            break;
        }
        let mut d = (lo * f_hi - hi * f_lo) / (f_hi - f_lo);
        if !(d > lo && d < hi) {
            d = 0.5 * (lo + hi);
        }
        let f = cdf_minus_alpha(d)?;
        if f == 0.0 {
            return Ok(d);
        }
        if f < 0.0 {
            lo = d;
            f_lo = f;
            if side == -1 {
                f_hi *= 0.5;
            }
            side = -1;
        } else {
            hi = d;
            f_hi = f;
            if side == 1 {
                f_lo *= 0.5;
            }
            side = 1;
        }
    }
    Ok(0.5 * (lo + hi))
}

/// The α-quantile of the normal distribution with the exact mean and variance of
/// `Σ λ_i z_i² / Σ z_i²` (`ExactMoments`); the mean where that variance is zero.
fn normal_quantile(lambda: &[f64], alpha: f64) -> f64 {
    let moments = ExactMoments::from_weights(lambda);
    match moments.normal() {
        Some(normal) => normal.inverse_cdf(alpha),
        None => moments.mean,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_bounds_n10_k1() {
        let b = dw_bounds(10, 1, 0.05, true).unwrap().unwrap();
        assert_eq!(format!("{:.3} {:.3}", b.d_l, b.d_u), "0.879 1.320");
    }

    #[test]
    fn agrees_with_savin_white_to_three_decimals() {
        // Spot checks against Savin and White (1977) at α = 0.05; (n, k′, α, d_L, d_U). The full
        // grid is checked against an independent computation in tests/golden.rs.
        for &(n, k, alpha, d_l, d_u) in &[
            (15, 1, 0.05, "1.077", "1.361"),
            (20, 2, 0.05, "1.100", "1.537"),
            (50, 5, 0.05, "1.335", "1.771"),
            (100, 1, 0.05, "1.654", "1.694"),
        ] {
            let b = dw_bounds(n, k, alpha, true).unwrap().unwrap();
            assert_eq!(
                (format!("{:.3}", b.d_l), format!("{:.3}", b.d_u)),
                (d_l.to_string(), d_u.to_string()),
                "n={n} k′={k} α={alpha}"
            );
        }
    }

    #[test]
    fn verdict_regions() {
        let b = DwBounds {
            alpha: 0.05,
            d_l: 1.0,
            d_u: 1.5,
            method: PMethod::Exact,
        };
        assert_eq!(b.verdict(0.9), Verdict::PositiveAutocorrelation);
        assert_eq!(b.verdict(1.2), Verdict::Inconclusive);
        assert_eq!(b.verdict(2.0), Verdict::NoAutocorrelation);
        assert_eq!(b.verdict(2.8), Verdict::Inconclusive);
        assert_eq!(b.verdict(3.1), Verdict::NegativeAutocorrelation);
    }

    #[test]
    fn intercept_only_bounds_coincide() {
        let b = dw_bounds(20, 0, 0.05, true).unwrap().unwrap();
        assert!((b.d_l - b.d_u).abs() < 1e-12);
    }

    #[test]
    fn no_bound_without_residual_degrees_of_freedom() {
        assert!(dw_bounds(3, 2, 0.05, true).unwrap().is_none());
        assert!(matches!(
            dw_bounds(10, 1, 1.0, true),
            Err(StatsError::InvalidAlpha { .. })
        ));
    }
}
