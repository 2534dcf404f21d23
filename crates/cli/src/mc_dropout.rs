//! Monte Carlo dropout results as the contract's `mc_dropout` JSON object and as text, for
//! `nabla predict --mc-samples` and `nabla train --mc-samples`.

use std::fmt::Write as _;

use nabla_nn::data::{Target, TaskKind};
use nabla_nn::model_file::{McDropout, Model, Prediction};
use serde_json::{json, Map, Value};

use crate::report::{class_name, prediction_json};

/// The `mc_dropout` object: a summary, and per-row details when `rows` is true.
pub fn mc_json(
    model: &Model,
    mc: &McDropout,
    target: Option<&Target>,
    seed: u64,
    rows: bool,
) -> anyhow::Result<Value> {
    let mut obj = Map::new();
    obj.insert("samples".into(), json!(mc.samples));
    obj.insert("seed".into(), json!(seed));
    let labels: Option<Vec<usize>> =
        target.and_then(|t| (0..t.len()).map(|i| t.label(i)).collect());
    let values: Option<Vec<f64>> = target.and_then(|t| (0..t.len()).map(|i| t.value(i)).collect());
    let (acc_mean, acc_det) = match (&labels, model.target().kind()) {
        (Some(l), k) if k.is_categorical() => (
            mc.accuracy_mean_prediction(l)?,
            mc.accuracy_deterministic(l)?,
        ),
        _ => (None, None),
    };
    obj.insert("accuracy_mean_prediction".into(), json!(acc_mean));
    obj.insert("accuracy_deterministic".into(), json!(acc_det));
    if model.target().kind() == TaskKind::Regression {
        let (mse_mean, mse_det) = match &values {
            Some(v) => (mc.mse_mean_prediction(v)?, mc.mse_deterministic(v)?),
            None => (None, None),
        };
        obj.insert("mse_mean_prediction".into(), json!(mse_mean));
        obj.insert("mse_deterministic".into(), json!(mse_det));
    }
    obj.insert("agreement".into(), json!(mc.agreement()));
    obj.insert("mean_std".into(), json!(mc.mean_std()));
    if rows {
        let per_row: Vec<Value> = mc
            .rows
            .iter()
            .zip(&mc.deterministic)
            .enumerate()
            .map(|(i, (r, d))| {
                let mut row = Map::new();
                row.insert("row".into(), json!(i + 1));
                row.insert("mean".into(), json!(r.mean));
                row.insert("std".into(), json!(r.std));
                match &r.prediction {
                    Prediction::Class { label, .. } => {
                        row.insert("class".into(), json!(class_name(model, *label)));
                        row.insert("class_std".into(), json!(r.predicted_std()));
                    }
                    Prediction::Value(v) => {
                        row.insert("value".into(), json!(v));
                    }
                }
                row.insert("deterministic".into(), prediction_json(model, d));
                Value::Object(row)
            })
            .collect();
        obj.insert("rows".into(), Value::Array(per_row));
    }
    Ok(Value::Object(obj))
}

/// The Monte Carlo dropout summary in text.
pub fn mc_text(model: &Model, mc: &McDropout, target: Option<&Target>) -> anyhow::Result<String> {
    let summary = mc_json(model, mc, target, 0, false)?;
    let mut s = format!(
        "Monte Carlo dropout: {} passes with dropout p = {} kept on\n",
        mc.samples,
        model.network().dropout()
    );
    let what = if model.target().kind().is_categorical() {
        "probability of the predicted class"
    } else {
        "predicted value"
    };
    let _ = writeln!(
        s,
        "  mean std of the {what} over the passes: {:.4}",
        mc.mean_std()
    );
    if let Some(a) = mc.agreement() {
        let _ = writeln!(
            s,
            "  the averaged prediction agrees with the deterministic one on {:.2}% of rows",
            100.0 * a
        );
    }
    let num = |k: &str| summary[k].as_f64();
    if let (Some(m), Some(d)) = (
        num("accuracy_mean_prediction"),
        num("accuracy_deterministic"),
    ) {
        let _ = writeln!(
            s,
            "  accuracy: averaged prediction {m:.4}, deterministic (dropout off) {d:.4}"
        );
    }
    if let (Some(m), Some(d)) = (num("mse_mean_prediction"), num("mse_deterministic")) {
        let _ = writeln!(
            s,
            "  MSE: averaged prediction {m:.4}, deterministic (dropout off) {d:.4}"
        );
    }
    Ok(s)
}
