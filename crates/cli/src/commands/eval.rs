//! `nabla eval`: the metrics of a saved model on labelled rows.
//!
//! ```text
//! nabla eval --model FILE [--metadata FILE.json] --data FILE.csv|NAME [--target COL]
//!            [--plot FILE.png|svg] [--format text|json] [--quiet]
//! ```
//!
//! The rows go through the model as in `nabla predict` (features picked by name, standardised
//! with the saved statistics); their labels are matched to the model's classes by name, and the
//! metrics are those `nabla train` reports, computed the same way in the model's dtype: the loss
//! and accuracy for classification, the loss (on the standardised target), MSE and R² (in the
//! target's units) for regression. Every row is evaluated: pass held-out rows to measure
//! generalisation. `--plot` draws a classifier's confusion matrix on the rows as a labelled
//! heatmap ([`crate::confusion_plot`]).
//!
//! A multi-task model file is evaluated on every task at once ([`multitask`]): each task
//! against its own column, over the rows that have its label.

mod multitask;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::bail;

use clap::Args;
use nabla_nn::model_file::SavedModel;
use serde_json::json;

use crate::confusion_plot::{self, file_name};
use crate::model_data::{load_for_model, load_saved, on_rows};
use crate::output::{self, CommonArgs, Format};
use crate::report::{metric_line, metrics_json};

/// `nabla eval` flags.
#[derive(Args, Debug)]
pub struct EvalArgs {
    /// The model file (written by `nabla train --save`, or by PyTorch with nabla's metadata).
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// Labelled rows: a CSV file with the model's features and the target column, or an
    /// embedded data set.
    #[arg(long, value_name = "FILE.csv|NAME")]
    pub data: String,
    /// For a model file without nabla's metadata (a plain PyTorch state_dict): a JSON object
    /// with the metadata keys (widths, activation, features, target; see docs/models.md).
    #[arg(long, value_name = "FILE.json")]
    pub metadata: Option<PathBuf>,
    /// The column holding the true labels or values (default: the model's target name).
    #[arg(long, value_name = "COL")]
    pub target: Option<String>,
    /// Draw the confusion matrix of the rows (true class by predicted class, counts in the
    /// cells) to this PNG or SVG file (classifiers).
    #[arg(long, value_name = "FILE.png|svg")]
    pub plot: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs `nabla eval`.
pub fn run(args: &EvalArgs) -> anyhow::Result<()> {
    let data_file = Path::new(&args.data);
    crate::paths::RunPaths::new()
        .input("--model", Some(args.model.as_path()))
        .input("--metadata", args.metadata.as_deref())
        .input("--data", data_file.exists().then_some(data_file))
        .output("--plot", args.plot.as_deref())
        .check()?;
    if let Some(path) = &args.plot {
        crate::plot::ImageFormat::from_path(path, "--plot")?;
    }
    let model = match load_saved(&args.model, args.metadata.as_deref())? {
        SavedModel::Single(model) => model,
        SavedModel::MultiTask(model) => return multitask::run(args, &model),
    };
    if args.plot.is_some() && !model.target().kind().is_categorical() {
        bail!(
            "--plot: a confusion matrix needs a classifier; {} predicts the regression target {}",
            args.model.display(),
            model.target().name
        );
    }
    let column = args.target.as_deref().unwrap_or(&model.target().name);
    let data = load_for_model(&model, &args.data, column, true, &|m| args.common.warn(m))?;
    let target = data
        .target()
        .ok_or_else(|| anyhow::anyhow!("--target: {} has no column \"{column}\"", args.data))?;
    let metrics = model
        .evaluate(&data.inputs, target)
        .map_err(on_rows(&args.data))?;
    if let Some(path) = &args.plot {
        let predictions = model.predict(&data.inputs).map_err(on_rows(&args.data))?;
        let pairs =
            (0..data.rows).filter_map(|i| Some((target.label(i)?, predictions[i].label()?)));
        let matrix = confusion_plot::matrix(model.target().classes.len(), pairs);
        let figure = confusion_plot::ConfusionPlot {
            title: format!(
                "{} on {}: {} rows, accuracy {:.4}",
                file_name(&args.model),
                file_name(Path::new(&data.name)),
                data.rows,
                metrics.accuracy.unwrap_or(f64::NAN)
            ),
            classes: &model.target().classes,
            matrix: &matrix,
        };
        confusion_plot::save(path, "--plot", &figure)?;
    }
    match args.common.format {
        Format::Json => output::print_json(&json!({
            "model": args.model.display().to_string(),
            "dataset": data.name,
            "target": column,
            "task": model.target().kind().name(),
            "dtype": model.network().dtype(),
            "rows": data.rows,
            "metrics": metrics_json(&metrics),
            "plot": args.plot.as_ref().map(|p| p.display().to_string()),
        })),
        Format::Text | Format::Markdown => {
            let mut s = String::new();
            let widths: Vec<String> = model
                .network()
                .widths()
                .iter()
                .map(usize::to_string)
                .collect();
            let _ = writeln!(
                s,
                "{}: MLP {} {} ({}), predicts {} ({})",
                args.model.display(),
                widths.join("-"),
                model.network().activation().name(),
                model.network().dtype(),
                model.target().name,
                model.target().kind(),
            );
            let _ = writeln!(s, "{}: {} rows against \"{column}\"", data.name, data.rows);
            let _ = writeln!(s, "{}", metric_line(&metrics));
            output::print_text(&s)
        }
    }
}
