//! `nabla regress` end to end: JSON against the R/statsmodels fixtures of nabla-stats, the text
//! report, pictures, and every bad-input path (exit 2, one line naming the culprit).

use std::path::PathBuf;

use serde_json::Value;

use crate::util::{assert_usage_error, close, nabla, nabla_json, temp_file as scratch};

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../stats/tests/fixtures")
}

fn data(name: &str) -> String {
    fixture_dir()
        .join(format!("data/{name}.csv"))
        .display()
        .to_string()
}

fn fixture(name: &str) -> Value {
    let text = std::fs::read_to_string(fixture_dir().join(format!("{name}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn textbook_problem_gives_line_d_p_values_bounds_and_verdict() {
    let fx = fixture("textbook");
    let out = nabla_json(&[
        "regress",
        &data("textbook"),
        "--y",
        "y",
        "--x",
        "x",
        "--format",
        "json",
    ]);
    assert_eq!(out["n"], 10);
    assert_eq!(out["k"], 2);
    assert_eq!(out["df_resid"], 8);
    assert_eq!(out["method"], "qr");
    let coefs = out["coefficients"].as_array().unwrap();
    assert_eq!(coefs[0]["name"], "intercept");
    assert_eq!(coefs[1]["name"], "x");
    for (j, c) in coefs.iter().enumerate() {
        for key in ["estimate", "std_error", "t", "p_value", "ci_low", "ci_high"] {
            let expected = fx["r"][key][j].as_f64().unwrap();
            assert!(
                close(c[key].as_f64().unwrap(), expected, 1e-9),
                "{key}[{j}]: {c}"
            );
        }
        assert_eq!(c["aliased"], false);
    }
    let dw = &out["durbin_watson"];
    assert!(close(
        dw["statistic"].as_f64().unwrap(),
        fx["r"]["dw_statistic"].as_f64().unwrap(),
        1e-12
    ));
    for (key, r_key) in [
        ("greater", "dw_p_exact_greater"),
        ("less", "dw_p_exact_less"),
        ("two_sided", "dw_p_exact_two_sided"),
    ] {
        let ours = dw["p_value"][key].as_f64().unwrap();
        let r = fx["r"][r_key].as_f64().unwrap();
        assert!((ours - r).abs() < 1e-8, "{key}: {ours} vs R {r}");
    }
    assert_eq!(dw["p_method"], "exact");
    assert_eq!(dw["bounds"]["alpha"], 0.05);
    assert_eq!(
        format!("{:.3}", dw["bounds"]["d_l"].as_f64().unwrap()),
        "0.879"
    );
    assert_eq!(
        format!("{:.3}", dw["bounds"]["d_u"].as_f64().unwrap()),
        "1.320"
    );
    assert_eq!(dw["verdict"], "no_autocorrelation");
    let bg = &out["breusch_godfrey"];
    assert_eq!(bg["order"], 1);
    assert!(close(
        bg["statistic"].as_f64().unwrap(),
        fx["r"]["bg_statistic"].as_f64().unwrap(),
        1e-9
    ));
    assert!(close(
        bg["p_value"].as_f64().unwrap(),
        fx["r"]["bg_p_value"].as_f64().unwrap(),
        1e-9
    ));
    for key in [
        "r_squared",
        "adj_r_squared",
        "f_statistic",
        "f_p_value",
        "sigma",
        "log_likelihood",
    ] {
        let expected = fx["r"][key].as_f64().unwrap();
        assert!(close(out[key].as_f64().unwrap(), expected, 1e-9), "{key}");
    }
    for key in ["aic", "bic", "condition_number"] {
        let expected = fx["statsmodels"][key].as_f64().unwrap();
        assert!(close(out[key].as_f64().unwrap(), expected, 1e-9), "{key}");
    }
    assert_eq!(out["fitted"].as_array().unwrap().len(), 10);
    assert_eq!(out["residuals"].as_array().unwrap().len(), 10);
}

#[test]
fn x_defaults_to_every_numeric_column_but_y() {
    let out = nabla_json(&[
        "regress",
        &data("longley"),
        "--y",
        "TOTEMP",
        "--format",
        "json",
    ]);
    let names: Vec<&str> = out["coefficients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "intercept",
            "GNPDEFL",
            "GNP",
            "UNEMP",
            "ARMED",
            "POP",
            "YEAR"
        ]
    );
    let nist = &fixture("longley")["nist_certified"];
    for (j, c) in out["coefficients"].as_array().unwrap().iter().enumerate() {
        let certified = nist["estimate"][j].as_f64().unwrap();
        assert!(
            close(c["estimate"].as_f64().unwrap(), certified, 1e-10),
            "{c}"
        );
    }
}

#[test]
fn aliased_column_is_null_with_aliased_true() {
    let out = nabla_json(&[
        "regress",
        &data("rank_deficient"),
        "--y",
        "y",
        "--format",
        "json",
        "--quiet",
    ]);
    let c = &out["coefficients"][3];
    assert_eq!(c["name"], "c");
    assert_eq!(c["aliased"], true);
    for key in ["estimate", "std_error", "t", "p_value", "ci_low", "ci_high"] {
        assert!(c[key].is_null(), "{key}: {c}");
    }
    assert_eq!(out["k"], 4);
    assert_eq!(out["df_resid"], 27);
    assert!(!matches!(out["condition_number"].as_f64(), Some(v) if v <= 1e12));
}

#[test]
fn no_intercept_has_null_bounds_and_verdict() {
    let run = nabla(&[
        "regress",
        &data("cars"),
        "--y",
        "dist",
        "--no-intercept",
        "--format",
        "json",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let out: Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(out["durbin_watson"]["bounds"].is_null());
    assert!(out["durbin_watson"]["verdict"].is_null());
    assert_eq!(out["coefficients"][0]["name"], "speed");
    assert!(run.stderr.contains("no intercept"), "{}", run.stderr);
    let fx = fixture("cars_no_intercept");
    let p = out["durbin_watson"]["p_value"]["greater"].as_f64().unwrap();
    assert!((p - fx["r"]["dw_p_exact_greater"].as_f64().unwrap()).abs() < 1e-8);
}

#[test]
fn text_report_reads_like_a_statsmodels_summary_with_the_dw_section() {
    let run = nabla(&["regress", &data("women"), "--y", "weight"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    for needle in [
        "OLS Regression Results",
        "Dep. Variable:",
        "R-squared:",
        "P>|t|",
        "Durbin–Watson",
        "time order",
        "Verdict: positive autocorrelation",
        "Breusch–Godfrey",
    ] {
        assert!(
            run.stdout.contains(needle),
            "missing {needle:?}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn normal_equations_warn_on_longley_unless_quiet() {
    let args = [
        "regress",
        &data("longley"),
        "--y",
        "TOTEMP",
        "--method",
        "normal",
        "--format",
        "json",
    ];
    let run = nabla(&args);
    assert_eq!(run.status, 0);
    assert!(
        run.stderr.contains("ill-conditioned") && run.stderr.contains("digits"),
        "{}",
        run.stderr
    );
    let mut quiet = args.to_vec();
    quiet.push("--quiet");
    let run = nabla(&quiet);
    assert_eq!(run.status, 0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn plot_writes_png_and_svg() {
    for ext in ["png", "svg"] {
        let path = scratch(&format!("resid.{ext}"), "");
        std::fs::remove_file(&path).unwrap();
        let run = nabla(&[
            "regress",
            &data("ar1_rho_pos"),
            "--y",
            "y",
            "--plot",
            &path,
            "--quiet",
        ]);
        assert_eq!(run.status, 0, "{}", run.stderr);
        let bytes = std::fs::read(&path).unwrap();
        if ext == "png" {
            assert_eq!(&bytes[..4], b"\x89PNG");
        } else {
            assert!(String::from_utf8(bytes).unwrap().contains("Lag plot"));
        }
    }
}

#[test]
fn bad_input_names_the_culprit() {
    let csv = data("textbook");
    assert_usage_error(
        &["regress", &csv, "--y", "nope"],
        "--y 'nope': no such column",
    );
    assert_usage_error(
        &["regress", &csv, "--y", "y", "--x", "z"],
        "--x 'z': no such column",
    );
    assert_usage_error(&["regress", &csv, "--y", "y", "--alpha", "1.5"], "--alpha");
    assert_usage_error(&["regress", &csv, "--y", "y", "--alpha", "-0.1"], "--alpha");
    assert_usage_error(
        &["regress", &csv, "--y", "y", "--bg-order", "0"],
        "--bg-order",
    );
    assert_usage_error(
        &["regress", &csv, "--y", "y", "--bg-order", "9"],
        "--bg-order 9",
    );
    assert_usage_error(
        &["regress", &csv, "--y", "y", "--plot", "out.jpg"],
        "--plot out.jpg",
    );
    assert_usage_error(
        &["regress", "/nonexistent/file.csv", "--y", "y"],
        "/nonexistent/file.csv",
    );

    let missing = scratch("missing.csv", "x,y\n1,2\n2,\n3,5\n");
    assert_usage_error(
        &["regress", &missing, "--y", "y"],
        "row 2 (line 3), column 'y': missing value",
    );
    let text = scratch("text.csv", "x,y\n1,2\nabc,3\n3,5\n");
    assert_usage_error(
        &["regress", &text, "--y", "y", "--x", "x"],
        "row 2 (line 3), column 'x': 'abc' is not a finite number",
    );
    let short = scratch("short.csv", "a,b,y\n1,2,3\n2,1,4\n3,5,6\n");
    assert_usage_error(
        &["regress", &short, "--y", "y"],
        "3 observations for 3 design columns",
    );
    let constant = scratch("constant.csv", "x,y\n1,2\n2,2\n3,2\n4,2\n");
    assert_usage_error(
        &["regress", &constant, "--y", "y"],
        "the response is constant",
    );
    let ragged = scratch("ragged.csv", "x,y\n1,2\n2\n3,5\n");
    assert_usage_error(
        &["regress", &ragged, "--y", "y"],
        "row 2 (line 3) has 1 fields",
    );
}

#[test]
fn failed_plot_leaves_no_file_behind() {
    let path = scratch("never.png", "");
    std::fs::remove_file(&path).unwrap();
    let constant = scratch("constant2.csv", "x,y\n1,2\n2,2\n3,2\n4,2\n");
    assert_usage_error(
        &["regress", &constant, "--y", "y", "--plot", &path],
        "constant",
    );
    assert!(!std::path::Path::new(&path).exists());
}

#[test]
fn above_the_exact_limit_the_approximation_is_labelled() {
    let fx = fixture("cars");
    let run = nabla(&[
        "regress",
        &data("cars"),
        "--y",
        "dist",
        "--exact-limit",
        "20",
        "--format",
        "json",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("normal approximation"),
        "{}",
        run.stderr
    );
    let out: Value = serde_json::from_str(&run.stdout).unwrap();
    let dw = &out["durbin_watson"];
    assert_eq!(dw["p_method"], "normal_exact_moments");
    assert_eq!(dw["bounds"]["method"], "normal_exact_moments");
    // R's dwtest(exact = FALSE) uses the same exact moments.
    let p = dw["p_value"]["greater"].as_f64().unwrap();
    assert!(close(
        p,
        fx["r"]["dw_p_normal_greater"].as_f64().unwrap(),
        1e-9
    ));
}

#[test]
fn one_residual_degree_of_freedom_is_fitted_with_breusch_godfrey_not_computable() {
    // n = k + 1 was refused with "--bg-order 1: …", a flag nobody gave. Now: exit 0, the
    // coefficients, Durbin–Watson p-values of 1, Breusch–Godfrey null with its note, the
    // reason on stderr and in the text report.
    let csv = scratch("df1.csv", "x,y\n1,1\n2,3\n4,2\n");
    let run = nabla(&["regress", &csv, "--y", "y", "--format", "json"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run
        .stderr
        .contains("warning: one residual degree of freedom"));
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        (&doc["n"], &doc["k"], &doc["df_resid"]),
        (&3.into(), &2.into(), &1.into())
    );
    assert!(doc["breusch_godfrey"]["statistic"].is_null());
    assert!(doc["breusch_godfrey"]["note"]
        .as_str()
        .unwrap()
        .contains("needs at least rank + 2 = 4"));
    assert_eq!(doc["durbin_watson"]["p_value"]["two_sided"], 1.0);
    let text = nabla(&["regress", &csv, "--y", "y", "--quiet"]);
    assert_eq!(text.status, 0, "{}", text.stderr);
    assert!(text.stderr.is_empty(), "{}", text.stderr);
    let section = text.stdout.split("Breusch–Godfrey test").nth(1).unwrap();
    assert!(
        section.contains("not computable with 3 observations"),
        "{section}"
    );
    let words: Vec<&str> = text.stdout.split_whitespace().collect();
    assert!(words
        .join(" ")
        .contains("nothing can be decided about autocorrelation from 3 rows"));
    // n = k: an error naming both counts; n = k + 2: order 1 exists, order 2 names the flag.
    let square = scratch("df0.csv", "x,y\n1,1\n2,3\n");
    assert_usage_error(
        &["regress", &square, "--y", "y"],
        "2 observations for 2 design columns",
    );
    let df2 = scratch("df2.csv", "x,y\n1,1\n2,3\n4,2\n5,7\n");
    let doc = nabla_json(&["regress", &df2, "--y", "y", "--format", "json"]);
    assert!(doc["breusch_godfrey"]["p_value"].is_f64());
    assert_usage_error(
        &["regress", &df2, "--y", "y", "--bg-order", "2"],
        "--bg-order 2: Breusch–Godfrey order 2 must be between 1 and 1",
    );
}

#[test]
fn values_whose_squares_overflow_are_an_error_not_a_panic() {
    // y ≈ 1e290: the sums of squares are infinite, and the F test's p-value used to panic
    // inside statrs (exit 101). Now: one line naming the file and the cause, exit 2.
    let csv: String = std::iter::once("x,y\n".to_string())
        .chain((0..30).map(|i| format!("{i},{}e290\n", i as f64 + 0.37 * ((i * 7) % 5) as f64)))
        .collect();
    let path = scratch("overflow.csv", &csv);
    let file = path.as_str();
    for extra in [&[][..], &["--format", "json"][..]] {
        let mut args = vec!["regress", file, "--y", "y"];
        args.extend(extra);
        assert_usage_error(&args, "the sums of squares overflow");
    }
    // Large values whose squares still fit are fitted.
    let fine = csv.replace("e290", "e150");
    let path = scratch("large.csv", &fine);
    let run = nabla(&["regress", &path, "--y", "y", "--quiet"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
}
