//! `nabla.train`: a whole training run, as `nabla train --format json` reports it — the same
//! data preparation ([`Setup`]), the same loop ([`fit`]) and the same fields (`dataset`,
//! `target`, `task`, `widths`, `parameters`, `optimizer`, `rows`, `epochs`, `train`,
//! `validation`, `test`, `seconds`, `history`, …). Options are the CLI's flags in camelCase:
//! those of [`Setup::read`] plus `epochs`, `patience` and `clipNorm`; on the page there are no
//! files to `--save` or `--plot`.

use nabla_nn::layers::Mlp;
use nabla_nn::train::classes::class_report;
use nabla_nn::train::report::{class_report_json, history_entry, metrics_json};
use nabla_nn::train::{evaluate, fit, Examples, Objective, TrainConfig};
use serde_json::{json, Value};

use crate::optimize::hyperparameters;
use crate::options::Options;
use crate::playground::setup::{tensors, Setup};

/// The CLI's name of an objective's task kind.
pub fn task_kind(objective: Objective) -> &'static str {
    match objective {
        Objective::Classes { .. } => "classes",
        Objective::Binary => "binary",
        Objective::Regression { .. } => "regression",
    }
}

/// `nabla train … --format json`, as text.
///
/// # Errors
/// The CLI's one-line message for a bad option, or a diverged run.
pub fn json(options: &str) -> Result<String, String> {
    let o = Options::parse(options)?;
    let setup = Setup::read(&o, "digits")?;
    let config = TrainConfig {
        epochs: o.count("epochs")?.unwrap_or(30),
        batch_size: setup.batch,
        seed: setup.seed,
        optimizer: setup.optimizer,
        clip_norm: o.number("clipNorm")?,
        patience: o.count("patience")?,
        ..TrainConfig::default()
    };
    o.finish()?;
    let objective = setup.objective;
    let (x, y) = tensors(&setup.train, objective)?;
    let (tx, ty) = tensors(&setup.test, objective)?;
    let validation = setup
        .validation
        .as_ref()
        .map(|v| tensors(v, objective))
        .transpose()?;
    let mut mlp = Mlp::<f32>::new(&setup.mlp, setup.seed).map_err(|e| e.to_string())?;
    let validation_examples = validation
        .as_ref()
        .map(|(vx, vy)| Examples::new(objective, vx, vy));
    let report = fit(
        &mut mlp,
        &Examples::new(objective, &x, &y),
        validation_examples.as_ref(),
        &config,
        &mut |_| {},
    )
    .map_err(|e| e.to_string())?;
    let metrics = |x, y| evaluate(&mlp, objective, x, y).map_err(|e| e.to_string());
    let train = metrics(&x, &y)?;
    let test = metrics(&tx, &ty)?;
    let outputs = mlp.predict(&tx).map_err(|e| e.to_string())?;
    let test_classes = class_report(objective, &outputs, &ty)
        .map_err(|e| e.to_string())?
        .map(|r| class_report_json(&r, setup.train.targets()[0].class_names()));
    let validation = validation
        .as_ref()
        .map(|(vx, vy)| metrics(vx, vy))
        .transpose()?;
    let history: Vec<Value> = report.history.iter().map(history_entry).collect();
    Ok(json!({
        "dataset": setup.name,
        "target": setup.target,
        "task": task_kind(objective),
        "dtype": "float32",
        "widths": mlp.widths(),
        "parameters": mlp.parameter_count(),
        "activation": setup.activation,
        "dropout": setup.mlp.dropout,
        "optimizer": { "name": config.optimizer.name(), "hyperparameters": hyperparameters(&config.optimizer) },
        "batch": config.batch_size,
        "seed": config.seed,
        "rows": {
            "train": setup.train.n_samples(),
            "validation": setup.validation.as_ref().map(|v| v.n_samples()),
            "test": setup.test.n_samples(),
        },
        "epochs": report.history.len(),
        "best_epoch": report.best_epoch,
        "stopped_early": report.stopped_early,
        "train": metrics_json(&train),
        "validation": validation.as_ref().map(metrics_json),
        "test": metrics_json(&test),
        "test_classes": test_classes,
        "seconds": report.seconds,
        "history": history,
        "saved": null,
        "mc_dropout": null,
    })
    .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_reports_the_cli_fields() {
        let doc: Value = serde_json::from_str(
            &json(r#"{"data": "iris", "hidden": [8], "epochs": 5, "lr": 0.01, "seed": 3}"#)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(doc["dataset"], "iris");
        assert_eq!(doc["task"], "classes");
        assert_eq!(doc["widths"], json!([4, 8, 3]));
        assert_eq!(doc["epochs"], 5);
        assert_eq!(doc["history"].as_array().unwrap().len(), 5);
        assert!(doc["test"]["accuracy"].as_f64().unwrap() > 0.5);
        assert_eq!(doc["optimizer"]["hyperparameters"]["lr"], 0.01);
        assert!(json(r#"{"epochs": 0}"#).is_err());
    }
}
