//! Predictions that do not exist (issue 13, class 4): a network output that is NaN or infinite
//! — from a feature of 1e300, a hostile model's weights or a tiny feature std — is an error
//! naming the data and the row (exit 2) in `predict`, `eval` and `train`'s final evaluation,
//! never `probabilities: [null, null]` beside a class and an accuracy.

use std::path::Path;

use nabla_nn::data::{Split, SplitConfig};
use serde_json::Value;

use crate::util::{assert_usage_error, nabla_json, path_str as s, temp_dir};

const IRIS_HEADER: &str =
    "sepal length (cm),sepal width (cm),petal length (cm),petal width (cm),species";

fn iris_model(dir: &Path) -> String {
    let model = dir.join("iris.safetensors");
    nabla_json(&[
        "train",
        "--data",
        "iris",
        "--epochs",
        "3",
        "--save",
        s(&model),
        "--format",
        "json",
        "--quiet",
    ]);
    s(&model).to_string()
}

/// Asserts that `predict` and `eval` of `model` on `data` exit 2 naming the data and `row`.
fn refused(model: &str, data: &str, row: usize) {
    for command in ["predict", "eval"] {
        assert_usage_error(
            &[
                command, "--model", model, "--data", data, "--format", "json",
            ],
            &format!("--data {data}: row {row}: the network's output is"),
        );
    }
}

/// `bytes` (a safetensors file) with every metadata entry `key` set to `value` and, when
/// `weights` is given, every stored number set to it (F32).
fn edited(bytes: &[u8], key: Option<(&str, &str)>, weights: Option<f32>) -> Vec<u8> {
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let mut top: Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
    if let Some((k, v)) = key {
        top["__metadata__"][k] = Value::String(v.to_string());
    }
    let mut json = serde_json::to_vec(&top).unwrap();
    json.resize(json.len().next_multiple_of(8), b' ');
    let mut out = (json.len() as u64).to_le_bytes().to_vec();
    out.extend(json);
    let mut data = bytes[8 + n..].to_vec();
    if let Some(w) = weights {
        for chunk in data.chunks_exact_mut(4) {
            chunk.copy_from_slice(&w.to_le_bytes());
        }
    }
    out.extend(data);
    out
}

#[test]
fn a_huge_feature_a_hostile_model_or_a_tiny_std_is_an_error_naming_the_row() {
    let dir = temp_dir("predict");
    let model = iris_model(&dir);
    let csv = |name: &str, rows: &[&str]| {
        let path = dir.join(name);
        std::fs::write(&path, format!("{IRIS_HEADER}\n{}\n", rows.join("\n"))).unwrap();
        s(&path).to_string()
    };
    let fine = "5.1,3.5,1.4,0.2,setosa";
    // A feature of 1e300: finite in the file, infinite once in the model's f32.
    let huge = csv("huge.csv", &[fine, fine, "1e300,3.0,1.3,0.2,setosa"]);
    refused(&model, &huge, 3);
    // Without the target column too (predict needs no labels).
    let path = dir.join("huge_unlabelled.csv");
    std::fs::write(
        &path,
        "sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)\n\
         -1e300,3.0,1.3,0.2\n",
    )
    .unwrap();
    assert_usage_error(
        &["predict", "--model", &model, "--data", s(&path)],
        "row 1: the network's output is",
    );
    // The largest iris values: every standardised feature positive.
    let normal = csv("normal.csv", &["7.9,4.4,6.9,2.5,virginica"]);
    let bytes = std::fs::read(&model).unwrap();
    // Weights that overflow: every weight 3e38 (finite) sums to infinity.
    let hostile = dir.join("hostile.safetensors");
    std::fs::write(&hostile, edited(&bytes, None, Some(3e38))).unwrap();
    refused(s(&hostile), &normal, 1);
    // A tiny feature std: (x − mean)/1e-300 is far beyond f32.
    let tiny = dir.join("tiny.safetensors");
    std::fs::write(
        &tiny,
        edited(&bytes, Some(("feature_stds", "[1e-300,1,1,1]")), None),
    )
    .unwrap();
    refused(s(&tiny), &normal, 1);
    // The same in f64: a feature of 1e300 times a weight of 1e10 overflows f64 too.
    let f64_model = dir.join("f64.safetensors");
    nabla_json(&[
        "train",
        "--data",
        "iris",
        "--epochs",
        "2",
        "--dtype",
        "f64",
        "--save",
        s(&f64_model),
        "--format",
        "json",
        "--quiet",
    ]);
    let big = csv("f64.csv", &[fine, "1e308,1e308,1e308,1e308,setosa"]);
    refused(s(&f64_model), &big, 2);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn multitask_models_refuse_a_row_without_a_prediction() {
    let dir = temp_dir("multitask");
    let model = dir.join("mt.safetensors");
    nabla_json(&[
        "train",
        "--data",
        "penguins",
        "--task",
        "species:classes",
        "--task",
        "body_mass_g:regression",
        "--shared",
        "4",
        "--head",
        "0",
        "--epochs",
        "2",
        "--save",
        s(&model),
        "--format",
        "json",
        "--quiet",
    ]);
    let path = dir.join("rows.csv");
    std::fs::write(
        &path,
        "bill_length_mm,bill_depth_mm,flipper_length_mm,species,body_mass_g\n\
         39.1,18.7,181,Adelie,3750\n\
         39.1,1e300,181,Adelie,3750\n",
    )
    .unwrap();
    refused(s(&model), s(&path), 2);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn trains_final_evaluation_names_the_data_row_whose_prediction_is_not_finite() {
    let dir = temp_dir("train");
    let n = 60;
    let split = Split::of_size(
        n,
        &SplitConfig {
            test_fraction: 0.25,
            validation_fraction: 0.0,
            seed: 0,
            stratify_by: None,
        },
    )
    .unwrap();
    // A test row with a feature of 1e300: the training rows' statistics are ordinary, the
    // standardised test row is beyond f32.
    let bad = split.test[3];
    let mut text = String::from("x1,x2,y,c\n");
    for i in 0..n {
        let x1 = if i == bad {
            "1e300".to_string()
        } else {
            (i as f64 * 0.1).to_string()
        };
        let c = i % 2;
        text.push_str(&format!("{x1},{},{},{c}\n", (i % 7) as f64, i as f64 * 0.5));
    }
    let path = dir.join("data.csv");
    std::fs::write(&path, text).unwrap();
    let needle = format!(
        "--data {}: row {} (test row 4): the network's output is",
        s(&path),
        bad + 1
    );
    assert_usage_error(
        &[
            "train",
            "--data",
            s(&path),
            "--target",
            "y",
            "--epochs",
            "2",
            "--quiet",
        ],
        &needle,
    );
    assert_usage_error(
        &[
            "train",
            "--data",
            s(&path),
            "--task",
            "y:regression",
            "--task",
            "c:binary",
            "--epochs",
            "2",
            "--quiet",
        ],
        &needle,
    );
    std::fs::remove_dir_all(dir).unwrap();
}
