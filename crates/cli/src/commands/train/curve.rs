//! `nabla train --plot`: the loss curve (left) and the accuracy or R² curve (right) per epoch,
//! for the training part and, when there is one, the validation part.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Outcome, Prepared};
use crate::plot::{self, DrawResult, Figure};

struct Curves<'a> {
    title: String,
    outcome: &'a Outcome,
}

impl Curves<'_> {
    fn series(
        &self,
        pick: impl Fn(&nabla_nn::train::Metrics) -> Option<f64>,
    ) -> [Vec<(f64, f64)>; 2] {
        let h = &self.outcome.fit.history;
        [
            h.iter()
                .filter_map(|e| pick(&e.train).map(|v| (e.epoch as f64, v)))
                .collect(),
            h.iter()
                .filter_map(|e| {
                    e.validation
                        .as_ref()
                        .and_then(&pick)
                        .map(|v| (e.epoch as f64, v))
                })
                .collect(),
        ]
    }
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
    y_label: &str,
    series: &[Vec<(f64, f64)>; 2],
    epochs: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let values: Vec<f64> = series
        .iter()
        .flatten()
        .map(|p| p.1)
        .filter(|v| v.is_finite())
        .collect();
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let pad = ((hi - lo) * 0.05).max(1e-9);
    let mut chart = ChartBuilder::on(area)
        .caption(caption, (plot::FONT, 20))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(1.0..epochs.max(2.0), (lo - pad)..(hi + pad))?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .x_label_formatter(&|x| format!("{}", x.round() as i64))
        .y_desc(y_label)
        .label_style((plot::FONT, 14))
        .axis_desc_style((plot::FONT, 16))
        .draw()?;
    for (i, (points, name)) in series.iter().zip(["train", "validation"]).enumerate() {
        if points.is_empty() {
            continue;
        }
        let color = plot::color(i);
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                color.stroke_width(2),
            ))?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .label_font((plot::FONT, 14))
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    Ok(())
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
        panel(
            &left,
            "loss",
            "loss",
            &self.series(|m| Some(m.loss)),
            epochs,
        )?;
        let classification = self.outcome.test.accuracy.is_some();
        let (name, pick): (&str, fn(&nabla_nn::train::Metrics) -> Option<f64>) = if classification {
            ("accuracy", |m| m.accuracy)
        } else {
            ("R²", |m| m.r_squared)
        };
        panel(&right, name, name, &self.series(pick), epochs)?;
        Ok(())
    }
}

/// Writes the curves to `path` (PNG or SVG by extension).
pub fn save(path: &Path, prepared: &Prepared, outcome: &Outcome) -> anyhow::Result<()> {
    let title = format!(
        "{} → {}: MLP {}",
        prepared.name,
        prepared.target_name,
        outcome
            .widths
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join("-")
    );
    plot::save(path, "--plot", (1200, 500), &Curves { title, outcome })
}
