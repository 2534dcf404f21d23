//! Claims about a regression and its Durbin–Watson test.
//!
//! ```text
//! name                 quantity                       formula (what from_claims evaluates)
//! intercept, <column>  a coefficient                  the least-squares estimate (no claim feeds it)
//! slope                the one regressor's coefficient
//! fitted[t]            ŷ_t                            intercept + <column>·x_t + ...
//! residuals[t]         e_t                            y_t − fitted[t]
//! sse                  Σ e_t²                         from the residuals
//! sum_sq_diff          Σ_{t≥2} (e_t − e_{t−1})²       from the residuals
//! d                    the Durbin–Watson statistic    sum_sq_diff / sse
//! rho                  ρ̂, lag-1 autocorrelation       Σ_{t≥2} e_t·e_{t−1} / sse
//! sigma                σ̂                              √(sse / df_resid)
//! r_squared            R²                             1 − sse / Σ(y_t − ȳ)²  (uncentred without intercept)
//! d_L, d_U             the bounds at α                the exact bounds (no claim feeds them)
//! verdict              the bounds test                d < d_L: positive_autocorrelation, 4 − d < d_L:
//!                                                     negative_, d > d_U and 4 − d > d_U: no_, else
//!                                                     inconclusive
//! ```
//! `residuals` and `fitted` may also be claimed as one list, graded element by element
//! (`residuals[3]`, from 1). A coefficient named like a statistic (a column called `d`) is
//! claimed as the statistic.

use nabla_stats::{Design, DurbinWatson, DwBounds, OlsFit, Verdict, INTERCEPT};

use super::worksheet::{self, numbers, Worksheet};
use super::{Answer, Grading, Rule};
use crate::Result;

/// The verdict strings of the bounds test.
const VERDICTS: &[&str] = &[
    "positive_autocorrelation",
    "negative_autocorrelation",
    "no_autocorrelation",
    "inconclusive",
];

/// The statistics, by claim name.
const STATISTICS: &[(&str, Quantity)] = &[
    ("r_squared", Quantity::RSquared),
    ("sigma", Quantity::Sigma),
    ("sse", Quantity::Sse),
    ("sum_sq_diff", Quantity::SumSqDiff),
    ("d", Quantity::D),
    ("d_L", Quantity::DLower),
    ("d_U", Quantity::DUpper),
    ("verdict", Quantity::Verdict),
    ("rho", Quantity::Rho),
];

/// One quantity of a regression (`usize` fields: column or row, from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Quantity {
    Coefficient(usize),
    Fitted(usize),
    Residual(usize),
    Sse,
    SumSqDiff,
    D,
    Rho,
    Sigma,
    RSquared,
    DLower,
    DUpper,
    Verdict,
}

/// A fitted regression with its Durbin–Watson test, as the claims see it.
struct Regression<'a> {
    design: &'a Design,
    y: &'a [f64],
    fit: &'a OlsFit,
    dw: &'a DurbinWatson,
}

impl Regression<'_> {
    /// The claim name of coefficient `j`.
    fn coefficient_name(&self, j: usize) -> &str {
        &self.design.names()[j]
    }

    /// The regressor columns (every column but the intercept).
    fn regressors(&self) -> usize {
        self.design.ncols() - usize::from(self.design.has_intercept())
    }

    /// Coefficients that enter the fitted values (aliased columns are dropped, as R does).
    fn estimated(&self) -> Vec<usize> {
        (0..self.design.ncols())
            .filter(|&j| self.fit.coefficients[j].estimate.is_some())
            .collect()
    }

    fn n(&self) -> usize {
        self.fit.n
    }

    fn residuals(&self) -> Vec<Quantity> {
        (0..self.n()).map(Quantity::Residual).collect()
    }
}

fn num(v: &Answer) -> f64 {
    match v {
        Answer::Number(x) => *x,
        Answer::Verdict(_) => f64::NAN,
    }
}

impl Worksheet for Regression<'_> {
    type Quantity = Quantity;

    fn lookup(&self, key: &str) -> Option<Quantity> {
        if let Some((_, q)) = STATISTICS.iter().find(|(name, _)| *name == key) {
            return Some(*q);
        }
        if key == "slope" && self.regressors() == 1 {
            return Some(Quantity::Coefficient(self.design.ncols() - 1));
        }
        if let Some(j) = self.design.names().iter().position(|n| n == key) {
            return Some(Quantity::Coefficient(j));
        }
        let (list, index) = key.strip_suffix(']')?.split_once('[')?;
        let t: usize = index.parse().ok()?;
        if !(1..=self.n()).contains(&t) || index.starts_with(['0', '+']) {
            return None;
        }
        match list {
            "residuals" => Some(Quantity::Residual(t - 1)),
            "fitted" => Some(Quantity::Fitted(t - 1)),
            _ => None,
        }
    }

    fn known_names(&self) -> Vec<String> {
        let mut names: Vec<String> = STATISTICS.iter().map(|(n, _)| n.to_string()).collect();
        names.extend(self.design.names().iter().cloned());
        if self.regressors() == 1 {
            names.push("slope".to_string());
        }
        for t in 1..=self.n() {
            names.push(format!("residuals[{t}]"));
            names.push(format!("fitted[{t}]"));
        }
        names.extend(["residuals".to_string(), "fitted".to_string()]);
        names
    }

    fn list_len(&self, key: &str) -> Option<usize> {
        matches!(key, "residuals" | "fitted").then(|| self.n())
    }

    fn verdicts(&self, q: Quantity) -> Option<&'static [&'static str]> {
        (q == Quantity::Verdict).then_some(VERDICTS)
    }

    fn name(&self, q: Quantity) -> String {
        match q {
            Quantity::Coefficient(j) => self.coefficient_name(j).to_string(),
            Quantity::Fitted(t) => format!("fitted[{}]", t + 1),
            Quantity::Residual(t) => format!("residuals[{}]", t + 1),
            other => STATISTICS
                .iter()
                .find(|(_, s)| *s == other)
                .map_or_else(String::new, |(n, _)| n.to_string()),
        }
    }

    fn factors(&self, q: Quantity) -> Vec<Quantity> {
        match q {
            Quantity::Coefficient(_) | Quantity::DLower | Quantity::DUpper => Vec::new(),
            Quantity::Fitted(_) => self
                .estimated()
                .into_iter()
                .map(Quantity::Coefficient)
                .collect(),
            Quantity::Residual(t) => vec![Quantity::Fitted(t)],
            Quantity::Sse | Quantity::SumSqDiff => self.residuals(),
            Quantity::Rho => {
                let mut f = self.residuals();
                f.push(Quantity::Sse);
                f
            }
            Quantity::D => vec![Quantity::SumSqDiff, Quantity::Sse],
            Quantity::Sigma | Quantity::RSquared => vec![Quantity::Sse],
            Quantity::Verdict => vec![Quantity::D, Quantity::DLower, Quantity::DUpper],
        }
    }

    fn truth(&self, q: Quantity) -> Option<Answer> {
        let (fit, dw) = (self.fit, self.dw);
        let e = &fit.residuals;
        let number = match q {
            Quantity::Coefficient(j) => fit.coefficients[j].estimate?,
            Quantity::Fitted(t) => fit.fitted[t],
            Quantity::Residual(t) => e[t],
            Quantity::Sse => fit.rss,
            Quantity::SumSqDiff => e.windows(2).map(|w| (w[1] - w[0]).powi(2)).sum(),
            Quantity::D => dw.statistic,
            Quantity::Rho => dw.rho,
            Quantity::Sigma => fit.sigma,
            Quantity::RSquared => fit.r_squared,
            Quantity::DLower => dw.bounds?.d_l,
            Quantity::DUpper => dw.bounds?.d_u,
            Quantity::Verdict => return dw.verdict.map(|v| Answer::Verdict(v.name().to_string())),
        };
        Some(Answer::Number(number))
    }

    fn evaluate(&self, q: Quantity, factors: &[Answer]) -> Option<Answer> {
        if q == Quantity::Verdict {
            let bounds = DwBounds {
                d_l: num(&factors[1]),
                d_u: num(&factors[2]),
                ..self.dw.bounds?
            };
            let v: Verdict = bounds.verdict(num(&factors[0]));
            return Some(Answer::Verdict(v.name().to_string()));
        }
        let v = numbers(factors)?;
        let number = match q {
            Quantity::Coefficient(_) | Quantity::DLower | Quantity::DUpper => return None,
            Quantity::Fitted(t) => self
                .estimated()
                .iter()
                .zip(&v)
                .map(|(&j, b)| b * self.design.column(j)[t])
                .sum(),
            Quantity::Residual(t) => self.y[t] - v[0],
            Quantity::Sse => v.iter().map(|e| e * e).sum(),
            Quantity::SumSqDiff => v.windows(2).map(|w| (w[1] - w[0]).powi(2)).sum(),
            Quantity::Rho => {
                let (e, sse) = v.split_at(self.n());
                e.windows(2).map(|w| w[1] * w[0]).sum::<f64>() / sse[0]
            }
            Quantity::D => v[0] / v[1],
            Quantity::Sigma => (v[0] / self.fit.df_resid as f64).sqrt(),
            Quantity::RSquared => 1.0 - v[0] / self.fit.tss,
            Quantity::Verdict => unreachable!("handled above"),
        };
        Some(Answer::Number(number))
    }

    fn formula(&self, q: Quantity) -> String {
        match q {
            Quantity::Coefficient(_) | Quantity::DLower | Quantity::DUpper => String::new(),
            Quantity::Fitted(t) => self
                .estimated()
                .iter()
                .map(|&j| {
                    let name = self.coefficient_name(j);
                    if name == INTERCEPT && self.design.has_intercept() && j == 0 {
                        name.to_string()
                    } else {
                        format!("{name}·{}", super::show(self.design.column(j)[t]))
                    }
                })
                .collect::<Vec<_>>()
                .join(" + "),
            Quantity::Residual(t) => format!("y[{0}] − fitted[{0}]", t + 1),
            Quantity::Sse => "Σ e_t²".to_string(),
            Quantity::SumSqDiff => "Σ_{t≥2} (e_t − e_{t−1})²".to_string(),
            Quantity::Rho => "Σ_{t≥2} e_t·e_{t−1} / sse".to_string(),
            Quantity::D => "sum_sq_diff / sse".to_string(),
            Quantity::Sigma => "√(sse / df_resid)".to_string(),
            Quantity::RSquared => if self.design.has_intercept() {
                "1 − sse / Σ(y_t − ȳ)²"
            } else {
                "1 − sse / Σ y_t²"
            }
            .to_string(),
            Quantity::Verdict => "the bounds test on d, d_L, d_U".to_string(),
        }
    }

    fn substitute(&self, q: Quantity, factors: &[Answer]) -> String {
        let s = |v: &Answer| super::show_in_product(num(v));
        match q {
            Quantity::Coefficient(_) | Quantity::DLower | Quantity::DUpper => String::new(),
            Quantity::Fitted(t) => self
                .estimated()
                .iter()
                .zip(factors)
                .map(|(&j, b)| {
                    if self.design.has_intercept() && j == 0 {
                        s(b)
                    } else {
                        format!(
                            "{} × {}",
                            s(b),
                            super::show_in_product(self.design.column(j)[t])
                        )
                    }
                })
                .collect::<Vec<_>>()
                .join(" + "),
            Quantity::Residual(t) => format!("{} − {}", super::show(self.y[t]), s(&factors[0])),
            Quantity::Sse => worksheet::written_sum(factors.iter().map(|e| format!("{}²", s(e)))),
            Quantity::SumSqDiff => worksheet::written_sum(
                factors
                    .windows(2)
                    .map(|w| format!("({} − {})²", super::show(num(&w[1])), s(&w[0]))),
            ),
            Quantity::Rho => {
                let (e, sse) = factors.split_at(self.n());
                format!(
                    "({}) / {}",
                    worksheet::written_sum(e.windows(2).map(|w| format!(
                        "{} × {}",
                        s(&w[1]),
                        s(&w[0])
                    ))),
                    s(&sse[0])
                )
            }
            Quantity::D => format!("{} / {}", s(&factors[0]), s(&factors[1])),
            Quantity::Sigma => format!("√({} / {})", s(&factors[0]), self.fit.df_resid),
            Quantity::RSquared => format!("1 − {} / {}", s(&factors[0]), super::show(self.fit.tss)),
            Quantity::Verdict => format!(
                "d = {}, d_L = {}, d_U = {}",
                s(&factors[0]),
                s(&factors[1]),
                s(&factors[2])
            ),
        }
    }

    fn show(&self, value: &Answer) -> String {
        match value {
            Answer::Number(v) => super::show(*v),
            Answer::Verdict(v) => v.clone(),
        }
    }
}

/// Grades the claims file `text` against a fitted regression: `design` and `y` as fitted,
/// `fit` its least-squares fit, `dw` its Durbin–Watson test.
///
/// # Errors
/// An unreadable claims file, an unknown name, a value of the
/// wrong kind, two keys for one quantity, or a claim of something this fit lacks (`d_L`
/// without an intercept, an aliased coefficient).
pub fn grade(
    text: &str,
    design: &Design,
    y: &[f64],
    fit: &OlsFit,
    dw: &DurbinWatson,
    rule: Rule,
) -> Result<Grading> {
    worksheet::grade(&Regression { design, y, fit, dw }, text, rule)
}

#[cfg(test)]
mod tests {
    use nabla_stats::{durbin_watson, DurbinWatsonConfig, OlsConfig};

    use super::*;
    use crate::claims::Grade;

    /// The MISSION.md reference problem.
    const X: [f64; 10] = [48.9, 50.4, 52.9, 55.0, 56.8, 58.8, 61.2, 62.5, 64.7, 68.0];
    const Y: [f64; 10] = [40.8, 42.5, 44.9, 46.1, 47.4, 49.1, 51.5, 53.5, 54.2, 57.3];

    fn graded(text: &str, rule: Rule) -> Result<Grading> {
        let design = Design::new(&[("x", &X[..])], true).unwrap();
        let fit = OlsConfig::default().fit(&design, &Y).unwrap();
        let dw = durbin_watson(&design, &fit, &DurbinWatsonConfig::default()).unwrap();
        grade(text, &design, &Y, &fit, &dw, rule)
    }

    fn marks(text: &str) -> Vec<(String, Grade)> {
        graded(text, Rule::LastDigit)
            .unwrap()
            .claims
            .into_iter()
            .map(|c| (c.name, c.grade))
            .collect()
    }

    #[test]
    fn a_wrong_sum_carries_into_d_but_not_into_a_right_verdict() {
        let grading = graded(
            r#"{"intercept": -0.744, "slope": 0.854, "sse": 1.44, "sum_sq_diff": 3.5,
                "d": 2.43, "d_L": 0.879, "d_U": 1.320, "verdict": "no_autocorrelation"}"#,
            Rule::LastDigit,
        )
        .unwrap();
        let got: Vec<(&str, Grade)> = grading
            .claims
            .iter()
            .map(|c| (c.name.as_str(), c.grade))
            .collect();
        assert_eq!(
            got,
            [
                ("intercept", Grade::Correct),
                ("slope", Grade::Correct),
                ("sse", Grade::Correct),
                ("sum_sq_diff", Grade::Wrong),
                ("d", Grade::Carried),
                ("d_L", Grade::Correct),
                ("d_U", Grade::Correct),
                ("verdict", Grade::Correct),
            ]
        );
        let d = &grading.claims[4];
        assert_eq!(d.from_claims, Some(Answer::Number(3.5 / 1.44)));
        assert!(d.explanation.contains("3.5 / 1.44"), "{}", d.explanation);
        // Coefficients depend on no claim.
        assert_eq!(grading.claims[0].from_claims, None);
        assert_eq!(grading.summary().carried, 1);
    }

    #[test]
    fn a_verdict_follows_the_claimed_d_and_bounds() {
        // d = 1.0 lies below the claimed d_U = 1.32 and above d_L: inconclusive, carried.
        assert_eq!(
            marks(r#"{"d": 1.0, "verdict": "inconclusive"}"#),
            [
                ("d".into(), Grade::Wrong),
                ("verdict".into(), Grade::Carried)
            ]
        );
        // Without a claimed d, the verdict's own value is the true one: no carried forward.
        assert_eq!(
            marks(r#"{"verdict": "inconclusive"}"#),
            [("verdict".into(), Grade::Wrong)]
        );
        // A claimed bound alone moves the verdict: d_L = 2.2 puts d = 2.105 below it.
        assert_eq!(
            marks(r#"{"d_L": 2.2, "verdict": "positive_autocorrelation"}"#),
            [
                ("d_L".into(), Grade::Wrong),
                ("verdict".into(), Grade::Carried)
            ]
        );
    }

    #[test]
    fn lists_are_graded_per_element_from_one() {
        let grading = graded(
            r#"{"residuals": [-0.225, 0.193, 0.458, -0.136, -0.373, -0.382, -0.032, 0.858, -0.321, 0.04]}"#,
            Rule::LastDigit,
        )
        .unwrap();
        assert_eq!(grading.claims.len(), 10);
        assert_eq!(grading.claims[9].name, "residuals[10]");
        assert_eq!(grading.claims[9].grade, Grade::Wrong);
        assert_eq!(grading.summary().correct, 9);
        // Residuals from claimed coefficients: y − (b0 + b1·x), carried when the
        // coefficients were rounded.
        let got = marks(r#"{"intercept": -0.7, "slope": 0.85, "residuals[1]": -0.07}"#);
        assert_eq!(got[2], ("residuals[1]".into(), Grade::Carried));
    }

    #[test]
    fn bad_claims_are_named() {
        let err = |t: &str| graded(t, Rule::LastDigit).unwrap_err().to_string();
        assert_eq!(
            err(r#"{"dw": 2.1}"#),
            "dw: unknown quantity (closest known names: d, d_L, d_U)"
        );
        assert!(err(r#"{"verdict": "none"}"#).starts_with("verdict: expected one of the strings"));
        assert!(err(r#"{"d": "2.1"}"#).starts_with("d: expected a number, got the string"));
        assert!(err(r#"{"residuals": [1, 2]}"#).starts_with("residuals: expected a list of 10"));
        assert!(
            err(r#"{"slope": 0.85, "x": 0.85}"#).starts_with("x: names the same quantity as slope")
        );
        assert!(err(r#"{"residuals[11]": 0.1}"#).starts_with("residuals[11]: unknown quantity"));
        assert!(err(r#"{"residuals[0]": 0.1}"#).starts_with("residuals[0]: unknown quantity"));
    }
}
