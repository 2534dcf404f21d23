//! `nabla activation`: values and derivatives, text and JSON, and its usage errors.

use crate::util::{assert_usage_error, close, nabla, nabla_json};

fn points(v: &serde_json::Value) -> Vec<(f64, f64, f64)> {
    v["points"]
        .as_array()
        .expect("points is an array")
        .iter()
        .map(|p| {
            (
                p["x"].as_f64().unwrap(),
                p["value"].as_f64().unwrap(),
                p["derivative"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn swish_beta_zero_is_half_x() {
    let v = nabla_json(&[
        "activation",
        "swish",
        "--beta",
        "0",
        "--at",
        "-2,2",
        "--format",
        "json",
    ]);
    assert_eq!(v["name"], "swish");
    assert_eq!(v["params"]["beta"], 0.0);
    assert_eq!(points(&v), vec![(-2.0, -1.0, 0.5), (2.0, 1.0, 0.5)]);
}

#[test]
fn swish_large_beta_approaches_relu() {
    let v = nabla_json(&[
        "activation",
        "swish",
        "--beta",
        "1000",
        "--at",
        "-2,-0.5,0.5,2",
        "--format",
        "json",
    ]);
    for (x, value, derivative) in points(&v) {
        let relu = x.max(0.0);
        assert!((value - relu).abs() < 1e-100, "x={x}: {value}");
        assert!((derivative - f64::from(u8::from(x > 0.0))).abs() < 1e-100);
    }
}

#[test]
fn sigmoid_json_has_the_contract_fields_and_values() {
    let v = nabla_json(&[
        "activation",
        "sigmoid",
        "--at",
        "-1,0,1e4,-1e4",
        "--format",
        "json",
    ]);
    assert_eq!(v["name"], "sigmoid");
    assert!(v["params"].as_object().unwrap().is_empty());
    let p = points(&v);
    let s = 1.0 / (1.0 + 1.0_f64.exp());
    assert!(close(p[0].1, s, 1e-15) && close(p[0].2, s * (1.0 - s), 1e-15));
    assert_eq!((p[1].1, p[1].2), (0.5, 0.25));
    assert_eq!((p[2].1, p[2].2), (1.0, 0.0));
    assert_eq!((p[3].1, p[3].2), (0.0, 0.0));
}

#[test]
fn kinks_follow_pytorch() {
    let v = nabla_json(&["activation", "relu", "--at", "0", "--format", "json"]);
    assert_eq!(points(&v)[0], (0.0, 0.0, 0.0));
    let v = nabla_json(&[
        "activation",
        "hard_swish",
        "--at",
        "-3,3",
        "--format",
        "json",
    ]);
    assert_eq!(points(&v), vec![(-3.0, 0.0, 0.0), (3.0, 3.0, 1.0)]);
    let v = nabla_json(&["activation", "relu6", "--at", "0,6", "--format", "json"]);
    assert_eq!(points(&v), vec![(0.0, 0.0, 0.0), (6.0, 6.0, 0.0)]);
    let v = nabla_json(&["activation", "step", "--at", "-1,0,1", "--format", "json"]);
    assert_eq!(
        points(&v),
        vec![(-1.0, 0.0, 0.0), (0.0, 0.0, 0.0), (1.0, 1.0, 0.0)]
    );
}

#[test]
fn parameters_and_defaults() {
    let v = nabla_json(&["activation", "leaky_relu", "--at", "-2", "--format", "json"]);
    assert_eq!(v["params"]["alpha"], 0.01);
    assert_eq!(points(&v)[0], (-2.0, -0.02, 0.01));
    let v = nabla_json(&[
        "activation",
        "leaky_relu",
        "--alpha",
        "-0.5",
        "--at",
        "-2",
        "--format",
        "json",
    ]);
    assert_eq!(points(&v)[0], (-2.0, 1.0, -0.5));
    let v = nabla_json(&[
        "activation",
        "elu",
        "--alpha",
        "2",
        "--at",
        "0",
        "--format",
        "json",
    ]);
    assert_eq!(points(&v)[0], (0.0, 0.0, 2.0));
    let v = nabla_json(&[
        "activation",
        "softplus",
        "--beta",
        "2",
        "--at",
        "30",
        "--format",
        "json",
    ]);
    assert_eq!(v["params"]["threshold"], 20.0);
    assert_eq!(points(&v)[0], (30.0, 30.0, 1.0));
    let v = nabla_json(&["activation", "silu", "--at", "1", "--format", "json"]);
    assert_eq!(v["name"], "swish");
    assert_eq!(v["params"]["beta"], 1.0);
    let restated = nabla_json(&[
        "activation",
        "silu",
        "--beta",
        "1",
        "--at",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(restated, v);
}

#[test]
fn every_name_answers_with_finite_numbers_at_extremes() {
    for name in [
        "step",
        "sigmoid",
        "tanh",
        "relu",
        "leaky_relu",
        "swish",
        "hard_swish",
        "relu6",
        "hard_sigmoid",
        "gelu",
        "gelu_tanh",
        "elu",
        "selu",
        "softplus",
        "mish",
        "log_sigmoid",
        "silu",
        "identity",
    ] {
        let v = nabla_json(&[
            "activation",
            name,
            "--at",
            "-1e4,-50,0,1e-7,50,1e4",
            "--format",
            "json",
        ]);
        assert_eq!(points(&v).len(), 6, "{name}");
    }
}

#[test]
fn text_shows_a_table_and_the_properties() {
    let run = nabla(&["activation", "tanh", "--at", "-1,0,1"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("tanh\n"), "{}", run.stdout);
    assert!(run.stdout.contains("f'(x)"));
    assert!(run.stdout.contains("0.41997434161402614"), "{}", run.stdout);
    assert!(run.stdout.contains("zero-centred"), "{}", run.stdout);
    let run = nabla(&["activation", "swish", "--beta", "2", "--at", "1e-300"]);
    assert!(
        run.stdout.starts_with("swish (beta = 2)\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("1e-300"), "{}", run.stdout);
}

#[test]
fn unknown_names_list_the_valid_ones() {
    assert_usage_error(
        &["activation", "swishy", "--at", "1"],
        "unknown activation 'swishy'",
    );
    assert_usage_error(
        &["activation", "ReLU", "--at", "1"],
        "leaky_relu, swish, hard_swish",
    );
}

#[test]
fn bad_numbers_name_the_flag_and_the_item() {
    assert_usage_error(&["activation", "relu", "--at", "1,x,3"], "--at: 'x'");
    assert_usage_error(&["activation", "relu", "--at", "1,,3"], "--at: ''");
    assert_usage_error(&["activation", "relu", "--at", "nan"], "--at: 'nan'");
    assert_usage_error(
        &["activation", "elu", "--alpha", "abc", "--at", "1"],
        "--alpha",
    );
    assert_usage_error(
        &["activation", "swish", "--beta", "inf", "--at", "1"],
        "--beta",
    );
}

#[test]
fn parameters_a_function_does_not_take_are_errors() {
    assert_usage_error(
        &["activation", "relu", "--alpha", "0.1", "--at", "1"],
        "--alpha",
    );
    assert_usage_error(
        &["activation", "silu", "--beta", "2", "--at", "1"],
        "--beta",
    );
    assert_usage_error(
        &["activation", "softplus", "--beta", "0", "--at", "1"],
        "--beta",
    );
    assert_usage_error(&["activation", "relu"], "--at");
}

#[test]
fn table_measures_every_activation() {
    let v = nabla_json(&["activation", "--table", "--format", "json"]);
    let rows = v["activations"].as_array().unwrap();
    assert_eq!(rows.len(), 17);
    let row = |name: &str| rows.iter().find(|r| r["name"] == name).unwrap().clone();
    let relu = row("relu");
    assert_eq!(relu["range"]["min"], 0.0);
    assert!(relu["range"]["max"].is_null());
    assert_eq!(relu["zero_centred"], false);
    assert_eq!(relu["non_differentiable"][0]["x"], 0.0);
    assert_eq!(
        relu["vanishing_gradient"][0]["from"],
        serde_json::Value::Null
    );
    assert_eq!(relu["vanishing_gradient"][0]["to"], 0.0);
    assert!(row("tanh")["zero_centred"].as_bool().unwrap());
    let hs = row("hard_swish");
    let kinks: Vec<f64> = hs["non_differentiable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["x"].as_f64().unwrap())
        .collect();
    assert_eq!(kinks, vec![-3.0, 3.0]);
    assert_eq!(hs["monotonic"], false);
    assert_eq!(hs["turning_points"][0]["x"], -1.5);
    assert!(row("gelu")["non_differentiable"]
        .as_array()
        .unwrap()
        .is_empty());
    for r in rows {
        assert!(r["relative_cost"].as_f64().unwrap() > 0.0, "{r}");
    }
}

#[test]
fn table_takes_a_list_with_parameters() {
    let v = nabla_json(&[
        "activation",
        "swish:0,swish:10,leaky_relu",
        "--alpha",
        "0.2",
        "--table",
        "--format",
        "json",
    ]);
    let rows = v["activations"].as_array().unwrap();
    assert_eq!(rows[0]["params"]["beta"], 0.0);
    assert_eq!(rows[0]["monotonic"], true);
    assert_eq!(rows[1]["params"]["beta"], 10.0);
    assert_eq!(rows[2]["params"]["alpha"], 0.2);
    let run = nabla(&["activation", "--table"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("not differentiable at"),
        "{}",
        run.stdout
    );
    assert_usage_error(
        &["activation", "relu:2", "--table"],
        "relu takes no parameter",
    );
    assert_usage_error(&["activation", "swish:x", "--table"], "'x' is not a number");
    assert_usage_error(
        &["activation", "relu,tanh", "--beta", "2", "--table"],
        "--beta",
    );
    assert_usage_error(&["activation", "relu", "--table", "--at", "1"], "--at");
}

#[test]
fn plot_writes_png_and_svg() {
    let dir = crate::util::temp_dir("activation-plot");
    let png = dir.join("swish.png");
    let v = nabla_json(&[
        "activation",
        "swish:0,swish:1,swish:10,relu",
        "--plot",
        png.to_str().unwrap(),
        "--range",
        "-4,4",
        "--format",
        "json",
    ]);
    assert_eq!(v["activations"].as_array().unwrap().len(), 4);
    assert_eq!(v["activations"][2]["params"]["beta"], 10.0);
    assert_eq!(v["range"], serde_json::json!([-4.0, 4.0]));
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 10_000);
    let svg = dir.join("gelu.svg");
    let run = nabla(&[
        "activation",
        "gelu,gelu_tanh",
        "--plot",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("wrote "), "{}", run.stdout);
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("<svg") && text.contains("gelu_tanh"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn plot_errors_name_the_flag() {
    assert_usage_error(&["activation", "relu", "--plot", "x.jpg"], "--plot");
    assert_usage_error(
        &["activation", "relu", "--plot", "x.png", "--range", "3,1"],
        "--range",
    );
    assert_usage_error(
        &["activation", "relu", "--plot", "x.png", "--range", "1"],
        "--range",
    );
    assert_usage_error(
        &["activation", "relu", "--plot", "x.png", "--at", "1"],
        "--at",
    );
    assert_usage_error(&["activation", "--plot", "x.png"], "--plot");
}

#[test]
fn a_range_too_wide_to_draw_is_refused_not_a_hang() {
    // Drawing axes over [0, 1e308] used to loop for ever inside the plotting library.
    for range in ["0,1e308", "-1e307,0", "-1.7e308,1.7e308", "0,inf", "-inf,0"] {
        assert_usage_error(
            &["activation", "relu", "--plot", "x.png", "--range", range],
            "--range",
        );
    }
    let dir = crate::util::temp_dir("wide_range");
    let png = dir.join("wide.png");
    let run = nabla(&[
        "activation",
        "relu,swish",
        "--plot",
        png.to_str().unwrap(),
        "--range",
        "-1e300,1e300",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn markdown_tables() {
    let run = nabla(&["activation", "gelu", "--at", "-1,0", "--format", "markdown"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("### gelu\n\n| x | f(x) | f'(x) |\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("| 0 | 0 | 0.5 |"), "{}", run.stdout);
    let run = nabla(&["activation", "relu,tanh", "--table", "--format", "markdown"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].contains(r"\|f'\| < 1e-3 for"), "{}", run.stdout);
    // Every table line has the same number of unescaped cell separators.
    let cells = |l: &str| l.replace(r"\|", "").matches('|').count();
    assert!(lines[..4].iter().all(|l| cells(l) == 9), "{}", run.stdout);
}
