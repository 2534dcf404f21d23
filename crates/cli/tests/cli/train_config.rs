//! `nabla train --config run.toml`: a TOML run equals the same run written as flags (the saved
//! model byte for byte, the JSON metrics), command-line flags override the file, the JSON
//! `config` reruns the run, and bad files exit 2 naming the key.

use serde_json::Value;

use crate::util::{assert_usage_error, nabla_json, temp_dir as scratch};

/// The JSON output less what differs between two runs of the same model: times and paths.
fn numbers_only(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    for key in ["seconds", "saved", "config"] {
        o.remove(key);
    }
    for e in o["history"].as_array_mut().unwrap() {
        e.as_object_mut().unwrap().remove("seconds");
    }
    v
}

/// A JSON `config` object written as TOML.
fn to_toml(config: &Value) -> String {
    config
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| format!("{k} = {v}\n"))
        .collect()
}

#[test]
fn a_toml_run_equals_the_flag_run_byte_for_byte() {
    let dir = scratch("equal");
    let toml = dir.join("run.toml");
    std::fs::write(
        &toml,
        "# iris, two hidden layers\n\
         data = \"iris\"\n\
         hidden = [16, 8]\n\
         dropout = 0.1\n\
         optimizer = \"rmsprop\"\n\
         lr = 3e-3\n\
         opt = [\"alpha=0.9\"]\n\
         epochs = 7\n\
         batch = 16\n\
         seed = 4\n\
         test_fraction = 0.2\n\
         validation-fraction = 0.1\n\
         schedule = \"cosine:7\"\n\
         dtype = \"f64\"\n",
    )
    .unwrap();
    let (a, b) = (dir.join("a.safetensors"), dir.join("b.safetensors"));
    let from_file = nabla_json(&[
        "train",
        "--config",
        toml.to_str().unwrap(),
        "--save",
        a.to_str().unwrap(),
        "--format",
        "json",
        "--quiet",
    ]);
    let from_flags = nabla_json(&[
        "train",
        "--data",
        "iris",
        "--hidden",
        "16,8",
        "--dropout",
        "0.1",
        "--optimizer",
        "rmsprop",
        "--lr",
        "0.003",
        "--opt",
        "alpha=0.9",
        "--epochs",
        "7",
        "--batch",
        "16",
        "--seed",
        "4",
        "--test-fraction",
        "0.2",
        "--validation-fraction",
        "0.1",
        "--schedule",
        "cosine:7",
        "--dtype",
        "f64",
        "--save",
        b.to_str().unwrap(),
        "--format",
        "json",
        "--quiet",
    ]);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert_eq!(from_file["config"]["hidden"], "16,8");
    assert_eq!(from_file["config"]["lr"], 0.003);
    let (mut c1, mut c2) = (from_file["config"].clone(), from_flags["config"].clone());
    c1.as_object_mut().unwrap().remove("save");
    c2.as_object_mut().unwrap().remove("save");
    assert_eq!(c1, c2);
    assert_eq!(numbers_only(from_file), numbers_only(from_flags));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn command_line_flags_override_the_file() {
    let dir = scratch("override");
    let toml = dir.join("run.toml");
    std::fs::write(
        &toml,
        "data = \"penguins\"\ntask = [\"species:classes\", \"sex:binary\"]\nshared = 8\n\
         epochs = 9\nlr = 0.01\n",
    )
    .unwrap();
    let t = toml.to_str().unwrap();
    let out = nabla_json(&["train", "--config", t, "--format", "json", "--quiet"]);
    assert_eq!(out["epochs"], 9);
    assert_eq!(out["task_order"], serde_json::json!(["species", "sex"]));
    let out = nabla_json(&[
        "train", "--config", t, "--epochs", "3", "--task", "species", "--format", "json", "--quiet",
    ]);
    assert_eq!(out["epochs"], 3);
    assert_eq!(out["task_order"], serde_json::json!(["species"]));
    assert_eq!(out["config"]["lr"], 0.01);
    assert_eq!(out["config"]["task"], serde_json::json!(["species"]));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_json_config_reruns_the_run() {
    let dir = scratch("rerun");
    let first = nabla_json(&[
        "train",
        "--data",
        "wine",
        "--hidden",
        "12",
        "--epochs",
        "4",
        "--optimizer",
        "nadam",
        "--schedule",
        "step:2:0.5",
        "--format",
        "json",
        "--quiet",
    ]);
    let toml = dir.join("again.toml");
    std::fs::write(&toml, to_toml(&first["config"])).unwrap();
    let again = nabla_json(&[
        "train",
        "--config",
        toml.to_str().unwrap(),
        "--format",
        "json",
        "--quiet",
    ]);
    assert_eq!(again["config"], first["config"]);
    assert_eq!(numbers_only(again), numbers_only(first));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_files_exit_2_naming_the_key() {
    let dir = scratch("bad");
    let file = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let unknown = file("unknown.toml", "epoch = 3\n");
    assert_usage_error(
        &["train", "--config", &unknown],
        "unknown key 'epoch' (did you mean: epochs?)",
    );
    let value = file("value.toml", "epochs = \"many\"\n");
    assert_usage_error(&["train", "--config", &value], "epochs = \"many\"");
    assert_usage_error(&["train", "--config", &value], "--epochs");
    let list = file("list.toml", "dropout = [0.1, 0.2]\n");
    assert_usage_error(&["train", "--config", &list], "dropout");
    let syntax = file("syntax.toml", "data = \"iris\"\nlr = = 1\n");
    assert_usage_error(&["train", "--config", &syntax], "line 2");
    let table = file("table.toml", "[optimizer]\nlr = 1\n");
    assert_usage_error(&["train", "--config", &table], "optimizer");
    let itself = file("itself.toml", "config = \"other.toml\"\n");
    assert_usage_error(&["train", "--config", &itself], "unknown key 'config'");
    assert_usage_error(
        &[
            "train",
            "--config",
            dir.join("absent.toml").to_str().unwrap(),
        ],
        "--config",
    );
    // A value the flag's own check refuses is reported as the flag would report it.
    let dropout = file("dropout.toml", "data = \"iris\"\ndropout = 1.5\n");
    assert_usage_error(&["train", "--config", &dropout], "--dropout");
    std::fs::remove_dir_all(dir).unwrap();
}
