//! `nabla.regress` and the Regression page: ordinary least squares on CSV text with the
//! Durbin–Watson test (exact p-values, bounds, verdict) and Breusch–Godfrey, as
//! `nabla regress FILE.csv --format json` prints them — the same `nabla_explain::regress` code
//! and the same document, with the claims graded when given.
//!
//! Options are `nabla regress`'s flags in camelCase: `y` (required), `x` (`["x"]` or `"a,b"`;
//! default every numeric column but `y`), `noIntercept`, `method` (`"qr"` or `"normal"`),
//! `alpha`, `bgOrder`, `exactLimit`, `claims` (the claims file's text, so that written digits
//! survive) and `tolerance`; and `file`, the name the CSV goes by in messages and in the JSON's
//! `file` (the CLI's `FILE.csv` argument; default `data.csv`).

use nabla_explain::claims::Rule;
use nabla_explain::regress::{RegressOptions, Regression, Table};
use nabla_stats::Method;

use crate::options::Options;

/// The name of pasted CSV text when `file` is not given.
pub const DEFAULT_FILE: &str = "data.csv";

/// The most memory the exact Durbin–Watson distribution may take in the page (1 GiB of the
/// 4 GiB a wasm32 module can address): n = 8192 observations.
const EXACT_MEMORY: f64 = (1u64 << 30) as f64;

/// The fit's options from the options object (the flags `nabla regress` takes, less the file).
fn fit_options(o: &Options) -> Result<RegressOptions, String> {
    let y = o.string("y")?.ok_or("--y is required")?;
    let mut options = RegressOptions::new(y);
    options.x = o.strings("x")?;
    options.intercept = !o.flag("noIntercept")?;
    options.method = match o.string("method")?.as_deref() {
        None | Some("qr") => Method::Qr,
        Some("normal") => Method::Normal,
        Some(other) => {
            return Err(format!(
                "--method: '{other}' is not a method (qr or normal)"
            ))
        }
    };
    if let Some(alpha) = o.number("alpha")? {
        options.alpha = alpha;
    }
    if let Some(order) = o.number("bgOrder")? {
        if order.fract() != 0.0 || order.abs() > 1e15 {
            return Err(format!("--bg-order: '{order}' is not a whole number"));
        }
        // A whole number within ±1e15: exact as an i64.
        #[allow(clippy::cast_possible_truncation)]
        let order = order as i64;
        options.bg_order = order;
    }
    if let Some(limit) = o.count("exactLimit")? {
        options.exact_limit = limit;
    }
    Ok(options)
}

/// `nabla regress FILE.csv --y … --format json [--claims CLAIMS [--tolerance REL]]` on the CSV
/// text `csv`: the contract's JSON as text, with `claims` and `claims_summary` when claims are
/// given.
///
/// # Errors
/// The CLI's one-line message: a bad option (naming its flag), a bad CSV (naming the file, row
/// and column), a model that cannot be fitted, a malformed claims text or an unknown quantity
/// name (`claims: …`), a tolerance that is not finite and ≥ 0.
pub fn json(csv: &str, options: &str) -> Result<String, String> {
    let o = Options::parse(options)?;
    let file = o
        .string("file")?
        .unwrap_or_else(|| DEFAULT_FILE.to_string());
    let options = fit_options(&o)?;
    let claims = o.string("claims")?;
    let tolerance = o.number("tolerance")?;
    o.finish()?;
    let rule = match (tolerance, &claims) {
        (None, _) => Rule::LastDigit,
        (Some(_), None) => return Err("--tolerance: only applies with --claims".into()),
        (Some(rel), Some(_)) => Rule::relative(rel).map_err(|e| format!("--{e}"))?,
    };
    options.validate().map_err(|e| e.to_string())?;
    let table = Table::parse(&file, csv.as_bytes(), &options.y, options.x.as_deref())
        .map_err(|e| e.to_string())?;
    let n = table.rows();
    let bytes = 16.0 * (n as f64).powi(2);
    if n <= options.exact_limit && bytes > EXACT_MEMORY {
        return Err(format!(
            "--exact-limit: the exact Durbin–Watson distribution at n = {n} (an {n}×{n} \
             eigenvalue problem) needs {:.1} GiB of memory; the page allows 1 GiB (lower \
             --exact-limit to use the normal approximation)",
            bytes / EXACT_MEMORY
        ));
    }
    let regression = Regression::fit(table, &options).map_err(|e| e.to_string())?;
    let grading = claims
        .map(|text| regression.grade(&text, rule))
        .transpose()
        .map_err(|e| format!("claims: {e}"))?;
    Ok(regression.json(grading.as_ref()).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    const TEXTBOOK: &str = include_str!("../../stats/tests/fixtures/data/textbook.csv");

    fn parse(text: &str) -> Value {
        serde_json::from_str(text).expect("valid JSON")
    }

    #[test]
    fn the_reference_problem_is_the_library_document() {
        let doc = parse(&json(TEXTBOOK, r#"{"y": "y", "x": ["x"], "alpha": 0.05}"#).unwrap());
        let want =
            nabla_explain::regress::regress(DEFAULT_FILE, TEXTBOOK, &RegressOptions::new("y"))
                .unwrap()
                .json(None);
        assert_eq!(doc, want);
        assert_eq!(doc["n"], 10);
        let bounds = &doc["durbin_watson"]["bounds"];
        // MISSION.md: d_L = 0.879, d_U = 1.320 at n = 10, α = 0.05.
        assert!(
            (bounds["d_l"].as_f64().unwrap() - 0.879).abs() < 5e-4,
            "{bounds}"
        );
        assert!(
            (bounds["d_u"].as_f64().unwrap() - 1.320).abs() < 5e-4,
            "{bounds}"
        );
    }

    #[test]
    fn options_mirror_the_flags() {
        let doc = parse(
            &json(
                TEXTBOOK,
                r#"{"y": "y", "x": "x", "file": "t.csv", "method": "normal", "noIntercept": true, "bgOrder": 2, "alpha": 0.01}"#,
            )
            .unwrap(),
        );
        assert_eq!(doc["file"], "t.csv");
        assert_eq!(doc["method"], "normal");
        assert_eq!(doc["intercept"], false);
        assert_eq!(doc["breusch_godfrey"]["order"], 2);
        assert!(doc["durbin_watson"]["bounds"].is_null());
    }

    #[test]
    fn claims_are_graded_from_their_text() {
        let claims = r#"{"slope": 0.854, "sse": 1.44, "sum_sq_diff": 3.5, "d": 2.43}"#;
        let options = serde_json::json!({ "y": "y", "claims": claims }).to_string();
        let doc = parse(&json(TEXTBOOK, &options).unwrap());
        let marks: Vec<&str> = doc["claims"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["verdict"].as_str().unwrap())
            .collect();
        assert_eq!(marks, ["correct", "correct", "wrong", "carried"]);
    }

    #[test]
    fn bad_input_is_one_line_naming_the_culprit() {
        let err = |csv: &str, options: &str| {
            let e = json(csv, options).unwrap_err();
            assert!(!e.contains('\n'), "{e}");
            e
        };
        assert_eq!(err(TEXTBOOK, "{}"), "--y is required");
        assert_eq!(
            err(TEXTBOOK, r#"{"y": "z"}"#),
            "--y 'z': no such column in data.csv (columns: x, y)"
        );
        assert_eq!(
            err("x,y\n1,2\n2,abc\n", r#"{"y": "y"}"#),
            "data.csv: row 2 (line 3), column 'y': 'abc' is not a finite number"
        );
        assert_eq!(
            err(TEXTBOOK, r#"{"y": "y", "alpha": 1.5}"#),
            "--alpha 1.5: must lie strictly between 0 and 1"
        );
        assert!(err(TEXTBOOK, r#"{"y": "y", "method": "svd"}"#).starts_with("--method: "));
        assert!(err(TEXTBOOK, r#"{"y": "y", "bgOrder": 1.5}"#).starts_with("--bg-order: "));
        assert!(err(TEXTBOOK, r#"{"y": "y", "apha": 0.1}"#).contains("unknown option 'apha'"));
        assert!(err(TEXTBOOK, r#"{"y": "y", "claims": "{\"slop\": 1}"}"#).starts_with("claims: "));
        assert_eq!(
            err(TEXTBOOK, r#"{"y": "y", "claims": "{}", "tolerance": -1}"#),
            "--tolerance -1: must be a finite number ≥ 0"
        );
        assert!(err(TEXTBOOK, r#"{"y": "y", "tolerance": 0.1}"#).starts_with("--tolerance: "));
        let big = format!("x,y\n{}", "1,2\n".repeat(9000));
        assert!(
            err(&big, r#"{"y": "y", "exactLimit": 10000}"#).starts_with("--exact-limit: "),
            "priced before the eigenvalue problem"
        );
    }
}
