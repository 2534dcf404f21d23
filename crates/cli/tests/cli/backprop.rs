//! `nabla backprop`: every spec under `fixtures/backprop/specs/` against PyTorch's forward pass,
//! autograd gradients, deltas and `torch.optim` step (`tools/oracles/torch/backprop.py`), and
//! the worked solution's text, markdown and error messages.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{assert_usage_error, nabla, nabla_json, temp_file};

/// Relative tolerance against PyTorch.
const REL: f64 = 1e-12;
/// Absolute floor for values that are zero up to rounding (sums that cancel).
const ABS: f64 = 1e-15;

pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/backprop")
}

fn spec_path(name: &str) -> String {
    fixtures()
        .join("specs")
        .join(format!("{name}.json"))
        .display()
        .to_string()
}

/// Compares every number of `expected` with the same place in `actual`; returns the largest
/// relative error and fails on a missing field or shape difference.
fn compare(path: &str, expected: &Value, actual: &Value, worst: &mut (f64, String)) {
    match expected {
        Value::Number(e) => {
            let e = e.as_f64().unwrap();
            let a = actual
                .as_f64()
                .unwrap_or_else(|| panic!("{path}: expected a number, got {actual}"));
            let diff = (a - e).abs();
            assert!(
                diff <= REL * e.abs() || diff <= ABS,
                "{path}: nabla {a:e}, PyTorch {e:e} (difference {diff:e})"
            );
            let rel = if e == 0.0 { diff } else { diff / e.abs() };
            if rel > worst.0 {
                *worst = (rel, path.to_string());
            }
        }
        Value::Array(items) => {
            let got = actual
                .as_array()
                .unwrap_or_else(|| panic!("{path}: expected an array, got {actual}"));
            assert_eq!(got.len(), items.len(), "{path}: length");
            for (i, (e, a)) in items.iter().zip(got).enumerate() {
                compare(&format!("{path}[{i}]"), e, a, worst);
            }
        }
        Value::Object(map) => {
            for (key, e) in map {
                let a = actual
                    .get(key)
                    .unwrap_or_else(|| panic!("{path}: nabla's JSON lacks {key}"));
                compare(&format!("{path}.{key}"), e, a, worst);
            }
        }
        other => panic!("{path}: unexpected {other} in the fixture"),
    }
}

/// The names of every spec under `fixtures/backprop/specs/`, sorted.
pub(crate) fn golden_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures().join("specs"))
        .expect("the specs folder exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_spec_matches_pytorch() {
    let names = golden_names();
    assert!(
        names.len() >= 11,
        "the reference and at least 10 more specs"
    );
    for name in names {
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(fixtures().join("expected").join(format!("{name}.json")))
                .unwrap_or_else(|e| panic!("{name}: no PyTorch expectation ({e})")),
        )
        .unwrap();
        let spec: Value =
            serde_json::from_str(&std::fs::read_to_string(spec_path(&name)).unwrap()).unwrap();
        let actual = nabla_json(&["backprop", "--spec", &spec_path(&name), "--format", "json"]);
        let mut fields = expected.as_object().unwrap().clone();
        for version in ["torch", "numpy", "python"] {
            assert!(
                fields.remove(version).is_some(),
                "{name}: {version} version recorded"
            );
        }
        assert_eq!(
            fields.contains_key("updated"),
            spec.get("optimizer").is_some(),
            "{name}: an update exactly when the spec has an optimizer"
        );
        assert_eq!(
            actual.get("updated").is_some(),
            fields.contains_key("updated"),
            "{name}: nabla's update"
        );
        let mut worst = (0.0, String::new());
        compare(&name, &Value::Object(fields), &actual, &mut worst);
        eprintln!(
            "{name}: largest relative difference {:e} at {}",
            worst.0, worst.1
        );
    }
}

#[test]
fn one_sample_gives_flat_rows_and_a_batch_gives_one_row_per_sample() {
    let one = nabla_json(&[
        "backprop",
        "--spec",
        &spec_path("reference"),
        "--format",
        "json",
    ]);
    assert_eq!(one["layers"][0]["net"].as_array().unwrap().len(), 2);
    assert!(one["layers"][0]["net"][0].is_number());
    assert!(one["gradients"]["layers"][1]["delta"][0].is_number());
    let batch = nabla_json(&[
        "backprop",
        "--spec",
        &spec_path("gelu_batch_mse_nesterov"),
        "--format",
        "json",
    ]);
    let net = batch["layers"][0]["net"].as_array().unwrap();
    assert_eq!(net.len(), 3, "three samples");
    assert_eq!(net[0].as_array().unwrap().len(), 3, "three hidden units");
    assert_eq!(
        batch["gradients"]["layers"][1]["weight"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn the_reference_problem_is_worked_as_a_textbook_does() {
    let run = nabla(&["backprop", "--spec", &spec_path("reference")]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let text = run.stdout;
    for line in [
        "net_h1 = w1·x1 + w2·x2 + b1 = 1 × 0.5 + 1 × 1 + 1 = 2.5",
        "out_h1 = σ(net_h1) = σ(2.5) = 0.924142",
        "net_h2 = w3·x1 + w4·x2 + b2 = (-1) × 0.5 + (-1) × 1 + 2 = 0.5",
        "net_o1 = w5·out_h1 + w6·out_h2 + b3 = 0.8 × 0.924142 + (-1) × 0.622459 + (-1) = -0.883146",
        "out_o1 = σ(net_o1) = σ(-0.883146) = 0.292526",
        "ℓ(o1) = −[1 × ln 0.292526 + (1 − 1) × ln(1 − 0.292526)] = 1.2292",
        "∂J/∂w5 = ∂J/∂out_o1 · ∂out_o1/∂net_o1 · ∂net_o1/∂w5 = (-3.4185) × 0.206955 × 0.924142 = -0.653806",
        "δ_o1 = ∂J/∂out_o1 · ∂out_o1/∂net_o1 = (-3.4185) × 0.206955 = -0.707474",
        "∂J/∂out_h1 = δ_o1·w5 = (-0.707474) × 0.8 = -0.565979",
        "∂J/∂w1 = ∂J/∂out_h1 · ∂out_h1/∂net_h1 · ∂net_h1/∂w1 = (-0.565979) × 0.0701037 × 0.5 = -0.0198386",
        "w5' = 0.8 − 0.1 × (-0.653806) = 0.865381",
        "weight x1 → h1",
        "layers[0].weight[0][0]",
    ] {
        assert!(text.contains(line), "the worked solution lacks {line:?}:\n{text}");
    }
}

#[test]
fn markdown_has_headings_tables_and_equations() {
    let run = nabla(&[
        "backprop",
        "--spec",
        &spec_path("reference"),
        "--format",
        "markdown",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let md = run.stdout;
    assert!(md.starts_with("# Backpropagation, worked: a 2-2-1 network"));
    assert!(md.contains("## Forward pass\n"));
    assert!(md.contains("| w5 | weight h1 → o1 | layers[1].weight[0][0] | 0.8 |"));
    assert!(md.contains("```text\nnet_h1 = w1·x1 + w2·x2 + b1"));
}

#[test]
fn the_committed_worked_examples_are_what_nabla_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    // The finite-difference error depends on the platform's libm in its last digits.
    let stable = |text: &str| -> String {
        text.lines()
            .filter(|l| !l.contains("largest relative error"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    for (file, spec, check) in [
        ("backprop-reference.md", "reference", true),
        ("backprop-softmax.md", "relu_softmax_onehot", false),
    ] {
        let example = std::fs::read_to_string(root.join("docs/examples").join(file))
            .unwrap_or_else(|e| panic!("docs/examples/{file} is committed ({e})"));
        let path = spec_path(spec);
        let mut args = vec!["backprop", "--spec", &path, "--format", "markdown"];
        if check {
            args.push("--check");
        }
        let run = nabla(&args);
        assert_eq!(run.status, 0, "{}", run.stderr);
        assert!(
            stable(&example).contains(&stable(run.stdout.trim_end())),
            "regenerate docs/examples/{file}: nabla {}",
            args.join(" ")
        );
    }
}

#[test]
fn softmax_cross_entropy_shows_the_logit_gradient() {
    let run = nabla(&["backprop", "--spec", &spec_path("elu_softmax_soft_rmsprop")]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("ŷ·Σy − y"), "{}", run.stdout);
    assert!(run.stdout.contains("soft targets"));
    let json = nabla_json(&[
        "backprop",
        "--spec",
        &spec_path("elu_softmax_soft_rmsprop"),
        "--format",
        "json",
    ]);
    // ∂J/∂z = ŷ·Σy − y for one sample, with ŷ the softmax of the logits.
    let z: Vec<f64> = json["layers"][1]["out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let y = [0.2, 0.5, 0.8];
    let sum: f64 = z.iter().map(|v| v.exp()).sum();
    for k in 0..3 {
        let p = z[k].exp() / sum;
        let g = json["gradients"]["layers"][1]["delta"][k].as_f64().unwrap();
        assert!((g - (p * 1.5 - y[k])).abs() < 1e-14, "class {k}: {g}");
    }
}

#[test]
fn batches_show_one_table_per_sample() {
    let run = nabla(&[
        "backprop",
        "--spec",
        &spec_path("logistic_regression_batch"),
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    for s in [
        "[Sample 1]",
        "[Sample 2]",
        "[Sample 3]",
        "net⁽³⁾",
        "Σ_s ∂J/∂out_o1",
    ] {
        assert!(run.stdout.contains(s), "lacks {s:?}:\n{}", run.stdout);
    }
}

#[test]
fn check_reports_the_largest_relative_error() {
    let json = nabla_json(&[
        "backprop",
        "--spec",
        &spec_path("reference"),
        "--format",
        "json",
        "--check",
    ]);
    let rel = json["check"]["max_rel_error"].as_f64().unwrap();
    assert!(rel > 0.0 && rel < 1e-6, "{rel}");
    assert_eq!(json["check"]["elements"], 9);
    let run = nabla(&["backprop", "--spec", &spec_path("reference"), "--check"]);
    assert!(run.stdout.contains("largest relative error"));
    let plain = nabla_json(&[
        "backprop",
        "--spec",
        &spec_path("reference"),
        "--format",
        "json",
    ]);
    assert!(plain.get("check").is_none());
}

/// Writes `text` to a temporary spec named `TAG-net.json` and returns its path.
fn temp_spec(tag: &str, text: &str) -> String {
    temp_file(&format!("{tag}-net.json"), text)
}

const REFERENCE: &str = r#"{"input": [0.5, 1.0], "target": [1.0],
 "layers": [{"weight": [[1.0, 1.0], [-1.0, -1.0]], "bias": [1.0, 2.0], "activation": "sigmoid"},
            {"weight": [[0.8, -1.0]], "bias": [-1.0], "activation": "sigmoid"}],
 "loss": "bce", "optimizer": {"name": "sgd", "lr": 0.1}}"#;

#[test]
fn bad_specs_exit_2_naming_the_file_and_field() {
    let cases: [(&str, String, &str); 10] = [
        (
            "shape",
            REFERENCE.replace("[[0.8, -1.0]]", "[[0.8, -1.0], [0.1, 0.2]]"),
            "net.json: layers[1].weight: expected 1 row of 2 numbers",
        ),
        (
            "columns",
            REFERENCE.replace(
                "[[1.0, 1.0], [-1.0, -1.0]]",
                "[[1.0, 1.0, 3.0], [-1.0, -1.0, 2.0]]",
            ),
            "net.json: layers[0].weight: expected rows of 2 numbers",
        ),
        (
            "activation",
            REFERENCE.replace("\"sigmoid\"}]", "\"sigmoidd\"}]"),
            "net.json: layers[1].activation: unknown activation 'sigmoidd'",
        ),
        (
            "loss",
            REFERENCE.replace("\"bce\"", "\"nll\""),
            "net.json: loss: unknown loss 'nll'",
        ),
        (
            "optimizer",
            REFERENCE.replace("\"sgd\"", "\"lbfgs\""),
            "net.json: optimizer: unknown optimizer 'lbfgs'",
        ),
        (
            "numeric",
            REFERENCE.replace("\"bias\": [-1.0]", "\"bias\": [\"minus one\"]"),
            "net.json: layers[1].bias[0]: expected a number",
        ),
        (
            "missing",
            REFERENCE.replace("\"target\": [1.0],", ""),
            "net.json: target: missing",
        ),
        (
            "malformed",
            REFERENCE.replace("\"loss\":", "\"loss\""),
            "net.json: line 4, column",
        ),
        (
            "bias",
            REFERENCE.replace("[1.0, 2.0]", "[1.0]"),
            "net.json: layers[0].bias: expected 2 numbers",
        ),
        (
            "probability",
            REFERENCE.replace("\"sigmoid\"}]", "\"identity\"}]"),
            "net.json: loss: bce needs outputs in [0, 1]",
        ),
    ];
    for (tag, text, needle) in cases {
        let path = temp_spec(tag, &text);
        assert_usage_error(&["backprop", "--spec", &path], needle);
        assert_usage_error(&["backprop", "--spec", &path, "--format", "json"], needle);
    }
    assert_usage_error(
        &["backprop", "--spec", "no/such/net.json"],
        "--spec: no file named no/such/net.json",
    );
}

fn rows(value: &Value, batched: bool) -> Vec<Vec<f64>> {
    let to_row = |v: &Value| -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    if batched {
        value.as_array().unwrap().iter().map(to_row).collect()
    } else {
        vec![to_row(value)]
    }
}

#[test]
fn every_gradient_is_the_sum_over_samples_of_delta_times_input() {
    // The backpropagation identities, checked on nabla's own output for every spec:
    // ∂J/∂w_ji = Σ_s δ_j⁽ˢ⁾·in_i⁽ˢ⁾, ∂J/∂b_j = Σ_s δ_j⁽ˢ⁾, ∂J/∂out_i = Σ_j δ_j·w_ji.
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-13 * a.abs().max(b.abs()).max(1e-3);
    for name in golden_names() {
        let spec: Value =
            serde_json::from_str(&std::fs::read_to_string(spec_path(&name)).unwrap()).unwrap();
        let out = nabla_json(&["backprop", "--spec", &spec_path(&name), "--format", "json"]);
        let batched = spec.get("inputs").is_some();
        let inputs = rows(&spec[if batched { "inputs" } else { "input" }], batched);
        let layers = spec["layers"].as_array().unwrap();
        for (l, layer) in layers.iter().enumerate() {
            let grads = &out["gradients"]["layers"][l];
            let delta = rows(&grads["delta"], batched);
            let source = if l == 0 {
                inputs.clone()
            } else {
                rows(&out["layers"][l - 1]["out"], batched)
            };
            let weight = rows(&layer["weight"], true);
            for (j, w_row) in weight.iter().enumerate() {
                for i in 0..w_row.len() {
                    let sum: f64 = (0..delta.len()).map(|s| delta[s][j] * source[s][i]).sum();
                    let g = grads["weight"][j][i].as_f64().unwrap();
                    assert!(
                        close(g, sum),
                        "{name}: layers[{l}] ∂J/∂W[{j}][{i}] {g} vs {sum}"
                    );
                }
                let sum: f64 = delta.iter().map(|d| d[j]).sum();
                let g = grads["bias"][j].as_f64().unwrap();
                assert!(close(g, sum), "{name}: layers[{l}] ∂J/∂b[{j}] {g} vs {sum}");
            }
            if l > 0 {
                let d_out = rows(&out["gradients"]["layers"][l - 1]["out"], batched);
                for (s, d_row) in d_out.iter().enumerate() {
                    for (i, &d) in d_row.iter().enumerate() {
                        let sum: f64 = (0..weight.len()).map(|j| delta[s][j] * weight[j][i]).sum();
                        assert!(
                            close(d, sum),
                            "{name}: layers[{}] ∂J/∂out {d} vs {sum}",
                            l - 1
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn plain_sgd_moves_each_parameter_by_minus_lr_times_its_gradient() {
    let out = nabla_json(&[
        "backprop",
        "--spec",
        &spec_path("reference"),
        "--format",
        "json",
    ]);
    let spec: Value =
        serde_json::from_str(&std::fs::read_to_string(spec_path("reference")).unwrap()).unwrap();
    for l in 0..2 {
        let w = rows(&spec["layers"][l]["weight"], true);
        for (j, row) in w.iter().enumerate() {
            for (i, &old) in row.iter().enumerate() {
                let g = out["gradients"]["layers"][l]["weight"][j][i]
                    .as_f64()
                    .unwrap();
                let new = out["updated"]["layers"][l]["weight"][j][i]
                    .as_f64()
                    .unwrap();
                assert_eq!(new, old - 0.1 * g);
            }
        }
    }
}

#[test]
fn digits_and_quiet_are_honoured() {
    let run = nabla(&[
        "backprop",
        "--spec",
        &spec_path("reference"),
        "--digits",
        "12",
        "--quiet",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("σ(2.5) = 0.924141819979"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.is_empty());
    assert_usage_error(
        &[
            "backprop",
            "--spec",
            &spec_path("reference"),
            "--digits",
            "0",
        ],
        "--digits",
    );
}

#[test]
fn the_tape_is_listed_node_by_node() {
    let json = nabla_json(&[
        "backprop",
        "--spec",
        &spec_path("reference"),
        "--format",
        "json",
        "--tape",
    ]);
    let tape = json["tape"].as_array().unwrap();
    let ops: Vec<&str> = tape.iter().map(|n| n["op"].as_str().unwrap()).collect();
    assert_eq!(
        ops,
        [
            "leaf", "leaf", "leaf", "leaf", "leaf", "linear", "sigmoid", "linear", "sigmoid",
            "leaf", "bce"
        ]
    );
    // The net node of the output layer holds the delta the JSON reports.
    assert_eq!(tape[7]["label"], "layers[1].net");
    assert_eq!(
        tape[7]["grad"][0],
        json["gradients"]["layers"][1]["delta"][0]
    );
    assert_eq!(tape[10]["value"][0], json["loss"]);
    let run = nabla(&["backprop", "--spec", &spec_path("reference"), "--tape"]);
    assert!(run.stdout.contains("The tape"), "{}", run.stdout);
    assert!(nabla_json(&[
        "backprop",
        "--spec",
        &spec_path("reference"),
        "--format",
        "json"
    ])
    .get("tape")
    .is_none());
}

#[test]
fn a_relu_at_its_kink_uses_pytorchs_zero_derivative() {
    let run = nabla(&[
        "backprop",
        "--spec",
        &spec_path("relu_kink_two_outputs_bce"),
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "∂out_h1/∂net_h1 = [net_h1 > 0] = [0 > 0] = 0   (at the kink PyTorch takes relu'(0) = 0)"
        ),
        "{}",
        run.stdout
    );
}
