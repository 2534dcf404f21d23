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

use nabla_nn::multitask::compare::mean_std;
use serde_json::{json, Map, Value};

use nabla_nn::multitask::compare::Comparison;

use super::{MtlCompareArgs, Report};
use crate::output::{self, Format};

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
pub fn print(args: &MtlCompareArgs, r: &Report) -> anyhow::Result<()> {
    match args.common.format {
        Format::Json => output::print_json(&to_json(r)),
        Format::Markdown => output::print_text(&to_markdown(r)),
        Format::Text => output::print_text(&to_text(r)),
    }
}

fn seeds_text(c: &Comparison) -> String {
    match (c.seeds.first(), c.seeds.last()) {
        (Some(a), Some(b)) if a != b => format!("{} seeds ({a}–{b})", c.seeds.len()),
        (Some(a), _) => format!("1 seed ({a})"),
        _ => "no seeds".to_string(),
    }
}

fn to_text(r: &Report) -> String {
    let c = &r.comparison;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}: {}, {}\ntest metrics, mean ± sample std over seeds (accuracy; R² for regression)\n",
        r.dataset,
        seeds_text(c),
        r.settings
    );
    let _ = write!(s, "{:<26} {:>10}", "setup", "parameters");
    for t in &c.tasks {
        let _ = write!(s, "  {:>20}", format!("{} ({})", t.name, short(t.kind)));
    }
    let _ = writeln!(s);
    for (k, setup) in c.setups.iter().enumerate() {
        let _ = write!(s, "{:<26} {:>10}", setup.name, setup.parameters);
        for t in 0..c.tasks.len() {
            let values = c.values(k, t);
            let _ = write!(s, "  {:>20}", cell(&values));
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(
        s,
        "\nmulti-task minus single-task, paired by seed: mean ± std (seeds where multi-task won)"
    );
    for (k, setup) in c.setups.iter().enumerate().skip(1) {
        let _ = write!(s, "{:<26} {:>10}", setup.name, "");
        for t in 0..c.tasks.len() {
            let (d, wins) = c.paired(k, t);
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
        r.seconds
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

fn to_markdown(r: &Report) -> String {
    let c = &r.comparison;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}: {}, {}. Test metrics, mean ± sample std over the seeds.\n",
        r.dataset,
        seeds_text(c),
        r.settings
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
    for (k, setup) in c.setups.iter().enumerate() {
        let _ = write!(s, "| {} | {} |", setup.name, setup.parameters);
        for t in 0..c.tasks.len() {
            let values = c.values(k, t);
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
    for (k, setup) in c.setups.iter().enumerate().skip(1) {
        let _ = write!(s, "| {} |", setup.name);
        for t in 0..c.tasks.len() {
            let (d, wins) = c.paired(k, t);
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

fn to_json(r: &Report) -> Value {
    let c = &r.comparison;
    let setups: Vec<Value> = c
        .setups
        .iter()
        .enumerate()
        .map(|(k, setup)| {
            let mut tasks = Map::new();
            for (t, task) in c.tasks.iter().enumerate() {
                let values = c.values(k, t);
                let mut obj = Map::new();
                obj.insert("metric".into(), json!(task.metric_name()));
                obj.insert("test".into(), stats_json(&values));
                if task.kind == "regression" {
                    let mse: Vec<f64> = setup.metrics[t].iter().filter_map(|m| m.mse).collect();
                    obj.insert("test_mse".into(), stats_json(&mse));
                }
                if setup.balance.is_some() {
                    let (d, wins) = c.paired(k, t);
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
        "dataset": r.dataset,
        "seeds": c.seeds,
        "settings": r.settings,
        "tasks": c.tasks.iter().map(|t| json!({
            "name": t.name,
            "kind": t.kind,
            "metric": t.metric_name(),
            "single_task_parameters": t.single_parameters,
        })).collect::<Vec<_>>(),
        "setups": setups,
        "seconds": r.seconds,
    })
}
