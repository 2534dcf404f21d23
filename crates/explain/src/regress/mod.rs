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
    Method, OlsConfig, OlsFit, PMethod, StatsError, DEFAULT_EXACT_LIMIT,
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
    /// Breusch–Godfrey, or why this fit leaves it not computable (n ≤ rank + 1: the auxiliary
    /// regression has no residual degree of freedom; the fit itself stands).
    pub bg: std::result::Result<BreuschGodfrey, NotComputable>,
    /// Warnings (a front-end shows them; the JSON and the text report list them).
    pub warnings: Vec<String>,
}

/// A diagnostic that does not exist for this fit, and why (the JSON gives its values as null
/// and this note; the text report prints the note in the test's place).
#[derive(Clone, Debug, PartialEq)]
pub struct NotComputable {
    /// The order asked for.
    pub order: usize,
    /// Why the test cannot be computed, in words.
    pub note: String,
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
        let bg = match breusch_godfrey(&design, &fit, order) {
            Ok(bg) => Ok(bg),
            Err(error @ StatsError::BreuschGodfreyNotComputable { .. }) => Err(NotComputable {
                order,
                note: error.to_string(),
            }),
            Err(error) => return Err(stats(format!("--bg-order {order}"))(error)),
        };
        if fit.df_resid == 1 {
            warnings.push(format!(
                "one residual degree of freedom (n = {}, rank {}): under H0 the Durbin–Watson \
                 statistic has one possible value, d itself, so its p-values are 1 and the test \
                 can detect nothing; Breusch–Godfrey is not computable",
                fit.n, fit.rank
            ));
        }
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
    fn a_fit_with_one_residual_degree_of_freedom_is_fitted_with_breusch_godfrey_null_and_a_note() {
        // n = k + 1 used to be refused with a message about --bg-order, a flag nobody gave.
        let cases = [
            ("x,y\n1,1\n2,3\n4,2\n", true),
            ("a,b,y\n1,0,1\n2,1,3\n4,0,2\n3,5,1\n", true),
            ("x,y\n1,1\n2,3\n", false),
        ];
        for (csv, intercept) in cases {
            let options = RegressOptions {
                intercept,
                ..RegressOptions::new("y")
            };
            let r = regress("t.csv", csv, &options).unwrap();
            assert_eq!(r.fit.df_resid, 1, "{csv}");
            let doc = r.json(None);
            assert!(doc["coefficients"][0]["p_value"].is_f64(), "{csv}");
            assert!(doc["sigma"].is_f64() && doc["f_p_value"].is_f64(), "{csv}");
            let bg = &doc["breusch_godfrey"];
            assert_eq!(bg["order"], 1);
            for field in ["statistic", "p_value", "f_statistic", "f_p_value", "f_df"] {
                assert!(bg[field].is_null(), "{csv}: {field}");
            }
            let note = bg["note"].as_str().unwrap();
            assert!(
                note.starts_with("Breusch–Godfrey is not computable"),
                "{note}"
            );
            let dw = &doc["durbin_watson"]["p_value"];
            assert_eq!((&dw["greater"], &dw["less"]), (&1.0.into(), &1.0.into()));
            assert!(r
                .warnings
                .iter()
                .any(|w| w.starts_with("one residual degree")));
        }
        // n = k is an error naming both counts; an aliased column leaves n − rank = 2 and
        // Breusch–Godfrey of order 1 exists.
        assert!(
            error("x,y\n1,1\n2,3\n", &RegressOptions::new("y")).ends_with(
                "2 observations for 2 design columns: least squares needs more rows than columns"
            )
        );
        let aliased = "x,x2,y\n1,2,1\n2,4,3\n4,8,2\n5,10,7\n";
        let r = regress("t.csv", aliased, &RegressOptions::new("y")).unwrap();
        assert_eq!((r.fit.n, r.fit.k, r.fit.rank), (4, 3, 2));
        assert!(r.bg.is_ok());
        // An order the fit cannot have, given by the user, is still an error naming the flag.
        let order_2 = RegressOptions {
            bg_order: 2,
            ..RegressOptions::new("y")
        };
        assert!(error("x,y\n1,1\n2,3\n4,2\n5,7\n", &order_2).starts_with("--bg-order 2: "));
    }

    #[test]
    fn an_ordinary_fit_has_no_note() {
        let doc = regress("t.csv", TEXTBOOK, &RegressOptions::new("y"))
            .unwrap()
            .json(None);
        assert!(doc["breusch_godfrey"].get("note").is_none());
        assert_eq!(doc["breusch_godfrey"]["f_df"], serde_json::json!([1, 7]));
        assert_eq!(doc["warnings"], serde_json::json!([]));
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
