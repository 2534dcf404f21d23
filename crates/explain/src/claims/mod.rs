//! Checking a worked solution claim by claim: which numbers are right, which are wrong, and
//! which are wrong only because an earlier mistake was carried forward.
//!
//! A claims file is one JSON object, quantity name → the number someone wrote down (a verdict:
//! its string). nabla recomputes every quantity and grades each claim:
//! ```text
//! correct   within one unit of its last written digit of the true value (inclusive, in
//!           decimal: 0.924 for 0.924142 is correct, 0.52 for 0.2925 is not), or within
//!           --tolerance REL relative when one is given (it replaces the digit rule)
//! carried   not correct, but equal by the same rule to from_claims: the quantity's formula
//!           evaluated on the claimant's own earlier values
//! wrong     neither
//! ```
//! The names are the problem's: [`backprop`] grades a worked forward and backward pass
//! (`net_h1`, `out_h1`, `J`, `dJ/dw5`, `delta_o1`, `w5+`, ...), [`regress`] a regression and
//! its Durbin–Watson test (`intercept`, `slope`, `sse`, `d`, `verdict`, `residuals`, ...).
//! Claims come as the file's text, so the digits survive as written.
//!
//! ```
//! use nabla_explain::claims::{self, Grade, Rule};
//! use nabla_stats::{durbin_watson, Design, DurbinWatsonConfig, OlsConfig};
//!
//! let x = [48.9, 50.4, 52.9, 55.0, 56.8, 58.8, 61.2, 62.5, 64.7, 68.0];
//! let y = [40.8, 42.5, 44.9, 46.1, 47.4, 49.1, 51.5, 53.5, 54.2, 57.3];
//! let design = Design::new(&[("x", &x[..])], true)?;
//! let fit = OlsConfig::default().fit(&design, &y)?;
//! let dw = durbin_watson(&design, &fit, &DurbinWatsonConfig::default())?;
//! // A wrong Σ(e_t − e_{t−1})², and a d that follows from it: 3.5 / 1.44 = 2.43.
//! let text = r#"{"slope": 0.854, "sse": 1.44, "sum_sq_diff": 3.5, "d": 2.43}"#;
//! let grading = claims::regress::grade(text, &design, &y, &fit, &dw, Rule::LastDigit)?;
//! let grades: Vec<Grade> = grading.claims.iter().map(|c| c.grade).collect();
//! assert_eq!(grades, [Grade::Correct, Grade::Correct, Grade::Wrong, Grade::Carried]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod backprop;
mod decimal;
mod file;
pub mod regress;
mod rule;
mod worksheet;

use serde_json::{json, Map, Value};

use crate::backprop::document::Fmt;

pub use decimal::Decimal;
pub use file::{Claimed, ClaimsFile, Written};
pub use rule::{Claim, Rule};

/// A value of a quantity: a number, or for a verdict its string.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// A number.
    Number(f64),
    /// A verdict (`no_autocorrelation`, ...).
    Verdict(String),
}

impl Answer {
    fn to_json(&self) -> Value {
        match self {
            Answer::Number(v) => json!(v),
            Answer::Verdict(v) => json!(v),
        }
    }
}

/// How one claim was marked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grade {
    /// Agrees with the true value.
    Correct,
    /// Wrong, but what the claimant's own earlier values give.
    Carried,
    /// Neither.
    Wrong,
}

impl Grade {
    /// `correct`, `carried` or `wrong`, as in the JSON.
    pub fn name(self) -> &'static str {
        match self {
            Grade::Correct => "correct",
            Grade::Carried => "carried",
            Grade::Wrong => "wrong",
        }
    }
}

/// One graded claim.
#[derive(Clone, Debug, PartialEq)]
pub struct GradedClaim {
    /// The key as the claims file wrote it (`residuals[3]` for a list element).
    pub name: String,
    /// What was claimed.
    pub claimed: Claim,
    /// The true value.
    pub value: Option<Answer>,
    /// The mark.
    pub grade: Grade,
    /// What the claimant's own earlier values give through the quantity's formula; `None`
    /// when the formula depends on no claim.
    pub from_claims: Option<Answer>,
    /// The right working, and for a claim not correct what went wrong.
    pub explanation: String,
}

/// Every claim of one file, graded, in file order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Grading {
    /// The graded claims.
    pub claims: Vec<GradedClaim>,
}

/// How many claims got each mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Summary {
    /// Correct claims.
    pub correct: usize,
    /// Carried-forward errors.
    pub carried: usize,
    /// Wrong claims.
    pub wrong: usize,
}

impl Grading {
    /// The counts of each mark.
    pub fn summary(&self) -> Summary {
        let count = |g: Grade| self.claims.iter().filter(|c| c.grade == g).count();
        Summary {
            correct: count(Grade::Correct),
            carried: count(Grade::Carried),
            wrong: count(Grade::Wrong),
        }
    }

    /// True when every claim is correct (the command then exits 0).
    pub fn all_correct(&self) -> bool {
        self.claims.iter().all(|c| c.grade == Grade::Correct)
    }

    /// Adds `claims` and `claims_summary` to a command's JSON object.
    pub fn add_to_json(&self, object: &mut Map<String, Value>) {
        let claims = self
            .claims
            .iter()
            .map(|c| {
                json!({
                    "name": c.name,
                    "claimed": c.claimed.answer().to_json(),
                    "value": c.value.as_ref().map_or(Value::Null, Answer::to_json),
                    "verdict": c.grade.name(),
                    "from_claims": c.from_claims.as_ref().map_or(Value::Null, Answer::to_json),
                    "explanation": c.explanation,
                })
            })
            .collect();
        let s = self.summary();
        object.insert("claims".to_string(), Value::Array(claims));
        object.insert(
            "claims_summary".to_string(),
            json!({"correct": s.correct, "carried": s.carried, "wrong": s.wrong}),
        );
    }
}

/// How explanations round numbers: as the worked solution does, to six significant digits.
const SHOWN: Fmt = Fmt { digits: 6 };

/// A number in explanations.
pub(crate) fn show(v: f64) -> String {
    SHOWN.n(v)
}

/// As [`show`], negative numbers in parentheses (inside products and sums).
pub(crate) fn show_in_product(v: f64) -> String {
    SHOWN.p(v)
}
