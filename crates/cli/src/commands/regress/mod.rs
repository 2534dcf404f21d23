//! `nabla regress`: ordinary least squares with a statsmodels-style summary, the Durbin–Watson
//! test (exact p-values, exact bounds, verdict) and Breusch–Godfrey, as CONTRACT.md specifies.
//!
//! Rows are observations in time order: the autocorrelation tests read the residuals in row
//! order.

mod picture;
mod report;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};
use nabla_explain::regress::{RegressOptions, Regression, Table};
use nabla_stats::{Method, DEFAULT_EXACT_LIMIT};

use crate::marked::{self, ClaimsArgs};
use crate::output::CommonArgs;

/// The solver, as a command-line value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    /// Householder QR (numerically stable; default).
    Qr,
    /// The normal equations (XᵀX)⁻¹Xᵀy (for teaching; warns when unsafe).
    Normal,
}

/// Arguments of `nabla regress`.
#[derive(Args, Debug)]
pub struct RegressArgs {
    /// CSV file with a header line; each row is one observation, in time order.
    #[arg(value_name = "FILE.csv")]
    pub file: PathBuf,
    /// The response column.
    #[arg(long = "y", value_name = "COL")]
    pub y: String,
    /// Regressor columns, comma-separated (default: every numeric column but --y).
    #[arg(long = "x", value_name = "COL[,COL...]", value_delimiter = ',')]
    pub x: Option<Vec<String>>,
    /// Fit without an intercept (the Durbin–Watson bounds then do not apply).
    #[arg(long)]
    pub no_intercept: bool,
    /// Least-squares solver.
    #[arg(long, value_enum, default_value = "qr")]
    pub method: MethodArg,
    /// Level of the Durbin–Watson bounds test.
    #[arg(long, default_value_t = 0.05, allow_hyphen_values = true)]
    pub alpha: f64,
    /// Order (number of lags) of the Breusch–Godfrey test.
    #[arg(long, default_value_t = 1, allow_hyphen_values = true)]
    pub bg_order: i64,
    /// Largest n for exact Durbin–Watson p-values and bounds (above it: normal approximation
    /// with the exact null mean and variance).
    #[arg(long, default_value_t = DEFAULT_EXACT_LIMIT)]
    pub exact_limit: usize,
    /// Draw the residuals in time order and the lag plot e_t against e_{t−1} (.png or .svg).
    #[arg(long, value_name = "FILE.png|FILE.svg")]
    pub plot: Option<PathBuf>,
    #[command(flatten)]
    pub claims: ClaimsArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl RegressArgs {
    /// The options of the fit, as nabla-explain takes them.
    fn options(&self) -> RegressOptions {
        RegressOptions {
            y: self.y.clone(),
            x: self.x.clone(),
            intercept: !self.no_intercept,
            method: match self.method {
                MethodArg::Qr => Method::Qr,
                MethodArg::Normal => Method::Normal,
            },
            alpha: self.alpha,
            bg_order: self.bg_order,
            exact_limit: self.exact_limit,
        }
    }
}

/// Runs `nabla regress`: checks the flags and paths, reads the file, prices the exact
/// Durbin–Watson distribution, and hands the text to [`nabla_explain::regress`]; then prints,
/// plots and grades.
///
/// # Errors
/// Bad flags, a bad CSV, or a model that cannot be fitted; each message names the flag, file,
/// row or column at fault; with `--claims`, an unreadable claims file or an unknown name. A
/// graded solution with any claim not correct is not an error: it exits 1.
pub fn run(args: &RegressArgs) -> anyhow::Result<ExitCode> {
    let options = args.options();
    options.validate()?;
    if let Some(path) = &args.plot {
        crate::plot::ImageFormat::from_path(path, "--plot")?;
    }
    crate::paths::RunPaths::new()
        .input("FILE", Some(&args.file))
        .input("--claims", args.claims.claims.as_deref())
        .output("--plot", args.plot.as_deref())
        .check()?;
    let claims = args.claims.read()?;
    let file = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).with_context(|| format!("{file}: cannot read"))?;
    let table = Table::parse(&file, &bytes, &args.y, args.x.as_deref())?;
    drop(bytes); // the table holds its own numbers: free the file before fitting
    let n = table.rows();
    if n <= args.exact_limit {
        let what = format!(
            "the exact Durbin–Watson distribution at n = {n} (an {n}×{n} eigenvalue problem)"
        );
        crate::limits::check_memory("--exact-limit", what, 16.0 * (n as f64).powi(2))?;
    }
    let regression = Regression::fit(table, &options)?;
    let grading = match &claims {
        Some(c) => Some(c.grade(|text, rule| regression.grade(text, rule))?),
        None => None,
    };
    for w in &regression.warnings {
        args.common.warn(w);
    }
    if let Some(path) = &args.plot {
        crate::plot::save(
            path,
            "--plot",
            (1200, 520),
            &picture::ResidualPlot::new(&regression),
        )?;
    }
    marked::print(
        args.common.format,
        grading.as_ref(),
        || regression.json(None),
        |_| report::render(&regression),
    )
}
