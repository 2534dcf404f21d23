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
//!
//! A multi-task model file (`nabla train --task … --save`) predicts every task per row
//! ([`multitask`]).

mod multitask;

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::bail;
use clap::Args;
use nabla_nn::data::{Target, TaskKind};
use nabla_nn::model_file::{McDropout, Model, Prediction, SavedModel};
use nabla_nn::train::Metrics;
use serde_json::{json, Map, Value};

use crate::mc_dropout::{mc_json, mc_text};
use crate::model_data::{load_for_model, load_saved, on_rows, ModelData};
use crate::output::{self, CommonArgs, Format};
use crate::report::{class_name, metric_line, metrics_json, prediction_json};

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

/// Runs `nabla predict`.
pub fn run(args: &PredictArgs) -> anyhow::Result<()> {
    let data_file = std::path::Path::new(&args.data);
    crate::paths::RunPaths::new()
        .input("--model", Some(args.model.as_path()))
        .input("--metadata", args.metadata.as_deref())
        .input("--data", data_file.exists().then_some(data_file))
        .output("--output", args.output.as_deref())
        .check()?;
    if let Some(n) = args.mc_samples {
        if n < 2 {
            bail!("--mc-samples: {n} passes give no spread; use at least 2");
        }
    }
    let model = match load_saved(&args.model, args.metadata.as_deref())? {
        SavedModel::Single(model) => model,
        SavedModel::MultiTask(model) => return multitask::run(args, &model),
    };
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
    if let Some(n) = args.mc_samples {
        let rows = data.inputs.len() / model.feature_names().len().max(1);
        crate::training_cost::check_mc_samples(n, rows, || {
            model
                .mc_dropout(&data.inputs, 2, args.seed)
                .map(|_| ())
                .map_err(on_rows(&args.data))
        })?;
    }
    let predictions = model.predict(&data.inputs).map_err(on_rows(&args.data))?;
    let metrics = data
        .target()
        .map(|t| model.evaluate(&data.inputs, t))
        .transpose()
        .map_err(on_rows(&args.data))?;
    let mc = args
        .mc_samples
        .map(|n| model.mc_dropout(&data.inputs, n, args.seed))
        .transpose()
        .map_err(on_rows(&args.data))?;
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

/// The actual target of row `i`: its class name or value.
pub(super) fn actual_json(model: &Model, target: &Target, i: usize) -> Value {
    match (model.target().kind(), target.label(i), target.value(i)) {
        (TaskKind::Regression, _, v) => json!(v),
        (_, Some(l), _) => json!(class_name(model, l)),
        _ => Value::Null,
    }
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
                if let Some(t) = self.data.target() {
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
                mc_json(model, mc, self.data.target(), self.args.seed, true)?,
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
            s.push_str(&mc_text(model, mc, self.data.target())?);
        }
        Ok(s)
    }

    fn table(&self, s: &mut String) {
        let model = self.model;
        let target = self.data.target();
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
