//! Parameter gradients of small MLPs through the autodiff tape, against PyTorch (f64).
//!
//! Fixture: `fixtures/mlp_gradients.json`, written by `tools/oracles/torch/mlp_gradients.py`.
//! Every case's loss, every layer's net input and output, and every weight and bias gradient must
//! match to 1e-10 relative.

use nabla_tensor::loss::Reduction;
use nabla_tensor::{Activation, LossKind, Tape, Tensor};
use serde_json::Value;

const RTOL: f64 = 1e-10;
/// Absolute floor for values that are zero up to rounding (e.g. gradients through a dead ReLU).
const ATOL: f64 = 1e-14;

fn matrix(v: &Value) -> (Vec<f64>, Vec<usize>) {
    let rows = v.as_array().expect("a matrix is an array of rows");
    let data: Vec<f64> = rows
        .iter()
        .flat_map(|r| {
            r.as_array()
                .expect("a row is an array")
                .iter()
                .map(|x| x.as_f64().unwrap())
        })
        .collect();
    let cols = rows.first().map_or(0, |r| r.as_array().unwrap().len());
    (data, vec![rows.len(), cols])
}

fn vector(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn tensor(v: &Value) -> Tensor<f64> {
    let (data, shape) = matrix(v);
    Tensor::from_vec(data, &shape).unwrap()
}

fn assert_close(case: &str, what: &str, actual: &[f64], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len(), "{case}: {what} length");
    for (i, (&a, &e)) in actual.iter().zip(expected).enumerate() {
        let err = (a - e).abs();
        assert!(
            err <= RTOL * e.abs() || err <= ATOL,
            "{case}: {what}[{i}] = {a:e}, PyTorch {e:e} (relative error {:e})",
            err / e.abs()
        );
    }
}

#[test]
fn every_fixture_mlp_matches_pytorch() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/mlp_gradients.json"
    ))
    .expect("fixture present");
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert!(cases.len() >= 10);
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let tape = Tape::<f64>::new();
        let mut h = tape.constant(tensor(&case["inputs"]));
        let mut params = Vec::new();
        let mut layer_values = Vec::new();
        for layer in case["layers"].as_array().unwrap() {
            let w = tape.param(tensor(&layer["weight"]));
            let bias = vector(&layer["bias"]);
            let b = tape.param(Tensor::from_vec(bias.clone(), &[bias.len()]).unwrap());
            let activation = Activation::parse(
                layer["activation"].as_str().unwrap(),
                layer.get("alpha").and_then(Value::as_f64),
                layer.get("beta").and_then(Value::as_f64),
            )
            .unwrap();
            let net = h.linear(w, Some(b)).unwrap();
            h = net.activation(activation);
            params.push((w, b));
            layer_values.push((net, h));
        }
        let (kind, target) = match (case["loss"].as_str().unwrap(), case.get("target_indices")) {
            ("cross_entropy", Some(idx)) => {
                let idx = vector(idx);
                let n = idx.len();
                (
                    LossKind::CrossEntropyIndices,
                    Tensor::from_vec(idx, &[n]).unwrap(),
                )
            }
            ("cross_entropy", None) => (LossKind::CrossEntropySoft, tensor(&case["targets"])),
            ("mse", _) => (LossKind::Mse, tensor(&case["targets"])),
            ("bce", _) => (LossKind::Bce, tensor(&case["targets"])),
            ("bce_with_logits", _) => (LossKind::BceWithLogits, tensor(&case["targets"])),
            (other, _) => panic!("{name}: unknown loss {other}"),
        };
        let loss = h
            .loss(tape.constant(target), kind, Reduction::Mean)
            .unwrap();
        let grads = tape.backward(loss).unwrap();

        let expected = &case["expected"];
        assert_close(
            name,
            "loss",
            &[loss.value().item().unwrap()],
            &[expected["loss"].as_f64().unwrap()],
        );
        for (i, ((w, b), (net, out))) in params.iter().zip(&layer_values).enumerate() {
            let e = &expected["layers"][i];
            assert_close(
                name,
                &format!("layer {i} net"),
                net.value().data(),
                &matrix(&e["net"]).0,
            );
            assert_close(
                name,
                &format!("layer {i} out"),
                out.value().data(),
                &matrix(&e["out"]).0,
            );
            assert_close(
                name,
                &format!("layer {i} weight grad"),
                grads.get(*w).unwrap().data(),
                &matrix(&e["weight_grad"]).0,
            );
            assert_close(
                name,
                &format!("layer {i} bias grad"),
                grads.get(*b).unwrap().data(),
                &vector(&e["bias_grad"]),
            );
        }
    }
}
