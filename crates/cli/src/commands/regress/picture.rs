//! The `--plot` picture of `nabla regress`: the residuals in time order (left) and the lag plot
//! e_t against e_{t−1} (right), where positive autocorrelation shows as a rising cloud and
//! negative autocorrelation as a falling one.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::plot::{self, DrawResult, Figure, FONT};
use nabla_explain::regress::Regression;

/// Above this many residuals the points are drawn without markers (and small in the lag plot).
const MARKER_LIMIT: usize = 2000;

/// The two panels' data.
pub struct ResidualPlot {
    residuals: Vec<f64>,
    title: String,
    rho: f64,
}

impl ResidualPlot {
    /// The picture of one regression.
    pub fn new(r: &Regression) -> Self {
        Self {
            residuals: r.fit.residuals.clone(),
            title: format!(
                "{}: residuals of {} (d = {:.3}, lag-1 autocorrelation {:.3})",
                std::path::Path::new(&r.file)
                    .file_name()
                    .map_or(r.file.clone(), |f| f.to_string_lossy().into_owned()),
                r.y_name,
                r.dw.statistic,
                r.dw.rho
            ),
            rho: r.dw.rho,
        }
    }
}

/// A symmetric range around 0 that holds every value, with a margin.
fn symmetric_range(values: &[f64]) -> std::ops::Range<f64> {
    let m = values.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    let m = if m > 0.0 { m * 1.1 } else { 1.0 };
    -m..m
}

impl Figure for ResidualPlot {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let root = root.titled(&self.title, (FONT, 22))?;
        let (left, right) = root.split_horizontally((58).percent_width());
        let n = self.residuals.len();
        let range = symmetric_range(&self.residuals);

        let mut chart = ChartBuilder::on(&left)
            .caption("Residuals in time order (row order)", (FONT, 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..(n as f64 + 1.0), range.clone())?;
        chart
            .configure_mesh()
            .x_desc("t (row)")
            .x_labels(8)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_desc("e_t")
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 15))
            .draw()?;
        chart.draw_series(LineSeries::new(
            [(0.0, 0.0), (n as f64 + 1.0, 0.0)],
            BLACK.mix(0.5),
        ))?;
        let points: Vec<(f64, f64)> = self
            .residuals
            .iter()
            .enumerate()
            .map(|(i, &e)| ((i + 1) as f64, e))
            .collect();
        chart.draw_series(LineSeries::new(points.iter().copied(), plot::color(0)))?;
        // Markers help up to a few thousand points; beyond that they only hide the line.
        let marker = if n <= MARKER_LIMIT { 3 } else { 1 };
        if n <= MARKER_LIMIT {
            chart.draw_series(
                points
                    .iter()
                    .map(|&p| Circle::new(p, marker, plot::color(0).filled())),
            )?;
        }

        let mut lag = ChartBuilder::on(&right)
            .caption("Lag plot: e_t against e_(t−1)", (FONT, 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(range.clone(), range.clone())?;
        lag.configure_mesh()
            .x_desc("e_(t−1)")
            .y_desc("e_t")
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 15))
            .draw()?;
        lag.draw_series(LineSeries::new(
            [(range.start, 0.0), (range.end, 0.0)],
            BLACK.mix(0.3),
        ))?;
        lag.draw_series(LineSeries::new(
            [(0.0, range.start), (0.0, range.end)],
            BLACK.mix(0.3),
        ))?;
        lag.draw_series(
            self.residuals
                .windows(2)
                .map(|w| Circle::new((w[0], w[1]), marker, plot::color(0).filled())),
        )?;
        lag.draw_series(LineSeries::new(
            [
                (range.start, self.rho * range.start),
                (range.end, self.rho * range.end),
            ],
            plot::color(3),
        ))?
        .label(format!("slope = lag-1 autocorrelation {:.3}", self.rho))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], plot::color(3)));
        lag.configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font((FONT, 14))
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .draw()?;
        Ok(())
    }
}
