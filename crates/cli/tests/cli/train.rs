//! `nabla train`: the default recipe's accuracy, determinism, regression metrics, bad input.

use crate::util::{assert_usage_error, nabla, nabla_json};

#[test]
fn default_digits_recipe_reaches_pytorch_accuracy_over_five_seeds() {
    // PyTorch gets 0.968 mean test accuracy on this recipe (64-64-10 ReLU, Adam 1e-3, batch 32,
    // 30 epochs, test fraction 0.25).
    let mut accuracies = Vec::new();
    for seed in 0..5 {
        let seed = seed.to_string();
        let out = nabla_json(&["train", "--seed", &seed, "--format", "json", "--quiet"]);
        assert_eq!(out["dataset"], "digits");
        assert_eq!(out["epochs"], 30);
        assert_eq!(out["widths"], serde_json::json!([64, 64, 10]));
        assert_eq!(out["rows"]["test"], 450);
        accuracies.push(out["test"]["accuracy"].as_f64().unwrap());
    }
    let mean = accuracies.iter().sum::<f64>() / 5.0;
    assert!(
        mean >= 0.96,
        "mean test accuracy {mean} over seeds 0-4: {accuracies:?}"
    );
}

#[test]
fn the_same_seed_gives_the_same_result() {
    let args = [
        "train",
        "--data",
        "iris",
        "--epochs",
        "5",
        "--dropout",
        "0.2",
        "--format",
        "json",
    ];
    let without_timing = |mut v: serde_json::Value| {
        for epoch in v["history"].as_array_mut().unwrap() {
            epoch.as_object_mut().unwrap().remove("seconds");
        }
        v.as_object_mut().unwrap().remove("seconds");
        v
    };
    let a = without_timing(nabla_json(&args));
    let b = without_timing(nabla_json(&args));
    assert_eq!(a, b);
}

#[test]
fn regression_reports_mse_and_r_squared() {
    let out = nabla_json(&[
        "train", "--data", "diabetes", "--epochs", "60", "--lr", "0.01", "--format", "json",
    ]);
    assert_eq!(out["task"], "regression");
    let test = &out["test"];
    assert!(test.get("accuracy").is_none());
    let r2 = test["r_squared"].as_f64().unwrap();
    assert!(test["mse"].as_f64().unwrap() > 0.0);
    assert!(r2 > 0.3 && r2 < 1.0, "R² {r2}");
}

#[test]
fn csv_training_needs_a_target_and_names_bad_cells() {
    let dir = crate::util::temp_dir("train");
    let good = dir.join("xor.csv");
    let rows: String = (0..40)
        .map(|i| {
            let (a, b) = (i % 2, (i / 2) % 2);
            format!("{a},{b},{}\n", if a != b { "yes" } else { "no" })
        })
        .collect();
    std::fs::write(&good, format!("a,b,label\n{rows}")).unwrap();
    let good = good.to_str().unwrap();
    assert_usage_error(&["train", "--data", good], "--target");
    let out = nabla_json(&[
        "train",
        "--data",
        good,
        "--target",
        "label",
        "--hidden",
        "8",
        "--activation",
        "tanh",
        "--epochs",
        "3",
        "--format",
        "json",
    ]);
    assert_eq!(out["task"], "classes");

    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "a,b,label\n1,2,yes\n3,oops,no\n").unwrap();
    assert_usage_error(
        &[
            "train",
            "--data",
            bad.to_str().unwrap(),
            "--target",
            "label",
        ],
        "line 3",
    );
    assert_usage_error(&["train", "--data", good, "--target", "nope"], "nope");
}

#[test]
fn bad_flags_exit_2_naming_the_flag() {
    assert_usage_error(&["train", "--data", "no-such-set"], "no-such-set");
    assert_usage_error(&["train", "--hidden", "64,x"], "--hidden");
    assert_usage_error(&["train", "--dropout", "1.0"], "--dropout");
    assert_usage_error(&["train", "--optimizer", "adamx"], "--optimizer");
    assert_usage_error(&["train", "--activation", "relu7"], "--activation");
    assert_usage_error(
        &["train", "--optimizer", "sgd", "--opt", "beta1=0.9"],
        "beta1",
    );
    assert_usage_error(&["train", "--test-fraction", "1.5"], "--test-fraction");
}

#[test]
fn divergence_is_reported_not_printed_as_nan() {
    let run = nabla(&[
        "train",
        "--data",
        "diabetes",
        "--optimizer",
        "sgd",
        "--lr",
        "1e6",
        "--epochs",
        "3",
    ]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("diverged"), "{}", run.stderr);
}

#[test]
fn threads_sets_the_pool_and_bad_counts_exit_2() {
    let run = |threads: &str| {
        let mut out = nabla_json(&[
            "train",
            "--data",
            "iris",
            "--epochs",
            "3",
            "--threads",
            threads,
            "--format",
            "json",
            "--quiet",
        ]);
        assert_eq!(out["config"]["threads"], threads.parse::<u64>().unwrap());
        let o = out.as_object_mut().unwrap();
        for key in ["seconds", "history", "config"] {
            o.remove(key);
        }
        out
    };
    // Iris's products are small: one thread or two give the same numbers.
    assert_eq!(run("1"), run("2"));
    assert_usage_error(&["train", "--threads", "0"], "--threads");
    assert_usage_error(&["lr-find", "--threads", "0"], "--threads");
}

#[test]
fn the_test_rows_get_a_confusion_matrix_and_per_class_metrics() {
    let out = nabla_json(&[
        "train", "--data", "iris", "--epochs", "20", "--lr", "0.01", "--format", "json", "--quiet",
    ]);
    let report = &out["test_classes"];
    let matrix: Vec<Vec<u64>> = serde_json::from_value(report["confusion_matrix"].clone()).unwrap();
    let n: u64 = matrix.iter().flatten().sum();
    assert_eq!(n, out["rows"]["test"].as_u64().unwrap());
    let correct: u64 = (0..3).map(|i| matrix[i][i]).sum();
    assert_eq!(
        correct as f64 / n as f64,
        out["test"]["accuracy"].as_f64().unwrap()
    );
    let classes = report["classes"].as_array().unwrap();
    assert_eq!(classes[0]["name"], "setosa");
    for (j, c) in classes.iter().enumerate() {
        let support: u64 = matrix[j].iter().sum();
        assert_eq!(c["support"].as_u64().unwrap(), support);
        let predicted: u64 = matrix.iter().map(|row| row[j]).sum();
        if predicted > 0 {
            let p = c["precision"].as_f64().unwrap();
            assert_eq!(p, matrix[j][j] as f64 / predicted as f64);
        } else {
            assert!(c["precision"].is_null());
        }
    }
    let regression = nabla_json(&[
        "train", "--data", "diabetes", "--epochs", "2", "--format", "json", "--quiet",
    ]);
    assert!(regression["test_classes"].is_null());
    let text = nabla(&["train", "--data", "iris", "--epochs", "2", "--quiet"]);
    assert!(text.stdout.contains("confusion matrix"), "{}", text.stdout);
}

#[test]
fn a_constant_regression_target_is_a_warning_naming_the_column() {
    // y is 0.5 on every row: trainable, but R² is undefined; the run says so on stderr.
    let csv: String = std::iter::once("x,k,y\n".to_string())
        .chain((0..40).map(|i| format!("{i},{},0.5\n", i % 2)))
        .collect();
    let path = crate::util::temp_file("constant.csv", &csv);
    for extra in [
        &["--target", "y"][..],
        &[
            "--task",
            "y:regression",
            "--task",
            "k:binary",
            "--shared",
            "4",
            "--head",
            "0",
        ][..],
    ] {
        let mut args = vec![
            "train", "--data", &path, "--epochs", "1", "--format", "json",
        ];
        args.extend(extra);
        let run = crate::util::nabla(&args);
        assert_eq!(run.status, 0, "{extra:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("warning: ")
                && run.stderr.contains("\"y\" has the same value (0.5)"),
            "{extra:?}: {}",
            run.stderr
        );
        args.push("--quiet");
        assert_eq!(crate::util::nabla(&args).stderr, "", "{extra:?}");
    }
}
