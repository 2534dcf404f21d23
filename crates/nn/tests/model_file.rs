//! Model files: bit-exact round trips, PyTorch ↔ nabla fixtures, every error path, a fuzz of
//! truncations and byte flips, atomic saves, and the definitions of Monte Carlo dropout.
//!
//! The fixtures under `tests/fixtures/model_file/` come from `tools/oracles/torch/model_file.py`
//! (PyTorch writes `torch_*.safetensors` and records its predictions; it loads the
//! `nabla_*.safetensors` that `write_nabla_fixtures` below writes, strictly, and records its
//! predictions on them).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use nabla_nn::data::{Standardizer, Target};
use nabla_nn::layers::{Mlp, MlpConfig};
use nabla_nn::model_file::{mc_rng, Model, ModelFileProblem, Network, Prediction, TargetInfo};
use nabla_nn::train::Objective;
use nabla_nn::Error;
use nabla_tensor::{Activation, Float, Tensor};
use safetensors::{Dtype, SafeTensors};
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/model_file");

fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|j| format!("{prefix}{j}")).collect()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn scaler(d: usize, seed: u64) -> Standardizer {
    let means = (0..d)
        .map(|j| (j as f64 - 1.5) * 3.25 + seed as f64)
        .collect();
    let stds = (0..d).map(|j| 0.5 + j as f64 * 0.75).collect();
    Standardizer::from_parts(names("x", d), means, stds).unwrap()
}

fn model<T: Float>(
    widths: &[usize],
    activation: Activation,
    dropout: f64,
    seed: u64,
    target: TargetInfo,
) -> Model {
    let config = MlpConfig {
        widths: widths.to_vec(),
        activation,
        dropout,
        ..MlpConfig::default()
    };
    let mlp = Mlp::<T>::new(&config, seed).unwrap();
    Model::new(Network::from_mlp(&mlp), scaler(widths[0], seed), target).unwrap()
}

fn classes(k: usize) -> TargetInfo {
    let names = names("class", k);
    TargetInfo::new("label".into(), Objective::Classes { classes: k }, names).unwrap()
}

fn binary() -> TargetInfo {
    TargetInfo::new("flag".into(), Objective::Binary, strings(&["no", "yes"])).unwrap()
}

fn regression() -> TargetInfo {
    let objective = Objective::Regression {
        mean: 150.5,
        std: 23.25,
    };
    TargetInfo::new("y".into(), objective, Vec::new()).unwrap()
}

/// The models whose files `write_nabla_fixtures` commits and PyTorch loads.
fn nabla_models() -> Vec<(&'static str, Model)> {
    vec![
        (
            "nabla_classes_f32_dropout",
            model::<f32>(&[4, 10, 6, 3], Activation::Relu, 0.3, 11, classes(3)),
        ),
        (
            "nabla_regression_f64",
            model::<f64>(
                &[3, 8, 1],
                Activation::Elu { alpha: 0.5 },
                0.0,
                12,
                regression(),
            ),
        ),
        (
            "nabla_binary_f32_silu",
            model::<f32>(
                &[2, 5, 1],
                Activation::Swish { beta: 1.0 },
                0.1,
                13,
                binary(),
            ),
        ),
    ]
}

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

fn read_json(name: &str) -> Value {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn rows(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().flat_map(f64s).collect()
}

fn close(a: f64, b: f64, rel: f64, abs: f64) -> bool {
    (a - b).abs() <= abs + rel * b.abs()
}

/// (relative, absolute) tolerance for outputs computed in `dtype`: the sums may be added in a
/// different order than PyTorch's kernels add them.
fn tolerance(dtype: &str) -> (f64, f64) {
    if dtype == "float32" {
        (2e-6, 2e-6)
    } else {
        (1e-13, 1e-13)
    }
}

/// A temporary folder of this test process.
fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nabla-model-file-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
#[ignore = "writes the nabla_*.safetensors fixtures; run, then tools/oracles/torch/model_file.py"]
fn write_nabla_fixtures() {
    for (name, model) in nabla_models() {
        model.save(fixture(&format!("{name}.safetensors"))).unwrap();
    }
}

#[test]
fn committed_nabla_files_are_what_nabla_writes() {
    for (name, expected) in nabla_models() {
        let loaded = Model::load(fixture(&format!("{name}.safetensors"))).unwrap();
        assert_eq!(loaded, expected, "{name}");
    }
}

#[test]
fn nabla_files_load_in_pytorch_and_predict_the_same() {
    let expected = read_json("nabla_expected.json");
    let models = expected["models"].as_object().unwrap();
    assert_eq!(models.len(), nabla_models().len());
    for (name, e) in models {
        let model = Model::load(fixture(e["file"].as_str().unwrap())).unwrap();
        assert_eq!(model.network().dtype(), e["dtype"].as_str().unwrap());
        let mut torch_names: Vec<String> = e["state_dict_names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        let mut ours = model.network().parameter_names();
        torch_names.sort();
        ours.sort();
        assert_eq!(ours, torch_names, "{name}");
        check_predictions(name, &model, e);
    }
}

#[test]
fn pytorch_files_load_and_predict_identically() {
    let expected = read_json("torch_expected.json");
    let models = expected["models"].as_object().unwrap();
    assert_eq!(models.len(), 4);
    for (name, e) in models {
        let model = Model::load(fixture(e["file"].as_str().unwrap())).unwrap();
        assert_eq!(model.network().dtype(), e["dtype"].as_str().unwrap());
        // Every weight bit for bit (f32 values are exact in the JSON's f64).
        let state = e["state_dict"].as_object().unwrap();
        assert_eq!(
            state.len(),
            model.network().parameter_names().len(),
            "{name}"
        );
        let params: Vec<(String, Vec<f64>, Vec<usize>)> = match model.network() {
            Network::F32(m) => params_f64(m),
            Network::F64(m) => params_f64(m),
        };
        for (pname, values, shape) in params {
            assert_eq!(f64s(&state[&pname]), values, "{name} {pname}");
            let torch_shape: Vec<usize> = e["shapes"][&pname]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as usize)
                .collect();
            assert_eq!(torch_shape, shape, "{name} {pname}");
        }
        let meta = &e["metadata"];
        assert_eq!(model.target().kind().name(), meta["task"].as_str().unwrap());
        assert_eq!(model.network().activation().name(), meta["activation"]);
        check_predictions(name, &model, e);
    }
}

fn params_f64<T: Float>(m: &Mlp<T>) -> Vec<(String, Vec<f64>, Vec<usize>)> {
    m.parameter_names()
        .into_iter()
        .zip(m.parameters())
        .map(|(n, t)| (n, t.to_f64_vec(), t.shape().to_vec()))
        .collect()
}

/// Standardisation, raw outputs, probabilities, labels and values against PyTorch's.
fn check_predictions(name: &str, model: &Model, e: &Value) {
    let (rel, abs) = tolerance(e["dtype"].as_str().unwrap());
    let mut x = rows(&e["raw"]);
    model.standardizer().transform_rows(&mut x).unwrap();
    for (a, b) in x.iter().zip(rows(&e["standardized"])) {
        // PyTorch standardises in f64 and then rounds to the model's dtype.
        assert!(
            close(*a, b, rel.min(1e-7), 1e-7 * rel.max(1e-9)),
            "{name}: {a} vs {b}"
        );
    }
    let out = model.outputs(&x).unwrap();
    let torch_out = rows(&e["outputs"]);
    assert_eq!(out.numel(), torch_out.len(), "{name}");
    for (a, b) in out.data().iter().zip(&torch_out) {
        assert!(close(*a, *b, rel, abs), "{name}: output {a} vs PyTorch {b}");
    }
    let predictions = model.predict(&x).unwrap();
    match model.target().objective {
        Objective::Regression { .. } => {
            for (p, v) in predictions.iter().zip(f64s(&e["values"])) {
                let ours = p.value().unwrap();
                assert!(close(ours, v, rel, abs * 30.0), "{name}: {ours} vs {v}");
            }
        }
        _ => {
            let probs = rows(&e["probabilities"]);
            let k = model.target().classes.len();
            for (i, p) in predictions.iter().enumerate() {
                let Prediction::Class {
                    label,
                    probabilities,
                } = p
                else {
                    panic!("{name}: a class prediction expected");
                };
                assert_eq!(
                    *label as u64,
                    e["labels"][i].as_u64().unwrap(),
                    "{name} row {i}"
                );
                for (a, b) in probabilities.iter().zip(&probs[i * k..(i + 1) * k]) {
                    assert!(close(*a, *b, rel, abs), "{name} row {i}: p {a} vs {b}");
                }
            }
        }
    }
}

#[test]
fn round_trips_are_bit_exact_in_f32_and_f64() {
    let dir = temp_dir("round-trip");
    let cases = [
        model::<f32>(&[5, 7, 3], Activation::Tanh, 0.0, 1, classes(3)),
        model::<f64>(&[5, 7, 3], Activation::Tanh, 0.0, 1, classes(3)),
        model::<f32>(&[3, 4, 4, 1], Activation::Gelu, 0.25, 2, binary()),
        model::<f64>(
            &[2, 3, 1],
            Activation::Softplus {
                beta: 2.5,
                threshold: 7.0,
            },
            0.5,
            3,
            regression(),
        ),
        model::<f64>(&[6, 2], Activation::Relu, 0.0, 4, classes(2)),
        model::<f32>(
            &[1, 1, 1],
            Activation::LeakyRelu { alpha: 0.3 },
            0.9,
            5,
            regression(),
        ),
    ];
    for (i, m) in cases.into_iter().enumerate() {
        let path = dir.join(format!("m{i}.safetensors"));
        m.save(&path).unwrap();
        let back = Model::load(&path).unwrap();
        assert_eq!(back, m, "case {i}");
        // Bit-exact: compare the bit patterns, not just the values.
        let bits = |m: &Model| -> Vec<u64> {
            match m.network() {
                Network::F32(n) => n
                    .parameters()
                    .iter()
                    .flat_map(|t| t.data().iter().map(|v| u64::from(v.to_bits())))
                    .collect(),
                Network::F64(n) => n
                    .parameters()
                    .iter()
                    .flat_map(|t| t.data().iter().map(|v| v.to_bits()))
                    .collect(),
            }
        };
        assert_eq!(bits(&back), bits(&m), "case {i}");
        assert_eq!(back.standardizer(), m.standardizer());
        assert_eq!(back.target(), m.target());
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn tensors_are_named_and_typed_as_pytorch_state_dicts() {
    let m = model::<f64>(&[3, 4, 4, 2], Activation::Relu, 0.2, 0, classes(2));
    let bytes = m.to_bytes().unwrap();
    let file = SafeTensors::deserialize(&bytes).unwrap();
    let mut names = file.names();
    names.sort();
    assert_eq!(
        names,
        ["0.bias", "0.weight", "3.bias", "3.weight", "6.bias", "6.weight"]
    );
    let w = file.tensor("3.weight").unwrap();
    assert_eq!((w.dtype(), w.shape()), (Dtype::F64, &[4usize, 4][..]));
    let b = file.tensor("6.bias").unwrap();
    assert_eq!((b.dtype(), b.shape()), (Dtype::F64, &[2usize][..]));
    let m32 = model::<f32>(&[3, 2], Activation::Relu, 0.0, 0, classes(2));
    let bytes = m32.to_bytes().unwrap();
    let file = SafeTensors::deserialize(&bytes).unwrap();
    assert_eq!(file.tensor("0.weight").unwrap().dtype(), Dtype::F32);
    // The weight bytes are the little-endian values in row-major [out, in] order.
    let Network::F32(mlp) = m32.network() else {
        panic!()
    };
    let expected: Vec<u8> = mlp.layers()[0]
        .weight
        .data()
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    assert_eq!(file.tensor("0.weight").unwrap().data(), expected.as_slice());
}

#[test]
fn saving_the_same_model_twice_gives_the_same_bytes() {
    let m = model::<f32>(&[3, 5, 1], Activation::Relu, 0.2, 4, binary());
    let a = m.to_bytes().unwrap();
    for _ in 0..5 {
        assert_eq!(m.to_bytes().unwrap(), a);
    }
    // The header is sorted JSON padded with spaces to 8 bytes, and still valid safetensors.
    let n = u64::from_le_bytes(a[..8].try_into().unwrap()) as usize;
    assert_eq!(n % 8, 0);
    let header = std::str::from_utf8(&a[8..8 + n]).unwrap();
    assert!(header.starts_with("{\"0.bias\":"), "{header}");
    assert!(
        header.contains("\"__metadata__\":{\"activation\":\"relu\""),
        "{header}"
    );
    assert_eq!(Model::from_bytes("sorted", &a).unwrap(), m);
}

#[test]
fn metadata_holds_exact_numbers_as_json() {
    let m = model::<f64>(&[2, 3, 1], Activation::Relu, 0.0, 0, regression());
    let meta = metadata_of(&m.to_bytes().unwrap());
    assert_eq!(meta["nabla_format_version"], "1");
    assert_eq!(meta["widths"], "[2,3,1]");
    assert_eq!(meta["activation"], "relu");
    assert_eq!(meta["activation_params"], "{}");
    assert_eq!(meta["task"], "regression");
    assert_eq!(meta["target_mean"], "150.5");
    assert_eq!(meta["target_std"], "23.25");
    assert_eq!(meta["feature_names"], r#"["x0","x1"]"#);
    let means: Vec<f64> = serde_json::from_str(&meta["feature_means"]).unwrap();
    assert_eq!(means, m.standardizer().mean());
    let k = model::<f32>(
        &[2, 3, 2],
        Activation::LeakyRelu { alpha: 0.1 },
        0.0,
        0,
        classes(2),
    );
    let meta = metadata_of(&k.to_bytes().unwrap());
    assert_eq!(meta["activation_params"], r#"{"alpha":0.1}"#);
    assert_eq!(meta["classes"], r#"["class0","class1"]"#);
    assert!(!meta.contains_key("target_mean"));
}

// ---------------------------------------------------------------------------------------------
// Error paths

fn metadata_of(bytes: &[u8]) -> HashMap<String, String> {
    let (_, header) = SafeTensors::read_metadata(bytes).unwrap();
    header.metadata().clone().unwrap()
}

type RawTensor = (String, Dtype, Vec<usize>, Vec<u8>);

fn tensors_of(bytes: &[u8]) -> Vec<RawTensor> {
    let file = SafeTensors::deserialize(bytes).unwrap();
    file.tensors()
        .into_iter()
        .map(|(n, v)| (n, v.dtype(), v.shape().to_vec(), v.data().to_vec()))
        .collect()
}

fn build(meta: Option<HashMap<String, String>>, tensors: &[RawTensor]) -> Vec<u8> {
    let views: Vec<(String, safetensors::tensor::TensorView<'_>)> = tensors
        .iter()
        .map(|(n, d, s, b)| {
            (
                n.clone(),
                safetensors::tensor::TensorView::new(*d, s.clone(), b).unwrap(),
            )
        })
        .collect();
    safetensors::serialize(views, meta).unwrap()
}

fn base() -> Model {
    model::<f64>(&[3, 4, 2], Activation::Tanh, 0.0, 9, classes(2))
}

fn load_err(bytes: &[u8]) -> (ModelFileProblem, String) {
    match Model::from_bytes("models/bad.safetensors", bytes) {
        Ok(_) => panic!("a bad file loaded"),
        Err(e) => {
            let text = e.to_string();
            assert!(
                text.starts_with("model file models/bad.safetensors: "),
                "{text}"
            );
            match e {
                Error::ModelFile { problem, .. } => (problem, text),
                other => panic!("unexpected error {other}"),
            }
        }
    }
}

fn with_meta(edit: impl FnOnce(&mut HashMap<String, String>)) -> Vec<u8> {
    let bytes = base().to_bytes().unwrap();
    let mut meta = metadata_of(&bytes);
    edit(&mut meta);
    build(Some(meta), &tensors_of(&bytes))
}

fn with_tensors(edit: impl FnOnce(&mut Vec<RawTensor>)) -> Vec<u8> {
    let bytes = base().to_bytes().unwrap();
    let mut tensors = tensors_of(&bytes);
    edit(&mut tensors);
    build(Some(metadata_of(&bytes)), &tensors)
}

#[test]
fn a_missing_file_is_named() {
    let e = Model::load("/no/such/dir/model.safetensors").unwrap_err();
    let text = e.to_string();
    assert!(text.contains("/no/such/dir/model.safetensors"), "{text}");
    assert!(matches!(
        e,
        Error::ModelFile {
            problem: ModelFileProblem::Read(_),
            ..
        }
    ));
}

#[test]
fn a_file_that_is_not_safetensors_is_rejected() {
    for bytes in [
        &b""[..],
        b"hello",
        b"col1,col2\n1,2\n3,4\n",
        &[0xff; 64],
        &[
            8, 0, 0, 0, 0, 0, 0, 0, b'[', b']', b' ', b' ', b' ', b' ', b' ', b' ',
        ],
    ] {
        let (problem, text) = load_err(bytes);
        assert!(
            matches!(problem, ModelFileProblem::Safetensors(_)),
            "{text}"
        );
        assert!(text.contains("not a valid safetensors file"), "{text}");
    }
}

#[test]
fn a_plain_pytorch_state_dict_says_what_is_missing() {
    let bytes = base().to_bytes().unwrap();
    let tensors = tensors_of(&bytes);
    for meta in [None, Some(HashMap::from([("format".into(), "pt".into())]))] {
        let (problem, text) = load_err(&build(meta, &tensors));
        assert!(
            matches!(problem, ModelFileProblem::NotNabla { .. }),
            "{text}"
        );
        assert!(text.contains("nabla_format_version"), "{text}");
        assert!(text.contains("weights only"), "{text}");
        assert!(text.contains("feature_means"), "{text}");
    }
}

#[test]
fn a_plain_state_dict_loads_when_the_metadata_is_given_beside_it() {
    let m = model::<f32>(&[3, 4, 4, 2], Activation::Tanh, 0.25, 8, classes(2));
    let bytes = m.to_bytes().unwrap();
    let mut meta = metadata_of(&bytes);
    let plain = build(None, &tensors_of(&bytes));
    assert!(Model::from_bytes("plain", &plain).is_err());
    // The architecture, features and target given separately (the version may be left out).
    meta.remove("nabla_format_version");
    let back = Model::from_bytes_with_metadata("plain", &plain, &meta).unwrap();
    assert_eq!(back, m);
    // Entries given replace the file's own.
    let mut renamed = HashMap::new();
    renamed.insert("target".to_string(), "outcome".to_string());
    let back = Model::from_bytes_with_metadata("full", &bytes, &renamed).unwrap();
    assert_eq!(back.target().name, "outcome");
    // An incomplete description is named as ever.
    meta.remove("feature_stds");
    let e = Model::from_bytes_with_metadata("plain", &plain, &meta)
        .unwrap_err()
        .to_string();
    assert!(e.contains("\"feature_stds\" is missing"), "{e}");
}

#[test]
fn each_missing_metadata_key_is_named() {
    for key in [
        "widths",
        "activation",
        "activation_params",
        "dropout",
        "feature_names",
        "feature_means",
        "feature_stds",
        "target",
        "task",
        "classes",
    ] {
        let (problem, text) = load_err(&with_meta(|m| {
            m.remove(key);
        }));
        assert!(
            matches!(problem, ModelFileProblem::MissingMetadata { key: k } if k == key),
            "{key}: {text}"
        );
        assert!(text.contains(&format!("\"{key}\" is missing")), "{text}");
    }
    let reg = regression_bytes();
    for key in ["target_mean", "target_std"] {
        let mut meta = metadata_of(&reg);
        meta.remove(key);
        let (problem, text) = load_err(&build(Some(meta), &tensors_of(&reg)));
        assert!(
            matches!(problem, ModelFileProblem::MissingMetadata { .. }),
            "{text}"
        );
        assert!(text.contains(key), "{text}");
    }
}

fn regression_bytes() -> Vec<u8> {
    model::<f64>(&[3, 2, 1], Activation::Relu, 0.0, 1, regression())
        .to_bytes()
        .unwrap()
}

#[test]
fn bad_metadata_values_are_named() {
    let cases: &[(&str, &str, &str)] = &[
        ("widths", "[3,4", "widths"),
        ("widths", "[3]", "input and an output width"),
        ("widths", "[3,0,2]", "at least 1"),
        ("widths", "[-3,4,2]", "widths"),
        ("activation", "swishy", "unknown activation"),
        ("activation_params", "{\"alpha\":0.1}", "alpha"),
        ("activation_params", "{\"gamma\":1}", "gamma"),
        ("activation_params", "[1]", "activation_params"),
        ("dropout", "1.0", "[0, 1)"),
        ("dropout", "-0.1", "[0, 1)"),
        ("dropout", "half", "dropout"),
        ("feature_names", "[\"x0\",\"x1\"]", "standardizer"),
        ("feature_means", "[0,0,\"a\"]", "feature_means"),
        ("feature_stds", "[1,0,1]", "standardizer std"),
        ("task", "ranking", "unknown task kind"),
        (
            "classes",
            "[\"a\"]",
            "needs 1 output(s), but widths end with 2",
        ),
        ("classes", "[\"a\",\"a\"]", "\"a\" appears more than once"),
        ("nabla_format_version", "2", "not supported"),
    ];
    for (key, value, needle) in cases {
        let (problem, text) = load_err(&with_meta(|m| {
            m.insert(key.to_string(), value.to_string());
        }));
        assert!(
            text.contains(needle),
            "{key} = {value}: expected {needle:?} in {text}"
        );
        assert!(
            !matches!(problem, ModelFileProblem::Safetensors(_)),
            "{text}"
        );
    }
    // Regression scaling.
    for (key, value, needle) in [
        ("target_std", "0", "finite and positive"),
        ("target_std", "-2", "finite and positive"),
        ("target_mean", "\"x\"", "target_mean"),
    ] {
        let reg = regression_bytes();
        let mut meta = metadata_of(&reg);
        meta.insert(key.into(), value.into());
        let (_, text) = load_err(&build(Some(meta), &tensors_of(&reg)));
        assert!(text.contains(needle), "{text}");
    }
}

#[test]
fn metadata_that_contradicts_itself_is_named() {
    // Widths say 3 inputs and 2 outputs; change the features and the task.
    let (problem, text) = load_err(&with_meta(|m| {
        m.insert("feature_names".into(), r#"["a","b"]"#.into());
        m.insert("feature_means".into(), "[0,0]".into());
        m.insert("feature_stds".into(), "[1,1]".into());
    }));
    assert!(
        matches!(problem, ModelFileProblem::Inconsistent { .. }),
        "{text}"
    );
    assert!(
        text.contains("3 inputs but there are 2 feature names"),
        "{text}"
    );
    let (_, text) = load_err(&with_meta(|m| {
        m.insert("task".into(), "binary".into());
    }));
    assert!(text.contains("binary target needs 1 output"), "{text}");
}

#[test]
fn tensor_faults_are_named() {
    // Missing.
    let (problem, text) = load_err(&with_tensors(|t| t.retain(|(n, ..)| n != "2.bias")));
    assert!(
        matches!(problem, ModelFileProblem::MissingTensor { .. }),
        "{text}"
    );
    assert!(text.contains("\"2.bias\" is missing"), "{text}");
    // Unexpected (a dropout-indexed name in a model without dropout).
    let (problem, text) = load_err(&with_tensors(|t| {
        for x in t.iter_mut() {
            x.0 = x.0.replace("2.", "3.");
        }
    }));
    assert!(
        matches!(problem, ModelFileProblem::UnexpectedTensor { .. }),
        "{text}"
    );
    assert!(text.contains("unexpected tensor \"3."), "{text}");
    assert!(text.contains("expected tensors: 0.weight, 0.bias, 2.weight, 2.bias"));
    // Wrong dtype: F16 and I64 of the right byte size.
    for (dtype, size) in [(Dtype::F16, 2), (Dtype::I64, 8), (Dtype::BF16, 2)] {
        let (problem, text) = load_err(&with_tensors(|t| {
            for x in t.iter_mut().filter(|x| x.0 == "0.weight") {
                let n: usize = x.2.iter().product();
                x.1 = dtype;
                x.3 = vec![0; n * size];
            }
        }));
        assert!(matches!(problem, ModelFileProblem::Dtype { .. }), "{text}");
        assert!(text.contains(&format!("dtype {dtype}")), "{text}");
        assert!(text.contains("0.weight"), "{text}");
    }
    // Mixed F32 and F64.
    let (problem, text) = load_err(&with_tensors(|t| {
        for x in t.iter_mut().filter(|x| x.0 == "2.weight") {
            let values: Vec<f64> =
                x.3.chunks_exact(8)
                    .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
                    .collect();
            x.1 = Dtype::F32;
            x.3 = values
                .iter()
                .flat_map(|&v| (v as f32).to_le_bytes())
                .collect();
        }
    }));
    assert!(
        matches!(problem, ModelFileProblem::MixedDtypes { .. }),
        "{text}"
    );
    assert!(text.contains("\"2.weight\" is F32"), "{text}");
    // Wrong shape: transposed weight.
    let (problem, text) = load_err(&with_tensors(|t| {
        for x in t.iter_mut().filter(|x| x.0 == "0.weight") {
            x.2 = vec![3, 4];
        }
    }));
    assert!(matches!(problem, ModelFileProblem::Shape { .. }), "{text}");
    assert!(
        text.contains("shape [3, 4]") && text.contains("need [4, 3]"),
        "{text}"
    );
    // Non-finite weight.
    for bad in [f64::NAN, f64::INFINITY] {
        let (problem, text) = load_err(&with_tensors(|t| {
            for x in t.iter_mut().filter(|x| x.0 == "2.bias") {
                x.3[8..16].copy_from_slice(&bad.to_le_bytes());
            }
        }));
        assert!(
            matches!(problem, ModelFileProblem::NonFinite { index: 1, .. }),
            "{text}"
        );
        assert!(
            text.contains("\"2.bias\" element 1 is not finite"),
            "{text}"
        );
    }
}

#[test]
fn a_sequential_saved_as_an_attribute_loads_through_its_prefix() {
    // `self.net = nn.Sequential(...)` saves `net.0.weight`, `net.0.bias`, ...
    let m = base();
    let prefixed = with_tensors(|t| {
        for x in t.iter_mut() {
            x.0 = format!("net.{}", x.0);
        }
    });
    assert_eq!(Model::from_bytes("prefixed", &prefixed).unwrap(), m);
    let deeper = with_tensors(|t| {
        for x in t.iter_mut() {
            x.0 = format!("model.mlp.{}", x.0);
        }
    });
    assert_eq!(Model::from_bytes("deeper", &deeper).unwrap(), m);
    // Two different prefixes, or a prefix not ending at a '.', are not guessed at.
    let mixed = with_tensors(|t| {
        for (i, x) in t.iter_mut().enumerate() {
            x.0 = format!("{}.{}", if i == 0 { "a" } else { "b" }, x.0);
        }
    });
    let (problem, _) = load_err(&mixed);
    assert!(matches!(problem, ModelFileProblem::UnexpectedTensor { .. }));
    let glued = with_tensors(|t| {
        for x in t.iter_mut() {
            x.0 = format!("x{}", x.0);
        }
    });
    let (problem, text) = load_err(&glued);
    assert!(
        matches!(problem, ModelFileProblem::UnexpectedTensor { .. }),
        "{text}"
    );
}

#[test]
fn truncation_at_every_length_and_byte_flips_never_panic() {
    let models = [
        base(),
        model::<f32>(&[2, 3, 1], Activation::Relu, 0.5, 3, binary()),
    ];
    for m in models {
        let bytes = m.to_bytes().unwrap();
        for len in 0..bytes.len() {
            let (problem, _) = load_err(&bytes[..len]);
            assert!(
                matches!(problem, ModelFileProblem::Safetensors(_)),
                "len {len}"
            );
        }
        // Every byte flipped (all bits, then one bit): an error or a model, never a panic.
        let mut loaded = 0;
        for i in 0..bytes.len() {
            for mask in [0xff_u8, 0x01, 0x20] {
                let mut b = bytes.clone();
                b[i] ^= mask;
                if let Ok(back) = Model::from_bytes("flipped", &b) {
                    // A flip in a weight or a name gives another valid model of the same shape.
                    loaded += 1;
                    assert_eq!(back.network().widths(), m.network().widths());
                }
            }
        }
        assert!(loaded > 0, "flips in the weights load as other weights");
        // Extra bytes at the end.
        let mut longer = bytes.clone();
        longer.extend_from_slice(&[0; 8]);
        assert!(Model::from_bytes("longer", &longer).is_err());
    }
}

#[test]
fn random_corruptions_and_hostile_headers_never_panic() {
    use rand::Rng;
    let bytes = model::<f32>(&[3, 4, 2], Activation::Relu, 0.3, 2, classes(2))
        .to_bytes()
        .unwrap();
    let mut rng = nabla_nn::init::seeded(2024);
    for _ in 0..3000 {
        let mut b = bytes.clone();
        for _ in 0..rng.gen_range(1..8) {
            let i = rng.gen_range(0..b.len());
            b[i] = rng.gen();
        }
        if rng.gen_bool(0.2) {
            b.truncate(rng.gen_range(0..b.len()));
        }
        let _ = Model::from_bytes("random", &b);
    }
    // Headers that claim enormous or absurd architectures fail cleanly and briefly.
    for widths in [
        "[100000000000000,1]",
        "[3,18446744073709551615,2]",
        "[3,4,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2]",
    ] {
        let (_, text) = load_err(&with_meta(|m| {
            m.insert("widths".into(), widths.into());
        }));
        assert!(text.len() < 600, "{text}");
    }
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let (_, text) = load_err(&with_meta(|m| {
        m.insert("feature_means".into(), nested);
    }));
    assert!(text.contains("feature_means"), "{text}");
}

#[test]
fn saves_are_atomic_and_failed_saves_leave_files_alone() {
    let dir = temp_dir("atomic");
    let path = dir.join("model.safetensors");
    let first = base();
    first.save(&path).unwrap();
    let second = model::<f32>(&[3, 5, 2], Activation::Relu, 0.0, 1, classes(2));
    second.save(&path).unwrap();
    assert_eq!(Model::load(&path).unwrap(), second);
    // No temporary file left beside it.
    let entries: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(entries.len(), 1);
    // Saving into a folder that does not exist fails, names the path, and creates nothing.
    let missing = dir.join("nope").join("model.safetensors");
    let e = first.save(&missing).unwrap_err().to_string();
    assert!(
        e.contains("nope/model.safetensors") && e.contains("cannot write"),
        "{e}"
    );
    assert!(!dir.join("nope").exists());
    // Saving over a directory fails and leaves it (and no temporary file) behind.
    let sub = dir.join("sub");
    std::fs::create_dir(&sub).unwrap();
    assert!(first.save(&sub).is_err());
    assert!(sub.is_dir());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn model_new_checks_the_widths_against_features_and_target() {
    let mlp = Mlp::<f64>::new(
        &MlpConfig {
            widths: vec![3, 4, 2],
            ..MlpConfig::default()
        },
        0,
    )
    .unwrap();
    let e = Model::new(Network::from_mlp(&mlp), scaler(2, 0), classes(2)).unwrap_err();
    assert!(
        matches!(
            e,
            Error::DataShape {
                expected: 2,
                found: 3,
                ..
            }
        ),
        "{e}"
    );
    let e = Model::new(Network::from_mlp(&mlp), scaler(3, 0), classes(3)).unwrap_err();
    assert!(
        matches!(
            e,
            Error::DataShape {
                expected: 3,
                found: 2,
                ..
            }
        ),
        "{e}"
    );
    assert!(Model::new(Network::from_mlp(&mlp), scaler(3, 0), classes(2)).is_ok());
    assert!(TargetInfo::new("t".into(), Objective::Binary, strings(&["a"])).is_err());
    assert!(TargetInfo::new("t".into(), Objective::Classes { classes: 0 }, vec![]).is_err());
    assert!(TargetInfo::new("t".into(), regression().objective, strings(&["a"])).is_err());
}

// ---------------------------------------------------------------------------------------------
// Predictions and Monte Carlo dropout

#[test]
fn predictions_decode_outputs_as_documented() {
    // Regression: value = out · std + mean.
    let m = model::<f64>(&[3, 4, 1], Activation::Relu, 0.0, 5, regression());
    let x = vec![0.5, -1.0, 2.0, 0.0, 0.0, 0.0];
    let out = m.outputs(&x).unwrap();
    let values: Vec<f64> = m
        .predict(&x)
        .unwrap()
        .iter()
        .map(|p| p.value().unwrap())
        .collect();
    for (v, o) in values.iter().zip(out.data()) {
        assert_eq!(*v, o * 23.25 + 150.5);
    }
    // Binary: p₁ = σ(logit), label = [logit > 0].
    let b = model::<f64>(&[3, 4, 1], Activation::Relu, 0.0, 5, binary());
    let out = b.outputs(&x).unwrap();
    for (p, o) in b.predict(&x).unwrap().iter().zip(out.data()) {
        let Prediction::Class {
            label,
            probabilities,
        } = p
        else {
            panic!()
        };
        let p1 = 1.0 / (1.0 + (-o).exp());
        assert!((probabilities[1] - p1).abs() < 1e-15);
        assert!((probabilities[0] + probabilities[1] - 1.0).abs() < 1e-15);
        assert_eq!(*label, usize::from(*o > 0.0));
    }
    // Classes: softmax, argmax.
    let c = model::<f64>(&[3, 4, 3], Activation::Relu, 0.0, 5, classes(3));
    let out = c.outputs(&x).unwrap();
    for (i, p) in c.predict(&x).unwrap().iter().enumerate() {
        let Prediction::Class {
            label,
            probabilities,
        } = p
        else {
            panic!()
        };
        let logits = &out.data()[i * 3..i * 3 + 3];
        let max = logits.iter().cloned().fold(f64::MIN, f64::max);
        let z: f64 = logits.iter().map(|l| (l - max).exp()).sum();
        for (q, l) in probabilities.iter().zip(logits) {
            assert!((q - (l - max).exp() / z).abs() < 1e-15);
        }
        assert_eq!(logits[*label], max);
    }
    // A ragged input is an error, not a panic.
    assert!(matches!(
        c.outputs(&[1.0, 2.0]),
        Err(Error::DataShape { .. })
    ));
}

#[test]
fn mc_dropout_mean_and_std_follow_their_definitions() {
    let m = model::<f64>(&[3, 16, 3], Activation::Relu, 0.4, 7, classes(3));
    let x: Vec<f64> = (0..15).map(|i| (i as f64 * 0.37).sin()).collect();
    let samples = 25;
    let mc = m.mc_dropout(&x, samples, 99).unwrap();
    assert_eq!(mc.samples, samples);
    // Rebuild the passes by hand from the same seeded stream.
    let Network::F64(mlp) = m.network() else {
        panic!()
    };
    let xt = Tensor::from_vec(x.clone(), &[5, 3]).unwrap();
    let mut rng = mc_rng(99);
    let passes: Vec<Tensor<f64>> = (0..samples)
        .map(|_| mlp.predict_mc(&xt, &mut rng).unwrap().softmax(1).unwrap())
        .collect();
    for (r, row) in mc.rows.iter().enumerate() {
        for j in 0..3 {
            let v: Vec<f64> = passes.iter().map(|p| p.data()[r * 3 + j]).collect();
            let mean = v.iter().sum::<f64>() / samples as f64;
            let var = v.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / (samples - 1) as f64;
            // Accumulated by Welford's update: equal to the two-pass formulas up to rounding.
            assert!((row.mean[j] - mean).abs() < 1e-14);
            assert!((row.std[j] - var.sqrt()).abs() < 1e-13);
        }
        let best = (0..3)
            .max_by(|&a, &b| row.mean[a].partial_cmp(&row.mean[b]).unwrap())
            .unwrap();
        assert_eq!(row.prediction.label(), Some(best));
        assert!(
            row.std.iter().any(|&s| s > 0.0),
            "dropout makes the passes differ"
        );
    }
    assert_eq!(mc.deterministic, m.predict(&x).unwrap());
    let mean_std = mc.rows.iter().map(|r| r.predicted_std()).sum::<f64>() / 5.0;
    assert_eq!(mc.mean_std(), mean_std);
    // Seeded: the same seed gives the same result, another seed another.
    assert_eq!(m.mc_dropout(&x, samples, 99).unwrap(), mc);
    assert_ne!(m.mc_dropout(&x, samples, 100).unwrap(), mc);
    // Accuracies against labels.
    let labels: Vec<usize> = mc
        .deterministic
        .iter()
        .map(|p| p.label().unwrap())
        .collect();
    assert_eq!(mc.accuracy_deterministic(&labels).unwrap(), Some(1.0));
    let agree = mc.agreement().unwrap();
    assert_eq!(mc.accuracy_mean_prediction(&labels).unwrap(), Some(agree));
    assert!(mc.accuracy_deterministic(&labels[..2]).is_err());
    assert_eq!(mc.mse_deterministic(&[0.0; 5]).unwrap(), None);
}

#[test]
fn mc_dropout_mean_converges_to_the_expectation_for_a_linear_network() {
    // With an identity activation the network is linear in the dropout mask, and inverted
    // dropout keeps E[mask] = 1, so the MC mean of the (regression) output tends to the
    // deterministic output; its standard error shrinks as 1/√N.
    let m = model::<f64>(&[4, 32, 1], Activation::Identity, 0.3, 3, regression());
    let x = vec![0.3, -1.2, 0.8, 2.0];
    let det = m.predict(&x).unwrap()[0].value().unwrap();
    let mc = m.mc_dropout(&x, 20_000, 5).unwrap();
    let row = &mc.rows[0];
    let se = row.std[0] / (20_000f64).sqrt();
    assert!(row.std[0] > 0.0);
    assert!(
        (row.mean[0] - det).abs() < 5.0 * se,
        "mean {} vs deterministic {det} (se {se})",
        row.mean[0]
    );
    let values = [det];
    assert_eq!(mc.mse_deterministic(&values).unwrap(), Some(0.0));
    assert!(mc.mse_mean_prediction(&values).unwrap().unwrap() < (5.0 * se).powi(2));
    assert_eq!(mc.accuracy_mean_prediction(&[0]).unwrap(), None);
}

#[test]
fn mc_dropout_needs_dropout_and_two_passes() {
    let without = model::<f32>(&[2, 3, 2], Activation::Relu, 0.0, 0, classes(2));
    let e = without
        .mc_dropout(&[0.0, 1.0], 10, 0)
        .unwrap_err()
        .to_string();
    assert!(e.contains("dropout > 0"), "{e}");
    let with = model::<f32>(&[2, 3, 2], Activation::Relu, 0.5, 0, classes(2));
    let e = with.mc_dropout(&[0.0, 1.0], 1, 0).unwrap_err().to_string();
    assert!(e.contains("at least 2"), "{e}");
    assert!(with.mc_dropout(&[0.0, 1.0], 2, 0).is_ok());
}

#[test]
fn evaluation_aligns_labels_by_class_name() {
    let m = model::<f64>(&[2, 4, 3], Activation::Tanh, 0.0, 2, classes(3));
    let x = vec![0.1, 0.2, -1.0, 0.5, 2.0, -0.3];
    let predicted: Vec<usize> = m
        .predict(&x)
        .unwrap()
        .iter()
        .map(|p| p.label().unwrap())
        .collect();
    // The data names its classes in another order; labels are matched by name.
    let data_classes = strings(&["class2", "class1", "class0"]);
    let labels = predicted.iter().map(|&l| Some(2 - l)).collect();
    let target = Target::classes("label", data_classes, labels).unwrap();
    let metrics = m.evaluate(&x, &target).unwrap();
    assert_eq!(metrics.accuracy, Some(1.0));
    // An unknown class is named.
    let target = Target::classes("label", strings(&["zebra"]), vec![Some(0); 3]).unwrap();
    let e = m.evaluate(&x, &target).unwrap_err().to_string();
    assert!(e.contains("zebra"), "{e}");
    // A numeric column given to a classifier.
    let target = Target::regression("label", vec![Some(1.0); 3]).unwrap();
    assert!(matches!(
        m.evaluate(&x, &target),
        Err(Error::TargetKind { .. })
    ));
}
