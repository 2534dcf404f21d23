//! `nabla predict`: apply a saved model to new rows.
//!
//! ```text
//! nabla predict --model FILE [--metadata FILE.json] --data FILE.csv|NAME [--output FILE.csv]
//!               [--mc-samples N] [--seed S] [--format text|json] [--quiet]
//! ```
//!
//! The model's features are picked from the data by name (a missing one is an error naming it;
//! other columns, the target among them, are ignored) and standardised with the training split's
//! statistics saved in the model. Each row gets its class and the class probabilities, or its
//! value in the target's units. When the data has the target column, the metrics are reported as
//! well. `--mc-samples N` adds Monte Carlo dropout: N stochastic passes with dropout kept on, the
//! per-row predictive mean and standard deviation, and the accuracy of the averaged prediction
//! beside the deterministic one.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use nabla_nn::data::{CsvOptions, Dataset, Target, TargetSpec, TaskKind};
use nabla_nn::model_file::{McDropout, Model, ModelFileProblem, Prediction};
use nabla_nn::train::Metrics;
use serde_json::{json, Map, Value};

use super::train::report::{metric_line, metrics_json};
use crate::output::{self, CommonArgs, Format};

/// `nabla predict` flags.
#[derive(Args, Debug)]
pub struct PredictArgs {
    /// The model file (written by `nabla train --save`, or by PyTorch with nabla's metadata).
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// The rows to predict: a CSV file with a header row naming the model's features, or an
    /// embedded data set.
    #[arg(long, value_name = "FILE.csv|NAME")]
    pub data: String,
    /// For a model file without nabla's metadata (a plain PyTorch state_dict): a JSON object
    /// with the metadata keys (widths, activation, features, target; see docs/models.md).
    #[arg(long, value_name = "FILE.json")]
    pub metadata: Option<PathBuf>,
    /// Also write the predictions to this CSV file (atomically).
    #[arg(long, value_name = "FILE.csv")]
    pub output: Option<PathBuf>,
    /// Monte Carlo dropout: this many stochastic passes with dropout on (at least 2; the model
    /// needs dropout > 0).
    #[arg(long, value_name = "N")]
    pub mc_samples: Option<usize>,
    /// Seeds the Monte Carlo dropout masks.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Rows read for a model: its standardised inputs and, when the data has it, the target aligned
/// to the model's classes.
pub struct ModelData {
    /// The data set's name (the file's path or the embedded name).
    pub name: String,
    /// The number of rows.
    pub rows: usize,
    /// The standardised inputs, rows × features.
    pub inputs: Vec<f64>,
    /// The target column, labels re-indexed to the model's class names.
    pub target: Option<Target>,
}

/// Loads `data` (a CSV file or an embedded data set) for `model`: its features by name and
/// `target_column` (when present; required when `require_target`).
///
/// # Errors
/// A message naming the flag, the file and the column at fault.
pub fn load_for_model(
    model: &Model,
    data: &str,
    target_column: &str,
    require_target: bool,
    warn: &dyn Fn(&str),
) -> anyhow::Result<ModelData> {
    let kind = match model.target().kind() {
        TaskKind::Regression => TaskKind::Regression,
        _ => TaskKind::Classes,
    };
    let dataset = if Path::new(data).is_file() {
        let header = read_header(data)?;
        for f in model.feature_names() {
            if !header.contains(f) {
                bail!(
                    "--data {data}: no column \"{f}\", which the model needs (model features: {})",
                    model.feature_names().join(", ")
                );
            }
        }
        let has_target = header.iter().any(|h| h == target_column);
        if require_target && !has_target {
            bail!(
                "--data {data}: no target column \"{target_column}\" to evaluate against \
                 (columns: {})",
                header.join(", ")
            );
        }
        let options = CsvOptions {
            targets: if has_target {
                vec![TargetSpec::new(target_column, Some(kind))]
            } else {
                Vec::new()
            },
            ignore: header
                .iter()
                .filter(|h| *h != target_column && !model.feature_names().contains(h))
                .cloned()
                .collect(),
            drop_incomplete_rows: false,
        };
        match Dataset::from_csv(data, &options) {
            Ok(d) => d,
            // Predicting needs no labels: a target column that cannot be read (a missing or
            // unknown label) is left out rather than failing the whole run.
            Err(e) if has_target && !require_target && names_column(&e, target_column) => {
                warn(&format!(
                    "--data {data}: the \"{target_column}\" column is not used ({e})"
                ));
                let mut options = options;
                options.targets.clear();
                options.ignore.push(target_column.to_string());
                Dataset::from_csv(data, &options)
                    .map_err(|e| anyhow::anyhow!("--data {data}: {e}"))?
            }
            Err(e) => bail!("--data {data}: {e}"),
        }
    } else {
        Dataset::load(data, &CsvOptions::default())
            .map_err(|e| anyhow::anyhow!("--data {data}: {e}"))?
    };
    let inputs = model
        .inputs(&dataset)
        .map_err(|e| anyhow::anyhow!("--data {data}: {e} (the model needs these features)"))?;
    let target = match dataset.target(target_column).map(|t| model.align(t)) {
        Ok(Ok(t)) => Some(t),
        Ok(Err(e)) if !require_target => {
            warn(&format!(
                "--data {data}: the \"{target_column}\" column is not used ({e})"
            ));
            None
        }
        Ok(Err(e)) => bail!("--data {data}: {e}"),
        Err(_) if !require_target => None,
        Err(e) => bail!("--target: {e}"),
    };
    Ok(ModelData {
        name: dataset.name().to_string(),
        rows: dataset.n_samples(),
        inputs,
        target,
    })
}

/// Whether `e` is about the cells of `column` (a bad or missing label).
fn names_column(e: &nabla_nn::Error, column: &str) -> bool {
    match e {
        nabla_nn::Error::Csv { column: c, .. } => c == column,
        nabla_nn::Error::InvalidTarget { target, .. } => target == column,
        nabla_nn::Error::TargetKind { column: c, .. } => c == column,
        nabla_nn::Error::EmptyData { source_name, .. } => {
            source_name.ends_with(&format!("column \"{column}\""))
        }
        _ => false,
    }
}

fn read_header(path: &str) -> anyhow::Result<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::Headers)
        .from_path(path)
        .with_context(|| format!("--data {path}: cannot read the file"))?;
    let header = reader
        .headers()
        .with_context(|| format!("--data {path}: cannot read the header row"))?;
    Ok(header.iter().map(str::to_string).collect())
}

/// Loads a model file, with the metadata of `metadata` (a JSON file) when given; names the flag
/// in errors.
pub fn load_model(path: &Path, metadata: Option<&Path>) -> anyhow::Result<Model> {
    let extra = match metadata {
        Some(m) => read_metadata_file(m)?,
        None => HashMap::new(),
    };
    Model::load_with_metadata(path, &extra).map_err(|e| {
        let hint = match &e {
            nabla_nn::Error::ModelFile {
                problem: ModelFileProblem::NotNabla { .. },
                ..
            } if metadata.is_none() => "; give them in a JSON file with --metadata FILE.json",
            _ => "",
        };
        anyhow::anyhow!("--model: {e}{hint}")
    })
}

/// The entries of a `--metadata` JSON object: strings as they are, any other value as its JSON
/// text (so `"widths": [4, 8, 3]` and `"widths": "[4,8,3]"` mean the same).
fn read_metadata_file(path: &Path) -> anyhow::Result<HashMap<String, String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("--metadata {}: cannot read the file", path.display()))?;
    let value: Value = serde_json::from_str(&text)
        .with_context(|| format!("--metadata {}: not valid JSON", path.display()))?;
    let Value::Object(map) = value else {
        bail!(
            "--metadata {}: expected a JSON object of metadata keys (see docs/models.md)",
            path.display()
        );
    };
    Ok(map
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (k, v)
        })
        .collect())
}

/// Runs `nabla predict`.
pub fn run(args: &PredictArgs) -> anyhow::Result<()> {
    if let Some(n) = args.mc_samples {
        if n < 2 {
            bail!("--mc-samples: {n} passes give no spread; use at least 2");
        }
    }
    let model = load_model(&args.model, args.metadata.as_deref())?;
    if args.mc_samples.is_some() && model.network().dropout() == 0.0 {
        bail!(
            "--mc-samples: the model {} has no dropout (p = 0), so every pass would be the same; \
             train with --dropout P",
            args.model.display()
        );
    }
    let data = load_for_model(&model, &args.data, &model.target().name, false, &|m| {
        args.common.warn(m)
    })?;
    let predictions = model.predict(&data.inputs)?;
    let metrics = data
        .target
        .as_ref()
        .map(|t| model.evaluate(&data.inputs, t))
        .transpose()?;
    let mc = args
        .mc_samples
        .map(|n| model.mc_dropout(&data.inputs, n, args.seed))
        .transpose()?;
    if let Some(path) = &args.output {
        let csv = to_csv(&model, &predictions, mc.as_ref());
        output::write_atomic(path, csv.as_bytes())
            .map_err(|e| anyhow::anyhow!("--output: {e:#}"))?;
    }
    let report = Report {
        args,
        model: &model,
        data: &data,
        predictions: &predictions,
        metrics: metrics.as_ref(),
        mc: mc.as_ref(),
    };
    match args.common.format {
        Format::Json => output::print_json(&report.to_json()?),
        Format::Text | Format::Markdown => output::print_text(&report.to_text()?),
    }
}

struct Report<'a> {
    args: &'a PredictArgs,
    model: &'a Model,
    data: &'a ModelData,
    predictions: &'a [Prediction],
    metrics: Option<&'a Metrics>,
    mc: Option<&'a McDropout>,
}

/// The class name of a label.
fn class_name(model: &Model, label: usize) -> &str {
    model
        .target()
        .classes
        .get(label)
        .map_or("?", String::as_str)
}

fn prediction_json(model: &Model, p: &Prediction) -> Value {
    match p {
        Prediction::Class {
            label,
            probabilities,
        } => json!({
            "class": class_name(model, *label),
            "label": label,
            "probabilities": probabilities,
        }),
        Prediction::Value(v) => json!({ "value": v }),
    }
}

/// The actual target of row `i`: its class name or value.
fn actual_json(model: &Model, target: &Target, i: usize) -> Value {
    match (model.target().kind(), target.label(i), target.value(i)) {
        (TaskKind::Regression, _, v) => json!(v),
        (_, Some(l), _) => json!(class_name(model, l)),
        _ => Value::Null,
    }
}

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

impl Report<'_> {
    fn to_json(&self) -> anyhow::Result<Value> {
        let model = self.model;
        let rows: Vec<Value> = self
            .predictions
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut v = prediction_json(model, p);
                let obj = v.as_object_mut().expect("an object");
                obj.insert("row".into(), json!(i + 1));
                if let Some(t) = &self.data.target {
                    obj.insert("actual".into(), actual_json(model, t, i));
                }
                v
            })
            .collect();
        let mut out = Map::new();
        out.insert("model".into(), json!(self.args.model.display().to_string()));
        out.insert("dataset".into(), json!(self.data.name));
        out.insert("target".into(), json!(model.target().name));
        out.insert("task".into(), json!(model.target().kind().name()));
        out.insert("classes".into(), json!(model.target().classes));
        out.insert("dtype".into(), json!(model.network().dtype()));
        out.insert("rows".into(), json!(self.data.rows));
        out.insert("predictions".into(), Value::Array(rows));
        out.insert(
            "metrics".into(),
            self.metrics.map_or(Value::Null, metrics_json),
        );
        if let Some(mc) = self.mc {
            out.insert(
                "mc_dropout".into(),
                mc_json(model, mc, self.data.target.as_ref(), self.args.seed, true)?,
            );
        }
        if let Some(path) = &self.args.output {
            out.insert("output".into(), json!(path.display().to_string()));
        }
        Ok(Value::Object(out))
    }

    fn to_text(&self) -> anyhow::Result<String> {
        let model = self.model;
        let mut s = String::new();
        let widths: Vec<String> = model
            .network()
            .widths()
            .iter()
            .map(usize::to_string)
            .collect();
        let _ = writeln!(
            s,
            "{}: MLP {} {} ({}), dropout {}, predicts {} ({})",
            self.args.model.display(),
            widths.join("-"),
            model.network().activation().name(),
            model.network().dtype(),
            model.network().dropout(),
            model.target().name,
            model.target().kind(),
        );
        let _ = writeln!(s, "{}: {} rows", self.data.name, self.data.rows);
        if let Some(path) = &self.args.output {
            let _ = writeln!(s, "predictions written to {}", path.display());
        } else {
            let _ = writeln!(s);
            self.table(&mut s);
        }
        if let Some(m) = self.metrics {
            let _ = writeln!(
                s,
                "\nagainst \"{}\": {}",
                model.target().name,
                metric_line(m)
            );
        }
        if let Some(mc) = self.mc {
            let _ = writeln!(s);
            s.push_str(&mc_text(model, mc, self.data.target.as_ref())?);
        }
        Ok(s)
    }

    fn table(&self, s: &mut String) {
        let model = self.model;
        let target = self.data.target.as_ref();
        let mc = self.mc;
        let mut header = format!("{:>6}  {:<16}", "row", "prediction");
        if model.target().kind().is_categorical() {
            header.push_str(&format!("  {:>11}", "probability"));
        }
        if mc.is_some() {
            header.push_str(&format!("  {:<16}  {:>10}", "MC mean", "MC std"));
        }
        if target.is_some() {
            header.push_str("  actual");
        }
        let _ = writeln!(s, "{}", header.trim_end());
        for (i, p) in self.predictions.iter().enumerate() {
            let mut line = format!("{:>6}  ", i + 1);
            match p {
                Prediction::Class {
                    label,
                    probabilities,
                } => line.push_str(&format!(
                    "{:<16}  {:>11.4}",
                    class_name(model, *label),
                    probabilities[*label]
                )),
                Prediction::Value(v) => line.push_str(&format!("{:<16}", format!("{v:.6}"))),
            }
            if let Some(mc) = mc {
                let r = &mc.rows[i];
                let mean = match &r.prediction {
                    Prediction::Class { label, .. } => {
                        format!("{} {:.4}", class_name(model, *label), r.mean[*label])
                    }
                    Prediction::Value(v) => format!("{v:.6}"),
                };
                line.push_str(&format!("  {mean:<16}  {:>10.4}", r.predicted_std()));
            }
            if let Some(t) = target {
                let actual = match actual_json(model, t, i) {
                    Value::String(c) => c,
                    Value::Number(n) => n.to_string(),
                    _ => "-".to_string(),
                };
                line.push_str(&format!("  {actual}"));
            }
            let _ = writeln!(s, "{}", line.trim_end());
        }
    }
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

/// The predictions as CSV: `row`, the prediction, then the class probabilities (or the value),
/// then the Monte Carlo mean and standard deviation columns when present.
fn to_csv(model: &Model, predictions: &[Prediction], mc: Option<&McDropout>) -> String {
    let classes = &model.target().classes;
    let mut header = vec!["row".to_string()];
    if classes.is_empty() {
        header.push(model.target().name.clone());
        if mc.is_some() {
            header.extend(["mc_mean".to_string(), "mc_std".to_string()]);
        }
    } else {
        header.push(model.target().name.clone());
        header.extend(classes.iter().map(|c| format!("p_{c}")));
        if mc.is_some() {
            header.push("mc_class".to_string());
            header.extend(classes.iter().map(|c| format!("mc_mean_{c}")));
            header.extend(classes.iter().map(|c| format!("mc_std_{c}")));
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&header);
    for (i, p) in predictions.iter().enumerate() {
        let mut rec = vec![(i + 1).to_string()];
        match p {
            Prediction::Class {
                label,
                probabilities,
            } => {
                rec.push(class_name(model, *label).to_string());
                rec.extend(probabilities.iter().map(|v| v.to_string()));
            }
            Prediction::Value(v) => rec.push(v.to_string()),
        }
        if let Some(mc) = mc {
            let r = &mc.rows[i];
            if let Prediction::Class { label, .. } = &r.prediction {
                rec.push(class_name(model, *label).to_string());
            }
            rec.extend(r.mean.iter().map(|v| v.to_string()));
            rec.extend(r.std.iter().map(|v| v.to_string()));
        }
        let _ = w.write_record(&rec);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
