//! `nabla regress`: ordinary least squares with a statsmodels-style summary, the Durbin–Watson
//! test (exact p-values, exact bounds, verdict) and Breusch–Godfrey, as CONTRACT.md specifies.
//!
//! Rows are observations in time order: the autocorrelation tests read the residuals in row
//! order.

mod json;
mod picture;
mod report;
mod table;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use nabla_stats::{
    breusch_godfrey, durbin_watson, BreuschGodfrey, Design, DurbinWatson, DurbinWatsonConfig,
    Method, OlsConfig, OlsFit, PMethod, DEFAULT_EXACT_LIMIT,
};

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

/// Everything `regress` computed, for the text and JSON forms.
pub(crate) struct Regression {
    /// The CSV file.
    pub file: String,
    /// The response's name.
    pub y_name: String,
    /// The least-squares fit.
    pub fit: OlsFit,
    /// The design's column names.
    pub names: Vec<String>,
    /// Durbin–Watson.
    pub dw: DurbinWatson,
    /// Breusch–Godfrey.
    pub bg: BreuschGodfrey,
    /// Warnings for stderr (also listed in the text report and the JSON).
    pub warnings: Vec<String>,
}

/// Runs `nabla regress`.
///
/// # Errors
/// Bad flags, a bad CSV, or a model that cannot be fitted; each message names the flag, file,
/// row or column at fault; with `--claims`, an unreadable claims file or an unknown name. A
/// graded solution with any claim not correct is not an error: it exits 1.
pub fn run(args: &RegressArgs) -> anyhow::Result<ExitCode> {
    if !(args.alpha > 0.0 && args.alpha < 1.0) {
        bail!("--alpha {}: must lie strictly between 0 and 1", args.alpha);
    }
    if args.bg_order < 1 {
        bail!("--bg-order {}: must be at least 1", args.bg_order);
    }
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
    let table = table::read(&args.file, &args.y, args.x.as_deref())?;
    let n = table.y.len();
    if n <= args.exact_limit {
        let what = format!(
            "the exact Durbin–Watson distribution at n = {n} (an {n}×{n} eigenvalue problem)"
        );
        crate::limits::check_memory("--exact-limit", what, 16.0 * (n as f64).powi(2))?;
    }
    let mut warnings = Vec::new();
    if !table.skipped.is_empty() {
        warnings.push(format!(
            "{file}: non-numeric column(s) left out of the regressors: {}",
            table.skipped.join(", ")
        ));
    }
    let regressors: Vec<(&str, &[f64])> = table
        .x
        .iter()
        .map(|(name, values)| (name.as_str(), values.as_slice()))
        .collect();
    let intercept = !args.no_intercept;
    if regressors.is_empty() && !intercept {
        bail!("--no-intercept: the model has no regressor and no intercept");
    }
    let design =
        Design::with_rows(table.y.len(), &regressors, intercept).with_context(|| file.clone())?;
    let config = OlsConfig {
        method: match args.method {
            MethodArg::Qr => Method::Qr,
            MethodArg::Normal => Method::Normal,
        },
        ..OlsConfig::default()
    };
    let fit = config
        .fit(&design, &table.y)
        .with_context(|| format!("{file}: --y {}", args.y))?;
    warnings.extend(fit.warnings.iter().map(ToString::to_string));
    let dw = durbin_watson(
        &design,
        &fit,
        &DurbinWatsonConfig {
            alpha: args.alpha,
            exact_limit: args.exact_limit,
        },
    )
    .with_context(|| format!("{file}: Durbin–Watson test"))?;
    let order = usize::try_from(args.bg_order).unwrap_or(usize::MAX);
    let bg =
        breusch_godfrey(&design, &fit, order).with_context(|| format!("--bg-order {order}"))?;
    if !intercept {
        warnings.push(
            "no intercept: the Durbin–Watson bounds (d_L, d_U) and their verdict do not apply; \
             the exact p-values still hold"
                .to_string(),
        );
    }
    if dw.p_method == PMethod::NormalExactMoments {
        warnings.push(format!(
            "n = {} exceeds --exact-limit {}: the Durbin–Watson p-values and bounds use the normal \
             approximation with the exact null mean and variance",
            fit.n, args.exact_limit
        ));
    }
    let grading = match &claims {
        Some(c) => Some(c.grade(|text, rule| {
            nabla_explain::claims::regress::grade(text, &design, &table.y, &fit, &dw, rule)
        })?),
        None => None,
    };
    let regression = Regression {
        file,
        y_name: args.y.clone(),
        names: design.names().to_vec(),
        fit,
        dw,
        bg,
        warnings,
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
        || json::to_json(&regression),
        |_| report::render(&regression),
    )
}
