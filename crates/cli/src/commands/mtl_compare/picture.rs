//! `nabla mtl-compare --plot`: one panel per task; for every setup, each seed's test metric as a
//! small dot and the mean ± sample standard deviation as a bar with whiskers.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use nabla_nn::multitask::compare::mean_std;

use super::Report;
use crate::plot::{self, DrawResult, Figure};

struct Spread<'a> {
    report: &'a Report,
}

/// The short setup labels under the x axis.
fn label(name: &str) -> String {
    match name.strip_prefix("multi-task (") {
        Some(rest) => rest.trim_end_matches(')').to_string(),
        None => "single".to_string(),
    }
}

impl Figure for Spread<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let c = &self.report.comparison;
        root.fill(&WHITE)?;
        let title = format!(
            "{}: test metric per seed (dots), mean ± std (whiskers), {} seeds",
            self.report.dataset,
            c.seeds.len()
        );
        let root = root.titled(&title, (plot::FONT, 20))?;
        let areas = root.split_evenly((1, c.tasks.len()));
        let setups = c.setups.len();
        for (t, task) in c.tasks.iter().enumerate() {
            let per_setup: Vec<Vec<f64>> = (0..c.setups.len()).map(|k| c.values(k, t)).collect();
            let values: Vec<f64> = per_setup
                .iter()
                .flatten()
                .copied()
                .filter(|v| v.is_finite())
                .collect();
            let (lo, hi) = values
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
                    (l.min(v), h.max(v))
                });
            let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
            let pad = ((hi - lo) * 0.08).max(1e-3);
            let metric = if task.kind == "regression" {
                "R²"
            } else {
                "accuracy"
            };
            let mut chart = ChartBuilder::on(&areas[t])
                .caption(format!("{} ({})", task.name, task.kind), (plot::FONT, 18))
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(60)
                .build_cartesian_2d(-0.5..(setups as f64 - 0.5), (lo - pad)..(hi + pad))?;
            let names: Vec<String> = c.setups.iter().map(|s| label(&s.name)).collect();
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(setups)
                .x_label_formatter(&|x| {
                    let i = x.round();
                    if (x - i).abs() < 1e-6 && i >= 0.0 {
                        names.get(i as usize).cloned().unwrap_or_default()
                    } else {
                        String::new()
                    }
                })
                .y_desc(format!("test {metric}"))
                .label_style((plot::FONT, 13))
                .axis_desc_style((plot::FONT, 15))
                .draw()?;
            for (s, values) in per_setup.iter().enumerate() {
                let color = plot::color(s);
                let x = s as f64;
                let n = values.len().max(1) as f64;
                chart.draw_series(values.iter().enumerate().map(|(k, &v)| {
                    let jitter = (k as f64 / n - 0.5) * 0.3;
                    Circle::new((x + jitter, v), 3, color.mix(0.6).filled())
                }))?;
                let (mean, std) = mean_std(values);
                let std = std.unwrap_or(0.0);
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, mean - std), (x, mean + std)],
                    BLACK.stroke_width(2),
                )))?;
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x - 0.22, mean), (x + 0.22, mean)],
                    BLACK.stroke_width(3),
                )))?;
            }
        }
        Ok(())
    }
}

/// Writes the picture to `path` (PNG or SVG by extension).
pub fn save(path: &Path, report: &Report) -> anyhow::Result<()> {
    let width = 80 + 420 * report.comparison.tasks.len() as u32;
    plot::save(path, "--plot", (width, 480), &Spread { report })
}
