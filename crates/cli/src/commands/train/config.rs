//! `nabla train --config run.toml`: a run's flags written as a TOML file.
//!
//! Every key is a long flag of `nabla train`, with `-` or `_` (`test_fraction = 0.2`); a value
//! is what the flag takes: a string, a number, `true` for a switch, and an array for a list
//! (`hidden = [512, 512]` is `--hidden 512,512`; `task = ["species:classes", "sex:binary"]` is
//! two `--task` flags). Flags given on the command line override the file's keys. An unknown
//! key is an error naming it and the closest flag names; a bad value is an error naming the
//! key, with the message the flag would give.
//!
//! ```toml
//! data = "iris"
//! hidden = [16, 16]
//! lr = 1e-2
//! schedule = "cosine:30"
//! ```
//!
//! The file is read before clap builds the arguments: [`expand`] inserts the file's flags
//! after `train` on the command line (those the user did not give), so a TOML run and the
//! same run written as flags are one run, checked by the same code. The JSON output's `config`
//! ([`resolved`]) lists every setting of the run under the same keys, so the run can be
//! written back to a TOML file and rerun.

use std::ffi::OsString;
use std::path::Path;

use anyhow::{bail, Context};
use clap::parser::ValueSource;
use clap::{ArgAction, ArgMatches};
use serde_json::{Map, Value};

/// The flags that are not settings of the run: `--config` itself and clap's own.
const NOT_KEYS: [&str; 3] = ["config", "help", "version"];

/// The command line `args` (from the program name on) with the flags of `--config FILE`
/// inserted after `train`, for every key whose flag the command line does not give. Any other
/// command line is returned as it is (clap then reports its errors).
///
/// # Errors
/// The file cannot be read or is not TOML (with its line and column), a key is not a flag of
/// `nabla train`, or a value does not suit its flag; every message names `--config` and the
/// key.
pub fn expand(args: Vec<OsString>) -> anyhow::Result<Vec<OsString>> {
    let command = crate::cli_command();
    let Ok(matches) = command.clone().try_get_matches_from(&args) else {
        return Ok(args);
    };
    let given = match matches.subcommand() {
        Some(("train", given)) => given,
        Some(("lr-find", given)) => {
            super::lr_find::refuse_unused(given)?;
            return Ok(args);
        }
        _ => return Ok(args),
    };
    let train = command
        .find_subcommand("train")
        .context("nabla has a train command")?;
    let args = match given.get_one::<std::path::PathBuf>("config") {
        Some(path) => {
            let flags = file_flags(path, train, given)?;
            insert_after_train(args, flags)
        }
        None => args,
    };
    // `--resume`: the checkpoint's settings fill in what the command line and the file leave out.
    let Ok(matches) = command.clone().try_get_matches_from(&args) else {
        return Ok(args);
    };
    let Some(("train", given)) = matches.subcommand() else {
        return Ok(args);
    };
    match given.get_one::<std::path::PathBuf>("resume") {
        Some(path) => {
            let flags = super::resume::flags(path, train, given)?;
            Ok(insert_after_train(args, flags))
        }
        None => Ok(args),
    }
}

/// `args` with `flags` inserted right after `train`.
fn insert_after_train(args: Vec<OsString>, flags: Vec<OsString>) -> Vec<OsString> {
    let Some(at) = args.iter().position(|a| a == "train") else {
        return args;
    };
    let mut expanded = args[..=at].to_vec();
    expanded.extend(flags);
    expanded.extend_from_slice(&args[at + 1..]);
    expanded
}

/// The flags the TOML file at `path` stands for, less those the command line gives.
fn file_flags(
    path: &Path,
    train: &clap::Command,
    given: &ArgMatches,
) -> anyhow::Result<Vec<OsString>> {
    let shown = path.display();
    let text =
        std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("--config {shown}: {e}"))?;
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let place = e.span().map_or(String::new(), |span| {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("line {line}, column {column}: ")
        });
        anyhow::anyhow!("--config {shown}: {place}{}", e.message().trim())
    })?;
    let keys: Vec<&str> = train
        .get_arguments()
        .filter_map(clap::Arg::get_long)
        .filter(|long| !NOT_KEYS.contains(long))
        .collect();
    let mut flags = Vec::new();
    for (key, value) in &table {
        let long = key.replace('_', "-");
        let Some(arg) = train
            .get_arguments()
            .find(|a| a.get_long() == Some(long.as_str()) && !NOT_KEYS.contains(&long.as_str()))
        else {
            bail!(
                "--config {shown}: unknown key '{key}'{}",
                closest(&long, &keys)
            );
        };
        if given.value_source(arg.get_id().as_str()) == Some(ValueSource::CommandLine) {
            continue;
        }
        let mut these = Vec::new();
        let flag = format!("--{long}");
        let fail = |why: &str| anyhow::anyhow!("--config {shown}: {key} = {value}: {why}");
        match arg.get_action() {
            ArgAction::SetTrue => match value {
                toml::Value::Boolean(true) => these.push(OsString::from(&flag)),
                toml::Value::Boolean(false) => {}
                _ => return Err(fail("expected true or false")),
            },
            ArgAction::Append => {
                let items = match value {
                    toml::Value::Array(items) => items.iter().collect(),
                    one => vec![one],
                };
                for item in items {
                    these.push(OsString::from(&flag));
                    these.push(scalar(item).ok_or_else(|| fail("expected a string or a number"))?);
                }
            }
            _ => {
                let text = match value {
                    toml::Value::Array(items) => items
                        .iter()
                        .map(|v| scalar(v).map(|s| s.to_string_lossy().into_owned()))
                        .collect::<Option<Vec<_>>>()
                        .map(|parts| OsString::from(parts.join(","))),
                    one => scalar(one),
                };
                these.push(OsString::from(&flag));
                these.push(text.ok_or_else(|| fail("expected a string, a number or a list"))?);
            }
        }
        // Each key is checked alone, so that a bad value is reported with its key.
        let mut alone = vec![OsString::from("train")];
        alone.extend(these.iter().cloned());
        if let Err(e) = train.clone().try_get_matches_from(alone) {
            let rendered = e.to_string();
            let first = rendered.lines().next().unwrap_or_default();
            return Err(fail(first.trim_start_matches("error: ")));
        }
        flags.extend(these);
    }
    Ok(flags)
}

/// A TOML scalar as flag text: strings as they are, numbers in their shortest round-trip form.
fn scalar(value: &toml::Value) -> Option<OsString> {
    match value {
        toml::Value::String(s) => Some(OsString::from(s)),
        toml::Value::Integer(i) => Some(OsString::from(i.to_string())),
        toml::Value::Float(x) => Some(OsString::from(x.to_string())),
        toml::Value::Boolean(b) => Some(OsString::from(b.to_string())),
        _ => None,
    }
}

/// `" (did you mean: a, b?)"` with the keys nearest to `key`, or nothing when none is near.
fn closest(key: &str, keys: &[&str]) -> String {
    let mut scored: Vec<(f64, &str)> = keys
        .iter()
        .map(|k| (strsim::jaro_winkler(key, k), *k))
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    if scored.is_empty() {
        return String::new();
    }
    let names: Vec<String> = scored
        .iter()
        .take(3)
        .map(|(_, k)| k.replace('-', "_"))
        .collect();
    format!(" (did you mean: {}?)", names.join(", "))
}

/// Every setting of the run (command line, `--config` file and defaults resolved) under its
/// TOML key; flags left unset are left out, as are `--format` and `--quiet`.
pub fn resolved(args: &super::TrainArgs) -> Value {
    match serde_json::to_value(args) {
        Ok(Value::Object(map)) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .collect::<Map<String, Value>>(),
        ),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::FromArgMatches;

    fn train_command() -> clap::Command {
        crate::cli_command()
            .find_subcommand("train")
            .cloned()
            .unwrap()
    }

    #[test]
    fn every_flag_is_a_key_of_the_resolved_config_and_back() {
        let train = train_command();
        let matches = train
            .clone()
            .try_get_matches_from([
                "train",
                "--target",
                "t",
                "--lr",
                "0.1",
                "--alpha",
                "1",
                "--beta",
                "1",
                "--weight-decay",
                "0",
                "--patience",
                "1",
                "--clip-norm",
                "1",
                "--plot",
                "p.png",
                "--confusion-plot",
                "c.png",
                "--save",
                "m",
                "--log",
                "l.csv",
                "--threads",
                "1",
                "--mc-samples",
                "2",
                "--schedule",
                "cosine:3",
                "--weights",
                "1",
                "--config",
                "c.toml",
                "--checkpoint",
                "c.ckpt",
                "--resume",
                "r.ckpt",
            ])
            .unwrap();
        let args = super::super::TrainArgs::from_arg_matches(&matches).unwrap();
        let config = resolved(&args);
        let keys: Vec<String> = config.as_object().unwrap().keys().cloned().collect();
        let mut flags: Vec<String> = train
            .get_arguments()
            .filter_map(clap::Arg::get_long)
            .filter(|l| !NOT_KEYS.contains(l) && !["format", "quiet"].contains(l))
            .map(|l| l.replace('-', "_"))
            .collect();
        flags.sort();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(sorted, flags);
        assert_eq!(config["lr"], 0.1);
        assert_eq!(config["epochs"], 30);
        assert_eq!(config["task"], serde_json::json!([]));
    }

    #[test]
    fn closest_names_the_near_keys() {
        let keys = ["epochs", "hidden", "lr", "test-fraction"];
        assert_eq!(closest("epoch", &keys), " (did you mean: epochs?)");
        assert_eq!(
            closest("test-fractoin", &keys),
            " (did you mean: test_fraction?)"
        );
        assert_eq!(closest("zzz", &keys), "");
    }
}
