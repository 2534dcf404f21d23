//! `nabla train --checkpoint FILE` and `--resume FILE`: the run's settings kept in a checkpoint
//! (`nabla_nn::train::checkpoint`), filled in on resume, and compared.
//!
//! A checkpoint stores the settings that change the numbers — every flag but the run-only ones
//! ([`RUN_ONLY`]: where files go, threads, `--epochs`) — under the resolved config's keys, plus
//! `epochs`. `--resume FILE` fills in every such setting the command line (or `--config`) does not
//! give, so `nabla train --resume run.ckpt` continues the run as it was started; a setting that
//! is given and differs from the checkpoint's is refused, naming its flag. `--epochs` may differ
//! (raised: the run goes on; without it the run finishes the epochs it was started with).
//!
//! The settings stored are the resolved run ([`Resolved`]): a flag left to a default that
//! depends on another setting (`--lr` on `--optimizer`, `--alpha` on `--activation`, `--target`
//! on `--data`, the kind of a `--task`, `--weights`) is stored as the value the run used, so
//! `--resume run.ckpt --lr 0.001` agrees with a run that left adam's learning rate to its
//! default, and a contradiction names both real values.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::parser::ValueSource;
use clap::{ArgAction, ArgMatches};
use nabla_nn::optim::{HyperValue, OptimizerConfig};
use nabla_nn::train::Checkpoint;
use nabla_tensor::Activation;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::TrainArgs;

/// Settings that change no number of the trained model: not compared on `--resume` (`epochs`
/// is kept in the checkpoint all the same, as the run's target).
pub const RUN_ONLY: [&str; 11] = [
    "config",
    "plot",
    "confusion_plot",
    "log",
    "threads",
    "save",
    "mc_samples",
    "checkpoint",
    "resume",
    "epochs",
    "format",
];

/// The settings a run resolved from defaults and from one another, under the resolved config's
/// keys; they replace what the command line says (or leaves unset) in [`run_settings`].
#[derive(Clone, Debug, Default)]
pub struct Resolved(Map<String, Value>);

/// Settings whose default depends on another one: filled in from a checkpoint only while that
/// other setting agrees with it (a resumed run given another `--optimizer` is then refused for
/// the optimizer, not for a hyperparameter the new one lacks).
const DEPENDS_ON: [(&str, &str); 7] = [
    ("lr", "optimizer"),
    ("weight_decay", "optimizer"),
    ("opt", "optimizer"),
    ("alpha", "activation"),
    ("beta", "activation"),
    ("target", "data"),
    ("weights", "task"),
];

/// The settings compared first, since the others' defaults depend on them.
const FIRST: [&str; 4] = ["data", "task", "optimizer", "activation"];

impl Resolved {
    /// The optimizer's every hyperparameter (`lr`, `weight_decay` where it has one, the rest as
    /// `opt` entries `KEY=VALUE` in the optimizer's order) and the activation's parameters
    /// (`alpha` for leaky_relu and elu, `beta` for swish and softplus), as the run uses them.
    pub fn new(optimizer: &OptimizerConfig, activation_name: &str, activation: Activation) -> Self {
        let mut map = Map::new();
        let mut opt = Vec::new();
        for (key, value) in optimizer.hyperparameters() {
            let value = match value {
                HyperValue::Number(x) => Value::from(x),
                HyperValue::Flag(b) => Value::from(b),
            };
            match key {
                "lr" | "weight_decay" => {
                    map.insert(key.to_string(), value);
                }
                _ => opt.push(Value::from(format!("{key}={value}"))),
            }
        }
        map.insert("opt".to_string(), Value::Array(opt));
        let takes = |p: &str| match p {
            "alpha" => matches!(activation_name, "leaky_relu" | "elu"),
            _ => matches!(activation_name, "swish" | "softplus"),
        };
        for (key, value) in activation.params() {
            if takes(key) {
                map.insert(key.to_string(), Value::from(value));
            }
        }
        Resolved(map)
    }

    /// This with `key` set to `value` (a target chosen by default, each task's kind).
    #[must_use]
    pub fn with(mut self, key: &str, value: Value) -> Self {
        self.0.insert(key.to_string(), value);
        self
    }
}

/// The settings a checkpoint of this run stores: the resolved config less [`RUN_ONLY`], with the
/// run's resolved values, plus `epochs`.
pub fn run_settings(args: &TrainArgs, resolved: &Resolved) -> Value {
    let mut map: Map<String, Value> = match super::config::resolved(args) {
        Value::Object(map) => map
            .into_iter()
            .filter(|(k, _)| !RUN_ONLY.contains(&k.as_str()))
            .collect(),
        _ => Map::new(),
    };
    for (key, value) in &resolved.0 {
        map.insert(key.clone(), value.clone());
    }
    map.insert("epochs".to_string(), Value::from(args.epochs));
    Value::Object(map)
}

/// The flags for the checkpoint's settings at `path` that `given` (the parsed command line,
/// `--config` keys included) does not give.
///
/// # Errors
/// The checkpoint cannot be read, or holds a setting that is not a flag of `train`.
pub fn flags(
    path: &Path,
    train: &clap::Command,
    given: &ArgMatches,
) -> anyhow::Result<Vec<OsString>> {
    let shown = path.display();
    // The library's message names the file.
    let run =
        nabla_nn::train::checkpoint::read_run(path).map_err(|e| anyhow::anyhow!("--resume {e}"))?;
    let Value::Object(settings) = run else {
        bail!("--resume {shown}: the checkpoint holds no settings");
    };
    let mut flags = Vec::new();
    for (key, value) in &settings {
        let long = key.replace('_', "-");
        let Some(arg) = train.get_arguments().find(|a| a.get_long() == Some(&long)) else {
            bail!(
                "--resume {shown}: the checkpoint's setting '{key}' is not a flag of nabla train"
            );
        };
        if given.value_source(arg.get_id().as_str()) == Some(ValueSource::CommandLine) {
            continue;
        }
        if let Some((_, parent)) = DEPENDS_ON.iter().find(|(k, _)| *k == key.as_str()) {
            if changed_on_command_line(train, given, parent, settings.get(*parent)) {
                continue;
            }
        }
        let flag = OsString::from(format!("--{long}"));
        let text = |v: &Value| match v {
            Value::String(s) => Some(OsString::from(s)),
            Value::Number(n) => Some(OsString::from(n.to_string())),
            Value::Bool(b) => Some(OsString::from(b.to_string())),
            _ => None,
        };
        let bad = || anyhow::anyhow!("--resume {shown}: setting '{key}' = {value} is not a value");
        match (arg.get_action(), value) {
            (ArgAction::SetTrue, Value::Bool(true)) => flags.push(flag),
            (ArgAction::SetTrue, Value::Bool(false)) | (_, Value::Null) => {}
            (ArgAction::Append, Value::Array(items)) => {
                for item in items {
                    flags.push(flag.clone());
                    flags.push(text(item).ok_or_else(bad)?);
                }
            }
            (_, one) => {
                flags.push(flag);
                flags.push(text(one).ok_or_else(bad)?);
            }
        }
    }
    Ok(flags)
}

/// Whether the command line gives setting `key` a value other than the checkpoint's `stored`.
fn changed_on_command_line(
    train: &clap::Command,
    given: &ArgMatches,
    key: &str,
    stored: Option<&Value>,
) -> bool {
    let long = key.replace('_', "-");
    let Some(arg) = train.get_arguments().find(|a| a.get_long() == Some(&long)) else {
        return false;
    };
    let id = arg.get_id().as_str();
    if given.value_source(id) != Some(ValueSource::CommandLine) {
        return false;
    }
    let raw: Vec<String> = given
        .get_raw(id)
        .map(|values| values.map(|v| v.to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    match stored {
        Some(Value::String(s)) => raw != [s.clone()],
        _ => true,
    }
}

/// Checks that every setting of this run that changes the numbers equals the checkpoint's
/// (`stored`, from the file at `path`); `resolved` holds the run's resolved values.
///
/// # Errors
/// The first setting that differs (those others depend on first), naming its flag and both
/// values; for `--opt`, the first hyperparameter that differs.
pub fn check_agrees(
    args: &TrainArgs,
    resolved: &Resolved,
    stored: &Value,
    path: &Path,
) -> anyhow::Result<()> {
    let ours = run_settings(args, resolved);
    let (Value::Object(ours), Value::Object(theirs)) = (&ours, stored) else {
        bail!(
            "--resume {}: the checkpoint holds no settings",
            path.display()
        );
    };
    let mut keys: Vec<&String> = ours.keys().chain(theirs.keys()).collect();
    keys.sort_by_key(|k| (FIRST.iter().position(|f| f == k).unwrap_or(FIRST.len()), *k));
    keys.dedup();
    for key in keys.into_iter().filter(|k| k.as_str() != "epochs") {
        let (a, b) = (
            ours.get(key).unwrap_or(&Value::Null),
            theirs.get(key).unwrap_or(&Value::Null),
        );
        if a != b {
            if let Some((name, a, b)) = first_differing_entry(a, b) {
                bail!(
                    "--opt {name}: {a} contradicts the checkpoint's {b} ({}); drop the flag to continue that run, or start a new one without --resume",
                    path.display()
                );
            }
            let shown = |v: &Value| match v {
                Value::Null => "unset".to_string(),
                Value::String(s) => s.clone(),
                Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_string(),
            };
            bail!(
                "--{}: {} contradicts the checkpoint's {} ({}); drop the flag to continue that run, or start a new one without --resume",
                key.replace('_', "-"),
                shown(a),
                shown(b),
                path.display()
            );
        }
    }
    Ok(())
}

/// For two lists of `KEY=VALUE` entries (`--opt`) with the same keys, the first key whose values
/// differ, with both values.
fn first_differing_entry(a: &Value, b: &Value) -> Option<(String, String, String)> {
    let entries = |v: &Value| -> Option<Vec<(String, String)>> {
        v.as_array()?
            .iter()
            .map(|e| {
                let (k, v) = e.as_str()?.split_once('=')?;
                Some((k.to_string(), v.to_string()))
            })
            .collect()
    };
    let (a, b) = (entries(a)?, entries(b)?);
    let same_keys = a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| x.0 == y.0);
    if !same_keys {
        return None;
    }
    a.into_iter()
        .zip(b)
        .find(|(x, y)| x.1 != y.1)
        .map(|(x, y)| (x.0, x.1, y.1))
}

/// The checkpoint `--resume` names, after checking that it agrees with this run; `None`
/// without `--resume`.
///
/// # Errors
/// The file cannot be read or is not a checkpoint of this kind of run; a setting contradicts
/// it; `--epochs` is below the epochs it has run.
pub fn load<M, S>(args: &TrainArgs, resolved: &Resolved) -> anyhow::Result<Option<Checkpoint<M, S>>>
where
    M: Serialize + DeserializeOwned,
    S: Serialize + DeserializeOwned,
{
    let Some(path) = &args.resume else {
        return Ok(None);
    };
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("--resume {shown}: {e}"))?;
    let (checkpoint, stored) =
        Checkpoint::from_bytes(&bytes).map_err(|e| anyhow::anyhow!("--resume {shown}: {e}"))?;
    check_agrees(args, resolved, &stored, path)?;
    if checkpoint.epoch > args.epochs {
        bail!(
            "--epochs: {} is fewer than the {} epochs {shown} has run",
            args.epochs,
            checkpoint.epoch
        );
    }
    Ok(Some(checkpoint))
}

/// Writes each epoch's checkpoint to `--checkpoint`, keeping the first failure for the message.
pub struct Writer {
    path: PathBuf,
    run: Value,
    failed: Option<String>,
}

impl Writer {
    /// A writer for `--checkpoint`, or `None` without it.
    pub fn new(args: &TrainArgs, resolved: &Resolved) -> Option<Writer> {
        args.checkpoint.as_ref().map(|path| Writer {
            path: path.clone(),
            run: run_settings(args, resolved),
            failed: None,
        })
    }

    /// Writes `checkpoint` atomically.
    ///
    /// # Errors
    /// The file cannot be written (the reason is kept for [`Writer::explain`]).
    pub fn write<M, S>(&mut self, checkpoint: &Checkpoint<M, S>) -> nabla_nn::Result<()>
    where
        M: Serialize + DeserializeOwned,
        S: Serialize + DeserializeOwned,
    {
        checkpoint.save(&self.path, &self.run).inspect_err(|e| {
            self.failed = Some(e.to_string());
        })
    }

    /// `e`, or the write failure that caused it, naming `--checkpoint`.
    pub fn explain(writer: Option<&Writer>, e: anyhow::Error) -> anyhow::Error {
        match writer.and_then(|w| w.failed.as_ref().map(|f| (w, f))) {
            Some((w, failed)) => anyhow::anyhow!("--checkpoint {}: {failed}", w.path.display()),
            None => e,
        }
    }
}
