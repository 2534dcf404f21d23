//! Numbers as they were written: the exact decimal value of a claim's text, where its last
//! written digit sits, and the comparisons of the grading rule done in decimal arithmetic, so
//! that `-0.49` against `-0.48` is within `0.01` exactly (in f64 it is not).
//!
//! ```text
//! text        value            last written digit
//! 0.924       924 · 10^-3      10^-3
//! 1.320       1320 · 10^-3     10^-3      (trailing zeros are written digits)
//! 1.2e-5      12 · 10^-6       10^-6
//! 150         150 · 10^0       10^0
//! ```
//! A true value (an f64) becomes the decimal of its shortest round-trip form (`0.48`, not
//! `0.479999999999999982236431605997495353221893310546875`), the number a person reads.

use std::cmp::Ordering;

/// An exact decimal `±coefficient · 10^exponent`; the coefficient's digits are kept as
/// written, so `exponent` is the place of the last written digit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decimal {
    negative: bool,
    /// The coefficient's digits, most significant first, without leading zeros (empty: zero).
    digits: Vec<u8>,
    exponent: i64,
}

impl Decimal {
    /// Reads a JSON number (`-0.49`, `1.320`, `1.2e-5`, `7E+2`); `None` if `text` is not one.
    pub fn parse(text: &str) -> Option<Self> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, power) = match rest.find(['e', 'E']) {
            Some(at) => {
                let power = rest[at + 1..].strip_prefix('+').unwrap_or(&rest[at + 1..]);
                if power.is_empty() || power.starts_with('+') {
                    return None;
                }
                (&rest[..at], power.parse::<i64>().ok()?)
            }
            None => (rest, 0),
        };
        let (whole, fraction) = match mantissa.split_once('.') {
            Some((whole, fraction)) if !fraction.is_empty() => (whole, fraction),
            Some(_) => return None,
            None => (mantissa, ""),
        };
        let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !is_digits(whole) || !is_digits(fraction) {
            return None;
        }
        let digits: Vec<u8> = whole
            .bytes()
            .chain(fraction.bytes())
            .map(|b| b - b'0')
            .skip_while(|&d| d == 0)
            .collect();
        let exponent = power.checked_sub(i64::try_from(fraction.len()).ok()?)?;
        Some(Self {
            negative: negative && !digits.is_empty(),
            digits,
            exponent,
        })
    }

    /// The decimal of `value`'s shortest round-trip form; `None` for NaN and infinities.
    pub fn from_f64(value: f64) -> Option<Self> {
        if !value.is_finite() {
            return None;
        }
        Self::parse(&format!("{value:e}"))
    }

    /// The exponent of the last written digit: `-3` for `1.320`, `-6` for `1.2e-5`.
    pub fn last_digit(&self) -> i64 {
        self.exponent
    }

    /// One unit of the last written digit, `10^last_digit`.
    pub fn unit(&self) -> Self {
        Self {
            negative: false,
            digits: vec![1],
            exponent: self.exponent,
        }
    }

    /// The nearest f64.
    pub fn to_f64(&self) -> f64 {
        let digits: String = if self.digits.is_empty() {
            "0".to_string()
        } else {
            self.digits.iter().map(|d| char::from(b'0' + d)).collect()
        };
        let sign = if self.negative { "-" } else { "" };
        format!("{sign}{digits}e{}", self.exponent)
            .parse()
            .unwrap_or(f64::NAN)
    }

    /// `|self − other| ≤ bound`, exactly.
    pub fn within(&self, other: &Self, bound: &Self) -> bool {
        self.abs_diff(other).cmp_magnitude(bound) != Ordering::Greater
    }

    /// `|self · other|`, exactly.
    pub fn abs_product(&self, other: &Self) -> Self {
        let (a, b) = (&self.digits, &other.digits);
        let mut product = vec![0u32; a.len() + b.len()];
        for (i, &x) in a.iter().rev().enumerate() {
            for (j, &y) in b.iter().rev().enumerate() {
                product[i + j] += u32::from(x) * u32::from(y);
            }
        }
        let mut carry = 0;
        for slot in &mut product {
            let total = *slot + carry;
            *slot = total % 10;
            carry = total / 10;
        }
        Self::from_little_endian(
            false,
            product.into_iter().map(|d| d as u8).collect(),
            self.exponent + other.exponent,
        )
    }

    /// `|self − other|`, exactly.
    fn abs_diff(&self, other: &Self) -> Self {
        let base = self.exponent.min(other.exponent);
        let (a, b) = (self.aligned(base), other.aligned(base));
        let digits = if self.negative != other.negative {
            add(&a, &b)
        } else if compare(&a, &b) == Ordering::Less {
            subtract(&b, &a)
        } else {
            subtract(&a, &b)
        };
        Self::from_little_endian(false, digits, base)
    }

    /// Compares `|self|` with `|other|`.
    fn cmp_magnitude(&self, other: &Self) -> Ordering {
        let base = self.exponent.min(other.exponent);
        compare(&self.aligned(base), &other.aligned(base))
    }

    /// The coefficient's digits, least significant first, scaled to exponent `base` (at most
    /// `self.exponent`).
    fn aligned(&self, base: i64) -> Vec<u8> {
        let shift = usize::try_from(self.exponent - base).unwrap_or(0);
        let mut digits = vec![0; shift];
        digits.extend(self.digits.iter().rev());
        digits
    }

    fn from_little_endian(negative: bool, mut digits: Vec<u8>, exponent: i64) -> Self {
        while digits.last() == Some(&0) {
            digits.pop();
        }
        digits.reverse();
        Self {
            negative: negative && !digits.is_empty(),
            digits,
            exponent,
        }
    }
}

/// Compares two little-endian digit strings as numbers.
fn compare(a: &[u8], b: &[u8]) -> Ordering {
    let significant = |d: &[u8]| d.len() - d.iter().rev().take_while(|&&x| x == 0).count();
    let (la, lb) = (significant(a), significant(b));
    la.cmp(&lb)
        .then_with(|| a[..la].iter().rev().cmp(b[..lb].iter().rev()))
}

/// `a + b`, little-endian digits.
fn add(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut sum = Vec::with_capacity(a.len().max(b.len()) + 1);
    let mut carry = 0;
    for i in 0..a.len().max(b.len()) {
        let total = a.get(i).copied().unwrap_or(0) + b.get(i).copied().unwrap_or(0) + carry;
        sum.push(total % 10);
        carry = total / 10;
    }
    sum.push(carry);
    sum
}

/// `a − b` for `a ≥ b`, little-endian digits.
fn subtract(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut difference = Vec::with_capacity(a.len());
    let mut borrow = 0;
    for (i, &x) in a.iter().enumerate() {
        let y = b.get(i).copied().unwrap_or(0) + borrow;
        if x >= y {
            difference.push(x - y);
            borrow = 0;
        } else {
            difference.push(x + 10 - y);
            borrow = 1;
        }
    }
    difference
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).unwrap()
    }

    #[test]
    fn the_last_written_digit_counts_trailing_zeros_and_exponents() {
        assert_eq!(d("0.924").last_digit(), -3);
        assert_eq!(d("1.320").last_digit(), -3);
        assert_eq!(d("1.2e-5").last_digit(), -6);
        assert_eq!(d("1.2E+5").last_digit(), 4);
        assert_eq!(d("150").last_digit(), 0);
        assert_eq!(d("-0.0500").last_digit(), -4);
        assert_eq!(d("0").last_digit(), 0);
        assert_eq!(d("0.000").last_digit(), -3);
    }

    #[test]
    fn values_are_exact() {
        assert_eq!(d("1.320").to_f64(), 1.32);
        assert_eq!(d("-0.0500").to_f64(), -0.05);
        assert_eq!(d("1.2e-5").to_f64(), 1.2e-5);
        assert_eq!(d("-0").to_f64(), 0.0);
        assert!(d("12e2").within(&d("1200"), &d("0")));
    }

    #[test]
    fn non_numbers_are_refused() {
        for bad in [
            "", "-", "1.", ".5", "1e", "1e+", "abc", "1.2.3", "0x10", "1e++2", "--1",
        ] {
            assert!(Decimal::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn within_one_unit_is_inclusive_and_decimal() {
        let claim = d("-0.49");
        let truth = Decimal::from_f64(-0.48).unwrap();
        assert!(claim.within(&truth, &claim.unit()));
        // In f64 the same test fails: the reason the comparison is decimal.
        assert!((-0.49f64 - -0.48f64).abs() > 0.01);
        let claim = d("-0.50");
        assert!(!claim.within(&truth, &claim.unit()));
        let claim = d("0.924");
        assert!(claim.within(
            &Decimal::from_f64(0.924_141_819_978_756_6).unwrap(),
            &claim.unit()
        ));
        let claim = d("0.52");
        assert!(!claim.within(
            &Decimal::from_f64(0.292_526_300_683_565_4).unwrap(),
            &claim.unit()
        ));
        // Opposite signs add.
        let claim = d("0.004");
        assert!(claim.within(&d("-0.006"), &d("0.01")));
        assert!(!claim.within(&d("-0.0061"), &d("0.01")));
    }

    #[test]
    fn shortest_round_trip_forms_are_used_for_true_values() {
        assert_eq!(Decimal::from_f64(0.1).unwrap(), d("0.1"));
        assert_eq!(Decimal::from_f64(-2.5e-300).unwrap(), d("-25e-301"));
        assert_eq!(Decimal::from_f64(0.0).unwrap(), d("0"));
        assert!(Decimal::from_f64(f64::NAN).is_none());
        assert!(Decimal::from_f64(f64::INFINITY).is_none());
    }

    #[test]
    fn products_are_exact() {
        let p = d("1e-3").abs_product(&d("-2.5"));
        assert!(p.within(&d("0.0025"), &d("0")));
        let p = d("999").abs_product(&d("999"));
        assert!(p.within(&d("998001"), &d("0")));
        assert!(d("0").abs_product(&d("7")).within(&d("0"), &d("0")));
    }
}
