//! `nabla train --plot`: the loss curve (left) and the accuracy or R² curve (right) per epoch,
//! for the training part (running metrics unless `--train-metrics full`) and, when there is one,
//! the validation part.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use nabla_nn::data::prepare::Prepared;

use super::Outcome;
use crate::plot::{self, epoch_panel, DrawResult, Figure, Series};

struct Curves<'a> {
    title: String,
    outcome: &'a Outcome,
}

impl Curves<'_> {
    fn series(&self, pick: impl Fn(&nabla_nn::train::Metrics) -> Option<f64>) -> [Series; 2] {
        let h = &self.outcome.fit.history;
        let train = h
            .iter()
            .filter_map(|e| pick(&e.train).map(|v| (e.epoch as f64, v)))
            .collect();
        let validation = h
            .iter()
            .filter_map(|e| {
                e.validation
                    .as_ref()
                    .and_then(&pick)
                    .map(|v| (e.epoch as f64, v))
            })
            .collect();
        let measured = h.first().map_or("", |e| match e.train_metrics {
            nabla_nn::train::TrainMetrics::Running => " (running)",
            nabla_nn::train::TrainMetrics::Full => "",
        });
        [
            (format!("train{measured}"), train),
            ("validation".to_string(), validation),
        ]
    }
}

impl Figure for Curves<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let root = root.titled(&self.title, (plot::FONT, 22))?;
        let (left, right) = root.split_horizontally(root.dim_in_pixel().0 / 2);
        let epochs = self.outcome.fit.history.len() as f64;
        epoch_panel(
            &left,
            "loss",
            "loss",
            &self.series(|m| Some(m.loss)),
            epochs,
            SeriesLabelPosition::UpperRight,
        )?;
        let classification = self.outcome.test.accuracy.is_some();
        let (name, pick): (&str, fn(&nabla_nn::train::Metrics) -> Option<f64>) = if classification {
            ("accuracy", |m| m.accuracy)
        } else {
            ("R²", |m| m.r_squared)
        };
        let legend = SeriesLabelPosition::LowerRight;
        epoch_panel(&right, name, name, &self.series(pick), epochs, legend)?;
        Ok(())
    }
}

/// Writes the curves to `path` (PNG or SVG by extension).
pub fn save(path: &Path, prepared: &Prepared, outcome: &Outcome) -> anyhow::Result<()> {
    let title = format!(
        "{} → {}: MLP {}",
        prepared.name,
        prepared.target,
        outcome
            .widths
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join("-")
    );
    plot::save(path, "--plot", (1200, 500), &Curves { title, outcome })
}
