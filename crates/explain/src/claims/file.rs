//! Reading a claims file: one JSON object, quantity name → the number (or, for a verdict, the
//! string, or for `residuals` and `fitted` the list) that someone wrote down.
//!
//! Numbers are read from the file's text ([`serde_json::value::RawValue`]), not through an
//! f64, so the digits the claimant wrote survive: `1.320` keeps its three decimals. A key given
//! twice is an error (a JSON parser would silently keep the last), as is any value that is not
//! a number, a string or a list of numbers.
//!
//! ```text
//! {"net_h1": 2.5, "out_h1": 0.924, "dJ/dw5": -0.654, "verdict": "no_autocorrelation",
//!  "residuals": [-0.23, 0.19, 0.46, -0.14, -0.37, -0.38, -0.03, 0.86, -0.32, -0.04]}
//! ```

use std::collections::HashSet;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::decimal::Decimal;
use crate::{Error, Result};

/// How far from 10^0 a claim's last written digit may sit (the decimal comparisons align
/// digits, so this bounds their work).
const LAST_DIGIT_RANGE: i64 = 400;

/// A number as the claimant wrote it.
#[derive(Clone, Debug, PartialEq)]
pub struct Written {
    /// The text, exactly as written in the file.
    pub text: String,
    /// Its exact decimal value, with its last written digit.
    pub decimal: Decimal,
    /// The nearest f64.
    pub value: f64,
}

/// One value of the claims file.
#[derive(Clone, Debug, PartialEq)]
pub enum Claimed {
    /// A number.
    Number(Written),
    /// A string (a verdict).
    Text(String),
    /// A list of numbers; `null` entries leave an element unclaimed.
    List(Vec<Option<Written>>),
}

/// The claims file, its entries in the order written.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimsFile {
    /// `(key, value)` in file order; every key distinct.
    pub entries: Vec<(String, Claimed)>,
}

impl ClaimsFile {
    /// Reads the text of a claims file.
    ///
    /// # Errors
    /// [`Error::ClaimsSyntax`] for text that is not JSON, [`Error::ClaimsNotObject`] for JSON
    /// that is not one object, [`Error::Claim`] for a key given twice or a value that is not a
    /// number, a string or a list of numbers.
    pub fn parse(text: &str) -> Result<Self> {
        let raw: RawEntries<'_> = serde_json::from_str(text).map_err(|e| {
            let message = e.to_string();
            let message = message
                .rfind(" at line ")
                .map_or(message.as_str(), |cut| &message[..cut]);
            if e.classify() == serde_json::error::Category::Data {
                Error::ClaimsNotObject {
                    found: message.to_string(),
                }
            } else {
                Error::ClaimsSyntax {
                    line: e.line(),
                    column: e.column(),
                    message: message.to_string(),
                }
            }
        })?;
        let mut seen = HashSet::new();
        let mut entries = Vec::with_capacity(raw.0.len());
        for (key, raw) in raw.0 {
            if !seen.insert(key.clone()) {
                return Err(Error::Claim {
                    key,
                    message: "given twice (each quantity is claimed once)".to_string(),
                });
            }
            let value = read_value(&key, raw.get())?;
            entries.push((key, value));
        }
        Ok(Self { entries })
    }
}

fn read_value(key: &str, text: &str) -> Result<Claimed> {
    let error = |message: String| Error::Claim {
        key: key.to_string(),
        message,
    };
    match text.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<String>(text)
            .map(Claimed::Text)
            .map_err(|e| error(e.to_string())),
        Some(b'[') => {
            let items: Vec<&RawValue> =
                serde_json::from_str(text).map_err(|e| error(e.to_string()))?;
            items
                .iter()
                .enumerate()
                .map(|(i, item)| match item.get() {
                    "null" => Ok(None),
                    text => read_number(&format!("{key}[{}]", i + 1), text).map(Some),
                })
                .collect::<Result<Vec<_>>>()
                .map(Claimed::List)
        }
        _ => read_number(key, text).map(Claimed::Number),
    }
}

fn read_number(key: &str, text: &str) -> Result<Written> {
    let error = |message: String| Error::Claim {
        key: key.to_string(),
        message,
    };
    let decimal = Decimal::parse(text).ok_or_else(|| {
        error(format!(
            "expected a number (a verdict: its string), got {}",
            shorten(text)
        ))
    })?;
    let value = decimal.to_f64();
    if !value.is_finite() || decimal.last_digit().abs() > LAST_DIGIT_RANGE {
        return Err(error(format!(
            "{} is out of the range nabla grades (finite numbers whose last written digit lies \
             between 1e-{LAST_DIGIT_RANGE} and 1e{LAST_DIGIT_RANGE})",
            shorten(text)
        )));
    }
    Ok(Written {
        text: text.to_string(),
        decimal,
        value,
    })
}

/// At most 40 characters of a value, for messages.
fn shorten(text: &str) -> String {
    if text.chars().count() > 40 {
        let cut: String = text.chars().take(37).collect();
        format!("{cut}...")
    } else {
        text.to_string()
    }
}

/// The top-level object's entries in file order, duplicates kept (to be reported).
struct RawEntries<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for RawEntries<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Entries<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Entries<'a> {
            type Value = RawEntries<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("one JSON object of claims (quantity name → claimed value)")
            }
            fn visit_map<M: MapAccess<'de>>(
                self,
                mut map: M,
            ) -> std::result::Result<Self::Value, M::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    entries.push((key, map.next_value::<&'de RawValue>()?));
                }
                Ok(RawEntries(entries))
            }
        }
        deserializer.deserialize_map(Entries(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_written_digits() {
        let file =
            ClaimsFile::parse(r#"{"d_U": 1.320, "x": 1.2e-5, "verdict": "inconclusive"}"#).unwrap();
        assert_eq!(file.entries[0].0, "d_U");
        let Claimed::Number(w) = &file.entries[0].1 else {
            panic!("a number")
        };
        assert_eq!(
            (w.text.as_str(), w.decimal.last_digit(), w.value),
            ("1.320", -3, 1.32)
        );
        let Claimed::Number(w) = &file.entries[1].1 else {
            panic!("a number")
        };
        assert_eq!(w.decimal.last_digit(), -6);
        assert_eq!(file.entries[2].1, Claimed::Text("inconclusive".to_string()));
    }

    #[test]
    fn lists_are_read_element_by_element() {
        let file = ClaimsFile::parse(r#"{"residuals": [0.10, null, -3e-2]}"#).unwrap();
        assert_eq!(
            file.entries[0].1,
            Claimed::List(vec![
                Some(read_number("r", "0.10").unwrap()),
                None,
                Some(read_number("r", "-3e-2").unwrap())
            ])
        );
        let err = ClaimsFile::parse(r#"{"residuals": [0.1, "x"]}"#).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("residuals[2]: expected a number"),
            "{err}"
        );
    }

    #[test]
    fn duplicate_keys_are_bad_input() {
        let err = ClaimsFile::parse(r#"{"J": 1.23, "out_o1": 0.29, "J": 1.24}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "J: given twice (each quantity is claimed once)"
        );
    }

    #[test]
    fn other_values_and_other_documents_are_bad_input() {
        for (text, start) in [
            (r#"{"J": true}"#, "J: expected a number"),
            (r#"{"J": null}"#, "J: expected a number"),
            (r#"{"J": {"v": 1}}"#, "J: expected a number"),
            (r#"{"J": 1e400}"#, "J: 1e400 is out of the range"),
            (r#"{"J": 1e-999999}"#, "J: 1e-999999 is out of the range"),
            ("[1, 2]", "expected one JSON object of claims"),
            ("{\"J\": 1.2,}", "line 1, column 11: invalid JSON"),
            ("", "line 1, column 0: invalid JSON"),
        ] {
            let err = ClaimsFile::parse(text).unwrap_err().to_string();
            assert!(err.contains(start), "{text}: {err}");
        }
    }
}
