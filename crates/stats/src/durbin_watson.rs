//! The Durbin–Watson test for first-order autocorrelation of regression residuals, with exact
//! p-values.
//!
//! Row order is time order: `e_1, …, e_n` are the residuals in the order of the rows.
//!
//! ```text
//! d = Σ_{t=2..n} (e_t − e_{t−1})² / Σ_{t=1..n} e_t²        ρ̂ = Σ_{t=2..n} e_t e_{t−1} / Σ e_t²
//! ```
//!
//! Under H0 (independent normal errors) `d = zᵀ M A M z / zᵀ M z`, where M is the residual maker
//! `I − X(XᵀX)⁻¹Xᵀ` of the retained design columns and A the first-difference matrix
//! (tridiagonal: 1, 2, …, 2, 1 on the diagonal, −1 beside it). With ν_1..ν_{n−r} the non-zero
//! eigenvalues of M·A·M (r = rank of the design),
//!
//! ```text
//! P(D ≤ d) = P( Σ_i (ν_i − d) z_i² ≤ 0 )
//! ```
//!
//! which [`crate::quadratic_form`] computes exactly (each tail directly). The p-values follow R's
//! `lmtest::dwtest`: `greater` (H1: positive autocorrelation) = P(D ≤ d), `less` (H1: negative
//! autocorrelation) = P(D ≥ d), `two_sided` = 2·min(greater, less). Unlike `dwtest`, the
//! eigenvalues come from the rank-revealing fit (so an aliased column does not corrupt them) and
//! the quadrature is accurate for any n (R's default, Pan's algorithm, loses accuracy beyond
//! n ≈ 100).
//!
//! With one residual degree of freedom (n = r + 1) there is one eigenvalue ν and d = ν: under
//! H0 d has that one possible value, so `greater` = `less` = `two_sided` = 1 and the null
//! variance is 0. The test exists but can detect nothing.
//!
//! The eigenvalue step costs O(n³): above [`DEFAULT_EXACT_LIMIT`] observations the p-values use
//! the normal distribution with the *exact* null mean and variance of d (as `dwtest` with
//! `exact = FALSE`), and say so in [`DurbinWatson::p_method`].
//!
//! ```
//! use nabla_stats::{durbin_watson, Design, DurbinWatsonConfig, OlsConfig, PMethod};
//! let x = [48.9, 50.4, 52.9, 55.0, 56.8, 58.8, 61.2, 62.5, 64.7, 68.0];
//! let y = [40.8, 42.5, 44.9, 46.1, 47.4, 49.1, 51.5, 53.5, 54.2, 57.3];
//! let design = Design::new(&[("x", &x[..])], true)?;
//! let fit = OlsConfig::default().fit(&design, &y)?;
//! let dw = durbin_watson(&design, &fit, &DurbinWatsonConfig::default())?;
//! assert_eq!(dw.p_method, PMethod::Exact);
//! let bounds = dw.bounds.unwrap();
//! assert_eq!((format!("{:.3}", bounds.d_l), format!("{:.3}", bounds.d_u)), ("0.879".into(), "1.320".into()));
//! # Ok::<(), nabla_stats::StatsError>(())
//! ```

use faer::{Mat, Side};
use statrs::distribution::ContinuousCDF;

use crate::allocation::check_allocation;
use crate::design::Design;
use crate::dw_bounds::{dw_bounds, DwBounds, Verdict};
use crate::error::{Result, StatsError};
use crate::ols::OlsFit;
use crate::quadratic_form::{lower_tail, upper_tail, ExactMoments, PMethod};

/// Above this many observations the p-values and bounds switch from the exact distribution to
/// the normal approximation with exact moments. The dense symmetric eigenvalue step is O(n³):
/// on two shared cores it takes about 0.1 s at n = 1000, 1.5–2.5 s at n = 2000 and 6–9 s at
/// n = 3000 (see `benches/stats.rs`); raise the limit per call with
/// [`DurbinWatsonConfig::exact_limit`] (`nabla regress --exact-limit`).
pub const DEFAULT_EXACT_LIMIT: usize = 2000;

/// Options of the test.
#[derive(Clone, Copy, Debug)]
pub struct DurbinWatsonConfig {
    /// Level of the bounds test (0.05).
    pub alpha: f64,
    /// Largest n for which p-values and bounds are exact.
    pub exact_limit: usize,
}

impl Default for DurbinWatsonConfig {
    fn default() -> Self {
        Self {
            alpha: 0.05,
            exact_limit: DEFAULT_EXACT_LIMIT,
        }
    }
}

/// The three p-values, R's `dwtest` conventions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DwPValues {
    /// H1: positive autocorrelation; P(D ≤ d).
    pub greater: f64,
    /// H1: negative autocorrelation; P(D ≥ d).
    pub less: f64,
    /// 2·min(greater, less), at most 1.
    pub two_sided: f64,
}

/// The result of the test.
#[derive(Clone, Debug)]
pub struct DurbinWatson {
    /// The statistic d.
    pub statistic: f64,
    /// The lag-1 autocorrelation of the residuals ρ̂ (d ≈ 2(1 − ρ̂)).
    pub rho: f64,
    /// p-values.
    pub p_value: DwPValues,
    /// How they were computed.
    pub p_method: PMethod,
    /// Exact null mean of d: tr(MA)/(n − r).
    pub null_mean: f64,
    /// Exact null variance of d.
    pub null_variance: f64,
    /// Bounds d_L, d_U at `alpha` (None without an intercept: they do not apply).
    pub bounds: Option<DwBounds>,
    /// The bounds-test verdict (None without bounds).
    pub verdict: Option<Verdict>,
}

/// The statistic d and ρ̂ of a residual series.
///
/// ```text
/// d = Σ_{t≥2} (e_t − e_{t−1})² / Σ e_t²,   ρ̂ = Σ_{t≥2} e_t e_{t−1} / Σ e_t²
/// ```
pub fn dw_statistic(residuals: &[f64]) -> (f64, f64) {
    let ss: f64 = residuals.iter().map(|e| e * e).sum();
    let diff: f64 = residuals.windows(2).map(|w| (w[1] - w[0]).powi(2)).sum();
    let cross: f64 = residuals.windows(2).map(|w| w[1] * w[0]).sum();
    (diff / ss, cross / ss)
}

/// Runs the test on the residuals of `fit` (a fit of `design`).
///
/// # Errors
/// [`StatsError::InvalidAlpha`] for α outside (0, 1); [`StatsError::PerfectFit`] when every
/// residual is zero; [`StatsError::TooLarge`] when the exact distribution's n×n matrix (two of
/// them, with the eigensolver's copy) cannot be allocated — lower
/// [`DurbinWatsonConfig::exact_limit`] to get the normal approximation;
/// [`StatsError::Eigenvalues`] or [`StatsError::Integration`] when the numerics fail.
pub fn durbin_watson(
    design: &Design,
    fit: &OlsFit,
    config: &DurbinWatsonConfig,
) -> Result<DurbinWatson> {
    let alpha = config.alpha;
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(StatsError::InvalidAlpha { alpha });
    }
    let n = fit.n;
    if fit.residuals.iter().all(|&e| e == 0.0) {
        return Err(StatsError::PerfectFit);
    }
    let (statistic, rho) = dw_statistic(&fit.residuals);
    let retained: Vec<usize> = (0..design.ncols())
        .filter(|j| !fit.aliased.contains(j))
        .collect();
    let x = design.select(&retained);
    let q = x.qr().compute_thin_Q();
    let r = q.ncols();
    // B = A Q (A tridiagonal), C = Qᵀ A Q.
    let b = apply_difference_matrix(&q);
    let c = q.transpose() * &b;
    let trace_c: f64 = (0..r).map(|i| c[(i, i)]).sum();
    let trace_ma = 2.0 * (n as f64 - 1.0) - trace_c;
    let b_frob = b.norm_l2().powi(2);
    let c_frob = c.norm_l2().powi(2);
    let trace_ma2 = (6.0 * n as f64 - 8.0) - 2.0 * b_frob + c_frob;
    let moments = ExactMoments::from_power_sums((n - r) as f64, trace_ma, trace_ma2);

    let exact = n <= config.exact_limit;
    if exact {
        check_allocation(
            "the exact Durbin–Watson distribution",
            n.saturating_mul(2),
            n,
        )?;
    }
    let (greater, less, p_method) = if n - r == 1 {
        // One residual degree of freedom: M·A·M has one non-zero eigenvalue ν and d = ν, so
        // under H0 d has that one possible value and P(D ≤ d) = P(D ≥ d) = 1. (The quadrature
        // would see ν − d as rounding noise of either sign and answer 0 or 1.)
        let method = if exact {
            PMethod::Exact
        } else {
            PMethod::NormalExactMoments
        };
        (1.0, 1.0, method)
    } else if exact {
        let nu = eigenvalues_mam(&q, &b, &c)?;
        let shifted: Vec<f64> = nu.iter().map(|v| v - statistic).collect();
        (lower_tail(&shifted)?, upper_tail(&shifted)?, PMethod::Exact)
    } else {
        let normal = moments
            .normal()
            .ok_or(StatsError::Eigenvalues { size: n })?;
        (
            normal.cdf(statistic),
            normal.sf(statistic),
            PMethod::NormalExactMoments,
        )
    };
    let two_sided = (2.0 * greater.min(less)).min(1.0);
    let bounds = if fit.intercept {
        dw_bounds(n, fit.rank.saturating_sub(1), alpha, exact)?
    } else {
        None
    };
    let verdict = bounds.as_ref().map(|b| b.verdict(statistic));
    Ok(DurbinWatson {
        statistic,
        rho,
        p_value: DwPValues {
            greater,
            less,
            two_sided,
        },
        p_method,
        null_mean: moments.mean,
        null_variance: moments.variance,
        bounds,
        verdict,
    })
}

/// A·Q for the n×n first-difference matrix A (1, 2, …, 2, 1 on the diagonal, −1 beside it).
fn apply_difference_matrix(q: &Mat<f64>) -> Mat<f64> {
    let n = q.nrows();
    Mat::from_fn(n, q.ncols(), |i, j| {
        let diag = if i == 0 || i + 1 == n { 1.0 } else { 2.0 };
        let mut v = diag * q[(i, j)];
        if i > 0 {
            v -= q[(i - 1, j)];
        }
        if i + 1 < n {
            v -= q[(i + 1, j)];
        }
        v
    })
}

/// The n − r non-zero eigenvalues of M·A·M, ascending, with M = I − QQᵀ:
///
/// ```text
/// M A M = A + G Qᵀ + Q Gᵀ,   G = Q C/2 − B,   B = A Q,   C = Qᵀ A Q
/// ```
///
/// M·A·M has r zero eigenvalues (the columns of X) and its other eigenvalues are ≥ 0, so the r
/// smallest are dropped.
fn eigenvalues_mam(q: &Mat<f64>, b: &Mat<f64>, c: &Mat<f64>) -> Result<Vec<f64>> {
    let n = q.nrows();
    let r = q.ncols();
    let half_c = c * faer::Scale(0.5);
    let g = q * &half_c - b;
    let mut mam = &g * q.transpose() + q * g.transpose();
    for i in 0..n {
        mam[(i, i)] += if i == 0 || i + 1 == n { 1.0 } else { 2.0 };
        if i + 1 < n {
            mam[(i, i + 1)] -= 1.0;
            mam[(i + 1, i)] -= 1.0;
        }
    }
    let mut ev = mam
        .self_adjoint_eigenvalues(Side::Lower)
        .map_err(|_| StatsError::Eigenvalues { size: n })?;
    ev.sort_by(f64::total_cmp);
    Ok(ev.split_off(r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ols::OlsConfig;

    #[test]
    fn statistic_and_rho_follow_their_definitions() {
        // Alternating residuals: every difference is ±2.
        let (d, rho) = dw_statistic(&[1.0, -1.0, 1.0, -1.0]);
        assert_eq!(d, 12.0 / 4.0);
        assert_eq!(rho, -3.0 / 4.0);
        let (d, rho) = dw_statistic(&[1.0, 1.0, 1.0, 1.0]);
        assert_eq!((d, rho), (0.0, 0.75));
    }

    #[test]
    fn an_exact_fit_is_an_error_not_a_nan() {
        let x = [1.0, 2.0, 4.0, 8.0, 16.0];
        let y = [3.0, 5.0, 9.0, 17.0, 33.0];
        let design = Design::new(&[("x", &x[..])], true).unwrap();
        let mut fit = OlsConfig::default().fit(&design, &y).unwrap();
        // Exact up to rounding; make it exact.
        assert!(
            fit.residuals.iter().all(|&e| e.abs() < 1e-12),
            "{:?}",
            fit.residuals
        );
        fit.residuals.iter_mut().for_each(|e| *e = 0.0);
        let err = durbin_watson(&design, &fit, &DurbinWatsonConfig::default()).unwrap_err();
        assert!(matches!(err, StatsError::PerfectFit));
    }

    #[test]
    fn exact_and_approximate_p_values_agree_roughly_and_sum_to_one() {
        let x: Vec<f64> = (0..80)
            .map(|i| (i as f64 * 0.37).sin() + i as f64 * 0.05)
            .collect();
        let y: Vec<f64> = (0..80)
            .map(|i| 1.0 + 0.5 * x[i] + ((i * 7919) % 101) as f64 / 101.0)
            .collect();
        let design = Design::new(&[("x", &x[..])], true).unwrap();
        let fit = OlsConfig::default().fit(&design, &y).unwrap();
        let exact = durbin_watson(&design, &fit, &DurbinWatsonConfig::default()).unwrap();
        let approx = durbin_watson(
            &design,
            &fit,
            &DurbinWatsonConfig {
                exact_limit: 10,
                ..DurbinWatsonConfig::default()
            },
        )
        .unwrap();
        assert_eq!(exact.p_method, PMethod::Exact);
        assert_eq!(approx.p_method, PMethod::NormalExactMoments);
        assert_eq!(approx.bounds.unwrap().method, PMethod::NormalExactMoments);
        let p = exact.p_value;
        assert!((p.greater + p.less - 1.0).abs() < 1e-10);
        assert!((p.greater - approx.p_value.greater).abs() < 0.05);
        // The exact mean of d is the mean of the eigenvalues: E[d] = tr(MA)/(n − r).
        assert!((exact.null_mean - approx.null_mean).abs() < 1e-15);
    }
}
