//! Checkpoints: everything [`fit`](super::fit) needs to continue a run exactly from the end of an
//! epoch, as one safetensors file. A run of 20 epochs and a run of 10 epochs resumed to 20 end
//! with the same weights bit for bit, whatever the optimizer, dropout, schedule, early stopping
//! or multi-task balancing.
//!
//! What is saved, and why each is needed:
//!
//! | part | what the next epoch reads from it |
//! |------|-----------------------------------|
//! | the model's state ([`ModelState`]) | the weights, and a multi-task network's balancing state (GradNorm's weights and first losses, the log-variances, PCGrad's random stream position) |
//! | the optimizer's state ([`OptimizerState`]) | moments, momentum buffers, step counts, the layout (SGD's "first step"), the current rate |
//! | the schedule's epoch and rate | the chainable recurrence goes on from the rate reached ([`LrScheduler::resume`](crate::optim::LrScheduler::resume)) |
//! | the dropout stream's word position | the masks of the following batches (one ChaCha8 stream runs across epochs) |
//! | early stopping's best loss, epoch and weights | when to stop, and what to restore |
//! | the history so far | a resumed run reports (and logs) every epoch |
//!
//! The mini-batch order needs nothing: each epoch's shuffle is seeded by `(seed, epoch)`.
//!
//! The file: every number in F64 tensors (an f32 weight is exact in an f64) named `model.NAME`,
//! `best.NAME` and `optimizer.BUFFER.INDEX`, and the metadata keys `nabla_checkpoint` (the
//! format version), `state` (JSON: epoch, stream position, scalars, schedule, early stopping,
//! history) and `run` (JSON the caller supplies: `nabla train` stores the settings that change
//! the numbers, to compare them on `--resume`). Writes are atomic.

use std::collections::HashMap;
use std::path::Path;

use safetensors::tensor::{Dtype, TensorView};
use safetensors::SafeTensors;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::EpochReport;
use crate::optim::OptimizerState;
use crate::{Error, Result};

/// The metadata key holding the format version.
pub const VERSION_KEY: &str = "nabla_checkpoint";
/// The format version written.
pub const FORMAT_VERSION: &str = "1";

/// A model's training state: named numbers (weights and anything else trained) and, for state
/// that is not an array of weights, a JSON value (`null` for an MLP).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelState {
    /// Named arrays, in the model's order.
    pub tensors: Vec<(String, Vec<f64>)>,
    /// Anything else (exact: floats are written in their shortest round-trip form).
    pub extra: Value,
}

impl ModelState {
    /// The array `name`, checked to hold `len` numbers.
    ///
    /// # Errors
    /// [`Error::Checkpoint`] when it is missing or of another length.
    pub fn tensor(&self, name: &str, len: usize) -> Result<&[f64]> {
        let values = self
            .tensors
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
            .ok_or_else(|| invalid(format!("the model state has no '{name}'")))?;
        if values.len() != len {
            return Err(invalid(format!(
                "'{name}' holds {} numbers, the model {len}",
                values.len()
            )));
        }
        Ok(values)
    }
}

/// Early stopping's best epoch so far.
#[derive(Clone, Debug, PartialEq)]
pub struct Best {
    /// Its validation loss.
    pub loss: f64,
    /// The epoch, from 1.
    pub epoch: usize,
    /// The model's state after it.
    pub model: ModelState,
}

/// The state of a run after a finished epoch; see the [module docs](self).
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint<M, S> {
    /// Epochs finished.
    pub epoch: usize,
    /// The model after them.
    pub model: ModelState,
    /// The optimizer's state, in f64.
    pub optimizer: OptimizerState<f64>,
    /// The schedule's epoch and current rate (`None` without a schedule).
    pub scheduler: Option<(u64, f64)>,
    /// The word position of the dropout stream.
    pub rng_word_pos: u128,
    /// Early stopping's best epoch (with `patience`).
    pub best: Option<Best>,
    /// True when early stopping has ended the run.
    pub stopped_early: bool,
    /// Every epoch so far.
    pub history: Vec<EpochReport<M, S>>,
}

/// The JSON of the `state` key.
#[derive(Serialize, Deserialize)]
struct Meta<M, S> {
    epoch: usize,
    rng_word_pos: String,
    lr: f64,
    lengths: Option<Vec<usize>>,
    scalars: Vec<(String, f64)>,
    /// Buffer names and how many arrays each has.
    buffers: Vec<(String, usize)>,
    scheduler: Option<(u64, f64)>,
    /// The best loss as its bit pattern (exact for any value).
    best_loss_bits: Option<String>,
    best_epoch: Option<usize>,
    model_names: Vec<String>,
    model_extra: Value,
    best_extra: Value,
    stopped_early: bool,
    history: Vec<EpochReport<M, S>>,
}

impl<M, S> Checkpoint<M, S>
where
    M: Serialize + DeserializeOwned,
    S: Serialize + DeserializeOwned,
{
    /// The file's bytes, with `run` (the caller's description of the run) under the `run` key.
    ///
    /// # Errors
    /// [`Error::Checkpoint`] if the state cannot be encoded (a non-finite metric in the history).
    pub fn to_bytes(&self, run: &Value) -> Result<Vec<u8>> {
        let mut arrays: Vec<(String, &[f64])> = Vec::new();
        for (name, values) in &self.model.tensors {
            arrays.push((format!("model.{name}"), values));
        }
        if let Some(best) = &self.best {
            for (name, values) in &best.model.tensors {
                arrays.push((format!("best.{name}"), values));
            }
        }
        for (name, buffers) in &self.optimizer.buffers {
            for (i, values) in buffers.iter().enumerate() {
                arrays.push((format!("optimizer.{name}.{i}"), values));
            }
        }
        let meta: Meta<M, S> = Meta {
            epoch: self.epoch,
            rng_word_pos: self.rng_word_pos.to_string(),
            lr: self.optimizer.lr,
            lengths: self.optimizer.lengths.clone(),
            scalars: self.optimizer.scalars.clone(),
            buffers: self
                .optimizer
                .buffers
                .iter()
                .map(|(n, b)| (n.clone(), b.len()))
                .collect(),
            scheduler: self.scheduler,
            best_loss_bits: self.best.as_ref().map(|b| b.loss.to_bits().to_string()),
            best_epoch: self.best.as_ref().map(|b| b.epoch),
            model_names: self.model.tensors.iter().map(|(n, _)| n.clone()).collect(),
            model_extra: self.model.extra.clone(),
            best_extra: self
                .best
                .as_ref()
                .map_or(Value::Null, |b| b.model.extra.clone()),
            stopped_early: self.stopped_early,
            history: Vec::new(),
        };
        // The history is borrowed into the JSON rather than cloned.
        let mut state = serde_json::to_value(&meta).map_err(|e| invalid(e.to_string()))?;
        state["history"] =
            serde_json::to_value(&self.history).map_err(|e| invalid(e.to_string()))?;
        let bytes: Vec<Vec<u8>> = arrays
            .iter()
            .map(|(_, v)| v.iter().flat_map(|x| x.to_le_bytes()).collect())
            .collect();
        let views = arrays
            .iter()
            .zip(&bytes)
            .map(|((name, v), b)| TensorView::new(Dtype::F64, vec![v.len()], b).map(|t| (name, t)))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| invalid(e.to_string()))?;
        let metadata = HashMap::from([
            (VERSION_KEY.to_string(), FORMAT_VERSION.to_string()),
            ("state".to_string(), state.to_string()),
            ("run".to_string(), run.to_string()),
        ]);
        safetensors::serialize(views, Some(metadata)).map_err(|e| invalid(e.to_string()))
    }

    /// Reads a checkpoint and its `run` value from a file's bytes.
    ///
    /// # Errors
    /// [`Error::Checkpoint`] for anything that is not a checkpoint of this format.
    pub fn from_bytes(bytes: &[u8]) -> Result<(Self, Value)> {
        let (run, entries) = read_metadata(bytes)?;
        let meta: Meta<M, S> = serde_json::from_str(entry(&entries, "state")?)
            .map_err(|e| invalid(format!("state: {e}")))?;
        let file = SafeTensors::deserialize(bytes).map_err(|e| invalid(e.to_string()))?;
        let array = |name: &str| -> Result<Vec<f64>> {
            let view = file
                .tensor(name)
                .map_err(|_| invalid(format!("no tensor '{name}'")))?;
            if view.dtype() != Dtype::F64 {
                return Err(invalid(format!("'{name}' is not F64")));
            }
            Ok(view
                .data()
                .chunks_exact(8)
                .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect())
        };
        let model_state = |prefix: &str, extra: Value| -> Result<ModelState> {
            let tensors = meta
                .model_names
                .iter()
                .map(|n| Ok((n.clone(), array(&format!("{prefix}.{n}"))?)))
                .collect::<Result<Vec<_>>>()?;
            Ok(ModelState { tensors, extra })
        };
        let model = model_state("model", meta.model_extra.clone())?;
        let best = match (&meta.best_loss_bits, meta.best_epoch) {
            (Some(bits), Some(epoch)) => {
                let bits: u64 = bits
                    .parse()
                    .map_err(|_| invalid(format!("best loss '{bits}' is not a bit pattern")))?;
                Some(Best {
                    loss: f64::from_bits(bits),
                    epoch,
                    model: model_state("best", meta.best_extra.clone())?,
                })
            }
            (None, None) => None,
            _ => return Err(invalid("the best epoch is incomplete".to_string())),
        };
        let buffers = meta
            .buffers
            .iter()
            .map(|(name, count)| {
                let arrays = (0..*count)
                    .map(|i| array(&format!("optimizer.{name}.{i}")))
                    .collect::<Result<Vec<_>>>()?;
                Ok((name.clone(), arrays))
            })
            .collect::<Result<Vec<_>>>()?;
        let rng_word_pos = meta
            .rng_word_pos
            .parse()
            .map_err(|_| invalid(format!("stream position '{}'", meta.rng_word_pos)))?;
        let checkpoint = Checkpoint {
            epoch: meta.epoch,
            model,
            optimizer: OptimizerState {
                lr: meta.lr,
                lengths: meta.lengths,
                scalars: meta.scalars,
                buffers,
            },
            scheduler: meta.scheduler,
            rng_word_pos,
            best,
            stopped_early: meta.stopped_early,
            history: meta.history,
        };
        Ok((checkpoint, run))
    }

    /// Writes the checkpoint to `path` atomically (a temporary file renamed over it).
    ///
    /// # Errors
    /// [`Error::Checkpoint`] when it cannot be encoded or written.
    pub fn save(&self, path: &Path, run: &Value) -> Result<()> {
        let bytes = self.to_bytes(run)?;
        crate::model_file::write_atomic(path, &bytes)
            .map_err(|e| invalid(format!("{}: {e}", path.display())))
    }

    /// Reads the checkpoint file at `path`.
    ///
    /// # Errors
    /// [`Error::Checkpoint`] naming the file: it cannot be read, or is not a checkpoint.
    pub fn load(path: &Path) -> Result<(Self, Value)> {
        let bytes = read(path)?;
        Self::from_bytes(&bytes).map_err(|e| in_file(path, e))
    }
}

/// The `run` value of the checkpoint file at `path`, read without its arrays.
///
/// # Errors
/// [`Error::Checkpoint`] naming the file: it cannot be read, or is not a checkpoint.
pub fn read_run(path: &Path) -> Result<Value> {
    let bytes = read(path)?;
    read_metadata(&bytes)
        .map(|(run, _)| run)
        .map_err(|e| in_file(path, e))
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| invalid(format!("{}: {e}", path.display())))
}

fn in_file(path: &Path, e: Error) -> Error {
    match e {
        Error::Checkpoint { reason } => invalid(format!("{}: {reason}", path.display())),
        other => other,
    }
}

/// The `run` value and every metadata entry, after checking the format version.
fn read_metadata(bytes: &[u8]) -> Result<(Value, HashMap<String, String>)> {
    let (_, header) = SafeTensors::read_metadata(bytes)
        .map_err(|e| invalid(format!("not a safetensors file ({e})")))?;
    let entries = header.metadata().clone().unwrap_or_default();
    match entries.get(VERSION_KEY).map(String::as_str) {
        Some(FORMAT_VERSION) => {}
        Some(v) => {
            return Err(invalid(format!(
                "checkpoint format {v} is not {FORMAT_VERSION}"
            )))
        }
        None => return Err(invalid("not a nabla checkpoint".to_string())),
    }
    let run =
        serde_json::from_str(entry(&entries, "run")?).map_err(|e| invalid(format!("run: {e}")))?;
    Ok((run, entries))
}

fn entry<'a>(entries: &'a HashMap<String, String>, key: &str) -> Result<&'a str> {
    entries
        .get(key)
        .map(String::as_str)
        .ok_or_else(|| invalid(format!("no '{key}' entry")))
}

fn invalid(reason: String) -> Error {
    Error::Checkpoint { reason }
}
