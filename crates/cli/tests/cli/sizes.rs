//! Absurd sizes are priced before any work: a network, a history, a batch or a count of seeds
//! that could not fit or could not finish is refused with exit 2 naming its flag, never an
//! allocation abort (exit 134) or a run that never ends; and every `mtl-compare` flag is checked
//! before the first network trains.

use crate::util::{assert_usage_error, nabla};

#[test]
fn a_network_too_large_for_memory_names_its_width_flag() {
    let huge = "100000000";
    assert_usage_error(
        &["train", "--hidden", huge],
        "--hidden: training a 64-100000000-10 network needs",
    );
    assert_usage_error(
        &["lr-find", "--hidden", huge],
        "--hidden: training a 64-100000000-10",
    );
    assert_usage_error(&["train", "--hidden", "64,100000000"], "--hidden: ");
    assert_usage_error(&["train", "--hidden", huge, "--dtype", "f64"], "--hidden: ");
    for (flag, multitask) in [
        ("--shared", "train"),
        ("--head", "train"),
        ("--shared", "mtl-compare"),
        ("--head", "mtl-compare"),
    ] {
        let mut args = vec![multitask, "--data", "penguins", flag, huge];
        if multitask == "train" {
            args.extend(["--task", "species:classes"]);
        }
        assert_usage_error(&args, &format!("{flag}: training a multi-task network of"));
    }
}

#[test]
fn a_history_too_long_for_memory_names_epochs() {
    assert_usage_error(
        &["train", "--epochs", "4294967296"],
        "--epochs: the history of 4294967296 epochs",
    );
    assert_usage_error(
        &[
            "train",
            "--data",
            "penguins",
            "--task",
            "species:classes",
            "--epochs",
            "4294967296",
        ],
        "--epochs: the history",
    );
}

#[test]
fn too_many_seeds_are_refused_before_any_training() {
    assert_usage_error(&["mtl-compare", "--seeds", "100000000000"], "--seeds: ");
    assert_usage_error(
        &["mtl-compare", "--first-seed", "18446744073709551615"],
        "--first-seed 18446744073709551615: 5 seeds from it run past the largest seed",
    );
    assert_usage_error(
        &["mtl-compare", "--seeds", "0"],
        "--seeds: compare over at least one seed",
    );
}

#[test]
fn the_last_seed_itself_is_a_seed() {
    let run = nabla(&[
        "mtl-compare",
        "--first-seed",
        "18446744073709551615",
        "--seeds",
        "1",
        "--epochs",
        "1",
        "--balance",
        "fixed",
        "--format",
        "json",
        "--quiet",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["seeds"], serde_json::json!([u64::MAX]));
}

#[test]
fn mtl_compare_checks_every_flag_before_training() {
    for (args, needle) in [
        (vec!["--batch", "0"], "--batch: batch = 0 is invalid"),
        (vec!["--epochs", "0"], "--epochs: epochs = 0 is invalid"),
        (vec!["--gradnorm-alpha", "nan"], "--gradnorm-alpha: "),
        (vec!["--gradnorm-lr", "-1"], "--gradnorm-lr: "),
        (vec!["--plot", "/no/such/folder/x.png"], "--plot: "),
        (vec!["--lr", "-1"], "--optimizer adam: lr = -1"),
        (vec!["--test-fraction", "2"], "--test-fraction"),
    ] {
        let mut all = vec!["mtl-compare"];
        all.extend(&args);
        let run = nabla(&all);
        assert_eq!(run.status, 2, "{all:?}: {}", run.stderr);
        // One line, not glued to a progress line: no seed was started.
        assert!(!run.stderr.contains("seed 0"), "{all:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{all:?}: {}", run.stderr);
        assert!(run.stderr.contains(needle), "{all:?}: {}", run.stderr);
    }
}

#[test]
fn real_work_is_not_refused() {
    // A 3500×3500 layer trains (one epoch on a 30-row slice of iris is enough to show it passes).
    let run = nabla(&[
        "train",
        "--data",
        "iris",
        "--hidden",
        "3500,3500",
        "--epochs",
        "1",
        "--quiet",
        "--format",
        "json",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
}

#[test]
fn monte_carlo_passes_that_could_not_finish_are_refused_before_training() {
    assert_usage_error(
        &[
            "train",
            "--data",
            "iris",
            "--dropout",
            "0.2",
            "--mc-samples",
            "100000000000",
        ],
        "--mc-samples: 100000000000 passes over 38 rows",
    );
    let dir = crate::util::temp_dir("mc");
    let model = dir.join("m.safetensors");
    let run = nabla(&[
        "train",
        "--data",
        "iris",
        "--dropout",
        "0.2",
        "--epochs",
        "1",
        "--save",
        model.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_usage_error(
        &[
            "predict",
            "--model",
            model.to_str().unwrap(),
            "--data",
            "iris",
            "--mc-samples",
            "100000000000",
        ],
        "--mc-samples: 100000000000 passes over 150 rows",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
