//! Grading on a worksheet: the quantities of one problem, each with its formula over other
//! quantities, its true value, and the names a claimant may call it by. The backprop and the
//! regression worksheets implement [`Worksheet`]; [`grade`] does the rest, the same for both.
//!
//! What the claimant's own values give (`from_claims`) is the quantity's formula evaluated on
//! its factors, each factor taken as
//! ```text
//! claimed                          the number the claimant wrote (right or wrong)
//! else derived from the claims     the factor's own formula, evaluated the same way
//! else                             its true value (the factor depends on no claim)
//! ```
//! and is `null` when no factor depends on a claim, or where the formula is undefined on the
//! claimant's numbers (a logarithm of a negative probability).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::Hash;

use super::file::{Claimed, ClaimsFile};
use super::rule::{Claim, Rule};
use super::{Answer, Grade, GradedClaim, Grading};
use crate::{Error, Result};

/// The quantities of one problem.
pub(crate) trait Worksheet {
    /// One quantity (a net input of one sample, a gradient, the statistic d, ...).
    type Quantity: Copy + Eq + Hash;

    /// The quantity a claims-file key names; `None` for an unknown name.
    fn lookup(&self, key: &str) -> Option<Self::Quantity>;
    /// Every name [`Worksheet::lookup`] knows, for suggesting the closest to an unknown one.
    fn known_names(&self) -> Vec<String>;
    /// The number of elements of a list quantity (`residuals`), claimed as one JSON list.
    fn list_len(&self, _key: &str) -> Option<usize> {
        None
    }
    /// For a quantity whose value is a verdict string: the strings it may take.
    fn verdicts(&self, _q: Self::Quantity) -> Option<&'static [&'static str]> {
        None
    }
    /// The quantity's name in explanations.
    fn name(&self, q: Self::Quantity) -> String;
    /// The claimable quantities its formula takes, in the order [`Worksheet::evaluate`] and
    /// [`Worksheet::substitute`] read them.
    fn factors(&self, q: Self::Quantity) -> Vec<Self::Quantity>;
    /// Its true value, as nabla computed it; `None` where it does not exist.
    fn truth(&self, q: Self::Quantity) -> Option<Answer>;
    /// Its formula applied to factor values; `None` where undefined.
    fn evaluate(&self, q: Self::Quantity, factors: &[Answer]) -> Option<Answer>;
    /// Its formula in names (`σ(net_h2)`); empty for a quantity without one.
    fn formula(&self, q: Self::Quantity) -> String;
    /// Its formula with the factor values substituted (`σ(0.5)`).
    fn substitute(&self, q: Self::Quantity, factors: &[Answer]) -> String;
    /// A value for display.
    fn show(&self, value: &Answer) -> String;
}

/// What the claimant's values give for a quantity.
#[derive(Clone, Debug)]
enum Own {
    /// No factor depends on a claim.
    Untouched,
    /// Some factor depends on a claim, but the formula is undefined there.
    Undefined,
    /// The formula's value on the claimant's numbers.
    Value(Answer),
}

/// The claims resolved against a worksheet, and what they give.
struct Marker<'w, W: Worksheet> {
    sheet: &'w W,
    claims: HashMap<W::Quantity, Answer>,
    memo: RefCell<HashMap<W::Quantity, Own>>,
}

impl<W: Worksheet> Marker<'_, W> {
    /// The value a formula takes for factor `f`, and whether it depends on a claim (`None`:
    /// undefined on the claimant's numbers or without a true value).
    fn factor(&self, f: W::Quantity) -> (bool, Option<Answer>) {
        if let Some(claimed) = self.claims.get(&f) {
            return (true, Some(claimed.clone()));
        }
        match self.own(f) {
            Own::Untouched => (false, self.sheet.truth(f)),
            Own::Undefined => (true, None),
            Own::Value(v) => (true, Some(v)),
        }
    }

    /// The factors' values as the claimant's values give them, if any depends on a claim.
    fn own_factors(&self, q: W::Quantity) -> Option<Option<Vec<Answer>>> {
        let mut touched = false;
        let mut values = Some(Vec::new());
        for f in self.sheet.factors(q) {
            let (depends, value) = self.factor(f);
            touched |= depends;
            values = values.zip(value).map(|(mut v, x)| {
                v.push(x);
                v
            });
        }
        touched.then_some(values)
    }

    /// `q`'s formula on the claimant's values (ignoring a claim of `q` itself).
    fn own(&self, q: W::Quantity) -> Own {
        if let Some(known) = self.memo.borrow().get(&q) {
            return known.clone();
        }
        let own = match self.own_factors(q) {
            None => Own::Untouched,
            Some(None) => Own::Undefined,
            Some(Some(values)) => match self.sheet.evaluate(q, &values) {
                Some(Answer::Number(v)) if !v.is_finite() => Own::Undefined,
                Some(v) => Own::Value(v),
                None => Own::Undefined,
            },
        };
        self.memo.borrow_mut().insert(q, own.clone());
        own
    }

    /// `name = formula = numbers = value`, skipping a part that repeats the one before.
    fn working(&self, q: W::Quantity, factors: Option<&[Answer]>, value: &str) -> String {
        let mut parts = vec![self.sheet.name(q)];
        let formula = self.sheet.formula(q);
        if !formula.is_empty() {
            parts.push(formula);
            if let Some(factors) = factors {
                parts.push(self.sheet.substitute(q, factors));
            }
        }
        parts.push(value.to_string());
        parts.dedup();
        parts.join(" = ")
    }

    fn grade(&self, rule: Rule, name: String, q: W::Quantity, claim: Claim) -> GradedClaim {
        let sheet = self.sheet;
        let value = sheet.truth(q);
        let from_claims = match self.own(q) {
            Own::Value(v) => Some(v),
            Own::Untouched | Own::Undefined => None,
        };
        let passes = |answer: &Option<Answer>| {
            answer
                .as_ref()
                .is_some_and(|a| rule.accepts_answer(&claim, a))
        };
        let grade = if passes(&value) {
            Grade::Correct
        } else if passes(&from_claims) {
            Grade::Carried
        } else {
            Grade::Wrong
        };
        let true_factors: Option<Vec<Answer>> = sheet
            .factors(q)
            .into_iter()
            .map(|f| sheet.truth(f))
            .collect();
        let shown = value
            .as_ref()
            .map_or_else(|| "does not exist".to_string(), |v| sheet.show(v));
        let mut explanation = self.working(q, true_factors.as_deref(), &shown);
        let own_working = || {
            let own = self.own_factors(q).flatten().unwrap_or_default();
            let shown = from_claims
                .as_ref()
                .map(|v| sheet.show(v))
                .unwrap_or_default();
            format!("{} = {shown}", sheet.substitute(q, &own))
        };
        match grade {
            Grade::Correct => {}
            Grade::Carried => explanation.push_str(&format!(
                "; your {} is wrong, but your own earlier values give {}: carried forward",
                claim.text(),
                own_working()
            )),
            Grade::Wrong => {
                explanation.push_str(&match &claim {
                    Claim::Number(w) => format!(
                        "; your {} is off by more than {}",
                        w.text,
                        rule.allowance(w)
                    ),
                    Claim::Verdict(v) => format!("; your verdict is {v}"),
                });
                if from_claims.is_some() {
                    explanation.push_str(&format!(
                        "; your own earlier values would give {}",
                        own_working()
                    ));
                }
            }
        }
        GradedClaim {
            name,
            claimed: claim,
            value,
            grade,
            from_claims,
            explanation,
        }
    }
}

/// The up-to-three known names closest to `key` (edit distance), for an unknown name.
fn closest(key: &str, known: &[String]) -> Vec<String> {
    let mut scored: Vec<(usize, &String)> = known
        .iter()
        .map(|name| (strsim::levenshtein(key, name), name))
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, n)| n.clone()).collect()
}

/// Grades the claims file `text` on `sheet`: every claim `correct`, `carried` or `wrong`.
///
/// # Errors
/// An unreadable claims file; an unknown name (with the closest known ones); a value of the
/// wrong kind (a string for a number, an unknown verdict, a list of the wrong length); two
/// keys naming one quantity; a claim of a quantity that does not exist here.
pub(crate) fn grade<W: Worksheet>(sheet: &W, text: &str, rule: Rule) -> Result<Grading> {
    let file = ClaimsFile::parse(text)?;
    let mut resolved: Vec<(String, W::Quantity, Claim)> = Vec::new();
    let mut first_key: HashMap<W::Quantity, String> = HashMap::new();
    let claim_error = |key: &str, message: String| Error::Claim {
        key: key.to_string(),
        message,
    };
    for (key, value) in file.entries {
        let items: Vec<(String, Claimed)> = match value {
            Claimed::List(items) => {
                let Some(n) = sheet.list_len(&key) else {
                    if sheet.lookup(&key).is_none() {
                        return Err(unknown(sheet, &key));
                    }
                    return Err(claim_error(
                        &key,
                        "expected a number, got a list".to_string(),
                    ));
                };
                if items.len() != n {
                    return Err(claim_error(
                        &key,
                        format!(
                            "expected a list of {n} numbers (one per row), got {}",
                            items.len()
                        ),
                    ));
                }
                items
                    .into_iter()
                    .enumerate()
                    .filter_map(|(i, item)| {
                        item.map(|w| (format!("{key}[{}]", i + 1), Claimed::Number(w)))
                    })
                    .collect()
            }
            other => vec![(key, other)],
        };
        for (key, value) in items {
            let q = sheet.lookup(&key).ok_or_else(|| unknown(sheet, &key))?;
            let claim = match (value, sheet.verdicts(q)) {
                (Claimed::Number(w), None) => Claim::Number(w),
                (Claimed::Text(v), Some(choices)) if choices.contains(&v.as_str()) => {
                    Claim::Verdict(v)
                }
                (_, Some(choices)) => {
                    return Err(claim_error(
                        &key,
                        format!("expected one of the strings {}", choices.join(", ")),
                    ))
                }
                (Claimed::Text(t), None) => {
                    return Err(claim_error(
                        &key,
                        format!("expected a number, got the string {t:?}"),
                    ))
                }
                (Claimed::List(_), None) => {
                    return Err(claim_error(
                        &key,
                        "expected a number, got a list".to_string(),
                    ))
                }
            };
            if sheet.truth(q).is_none() {
                return Err(claim_error(
                    &key,
                    format!("{} does not exist for this problem", sheet.name(q)),
                ));
            }
            if let Some(first) = first_key.get(&q) {
                return Err(claim_error(
                    &key,
                    format!("names the same quantity as {first}, claimed before it"),
                ));
            }
            first_key.insert(q, key.clone());
            resolved.push((key, q, claim));
        }
    }
    let marker = Marker {
        sheet,
        claims: resolved
            .iter()
            .map(|(_, q, claim)| (*q, claim.answer()))
            .collect(),
        memo: RefCell::new(HashMap::new()),
    };
    Ok(Grading {
        claims: resolved
            .into_iter()
            .map(|(key, q, claim)| marker.grade(rule, key, q, claim))
            .collect(),
    })
}

fn unknown<W: Worksheet>(sheet: &W, key: &str) -> Error {
    Error::UnknownClaim {
        key: key.to_string(),
        closest: closest(key, &sheet.known_names()),
    }
}

/// The numbers among `values` (every one, or `None`).
pub(crate) fn numbers(values: &[Answer]) -> Option<Vec<f64>> {
    values
        .iter()
        .map(|v| match v {
            Answer::Number(x) => Some(*x),
            Answer::Verdict(_) => None,
        })
        .collect()
}

/// At most this many terms of a sum are written out in an explanation.
const TERMS_SHOWN: usize = 4;

/// `a + b + c + … (n terms)`: a sum for explanations, long ones cut short.
pub(crate) fn written_sum(terms: impl IntoIterator<Item = String>) -> String {
    let terms: Vec<String> = terms.into_iter().collect();
    if terms.len() <= TERMS_SHOWN {
        terms.join(" + ")
    } else {
        format!(
            "{} + … ({} terms)",
            terms[..TERMS_SHOWN - 1].join(" + "),
            terms.len()
        )
    }
}
