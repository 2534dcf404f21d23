//! `--claims`: worked solutions graded claim by claim. The true values come from the PyTorch
//! (`tools/oracles/torch/backprop.py`) and statsmodels (`tools/oracles/stats/generate.py`)
//! fixtures: a solution written from them at 4 significant digits must be all correct, and one
//! with a mistake must be marked where the mistake is.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::backprop::{fixtures as backprop_fixtures, golden_names as spec_names};
use crate::util::{assert_usage_error, close, nabla, temp_file};

fn stats_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../stats/tests/fixtures")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Writes `text` to `TAG.json` in the module's scratch folder and returns its path.
fn scratch(tag: &str, text: &str) -> String {
    temp_file(&format!("{tag}.json"), text)
}

/// `value` written with 4 significant digits, as a student would.
fn written(value: f64) -> String {
    format!("{value:.3e}")
}

fn numbers(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

/// Per sample, the values of a per-sample field (one sample: the flat list).
fn per_sample(value: &Value) -> Vec<Vec<f64>> {
    match value.as_array().unwrap().first() {
        Some(Value::Array(_)) => value.as_array().unwrap().iter().map(numbers).collect(),
        _ => vec![numbers(value)],
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// Every claimable quantity of a spec, named as nabla names it, with PyTorch's value.
fn torch_claims(names: &Value, torch: &Value) -> Vec<(String, f64)> {
    let mut claims = Vec::new();
    let layers = names["layers"].as_array().unwrap();
    let batched = torch["layers"][0]["net"][0].is_array();
    for (l, layer) in layers.iter().enumerate() {
        let units = strings(&layer["units"]);
        let forward = &torch["layers"][l];
        let backward = &torch["gradients"]["layers"][l];
        let fields = [
            ("net_", &forward["net"]),
            ("out_", &forward["out"]),
            ("delta_", &backward["delta"]),
            ("dJ/dout_", &backward["out"]),
        ];
        for (prefix, field) in fields {
            for (s, sample) in per_sample(field).iter().enumerate() {
                for (unit, v) in units.iter().zip(sample) {
                    let index = if batched {
                        format!("[{}]", s + 1)
                    } else {
                        String::new()
                    };
                    claims.push((format!("{prefix}{unit}{index}"), *v));
                }
            }
        }
        for (row, row_names) in layer["weight"].as_array().unwrap().iter().enumerate() {
            for (i, name) in strings(row_names).iter().enumerate() {
                let grad = backward["weight"][row][i].as_f64().unwrap();
                claims.push((format!("dJ/d{name}"), grad));
                if let Some(w) = torch["updated"]["layers"][l]["weight"][row][i].as_f64() {
                    claims.push((format!("{name}+"), w));
                }
            }
        }
        for (j, name) in strings(&layer["bias"]).iter().enumerate() {
            claims.push((format!("dJ/d{name}"), backward["bias"][j].as_f64().unwrap()));
            if let Some(b) = torch["updated"]["layers"][l]["bias"][j].as_f64() {
                claims.push((format!("{name}+"), b));
            }
        }
    }
    claims.push(("J".to_string(), torch["loss"].as_f64().unwrap()));
    claims
}

fn claims_text(claims: &[(String, f64)]) -> String {
    let body: Vec<String> = claims
        .iter()
        .map(|(name, v)| format!("  {}: {}", Value::String(name.clone()), written(*v)))
        .collect();
    format!("{{\n{}\n}}\n", body.join(",\n"))
}

fn graded(run: &crate::util::Run) -> Map<String, Value> {
    let doc: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {} {}", run.stdout, run.stderr));
    doc.as_object().unwrap().clone()
}

fn verdicts(doc: &Map<String, Value>) -> Vec<(String, String)> {
    doc["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_solution_written_from_pytorch_is_all_correct_for_every_spec() {
    for name in spec_names() {
        let spec = backprop_fixtures().join(format!("specs/{name}.json"));
        let spec = spec.display().to_string();
        let torch: Value = serde_json::from_str(
            &std::fs::read_to_string(backprop_fixtures().join(format!("expected/{name}.json")))
                .unwrap(),
        )
        .unwrap();
        let plain = nabla(&["backprop", "--spec", &spec, "--format", "json"]);
        assert_eq!(plain.status, 0, "{name}: {}", plain.stderr);
        let names = graded(&plain)["names"].clone();
        let claims = torch_claims(&names, &torch);
        let file = scratch(&name, &claims_text(&claims));
        let run = nabla(&[
            "backprop", "--spec", &spec, "--claims", &file, "--format", "json",
        ]);
        assert_eq!(run.status, 0, "{name}: {}\n{}", run.stderr, run.stdout);
        let doc = graded(&run);
        let graded_claims = doc["claims"].as_array().unwrap();
        assert_eq!(graded_claims.len(), claims.len(), "{name}");
        for (claim, (claim_name, torch_value)) in graded_claims.iter().zip(&claims) {
            assert_eq!(claim["name"], claim_name.as_str(), "{name}");
            assert_eq!(claim["verdict"], "correct", "{name}: {claim}");
            let value = claim["value"].as_f64().unwrap();
            assert!(
                close(value, *torch_value, 1e-9) || (value - torch_value).abs() < 1e-15,
                "{name}: {claim_name} = {value}, PyTorch {torch_value}"
            );
        }
        assert_eq!(doc["claims_summary"]["correct"], claims.len(), "{name}");
        assert_eq!(doc["claims_summary"]["wrong"], 0, "{name}");
    }
}

#[test]
fn a_wrong_net_input_is_carried_into_the_outputs_that_use_it() {
    let spec = backprop_fixtures().join("specs/reference.json");
    // σ(−1.5) = 0.1824 from the wrong net_h2; the output unit then uses it.
    let file = scratch(
        "carried",
        r#"{"net_h2": -1.5, "out_h2": 0.182, "net_o1": -0.443, "out_h1": 0.9241}"#,
    );
    let run = nabla(&[
        "backprop",
        "--spec",
        &spec.display().to_string(),
        "--claims",
        &file,
        "--format",
        "json",
    ]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let doc = graded(&run);
    let marks = verdicts(&doc);
    let mark = |n: &str| marks.iter().find(|(m, _)| m == n).unwrap().1.clone();
    assert_eq!(mark("net_h2"), "wrong");
    assert_eq!(mark("out_h2"), "carried");
    assert_eq!(mark("net_o1"), "carried");
    assert_eq!(mark("out_h1"), "correct");
    let summary = &doc["claims_summary"];
    assert_eq!(
        (&summary["correct"], &summary["carried"], &summary["wrong"]),
        (&Value::from(1), &Value::from(2), &Value::from(1))
    );
}

#[test]
fn the_last_written_digit_sets_the_allowance_and_tolerance_overrides_it() {
    let spec = backprop_fixtures().join("specs/reference.json");
    let spec = spec.display().to_string();
    // out_h1 = 0.9241418…: 0.924 is within 0.001; 0.9240 is not within 0.0001.
    for (written, verdict, status) in [("0.924", "correct", 0), ("0.9240", "wrong", 1)] {
        let file = scratch("digits", &format!(r#"{{"out_h1": {written}}}"#));
        let run = nabla(&[
            "backprop", "--spec", &spec, "--claims", &file, "--format", "json",
        ]);
        assert_eq!(run.status, status, "{written}: {}", run.stderr);
        assert_eq!(verdicts(&graded(&run))[0].1, verdict, "{written}");
    }
    let file = scratch("tolerance", r#"{"out_h1": 0.9240}"#);
    let run = nabla(&[
        "backprop",
        "--spec",
        &spec,
        "--claims",
        &file,
        "--tolerance",
        "0.001",
        "--format",
        "json",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
}

#[test]
fn regression_claims_written_from_statsmodels_are_all_correct() {
    for case in ["cars", "longley", "mtcars", "faithful", "lifecyclesavings"] {
        let fixture: Value = serde_json::from_str(
            &std::fs::read_to_string(stats_fixtures().join(format!("{case}.json"))).unwrap(),
        )
        .unwrap();
        let sm = &fixture["statsmodels"];
        let mut claims: Vec<(String, f64)> = strings(&fixture["names"])
            .into_iter()
            .zip(numbers(&sm["estimate"]))
            .collect();
        claims.push(("r_squared".into(), sm["r_squared"].as_f64().unwrap()));
        claims.push(("sigma".into(), sm["sigma"].as_f64().unwrap()));
        claims.push(("d".into(), sm["durbin_watson"].as_f64().unwrap()));
        let mut text = claims_text(&claims);
        let residuals: Vec<String> = numbers(&sm["residuals"])
            .iter()
            .map(|v| written(*v))
            .collect();
        text = text.replacen(
            '{',
            &format!("{{\n  \"residuals\": [{}],", residuals.join(", ")),
            1,
        );
        let file = scratch(case, &text);
        let csv = stats_fixtures().join(fixture["csv"].as_str().unwrap());
        let x = strings(&fixture["x"]).join(",");
        let mut args = vec![
            "regress".to_string(),
            csv.display().to_string(),
            "--y".into(),
            fixture["y"].as_str().unwrap().to_string(),
            "--x".into(),
            x,
            "--claims".into(),
            file,
            "--format".into(),
            "json".into(),
            "--quiet".into(),
        ];
        if fixture["intercept"] == false {
            args.push("--no-intercept".into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = nabla(&args);
        assert_eq!(run.status, 0, "{case}: {}\n{}", run.stderr, run.stdout);
        let doc = graded(&run);
        for claim in doc["claims"].as_array().unwrap() {
            assert_eq!(claim["verdict"], "correct", "{case}: {claim}");
        }
        let graded_names: Vec<String> = verdicts(&doc).into_iter().map(|(n, _)| n).collect();
        assert!(graded_names.contains(&"residuals[1]".to_string()), "{case}");
        for (name, expected) in &claims {
            let claim = doc["claims"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["name"] == name.as_str())
                .unwrap_or_else(|| panic!("{case}: {name} graded"));
            let value = claim["value"].as_f64().unwrap();
            assert!(
                close(value, *expected, 1e-8),
                "{case}: {name} = {value}, statsmodels {expected}"
            );
        }
    }
}

#[test]
fn a_durbin_watson_worked_with_a_wrong_sum_carries_into_d() {
    let csv = stats_fixtures().join("data/textbook.csv");
    let file = scratch(
        "dw",
        r#"{"slope": 0.854, "sse": 1.44, "sum_sq_diff": 3.5, "d": 2.43}"#,
    );
    let run = nabla(&[
        "regress",
        &csv.display().to_string(),
        "--y",
        "y",
        "--claims",
        &file,
        "--format",
        "json",
    ]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let marks: Vec<String> = verdicts(&graded(&run))
        .into_iter()
        .map(|(_, v)| v)
        .collect();
    assert_eq!(marks, ["correct", "correct", "wrong", "carried"]);
}

#[test]
fn the_committed_graded_solution_is_what_nabla_prints() {
    let root = repo_root();
    let example = std::fs::read_to_string(root.join("docs/examples/student-backprop-marked.md"))
        .expect("docs/examples/student-backprop-marked.md is committed");
    let run = nabla(&[
        "backprop",
        "--spec",
        &backprop_fixtures()
            .join("specs/reference.json")
            .display()
            .to_string(),
        "--claims",
        &root
            .join("docs/examples/student-backprop-claims.json")
            .display()
            .to_string(),
        "--format",
        "markdown",
    ]);
    assert_eq!(run.status, 1, "the example has mistakes: {}", run.stderr);
    let body = example
        .split_once("-->\n")
        .map_or(example.as_str(), |(_, b)| b);
    assert_eq!(
        body.trim_end(),
        run.stdout.trim_end(),
        "regenerate the example"
    );
}

#[test]
fn bad_claims_exit_2_naming_the_file_and_key() {
    let spec = backprop_fixtures().join("specs/reference.json");
    let spec = spec.display().to_string();
    let unknown = scratch("unknown", r#"{"out_h3": 0.5}"#);
    assert_usage_error(
        &["backprop", "--spec", &spec, "--claims", &unknown],
        "out_h3",
    );
    assert_usage_error(
        &["backprop", "--spec", &spec, "--claims", &unknown],
        &unknown,
    );
    let not_json = scratch("not_json", "{\"J\": 1.2");
    assert_usage_error(
        &["backprop", "--spec", &spec, "--claims", &not_json],
        &not_json,
    );
    let duplicate = scratch("duplicate", r#"{"J": 1.2, "J": 1.3}"#);
    assert_usage_error(&["backprop", "--spec", &spec, "--claims", &duplicate], "J");
    assert_usage_error(
        &[
            "backprop",
            "--spec",
            &spec,
            "--claims",
            "/nonexistent/claims.json",
        ],
        "/nonexistent/claims.json",
    );
    let good = scratch("good", r#"{"J": 1.229}"#);
    for tolerance in ["-1", "nan", "inf", "-inf", "1e400"] {
        assert_usage_error(
            &[
                "backprop",
                "--spec",
                &spec,
                "--claims",
                &good,
                "--tolerance",
                tolerance,
            ],
            "--tolerance",
        );
    }
    for claimed in ["1e400", "\"x\"", "[1]"] {
        let file = scratch("hostile", &format!(r#"{{"J": {claimed}}}"#));
        assert_usage_error(&["backprop", "--spec", &spec, "--claims", &file], "J");
    }
    assert_usage_error(&["backprop", "--spec", &spec, "--claims", "/"], "/");
    assert_usage_error(
        &["backprop", "--spec", &spec, "--tolerance", "0.1"],
        "--claims",
    );
}
