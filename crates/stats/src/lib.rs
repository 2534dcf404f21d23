//! nabla-stats: ordinary least squares with a full summary and the classical checks of the
//! no-autocorrelation assumption — Durbin–Watson with exact p-values and exact bounds, and
//! Breusch–Godfrey.
//!
//! Row order is time order throughout: the tests read the residuals as one series.
//!
//! ```
//! use nabla_stats::{breusch_godfrey, durbin_watson, Design, DurbinWatsonConfig, OlsConfig, Verdict};
//! // The textbook problem: n = 10, one regressor plus intercept.
//! let x = [48.9, 50.4, 52.9, 55.0, 56.8, 58.8, 61.2, 62.5, 64.7, 68.0];
//! let y = [40.8, 42.5, 44.9, 46.1, 47.4, 49.1, 51.5, 53.5, 54.2, 57.3];
//! let design = Design::new(&[("x", &x[..])], true)?;
//! let fit = OlsConfig::default().fit(&design, &y)?;
//! let dw = durbin_watson(&design, &fit, &DurbinWatsonConfig::default())?;
//! let bg = breusch_godfrey(&design, &fit, 1)?;
//! assert!(dw.statistic > 0.0 && dw.statistic < 4.0);
//! assert!(dw.verdict.is_some());
//! assert_eq!(bg.order, 1);
//! # Ok::<(), nabla_stats::StatsError>(())
//! ```

mod allocation;
mod breusch_godfrey;
mod design;
mod durbin_watson;
mod dw_bounds;
mod error;
mod ols;
pub mod quadratic_form;
mod quadrature;
mod rank_revealing_qr;

pub use allocation::check_allocation;
pub use breusch_godfrey::{breusch_godfrey, max_breusch_godfrey_order, BreuschGodfrey};
pub use design::{Design, INTERCEPT};
pub use durbin_watson::{
    durbin_watson, dw_statistic, DurbinWatson, DurbinWatsonConfig, DwPValues, DEFAULT_EXACT_LIMIT,
};
pub use dw_bounds::{dw_bounds, DwBounds, Verdict};
pub use error::{Result, StatsError};
pub use ols::{Coefficient, FitWarning, Method, OlsConfig, OlsFit, ILL_CONDITIONED};
pub use quadratic_form::PMethod;
pub use rank_revealing_qr::{RankRevealingQr, DEFAULT_RANK_TOLERANCE};
