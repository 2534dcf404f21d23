//! `nabla.backprop` and the Backprop page: the worked forward and backward pass of a network
//! spec, as the CLI's JSON ([`json`], with the claims graded when given) and as the worked
//! solution's blocks ([`worked`]) that the page renders.

use nabla_explain::backprop::document::{self, Block};
use nabla_explain::backprop::{names::Names, pass, spec, spec::Spec};
use nabla_explain::claims::{self, Rule};
use serde_json::{json, Value};

/// A parsed spec and its computed pass.
struct Run {
    spec: Spec,
    pass: pass::Pass,
    names: Names,
}

/// Parses and runs the spec; an error names `spec` as the CLI names the file.
fn run(spec_text: &str) -> Result<Run, String> {
    let spec = spec::parse(spec_text).map_err(|e| format!("spec: {e}"))?;
    let pass = pass::run(&spec, false).map_err(|e| format!("spec: {e}"))?;
    let names = Names::new(&spec);
    Ok(Run { spec, pass, names })
}

/// `nabla backprop --spec SPEC --format json [--claims CLAIMS [--tolerance REL]]`: the
/// contract's JSON, with `claims` and `claims_summary` when claims are given (as the claims
/// file's text, so that the written digits survive).
///
/// # Errors
/// The CLI's one-line message: an invalid spec, a loss its outputs cannot feed, a tolerance
/// that is not finite and ≥ 0, a malformed claims text or an unknown quantity name.
pub fn json(
    spec_text: &str,
    claims_text: Option<&str>,
    tolerance: Option<f64>,
) -> Result<String, String> {
    let run = run(spec_text)?;
    let mut doc = nabla_explain::backprop::json::render(&run.spec, &run.pass, &run.names, false);
    if let Some(text) = claims_text {
        let rule = match tolerance {
            None => Rule::LastDigit,
            Some(rel) => Rule::relative(rel).map_err(|e| format!("tolerance: {e}"))?,
        };
        let grading = claims::backprop::grade(text, &run.spec, &run.pass, &run.names, rule)
            .map_err(|e| format!("claims: {e}"))?;
        if let Some(object) = doc.as_object_mut() {
            grading.add_to_json(object);
        }
    } else if tolerance.is_some() {
        return Err("tolerance: only applies with claims".to_string());
    }
    Ok(doc.to_string())
}

/// The worked solution the CLI prints as text, as JSON blocks: `{"title": ..}`,
/// `{"heading": ..}`, `{"subheading": ..}`, `{"paragraph": ..}`, `{"math": [lines]}`,
/// `{"table": {"header": [..], "rows": [[..]]}}`, numbers rounded to `digits` significant
/// digits as `--digits` does.
///
/// # Errors
/// As [`json`] for the spec, and `digits` outside 1..=17.
pub fn worked(spec_text: &str, digits: u32) -> Result<String, String> {
    if !(1..=17).contains(&digits) {
        return Err(format!("digits: {digits} is not in 1..=17"));
    }
    let run = run(spec_text)?;
    let cx = document::Context {
        spec: &run.spec,
        pass: &run.pass,
        names: &run.names,
        fmt: document::Fmt {
            digits: digits as usize,
        },
        tape: false,
    };
    let blocks: Vec<Value> = document::build(&cx).iter().map(block_json).collect();
    Ok(Value::Array(blocks).to_string())
}

/// One block as a one-key object named for its kind.
fn block_json(block: &Block) -> Value {
    match block {
        Block::Title(t) => json!({ "title": t }),
        Block::Heading(t) => json!({ "heading": t }),
        Block::Subheading(t) => json!({ "subheading": t }),
        Block::Paragraph(t) => json!({ "paragraph": t }),
        Block::Math(lines) => json!({ "math": lines }),
        Block::Table { header, rows } => json!({ "table": { "header": header, "rows": rows } }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REFERENCE: &str = include_str!("../../cli/tests/fixtures/backprop/specs/reference.json");
    const EXPECTED: &str =
        include_str!("../../cli/tests/fixtures/backprop/expected/reference.json");

    fn parse(text: &str) -> Value {
        serde_json::from_str(text).expect("valid JSON")
    }

    #[test]
    fn reference_problem_matches_the_pytorch_fixture() {
        let doc = parse(&json(REFERENCE, None, None).unwrap());
        let expected = parse(EXPECTED);
        let loss = doc["loss"].as_f64().unwrap();
        let want = expected["loss"].as_f64().unwrap();
        assert!(
            (loss - want).abs() <= 1e-12 * want.abs(),
            "{loss} vs {want}"
        );
        assert!(doc["updated"]["layers"][1]["weight"][0][0].is_number());
    }

    #[test]
    fn claims_are_graded_from_their_text() {
        let claims = r#"{"net_h1": 2.5, "out_h1": 0.924, "J": 0.9}"#;
        let doc = parse(&json(REFERENCE, Some(claims), None).unwrap());
        let verdicts: Vec<&str> = doc["claims"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["verdict"].as_str().unwrap())
            .collect();
        assert_eq!(verdicts, ["correct", "correct", "wrong"]);
        assert_eq!(doc["claims_summary"]["wrong"], 1);
    }

    #[test]
    fn bad_input_is_one_line_naming_the_argument() {
        let err = json("{\"input\": [1]}", None, None).unwrap_err();
        assert!(err.starts_with("spec: ") && !err.contains('\n'), "{err}");
        let err = json(REFERENCE, Some(r#"{"net_h9": 1}"#), None).unwrap_err();
        assert!(
            err.starts_with("claims: ") && err.contains("net_h9"),
            "{err}"
        );
        let err = json(REFERENCE, Some("{}"), Some(f64::NAN)).unwrap_err();
        assert!(err.starts_with("tolerance: "), "{err}");
        assert!(worked(REFERENCE, 0).unwrap_err().starts_with("digits: "));
    }

    #[test]
    fn worked_solution_has_the_chain_rule_products() {
        let blocks = parse(&worked(REFERENCE, 4).unwrap());
        let lines: Vec<&str> = blocks
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|b| b["math"].as_array())
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        assert!(lines.iter().any(|l| l.contains("∂J/∂w5")), "{lines:?}");
        assert!(blocks[0]["title"].is_string());
    }
}
