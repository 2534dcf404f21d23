//! The Breusch–Godfrey test for serial correlation up to order p, as R's `lmtest::bgtest`.
//!
//! The residuals e are regressed on the design's (retained) columns and their own lags
//! `e_{t−1}, …, e_{t−p}`, with the missing start values set to 0 (`bgtest`'s `fill = 0`). No
//! constant is added to this auxiliary regression: a model without intercept keeps none.
//!
//! ```text
//! LM = n · Σ ê_aux² / Σ e²  ~  χ²(p)                       (ê_aux: fitted values of the auxiliary fit)
//! F  = ((Σ e² − Σ u²)/p) / (Σ u²/(n − r − p))  ~  F(p, n − r − p)   (u: its residuals)
//! ```
//!
//! r is the rank of the design (R's `bgtest` uses the column count, which differs only for a
//! rank-deficient design).
//!
//! ```
//! use nabla_stats::{breusch_godfrey, Design, OlsConfig};
//! let x = [48.9, 50.4, 52.9, 55.0, 56.8, 58.8, 61.2, 62.5, 64.7, 68.0];
//! let y = [40.8, 42.5, 44.9, 46.1, 47.4, 49.1, 51.5, 53.5, 54.2, 57.3];
//! let design = Design::new(&[("x", &x[..])], true)?;
//! let fit = OlsConfig::default().fit(&design, &y)?;
//! let bg = breusch_godfrey(&design, &fit, 1)?;
//! assert!(bg.p_value > 0.0 && bg.p_value < 1.0);
//! # Ok::<(), nabla_stats::StatsError>(())
//! ```

use faer::Mat;
use statrs::distribution::{ChiSquared, ContinuousCDF, FisherSnedecor};

use crate::allocation::check_allocation;
use crate::design::Design;
use crate::error::{Result, StatsError};
use crate::ols::OlsFit;
use crate::rank_revealing_qr::{RankRevealingQr, DEFAULT_RANK_TOLERANCE};

/// The result of the test.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BreuschGodfrey {
    /// The order p (number of lags).
    pub order: usize,
    /// The LM statistic n·R²_aux.
    pub statistic: f64,
    /// Upper tail of χ²(p) at the statistic.
    pub p_value: f64,
    /// The F form.
    pub f_statistic: f64,
    /// Its degrees of freedom (p, n − r − p).
    pub f_df: (usize, usize),
    /// Upper tail of F(p, n − r − p).
    pub f_p_value: f64,
}

/// The largest order the test allows for `fit`: n − r − 1 (0 when it is not computable, n ≤ r + 1).
pub fn max_breusch_godfrey_order(fit: &OlsFit) -> usize {
    fit.n.saturating_sub(fit.rank + 1)
}

/// Runs the test of order `order` on the residuals of `fit` (a fit of `design`).
///
/// # Errors
/// [`StatsError::BreuschGodfreyNotComputable`] when n ≤ r + 1 (no order is possible: the fit
/// stands, the test does not exist); [`StatsError::InvalidOrder`] unless
/// 1 ≤ order ≤ n − r − 1; [`StatsError::PerfectFit`] when every residual is zero;
/// [`StatsError::TooLarge`] when the n×(r + order) auxiliary design cannot be allocated.
pub fn breusch_godfrey(design: &Design, fit: &OlsFit, order: usize) -> Result<BreuschGodfrey> {
    let n = fit.n;
    let max = max_breusch_godfrey_order(fit);
    if max == 0 {
        return Err(StatsError::BreuschGodfreyNotComputable { n, rank: fit.rank });
    }
    if order == 0 || order > max {
        return Err(StatsError::InvalidOrder { order, max });
    }
    let e = &fit.residuals;
    if e.iter().all(|&v| v == 0.0) {
        return Err(StatsError::PerfectFit);
    }
    let retained: Vec<usize> = (0..design.ncols())
        .filter(|j| !fit.aliased.contains(j))
        .collect();
    let r = retained.len();
    check_allocation("the Breusch–Godfrey auxiliary regression", n, r + order)?;
    let aux = Mat::from_fn(n, r + order, |i, j| {
        if j < r {
            design.matrix()[(i, retained[j])]
        } else {
            let lag = j - r + 1;
            if i >= lag {
                e[i - lag]
            } else {
                0.0
            }
        }
    });
    let qr = RankRevealingQr::from_matrix(aux.as_ref(), e, DEFAULT_RANK_TOLERANCE)?;
    let fitted = qr.fitted(aux.as_ref());
    let ss_e: f64 = e.iter().map(|v| v * v).sum();
    let ss_fit: f64 = fitted.iter().map(|v| v * v).sum();
    let ss_u: f64 = e.iter().zip(&fitted).map(|(a, b)| (a - b) * (a - b)).sum();
    let statistic = n as f64 * ss_fit / ss_e;
    // statrs panics on a non-finite argument; such a statistic has no p-value.
    let p_value = ChiSquared::new(order as f64)
        .ok()
        .filter(|_| statistic.is_finite())
        .map_or(f64::NAN, |d| d.sf(statistic));
    let df2 = n - r - order;
    let f_statistic = ((ss_e - ss_u) / order as f64) / (ss_u / df2 as f64);
    let f_p_value = FisherSnedecor::new(order as f64, df2 as f64)
        .ok()
        .filter(|_| f_statistic.is_finite())
        .map_or(f64::NAN, |d| d.sf(f_statistic));
    Ok(BreuschGodfrey {
        order,
        statistic,
        p_value,
        f_statistic,
        f_df: (order, df2),
        f_p_value,
    })
}
