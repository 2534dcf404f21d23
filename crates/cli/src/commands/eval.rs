//! `nabla eval`: the metrics of a saved model on labelled rows.
//!
//! ```text
//! nabla eval --model FILE [--metadata FILE.json] --data FILE.csv|NAME [--target COL]
//!            [--format text|json] [--quiet]
//! ```
//!
//! The rows go through the model as in `nabla predict` (features picked by name, standardised
//! with the saved statistics); their labels are matched to the model's classes by name, and the
//! metrics are those `nabla train` reports, computed the same way in the model's dtype: the loss
//! and accuracy for classification, the loss (on the standardised target), MSE and R² (in the
//! target's units) for regression. Every row is evaluated: pass held-out rows to measure
//! generalisation.
//!
//! A multi-task model file is evaluated on every task at once ([`multitask`]): each task
//! against its own column, over the rows that have its label.

mod multitask;

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use nabla_nn::model_file::SavedModel;
use serde_json::json;

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
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs `nabla eval`.
pub fn run(args: &EvalArgs) -> anyhow::Result<()> {
    let model = match load_saved(&args.model, args.metadata.as_deref())? {
        SavedModel::Single(model) => model,
        SavedModel::MultiTask(model) => return multitask::run(args, &model),
    };
    let column = args.target.as_deref().unwrap_or(&model.target().name);
    let data = load_for_model(&model, &args.data, column, true, &|m| args.common.warn(m))?;
    let target = data
        .target()
        .ok_or_else(|| anyhow::anyhow!("--target: {} has no column \"{column}\"", args.data))?;
    let metrics = model
        .evaluate(&data.inputs, target)
        .map_err(on_rows(&args.data))?;
    match args.common.format {
        Format::Json => output::print_json(&json!({
            "model": args.model.display().to_string(),
            "dataset": data.name,
            "target": column,
            "task": model.target().kind().name(),
            "dtype": model.network().dtype(),
            "rows": data.rows,
            "metrics": metrics_json(&metrics),
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
