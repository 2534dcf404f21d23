//! The `--plot` picture of `nabla optimize`: every run's path over the function's contour map
//! (log-spaced levels, start and global minima marked) on the left, loss against step on a log
//! scale on the right, and a legend with each optimizer's hyperparameters underneath.
//!
//! The contour lines and the region shown come from [`nabla_explain::optimize::contour`]; this
//! module clips the paths, scales the loss panel and draws.

use std::ops::Range;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use nabla_explain::optimize::contour::{self, Contours, Polyline};
use nabla_explain::optimize::{Objective, Run};

use crate::plot::{self, DrawResult, Figure, FONT};

/// Draws the race to `path` (PNG or SVG by extension).
///
/// # Errors
/// A bad extension, a drawing error or a write error, naming `--plot` and the path.
pub fn draw(
    path: &Path,
    function: &Objective,
    start: [f64; 2],
    runs: &[Run],
) -> anyhow::Result<()> {
    let race = Race::new(function, start, runs);
    let legend_height = 50 + 26 * runs.len() as u32;
    plot::save(path, "--plot", (1500, 760 + legend_height), &race)
}

/// Everything the picture shows, computed before drawing.
struct Race {
    title: String,
    view: [Range<f64>; 2],
    minima: Vec<(f64, f64)>,
    start: (f64, f64),
    /// One contour level: its value and its polylines.
    contours: Vec<(f64, Vec<Polyline>)>,
    /// What the contour levels are measured from (0 unless f goes negative).
    shift: f64,
    /// Per run: label, path pieces inside the view, loss curve (step, loss), diverged at.
    runs: Vec<RunPicture>,
    loss_range: Range<f64>,
    /// Subtracted from every loss before plotting (0 unless some loss is ≤ 0).
    loss_offset: f64,
    /// Whether some loss lies above the panel's top (drawn at the top).
    capped: bool,
    /// Whether some loss lies below the panel's floor (drawn at the floor).
    floored: bool,
    steps: usize,
}

struct RunPicture {
    label: String,
    pieces: Vec<Vec<(f64, f64)>>,
    end: Option<(f64, f64)>,
    losses: Vec<(f64, f64)>,
    diverged_at: Option<usize>,
}

impl Race {
    fn new(function: &Objective, start: [f64; 2], runs: &[Run]) -> Self {
        let view = contour::view(function, start, runs);
        let Contours {
            levels: contours,
            shift,
        } = contour::trace(function, &view);
        // A user expression may go negative: then the panel shows f minus (a little below) the
        // lowest loss seen, so the log scale still applies.
        let all_losses = || {
            runs.iter()
                .flat_map(|r| r.finite_points().iter().map(|p| p.loss))
        };
        let lowest = all_losses().fold(f64::INFINITY, f64::min);
        let highest = all_losses().fold(f64::NEG_INFINITY, f64::max);
        let loss_offset = if lowest <= 0.0 {
            lowest - (highest - lowest).max(f64::MIN_POSITIVE) * 1e-12
        } else {
            0.0
        };
        let loss_floor = all_losses()
            .map(|l| l - loss_offset)
            .filter(|l| *l > 0.0)
            .fold(f64::INFINITY, f64::min);
        // A run on its way to overflow would squash every other curve: the axis stops a million
        // times above the largest starting loss (higher values are drawn at the top).
        let start_top = runs
            .iter()
            .filter_map(|r| r.trajectory.first())
            .map(|p| p.loss - loss_offset)
            .filter(|l| l.is_finite())
            .fold(0.0f64, f64::max);
        let loss_top = all_losses()
            .map(|l| l - loss_offset)
            .fold(0.0f64, f64::max)
            .min(if start_top > 0.0 {
                start_top * 1e6
            } else {
                f64::INFINITY
            });
        let capped = all_losses().any(|l| l - loss_offset > loss_top);
        let (lo, hi) = if loss_floor.is_finite() && loss_top > 0.0 {
            let lo = loss_floor.max(loss_top * 1e-15).max(1e-300);
            (lo / 2.0, (loss_top * 2.0).max(lo * 10.0))
        } else {
            (1e-3, 1.0)
        };
        let floored = runs
            .iter()
            .flat_map(|r| r.finite_points().iter())
            .any(|p| p.loss - loss_offset < lo);
        let steps = runs
            .iter()
            .map(|r| r.trajectory.len().saturating_sub(1))
            .max()
            .unwrap_or(0)
            .max(1);
        let pictures = runs
            .iter()
            .map(|r| {
                let points = r.finite_points();
                let xy: Vec<(f64, f64)> = points.iter().map(|p| (p.x, p.y)).collect();
                RunPicture {
                    label: super::label(&r.config),
                    pieces: clip_to_view(&xy, &view),
                    end: xy
                        .last()
                        .copied()
                        .filter(|&(x, y)| view[0].contains(&x) && view[1].contains(&y)),
                    losses: points
                        .iter()
                        .map(|p| (p.step as f64, (p.loss - loss_offset).clamp(lo, hi)))
                        .collect(),
                    diverged_at: r.diverged_at,
                }
            })
            .collect();
        Self {
            title: format!(
                "{} f(x, y) = {} from ({}, {})",
                function.name(),
                function.formula(),
                start[0],
                start[1]
            ),
            view,
            minima: function.minima().iter().map(|m| (m[0], m[1])).collect(),
            start: (start[0], start[1]),
            contours,
            shift,
            runs: pictures,
            loss_range: lo..hi,
            loss_offset,
            capped,
            floored,
            steps,
        }
    }
}

/// Splits a path into the pieces that stay inside the view.
fn clip_to_view(points: &[(f64, f64)], view: &[Range<f64>; 2]) -> Vec<Vec<(f64, f64)>> {
    let mut pieces = Vec::new();
    let mut current = Vec::new();
    for &(x, y) in points {
        if view[0].contains(&x) && view[1].contains(&y) {
            current.push((x, y));
        } else if !current.is_empty() {
            pieces.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// Splits a polyline where it turns back sharply (by more than 90° in the chart's pixel space),
/// and drops repeated points. Thick lines in plotters' bitmap backend join segments with miters,
/// and a near-reversal (an oscillating optimizer) would otherwise draw a long spike.
fn split_sharp_turns(points: &[(f64, f64)], pixel: (f64, f64)) -> Vec<Vec<(f64, f64)>> {
    let mut pieces = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    let direction = |a: (f64, f64), b: (f64, f64)| ((b.0 - a.0) / pixel.0, (b.1 - a.1) / pixel.1);
    for &p in points {
        if let Some(&last) = current.last() {
            let d = direction(last, p);
            if d.0.hypot(d.1) < 1e-9 {
                continue;
            }
            if current.len() >= 2 {
                let before = direction(current[current.len() - 2], last);
                let cos =
                    (before.0 * d.0 + before.1 * d.1) / (before.0.hypot(before.1) * d.0.hypot(d.1));
                if cos < 0.0 {
                    pieces.push(std::mem::replace(&mut current, vec![last]));
                }
            }
        }
        current.push(p);
    }
    if current.len() >= 2 {
        pieces.push(current);
    }
    pieces
}

/// A number with three significant digits, in scientific form when very large or small.
fn sig3(v: f64) -> String {
    if v != 0.0 && !(1e-2..1e3).contains(&v.abs()) {
        format!("{v:.1e}")
    } else {
        let digits = (2 - v.abs().log10().floor() as i32).clamp(0, 4) as usize;
        format!("{v:.digits$}")
    }
}

/// The data size of one pixel along each axis of a chart.
fn pixel_size(x: &Range<f64>, y: &Range<f64>, (w, h): (u32, u32)) -> (f64, f64) {
    (
        (x.end - x.start) / f64::from(w.max(1)),
        (y.end - y.start) / f64::from(h.max(1)),
    )
}

impl Figure for Race {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let root = root.titled(&self.title, (FONT, 24))?;
        let legend_height = 50 + 26 * self.runs.len() as u32;
        let (_, height) = root.dim_in_pixel();
        let (panels, legend) = root.split_vertically(height.saturating_sub(legend_height));
        let (left, right) = panels.split_horizontally((56).percent_width());

        // Left: the contour map and the paths.
        let mut map = ChartBuilder::on(&left)
            .caption(
                format!(
                    "Paths on the contour map ({} log-spaced levels of {}, {} to {})",
                    self.contours.len(),
                    if self.shift == 0.0 {
                        "f".to_string()
                    } else {
                        format!("f − ({})", sig3(self.shift))
                    },
                    self.contours.first().map_or("-".into(), |c| sig3(c.0)),
                    self.contours.last().map_or("-".into(), |c| sig3(c.0)),
                ),
                (FONT, 17),
            )
            .margin(10)
            .x_label_area_size(42)
            .y_label_area_size(56)
            .build_cartesian_2d(self.view[0].clone(), self.view[1].clone())?;
        map.configure_mesh()
            .disable_mesh()
            .x_desc("x")
            .y_desc("y")
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .draw()?;
        let n = self.contours.len().max(1) as f64;
        for (k, (_, lines)) in self.contours.iter().enumerate() {
            // Low levels dark, high levels light.
            let shade = (110.0 + 120.0 * k as f64 / n) as u8;
            let style = RGBColor(shade, shade, shade).stroke_width(1);
            for line in lines {
                map.draw_series(std::iter::once(PathElement::new(line.clone(), style)))?;
            }
        }
        let map_pixel = pixel_size(
            &self.view[0],
            &self.view[1],
            map.plotting_area().dim_in_pixel(),
        );
        for (i, run) in self.runs.iter().enumerate() {
            let style = plot::color(i).stroke_width(2);
            for piece in run
                .pieces
                .iter()
                .flat_map(|p| split_sharp_turns(p, map_pixel))
            {
                map.draw_series(std::iter::once(PathElement::new(piece, style)))?;
            }
            match (run.end, run.diverged_at) {
                // The last finite point of a diverged run: a cross, as in the loss panel.
                (Some(end), Some(_)) => {
                    map.draw_series(std::iter::once(Cross::new(
                        end,
                        7,
                        plot::color(i).stroke_width(3),
                    )))?;
                }
                (Some(end), None) => {
                    map.draw_series(std::iter::once(Circle::new(
                        end,
                        5,
                        plot::color(i).filled(),
                    )))?;
                }
                (None, _) => {}
            }
        }
        map.draw_series(std::iter::once(Circle::new(self.start, 7, BLACK.filled())))?
            .label("start")
            .legend(|(x, y)| Circle::new((x + 10, y), 5, BLACK.filled()));
        if !self.minima.is_empty() {
            map.draw_series(
                self.minima
                    .iter()
                    .map(|&m| Cross::new(m, 8, RGBColor(200, 0, 0).stroke_width(3))),
            )?
            .label(if self.minima.len() > 1 {
                "global minima"
            } else {
                "global minimum"
            })
            .legend(|(x, y)| Cross::new((x + 10, y), 6, RGBColor(200, 0, 0).stroke_width(3)));
        }
        map.configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .label_font((FONT, 14))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .draw()?;

        // Right: loss against step, log scale.
        let mut loss = ChartBuilder::on(&right)
            .caption(
                format!(
                    "{} against step (log scale{})",
                    if self.loss_offset == 0.0 {
                        "Loss f(x, y)".to_string()
                    } else {
                        format!("f(x, y) − ({})", sig3(self.loss_offset))
                    },
                    match (self.floored, self.capped) {
                        (true, true) => format!(
                            "; outside {} to {} drawn at the edge",
                            sig3(self.loss_range.start),
                            sig3(self.loss_range.end)
                        ),
                        (true, false) => {
                            format!(
                                "; below {} drawn at the bottom",
                                sig3(self.loss_range.start)
                            )
                        }
                        (false, true) => {
                            format!("; above {} drawn at the top", sig3(self.loss_range.end))
                        }
                        (false, false) => String::new(),
                    }
                ),
                (FONT, 17),
            )
            .margin(10)
            .x_label_area_size(42)
            .y_label_area_size(72)
            .build_cartesian_2d(0.0..self.steps as f64, self.loss_range.clone().log_scale())?;
        loss.configure_mesh()
            .x_desc("step")
            .y_desc("loss")
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .y_label_formatter(&|v| format!("{v:.0e}"))
            .x_label_formatter(&|v| format!("{v:.0}"))
            .light_line_style(WHITE.mix(0.0))
            .draw()?;
        let log_range = self.loss_range.start.ln()..self.loss_range.end.ln();
        let loss_pixel = pixel_size(
            &(0.0..self.steps as f64),
            &log_range,
            loss.plotting_area().dim_in_pixel(),
        );
        for (i, run) in self.runs.iter().enumerate() {
            let logged: Vec<(f64, f64)> = run.losses.iter().map(|&(s, l)| (s, l.ln())).collect();
            for piece in split_sharp_turns(&logged, loss_pixel) {
                let piece: Vec<(f64, f64)> = piece.into_iter().map(|(s, l)| (s, l.exp())).collect();
                loss.draw_series(std::iter::once(PathElement::new(
                    piece,
                    plot::color(i).stroke_width(2),
                )))?;
            }
            if let (Some(_), Some(&last)) = (run.diverged_at, run.losses.last()) {
                loss.draw_series(std::iter::once(Cross::new(
                    last,
                    7,
                    plot::color(i).stroke_width(3),
                )))?;
            }
        }

        // Underneath: one legend row per run, with its hyperparameters.
        let rows = legend.margin(6, 6, 40, 20);
        rows.draw(&Text::new(
            "Optimizers (hyperparameters as PyTorch names them; ● = last point, × = diverged)",
            (0, 0),
            (FONT, 16),
        ))?;
        for (i, run) in self.runs.iter().enumerate() {
            let y = 26 + 26 * i as i32;
            rows.draw(&PathElement::new(
                vec![(0, y + 8), (36, y + 8)],
                plot::color(i).stroke_width(4),
            ))?;
            let mut text = run.label.clone();
            if let Some(step) = run.diverged_at {
                text.push_str(&format!(" — diverged at step {step}"));
            }
            rows.draw(&Text::new(text, (48, y), (FONT, 16)))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reversals_split_the_line_and_repeats_are_dropped() {
        let zigzag = [(0.0, 0.0), (1.0, 0.0), (1.0, 0.0), (0.1, 0.1), (0.2, 1.0)];
        let pieces = split_sharp_turns(&zigzag, (1.0, 1.0));
        assert_eq!(
            pieces,
            vec![
                vec![(0.0, 0.0), (1.0, 0.0)],
                vec![(1.0, 0.0), (0.1, 0.1), (0.2, 1.0)]
            ]
        );
        assert_eq!(sig3(1736.652), "1.7e3");
        assert_eq!(sig3(0.217), "0.217");
        assert_eq!(sig3(12.34), "12.3");
    }

    #[test]
    fn a_diverged_run_neither_widens_the_view_nor_squashes_the_loss_axis() {
        use nabla_nn::optim::{HyperValue, OptimizerConfig};
        let f = Objective::Builtin(nabla_nn::TestFunction::Rosenbrock);
        let run = |lr: f64| {
            let config =
                OptimizerConfig::from_name("sgd", &[("lr", HyperValue::Number(lr))]).unwrap();
            nabla_explain::optimize::race::run(&f, config, [-1.5, 2.0], 300).unwrap()
        };
        let runs = [run(0.01), run(0.0005)];
        assert!(runs[0].diverged_at.is_some() && runs[1].diverged_at.is_none());
        let view = contour::view(&f, [-1.5, 2.0], &runs);
        assert!(view[0].end < 2.2 && view[1].end < 3.2, "{view:?}");
        let race = Race::new(&f, [-1.5, 2.0], &runs);
        assert!(race.capped && race.loss_range.end <= 12.5 * 1e6 * 2.0);
        assert!(race.runs[0].end.is_none());
    }

    #[test]
    fn paths_leaving_the_view_are_split() {
        let view = [0.0..1.0, 0.0..1.0];
        let pieces = clip_to_view(&[(0.1, 0.1), (0.2, 0.2), (5.0, 0.5), (0.3, 0.3)], &view);
        assert_eq!(pieces, vec![vec![(0.1, 0.1), (0.2, 0.2)], vec![(0.3, 0.3)]]);
    }
}
