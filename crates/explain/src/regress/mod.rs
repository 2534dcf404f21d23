//! Ordinary least squares with its diagnostics, from CSV text to the contract's JSON: the fit
//! (QR or the normal equations), the Durbin–Watson test (exact p-values, bounds, verdict) and
//! Breusch–Godfrey, as `nabla regress` prints them and the browser's `nabla.regress` returns
//! them.
//!
//! Rows are observations in time order: the autocorrelation tests read the residuals in row
//! order. The caller reads the file; this module takes its bytes (or a string).
//!
//! ```
//! use nabla_explain::regress::{regress, RegressOptions};
//! let csv = "x,y\n48.9,40.8\n50.4,42.5\n52.9,44.9\n55,46.1\n56.8,47.4\n58.8,49.1\n\
//!            61.2,51.5\n62.5,53.5\n64.7,54.2\n68,57.3\n";
//! let r = regress("textbook.csv", csv, &RegressOptions::new("y"))?;
//! let doc = r.json(None);
//! assert_eq!(doc["n"], 10);
//! assert_eq!(doc["durbin_watson"]["verdict"], "no_autocorrelation");
//! // A worked solution, graded claim by claim: the JSON gains `claims` and `claims_summary`.
//! let grading = r.grade(r#"{"slope": 0.854, "d": 2.43}"#, nabla_explain::claims::Rule::LastDigit)?;
//! assert_eq!(r.json(Some(&grading))["claims_summary"]["correct"], 1);
//! # Ok::<(), nabla_explain::Error>(())
//! ```

mod json;
mod table;

use nabla_stats::{
    breusch_godfrey, durbin_watson, BreuschGodfrey, Design, DurbinWatson, DurbinWatsonConfig,
    Method, OlsConfig, OlsFit, PMethod, DEFAULT_EXACT_LIMIT,
};

use crate::claims::{Grading, Rule};
use crate::{Error, Result};

pub use table::Table;

/// What to fit, with `nabla regress`'s flags as fields and its defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct RegressOptions {
    /// The response column (`--y`).
    pub y: String,
    /// The regressor columns (`--x`); `None`: every column whose first data row is a number,
    /// except the response.
    pub x: Option<Vec<String>>,
    /// Fit an intercept (default `true`; `--no-intercept` clears it).
    pub intercept: bool,
    /// The least-squares solver (`--method`, default QR).
    pub method: Method,
    /// The level of the Durbin–Watson bounds test (`--alpha`, default 0.05), strictly between
    /// 0 and 1.
    pub alpha: f64,
    /// The Breusch–Godfrey order (`--bg-order`, default 1), as given: below 1 is refused.
    pub bg_order: i64,
    /// The largest n for exact Durbin–Watson p-values and bounds (`--exact-limit`); above it
    /// the normal approximation with the exact null mean and variance.
    pub exact_limit: usize,
}

impl RegressOptions {
    /// The defaults for the response `y`.
    pub fn new(y: impl Into<String>) -> Self {
        RegressOptions {
            y: y.into(),
            x: None,
            intercept: true,
            method: Method::Qr,
            alpha: 0.05,
            bg_order: 1,
            exact_limit: DEFAULT_EXACT_LIMIT,
        }
    }

    /// Checks the numeric options (before any data is read).
    ///
    /// # Errors
    /// [`Error::RegressOption`] naming `--alpha` outside (0, 1) or `--bg-order` below 1.
    pub fn validate(&self) -> Result<()> {
        if !(self.alpha > 0.0 && self.alpha < 1.0) {
            return Err(Error::RegressOption {
                option: format!("--alpha {}", self.alpha),
                message: "must lie strictly between 0 and 1".to_string(),
            });
        }
        if self.bg_order < 1 {
            return Err(Error::RegressOption {
                option: format!("--bg-order {}", self.bg_order),
                message: "must be at least 1".to_string(),
            });
        }
        Ok(())
    }
}

/// Everything a regression computed, for the JSON, the text report, the picture and grading.
#[derive(Clone, Debug)]
pub struct Regression {
    /// The CSV's name, as given.
    pub file: String,
    /// The response's name.
    pub y_name: String,
    /// The response.
    pub y: Vec<f64>,
    /// The design matrix.
    pub design: Design,
    /// The least-squares fit.
    pub fit: OlsFit,
    /// The design's column names.
    pub names: Vec<String>,
    /// Durbin–Watson.
    pub dw: DurbinWatson,
    /// Breusch–Godfrey.
    pub bg: BreuschGodfrey,
    /// Warnings (a front-end shows them; the JSON and the text report list them).
    pub warnings: Vec<String>,
}

/// Parses `csv` (named `source` in messages and in the JSON's `file`) and fits it as
/// `options` say: [`Table::parse`] then [`Regression::fit`].
///
/// # Errors
/// A bad option, a bad CSV, or a model that cannot be fitted; each message names the option,
/// file, row or column at fault (see [`Table::parse`] and [`Regression::fit`]).
pub fn regress(
    source: &str,
    csv: impl AsRef<[u8]>,
    options: &RegressOptions,
) -> Result<Regression> {
    options.validate()?;
    let table = Table::parse(source, csv.as_ref(), &options.y, options.x.as_deref())?;
    Regression::fit(table, options)
}

impl Regression {
    /// Fits `table` as `options` say: least squares, Durbin–Watson, Breusch–Godfrey, and the
    /// warnings (left-out columns, an ill-conditioned design, no intercept, approximate
    /// p-values).
    ///
    /// # Errors
    /// [`Error::RegressOption`] for a bad option or a model with no regressor and no intercept;
    /// [`Error::Stats`] for a design or fit the statistics refuse, with its context.
    pub fn fit(table: Table, options: &RegressOptions) -> Result<Regression> {
        options.validate()?;
        let Table {
            source: file,
            y_name,
            y,
            x,
            skipped,
        } = table;
        let mut warnings = Vec::new();
        if !skipped.is_empty() {
            warnings.push(format!(
                "{file}: non-numeric column(s) left out of the regressors: {}",
                skipped.join(", ")
            ));
        }
        let regressors: Vec<(&str, &[f64])> = x
            .iter()
            .map(|(name, values)| (name.as_str(), values.as_slice()))
            .collect();
        if regressors.is_empty() && !options.intercept {
            return Err(Error::RegressOption {
                option: "--no-intercept".to_string(),
                message: "the model has no regressor and no intercept".to_string(),
            });
        }
        let stats = |context: String| move |error| Error::Stats { context, error };
        let design = Design::with_rows(y.len(), &regressors, options.intercept)
            .map_err(stats(file.clone()))?;
        let config = OlsConfig {
            method: options.method,
            ..OlsConfig::default()
        };
        let fit = config
            .fit(&design, &y)
            .map_err(stats(format!("{file}: --y {y_name}")))?;
        warnings.extend(fit.warnings.iter().map(ToString::to_string));
        let dw = durbin_watson(
            &design,
            &fit,
            &DurbinWatsonConfig {
                alpha: options.alpha,
                exact_limit: options.exact_limit,
            },
        )
        .map_err(stats(format!("{file}: Durbin–Watson test")))?;
        let order = usize::try_from(options.bg_order).unwrap_or(usize::MAX);
        let bg =
            breusch_godfrey(&design, &fit, order).map_err(stats(format!("--bg-order {order}")))?;
        if !options.intercept {
            warnings.push(
                "no intercept: the Durbin–Watson bounds (d_L, d_U) and their verdict do not \
                 apply; the exact p-values still hold"
                    .to_string(),
            );
        }
        if dw.p_method == PMethod::NormalExactMoments {
            warnings.push(format!(
                "n = {} exceeds --exact-limit {}: the Durbin–Watson p-values and bounds use the \
                 normal approximation with the exact null mean and variance",
                fit.n, options.exact_limit
            ));
        }
        Ok(Regression {
            file,
            y_name,
            y,
            names: design.names().to_vec(),
            design,
            fit,
            dw,
            bg,
            warnings,
        })
    }

    /// Grades a worked solution of this regression: `claims` is the claims file's text
    /// (quantity name → the number written down), see [`crate::claims::regress`].
    ///
    /// # Errors
    /// A malformed claims text, an unknown name, a duplicate key.
    pub fn grade(&self, claims: &str, rule: Rule) -> Result<Grading> {
        crate::claims::regress::grade(claims, &self.design, &self.y, &self.fit, &self.dw, rule)
    }

    /// The contract's JSON of `nabla regress --format json`, with `claims` and
    /// `claims_summary` when a grading is given.
    pub fn json(&self, grading: Option<&Grading>) -> serde_json::Value {
        let mut doc = json::to_json(self);
        if let (Some(g), Some(object)) = (grading, doc.as_object_mut()) {
            g.add_to_json(object);
        }
        doc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXTBOOK: &str = "x,y\n48.9,40.8\n50.4,42.5\n52.9,44.9\n55,46.1\n56.8,47.4\n58.8,49.1\n\
                            61.2,51.5\n62.5,53.5\n64.7,54.2\n68,57.3\n";

    fn error(csv: &str, options: &RegressOptions) -> String {
        regress("t.csv", csv, options).unwrap_err().to_string()
    }

    #[test]
    fn text_and_bytes_give_the_same_document() {
        let options = RegressOptions::new("y");
        let a = regress("t.csv", TEXTBOOK, &options).unwrap().json(None);
        let b = regress("t.csv", TEXTBOOK.as_bytes(), &options)
            .unwrap()
            .json(None);
        assert_eq!(a, b);
        assert_eq!(a["file"], "t.csv");
        assert_eq!(a["coefficients"][1]["name"], "x");
        // The statsmodels oracle (tools/oracles/stats/generate.py) for the same data.
        let oracle: serde_json::Value =
            serde_json::from_str(include_str!("../../../stats/tests/fixtures/textbook.json"))
                .unwrap();
        let sm = &oracle["statsmodels"];
        for (j, want) in sm["estimate"].as_array().unwrap().iter().enumerate() {
            let got = a["coefficients"][j]["estimate"].as_f64().unwrap();
            let want = want.as_f64().unwrap();
            assert!((got - want).abs() <= 1e-9 * want.abs(), "{got} vs {want}");
        }
        let d = a["durbin_watson"]["statistic"].as_f64().unwrap();
        let want = sm["durbin_watson"].as_f64().unwrap();
        assert!((d - want).abs() <= 1e-9 * want, "{d} vs {want}");
    }

    #[test]
    fn options_are_checked_before_the_data() {
        let bad_alpha = RegressOptions {
            alpha: 1.0,
            ..RegressOptions::new("y")
        };
        assert_eq!(
            error("not, a csv\n", &bad_alpha),
            "--alpha 1: must lie strictly between 0 and 1"
        );
        let bad_order = RegressOptions {
            bg_order: 0,
            ..RegressOptions::new("y")
        };
        assert_eq!(error("", &bad_order), "--bg-order 0: must be at least 1");
    }

    #[test]
    fn columns_and_cells_at_fault_are_named() {
        let y = RegressOptions::new("y");
        assert_eq!(
            error("a,b\n1,2\n", &RegressOptions::new("z")),
            "--y 'z': no such column in t.csv (columns: a, b)"
        );
        let x_is_y = RegressOptions {
            x: Some(vec!["y".into()]),
            ..y.clone()
        };
        assert_eq!(
            error(TEXTBOOK, &x_is_y),
            "--x 'y': the response cannot also be a regressor"
        );
        assert_eq!(
            error("x,y\n1,2\n2,\n", &y),
            "t.csv: row 2 (line 3), column 'y': missing value"
        );
        assert_eq!(
            error("x,y\n1,2\n2,abc\n", &y),
            "t.csv: row 2 (line 3), column 'y': 'abc' is not a finite number"
        );
        assert_eq!(
            error("x,y\n1,2\n2,3,4\n", &y),
            "t.csv: row 2 (line 3) has 3 fields, the header has 2"
        );
        assert_eq!(error("x,y\n", &y), "t.csv: no data rows after the header");
        assert!(
            error("x,y\n1,2\n2,2\n3,2\n", &y).starts_with("t.csv: --y y: the response is constant")
        );
    }

    #[test]
    fn a_non_numeric_column_is_left_out_with_a_warning() {
        let csv = "x,label,y\n1,a,2\n2,b,3.5\n3,c,3\n4,d,5\n5,e,4.5\n";
        let r = regress("t.csv", csv, &RegressOptions::new("y")).unwrap();
        assert_eq!(r.names, ["intercept", "x"]);
        assert_eq!(
            r.warnings[0],
            "t.csv: non-numeric column(s) left out of the regressors: label"
        );
    }
}
