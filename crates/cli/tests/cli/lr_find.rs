//! `nabla lr-find`: the range test's JSON, a suggestion that is stable across seeds on digits and
//! trains well, the plot, and bad flags.

use crate::util::{assert_usage_error, nabla_json};

#[test]
fn the_suggestion_is_stable_across_seeds_and_trains_digits() {
    let mut suggested = Vec::new();
    for seed in ["0", "1", "2", "3"] {
        let out = nabla_json(&["lr-find", "--seed", seed, "--format", "json", "--quiet"]);
        let lrs = out["lrs"].as_array().unwrap();
        assert_eq!(lrs.len(), out["losses"].as_array().unwrap().len());
        assert!(lrs.len() <= 100);
        assert_eq!(lrs[0], 1e-7);
        // Adam's loss on digits diverges before lr 10: the test stops there.
        assert_eq!(out["diverged"], true);
        suggested.push(out["suggested_lr"].as_f64().unwrap());
    }
    let (lo, hi) = suggested
        .iter()
        .fold((f64::INFINITY, 0.0f64), |(l, h), &x| (l.min(x), h.max(x)));
    assert!(hi / lo < 3.0, "suggestions vary: {suggested:?}");
    assert!(lo > 3e-4 && hi < 1e-2, "suggestions {suggested:?}");
    // Training with the suggestion converges: the default recipe's accuracy in 10 epochs.
    let lr = suggested[0].to_string();
    let out = nabla_json(&[
        "train", "--lr", &lr, "--epochs", "10", "--format", "json", "--quiet",
    ]);
    let accuracy = out["test"]["accuracy"].as_f64().unwrap();
    assert!(accuracy > 0.94, "accuracy {accuracy} at lr {lr}");
}

#[test]
fn a_plot_is_drawn_and_bad_flags_exit_2() {
    let dir = crate::util::temp_dir("lr-find");
    let png = dir.join("lr.png");
    let out = nabla_json(&[
        "lr-find",
        "--data",
        "iris",
        "--optimizer",
        "sgd",
        "--steps",
        "40",
        "--plot",
        png.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(out["lrs"].as_array().unwrap().len() <= 40);
    assert_eq!(&std::fs::read(&png).unwrap()[1..4], b"PNG");
    assert_usage_error(&["lr-find", "--min-lr", "0"], "--min-lr");
    assert_usage_error(&["lr-find", "--min-lr", "1", "--max-lr", "0.1"], "--max-lr");
    assert_usage_error(&["lr-find", "--steps", "1"], "--steps");
    assert_usage_error(&["lr-find", "--save", "m.safetensors"], "--save");
    assert_usage_error(&["lr-find", "--task", "species"], "--task");
    // Flags that would change nothing are refused, even at their default value.
    assert_usage_error(
        &["lr-find", "--epochs", "30"],
        "--epochs: does not apply to lr-find",
    );
    assert_usage_error(
        &["lr-find", "--clip-norm", "1"],
        "--clip-norm: does not apply",
    );
    assert_usage_error(
        &["lr-find", "--train-metrics", "full"],
        "--train-metrics: does not apply",
    );
    assert_usage_error(&["lr-find", "--plot", "lr.gif"], "--plot");
    std::fs::remove_dir_all(dir).unwrap();
}
