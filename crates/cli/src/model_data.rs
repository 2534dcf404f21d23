//! Loading a saved model (with optional `--metadata`) and the rows it is applied to, for
//! `nabla predict` and `nabla eval`: features picked by name, the target aligned to the model's
//! classes, errors naming the flag, file and column.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{bail, Context};
use nabla_nn::data::csv_text::CsvText;
use nabla_nn::data::{CsvOptions, Dataset, Target, TargetSpec, TaskKind};
use nabla_nn::model_file::{Model, ModelFileProblem, SavedModel};
use serde_json::Value;

/// Rows read for a model: its standardised inputs and, when the data has them, the targets
/// aligned to the model's classes.
pub struct ModelData {
    /// The data set's name (the file's path or the embedded name).
    pub name: String,
    /// The number of rows.
    pub rows: usize,
    /// The standardised inputs, rows × features.
    pub inputs: Vec<f64>,
    /// Per target column asked for, the column with labels re-indexed to its model's class
    /// names; `None` when the data lacks it (or, for predictions, cannot use it).
    pub targets: Vec<Option<Target>>,
}

impl ModelData {
    /// The first target column (the one of a single-task model).
    pub fn target(&self) -> Option<&Target> {
        self.targets.first().and_then(Option::as_ref)
    }
}

/// An error of applying a model to the rows of `--data` (a row whose output is not finite),
/// naming the data: `--data FILE: row 3: …`.
pub fn on_rows(data: &str) -> impl Fn(nabla_nn::Error) -> anyhow::Error + '_ {
    move |e| anyhow::anyhow!("--data {data}: {e}")
}

/// A saved model of either kind, with `--metadata` applied; errors name `--model`.
pub fn load_saved(path: &Path, metadata: Option<&Path>) -> anyhow::Result<SavedModel> {
    let extra = match metadata {
        Some(m) => read_metadata_file(m)?,
        None => HashMap::new(),
    };
    SavedModel::load_with_metadata(path, &extra).map_err(|e| {
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
    load_for_models(
        std::slice::from_ref(model),
        data,
        &[target_column],
        require_target,
        warn,
    )
}

/// Loads `data` for `models` (one per target, all with the same features, as the tasks of a
/// multi-task model): the features by name and each `target_columns[i]` for `models[i]`
/// (when present; every one required when `require_target`).
///
/// # Errors
/// A message naming the flag, the file and the column at fault.
pub fn load_for_models(
    models: &[Model],
    data: &str,
    target_columns: &[&str],
    require_target: bool,
    warn: &dyn Fn(&str),
) -> anyhow::Result<ModelData> {
    let model = &models[0];
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
        let mut present: Vec<usize> = Vec::new();
        for (i, column) in target_columns.iter().enumerate() {
            if header.iter().any(|h| h == column) {
                present.push(i);
            } else if require_target {
                bail!(
                    "--data {data}: no target column \"{column}\" to evaluate against \
                     (columns: {})",
                    header.join(", ")
                );
            }
        }
        read_csv(
            models,
            data,
            &header,
            target_columns,
            present,
            require_target,
            warn,
        )?
    } else {
        Dataset::load(data, &CsvOptions::default())
            .map_err(|e| anyhow::anyhow!("--data {data}: {e}"))?
    };
    let inputs = model
        .inputs(&dataset)
        .map_err(|e| anyhow::anyhow!("--data {data}: {e} (the model needs these features)"))?;
    let mut targets = Vec::with_capacity(models.len());
    for (m, column) in models.iter().zip(target_columns) {
        let target = match dataset.target(column).map(|t| m.align(t)) {
            Ok(Ok(t)) => Some(t),
            Ok(Err(e)) if !require_target => {
                warn(&format!(
                    "--data {data}: the \"{column}\" column is not used ({e})"
                ));
                None
            }
            Ok(Err(e)) => bail!("--data {data}: {e}"),
            Err(_) if !require_target => None,
            Err(e) => bail!("--target: {e}"),
        };
        targets.push(target);
    }
    Ok(ModelData {
        name: dataset.name().to_string(),
        rows: dataset.n_samples(),
        inputs,
        targets,
    })
}

/// Reads the CSV file `data` with the model's features and the target columns `present`
/// (indices into `target_columns`). Predicting needs no labels: a target column that cannot
/// be read (a missing or unknown label) is left out with a warning rather than failing the
/// whole run.
fn read_csv(
    models: &[Model],
    data: &str,
    header: &[String],
    target_columns: &[&str],
    mut present: Vec<usize>,
    require_target: bool,
    warn: &dyn Fn(&str),
) -> anyhow::Result<Dataset> {
    let features = models[0].feature_names();
    loop {
        let kind = |i: usize| match models[i].target().kind() {
            TaskKind::Regression => TaskKind::Regression,
            _ => TaskKind::Classes,
        };
        let used: Vec<&str> = present.iter().map(|&i| target_columns[i]).collect();
        let options = CsvOptions {
            targets: present
                .iter()
                .map(|&i| TargetSpec::new(target_columns[i], Some(kind(i))))
                .collect(),
            ignore: header
                .iter()
                .filter(|h| !used.contains(&h.as_str()) && !features.contains(h))
                .cloned()
                .collect(),
            drop_incomplete_rows: false,
        };
        match Dataset::from_csv(data, &options) {
            Ok(d) => return Ok(d),
            Err(e) if !require_target => {
                let Some(at) = present
                    .iter()
                    .position(|&i| names_column(&e, target_columns[i]))
                else {
                    bail!("--data {data}: {e}");
                };
                warn(&format!(
                    "--data {data}: the \"{}\" column is not used ({e})",
                    target_columns[present[at]]
                ));
                present.remove(at);
            }
            Err(e) => bail!("--data {data}: {e}"),
        }
    }
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
