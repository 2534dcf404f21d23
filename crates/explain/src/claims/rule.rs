//! The grading rule: when a claimed number counts as a true value.
//!
//! ```text
//! last digit (default)   |claimed − value| ≤ 10^(place of the claim's last written digit)
//!                        (inclusive, in decimal: 0.924 for 0.924142 passes, 0.52 for 0.2925 fails)
//! --tolerance REL        |claimed − value| ≤ REL·|value|   (replaces the last-digit rule)
//! ```
//! The same rule decides `correct` (against the true value) and `carried` (against what the
//! claimant's own earlier values give); a verdict claim passes when it is the same string.

use super::decimal::Decimal;
use super::file::Written;
use super::Answer;
use crate::{Error, Result};

/// When a claimed number counts as equal to a value.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Rule {
    /// Within one unit of the claim's last written digit (inclusive).
    #[default]
    LastDigit,
    /// Within this fraction of the value's magnitude (inclusive).
    Relative(f64),
}

impl Rule {
    /// The relative rule with tolerance `rel`.
    ///
    /// # Errors
    /// [`Error::Tolerance`] when `rel` is negative, NaN or infinite.
    pub fn relative(rel: f64) -> Result<Self> {
        if rel.is_finite() && rel >= 0.0 {
            Ok(Rule::Relative(rel))
        } else {
            Err(Error::Tolerance { value: rel })
        }
    }

    /// Whether `claimed` counts as `value` (an f64 is compared through its shortest
    /// round-trip decimal).
    pub fn accepts(&self, claimed: &Written, value: f64) -> bool {
        let Some(value) = Decimal::from_f64(value) else {
            return false;
        };
        let bound = match *self {
            Rule::LastDigit => claimed.decimal.unit(),
            Rule::Relative(rel) => match Decimal::from_f64(rel) {
                Some(rel) => rel.abs_product(&value),
                None => return false,
            },
        };
        claimed.decimal.within(&value, &bound)
    }

    /// Whether a claimed number or verdict counts as `answer`.
    pub(crate) fn accepts_answer(&self, claimed: &Claim, answer: &Answer) -> bool {
        match (claimed, answer) {
            (Claim::Number(w), Answer::Number(v)) => self.accepts(w, *v),
            (Claim::Verdict(c), Answer::Verdict(v)) => c == v,
            _ => false,
        }
    }

    /// The allowed difference in words, for explanations: `0.001` or `1e-6 relative`.
    pub fn allowance(&self, claimed: &Written) -> String {
        match *self {
            Rule::LastDigit => {
                let place = claimed.decimal.last_digit();
                let unit = match place {
                    -4..=-1 => format!("0.{}1", "0".repeat((-place - 1) as usize)),
                    0..=6 => format!("1{}", "0".repeat(place as usize)),
                    _ => format!("1e{place}"),
                };
                format!("{unit} (one unit of its last digit)")
            }
            Rule::Relative(rel) => format!("{rel:e} relative"),
        }
    }
}

/// One claimed value, resolved against its quantity's kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Claim {
    /// A claimed number.
    Number(Written),
    /// A claimed verdict string.
    Verdict(String),
}

impl Claim {
    /// The claimed value as an answer (what a later formula takes from it).
    pub(crate) fn answer(&self) -> Answer {
        match self {
            Claim::Number(w) => Answer::Number(w.value),
            Claim::Verdict(v) => Answer::Verdict(v.clone()),
        }
    }

    /// As written.
    pub fn text(&self) -> &str {
        match self {
            Claim::Number(w) => &w.text,
            Claim::Verdict(v) => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(text: &str) -> Written {
        let decimal = Decimal::parse(text).unwrap();
        Written {
            text: text.to_string(),
            value: decimal.to_f64(),
            decimal,
        }
    }

    #[test]
    fn the_last_digit_rule_is_one_unit_inclusive() {
        let rule = Rule::LastDigit;
        assert!(rule.accepts(&written("0.924"), 0.924_141_819_978_756_6));
        assert!(rule.accepts(&written("0.925"), 0.924_141_819_978_756_6));
        assert!(!rule.accepts(&written("0.923"), 0.924_141_819_978_756_6));
        assert!(!rule.accepts(&written("0.922"), 0.924_141_819_978_756_6));
        assert!(!rule.accepts(&written("0.52"), 0.292_526_300_683_565_4));
        assert!(rule.accepts(&written("-0.49"), -0.48));
        assert!(rule.accepts(&written("1.320"), 1.321));
        assert!(!rule.accepts(&written("1.320"), 1.3211));
        assert!(rule.accepts(&written("1.2e-5"), 1.3e-5));
        assert!(!rule.accepts(&written("1.2e-5"), 1.31e-5));
        assert!(rule.accepts(&written("100"), 101.0));
        assert!(!rule.accepts(&written("100"), 101.5));
        assert!(!rule.accepts(&written("1"), f64::NAN));
    }

    #[test]
    fn a_tolerance_replaces_the_last_digit_rule() {
        let rule = Rule::relative(1e-3).unwrap();
        assert!(rule.accepts(&written("0.9"), 0.9009));
        assert!(rule.accepts(&written("1.001"), 1.0));
        assert!(!rule.accepts(&written("1.0011"), 1.0));
        // 0.924 is within its last digit of 0.924142 but not within 1e-6 relative.
        assert!(!Rule::relative(1e-6)
            .unwrap()
            .accepts(&written("0.924"), 0.924_142));
        assert!(Rule::relative(0.0).unwrap().accepts(&written("0.5"), 0.5));
        for bad in [-1e-3, f64::NAN, f64::INFINITY] {
            assert!(Rule::relative(bad).is_err());
        }
    }

    #[test]
    fn allowances_read_naturally() {
        assert_eq!(
            Rule::LastDigit.allowance(&written("0.924")),
            "0.001 (one unit of its last digit)"
        );
        assert_eq!(
            Rule::LastDigit.allowance(&written("1.2e-5")),
            "1e-6 (one unit of its last digit)"
        );
        assert_eq!(
            Rule::LastDigit.allowance(&written("150")).split(' ').next(),
            Some("1")
        );
        assert_eq!(
            Rule::Relative(1e-3).allowance(&written("1")),
            "1e-3 relative"
        );
    }
}
