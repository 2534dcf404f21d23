//! The comparison as a text table, a Markdown table (for the docs) or JSON.
//!
//! ```text
//! mean = (1/n) Σ xᵢ        std = √( Σ (xᵢ − mean)² / (n − 1) )   (null when n = 1)
//! ```
//! where xᵢ is a task's test metric with seed i: accuracy for classes and binary tasks, R² for
//! regression (the JSON adds the regression MSE in the target's units). Each multi-task setup is
//! also compared with the single-task networks seed by seed (same split, same initial trunk):
//! the mean ± std of the paired differences `multi − single`, and the number of seeds where the
//! multi-task network scored higher.

use std::fmt::Write as _;

use nabla_nn::train::Metrics;
use serde_json::{json, Map, Value};

use super::{Comparison, MtlCompareArgs};
use crate::output::{self, Format};

/// The mean and sample standard deviation of `values` (`None` for the deviation of one value).
pub fn mean_std(values: &[f64]) -> (f64, Option<f64>) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, None);
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, Some(var.sqrt()))
}

/// The metric a task is judged by.
pub fn headline(kind: &str, m: &Metrics) -> f64 {
    if kind == "regression" {
        m.r_squared.unwrap_or(f64::NAN)
    } else {
        m.accuracy.unwrap_or(f64::NAN)
    }
}

fn metric_name(kind: &str) -> &'static str {
    if kind == "regression" {
        "r_squared"
    } else {
        "accuracy"
    }
}

/// The paired differences `multi − single` of a task's metric, seed by seed (same split and
/// initial trunk), and how many seeds the multi-task network won.
fn paired(kind: &str, single: &[Metrics], multi: &[Metrics]) -> (Vec<f64>, usize) {
    let diffs: Vec<f64> = single
        .iter()
        .zip(multi)
        .map(|(s, m)| headline(kind, m) - headline(kind, s))
        .collect();
    let wins = diffs.iter().filter(|d| **d > 0.0).count();
    (diffs, wins)
}

fn signed_cell(values: &[f64], wins: usize) -> String {
    // A mean that rounds to zero prints as +0.0000, never -0.0000.
    let (mean, std) = mean_std(values);
    let mean = if mean.abs() < 5e-5 { 0.0 } else { mean };
    match (mean, std) {
        (m, Some(s)) => format!("{m:+.4} ± {s:.4} ({wins}/{})", values.len()),
        (m, None) => format!("{m:+.4} ({wins}/{})", values.len()),
    }
}

fn cell(values: &[f64]) -> String {
    match mean_std(values) {
        (m, Some(s)) => format!("{m:.4} ± {s:.4}"),
        (m, None) => format!("{m:.4}"),
    }
}

/// Prints the comparison in the chosen format.
pub fn print(args: &MtlCompareArgs, c: &Comparison) -> anyhow::Result<()> {
    match args.common.format {
        Format::Json => output::print_json(&to_json(c)),
        Format::Markdown => output::print_text(&to_markdown(c)),
        Format::Text => output::print_text(&to_text(c)),
    }
}

fn seeds_text(c: &Comparison) -> String {
    match (c.seeds.first(), c.seeds.last()) {
        (Some(a), Some(b)) if a != b => format!("{} seeds ({a}–{b})", c.seeds.len()),
        (Some(a), _) => format!("1 seed ({a})"),
        _ => "no seeds".to_string(),
    }
}

fn to_text(c: &Comparison) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}: {}, {}\ntest metrics, mean ± sample std over seeds (accuracy; R² for regression)\n",
        c.dataset,
        seeds_text(c),
        c.settings
    );
    let _ = write!(s, "{:<26} {:>10}", "setup", "parameters");
    for t in &c.tasks {
        let _ = write!(s, "  {:>20}", format!("{} ({})", t.name, short(t.kind)));
    }
    let _ = writeln!(s);
    for setup in &c.setups {
        let _ = write!(s, "{:<26} {:>10}", setup.name, setup.parameters);
        for (t, task) in c.tasks.iter().enumerate() {
            let values: Vec<f64> = setup.metrics[t]
                .iter()
                .map(|m| headline(task.kind, m))
                .collect();
            let _ = write!(s, "  {:>20}", cell(&values));
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(
        s,
        "\nmulti-task minus single-task, paired by seed: mean ± std (seeds where multi-task won)"
    );
    for setup in c.setups.iter().skip(1) {
        let _ = write!(s, "{:<26} {:>10}", setup.name, "");
        for (t, task) in c.tasks.iter().enumerate() {
            let (d, wins) = paired(task.kind, &c.setups[0].metrics[t], &setup.metrics[t]);
            let _ = write!(s, "  {:>20}", signed_cell(&d, wins));
        }
        let _ = writeln!(s);
    }
    let per_task: Vec<String> = c
        .tasks
        .iter()
        .map(|t| format!("{} {}", t.name, t.single_parameters))
        .collect();
    let _ = writeln!(
        s,
        "\nsingle-task parameters per network: {}\nfinished in {:.1} s",
        per_task.join(", "),
        c.seconds
    );
    s
}

fn short(kind: &str) -> &'static str {
    if kind == "regression" {
        "R²"
    } else {
        "acc."
    }
}

fn to_markdown(c: &Comparison) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}: {}, {}. Test metrics, mean ± sample std over the seeds.\n",
        c.dataset,
        seeds_text(c),
        c.settings
    );
    let _ = write!(s, "| setup | parameters |");
    for t in &c.tasks {
        let _ = write!(
            s,
            " {} ({}, {}) |",
            t.name,
            t.kind,
            if t.kind == "regression" {
                "R²"
            } else {
                "accuracy"
            }
        );
    }
    let _ = write!(s, "\n|---|---:|");
    for _ in &c.tasks {
        let _ = write!(s, "---:|");
    }
    let _ = writeln!(s);
    for setup in &c.setups {
        let _ = write!(s, "| {} | {} |", setup.name, setup.parameters);
        for (t, task) in c.tasks.iter().enumerate() {
            let values: Vec<f64> = setup.metrics[t]
                .iter()
                .map(|m| headline(task.kind, m))
                .collect();
            let _ = write!(s, " {} |", cell(&values));
        }
        let _ = writeln!(s);
    }
    let _ = write!(
        s,
        "\nMulti-task minus single-task, paired by seed (same split, same initial trunk): mean ± std of the differences (seeds where multi-task won).\n\n| setup |"
    );
    for t in &c.tasks {
        let _ = write!(s, " {} |", t.name);
    }
    let _ = write!(s, "\n|---|");
    for _ in &c.tasks {
        let _ = write!(s, "---:|");
    }
    let _ = writeln!(s);
    for setup in c.setups.iter().skip(1) {
        let _ = write!(s, "| {} |", setup.name);
        for (t, task) in c.tasks.iter().enumerate() {
            let (d, wins) = paired(task.kind, &c.setups[0].metrics[t], &setup.metrics[t]);
            let _ = write!(s, " {} |", signed_cell(&d, wins));
        }
        let _ = writeln!(s);
    }
    s
}

fn stats_json(values: &[f64]) -> Value {
    let (mean, std) = mean_std(values);
    json!({ "mean": mean, "std": std, "values": values })
}

fn to_json(c: &Comparison) -> Value {
    let setups: Vec<Value> = c
        .setups
        .iter()
        .map(|setup| {
            let mut tasks = Map::new();
            for (t, task) in c.tasks.iter().enumerate() {
                let values: Vec<f64> = setup.metrics[t]
                    .iter()
                    .map(|m| headline(task.kind, m))
                    .collect();
                let mut obj = Map::new();
                obj.insert("metric".into(), json!(metric_name(task.kind)));
                obj.insert("test".into(), stats_json(&values));
                if task.kind == "regression" {
                    let mse: Vec<f64> = setup.metrics[t].iter().filter_map(|m| m.mse).collect();
                    obj.insert("test_mse".into(), stats_json(&mse));
                }
                if setup.balance.is_some() {
                    let (d, wins) = paired(task.kind, &c.setups[0].metrics[t], &setup.metrics[t]);
                    let mut vs = stats_json(&d);
                    vs["wins"] = json!(wins);
                    obj.insert("vs_single_task".into(), vs);
                }
                tasks.insert(task.name.clone(), Value::Object(obj));
            }
            json!({
                "name": setup.name,
                "balance": setup.balance,
                "parameters": setup.parameters,
                "tasks": tasks,
            })
        })
        .collect();
    json!({
        "dataset": c.dataset,
        "seeds": c.seeds,
        "settings": c.settings,
        "tasks": c.tasks.iter().map(|t| json!({
            "name": t.name,
            "kind": t.kind,
            "metric": metric_name(t.kind),
            "single_task_parameters": t.single_parameters,
        })).collect::<Vec<_>>(),
        "setups": setups,
        "seconds": c.seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_standard_deviation() {
        let (m, s) = mean_std(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(m, 5.0);
        // Σ(x − 5)² = 32, n − 1 = 7.
        assert!((s.unwrap() - (32.0f64 / 7.0).sqrt()).abs() < 1e-15);
        assert_eq!(mean_std(&[0.5]), (0.5, None));
    }
}
