//! Model and data flags that several commands read the same way: layer widths (`--hidden`,
//! `--shared`, `--head`), the loss balancing (`--balance`) and the tasks of a multi-task run
//! (`--task` on `--data`), for `nabla train`, `lr-find` and `mtl-compare`.

use anyhow::bail;
use nabla_nn::data::{CsvOptions, Dataset, TargetSpec};
use nabla_nn::multitask::Balance;

/// Reads `--data` with the declared tasks and checks each declaration; `flag` names the option
/// in errors (`--task`).
///
/// # Errors
/// An unknown column, a kind that does not fit the values, a repeated task, unreadable data;
/// each message names the column or file.
pub fn load_tasks(data: &str, specs: &[String], flag: &str) -> anyhow::Result<Dataset> {
    if specs.is_empty() {
        bail!("{flag}: declare at least one task as NAME:KIND");
    }
    let specs = specs
        .iter()
        .map(|s| TargetSpec::parse(s).map_err(|e| anyhow::anyhow!("{flag} {s}: {e}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    for (i, s) in specs.iter().enumerate() {
        if specs[..i].iter().any(|t| t.column == s.column) {
            bail!("{flag} {}: the task is declared twice", s.column);
        }
    }
    let is_file = std::path::Path::new(data).exists();
    let options = CsvOptions {
        targets: if is_file { specs.clone() } else { Vec::new() },
        ..CsvOptions::default()
    };
    let dataset =
        Dataset::load(data, &options).map_err(|e| anyhow::anyhow!("--data {data}: {e}"))?;
    for spec in &specs {
        let target = dataset
            .target(&spec.column)
            .map_err(|e| anyhow::anyhow!("{flag} {}: {e}", spec.column))?;
        if let Some(kind) = spec.kind {
            if kind != target.kind() {
                bail!(
                    "{flag} {}:{kind}: column \"{}\" of {} holds a {} target, not {kind}",
                    spec.column,
                    spec.column,
                    dataset.name(),
                    target.kind()
                );
            }
        }
        if target.missing_count() == target.len() {
            bail!(
                "{flag} {}: column \"{}\" has no values",
                spec.column,
                spec.column
            );
        }
    }
    let names: Vec<String> = specs.iter().map(|s| s.column.clone()).collect();
    dataset
        .select_targets(&names)
        .map_err(|e| anyhow::anyhow!("{flag}: {e}"))
}

/// Layer widths given to `flag` as `W,W,...` (`0`, `none` or nothing: no layer).
///
/// # Errors
/// A width that is not a positive integer, naming `flag`.
pub fn parse_widths(flag: &str, text: &str) -> anyhow::Result<Vec<usize>> {
    let text = text.trim();
    if text.is_empty() || text == "0" || text.eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|w| match w.trim().parse::<usize>() {
            Ok(0) | Err(_) => bail!("{flag}: '{}' is not a positive layer width", w.trim()),
            Ok(n) => Ok(n),
        })
        .collect()
}

/// The balancing method from `--balance` and the GradNorm flags.
///
/// # Errors
/// An unknown method name.
pub fn parse_balance(name: &str, alpha: f64, lr: f64) -> anyhow::Result<Balance> {
    match Balance::parse(name) {
        Some(Balance::GradNorm { .. }) => Ok(Balance::GradNorm { alpha, lr }),
        Some(b) => Ok(b),
        None => bail!(
            "--balance: unknown method '{name}' (expected one of: {})",
            Balance::NAMES.join(", ")
        ),
    }
}
