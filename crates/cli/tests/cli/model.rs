//! Model files from the command line: `nabla train --save`, `nabla predict`, `nabla eval`,
//! Monte Carlo dropout (`--mc-samples`), and bad model files and data.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{assert_usage_error, nabla, nabla_json, path_str as s, temp_dir};

const MODEL_FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../nn/tests/fixtures/model_file"
);

fn train_and_save(dir: &Path, data: &str, extra: &[&str]) -> (PathBuf, Value) {
    let model = dir.join("model.safetensors");
    let mut args = vec![
        "train",
        "--data",
        data,
        "--save",
        s(&model),
        "--format",
        "json",
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let out = nabla_json(&args);
    assert_eq!(out["saved"], s(&model));
    (model, out)
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn predict_and_eval_agree_with_each_other_and_with_their_definitions() {
    let dir = temp_dir("iris");
    let (model, _) = train_and_save(&dir, "iris", &["--epochs", "20", "--lr", "0.01"]);
    let pred = nabla_json(&[
        "predict",
        "--model",
        s(&model),
        "--data",
        "iris",
        "--format",
        "json",
    ]);
    assert_eq!(pred["task"], "classes");
    assert_eq!(
        pred["classes"],
        serde_json::json!(["setosa", "versicolor", "virginica"])
    );
    assert_eq!(pred["dtype"], "float32");
    let rows = pred["predictions"].as_array().unwrap();
    assert_eq!(rows.len(), 150);
    let mut correct = 0;
    let mut nll = 0.0;
    for r in rows {
        let p = f64s(&r["probabilities"]);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-6);
        let label = r["label"].as_u64().unwrap() as usize;
        assert_eq!(r["class"], pred["classes"][label]);
        assert!(p.iter().all(|&q| q <= p[label]));
        let actual = pred["classes"]
            .as_array()
            .unwrap()
            .iter()
            .position(|c| c == &r["actual"])
            .unwrap();
        correct += usize::from(actual == label);
        nll -= p[actual].ln();
    }
    let eval = nabla_json(&[
        "eval",
        "--model",
        s(&model),
        "--data",
        "iris",
        "--format",
        "json",
    ]);
    assert_eq!(eval["rows"], 150);
    assert_eq!(eval["target"], "species");
    let accuracy = eval["metrics"]["accuracy"].as_f64().unwrap();
    assert_eq!(accuracy, correct as f64 / 150.0);
    assert_eq!(pred["metrics"], eval["metrics"]);
    // Cross-entropy = mean −log p(actual), here from f32 probabilities.
    let loss = eval["metrics"]["loss"].as_f64().unwrap();
    assert!(
        (loss - nll / 150.0).abs() < 1e-5 * (1.0 + loss),
        "{loss} vs {}",
        nll / 150.0
    );
    assert!(accuracy > 0.9, "{accuracy}");
    let text = nabla(&["eval", "--model", s(&model), "--data", "iris"]);
    assert_eq!(text.status, 0);
    assert!(text.stdout.contains("accuracy"), "{}", text.stdout);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn regression_predictions_are_in_the_targets_units() {
    let dir = temp_dir("diabetes");
    let (model, _) = train_and_save(
        &dir,
        "diabetes",
        &["--epochs", "15", "--lr", "0.01", "--dtype", "f64"],
    );
    let pred = nabla_json(&[
        "predict",
        "--model",
        s(&model),
        "--data",
        "diabetes",
        "--format",
        "json",
    ]);
    assert_eq!(pred["task"], "regression");
    assert_eq!(pred["dtype"], "float64");
    let rows = pred["predictions"].as_array().unwrap();
    let pairs: Vec<(f64, f64)> = rows
        .iter()
        .map(|r| (r["value"].as_f64().unwrap(), r["actual"].as_f64().unwrap()))
        .collect();
    let n = pairs.len() as f64;
    let mse = pairs.iter().map(|(p, a)| (p - a).powi(2)).sum::<f64>() / n;
    let mean = pairs.iter().map(|(_, a)| a).sum::<f64>() / n;
    let sst = pairs.iter().map(|(_, a)| (a - mean).powi(2)).sum::<f64>();
    let r2 = 1.0 - mse * n / sst;
    let eval = nabla_json(&[
        "eval",
        "--model",
        s(&model),
        "--data",
        "diabetes",
        "--format",
        "json",
    ]);
    let m = &eval["metrics"];
    assert!((m["mse"].as_f64().unwrap() - mse).abs() < 1e-9 * mse);
    assert!((m["r_squared"].as_f64().unwrap() - r2).abs() < 1e-9);
    // Diabetes targets are disease progression scores of about 25–346: values in those units.
    assert!(pairs.iter().all(|(p, _)| (-100.0..500.0).contains(p)));
    assert!(mean > 100.0);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn csv_columns_are_matched_by_name_and_the_output_file_is_written() {
    let dir = temp_dir("csv");
    let train_csv = dir.join("train.csv");
    let mut text = String::from("a,b,label\n");
    for i in 0..60 {
        let (a, b) = ((i as f64 * 0.37).sin(), (i as f64 * 0.91).cos());
        let label = if a + b > 0.0 { "high" } else { "low" };
        text.push_str(&format!("{a},{b},{label}\n"));
    }
    std::fs::write(&train_csv, &text).unwrap();
    let (model, _) = train_and_save(
        &dir,
        s(&train_csv),
        &["--target", "label", "--epochs", "40", "--lr", "0.02"],
    );
    // New rows: columns reordered, an extra text column, and no target.
    let new_csv = dir.join("new.csv");
    std::fs::write(&new_csv, "note,b,a\nx,1.0,1.0\ny,-1.0,-1.0\n").unwrap();
    let out_csv = dir.join("pred.csv");
    let pred = nabla_json(&[
        "predict",
        "--model",
        s(&model),
        "--data",
        s(&new_csv),
        "--output",
        s(&out_csv),
        "--format",
        "json",
    ]);
    assert_eq!(pred["predictions"][0]["class"], "high");
    assert_eq!(pred["predictions"][1]["class"], "low");
    assert_eq!(pred["metrics"], Value::Null);
    assert!(pred["predictions"][0].get("actual").is_none());
    let written = std::fs::read_to_string(&out_csv).unwrap();
    let mut lines = written.lines();
    assert_eq!(lines.next(), Some("row,label,p_high,p_low"));
    assert!(lines.next().unwrap().starts_with("1,high,"));
    assert_eq!(written.lines().count(), 3);
    // New rows whose label column is blank or holds an unknown label: predicted all the same,
    // with a warning that the column is not used (and no metrics).
    for labels in [["", ""], ["high", "medium"]] {
        let blank = dir.join("blank.csv");
        std::fs::write(
            &blank,
            format!(
                "a,b,label\n1.0,1.0,{}\n-1.0,-1.0,{}\n",
                labels[0], labels[1]
            ),
        )
        .unwrap();
        let run = nabla(&[
            "predict",
            "--model",
            s(&model),
            "--data",
            s(&blank),
            "--format",
            "json",
        ]);
        assert_eq!(run.status, 0, "{}", run.stderr);
        assert!(
            run.stderr.contains("the \"label\" column is not used"),
            "{}",
            run.stderr
        );
        let out: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(out["predictions"][1]["class"], "low");
        assert_eq!(out["metrics"], Value::Null);
        let quiet = nabla(&[
            "predict",
            "--model",
            s(&model),
            "--data",
            s(&blank),
            "--quiet",
        ]);
        assert_eq!((quiet.status, quiet.stderr.as_str()), (0, ""));
    }
    // The same rows through eval need the target column.
    assert_usage_error(
        &["eval", "--model", s(&model), "--data", s(&new_csv)],
        "no target column \"label\"",
    );
    // A missing feature is named.
    let partial = dir.join("partial.csv");
    std::fs::write(&partial, "a,label\n1.0,high\n").unwrap();
    assert_usage_error(
        &["predict", "--model", s(&model), "--data", s(&partial)],
        "no column \"b\", which the model needs",
    );
    // An unknown class in the target column is named.
    let odd = dir.join("odd.csv");
    std::fs::write(&odd, "a,b,label\n1.0,1.0,medium\n").unwrap();
    assert_usage_error(&["eval", "--model", s(&model), "--data", s(&odd)], "medium");
    // A bad cell names its line and column.
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "a,b\n1.0,1.0\n2.0,oops\n").unwrap();
    assert_usage_error(
        &["predict", "--model", s(&model), "--data", s(&bad)],
        "line 3, column \"b\"",
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_pytorch_written_model_predicts_from_the_command_line_as_in_pytorch() {
    let dir = temp_dir("torch");
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(MODEL_FIXTURES).join("torch_expected.json")).unwrap(),
    )
    .unwrap();
    let e = &expected["models"]["torch_classes_f32"];
    let names: Vec<String> =
        serde_json::from_str(e["metadata"]["feature_names"].as_str().unwrap()).unwrap();
    let mut csv = names.join(",");
    csv.push('\n');
    for row in e["raw"].as_array().unwrap() {
        let cells: Vec<String> = f64s(row).iter().map(|v| format!("{v:?}")).collect();
        csv.push_str(&cells.join(","));
        csv.push('\n');
    }
    let data = dir.join("rows.csv");
    std::fs::write(&data, csv).unwrap();
    let model = Path::new(MODEL_FIXTURES).join("torch_classes_f32.safetensors");
    let pred = nabla_json(&[
        "predict",
        "--model",
        s(&model),
        "--data",
        s(&data),
        "--format",
        "json",
    ]);
    for (i, r) in pred["predictions"].as_array().unwrap().iter().enumerate() {
        assert_eq!(r["label"], e["labels"][i]);
        for (a, b) in f64s(&r["probabilities"])
            .iter()
            .zip(f64s(&e["probabilities"][i]))
        {
            assert!((a - b).abs() < 2e-6, "row {i}: {a} vs PyTorch {b}");
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_plain_pytorch_state_dict_predicts_with_metadata_given_beside_it() {
    let dir = temp_dir("plain");
    let fixtures = Path::new(MODEL_FIXTURES);
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures.join("torch_expected.json")).unwrap(),
    )
    .unwrap();
    let e = &expected["models"]["torch_classes_f32"];
    let plain = fixtures.join(e["plain_file"].as_str().unwrap());
    let sidecar = fixtures.join(e["plain_metadata"].as_str().unwrap());
    let names: Vec<String> =
        serde_json::from_str(e["metadata"]["feature_names"].as_str().unwrap()).unwrap();
    let mut csv = names.join(",");
    csv.push_str(",label\n");
    let classes = ["setosa", "versicolor", "virginica"];
    for (i, row) in e["raw"].as_array().unwrap().iter().enumerate() {
        let cells: Vec<String> = f64s(row).iter().map(|v| format!("{v:?}")).collect();
        let label = classes[e["labels"][i].as_u64().unwrap() as usize];
        csv.push_str(&format!("{},{label}\n", cells.join(",")));
    }
    let data = dir.join("rows.csv");
    std::fs::write(&data, csv).unwrap();
    // Without the metadata: the missing keys are named, and the flag suggested.
    assert_usage_error(
        &["predict", "--model", s(&plain), "--data", s(&data)],
        "--metadata FILE.json",
    );
    let pred = nabla_json(&[
        "predict",
        "--model",
        s(&plain),
        "--metadata",
        s(&sidecar),
        "--data",
        s(&data),
        "--format",
        "json",
    ]);
    for (i, r) in pred["predictions"].as_array().unwrap().iter().enumerate() {
        assert_eq!(r["label"], e["labels"][i]);
        for (a, b) in f64s(&r["probabilities"])
            .iter()
            .zip(f64s(&e["probabilities"][i]))
        {
            assert!((a - b).abs() < 2e-6, "row {i}: {a} vs PyTorch {b}");
        }
    }
    // The labels are PyTorch's predictions, so eval finds accuracy 1.
    let eval = nabla_json(&[
        "eval",
        "--model",
        s(&plain),
        "--metadata",
        s(&sidecar),
        "--data",
        s(&data),
        "--format",
        "json",
    ]);
    assert_eq!(eval["metrics"]["accuracy"], 1.0);
    // A metadata file that is not an object is refused.
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "[1, 2]").unwrap();
    assert_usage_error(
        &[
            "predict",
            "--model",
            s(&plain),
            "--metadata",
            s(&bad),
            "--data",
            s(&data),
        ],
        "expected a JSON object",
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_model_files_exit_2_naming_the_file() {
    let dir = temp_dir("bad-model");
    let garbage = dir.join("garbage.safetensors");
    std::fs::write(&garbage, b"not a model at all").unwrap();
    assert_usage_error(
        &["predict", "--model", s(&garbage), "--data", "iris"],
        "garbage.safetensors: not a valid safetensors file",
    );
    assert_usage_error(
        &["eval", "--model", s(&garbage), "--data", "iris"],
        "garbage.safetensors",
    );
    let missing = dir.join("missing.safetensors");
    for command in ["predict", "eval"] {
        assert_usage_error(
            &[command, "--model", s(&missing), "--data", "iris"],
            "--model: no file named /",
        );
    }
    // A real model, truncated.
    let (model, _) = train_and_save(&dir, "iris", &["--epochs", "1"]);
    let bytes = std::fs::read(&model).unwrap();
    let cut = dir.join("cut.safetensors");
    std::fs::write(&cut, &bytes[..bytes.len() - 7]).unwrap();
    assert_usage_error(
        &["predict", "--model", s(&cut), "--data", "iris"],
        "cut.safetensors",
    );
    // A model given data with other features.
    assert_usage_error(
        &["predict", "--model", s(&model), "--data", "wine"],
        "sepal length (cm)",
    );
    // A failed predict leaves an existing --output file alone.
    let out = dir.join("keep.csv");
    std::fs::write(&out, "precious\n").unwrap();
    assert_usage_error(
        &[
            "predict",
            "--model",
            s(&cut),
            "--data",
            "iris",
            "--output",
            s(&out),
        ],
        "cut.safetensors",
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious\n");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn train_save_writes_nothing_when_training_fails_and_checks_the_path_first() {
    let dir = temp_dir("save");
    let model = dir.join("model.safetensors");
    std::fs::write(&model, b"old model").unwrap();
    // Bad data: training never happens, the old file stays.
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "x,y\n1,a\n2,\n").unwrap();
    assert_usage_error(
        &[
            "train",
            "--data",
            s(&bad),
            "--target",
            "y",
            "--save",
            s(&model),
            "--quiet",
        ],
        "bad.csv",
    );
    // Divergence: training fails, the old file stays.
    assert_usage_error(
        &[
            "train",
            "--data",
            "diabetes",
            "--optimizer",
            "sgd",
            "--lr",
            "1e6",
            "--epochs",
            "3",
            "--save",
            s(&model),
            "--quiet",
        ],
        "diverged",
    );
    assert_eq!(std::fs::read(&model).unwrap(), b"old model");
    // A folder that does not exist is refused before training.
    let nowhere = dir.join("no").join("model.safetensors");
    assert_usage_error(
        &["train", "--data", "iris", "--save", s(&nowhere), "--quiet"],
        "does not exist",
    );
    // Success replaces the file, and nothing else is left in the folder.
    let out = nabla_json(&[
        "train",
        "--data",
        "iris",
        "--epochs",
        "2",
        "--save",
        s(&model),
        "--format",
        "json",
        "--quiet",
    ]);
    assert_eq!(out["saved"], s(&model));
    assert_eq!(&std::fs::read(&model).unwrap()[8..9], b"{");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["bad.csv", "model.safetensors"]);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn train_mc_samples_reports_the_ensemble_view_seeded() {
    let args = [
        "train",
        "--data",
        "iris",
        "--epochs",
        "15",
        "--lr",
        "0.01",
        "--dropout",
        "0.3",
        "--mc-samples",
        "30",
        "--format",
        "json",
        "--quiet",
    ];
    let a = nabla_json(&args);
    let mc = &a["mc_dropout"];
    assert_eq!(mc["samples"], 30);
    assert_eq!(mc["seed"], 0);
    let det = mc["accuracy_deterministic"].as_f64().unwrap();
    let avg = mc["accuracy_mean_prediction"].as_f64().unwrap();
    // The deterministic accuracy is the test accuracy nabla train reports.
    assert_eq!(det, a["test"]["accuracy"].as_f64().unwrap());
    assert!((0.0..=1.0).contains(&avg));
    let mean_std = mc["mean_std"].as_f64().unwrap();
    assert!(mean_std > 0.0 && mean_std < 0.5, "{mean_std}");
    assert!(mc["agreement"].as_f64().unwrap() > 0.8);
    // Seeded: the same command gives the same numbers; another seed other masks.
    let b = nabla_json(&args);
    assert_eq!(a["mc_dropout"], b["mc_dropout"]);
    let text = nabla(&args[..args.len() - 3]);
    assert!(
        text.stdout.contains("Monte Carlo dropout: 30 passes"),
        "{}",
        text.stdout
    );
    // Without dropout, or with one pass, it is refused before training.
    assert_usage_error(
        &["train", "--data", "iris", "--mc-samples", "10", "--quiet"],
        "--mc-samples: Monte Carlo dropout needs --dropout > 0",
    );
    assert_usage_error(
        &[
            "train",
            "--data",
            "iris",
            "--dropout",
            "0.2",
            "--mc-samples",
            "1",
            "--quiet",
        ],
        "at least 2",
    );
}

#[test]
fn predict_mc_samples_gives_per_row_mean_and_std() {
    let dir = temp_dir("mc");
    let (model, _) = train_and_save(
        &dir,
        "iris",
        &["--epochs", "15", "--lr", "0.01", "--dropout", "0.3"],
    );
    let args = [
        "predict",
        "--model",
        s(&model),
        "--data",
        "iris",
        "--mc-samples",
        "40",
        "--seed",
        "3",
        "--format",
        "json",
    ];
    let pred = nabla_json(&args);
    let mc = &pred["mc_dropout"];
    assert_eq!(mc["samples"], 40);
    assert_eq!(mc["seed"], 3);
    let rows = mc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 150);
    let classes = pred["classes"].as_array().unwrap();
    let mut std_sum = 0.0;
    let mut hits = 0;
    let mut agree = 0;
    for (i, r) in rows.iter().enumerate() {
        let mean = f64s(&r["mean"]);
        let std = f64s(&r["std"]);
        assert!((mean.iter().sum::<f64>() - 1.0).abs() < 1e-6);
        let best = (0..3).fold(0, |b, j| if mean[j] > mean[b] { j } else { b });
        assert_eq!(r["class"], classes[best]);
        assert_eq!(r["class_std"].as_f64().unwrap(), std[best]);
        assert_eq!(r["deterministic"]["class"], pred["predictions"][i]["class"]);
        std_sum += std[best];
        hits += usize::from(r["class"] == pred["predictions"][i]["actual"]);
        agree += usize::from(r["class"] == r["deterministic"]["class"]);
    }
    assert!((mc["mean_std"].as_f64().unwrap() - std_sum / 150.0).abs() < 1e-12);
    assert_eq!(
        mc["accuracy_mean_prediction"].as_f64().unwrap(),
        hits as f64 / 150.0
    );
    assert_eq!(mc["agreement"].as_f64().unwrap(), agree as f64 / 150.0);
    assert_eq!(
        mc["accuracy_deterministic"].as_f64().unwrap(),
        pred["metrics"]["accuracy"].as_f64().unwrap()
    );
    assert_eq!(nabla_json(&args)["mc_dropout"], pred["mc_dropout"]);
    // A model without dropout refuses.
    let (plain, _) = train_and_save(&dir, "iris", &["--epochs", "1"]);
    assert_usage_error(
        &[
            "predict",
            "--model",
            s(&plain),
            "--data",
            "iris",
            "--mc-samples",
            "5",
        ],
        "has no dropout",
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn binary_and_regression_models_round_trip_with_mc_dropout() {
    let dir = temp_dir("binary");
    let (model, trained) = train_and_save(
        &dir,
        "digits_multitask",
        &[
            "--target",
            "parity",
            "--epochs",
            "3",
            "--dropout",
            "0.2",
            "--mc-samples",
            "8",
        ],
    );
    assert_eq!(trained["task"], "binary");
    assert_eq!(
        trained["mc_dropout"]["accuracy_deterministic"],
        trained["test"]["accuracy"]
    );
    let pred = nabla_json(&[
        "predict",
        "--model",
        s(&model),
        "--data",
        "digits_multitask",
        "--format",
        "json",
    ]);
    assert_eq!(pred["task"], "binary");
    assert_eq!(pred["classes"], serde_json::json!(["even", "odd"]));
    let rows = pred["predictions"].as_array().unwrap();
    let mut correct = 0;
    for r in rows {
        let p = f64s(&r["probabilities"]);
        assert!((p[0] + p[1] - 1.0).abs() < 1e-12);
        // The class is the positive one exactly when its probability is above one half.
        assert_eq!(r["label"].as_u64().unwrap(), u64::from(p[1] > 0.5));
        correct += usize::from(r["class"] == r["actual"]);
    }
    let eval = nabla_json(&[
        "eval",
        "--model",
        s(&model),
        "--data",
        "digits_multitask",
        "--target",
        "parity",
        "--format",
        "json",
    ]);
    assert_eq!(
        eval["metrics"]["accuracy"].as_f64().unwrap(),
        correct as f64 / rows.len() as f64
    );
    // Regression: MSE of the averaged and of the deterministic prediction, no accuracies.
    let (_, reg) = train_and_save(
        &dir,
        "diabetes",
        &[
            "--epochs",
            "5",
            "--lr",
            "0.01",
            "--dropout",
            "0.1",
            "--mc-samples",
            "8",
        ],
    );
    let mc = &reg["mc_dropout"];
    assert_eq!(mc["accuracy_mean_prediction"], Value::Null);
    assert_eq!(mc["agreement"], Value::Null);
    let det = mc["mse_deterministic"].as_f64().unwrap();
    let test_mse = reg["test"]["mse"].as_f64().unwrap();
    // nabla train's MSE reads the f32 training targets; the MC summary the exact values.
    assert!(
        (det - test_mse).abs() < 1e-5 * test_mse,
        "{det} vs {test_mse}"
    );
    assert!(mc["mse_mean_prediction"].as_f64().unwrap() > 0.0);
    assert!(mc["mean_std"].as_f64().unwrap() > 0.0);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn multi_task_training_refuses_mc_samples_rather_than_ignoring_it() {
    assert_usage_error(
        &[
            "train",
            "--data",
            "penguins",
            "--task",
            "species:classes",
            "--dropout",
            "0.2",
            "--mc-samples",
            "5",
        ],
        "--mc-samples",
    );
}

#[test]
fn predict_output_never_overwrites_an_input_of_the_run() {
    // predict --output MODEL used to write its CSV over the model it had just read (exit 0).
    let dir = temp_dir("predict_clobber");
    let (model, _) = train_and_save(&dir, "iris", &[]);
    let before = std::fs::read(&model).unwrap();
    let link = dir.join("link.safetensors");
    std::os::unix::fs::symlink(&model, &link).unwrap();
    let hard = dir.join("hard.safetensors");
    std::fs::hard_link(&model, &hard).unwrap();
    let csv = dir.join("rows.csv");
    std::fs::write(
        &csv,
        "sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)\n5.1,3.5,1.4,0.2\n",
    )
    .unwrap();
    for output in [&model, &link, &hard, &csv] {
        let data = s(&csv);
        let args = [
            "predict",
            "--model",
            s(&model),
            "--data",
            data,
            "--output",
            s(output),
        ];
        let run = nabla(&args);
        assert_eq!(run.status, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("--output"), "{}", run.stderr);
    }
    assert_eq!(
        std::fs::read(&model).unwrap(),
        before,
        "the model is untouched"
    );
    // A multi-task model likewise.
    let (multi, _) = train_and_save(
        &dir,
        "penguins",
        &[
            "--task",
            "species:classes",
            "--task",
            "body_mass_g:regression",
            "--epochs",
            "2",
        ],
    );
    let before = std::fs::read(&multi).unwrap();
    let run = nabla(&[
        "predict",
        "--model",
        s(&multi),
        "--data",
        "penguins",
        "--output",
        s(&multi),
    ]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_eq!(std::fs::read(&multi).unwrap(), before);
    std::fs::remove_dir_all(&dir).unwrap();
}
