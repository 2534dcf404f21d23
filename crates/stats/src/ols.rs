//! Ordinary least squares with the summary statistics of R's `summary.lm` and statsmodels' `OLS`.
//!
//! Two solvers: the rank-revealing Householder QR (the default, numerically stable) and the
//! textbook normal equations `W = (XᵀX)⁻¹ Xᵀ y` (kept for teaching; it squares the condition
//! number, so it warns when the design is ill-conditioned). Both set aside aliased columns first
//! (see [`RankRevealingQr`]): their estimates are `None`, as R prints `NA`.
//!
//! Conventions (statsmodels' where R and statsmodels differ):
//! - `log_likelihood = −n/2 · (ln 2π + ln(RSS/n) + 1)` (both agree);
//! - `aic = −2·llf + 2·rank`, `bic = −2·llf + ln(n)·rank`: statsmodels counts the coefficients
//!   only; R's `AIC()`/`BIC()` also count σ, so R's values are larger by 2 and by ln(n);
//! - R² is centred with an intercept and uncentred (`1 − RSS/Σy²`) without, as both do;
//! - degrees of freedom use the rank: `df_resid = n − rank`, `df_model = rank − 1` (or `rank`
//!   without an intercept);
//! - confidence intervals are at 95% (`confidence` in [`OlsConfig`]).
//!
//! ```
//! use nabla_stats::{Design, OlsConfig};
//! let x = [48.9, 50.4, 52.9, 55.0, 56.8, 58.8, 61.2, 62.5, 64.7, 68.0];
//! let y = [40.8, 42.5, 44.9, 46.1, 47.4, 49.1, 51.5, 53.5, 54.2, 57.3];
//! let design = Design::new(&[("x", &x[..])], true)?;
//! let fit = OlsConfig::default().fit(&design, &y)?;
//! let slope = fit.coefficients[1].estimate.unwrap();
//! assert!((slope - 0.854177).abs() < 1e-6);
//! # Ok::<(), nabla_stats::StatsError>(())
//! ```

use faer::Side;
use statrs::distribution::{ContinuousCDF, FisherSnedecor, StudentsT};

use crate::design::Design;
use crate::error::{Result, StatsError};
use crate::rank_revealing_qr::{RankRevealingQr, DEFAULT_RANK_TOLERANCE};

/// Above this 2-norm condition number the normal equations are declared unsafe.
pub const ILL_CONDITIONED: f64 = 1e7;

/// Which solver computes the coefficients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Method {
    /// Householder QR of the design (numerically stable; the default).
    #[default]
    Qr,
    /// The normal equations `(XᵀX)⁻¹ Xᵀ y` through a Cholesky factorization.
    Normal,
}

impl Method {
    /// The name used on the command line and in JSON: `qr` or `normal`.
    pub fn name(self) -> &'static str {
        match self {
            Method::Qr => "qr",
            Method::Normal => "normal",
        }
    }
}

/// How to fit.
#[derive(Clone, Copy, Debug)]
pub struct OlsConfig {
    /// The solver.
    pub method: Method,
    /// Relative tolerance for aliased columns (R's default 1e-7).
    pub rank_tolerance: f64,
    /// Confidence level of the coefficient intervals (0.95).
    pub confidence: f64,
}

impl Default for OlsConfig {
    fn default() -> Self {
        Self {
            method: Method::Qr,
            rank_tolerance: DEFAULT_RANK_TOLERANCE,
            confidence: 0.95,
        }
    }
}

/// One row of the coefficient table. Aliased columns have `aliased: true` and `None` elsewhere.
#[derive(Clone, Debug, PartialEq)]
pub struct Coefficient {
    /// Column name.
    pub name: String,
    /// Estimate β̂_j.
    pub estimate: Option<f64>,
    /// Standard error `σ̂ · sqrt([(XᵀX)⁻¹]_jj)`.
    pub std_error: Option<f64>,
    /// `t = β̂_j / se_j`.
    pub t: Option<f64>,
    /// Two-sided p-value from Student's t with `df_resid` degrees of freedom.
    pub p_value: Option<f64>,
    /// Lower end of the confidence interval `β̂ − t_{1−a/2} · se`.
    pub ci_low: Option<f64>,
    /// Upper end of the confidence interval `β̂ + t_{1−a/2} · se`.
    pub ci_high: Option<f64>,
    /// Whether the column depends linearly on earlier columns.
    pub aliased: bool,
}

/// Something the user should know about a fit.
#[derive(Clone, Debug, PartialEq)]
pub enum FitWarning {
    /// The normal equations were used on an ill-conditioned design.
    IllConditioned {
        /// The design's 2-norm condition number κ.
        condition_number: f64,
        /// Roughly how many significant digits the estimates keep: `−log10(κ² · ε)`.
        trusted_digits: f64,
    },
    /// Some columns are linear combinations of earlier ones.
    Aliased {
        /// Their names.
        columns: Vec<String>,
    },
}

impl std::fmt::Display for FitWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FitWarning::IllConditioned {
                condition_number,
                trusted_digits,
            } => write!(
                f,
                "the design is ill-conditioned (condition number {condition_number:.3e}); the normal \
                 equations square it, so the estimates may keep only about {trusted_digits:.0} \
                 significant digits: use --method qr"
            ),
            FitWarning::Aliased { columns } => write!(
                f,
                "the design is rank-deficient: {} {} linearly dependent on earlier columns \
                 (aliased; no estimate)",
                columns.join(", "),
                if columns.len() == 1 { "is" } else { "are" }
            ),
        }
    }
}

/// A fitted least-squares model with its summary statistics.
#[derive(Clone, Debug)]
pub struct OlsFit {
    /// Solver used.
    pub method: Method,
    /// Observations.
    pub n: usize,
    /// Design columns, intercept included.
    pub k: usize,
    /// Numerical rank (k minus the aliased columns).
    pub rank: usize,
    /// Whether the design has an intercept.
    pub intercept: bool,
    /// `n − rank`.
    pub df_resid: usize,
    /// `rank − 1` with an intercept, `rank` without.
    pub df_model: usize,
    /// The coefficient table, in design order.
    pub coefficients: Vec<Coefficient>,
    /// Residual sum of squares Σ e².
    pub rss: f64,
    /// Total sum of squares (centred with an intercept, uncentred without).
    pub tss: f64,
    /// `1 − RSS/TSS`.
    pub r_squared: f64,
    /// `1 − (1 − R²)(n − i)/df_resid`, with i = 1 when there is an intercept.
    pub adj_r_squared: f64,
    /// `((TSS − RSS)/df_model) / (RSS/df_resid)`; `None` when df_model = 0.
    pub f_statistic: Option<f64>,
    /// Upper tail of F(df_model, df_resid) at `f_statistic`.
    pub f_p_value: Option<f64>,
    /// `σ̂ = sqrt(RSS/df_resid)`.
    pub sigma: f64,
    /// Gaussian log-likelihood at the estimates.
    pub log_likelihood: f64,
    /// `−2·llf + 2·rank` (statsmodels).
    pub aic: f64,
    /// `−2·llf + ln(n)·rank` (statsmodels).
    pub bic: f64,
    /// 2-norm condition number of the design as given (statsmodels' `condition_number`).
    pub condition_number: f64,
    /// Fitted values X β̂.
    pub fitted: Vec<f64>,
    /// Residuals y − X β̂, in row (time) order.
    pub residuals: Vec<f64>,
    /// Indices of the aliased columns.
    pub aliased: Vec<usize>,
    /// Things the user should know.
    pub warnings: Vec<FitWarning>,
}

impl OlsConfig {
    /// Fits `y` on `design`.
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] or [`StatsError::NonFinite`] for a bad response,
    /// [`StatsError::TooFewObservations`] when n ≤ k, [`StatsError::ConstantResponse`] when y
    /// does not vary, [`StatsError::SingularNormalEquations`] when the normal equations cannot be
    /// solved, [`StatsError::EmptyDesign`] when every column is zero.
    pub fn fit(&self, design: &Design, y: &[f64]) -> Result<OlsFit> {
        let n = design.nrows();
        let k = design.ncols();
        if y.len() != n {
            return Err(StatsError::LengthMismatch {
                column: "y".into(),
                len: y.len(),
                expected: n,
            });
        }
        if let Some(row) = y.iter().position(|v| !v.is_finite()) {
            return Err(StatsError::NonFinite {
                column: "y".into(),
                row: row + 1,
            });
        }
        if n <= k {
            return Err(StatsError::TooFewObservations {
                rows: n,
                columns: k,
            });
        }
        if y.iter().all(|&v| v == y[0]) {
            return Err(StatsError::ConstantResponse { value: y[0] });
        }
        let qr = RankRevealingQr::new(design, y, self.rank_tolerance)?;
        let rank = qr.rank();
        let condition_number = qr.condition_number();
        let mut warnings = Vec::new();
        let (beta, xtx_inv_diag) = match self.method {
            Method::Qr => {
                let rinv = qr.r_inverse();
                let diag = (0..rank)
                    .map(|i| (i..rank).map(|j| rinv[(i, j)] * rinv[(i, j)]).sum())
                    .collect();
                (qr.coefficients().to_vec(), diag)
            }
            Method::Normal => {
                if condition_number > ILL_CONDITIONED {
                    let digits = -(condition_number * condition_number * f64::EPSILON).log10();
                    warnings.push(FitWarning::IllConditioned {
                        condition_number,
                        trusted_digits: digits.max(0.0),
                    });
                }
                if qr.aliased().is_empty() {
                    normal_equations(design.matrix(), y, condition_number)?
                } else {
                    normal_equations(&design.select(qr.retained()), y, condition_number)?
                }
            }
        };
        if !qr.aliased().is_empty() {
            warnings.push(FitWarning::Aliased {
                columns: qr
                    .aliased()
                    .iter()
                    .map(|&j| design.names()[j].clone())
                    .collect(),
            });
        }
        let mut fitted = vec![0.0; n];
        for (&j, &b) in qr.retained().iter().zip(&beta) {
            for (f, x) in fitted.iter_mut().zip(design.column(j)) {
                *f += b * x;
            }
        }
        let residuals: Vec<f64> = y.iter().zip(&fitted).map(|(y, f)| y - f).collect();
        let rss: f64 = residuals.iter().map(|e| e * e).sum();
        let intercept = design.has_intercept();
        let tss: f64 = if intercept {
            let mean = y.iter().sum::<f64>() / n as f64;
            y.iter().map(|v| (v - mean) * (v - mean)).sum()
        } else {
            y.iter().map(|v| v * v).sum()
        };
        if !(rss.is_finite() && tss.is_finite()) {
            let largest = y
                .iter()
                .chain((0..design.ncols()).flat_map(|j| design.column(j)))
                .fold(0.0_f64, |m, v| m.max(v.abs()));
            return Err(StatsError::Overflow { largest });
        }
        let df_resid = n - rank;
        let df_model = rank - usize::from(intercept);
        let sigma2 = rss / df_resid as f64;
        let sigma = sigma2.sqrt();
        let r_squared = 1.0 - rss / tss;
        let adj_r_squared =
            1.0 - (1.0 - r_squared) * (n - usize::from(intercept)) as f64 / df_resid as f64;
        let (f_statistic, f_p_value) = if df_model > 0 {
            let f = ((tss - rss) / df_model as f64) / sigma2;
            let p = FisherSnedecor::new(df_model as f64, df_resid as f64)
                .ok()
                .filter(|_| f.is_finite())
                .map(|d| d.sf(f));
            (Some(f).filter(|f| f.is_finite()), p)
        } else {
            (None, None)
        };
        let nf = n as f64;
        let log_likelihood =
            -nf / 2.0 * ((2.0 * std::f64::consts::PI).ln() + (rss / nf).ln() + 1.0);
        let aic = -2.0 * log_likelihood + 2.0 * rank as f64;
        let bic = -2.0 * log_likelihood + nf.ln() * rank as f64;

        let t_dist = StudentsT::new(0.0, 1.0, df_resid as f64).ok();
        let t_crit = t_dist
            .as_ref()
            .map(|d| d.inverse_cdf(0.5 + self.confidence / 2.0));
        let mut coefficients: Vec<Coefficient> = design
            .names()
            .iter()
            .map(|name| Coefficient {
                name: name.clone(),
                estimate: None,
                std_error: None,
                t: None,
                p_value: None,
                ci_low: None,
                ci_high: None,
                aliased: true,
            })
            .collect();
        for (slot, &j) in qr.retained().iter().enumerate() {
            let b = beta[slot];
            let se = sigma * xtx_inv_diag[slot].sqrt();
            let t = b / se;
            let c = &mut coefficients[j];
            c.aliased = false;
            c.estimate = Some(b);
            c.std_error = Some(se);
            c.t = Some(t).filter(|t| t.is_finite());
            c.p_value = match (&t_dist, c.t) {
                (Some(d), Some(t)) => Some((2.0 * d.sf(t.abs())).min(1.0)),
                _ => None,
            };
            if let Some(q) = t_crit {
                c.ci_low = Some(b - q * se);
                c.ci_high = Some(b + q * se);
            }
        }
        let aliased = qr.aliased().to_vec();
        Ok(OlsFit {
            method: self.method,
            n,
            k,
            rank,
            intercept,
            df_resid,
            df_model,
            coefficients,
            rss,
            tss,
            r_squared,
            adj_r_squared,
            f_statistic,
            f_p_value,
            sigma,
            log_likelihood,
            aic,
            bic,
            condition_number,
            fitted,
            residuals,
            aliased,
            warnings,
        })
    }
}

/// The textbook closed form on the retained columns:
///
/// ```text
/// W = (XᵀX)⁻¹ Xᵀ y
/// ```
///
/// with `(XᵀX)⁻¹` from a Cholesky factorization. Returns the coefficients and the diagonal of
/// `(XᵀX)⁻¹`.
fn normal_equations(
    x: &faer::Mat<f64>,
    y: &[f64],
    condition_number: f64,
) -> Result<(Vec<f64>, Vec<f64>)> {
    use faer::linalg::solvers::DenseSolveCore;
    let (n, p) = (x.nrows(), x.ncols());
    // XᵀX accumulated over blocks of rows (cache-sized), Xᵀy column by column.
    let mut xtx = faer::Mat::<f64>::zeros(p, p);
    let block = ((1 << 18) / p.max(1)).max(4 * p).max(1);
    let mut start = 0;
    while start < n {
        let end = (start + block).min(n);
        let xb = x.get(start..end, ..);
        faer::linalg::matmul::matmul(
            xtx.as_mut(),
            faer::Accum::Add,
            xb.transpose(),
            xb,
            1.0,
            faer::get_global_parallelism(),
        );
        start = end;
    }
    let xty = faer::Mat::from_fn(p, 1, |j, _| {
        x.col_as_slice(j)
            .iter()
            .zip(y)
            .map(|(a, b)| a * b)
            .sum::<f64>()
    });
    let llt = xtx
        .llt(Side::Lower)
        .map_err(|_| StatsError::SingularNormalEquations { condition_number })?;
    let inv = llt.inverse();
    let w = &inv * &xty;
    let beta = (0..p).map(|j| w[(j, 0)]).collect();
    let diag = (0..p).map(|j| inv[(j, j)]).collect();
    Ok((beta, diag))
}
