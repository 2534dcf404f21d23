//! nabla's reliability promises (docs/reliability.md), one test per class of hostile input,
//! each named for what broke: values starting with `-`, write errors on stdout, interrupted
//! writes, outputs that would clobber inputs, absurd sizes, and the shell completions and manual
//! page generated from the flag definitions.

use std::process::{Command, Stdio};

use crate::util::{assert_usage_error, nabla, temp_dir as scratch};

#[test]
fn negative_values_of_integer_flags_name_the_flag_not_an_unexpected_argument() {
    let cases: [&[&str]; 4] = [
        &["train", "--epochs", "-1"],
        &["train", "--batch", "-32"],
        &["bench", "--repeats", "-1"],
        &["regress", "data.csv", "--y", "y", "--exact-limit", "-5"],
    ];
    for args in cases {
        let run = nabla(args);
        assert_eq!(run.status, 2, "{args:?}: {}", run.stderr);
        assert!(
            !run.stderr.contains("unexpected argument"),
            "{args:?}: {}",
            run.stderr
        );
        let flag = args[args.len() - 2];
        assert!(run.stderr.contains(flag), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn values_starting_with_a_hyphen_are_values() {
    let run = nabla(&["activation", "relu", "--at", "-2,2", "--format", "json"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let run = nabla(&[
        "optimize",
        "--function",
        "quadratic",
        "--optimizer",
        "sgd",
        "--start",
        "-1.5,2",
        "--steps",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
}

#[cfg(target_os = "linux")]
#[test]
fn a_write_error_on_stdout_says_stdout() {
    let full = std::fs::File::create("/dev/full").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_nabla"))
        .args(["activation", "relu", "--at", "1", "--format", "json"])
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("stdout"), "{stderr}");
}

#[test]
fn a_closed_stdout_is_a_quiet_exit() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nabla"))
        .args(["completions", "bash"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[cfg(unix)]
#[test]
fn an_interrupted_run_exits_130_and_leaves_no_temporary_file() {
    let dir = scratch("interrupt");
    for delay_ms in [150u64, 400, 900] {
        let model = dir.join("model.safetensors");
        let child = Command::new(env!("CARGO_BIN_EXE_nabla"))
            .args([
                "train", "--data", "iris", "--epochs", "1000000", "--quiet", "--save",
            ])
            .arg(&model)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let killed = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let output = child.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(130),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert!(left.is_empty(), "left behind after {delay_ms} ms: {left:?}");
    }
}

#[test]
fn completions_are_generated_for_bash_zsh_and_fish() {
    for shell in ["bash", "zsh", "fish"] {
        let run = nabla(&["completions", shell]);
        assert_eq!(run.status, 0, "{shell}: {}", run.stderr);
        for word in ["train", "regress", "epochs", "exact-limit"] {
            assert!(run.stdout.contains(word), "{shell} completions lack {word}");
        }
    }
    assert_usage_error(&["completions", "tcsh"], "tcsh");
}

#[test]
fn the_manual_page_covers_nabla_and_each_command() {
    let run = nabla(&["man"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(".ie") || run.stdout.contains(".TH nabla"),
        "{}",
        &run.stdout[..200.min(run.stdout.len())]
    );
    assert!(run.stdout.contains("regress"));
    let run = nabla(&["man", "train"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("nabla\\-train") && run.stdout.contains("epochs"));
    assert_usage_error(
        &["man", "no-such-command"],
        "no command named 'no-such-command'",
    );
}

#[test]
fn a_huge_epoch_count_is_a_bound_not_an_allocation() {
    // The history used to be reserved for every epoch up front: an allocation abort (exit 134)
    // at 2³² epochs and a capacity-overflow panic (101) above. With early stopping the count
    // is a bound the run may never reach, so the run goes as far as it goes; this one diverges
    // in its first epoch and says so. (Without --patience the count is priced: tests/cli/sizes.rs.)
    for epochs in ["4294967296", "100000000000000000"] {
        let run = nabla(&[
            "train",
            "--data",
            "iris",
            "--epochs",
            epochs,
            "--optimizer",
            "sgd",
            "--lr",
            "1e30",
            "--patience",
            "3",
            "--validation-fraction",
            "0.2",
            "--quiet",
        ]);
        assert_eq!(run.status, 2, "--epochs {epochs}: {}", run.stderr);
        assert!(
            run.stderr.contains("diverged"),
            "--epochs {epochs}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

#[test]
fn lr_find_prices_a_huge_step_count_before_any_work() {
    assert_usage_error(
        &["lr-find", "--steps", "100000000000000000", "--quiet"],
        "--steps",
    );
}

#[test]
fn a_plot_path_that_is_an_input_or_no_place_to_write_is_refused_before_any_work() {
    // regress, optimize and activation wrote --plot only after their work, over anything: the
    // regression's own CSV (by name, symbolic link or hard link), the claims file, a folder.
    let dir = scratch("plot-paths");
    let path = |name: &str| dir.join(name).display().to_string();
    let csv = "x,y\n1,1.2\n2,1.9\n3,3.4\n4,3.8\n5,5.3\n6,5.9\n";
    std::fs::write(dir.join("data.svg"), csv).unwrap();
    std::fs::write(dir.join("data.csv"), csv).unwrap();
    std::fs::write(dir.join("claims.png"), r#"{"slope": 1}"#).unwrap();
    std::fs::hard_link(dir.join("data.csv"), dir.join("hard.png")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("data.csv"), dir.join("soft.svg")).unwrap();
    std::fs::create_dir(dir.join("folder.png")).unwrap();
    let (data_svg, data_csv, claims) = (path("data.svg"), path("data.csv"), path("claims.png"));
    let regress = |file: &str, plot: &str, needle: &str| {
        assert_usage_error(&["regress", file, "--y", "y", "--plot", plot], needle);
    };
    regress(&data_svg, &data_svg, "nabla never overwrites an input");
    regress(
        &data_csv,
        &path("hard.png"),
        "nabla never overwrites an input",
    );
    #[cfg(unix)]
    regress(
        &data_csv,
        &path("soft.svg"),
        "nabla never overwrites an input",
    );
    regress(&data_csv, &path("folder.png"), "is a directory");
    regress(&data_csv, &path("none/r.png"), "--plot");
    assert_usage_error(
        &[
            "regress", &data_csv, "--y", "y", "--claims", &claims, "--plot", &claims,
        ],
        "this is the file --claims",
    );
    assert_eq!(std::fs::read_to_string(dir.join("data.svg")).unwrap(), csv);
    assert_eq!(std::fs::read_to_string(dir.join("data.csv")).unwrap(), csv);
    // Ten million steps would take minutes: the refusal comes first.
    for plot in [path("folder.png"), path("none/race.svg")] {
        assert_usage_error(
            &[
                "optimize",
                "--function",
                "rosenbrock",
                "--optimizer",
                "adam",
                "--start",
                "-1.5,2",
                "--steps",
                "10000000",
                "--plot",
                &plot,
            ],
            "--plot",
        );
        assert_usage_error(&["activation", "relu,tanh", "--plot", &plot], "--plot");
    }
    assert_usage_error(&["backprop", "--spec", &path("folder.png")], "--spec: ");
}

/// `n` rows of two features, a class label `kind` (cycling through `classes`) and a regression
/// target `y` (constant when `constant`).
fn degenerate_csv(n: usize, classes: &[&str], constant: bool) -> String {
    let mut csv = String::from("a,b,kind,y\n");
    for i in 0..n {
        let y = if constant { 0.1 } else { i as f64 * 0.37 };
        let kind = classes[i % classes.len()];
        csv.push_str(&format!(
            "{},{},{kind},{y}\n",
            i as f64 * 0.5,
            (i * 7 % 5) as f64
        ));
    }
    csv
}

#[test]
fn metrics_of_a_constant_regression_target_are_null_with_a_note_not_minus_3_8e29() {
    // R² of a constant target was −3.8e29: its SST, tested after an f32 round trip, was 1e-34.
    let dir = scratch("degenerate-target");
    let file = dir.join("constant.csv");
    std::fs::write(&file, degenerate_csv(24, &["0", "1"], true)).unwrap();
    let file = file.display().to_string();
    let single = [
        "train", "--data", &file, "--target", "y", "--epochs", "2", "--hidden", "4", "--format",
        "json", "--quiet",
    ];
    let run = nabla(&single);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut parts = vec![&doc["train"], &doc["test"]];
    parts.extend(
        doc["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["train"]),
    );
    for part in parts {
        assert!(part["r_squared"].is_null(), "{part}");
        assert!(part["mse"].is_f64(), "{part}");
        assert!(part["note"]
            .as_str()
            .unwrap()
            .starts_with("r_squared is null"));
    }
    let multi = [
        "train",
        "--data",
        &file,
        "--task",
        "kind:classes",
        "--task",
        "y:regression",
        "--shared",
        "4",
        "--head",
        "2",
        "--epochs",
        "2",
        "--format",
        "json",
        "--quiet",
    ];
    let run = nabla(&multi);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let y = &doc["tasks"]["y"];
    for part in [&y["train"], &y["test"]] {
        assert!(
            part["r_squared"].is_null() && part["note"].is_string(),
            "{part}"
        );
    }
    assert!(doc["tasks"]["kind"]["test"]["accuracy"].is_f64());
    assert!(!run.stdout.contains("e29") && !run.stdout.contains("e+29"));
}

#[test]
fn a_one_class_classification_target_is_an_error_naming_the_file_and_column() {
    let dir = scratch("one-class");
    let file = dir.join("one_class.csv");
    std::fs::write(&file, degenerate_csv(24, &["3"], false)).unwrap();
    let file = file.display().to_string();
    let needle = format!("{file}: column \"kind\" cannot be a classes target");
    assert_usage_error(
        &[
            "train", "--data", &file, "--target", "kind", "--epochs", "1",
        ],
        &needle,
    );
    assert_usage_error(
        &[
            "train",
            "--data",
            &file,
            "--task",
            "y:regression",
            "--task",
            "kind:classes",
            "--epochs",
            "1",
        ],
        &needle,
    );
    assert_usage_error(&["lr-find", "--data", &file, "--target", "kind"], &needle);
}

#[test]
fn every_command_takes_its_input_file_both_ways() {
    // `regress FILE` and `train --data FILE` used to be the only forms; each now takes both.
    let csv = crate::util::temp_file(
        "both_ways.csv",
        "x,y\n1,2.1\n2,3.9\n3,6.2\n4,7.8\n5,10.1\n6,12.2\n7,13.8\n8,16.1\n",
    );
    let plain = nabla(&["regress", &csv, "--y", "y", "--format", "json", "--quiet"]);
    let flagged = nabla(&[
        "regress", "--data", &csv, "--y", "y", "--format", "json", "--quiet",
    ]);
    assert_eq!(plain.status, 0, "{}", plain.stderr);
    assert_eq!(plain.stdout, flagged.stdout);
    let train = |args: &[&str]| {
        let mut all = vec![
            "train", "--target", "y", "--epochs", "2", "--format", "json", "--quiet",
        ];
        all.extend(args);
        let run = nabla(&all);
        assert_eq!(run.status, 0, "{}", run.stderr);
        let mut json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        for key in ["seconds", "history"] {
            json.as_object_mut().unwrap().remove(key);
        }
        json
    };
    assert_eq!(train(&[&csv]), train(&["--data", &csv]));
    assert_usage_error(
        &["train", &csv, "--data", "iris"],
        "--data: the data is given twice",
    );
    assert_usage_error(
        &["regress", &csv, "--data", &csv, "--y", "y"],
        "--data: the CSV file is given twice",
    );
}
