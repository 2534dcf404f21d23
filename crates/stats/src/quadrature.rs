//! Adaptive Gauss–Kronrod quadrature (7-point Gauss, 15-point Kronrod), as QUADPACK's `qag`.
//!
//! The interval with the largest error estimate is bisected until the summed error estimate
//! `Σ |K15 − G7|` meets the tolerance. Used for the numerical inversion of characteristic
//! functions in [`crate::quadratic_form`].

use crate::error::{Result, StatsError};

/// Kronrod abscissae on [−1, 1] (the non-negative half; the odd indices are the Gauss nodes).
const XGK: [f64; 8] = [
    0.991_455_371_120_812_6,
    0.949_107_912_342_758_5,
    0.864_864_423_359_769_1,
    0.741_531_185_599_394_4,
    0.586_087_235_467_691_1,
    0.405_845_151_377_397_2,
    0.207_784_955_007_898_5,
    0.0,
];
/// Kronrod weights.
const WGK: [f64; 8] = [
    0.022_935_322_010_529_22,
    0.063_092_092_629_978_55,
    0.104_790_010_322_250_2,
    0.140_653_259_715_525_9,
    0.169_004_726_639_267_9,
    0.190_350_578_064_785_4,
    0.204_432_940_075_298_9,
    0.209_482_141_084_727_8,
];
/// Gauss weights for the nodes XGK[1], XGK[3], XGK[5], XGK[7].
const WG: [f64; 4] = [
    0.129_484_966_168_869_7,
    0.279_705_391_489_276_7,
    0.381_830_050_505_118_9,
    0.417_959_183_673_469_4,
];

/// Most subintervals before giving up.
const MAX_INTERVALS: usize = 4000;

/// One Gauss–Kronrod step on [a, b]: (Kronrod estimate, |Kronrod − Gauss|).
fn gk15(f: &mut impl FnMut(f64) -> f64, a: f64, b: f64) -> (f64, f64) {
    let centre = 0.5 * (a + b);
    let half = 0.5 * (b - a);
    let fc = f(centre);
    let mut kronrod = fc * WGK[7];
    let mut gauss = fc * WG[3];
    for i in 0..7 {
        let dx = half * XGK[i];
        let sum = f(centre - dx) + f(centre + dx);
        kronrod += WGK[i] * sum;
        if i % 2 == 1 {
            gauss += WG[i / 2] * sum;
        }
    }
    (kronrod * half, ((kronrod - gauss) * half).abs())
}

/// ∫_a^b f(x) dx to the relative tolerance `rel` (or the absolute tolerance `abs`, whichever is
/// looser), with its estimated absolute error.
///
/// ```text
/// stop when  Σ_intervals |K15 − G7|  ≤  max(abs, rel · |Σ_intervals K15|)
/// ```
///
/// # Errors
/// [`StatsError::Integration`] (naming `quantity`) when the tolerance is not met after
/// 4000 subintervals or the integrand is not finite.
pub(crate) fn integrate(
    quantity: &'static str,
    mut f: impl FnMut(f64) -> f64,
    a: f64,
    b: f64,
    rel: f64,
    abs: f64,
) -> Result<(f64, f64)> {
    let (est, err) = gk15(&mut f, a, b);
    let mut intervals = vec![(a, b, est, err)];
    let mut total = est;
    let mut total_err = err;
    loop {
        if !total.is_finite() || !total_err.is_finite() {
            return Err(StatsError::Integration {
                quantity,
                estimate: total,
                error: total_err,
            });
        }
        if total_err <= abs.max(rel * total.abs()) {
            return Ok((total, total_err));
        }
        if intervals.len() >= MAX_INTERVALS {
            return Err(StatsError::Integration {
                quantity,
                estimate: total,
                error: total_err,
            });
        }
        let worst = intervals
            .iter()
            .enumerate()
            .max_by(|x, y| x.1 .3.total_cmp(&y.1 .3))
            .map_or(0, |(i, _)| i);
        let (lo, hi, e0, r0) = intervals.swap_remove(worst);
        let mid = 0.5 * (lo + hi);
        let (e1, r1) = gk15(&mut f, lo, mid);
        let (e2, r2) = gk15(&mut f, mid, hi);
        total += e1 + e2 - e0;
        total_err += r1 + r2 - r0;
        intervals.push((lo, mid, e1, r1));
        intervals.push((mid, hi, e2, r2));
        if intervals.len() % 64 == 0 {
            // Re-sum to keep rounding in the running totals from drifting.
            total = intervals.iter().map(|i| i.2).sum();
            total_err = intervals.iter().map(|i| i.3).sum();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrates_a_polynomial_exactly() {
        let (v, _) = integrate("test", |x| x.powi(5) - 2.0 * x, 0.0, 2.0, 1e-14, 0.0).unwrap();
        assert!((v - (64.0 / 6.0 - 4.0)).abs() < 1e-13);
    }

    #[test]
    fn integrates_a_peaked_function() {
        // ∫_0^∞ exp(−x²) dx = √π / 2 through x = t/(1−t).
        let f = |t: f64| {
            let x = t / (1.0 - t);
            (-x * x).exp() / ((1.0 - t) * (1.0 - t))
        };
        let (v, _) = integrate("test", f, 0.0, 1.0, 1e-13, 0.0).unwrap();
        assert!((v - std::f64::consts::PI.sqrt() / 2.0).abs() < 1e-13);
    }

    #[test]
    fn reports_a_divergent_integral() {
        let err = integrate("test", |x| 1.0 / x, 0.0, 1.0, 1e-12, 0.0).unwrap_err();
        assert!(matches!(
            err,
            StatsError::Integration {
                quantity: "test",
                ..
            }
        ));
    }
}
