//! What one CSV cell means: trimming, the missing-value markers, numbers, and the short excerpt
//! of a cell that an error message quotes.
//!
//! Cells are bytes as the file holds them. Numbers are parsed by `fast-float2`, which is
//! correctly rounded like `str::parse::<f64>` and reads bytes without a UTF-8 check; anything it
//! refuses is given to `str::parse::<f64>`, so the numbers accepted, and their values, are
//! exactly those of the standard library.
//!
//! ```
//! use nabla_nn::data::cell::{is_missing, parse_number, trim, NumberProblem};
//! assert_eq!(trim(b"  2.5 \t"), b"2.5");
//! assert_eq!(parse_number(b"2.5"), Ok(2.5));
//! assert_eq!(parse_number(b"inf"), Err(NumberProblem::NotFinite));
//! assert_eq!(parse_number(b"cat"), Err(NumberProblem::NotANumber));
//! assert!(is_missing(b"NA") && is_missing(b"") && !is_missing(b"0"));
//! ```

/// The cell texts (compared ignoring letter case, after trimming spaces) that mean "missing";
/// an empty cell is missing too.
pub const MISSING_MARKERS: [&str; 5] = ["NA", "N/A", "NaN", "null", "?"];

/// The most characters of a cell that an error message quotes.
pub const EXCERPT_CHARS: usize = 40;

/// Why a present cell is not a usable number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberProblem {
    /// The text is not a number at all.
    NotANumber,
    /// A number, but infinite or NaN (`inf`, `1e999`).
    NotFinite,
}

/// Whether `b` is whitespace that `str::trim` removes (ASCII whitespace and vertical tab).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The cell without the leading and trailing whitespace that `str::trim` removes.
///
/// Bytes that are not UTF-8 are kept as they are (such a cell is refused before it is used).
pub fn trim(cell: &[u8]) -> &[u8] {
    let mut start = 0;
    let mut end = cell.len();
    while start < end && is_space(cell[start]) {
        start += 1;
    }
    while end > start && is_space(cell[end - 1]) {
        end -= 1;
    }
    let inner = &cell[start..end];
    // Unicode spaces (U+00A0, U+2003, …) only where a non-ASCII byte is at either end.
    let unicode_end = |b: Option<&u8>| b.is_some_and(|b| !b.is_ascii());
    if unicode_end(inner.first()) || unicode_end(inner.last()) {
        if let Ok(text) = std::str::from_utf8(inner) {
            return text.trim().as_bytes();
        }
    }
    inner
}

/// Whether a (trimmed) cell means "missing".
pub fn is_missing(cell: &[u8]) -> bool {
    match cell.first() {
        None => true,
        // Fast path: numbers never start like a marker.
        Some(b) if b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.') => false,
        Some(_) => MISSING_MARKERS
            .iter()
            .any(|m| m.as_bytes().eq_ignore_ascii_case(cell)),
    }
}

/// Parses a (trimmed) cell as a number exactly as `str::parse::<f64>` does.
///
/// # Errors
/// [`NumberProblem::NotANumber`] when it is not a number, [`NumberProblem::NotFinite`] for an
/// infinite or NaN value.
pub fn parse_number(cell: &[u8]) -> Result<f64, NumberProblem> {
    let value = match fast_float2::parse::<f64, _>(cell) {
        Ok(v) => v,
        Err(_) => std::str::from_utf8(cell)
            .ok()
            .and_then(|text| text.parse::<f64>().ok())
            .ok_or(NumberProblem::NotANumber)?,
    };
    if value.is_finite() {
        Ok(value)
    } else {
        Err(NumberProblem::NotFinite)
    }
}

/// The cell as an error message quotes it: whole when short, else its first
/// [`EXCERPT_CHARS`] characters, an ellipsis and its length in bytes. Bytes that are not UTF-8
/// are shown as U+FFFD.
pub fn excerpt(cell: &[u8]) -> String {
    let text = String::from_utf8_lossy(cell);
    match text.char_indices().nth(EXCERPT_CHARS) {
        None => text.into_owned(),
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], cell.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What `str::parse::<f64>` makes of `text`, in [`parse_number`]'s terms.
    fn std_parse(text: &str) -> Result<u64, NumberProblem> {
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v.to_bits()),
            Ok(_) => Err(NumberProblem::NotFinite),
            Err(_) => Err(NumberProblem::NotANumber),
        }
    }

    fn fast_parse(text: &str) -> Result<u64, NumberProblem> {
        parse_number(text.as_bytes()).map(f64::to_bits)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn decimal_text_parses_bit_identically_to_std(
            text in "[+-]?[0-9]{0,30}(\\.[0-9]{0,30})?([eE][+-]?[0-9]{1,4})?"
        ) {
            prop_assert_eq!(fast_parse(&text), std_parse(&text));
        }

        #[test]
        fn any_number_like_text_is_accepted_exactly_when_std_accepts_it(
            text in "[-+.0-9eEinfINFatyAT_x ]{0,12}"
        ) {
            prop_assert_eq!(fast_parse(&text), std_parse(&text));
        }

        #[test]
        fn every_f64_written_by_rust_reads_back_bit_identically(bits in any::<u64>()) {
            let v = f64::from_bits(bits);
            for text in [format!("{v}"), format!("{v:e}"), format!("{v:.3e}")] {
                prop_assert_eq!(fast_parse(&text), std_parse(&text));
            }
        }
    }

    #[test]
    fn trim_matches_str_trim_for_ascii_and_unicode_spaces() {
        for text in [
            " 1 ",
            "\u{0b}2\u{0c}",
            "\u{a0}3\u{2003}",
            "\u{85}x",
            "é",
            "  ",
            "",
        ] {
            assert_eq!(trim(text.as_bytes()), text.trim().as_bytes(), "{text:?}");
        }
        assert_eq!(trim(b" \xff "), b"\xff");
    }

    #[test]
    fn excerpt_caps_long_cells_at_a_character_boundary() {
        assert_eq!(excerpt(b"abc"), "abc");
        let long = "é".repeat(100);
        let shown = excerpt(long.as_bytes());
        assert_eq!(shown, format!("{}… (200 bytes)", "é".repeat(EXCERPT_CHARS)));
        assert_eq!(excerpt(b"a\xffb"), "a\u{fffd}b");
    }

    #[test]
    fn numbers_and_missing_markers() {
        assert_eq!(parse_number(b"-1.5e3"), Ok(-1500.0));
        assert_eq!(parse_number(b"1e999"), Err(NumberProblem::NotFinite));
        assert_eq!(parse_number(b"nan"), Err(NumberProblem::NotFinite));
        assert_eq!(parse_number(b"1,5"), Err(NumberProblem::NotANumber));
        assert_eq!(parse_number(b""), Err(NumberProblem::NotANumber));
        for m in ["na", "N/a", "NAN", "NULL", "?", ""] {
            assert!(is_missing(m.as_bytes()), "{m}");
        }
        assert!(!is_missing(b"nanny") && !is_missing(b"-"));
    }
}
