//! `nabla optimize`: trajectories against PyTorch's (the nn crate's optimizer fixtures), JSON
//! shape, flags that do not apply, divergence, and the text ranking.

use std::path::PathBuf;

use serde_json::Value;

use crate::util::{assert_usage_error, close, nabla, nabla_json};

fn torch_fixture() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../nn/tests/fixtures/optim_trajectories.json");
    let text = std::fs::read_to_string(&path).expect("the optimizer fixture exists");
    serde_json::from_str(&text).expect("the optimizer fixture is JSON")
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Every optimizer at its defaults, raced through the CLI, follows PyTorch's trajectory.
#[test]
fn default_races_follow_pytorch_trajectories() {
    let fixture = torch_fixture();
    let cases: Vec<&Value> = fixture["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["overrides"].as_object().unwrap().is_empty())
        .collect();
    let mut groups: Vec<(String, String)> = cases
        .iter()
        .map(|c| {
            (
                c["function"].as_str().unwrap().to_string(),
                c["start"].to_string(),
            )
        })
        .collect();
    groups.sort();
    groups.dedup();
    let steps = fixture["steps"].as_u64().unwrap().to_string();
    for (function, start_json) in groups {
        let start: Vec<f64> = serde_json::from_str(&start_json).unwrap();
        let start_arg = format!("{},{}", start[0], start[1]);
        let group: Vec<&&Value> = cases
            .iter()
            .filter(|c| {
                c["function"] == function.as_str()
                    && c["start"] == serde_json::from_str::<Value>(&start_json).unwrap()
            })
            .collect();
        let names: Vec<&str> = group
            .iter()
            .map(|c| c["optimizer"].as_str().unwrap())
            .collect();
        let out = nabla_json(&[
            "optimize",
            "--function",
            &function,
            "--optimizer",
            &names.join(","),
            "--start",
            &start_arg,
            "--steps",
            &steps,
            "--format",
            "json",
        ]);
        assert_eq!(out["function"], function.as_str());
        let runs = out["runs"].as_array().unwrap();
        assert_eq!(runs.len(), group.len());
        for (run, case) in runs.iter().zip(&group) {
            assert_eq!(run["optimizer"], case["optimizer"]);
            assert_eq!(
                run["hyperparameters"], case["hyperparameters"],
                "{function}"
            );
            let trajectory = run["trajectory"].as_array().unwrap();
            let xs = case["x"].as_array().unwrap();
            let ys = case["y"].as_array().unwrap();
            assert_eq!(trajectory.len(), xs.len());
            for (k, point) in trajectory.iter().enumerate() {
                assert_eq!(point["step"], k);
                for (actual, expected) in [(&point["x"], &xs[k]), (&point["y"], &ys[k])] {
                    assert!(
                        close(num(actual), num(expected), 1e-9),
                        "{} on {function} step {k}: {actual} vs PyTorch {expected}",
                        case["optimizer"]
                    );
                }
            }
        }
    }
}

/// Hyperparameter flags reach the optimizer: RMSprop --centered and Adam --amsgrad with other
/// flags follow PyTorch's non-default runs.
#[test]
fn hyperparameter_flags_follow_pytorch() {
    let fixture = torch_fixture();
    let find = |name: &str, function: &str, overrides: Value| {
        fixture["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| {
                c["optimizer"] == name && c["function"] == function && c["overrides"] == overrides
            })
            .unwrap_or_else(|| panic!("fixture for {name} {overrides} on {function}"))
            .clone()
    };
    let checks = [
        (
            find("rmsprop", "beale", serde_json::json!({"centered": true})),
            vec!["--centered"],
        ),
        (
            find(
                "adam",
                "himmelblau",
                serde_json::json!({"beta1": 0.3, "beta2": 0.9, "weight_decay": 0.1}),
            ),
            vec!["--beta1", "0.3", "--beta2", "0.9", "--weight-decay", "0.1"],
        ),
        (
            find(
                "adagrad",
                "rosenbrock",
                serde_json::json!({"lr_decay": 0.01, "initial_accumulator_value": 0.1}),
            ),
            vec!["--lr-decay", "0.01", "--initial-accumulator", "0.1"],
        ),
        (
            find(
                "momentum",
                "quadratic",
                serde_json::json!({"dampening": 0.5}),
            ),
            vec!["--dampening", "0.5"],
        ),
    ];
    for (case, flags) in checks {
        let start = case["start"].as_array().unwrap();
        let start_arg = format!("{},{}", num(&start[0]), num(&start[1]));
        let mut args = vec![
            "optimize",
            "--function",
            case["function"].as_str().unwrap(),
            "--optimizer",
            case["optimizer"].as_str().unwrap(),
            "--start",
            &start_arg,
            "--steps",
            "200",
            "--format",
            "json",
        ];
        args.extend(flags.iter().copied());
        let out = nabla_json(&args);
        let run = &out["runs"][0];
        assert_eq!(run["hyperparameters"], case["hyperparameters"], "{args:?}");
        let trajectory = run["trajectory"].as_array().unwrap();
        let last = &trajectory[200];
        assert!(
            close(num(&last["x"]), num(&case["x"][200]), 1e-9),
            "{args:?}"
        );
        assert!(
            close(num(&last["y"]), num(&case["y"][200]), 1e-9),
            "{args:?}"
        );
    }
}

#[test]
fn json_trajectory_starts_at_the_start_with_the_loss() {
    let out = nabla_json(&[
        "optimize",
        "--function",
        "himmelblau",
        "--optimizer",
        "adamw",
        "--start",
        "-1,-2.5",
        "--steps",
        "5",
        "--lr",
        "0.1",
        "--format",
        "json",
    ]);
    let run = &out["runs"][0];
    assert_eq!(run["optimizer"], "adamw");
    assert_eq!(run["hyperparameters"]["weight_decay"], 0.01);
    assert_eq!(run["hyperparameters"]["lr"], 0.1);
    let t = run["trajectory"].as_array().unwrap();
    assert_eq!(t.len(), 6);
    assert_eq!(t[0]["x"], -1.0);
    assert_eq!(t[0]["y"], -2.5);
    for p in t {
        let (x, y) = (num(&p["x"]), num(&p["y"]));
        let f = (x * x + y - 11.0).powi(2) + (x + y * y - 7.0).powi(2);
        assert!(close(num(&p["loss"]), f, 1e-12));
    }
    assert!(run["diverged_at"].is_null());
    assert!(num(&run["path_length"]) > 0.0);
}

#[test]
fn divergence_stops_the_run_with_a_warning_and_nulls() {
    let args = [
        "optimize",
        "--function",
        "rosenbrock",
        "--optimizer",
        "sgd,adam",
        "--start",
        "-1.5,2",
        "--steps",
        "300",
        "--lr",
        "0.01",
        "--format",
        "json",
    ];
    let run = nabla(&args);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("sgd diverged at step"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("NaN") && !run.stdout.contains("inf"));
    let out: Value = serde_json::from_str(&run.stdout).unwrap();
    let sgd = &out["runs"][0];
    let step = sgd["diverged_at"].as_u64().expect("diverged_at") as usize;
    let t = sgd["trajectory"].as_array().unwrap();
    assert_eq!(t.len(), step + 1);
    let last = &t[step];
    assert!(last["loss"].is_null() || last["x"].is_null() || last["y"].is_null());
    assert!(sgd["final_loss"].is_null());
    // Adam at the same rate does not diverge and runs all its steps.
    assert_eq!(out["runs"][1]["trajectory"].as_array().unwrap().len(), 301);

    let mut quiet = args.to_vec();
    quiet.push("--quiet");
    let run = nabla(&quiet);
    assert_eq!(run.status, 0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn text_output_shows_trajectories_and_the_ranking() {
    let run = nabla(&[
        "optimize",
        "--function",
        "quadratic",
        "--optimizer",
        "sgd,momentum,adam",
        "--start",
        "1.5,0.8",
        "--steps",
        "500",
        "--lr",
        "0.02",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let text = run.stdout;
    assert!(text.contains("ranking"), "{text}");
    assert!(
        text.contains("steps to reach") && text.contains("oscillation"),
        "{text}"
    );
    assert!(text.contains("(11 of 501 points shown)"), "{text}");
    for name in [
        "sgd (lr=0.02",
        "momentum (lr=0.02, momentum=0.9",
        "adam (lr=0.02",
    ] {
        assert!(text.contains(name), "missing {name}: {text}");
    }
    // Momentum overshoots across the narrow y direction: it oscillates more than plain SGD.
    let out = nabla_json(&[
        "optimize",
        "--function",
        "quadratic",
        "--optimizer",
        "sgd,momentum",
        "--start",
        "1.5,0.8",
        "--steps",
        "500",
        "--lr",
        "0.02",
        "--format",
        "json",
    ]);
    let osc = |i: usize| out["runs"][i]["oscillation"].as_u64().unwrap();
    assert!(osc(1) > osc(0), "sgd {} vs momentum {}", osc(0), osc(1));
}

#[test]
fn flags_that_do_not_apply_are_errors_naming_the_flag() {
    let base = [
        "optimize",
        "--function",
        "rosenbrock",
        "--start",
        "0,0",
        "--steps",
        "10",
    ];
    let with = |extra: &[&'static str]| {
        let mut v = base.to_vec();
        v.extend_from_slice(extra);
        v
    };
    assert_usage_error(
        &with(&["--optimizer", "adam", "--momentum", "0.5"]),
        "--momentum",
    );
    assert_usage_error(
        &with(&["--optimizer", "sgd,rmsprop", "--centered"]),
        "--centered",
    );
    assert_usage_error(
        &with(&["--optimizer", "nesterov", "--dampening", "0.1"]),
        "--dampening",
    );
    assert_usage_error(&with(&["--optimizer", "sgd", "--amsgrad"]), "--amsgrad");
    assert_usage_error(&with(&["--optimizer", "adam", "--rho", "0.5"]), "--rho");
    assert_usage_error(&with(&["--optimizer", "lbfgs"]), "lbfgs");
    assert_usage_error(&with(&["--optimizer", "adam,"]), "--optimizer");
    assert_usage_error(&with(&["--optimizer", "adam", "--lr", "-1"]), "--lr");
    assert_usage_error(&with(&["--optimizer", "adam", "--beta1", "1"]), "--beta1");
    assert_usage_error(&with(&["--optimizer", "adadelta", "--rho", "2"]), "--rho");
}

#[test]
fn bad_functions_and_starts_are_usage_errors() {
    let run = |function: &'static str, start: &'static str| {
        vec![
            "optimize",
            "--function",
            function,
            "--optimizer",
            "adam",
            "--start",
            start,
            "--steps",
            "3",
        ]
    };
    assert_usage_error(&run("ackley", "0,0"), "--function");
    assert_usage_error(&run("beale", "1"), "--start");
    assert_usage_error(&run("beale", "1,2,3"), "--start");
    assert_usage_error(&run("beale", "1,x"), "--start");
    assert_usage_error(&run("beale", "nan,1"), "--start");
    assert_usage_error(&run("rosenbrock", "1e200,0"), "--start");
    // Negative starts are values, not flags.
    let out = nabla_json(&[
        "optimize",
        "--function",
        "beale",
        "--optimizer",
        "adam",
        "--start",
        "-1,-1",
        "--steps",
        "0",
        "--format",
        "json",
    ]);
    assert_eq!(out["runs"][0]["trajectory"].as_array().unwrap().len(), 1);
}

#[test]
fn learning_rates_may_be_given_per_optimizer() {
    let out = nabla_json(&[
        "optimize",
        "--function",
        "quadratic",
        "--optimizer",
        "sgd,rmsprop,adam",
        "--start",
        "1,1",
        "--steps",
        "2",
        "--lr",
        "0.01,0.02,0.03",
        "--format",
        "json",
    ]);
    let lr = |i: usize| num(&out["runs"][i]["hyperparameters"]["lr"]);
    assert_eq!((lr(0), lr(1), lr(2)), (0.01, 0.02, 0.03));
    let base = [
        "optimize",
        "--function",
        "quadratic",
        "--optimizer",
        "sgd,adam",
        "--start",
        "1,1",
        "--steps",
        "2",
        "--lr",
    ];
    let mut three = base.to_vec();
    three.push("0.1,0.2,0.3");
    assert_usage_error(&three, "--lr");
    let mut bad = base.to_vec();
    bad.push("0.1,-0.2");
    assert_usage_error(&bad, "--lr");
}

#[test]
fn plot_writes_png_and_svg_and_rejects_other_extensions() {
    let dir = crate::util::temp_dir("optimize-plot");
    let args = |file: &str| {
        vec![
            "optimize".to_string(),
            "--function".into(),
            "himmelblau".into(),
            "--optimizer".into(),
            "sgd,momentum,adam".into(),
            "--start".into(),
            "0,0".into(),
            "--steps".into(),
            "300".into(),
            "--lr".into(),
            "0.005,0.002,0.1".into(),
            "--quiet".into(),
            "--plot".into(),
            dir.join(file).to_string_lossy().into_owned(),
        ]
    };
    for file in ["race.png", "race.svg"] {
        let owned = args(file);
        let borrowed: Vec<&str> = owned.iter().map(String::as_str).collect();
        let run = nabla(&borrowed);
        assert_eq!(run.status, 0, "{}", run.stderr);
        let bytes = std::fs::read(dir.join(file)).unwrap();
        if file.ends_with(".png") {
            assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        } else {
            let svg = String::from_utf8(bytes).unwrap();
            assert!(svg.starts_with("<svg"));
            // The legend carries every optimizer's hyperparameters, and both panels are labelled.
            for text in [
                "adam (lr=0.1, beta1=0.9",
                "momentum (lr=0.002, momentum=0.9",
                "step",
                "loss",
            ] {
                assert!(svg.contains(text), "the SVG lacks {text:?}");
            }
        }
    }
    let owned = args("race.jpg");
    let borrowed: Vec<&str> = owned.iter().map(String::as_str).collect();
    assert_usage_error(&borrowed, "--plot");
    assert!(!dir.join("race.jpg").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--expr` differentiates on the autodiff tape; Rosenbrock written out follows the built-in one
/// (analytic gradient) to rounding.
#[test]
fn expr_rosenbrock_follows_the_builtin_function() {
    let common = [
        "--optimizer",
        "adam,nesterov,rmsprop",
        "--start",
        "-1.5,2",
        "--steps",
        "200",
        "--lr",
        "0.05,0.001,0.01",
        "--format",
        "json",
    ];
    let mut builtin = vec!["optimize", "--function", "rosenbrock"];
    builtin.extend_from_slice(&common);
    let mut user = vec!["optimize", "--expr", "(1-x)^2+100*(y-x^2)^2"];
    user.extend_from_slice(&common);
    let a = nabla_json(&builtin);
    let b = nabla_json(&user);
    assert_eq!(b["function"], "expr");
    assert_eq!(b["formula"], "(1-x)^2+100*(y-x^2)^2");
    assert_eq!(b["minima"], serde_json::json!([]));
    for i in 0..3 {
        let ta = a["runs"][i]["trajectory"].as_array().unwrap();
        let tb = b["runs"][i]["trajectory"].as_array().unwrap();
        assert_eq!(ta.len(), tb.len());
        for (pa, pb) in ta.iter().zip(tb) {
            for key in ["x", "y", "loss"] {
                assert!(
                    close(num(&pb[key]), num(&pa[key]), 1e-9),
                    "run {i} step {}: {key} {} vs {}",
                    pa["step"],
                    pb[key],
                    pa[key]
                );
            }
        }
    }
}

#[test]
fn expr_errors_are_usage_errors() {
    let base = [
        "optimize",
        "--optimizer",
        "adam",
        "--start",
        "0,0",
        "--steps",
        "3",
    ];
    let with = |extra: &[&'static str]| {
        let mut v = base.to_vec();
        v.extend_from_slice(extra);
        v
    };
    assert_usage_error(&with(&["--expr", "x^2 + (y"]), "--expr");
    assert_usage_error(&with(&["--expr", "cos(x)"]), "unknown name 'cos'");
    assert_usage_error(&with(&["--expr", "2 + 3"]), "neither x nor y");
    assert_usage_error(&with(&["--expr", "log(x - 1)"]), "--start: f(0, 0) = NaN");
    assert_usage_error(
        &with(&["--expr", "x^2", "--function", "beale"]),
        "--function",
    );
    assert_usage_error(&with(&[]), "--function");
    // Values below zero are fine (a saddle with two minima at f = −2.5), and so is a leading '-'.
    let out = nabla_json(&with(&[
        "--expr",
        "-y^2 + x^2 + 0.1*y^4",
        "--format",
        "json",
    ]));
    assert_eq!(out["runs"][0]["trajectory"].as_array().unwrap().len(), 4);
}

#[test]
fn markdown_output_has_pipe_tables() {
    let run = nabla(&[
        "optimize",
        "--function",
        "beale",
        "--optimizer",
        "adam,radam",
        "--start",
        "1,1.5",
        "--steps",
        "40",
        "--lr",
        "0.01",
        "--format",
        "markdown",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let md = run.stdout;
    assert!(md.starts_with("# beale f(x, y) = "), "{md}");
    assert!(
        md.contains("## adam (lr=0.01") && md.contains("## radam (lr=0.01"),
        "{md}"
    );
    assert!(
        md.contains("| step | x | y | loss |\n|---:|---:|---:|---:|\n| 0 | 1.000000 | 1.500000 |"),
        "{md}"
    );
    assert!(
        md.contains(
            "| rank | optimizer | steps to reach | final loss | path length | oscillation |"
        ),
        "{md}"
    );
}
