//! `nabla train --checkpoint FILE` and `--resume FILE`: the run's settings kept in a checkpoint
//! (`nabla_nn::train::checkpoint`), filled in on resume, and compared.
//!
//! A checkpoint stores the settings that change the numbers — every flag but the run-only ones
//! ([`RUN_ONLY`]: where files go, threads, `--epochs`) — under the resolved config's keys, plus
//! `epochs`. `--resume FILE` fills in every such setting the command line (or `--config`) does not
//! give, so `nabla train --resume run.ckpt` continues the run as it was started; a setting that
//! is given and differs from the checkpoint's is refused, naming its flag. `--epochs` may differ
//! (raised: the run goes on; without it the run finishes the epochs it was started with).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::parser::ValueSource;
use clap::{ArgAction, ArgMatches};
use nabla_nn::train::Checkpoint;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::TrainArgs;

/// Settings that change no number of the trained model: not compared on `--resume` (`epochs`
/// is kept in the checkpoint all the same, as the run's target).
pub const RUN_ONLY: [&str; 10] = [
    "config",
    "plot",
    "log",
    "threads",
    "save",
    "mc_samples",
    "checkpoint",
    "resume",
    "epochs",
    "format",
];

/// The settings a checkpoint of this run stores: the resolved config less [`RUN_ONLY`], plus
/// `epochs`.
pub fn run_settings(args: &TrainArgs) -> Value {
    let mut map: Map<String, Value> = match super::config::resolved(args) {
        Value::Object(map) => map
            .into_iter()
            .filter(|(k, _)| !RUN_ONLY.contains(&k.as_str()))
            .collect(),
        _ => Map::new(),
    };
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

/// Checks that every setting of this run that changes the numbers equals the checkpoint's
/// (`stored`, from the file at `path`).
///
/// # Errors
/// The first setting that differs, naming its flag and both values.
pub fn check_agrees(args: &TrainArgs, stored: &Value, path: &Path) -> anyhow::Result<()> {
    let ours = run_settings(args);
    let (Value::Object(ours), Value::Object(theirs)) = (&ours, stored) else {
        bail!(
            "--resume {}: the checkpoint holds no settings",
            path.display()
        );
    };
    let mut keys: Vec<&String> = ours.keys().chain(theirs.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys.into_iter().filter(|k| k.as_str() != "epochs") {
        let (a, b) = (
            ours.get(key).unwrap_or(&Value::Null),
            theirs.get(key).unwrap_or(&Value::Null),
        );
        if a != b {
            let shown = |v: &Value| match v {
                Value::Null => "unset".to_string(),
                Value::String(s) => s.clone(),
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

/// The checkpoint `--resume` names, after checking that it agrees with this run; `None`
/// without `--resume`.
///
/// # Errors
/// The file cannot be read or is not a checkpoint of this kind of run; a setting contradicts
/// it; `--epochs` is below the epochs it has run.
pub fn load<M, S>(args: &TrainArgs) -> anyhow::Result<Option<Checkpoint<M, S>>>
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
    check_agrees(args, &stored, path)?;
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
    pub fn new(args: &TrainArgs) -> Option<Writer> {
        args.checkpoint.as_ref().map(|path| Writer {
            path: path.clone(),
            run: run_settings(args),
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
