//! Model files: a trained [`Mlp`](crate::layers::Mlp) with everything needed to predict, as safetensors.
//!
//! The tensors are named exactly as PyTorch's `state_dict` names the equivalent
//! `nn.Sequential(Linear, Act, [Dropout], Linear, …, Linear)` — `0.weight` `[out, in]`,
//! `0.bias` `[out]`, then `2.*` (or `3.*` when dropout sits between) — in the dtype the model was
//! trained in (F32 or F64). The file's `__metadata__` holds the architecture, the feature names
//! and the training split's standardisation, and the target (name, kind, class names, regression
//! scaling); [`metadata`] lists the keys. So a file PyTorch writes with
//! `safetensors.torch.save_file(model.state_dict(), path, metadata=…)` loads here and predicts
//! identically, and a file nabla writes loads in PyTorch with
//! `model.load_state_dict(safetensors.torch.load_file(path))`.
//!
//! Writes are atomic (a temporary file in the same folder, then a rename), so a failed save
//! never leaves a half-written file or clobbers an existing one. Reading checks everything — the
//! safetensors framing, every metadata key, tensor names, dtypes, shapes and finiteness — and
//! reports the first fault as [`Error::ModelFile`] naming the file; no input makes it panic.
//!
//! ```
//! use nabla_nn::data::Standardizer;
//! use nabla_nn::layers::{Mlp, MlpConfig};
//! use nabla_nn::model_file::{Model, Network, TargetInfo};
//! use nabla_nn::train::Objective;
//!
//! let mlp = Mlp::<f32>::new(&MlpConfig { widths: vec![2, 4, 3], ..MlpConfig::default() }, 0).unwrap();
//! let names = vec!["x".to_string(), "y".to_string()];
//! let scaler = Standardizer::from_parts(names, vec![0.0, 1.0], vec![1.0, 2.0]).unwrap();
//! let classes = vec!["a".to_string(), "b".to_string(), "c".to_string()];
//! let target = TargetInfo::new("label".into(), Objective::Classes { classes: 3 }, classes).unwrap();
//! let model = Model::new(Network::from_mlp(&mlp), scaler, target).unwrap();
//! let bytes = model.to_bytes().unwrap();
//! let back = Model::from_bytes("in memory", &bytes).unwrap();
//! assert_eq!(back, model);
//! assert_eq!(back.network().parameter_names(), ["0.weight", "0.bias", "2.weight", "2.bias"]);
//! ```

pub mod metadata;
mod multitask;
mod network;
mod predict;
mod problem;

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use safetensors::tensor::TensorView;
use safetensors::SafeTensors;

pub use metadata::ModelKind;
pub use multitask::{MultiTask, MultiTaskNetwork};
pub use network::Network;
pub use predict::{mc_rng, McDropout, McRow, Prediction};
pub use problem::ModelFileProblem;

use crate::data::{Standardizer, TaskKind};
use crate::train::Objective;
use crate::{Error, Result};

/// What a model predicts: the target's name, its objective (kind and regression scaling) and its
/// class names.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetInfo {
    /// The target column's name.
    pub name: String,
    /// The training objective; for regression it holds the mean and standard deviation that map
    /// the network's output back to the target's units (`y = out · std + mean`).
    pub objective: Objective,
    /// The class names by label (binary: the negative class, then the positive one; regression:
    /// none).
    pub classes: Vec<String>,
}

impl TargetInfo {
    /// Checks that the class names fit the objective.
    ///
    /// # Errors
    /// [`Error::DataShape`] when `classes` has the wrong length for the objective (k ≥ 1 names
    /// for k classes, two for binary, none for regression); [`Error::DuplicateColumn`] when a
    /// class name repeats.
    pub fn new(name: String, objective: Objective, classes: Vec<String>) -> Result<TargetInfo> {
        let needed = match objective {
            Objective::Classes { classes } => classes.max(1),
            Objective::Binary => 2,
            Objective::Regression { .. } => 0,
        };
        if classes.len() != needed {
            return Err(Error::DataShape {
                what: format!("class names of {} target \"{name}\"", kind_of(objective)),
                expected: needed,
                found: classes.len(),
            });
        }
        if let Some(c) = classes
            .iter()
            .enumerate()
            .find_map(|(i, c)| classes[..i].contains(c).then_some(c))
        {
            return Err(Error::DuplicateColumn {
                source_name: format!("class names of target \"{name}\""),
                column: c.clone(),
            });
        }
        Ok(TargetInfo {
            name,
            objective,
            classes,
        })
    }

    /// The task kind.
    pub fn kind(&self) -> TaskKind {
        kind_of(self.objective)
    }
}

fn kind_of(objective: Objective) -> TaskKind {
    match objective {
        Objective::Classes { .. } => TaskKind::Classes,
        Objective::Binary => TaskKind::Binary,
        Objective::Regression { .. } => TaskKind::Regression,
    }
}

/// A trained network with its feature standardisation and target: what a model file holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    network: Network,
    standardizer: Standardizer,
    target: TargetInfo,
}

impl Model {
    /// Bundles a network with the standardisation of its inputs and its target.
    ///
    /// # Errors
    /// [`Error::DataShape`] when the network's input width differs from the number of features
    /// or its output width from what the target needs.
    pub fn new(network: Network, standardizer: Standardizer, target: TargetInfo) -> Result<Model> {
        let widths = network.widths();
        let checks = [
            (
                "model inputs (one per feature)",
                standardizer.feature_names().len(),
                widths[0],
            ),
            (
                "model outputs (as the target needs)",
                target.objective.outputs(),
                widths[widths.len() - 1],
            ),
        ];
        for (what, expected, found) in checks {
            if expected != found {
                return Err(Error::DataShape {
                    what: what.to_string(),
                    expected,
                    found,
                });
            }
        }
        Ok(Model {
            network,
            standardizer,
            target,
        })
    }

    /// The network.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The standardisation applied to the features before the network.
    pub fn standardizer(&self) -> &Standardizer {
        &self.standardizer
    }

    /// The feature names, in the network's input order.
    pub fn feature_names(&self) -> &[String] {
        self.standardizer.feature_names()
    }

    /// The target.
    pub fn target(&self) -> &TargetInfo {
        &self.target
    }

    /// The file's bytes: safetensors with the metadata of [`metadata`].
    ///
    /// # Errors
    /// [`Error::ModelFile`] (with the path `"model"`) if safetensors refuses to serialise, which
    /// does not happen for a valid model.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let meta = metadata::encode(
            &self.network.widths(),
            self.network.activation(),
            self.network.dropout(),
            &self.standardizer,
            &self.target,
        );
        serialize(self.network.encode(), meta)
    }

    /// Reads a model from a file's bytes; `path` names the file in errors.
    ///
    /// # Errors
    /// [`Error::ModelFile`] naming `path` and the first fault found.
    pub fn from_bytes(path: &str, bytes: &[u8]) -> Result<Model> {
        Model::from_bytes_with_metadata(path, bytes, &HashMap::new())
    }

    /// Reads a model from a file's bytes with `extra` metadata entries (the keys of
    /// [`metadata`]) added to the file's own, replacing any of the same name. This is how a plain
    /// PyTorch `state_dict`, saved without nabla's metadata, is loaded: the caller gives the
    /// architecture, features and target. When `extra` is not empty and no format version is
    /// given anywhere, the current one is assumed.
    ///
    /// # Errors
    /// As [`Model::from_bytes`].
    pub fn from_bytes_with_metadata(
        path: &str,
        bytes: &[u8],
        extra: &HashMap<String, String>,
    ) -> Result<Model> {
        match SavedModel::from_bytes_with_metadata(path, bytes, extra)? {
            SavedModel::Single(model) => Ok(model),
            SavedModel::MultiTask(m) => Err(Error::ModelFile {
                path: path.to_string(),
                problem: ModelFileProblem::NotSingleTask {
                    tasks: m.targets().len(),
                },
            }),
        }
    }

    /// Reads a model file.
    ///
    /// # Errors
    /// [`Error::ModelFile`] naming the file: it cannot be read, or as [`Model::from_bytes`].
    pub fn load(path: impl AsRef<Path>) -> Result<Model> {
        Model::load_with_metadata(path, &HashMap::new())
    }

    /// Reads a model file with extra metadata entries, as [`Model::from_bytes_with_metadata`].
    ///
    /// # Errors
    /// As [`Model::load`].
    pub fn load_with_metadata(
        path: impl AsRef<Path>,
        extra: &HashMap<String, String>,
    ) -> Result<Model> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| Error::ModelFile {
            path: path.display().to_string(),
            problem: ModelFileProblem::Read(e),
        })?;
        Model::from_bytes_with_metadata(&path.display().to_string(), &bytes, extra)
    }

    /// Writes the model to `path` atomically: the bytes go to a temporary file in the same
    /// folder, which is then renamed over `path`. On failure the temporary file is removed and
    /// any existing file at `path` is left as it was.
    ///
    /// # Errors
    /// [`Error::ModelFile`] naming `path` when the file cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let bytes = self.to_bytes()?;
        write_atomic(path, &bytes).map_err(|e| Error::ModelFile {
            path: path.display().to_string(),
            problem: ModelFileProblem::Write(e),
        })
    }
}

/// What a model file holds: a single-task [`Model`] or a [`MultiTask`] one.
#[derive(Clone, Debug, PartialEq)]
pub enum SavedModel {
    /// One network with one target.
    Single(Model),
    /// A shared trunk with one head per task.
    MultiTask(MultiTask),
}

impl SavedModel {
    /// Reads either kind of model from a file's bytes (the `model` metadata key tells which);
    /// `path` names the file in errors.
    ///
    /// # Errors
    /// [`Error::ModelFile`] naming `path` and the first fault found.
    pub fn from_bytes(path: &str, bytes: &[u8]) -> Result<SavedModel> {
        SavedModel::from_bytes_with_metadata(path, bytes, &HashMap::new())
    }

    /// [`SavedModel::from_bytes`] with `extra` metadata entries, as
    /// [`Model::from_bytes_with_metadata`].
    ///
    /// # Errors
    /// As [`SavedModel::from_bytes`].
    pub fn from_bytes_with_metadata(
        path: &str,
        bytes: &[u8],
        extra: &HashMap<String, String>,
    ) -> Result<SavedModel> {
        let fail = |problem| Error::ModelFile {
            path: path.to_string(),
            problem,
        };
        let file =
            SafeTensors::deserialize(bytes).map_err(|e| fail(ModelFileProblem::Safetensors(e)))?;
        let (_, header) = SafeTensors::read_metadata(bytes)
            .map_err(|e| fail(ModelFileProblem::Safetensors(e)))?;
        let mut entries = header.metadata().clone().unwrap_or_default();
        if !extra.is_empty() {
            entries.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
            entries
                .entry(metadata::VERSION_KEY.to_string())
                .or_insert_with(|| metadata::FORMAT_VERSION.to_string());
        }
        if ModelKind::of(&entries).map_err(fail)? == ModelKind::MultiTask {
            return MultiTask::decode(path, &file, &entries).map(SavedModel::MultiTask);
        }
        let decoded = metadata::decode(Some(&entries)).map_err(fail)?;
        let network = Network::decode(&file, &decoded.widths, decoded.activation, decoded.dropout)
            .map_err(fail)?;
        Model::new(network, decoded.standardizer, decoded.target)
            .map(SavedModel::Single)
            .map_err(|e| {
                fail(ModelFileProblem::Inconsistent {
                    reason: e.to_string(),
                })
            })
    }

    /// Reads a model file of either kind, with extra metadata entries.
    ///
    /// # Errors
    /// [`Error::ModelFile`] naming the file: it cannot be read, or as [`SavedModel::from_bytes`].
    pub fn load_with_metadata(
        path: impl AsRef<Path>,
        extra: &HashMap<String, String>,
    ) -> Result<SavedModel> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| Error::ModelFile {
            path: path.display().to_string(),
            problem: ModelFileProblem::Read(e),
        })?;
        SavedModel::from_bytes_with_metadata(&path.display().to_string(), &bytes, extra)
    }
}

/// The safetensors bytes of `tensors` with `meta`, header canonical ([`canonical_header`]).
fn serialize(tensors: Vec<network::Encoded>, meta: HashMap<String, String>) -> Result<Vec<u8>> {
    let views = tensors
        .iter()
        .map(|(name, dtype, shape, data)| {
            TensorView::new(*dtype, shape.clone(), data).map(|v| (name.clone(), v))
        })
        .collect::<std::result::Result<Vec<_>, _>>()
        .and_then(|views| safetensors::serialize(views, Some(meta)));
    let bytes = views.map_err(|e| Error::ModelFile {
        path: "model".to_string(),
        problem: ModelFileProblem::Safetensors(e),
    })?;
    Ok(canonical_header(bytes))
}

/// The same file with its JSON header's keys in sorted order (the safetensors crate writes the
/// metadata in hash-map order, which changes from run to run), so that saving the same model
/// twice gives the same bytes. The data section, and so every offset, is unchanged; the header
/// stays padded with spaces to a multiple of 8 bytes.
fn canonical_header(bytes: Vec<u8>) -> Vec<u8> {
    use std::collections::BTreeMap;
    let sorted = || -> Option<Vec<u8>> {
        let n = usize::try_from(u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?)).ok()?;
        let header = std::str::from_utf8(bytes.get(8..8 + n)?).ok()?;
        let mut top: BTreeMap<String, serde_json::Value> = serde_json::from_str(header).ok()?;
        if let Some(meta) = top.get_mut("__metadata__") {
            let map: BTreeMap<String, String> = serde_json::from_value(meta.take()).ok()?;
            *meta = serde_json::to_value(map).ok()?;
        }
        let mut json = serde_json::to_vec(&top).ok()?;
        json.resize(json.len().next_multiple_of(8), b' ');
        let mut out = Vec::with_capacity(8 + json.len() + bytes.len() - 8 - n);
        out.extend_from_slice(&(json.len() as u64).to_le_bytes());
        out.extend_from_slice(&json);
        out.extend_from_slice(&bytes[8 + n..]);
        Some(out)
    };
    // The bytes come from safetensors itself, so parsing cannot fail; if it did, the original
    // (valid, merely unordered) bytes are kept.
    sorted().unwrap_or(bytes)
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, synced, then
/// renamed over `path` (removed on failure).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file path"))?;
    let tmp = dir.join(format!(
        ".{}.tmp{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
