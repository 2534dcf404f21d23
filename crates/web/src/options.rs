//! A JavaScript options object read the way the CLI reads its flags: each key is a long flag
//! in camelCase (`weightDecay` is `--weight-decay`), and a bad value is refused with the CLI's
//! message naming that flag. Keys nobody reads are refused too, so a misspelt option is an
//! error rather than silently ignored.

use std::cell::RefCell;
use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// The options object, and the keys read so far.
pub struct Options {
    map: Map<String, Value>,
    read: RefCell<BTreeSet<String>>,
}

/// The CLI flag of a camelCase key: `weightDecay` → `--weight-decay`.
pub fn flag(key: &str) -> String {
    let mut out = String::from("--");
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

impl Options {
    /// Parses the options' JSON text (an object; `null` or empty text is no options).
    ///
    /// # Errors
    /// Text that is not a JSON object.
    pub fn parse(text: &str) -> Result<Self, String> {
        let value: Value = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(text).map_err(|e| format!("options: {e}"))?
        };
        Self::from_value(value, "options")
    }

    /// The options in `value` (an object, or null for none); `what` names it in the error.
    ///
    /// # Errors
    /// A value that is not an object.
    pub fn from_value(value: Value, what: &str) -> Result<Self, String> {
        let map = match value {
            Value::Object(map) => map,
            Value::Null => Map::new(),
            _ => return Err(format!("{what}: expected an object")),
        };
        Ok(Options {
            map,
            read: RefCell::new(BTreeSet::new()),
        })
    }

    /// The raw value of `key`, if given (and not null).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.read.borrow_mut().insert(key.to_string());
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// A finite number.
    ///
    /// # Errors
    /// Anything else given for `key`.
    pub fn number(&self, key: &str) -> Result<Option<f64>, String> {
        self.get(key).map(|v| to_number(key, v)).transpose()
    }

    /// A whole number ≥ 0.
    ///
    /// # Errors
    /// Anything else given for `key`.
    pub fn count(&self, key: &str) -> Result<Option<usize>, String> {
        self.get(key)
            .map(|v| {
                v.as_u64()
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or_else(|| format!("{}: '{v}' is not a whole number ≥ 0", flag(key)))
            })
            .transpose()
    }

    /// `true` or `false`.
    ///
    /// # Errors
    /// Anything else given for `key`.
    pub fn flag(&self, key: &str) -> Result<bool, String> {
        match self.get(key) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(v) => Err(format!("{}: '{v}' is not true or false", flag(key))),
        }
    }

    /// A string.
    ///
    /// # Errors
    /// Anything else given for `key`.
    pub fn string(&self, key: &str) -> Result<Option<String>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(format!("{}: '{v}' is not a string", flag(key))),
        }
    }

    /// A list of strings: an array, or one comma-separated string as the CLI takes it.
    ///
    /// # Errors
    /// Anything else given for `key`.
    pub fn strings(&self, key: &str) -> Result<Option<Vec<String>>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => {
                Ok(Some(s.split(',').map(|t| t.trim().to_string()).collect()))
            }
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| format!("{}: '{v}' is not a string", flag(key)))
                })
                .collect::<Result<_, _>>()
                .map(Some),
            Some(v) => Err(format!("{}: '{v}' is not a list of names", flag(key))),
        }
    }

    /// A list of finite numbers: an array, one number, or a comma-separated string.
    ///
    /// # Errors
    /// Anything else given for `key`.
    pub fn numbers(&self, key: &str) -> Result<Option<Vec<f64>>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| to_number(key, v))
                .collect::<Result<_, _>>()
                .map(Some),
            Some(Value::String(s)) => s
                .split(',')
                .map(|t| {
                    let t = t.trim();
                    t.parse::<f64>()
                        .ok()
                        .filter(|v| v.is_finite())
                        .ok_or_else(|| format!("{}: '{t}' is not a finite number", flag(key)))
                })
                .collect::<Result<_, _>>()
                .map(Some),
            Some(v) => to_number(key, v).map(|x| Some(vec![x])),
        }
    }

    /// Refuses every key that was never read.
    ///
    /// # Errors
    /// The first unknown key, with the accepted ones.
    pub fn finish(&self) -> Result<(), String> {
        let read = self.read.borrow();
        match self.map.keys().find(|k| !read.contains(*k)) {
            None => Ok(()),
            Some(k) => {
                let known: Vec<&str> = read.iter().map(String::as_str).collect();
                Err(format!(
                    "options: unknown option '{k}' (known: {})",
                    known.join(", ")
                ))
            }
        }
    }
}

/// A JSON value as a finite number.
fn to_number(key: &str, v: &Value) -> Result<f64, String> {
    v.as_f64()
        .filter(|x| x.is_finite())
        .ok_or_else(|| format!("{}: '{v}' is not a finite number", flag(key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_the_flags_in_camel_case() {
        assert_eq!(flag("weightDecay"), "--weight-decay");
        assert_eq!(flag("lr"), "--lr");
    }

    #[test]
    fn values_are_checked_and_unknown_keys_refused() {
        let o = Options::parse(r#"{"lr": "0.1,0.2", "steps": 3, "amsgrad": true, "bogus": 1}"#)
            .unwrap();
        assert_eq!(o.numbers("lr").unwrap(), Some(vec![0.1, 0.2]));
        assert_eq!(o.count("steps").unwrap(), Some(3));
        assert!(o.flag("amsgrad").unwrap());
        assert_eq!(o.number("eps").unwrap(), None);
        let err = o.finish().unwrap_err();
        assert!(err.contains("'bogus'"), "{err}");
        let o = Options::parse(r#"{"steps": -1, "lr": "x"}"#).unwrap();
        assert!(o.count("steps").unwrap_err().starts_with("--steps: "));
        assert!(o.numbers("lr").unwrap_err().starts_with("--lr: 'x'"));
        assert!(Options::parse("[1]").is_err());
    }
}
