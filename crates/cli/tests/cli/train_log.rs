//! `nabla train --log`: one record per epoch, equal to the JSON `history`, as JSON lines or CSV,
//! for single-task and multi-task runs; a failed run keeps the epochs it finished.

use crate::util::{
    assert_usage_error, nabla, nabla_json, read_jsonl as jsonl, temp_dir as scratch,
    PENGUINS_TWO_TASKS,
};

#[test]
fn jsonl_records_equal_the_json_history() {
    let dir = scratch("jsonl");
    let log = dir.join("run.jsonl");
    let out = nabla_json(&[
        "train",
        "--data",
        "iris",
        "--hidden",
        "8",
        "--epochs",
        "6",
        "--validation-fraction",
        "0.2",
        "--schedule",
        "step:2:0.5",
        "--log",
        log.to_str().unwrap(),
        "--format",
        "json",
        "--quiet",
    ]);
    let records = jsonl(&log);
    assert_eq!(records.len(), 6);
    assert_eq!(&records, out["history"].as_array().unwrap());
    let first = &records[0];
    for key in ["epoch", "lr", "loss", "train", "validation", "seconds"] {
        assert!(first.get(key).is_some(), "record lacks {key}: {first}");
    }
    assert!(first["validation"]["accuracy"].is_number());
    assert_eq!(records[2]["lr"], 0.0005);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn multitask_records_carry_every_task() {
    let dir = scratch("mtl");
    let log = dir.join("run.jsonl");
    let mut args = vec!["train"];
    args.extend(PENGUINS_TWO_TASKS);
    args.extend(["--epochs", "4", "--log", log.to_str().unwrap()]);
    args.extend(["--format", "json", "--quiet"]);
    let out = nabla_json(&args);
    let records = jsonl(&log);
    assert_eq!(&records, out["history"].as_array().unwrap());
    assert!(records[3]["train"]["species"]["accuracy"].is_number());
    assert!(records[3]["train"]["body_mass_g"]["r_squared"].is_number());
    assert!(records[3]["weights"]["species"].is_number());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn csv_rows_hold_the_history_flattened() {
    let dir = scratch("csv");
    let log = dir.join("run.csv");
    let out = nabla_json(&[
        "train",
        "--data",
        "diabetes",
        "--epochs",
        "3",
        "--log",
        log.to_str().unwrap(),
        "--format",
        "json",
        "--quiet",
    ]);
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    let header: Vec<&str> = lines[0].split(',').collect();
    for column in [
        "epoch",
        "loss",
        "lr",
        "seconds",
        "train.loss",
        "train.mse",
        "validation",
    ] {
        assert!(header.contains(&column), "no {column} in {header:?}");
    }
    for (line, entry) in lines[1..].iter().zip(out["history"].as_array().unwrap()) {
        let cells: Vec<&str> = line.split(',').collect();
        let cell = |name: &str| cells[header.iter().position(|h| *h == name).unwrap()];
        assert_eq!(cell("epoch"), entry["epoch"].to_string());
        assert_eq!(cell("train.mse"), entry["train"]["mse"].to_string());
        assert_eq!(cell("seconds"), entry["seconds"].to_string());
        assert_eq!(cell("validation"), "");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_diverged_run_keeps_the_epochs_it_finished() {
    let dir = scratch("diverged");
    let log = dir.join("run.jsonl");
    // A learning rate that grows tenfold every epoch diverges after a few finished epochs.
    let run = nabla(&[
        "train",
        "--data",
        "diabetes",
        "--optimizer",
        "sgd",
        "--lr",
        "0.01",
        "--schedule",
        "exponential:10",
        "--epochs",
        "30",
        "--log",
        log.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("diverged"), "{}", run.stderr);
    let records = jsonl(&log);
    assert!(!records.is_empty() && records.len() < 30, "{records:?}");
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r["epoch"], i + 1);
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_log_is_an_output_checked_before_training() {
    let dir = scratch("paths");
    let data = dir.join("data.csv");
    std::fs::write(&data, "a,y\n1,2\n2,4\n3,6\n4,8\n5,10\n6,12\n7,14\n8,16\n").unwrap();
    let d = data.to_str().unwrap();
    assert_usage_error(
        &["train", "--data", d, "--target", "y", "--log", d],
        "--log",
    );
    let model = dir.join("m.safetensors");
    let m = model.to_str().unwrap();
    assert_usage_error(
        &["train", "--data", "iris", "--save", m, "--log", m],
        "are the same file",
    );
    assert_usage_error(
        &[
            "train",
            "--data",
            "iris",
            "--log",
            dir.join("no/run.jsonl").to_str().unwrap(),
        ],
        "--log",
    );
    assert_eq!(
        std::fs::read_to_string(&data).unwrap().lines().count(),
        9,
        "the input is untouched"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
