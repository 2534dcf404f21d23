//! `nabla train --task … --plot`: one panel per task with its learning curve (accuracy, or R²
//! for regression, per epoch, on the training part and the validation part when there is one),
//! and one panel with the task weights over the epochs.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use nabla_nn::multitask::PreparedTasks;

use super::MultiOutcome;
use crate::plot::{self, epoch_panel, DrawResult, Figure, Series};
use nabla_nn::multitask::MultiTaskConfig;
use nabla_nn::train::Metrics;

struct Curves<'a> {
    title: String,
    data: &'a PreparedTasks,
    outcome: &'a MultiOutcome,
}

fn headline_metric(m: &Metrics) -> Option<f64> {
    m.accuracy.or(m.r_squared)
}

impl Figure for Curves<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let root = root.titled(&self.title, (plot::FONT, 22))?;
        let tasks = &self.data.tasks;
        let panels = tasks.len() + 1;
        let rows = panels.div_ceil(2);
        let areas = root.split_evenly((rows, 2));
        let history = &self.outcome.fit.history;
        let epochs = history.len() as f64;
        for (t, task) in tasks.iter().enumerate() {
            let train: Vec<(f64, f64)> = history
                .iter()
                .filter_map(|e| {
                    e.train[t]
                        .as_ref()
                        .and_then(headline_metric)
                        .map(|v| (e.epoch as f64, v))
                })
                .collect();
            let validation: Vec<(f64, f64)> = history
                .iter()
                .filter_map(|e| {
                    e.validation
                        .as_ref()
                        .and_then(|v| v[t].as_ref())
                        .and_then(headline_metric)
                        .map(|v| (e.epoch as f64, v))
                })
                .collect();
            let metric = if task.objective.is_classification() {
                "accuracy"
            } else {
                "R²"
            };
            epoch_panel(
                &areas[t],
                &format!("{} ({})", task.name, task.objective.kind_name()),
                metric,
                &[
                    ("train".to_string(), train),
                    ("validation".to_string(), validation),
                ],
                epochs,
                SeriesLabelPosition::LowerRight,
            )?;
        }
        let weights: Vec<Series> = tasks
            .iter()
            .enumerate()
            .map(|(t, task)| {
                (
                    task.name.clone(),
                    history
                        .iter()
                        .map(|e| (e.epoch as f64, e.state.weights[t]))
                        .collect(),
                )
            })
            .collect();
        epoch_panel(
            &areas[tasks.len()],
            "task weights",
            "weight",
            &weights,
            epochs,
            SeriesLabelPosition::LowerRight,
        )?;
        Ok(())
    }
}

/// Writes the per-task curves and the weights to `path` (PNG or SVG by extension).
pub fn save(
    path: &Path,
    data: &PreparedTasks,
    model: &MultiTaskConfig,
    balance: &str,
    outcome: &MultiOutcome,
) -> anyhow::Result<()> {
    let widths = |w: &[usize]| w.iter().map(usize::to_string).collect::<Vec<_>>().join("-");
    let balance = match outcome.fit.history.first() {
        Some(e) if e.state.log_variances.is_some() => {
            format!(", {balance} balancing (weights c·e^(−s))")
        }
        _ => format!(", {balance} balancing"),
    };
    let title = format!(
        "{}: trunk {}-{}, heads {}{}",
        data.name,
        model.inputs,
        widths(&model.shared),
        if model.head_hidden.is_empty() {
            "linear".to_string()
        } else {
            widths(&model.head_hidden)
        },
        balance
    );
    let rows = (data.tasks.len() + 1).div_ceil(2) as u32;
    plot::save(
        path,
        "--plot",
        (1200, 40 + 400 * rows),
        &Curves {
            title,
            data,
            outcome,
        },
    )
}
