//! Loading a saved model (with optional `--metadata`) and the rows it is applied to, for
//! `nabla predict` and `nabla eval`: features picked by name, the target aligned to the model's
//! classes, errors naming the flag, file and column.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{bail, Context};
use nabla_nn::data::csv_text::CsvText;
use nabla_nn::data::{CsvOptions, Dataset, Target, TargetSpec, TaskKind};
use nabla_nn::model_file::{Model, ModelFileProblem};
use serde_json::Value;

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
    let bytes =
        std::fs::read(path).with_context(|| format!("--data {path}: cannot read the file"))?;
    let text = CsvText::new(path, &bytes).map_err(|e| anyhow::anyhow!("--data {path}: {e}"))?;
    Ok(text.header().to_vec())
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
