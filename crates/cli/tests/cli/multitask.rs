//! `nabla train --task …` and `nabla mtl-compare`: the JSON, masking of missing labels, the
//! balancing methods, pictures, and bad task declarations.

use serde_json::Value;

use crate::util::{assert_usage_error, nabla, nabla_json, temp_dir};

const PENGUIN_TASKS: [&str; 6] = [
    "--task",
    "species:classes",
    "--task",
    "sex:binary",
    "--task",
    "body_mass_g:regression",
];

fn train_penguins(extra: &[&str]) -> Value {
    let mut args = vec!["train", "--data", "penguins"];
    args.extend(PENGUIN_TASKS);
    args.extend([
        "--shared", "16", "--head", "8", "--lr", "0.01", "--format", "json", "--quiet",
    ]);
    if !extra.contains(&"--epochs") {
        args.extend(["--epochs", "30"]);
    }
    args.extend(extra);
    nabla_json(&args)
}

#[test]
fn penguins_json_has_every_task_and_its_metrics() {
    let out = train_penguins(&[]);
    assert_eq!(out["dataset"], "penguins");
    assert_eq!(
        out["task_order"],
        serde_json::json!(["species", "sex", "body_mass_g"])
    );
    let tasks = &out["tasks"];
    assert_eq!(tasks["species"]["kind"], "classes");
    assert_eq!(tasks["sex"]["kind"], "binary");
    assert_eq!(tasks["body_mass_g"]["kind"], "regression");
    assert!(tasks["species"]["test"]["accuracy"].as_f64().unwrap() > 0.9);
    assert!(tasks["sex"]["test"]["accuracy"].as_f64().unwrap() > 0.7);
    assert!(tasks["body_mass_g"]["test"]["r_squared"].as_f64().unwrap() > 0.6);
    assert!(tasks["body_mass_g"]["test"]["mse"].as_f64().unwrap() > 0.0);
    // 342 rows, 86 held out; 9 have no recorded sex, so fewer sex labels than rows.
    assert_eq!(out["rows"]["test"], 86);
    let sex_rows = tasks["sex"]["rows"]["train"].as_u64().unwrap()
        + tasks["sex"]["rows"]["test"].as_u64().unwrap();
    assert_eq!(sex_rows, 333);
    assert_eq!(tasks["species"]["rows"]["train"], 256);
    // The top-level loss is the sum of the task losses.
    let sum: f64 = ["species", "sex", "body_mass_g"]
        .iter()
        .map(|t| tasks[*t]["test"]["loss"].as_f64().unwrap())
        .sum();
    assert!((out["test"]["loss"].as_f64().unwrap() - sum).abs() < 1e-12);
    // Parameters: trunk 3·16+16, heads 16·8+8 + 8·k+k for k = 3, 1, 1 outputs.
    assert_eq!(out["shared_parameters"], 64);
    assert_eq!(out["parameters"], 64 + 3 * 136 + 27 + 9 + 9);
    let history = out["history"].as_array().unwrap();
    assert_eq!(history.len(), 30);
    assert_eq!(history[0]["weights"]["sex"], 1.0);
    assert!(history[29]["train"]["species"]["accuracy"].is_number());
    assert_eq!(out["balance"]["method"], "fixed");
}

#[test]
fn fixed_weights_scale_the_trained_loss() {
    let one = train_penguins(&["--epochs", "1"]);
    let scaled = train_penguins(&["--epochs", "1", "--weights", "2,2,2"]);
    assert_eq!(scaled["history"][0]["weights"]["species"], 2.0);
    // Doubling every weight doubles the first batch's loss; Adam's first steps are then the same
    // size, so the epoch's metrics agree closely.
    let a = one["tasks"]["species"]["train"]["loss"].as_f64().unwrap();
    let b = scaled["tasks"]["species"]["train"]["loss"]
        .as_f64()
        .unwrap();
    assert!((a - b).abs() < 1e-3, "{a} {b}");
    assert!(
        scaled["history"][0]["loss"].as_f64().unwrap()
            > 1.5 * one["history"][0]["loss"].as_f64().unwrap()
    );
}

#[test]
fn every_balance_runs_and_reports_its_weights() {
    for method in ["uncertainty", "gradnorm", "pcgrad"] {
        let out = train_penguins(&["--balance", method, "--dtype", "f64"]);
        assert_eq!(out["balance"]["method"], method);
        let last = out["history"].as_array().unwrap().last().unwrap().clone();
        let w: Vec<f64> = ["species", "sex", "body_mass_g"]
            .iter()
            .map(|t| last["weights"][*t].as_f64().unwrap())
            .collect();
        match method {
            "gradnorm" => {
                assert!((w.iter().sum::<f64>() - 3.0).abs() < 1e-9, "{w:?}");
                assert_ne!(w, vec![1.0; 3]);
                assert_eq!(out["balance"]["alpha"], 1.5);
            }
            "uncertainty" => {
                let s = last["log_variances"]["body_mass_g"].as_f64().unwrap();
                assert!((w[2] - 0.5 * (-s).exp()).abs() < 1e-12);
                assert!(out["tasks"]["sex"]["log_variance"].is_number());
            }
            _ => assert_eq!(w, vec![1.0; 3]),
        }
        assert!(
            out["tasks"]["species"]["test"]["accuracy"]
                .as_f64()
                .unwrap()
                > 0.9
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_networks() {
    let strip = |mut v: Value| {
        v["seconds"] = Value::Null;
        for e in v["history"].as_array_mut().unwrap() {
            e["seconds"] = Value::Null;
        }
        v
    };
    let a = strip(train_penguins(&["--balance", "pcgrad", "--seed", "4"]));
    let b = strip(train_penguins(&["--balance", "pcgrad", "--seed", "4"]));
    assert_eq!(a, b);
    let c = strip(train_penguins(&["--balance", "pcgrad", "--seed", "5"]));
    assert_ne!(a["tasks"], c["tasks"]);
}

#[test]
fn csv_rows_missing_a_label_still_train_the_other_tasks() {
    let dir = temp_dir("csv");
    let path = dir.join("data.csv");
    let mut text = String::from("x1,x2,colour,size\n");
    for i in 0..80 {
        let x1 = (i as f64 * 0.37).sin();
        let x2 = (i as f64 * 0.11).cos();
        let colour = if x1 > 0.0 { "red" } else { "blue" };
        // Every third row has no size.
        let size = if i % 3 == 0 {
            "NA".to_string()
        } else {
            format!("{}", 2.0 * x2 + 1.0)
        };
        text.push_str(&format!("{x1},{x2},{colour},{size}\n"));
    }
    std::fs::write(&path, text).unwrap();
    let out = nabla_json(&[
        "train",
        "--data",
        path.to_str().unwrap(),
        "--task",
        "colour:binary",
        "--task",
        "size:regression",
        "--shared",
        "16",
        "--head",
        "none",
        "--epochs",
        "60",
        "--lr",
        "0.02",
        "--format",
        "json",
        "--quiet",
    ]);
    let rows = |t: &str, part: &str| out["tasks"][t]["rows"][part].as_u64().unwrap();
    assert_eq!(rows("colour", "train") + rows("colour", "test"), 80);
    assert_eq!(rows("size", "train") + rows("size", "test"), 53);
    assert!(out["tasks"]["colour"]["test"]["accuracy"].as_f64().unwrap() > 0.8);
    assert!(out["tasks"]["size"]["test"]["r_squared"].as_f64().unwrap() > 0.8);
    assert_eq!(out["head"], serde_json::json!([]));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_task_declarations_exit_2_naming_the_column() {
    let dir = temp_dir("bad");
    let path = dir.join("d.csv");
    std::fs::write(
        &path,
        "a,b,label,score\n1,2,cat,0.5\n3,4,dog,x\n5,6,cat,1.5\n7,8,eel,2\n",
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let three = dir.join("e.csv");
    std::fs::write(&three, "a,b,label\n1,2,cat\n3,4,dog\n5,6,cat\n7,8,eel\n").unwrap();
    let e = three.to_str().unwrap();
    // An unknown column, in a file and in an embedded data set.
    assert_usage_error(&["train", "--data", p, "--task", "colour:binary"], "colour");
    assert_usage_error(
        &["train", "--data", "penguins", "--task", "beak:regression"],
        "beak",
    );
    // Values that do not fit the declared kind.
    assert_usage_error(
        &[
            "train",
            "--data",
            p,
            "--task",
            "score:regression",
            "--task",
            "label:classes",
        ],
        "score",
    );
    assert_usage_error(
        &[
            "train",
            "--data",
            e,
            "--task",
            "label:binary",
            "--task",
            "b:regression",
        ],
        "label",
    );
    assert_usage_error(
        &[
            "train",
            "--data",
            "penguins",
            "--task",
            "sex:regression",
            "--task",
            "species:classes",
        ],
        "\"sex\"",
    );
    // A kind that does not exist, a task given twice.
    assert_usage_error(
        &["train", "--data", "penguins", "--task", "sex:boolean"],
        "sex:boolean",
    );
    assert_usage_error(
        &[
            "train",
            "--data",
            "penguins",
            "--task",
            "sex:binary",
            "--task",
            "sex",
        ],
        "twice",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_multitask_flags_exit_2_naming_the_flag() {
    let base = [
        "train",
        "--data",
        "penguins",
        "--task",
        "species:classes",
        "--task",
        "sex:binary",
    ];
    fn with<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
        let mut v = base.to_vec();
        v.extend(extra);
        v
    }
    assert_usage_error(&with(&base, &["--balance", "equal"]), "--balance");
    assert_usage_error(&with(&base, &["--weights", "1,2,3"]), "--weights");
    assert_usage_error(&with(&base, &["--weights", "1,-1"]), "weights");
    assert_usage_error(
        &with(&base, &["--balance", "uncertainty", "--weights", "1,1"]),
        "weights",
    );
    assert_usage_error(&with(&base, &["--shared", "none"]), "--shared");
    assert_usage_error(&with(&base, &["--head", "8,x"]), "--head");
    assert_usage_error(&with(&base, &["--target", "species"]), "--target");
    assert_usage_error(
        &with(&base, &["--balance", "gradnorm", "--gradnorm-alpha", "-1"]),
        "alpha",
    );
}

#[test]
fn plot_draws_per_task_curves() {
    let dir = temp_dir("plot");
    let png = dir.join("curves.png");
    let svg = dir.join("curves.svg");
    train_penguins(&[
        "--balance",
        "gradnorm",
        "--validation-fraction",
        "0.2",
        "--plot",
        png.to_str().unwrap(),
    ]);
    assert_eq!(&std::fs::read(&png).unwrap()[..8], b"\x89PNG\r\n\x1a\n");
    train_penguins(&["--epochs", "3", "--plot", svg.to_str().unwrap()]);
    let text = std::fs::read_to_string(&svg).unwrap();
    for needle in [
        "species (classes)",
        "body_mass_g (regression)",
        "task weights",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
    assert_usage_error(
        &[
            "train",
            "--data",
            "penguins",
            "--task",
            "sex:binary",
            "--plot",
            "x.jpg",
        ],
        "--plot",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn mtl_compare_reports_every_setup_over_the_seeds() {
    let out = nabla_json(&[
        "mtl-compare",
        "--seeds",
        "3",
        "--epochs",
        "10",
        "--shared",
        "8",
        "--head",
        "4",
        "--format",
        "json",
        "--quiet",
    ]);
    assert_eq!(out["dataset"], "penguins");
    assert_eq!(out["seeds"], serde_json::json!([0, 1, 2]));
    let tasks = out["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 3);
    assert_eq!(tasks[2]["metric"], "r_squared");
    let setups = out["setups"].as_array().unwrap();
    let names: Vec<&str> = setups.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "single-task",
            "multi-task (fixed)",
            "multi-task (uncertainty)",
            "multi-task (gradnorm)",
            "multi-task (pcgrad)"
        ]
    );
    // Single-task: three networks 3-8-4-k; multi-task: one trunk, three heads.
    let single: u64 = tasks
        .iter()
        .map(|t| t["single_task_parameters"].as_u64().unwrap())
        .sum();
    assert_eq!(single, 3 * (32 + 36) + 15 + 5 + 5);
    assert_eq!(setups[0]["parameters"], single);
    assert_eq!(setups[1]["parameters"], 32 + 3 * 36 + 15 + 5 + 5);
    for setup in setups {
        for t in ["species", "sex", "body_mass_g"] {
            let stats = &setup["tasks"][t]["test"];
            let values: Vec<f64> = stats["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect();
            assert_eq!(values.len(), 3);
            let mean = values.iter().sum::<f64>() / 3.0;
            let std = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 2.0).sqrt();
            assert!((stats["mean"].as_f64().unwrap() - mean).abs() < 1e-12);
            assert!((stats["std"].as_f64().unwrap() - std).abs() < 1e-12);
        }
        if setup["balance"].is_string() {
            let vs = &setup["tasks"]["sex"]["vs_single_task"];
            for k in 0..3 {
                let d = setup["tasks"]["sex"]["test"]["values"][k].as_f64().unwrap()
                    - setups[0]["tasks"]["sex"]["test"]["values"][k]
                        .as_f64()
                        .unwrap();
                assert!((vs["values"][k].as_f64().unwrap() - d).abs() < 1e-15);
            }
            assert!(vs["wins"].as_u64().unwrap() <= 3);
        } else {
            assert!(setup["tasks"]["sex"]["vs_single_task"].is_null());
        }
        assert!(
            setup["tasks"]["body_mass_g"]["test_mse"]["mean"]
                .as_f64()
                .unwrap()
                > 0.0
        );
    }
}

#[test]
fn mtl_compare_single_task_column_equals_train_with_one_task() {
    // The single-task network of seed 0 is `nabla train` with that one --task, same shapes
    // (species has every label, so both split the same 342 rows).
    let cmp = nabla_json(&[
        "mtl-compare",
        "--seeds",
        "1",
        "--epochs",
        "5",
        "--shared",
        "8",
        "--head",
        "4",
        "--balance",
        "fixed",
        "--format",
        "json",
        "--quiet",
    ]);
    let one = nabla_json(&[
        "train",
        "--data",
        "penguins",
        "--task",
        "species:classes",
        "--shared",
        "8",
        "--head",
        "4",
        "--epochs",
        "5",
        "--lr",
        "0.01",
        "--format",
        "json",
        "--quiet",
    ]);
    assert_eq!(
        cmp["setups"][0]["tasks"]["species"]["test"]["values"][0],
        one["tasks"]["species"]["test"]["accuracy"]
    );
}

#[test]
fn mtl_compare_markdown_and_text_tables() {
    let args = [
        "mtl-compare",
        "--seeds",
        "2",
        "--epochs",
        "3",
        "--balance",
        "fixed,pcgrad",
        "--quiet",
    ];
    let mut md = args.to_vec();
    md.extend(["--format", "markdown"]);
    let run = nabla(&md);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("| setup | parameters |"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("| multi-task (pcgrad) |"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(" ± "), "{}", run.stdout);
    let text = nabla(&args);
    assert_eq!(text.status, 0);
    assert!(text.stdout.contains("single-task parameters per network"));
    assert_usage_error(&["mtl-compare", "--balance", "fixed,equal"], "--balance");
    assert_usage_error(&["mtl-compare", "--seeds", "0"], "--seeds");
    assert_usage_error(&["mtl-compare", "--task", "beak:regression"], "beak");
}

#[test]
fn mtl_compare_plot_draws_every_task() {
    let dir = temp_dir("cmp-plot");
    let svg = dir.join("spread.svg");
    let run = nabla(&[
        "mtl-compare",
        "--seeds",
        "2",
        "--epochs",
        "2",
        "--quiet",
        "--plot",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&svg).unwrap();
    for needle in [
        "species (classes)",
        "body_mass_g (regression)",
        "pcgrad",
        "single",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
    // A bad extension is refused before any training.
    assert_usage_error(&["mtl-compare", "--plot", "spread.gif"], "--plot");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn text_output_shows_every_task_per_epoch() {
    let mut args = vec!["train", "--data", "penguins"];
    args.extend(PENGUIN_TASKS);
    args.extend([
        "--shared",
        "8",
        "--head",
        "4",
        "--epochs",
        "3",
        "--validation-fraction",
        "0.2",
        "--quiet",
    ]);
    let run = nabla(&args);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("species (train/val)"), "{}", run.stdout);
    assert!(
        run.stdout.contains("body_mass_g      regression"),
        "{}",
        run.stdout
    );
    let epoch_lines = run
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with(['1', '2', '3']) && l.contains("acc "))
        .count();
    assert_eq!(epoch_lines, 3, "{}", run.stdout);
}
