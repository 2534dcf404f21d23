//! Multi-task model files: `nabla train --task … --save`, then `nabla predict` and `nabla eval`
//! on the run's own test rows give the run's own test metrics; flags, a TOML config and a
//! resumed run save byte-identical files; corrupt and hostile files exit 2 naming the file.

use std::path::{Path, PathBuf};

use nabla_nn::data::{CsvOptions, Dataset, SplitConfig, TargetSpec};
use serde_json::{json, Value};

use crate::util::{assert_usage_error, nabla, nabla_json, path_str as s, temp_dir};

const TASKS: [&str; 6] = [
    "--task",
    "species:classes",
    "--task",
    "sex:binary",
    "--task",
    "body_mass_g:regression",
];

/// The embedded penguins (three targets, some `sex` labels missing) written as a CSV file.
fn penguins_csv(dir: &Path) -> PathBuf {
    let ds = Dataset::by_name("penguins").unwrap();
    let mut header: Vec<String> = ds.feature_names().to_vec();
    header.extend(ds.targets().iter().map(|t| t.name().to_string()));
    let mut text = header.join(",") + "\n";
    let d = ds.n_features();
    for i in 0..ds.n_samples() {
        let mut cells: Vec<String> = ds.features()[i * d..(i + 1) * d]
            .iter()
            .map(f64::to_string)
            .collect();
        for t in ds.targets() {
            cells.push(match (t.label(i), t.value(i)) {
                (Some(l), _) if t.kind().is_categorical() => t.class_names()[l].clone(),
                (_, Some(v)) if !t.kind().is_categorical() => v.to_string(),
                _ => String::new(),
            });
        }
        text.push_str(&(cells.join(",") + "\n"));
    }
    let path = dir.join("penguins.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// The test rows of `nabla train --data CSV --test-fraction F --seed S` (the same seeded split),
/// written as their own CSV file.
fn test_rows_csv(csv: &Path, test_fraction: f64, seed: u64) -> PathBuf {
    let options = CsvOptions {
        targets: ["species:classes", "sex:binary", "body_mass_g:regression"]
            .iter()
            .map(|t| TargetSpec::parse(t).unwrap())
            .collect(),
        ..CsvOptions::default()
    };
    let ds = Dataset::load(s(csv), &options).unwrap();
    let (split, _) = ds
        .split(&SplitConfig {
            test_fraction,
            validation_fraction: 0.0,
            seed,
            stratify_by: None,
        })
        .unwrap();
    let text = std::fs::read_to_string(csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = lines[0].to_string() + "\n";
    for &i in &split.test {
        out.push_str(lines[i + 1]);
        out.push('\n');
    }
    let path = csv.with_file_name("test_rows.csv");
    std::fs::write(&path, out).unwrap();
    path
}

#[test]
fn a_saved_multitask_model_reproduces_the_runs_test_metrics_in_predict_and_eval() {
    let dir = temp_dir("test-rows");
    let csv = penguins_csv(&dir);
    for (tag, extra) in [
        ("f32", &["--dropout", "0.1", "--head", "4"][..]),
        ("f64", &["--dtype", "f64", "--head", "0"][..]),
    ] {
        let model = dir.join(format!("{tag}.safetensors"));
        let mut args = vec!["train", "--data", s(&csv), "--shared", "8"];
        args.extend(TASKS);
        args.extend(["--epochs", "6", "--seed", "3", "--test-fraction", "0.3"]);
        args.extend(["--save", s(&model), "--format", "json", "--quiet"]);
        args.extend_from_slice(extra);
        let train = nabla_json(&args);
        assert_eq!(train["saved"], s(&model));
        let rows = test_rows_csv(&csv, 0.3, 3);
        let eval = nabla_json(&[
            "eval",
            "--model",
            s(&model),
            "--data",
            s(&rows),
            "--format",
            "json",
        ]);
        let pred = nabla_json(&[
            "predict",
            "--model",
            s(&model),
            "--data",
            s(&rows),
            "--format",
            "json",
        ]);
        assert_eq!(eval["task_order"], json!(["species", "sex", "body_mass_g"]));
        for task in ["species", "sex", "body_mass_g"] {
            let trained = &train["tasks"][task];
            assert!(trained["test"].is_object(), "{tag} {task}: {trained}");
            assert_eq!(
                eval["tasks"][task]["metrics"], trained["test"],
                "{tag} {task}"
            );
            assert_eq!(
                pred["tasks"][task]["metrics"], trained["test"],
                "{tag} {task}"
            );
            assert_eq!(eval["tasks"][task]["kind"], trained["kind"], "{tag} {task}");
            assert_eq!(
                eval["tasks"][task]["rows"], trained["rows"]["test"],
                "{tag}"
            );
        }
        let n = train["rows"]["test"].as_u64().unwrap();
        assert_eq!(eval["rows"], n);
        let predictions = pred["predictions"].as_array().unwrap();
        assert_eq!(predictions.len() as u64, n);
        let mut correct = 0;
        for p in predictions {
            let species = &p["tasks"]["species"];
            let probs: Vec<f64> = species["probabilities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect();
            assert_eq!(probs.len(), 3);
            let label = species["label"].as_u64().unwrap() as usize;
            assert!(probs.iter().all(|&q| q <= probs[label]));
            correct += usize::from(species["class"] == species["actual"]);
            assert_eq!(
                p["tasks"]["sex"]["probabilities"].as_array().unwrap().len(),
                2
            );
            assert!(p["tasks"]["body_mass_g"]["value"].as_f64().unwrap() > 1000.0);
        }
        let accuracy = train["tasks"]["species"]["test"]["accuracy"]
            .as_f64()
            .unwrap();
        assert_eq!(correct as f64 / n as f64, accuracy, "{tag}");
        // Text forms name every task.
        let text = nabla(&["eval", "--model", s(&model), "--data", s(&rows)]);
        assert_eq!(text.status, 0, "{}", text.stderr);
        for needle in [
            "multi-task",
            "species",
            "sex",
            "body_mass_g",
            "accuracy",
            "R²",
        ] {
            assert!(text.stdout.contains(needle), "{needle}: {}", text.stdout);
        }
        let out = dir.join(format!("{tag}.csv"));
        let text = nabla(&[
            "predict",
            "--model",
            s(&model),
            "--data",
            s(&rows),
            "--output",
            s(&out),
        ]);
        assert_eq!(text.status, 0, "{}", text.stderr);
        let written = std::fs::read_to_string(&out).unwrap();
        assert!(
            written.starts_with("row,species,species_p_Adelie,"),
            "{written}"
        );
        assert_eq!(written.lines().count() as u64, n + 1);
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn flags_a_config_file_and_a_resumed_run_save_byte_identical_multitask_files() {
    let dir = temp_dir("identical");
    let base = [
        "--data",
        "penguins",
        "--shared",
        "8,8",
        "--head",
        "4",
        "--balance",
        "uncertainty",
        "--dropout",
        "0.1",
        "--lr",
        "0.01",
    ];
    let run = |extra: &[&str]| {
        let mut args = vec!["train", "--format", "json", "--quiet"];
        args.extend_from_slice(extra);
        nabla_json(&args)
    };
    let (flags, config, resumed, ck) = (
        dir.join("flags.safetensors"),
        dir.join("config.safetensors"),
        dir.join("resumed.safetensors"),
        dir.join("run.ckpt"),
    );
    let mut a = base.to_vec();
    a.extend(TASKS);
    a.extend(["--epochs", "8", "--save", s(&flags)]);
    run(&a);
    let toml = dir.join("run.toml");
    std::fs::write(
        &toml,
        "data = \"penguins\"\nshared = [8, 8]\nhead = 4\nbalance = \"uncertainty\"\n\
         dropout = 0.1\nlr = 0.01\nepochs = 8\n\
         task = [\"species:classes\", \"sex:binary\", \"body_mass_g:regression\"]\n",
    )
    .unwrap();
    run(&["--config", s(&toml), "--save", s(&config)]);
    let mut half = base.to_vec();
    half.extend(TASKS);
    half.extend(["--epochs", "4", "--checkpoint", s(&ck)]);
    run(&half);
    run(&["--resume", s(&ck), "--epochs", "8", "--save", s(&resumed)]);
    let bytes = std::fs::read(&flags).unwrap();
    assert_eq!(
        bytes,
        std::fs::read(&config).unwrap(),
        "the TOML run differs"
    );
    assert_eq!(
        bytes,
        std::fs::read(&resumed).unwrap(),
        "the resumed run differs"
    );
    // The header holds only what changes the numbers: no seed, epochs or file names.
    let (meta, _) = header(&bytes);
    let keys: Vec<&String> = meta.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "activation",
            "activation_params",
            "dropout",
            "feature_means",
            "feature_names",
            "feature_stds",
            "head_widths",
            "model",
            "nabla_format_version",
            "shared_widths",
            "tasks"
        ]
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// The `__metadata__` of a safetensors file and the rest of its header.
fn header(bytes: &[u8]) -> (Value, Value) {
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let mut top: Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
    let meta = top.as_object_mut().unwrap().remove("__metadata__").unwrap();
    (meta, top)
}

/// `bytes` with its header replaced by `meta` and `tensors` (the data section unchanged).
fn with_header(bytes: &[u8], meta: &Value, tensors: &Value) -> Vec<u8> {
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let mut top = tensors.clone();
    top.as_object_mut()
        .unwrap()
        .insert("__metadata__".into(), meta.clone());
    let mut json = serde_json::to_vec(&top).unwrap();
    json.resize(json.len().next_multiple_of(8), b' ');
    let mut out = (json.len() as u64).to_le_bytes().to_vec();
    out.extend(json);
    out.extend_from_slice(&bytes[8 + n..]);
    out
}

#[test]
fn corrupt_and_hostile_multitask_files_exit_2_naming_the_file() {
    let dir = temp_dir("corrupt");
    let good = dir.join("good.safetensors");
    let mut args = vec![
        "train", "--data", "penguins", "--shared", "4", "--head", "0",
    ];
    args.extend(TASKS);
    args.extend([
        "--epochs",
        "1",
        "--save",
        s(&good),
        "--format",
        "json",
        "--quiet",
    ]);
    nabla_json(&args);
    let bytes = std::fs::read(&good).unwrap();
    let (meta, tensors) = header(&bytes);
    let edit = |key: &str, value: &str| {
        let mut m = meta.clone();
        m[key] = Value::String(value.to_string());
        with_header(&bytes, &m, &tensors)
    };
    let mut renamed = tensors.clone();
    let entry = renamed
        .as_object_mut()
        .unwrap()
        .remove("heads.sex.0.weight")
        .unwrap();
    renamed["heads.sexx.0.weight"] = entry;
    let mut nan = bytes.clone();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    nan[8 + n..8 + n + 4].copy_from_slice(&f32::NAN.to_le_bytes());
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "cut",
            bytes[..bytes.len() - 5].to_vec(),
            "not a valid safetensors file",
        ),
        (
            "empty_tasks",
            edit("tasks", "[]"),
            "a multi-task model needs a task",
        ),
        ("not_json", edit("tasks", "{oops"), "metadata key \"tasks\""),
        ("kind", edit("model", "ensemble"), "metadata key \"model\""),
        (
            "trunk",
            edit("shared_widths", "[3]"),
            "metadata key \"shared_widths\"",
        ),
        ("head", edit("head_widths", "[5]"), "shape"),
        (
            "huge",
            edit("shared_widths", "[3,18446744073709551615]"),
            "shape",
        ),
        (
            "inputs",
            edit("shared_widths", "[4,4]"),
            "4 inputs but there are 3 feature names",
        ),
        (
            "classes",
            edit(
                "tasks",
                &meta["tasks"]
                    .as_str()
                    .unwrap()
                    .replacen("\"Adelie\",", "", 1),
            ),
            "shape",
        ),
        (
            "twice",
            edit(
                "tasks",
                &meta["tasks"]
                    .as_str()
                    .unwrap()
                    .replace("\"sex\"", "\"species\""),
            ),
            "declared twice",
        ),
        ("renamed", with_header(&bytes, &meta, &renamed), "tensor"),
        ("nan", nan, "is not finite"),
        ("std", edit("feature_stds", "[1,0,1]"), "feature_stds"),
    ];
    for (name, contents, needle) in cases {
        let path = dir.join(format!("{name}.safetensors"));
        std::fs::write(&path, contents).unwrap();
        for command in ["predict", "eval"] {
            let run = nabla(&[command, "--model", s(&path), "--data", "penguins"]);
            assert_eq!(run.status, 2, "{name} {command}: {}", run.stderr);
            assert!(
                run.stderr.contains(&format!("{name}.safetensors")) && run.stderr.contains(needle),
                "{name} {command}: expected {needle:?}: {}",
                run.stderr
            );
            assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
            assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        }
    }
    // Flags that do not apply to a multi-task model are refused, naming them.
    assert_usage_error(
        &[
            "eval",
            "--model",
            s(&good),
            "--data",
            "penguins",
            "--target",
            "sex",
        ],
        "--target sex",
    );
    assert_usage_error(
        &[
            "predict",
            "--model",
            s(&good),
            "--data",
            "penguins",
            "--mc-samples",
            "4",
        ],
        "--mc-samples",
    );
    std::fs::remove_dir_all(dir).unwrap();
}
