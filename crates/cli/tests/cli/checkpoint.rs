//! `nabla train --checkpoint` / `--resume`: a run of N epochs and a run stopped halfway and
//! resumed save byte-identical model files, for every optimizer (with dropout, a schedule and
//! early stopping) and for multi-task runs (every balancing method); the history and log continue; contradicting flags
//! are refused naming the flag.

use std::path::Path;

use crate::util::{
    assert_usage_error, nabla, nabla_json, path_str as s, read_jsonl, temp_dir as scratch,
};

/// `doc` without its clock readings and its `config` (which names this run's files).
fn timeless(mut doc: serde_json::Value) -> serde_json::Value {
    for e in doc["history"].as_array_mut().unwrap() {
        e.as_object_mut().unwrap().remove("seconds");
    }
    let o = doc.as_object_mut().unwrap();
    for key in ["seconds", "config", "saved"] {
        o.remove(key);
    }
    doc
}

/// Runs `flags` for 8 epochs straight, and for 4 epochs then resumed to 8; asserts the saved
/// models are byte-identical and the JSON outputs equal.
fn resumes_exactly(tag: &str, flags: &[&str]) {
    let dir = scratch(tag);
    let (whole, half, resumed, ck) = (
        dir.join("whole.safetensors"),
        dir.join("half.safetensors"),
        dir.join("resumed.safetensors"),
        dir.join("run.ckpt"),
    );
    let run = |extra: &[&str]| {
        let mut args = vec!["train", "--format", "json", "--quiet"];
        args.extend_from_slice(flags);
        args.extend_from_slice(extra);
        nabla_json(&args)
    };
    let with_save = |p: &Path| vec!["--save".to_string(), s(p).to_string()];
    let strs = |v: &[String]| v.iter().map(String::clone).collect::<Vec<_>>();
    let w = strs(&with_save(&whole));
    let mut a: Vec<&str> = vec!["--epochs", "8"];
    a.extend(w.iter().map(String::as_str));
    let straight = run(&a);
    let h = strs(&with_save(&half));
    let mut b: Vec<&str> = vec!["--epochs", "4", "--checkpoint", s(&ck)];
    b.extend(h.iter().map(String::as_str));
    run(&b);
    // Resumed with only --epochs: every other setting comes from the checkpoint.
    let r = strs(&with_save(&resumed));
    let mut c: Vec<&str> = vec!["train", "--resume", s(&ck), "--checkpoint", s(&ck)];
    c.extend(["--epochs", "8", "--format", "json", "--quiet"]);
    c.extend(r.iter().map(String::as_str));
    let continued = nabla_json(&c);
    assert_eq!(
        std::fs::read(&whole).unwrap(),
        std::fs::read(&resumed).unwrap(),
        "{tag}: the resumed model differs"
    );
    assert_eq!(
        timeless(straight.clone()),
        timeless(continued),
        "{tag}: the resumed run reports otherwise"
    );
    assert!(straight["history"].as_array().unwrap().len() >= 2, "{tag}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn every_optimizer_resumes_to_a_byte_identical_model() {
    for optimizer in [
        "sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw", "adagrad", "adadelta", "nadam",
        "radam",
    ] {
        resumes_exactly(
            optimizer,
            &[
                "--data",
                "wine",
                "--hidden",
                "16,8",
                "--dropout",
                "0.2",
                "--optimizer",
                optimizer,
                "--schedule",
                "cosine:6:0.0001",
                "--validation-fraction",
                "0.2",
                "--patience",
                "3",
                "--batch",
                "16",
                "--seed",
                "3",
            ],
        );
    }
}

#[test]
fn f64_and_full_train_metrics_resume_exactly() {
    resumes_exactly(
        "f64",
        &[
            "--data",
            "iris",
            "--hidden",
            "8",
            "--dtype",
            "f64",
            "--train-metrics",
            "full",
            "--opt",
            "amsgrad=true",
        ],
    );
}

#[test]
fn multitask_runs_resume_exactly() {
    for balance in ["fixed", "uncertainty", "gradnorm", "pcgrad"] {
        resumes_exactly(
            balance,
            &[
                "--data",
                "penguins",
                "--task",
                "species:classes",
                "--task",
                "sex:binary",
                "--task",
                "body_mass_g:regression",
                "--shared",
                "8",
                "--head",
                "4",
                "--dropout",
                "0.1",
                "--balance",
                balance,
                "--schedule",
                "step:2:0.5",
            ],
        );
    }
}

#[test]
fn a_resumed_run_appends_to_its_log() {
    let dir = scratch("log");
    let (ck, log, whole_log) = (dir.join("r.ckpt"), dir.join("r.jsonl"), dir.join("w.jsonl"));
    let base = ["train", "--data", "iris", "--format", "json", "--quiet"];
    let mut straight = base.to_vec();
    straight.extend(["--epochs", "5", "--log", s(&whole_log)]);
    nabla_json(&straight);
    let mut first = base.to_vec();
    first.extend(["--epochs", "2", "--log", s(&log), "--checkpoint", s(&ck)]);
    nabla_json(&first);
    let mut rest = base.to_vec();
    rest.extend(["--epochs", "5", "--log", s(&log), "--resume", s(&ck)]);
    nabla_json(&rest);
    let records = |p: &Path| -> Vec<serde_json::Value> {
        read_jsonl(p)
            .into_iter()
            .map(|mut v| {
                v.as_object_mut().unwrap().remove("seconds");
                v
            })
            .collect()
    };
    assert_eq!(records(&log).len(), 5);
    assert_eq!(records(&log), records(&whole_log));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn contradicting_flags_are_refused_naming_the_flag() {
    let dir = scratch("refuse");
    let ck = dir.join("c.ckpt");
    nabla_json(&[
        "train",
        "--data",
        "iris",
        "--epochs",
        "3",
        "--lr",
        "0.01",
        "--checkpoint",
        s(&ck),
        "--format",
        "json",
        "--quiet",
    ]);
    assert_usage_error(
        &["train", "--resume", s(&ck), "--lr", "0.02", "--quiet"],
        "--lr: 0.02 contradicts the checkpoint's 0.01",
    );
    assert_usage_error(
        &["train", "--resume", s(&ck), "--hidden", "32", "--quiet"],
        "--hidden: 32 contradicts the checkpoint's 64",
    );
    assert_usage_error(
        &["train", "--resume", s(&ck), "--epochs", "2", "--quiet"],
        "--epochs: 2 is fewer than the 3 epochs",
    );
    // Run-only settings may change; the same epochs again trains nothing more.
    let again = nabla_json(&[
        "train",
        "--resume",
        s(&ck),
        "--threads",
        "1",
        "--format",
        "json",
        "--quiet",
    ]);
    assert_eq!(again["epochs"], 3);
    let not = dir.join("not.ckpt");
    std::fs::write(&not, b"hello").unwrap();
    assert_usage_error(&["train", "--resume", s(&not)], "--resume");
    assert_usage_error(
        &["train", "--resume", s(&dir.join("missing.ckpt"))],
        "--resume",
    );
    let run = nabla(&["lr-find", "--data", "iris", "--resume", s(&ck), "--quiet"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--resume"), "{}", run.stderr);
    std::fs::remove_dir_all(dir).unwrap();
}

/// Trains `flags` for 2 epochs with a checkpoint, then asserts that resuming with each of
/// `agree` (a flag restating the resolved default) is accepted and with each of `refuse` is
/// refused with its message.
fn resolved_defaults_are_compared(
    tag: &str,
    flags: &[&str],
    agree: &[&[&str]],
    refuse: &[(&[&str], &str)],
) {
    let dir = scratch(tag);
    let ck = dir.join("c.ckpt");
    let mut first = vec!["train", "--epochs", "2", "--checkpoint", s(&ck)];
    first.extend(["--format", "json", "--quiet"]);
    first.extend_from_slice(flags);
    nabla_json(&first);
    for extra in agree {
        let mut args = vec!["train", "--resume", s(&ck), "--format", "json", "--quiet"];
        args.extend_from_slice(extra);
        assert_eq!(nabla_json(&args)["epochs"], 2, "{tag}: {extra:?}");
    }
    for (extra, message) in refuse {
        let mut args = vec!["train", "--resume", s(&ck), "--quiet"];
        args.extend_from_slice(extra);
        assert_usage_error(&args, message);
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_resumed_run_compares_the_defaults_the_run_resolved() {
    // Issue 12: the checkpoint stored `--lr` as unset, so `--lr 0.5` "contradicted the
    // checkpoint's unset" and `--lr 0.001` (adam's default, the rate the run used) was refused.
    resolved_defaults_are_compared(
        "defaults",
        &[
            "--data",
            "penguins",
            "--hidden",
            "8",
            "--activation",
            "leaky_relu",
        ],
        &[
            &["--lr", "0.001"],
            &["--weight-decay", "0"],
            &["--alpha", "0.01"],
            &["--opt", "beta2=0.999", "--opt", "amsgrad=false"],
            &["--target", "species"],
            &["--optimizer", "adam", "--activation", "leaky_relu"],
        ],
        &[
            (
                &["--lr", "0.5"],
                "--lr: 0.5 contradicts the checkpoint's 0.001",
            ),
            (
                &["--weight-decay", "0.1"],
                "--weight-decay: 0.1 contradicts the checkpoint's 0",
            ),
            (
                &["--alpha", "0.2"],
                "--alpha: 0.2 contradicts the checkpoint's 0.01",
            ),
            (
                &["--opt", "beta2=0.99"],
                "--opt beta2: 0.99 contradicts the checkpoint's 0.999",
            ),
            (
                &["--optimizer", "sgd"],
                "--optimizer: sgd contradicts the checkpoint's adam",
            ),
            (
                &["--activation", "elu"],
                "--activation: elu contradicts the checkpoint's leaky_relu",
            ),
            (
                &["--target", "sex"],
                "--target: sex contradicts the checkpoint's species",
            ),
        ],
    );
}

#[test]
fn a_resumed_multitask_run_compares_task_kinds_and_weights() {
    resolved_defaults_are_compared(
        "mtl_defaults",
        &[
            "--data",
            "penguins",
            "--task",
            "species",
            "--task",
            "sex:binary",
            "--shared",
            "8",
            "--head",
            "0",
            "--optimizer",
            "rmsprop",
        ],
        &[
            &["--task", "species:classes", "--task", "sex"],
            &["--weights", "1,1"],
            &["--lr", "0.01"],
        ],
        &[
            (
                &["--weights", "2,1"],
                "--weights: 2.0,1.0 contradicts the checkpoint's 1.0,1.0",
            ),
            (
                &["--lr", "0.001"],
                "--lr: 0.001 contradicts the checkpoint's 0.01",
            ),
            (
                &["--task", "species"],
                "--task: species:classes contradicts the checkpoint's species:classes,sex:binary",
            ),
        ],
    );
}
