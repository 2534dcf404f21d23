//! `nabla train --schedule`: every epoch's learning rate against PyTorch's schedulers
//! (`tools/oracles/torch/schedules.py`), for single-task and multi-task training, and bad specs.

use serde_json::Value;

use crate::util::{assert_usage_error, nabla, nabla_json, read_json, PENGUINS_TWO_TASKS};

fn fixture() -> Value {
    read_json(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/train_schedules.json"
    )))
}

/// Asserts that the JSON `history` of `out` used the rates `expected`, epoch by epoch.
fn assert_rates(out: &Value, expected: &[Value], what: &str) {
    let history = out["history"].as_array().expect("a history");
    assert_eq!(history.len(), expected.len(), "{what}: epochs run");
    for (entry, want) in history.iter().zip(expected) {
        let (got, want) = (entry["lr"].as_f64().unwrap(), want.as_f64().unwrap());
        assert!(
            got == want || (got - want).abs() <= 1e-15 * want.abs(),
            "{what}, epoch {}: lr {got:e}, PyTorch {want:e}",
            entry["epoch"]
        );
    }
}

#[test]
fn every_epoch_uses_pytorchs_rate() {
    let fixture = fixture();
    let cases = fixture["cases"].as_array().unwrap();
    assert!(cases.len() >= 8);
    for case in cases {
        let spec = case["schedule"].as_str().unwrap();
        let lr = case["lr"].as_f64().unwrap().to_string();
        let epochs = case["epochs"].to_string();
        let out = nabla_json(&[
            "train",
            "--data",
            "iris",
            "--hidden",
            "8",
            "--optimizer",
            case["optimizer"].as_str().unwrap(),
            "--lr",
            &lr,
            "--epochs",
            &epochs,
            "--schedule",
            spec,
            "--format",
            "json",
            "--quiet",
        ]);
        assert_rates(&out, case["history_lr"].as_array().unwrap(), spec);
    }
}

#[test]
fn multitask_training_follows_the_schedule_too() {
    let fixture = fixture();
    for case in fixture["cases"].as_array().unwrap().iter().take(5) {
        let spec = case["schedule"].as_str().unwrap();
        let lr = case["lr"].as_f64().unwrap().to_string();
        let epochs = case["epochs"].to_string();
        let mut args = vec!["train"];
        args.extend(PENGUINS_TWO_TASKS);
        args.extend(["--optimizer", case["optimizer"].as_str().unwrap()]);
        args.extend(["--lr", &lr, "--epochs", &epochs, "--schedule", spec]);
        args.extend(["--format", "json", "--quiet"]);
        let out = nabla_json(&args);
        assert_rates(&out, case["history_lr"].as_array().unwrap(), spec);
    }
}

#[test]
fn without_a_schedule_the_rate_is_constant() {
    let out = nabla_json(&[
        "train", "--data", "iris", "--lr", "0.01", "--epochs", "4", "--format", "json", "--quiet",
    ]);
    assert_rates(&out, &vec![Value::from(0.01); 4], "no schedule");
}

#[test]
fn bad_specs_exit_2_naming_the_flag_and_the_fault() {
    for (spec, fault) in [
        ("warmup:3", "unknown schedule 'warmup'"),
        ("step:3", "step takes EVERY:GAMMA"),
        ("step:0:0.5", "EVERY 0 must be at least 1"),
        ("exponential:abc", "GAMMA 'abc' is not a finite number"),
        ("cosine:-5", "T_MAX '-5' is not a whole number"),
        ("linear:0:1:5", "START 0 must be in (0, 1]"),
    ] {
        assert_usage_error(&["train", "--schedule", spec], "--schedule");
        assert_usage_error(&["train", "--data", "iris", "--schedule", spec], fault);
    }
    assert_usage_error(
        &[
            "train",
            "--data",
            "penguins",
            "--task",
            "species",
            "--schedule",
            "cosine:0",
        ],
        "--schedule",
    );
}

#[test]
fn the_text_history_shows_each_epochs_rate_under_a_schedule() {
    let run = nabla(&[
        "train",
        "--data",
        "iris",
        "--lr",
        "0.1",
        "--epochs",
        "4",
        "--schedule",
        "step:2:0.5",
        "--quiet",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("lr 1.0000e-1"), "{}", run.stdout);
    assert!(run.stdout.contains("lr 5.0000e-2"), "{}", run.stdout);
    let run = nabla(&[
        "train",
        "--data",
        "penguins",
        "--task",
        "species",
        "--shared",
        "8",
        "--lr",
        "0.1",
        "--epochs",
        "3",
        "--schedule",
        "exponential:0.5",
        "--quiet",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("lr 2.5000e-2"), "{}", run.stdout);
}
