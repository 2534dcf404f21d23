//! The `--plot` picture of `nabla optimize`: every run's path over the function's contour map
//! (log-spaced levels, start and global minima marked) on the left, loss against step on a log
//! scale on the right, and a legend with each optimizer's hyperparameters underneath.
//!
//! The contour lines are traced here by marching squares on a grid of ln f, and chained into
//! polylines through the grid edges they cross, so each level is a few long paths rather than
//! thousands of segments (which keeps the SVG small).

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::objective::Objective;
use super::race::Run;
use crate::plot::{self, DrawResult, Figure, FONT};

/// Grid cells per side of the contour map.
const GRID: usize = 160;
/// Number of contour levels.
const LEVELS: usize = 16;

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

/// A line through data points.
type Polyline = Vec<(f64, f64)>;

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
        let view = view_of(function, start, runs);
        let grid = Grid::sample(function, &view);
        let levels = grid.levels();
        let contours = levels
            .iter()
            .map(|&level| (level, grid.contour(level.ln())))
            .collect();
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
            shift: grid.shift,
            runs: pictures,
            loss_range: lo..hi,
            loss_offset,
            capped,
            floored,
            steps,
        }
    }
}

/// The region shown: the function's usual domain, widened to hold the start and the paths
/// (at most three domain-widths around the domain, so one wild run cannot shrink the rest).
fn view_of(function: &Objective, start: [f64; 2], runs: &[Run]) -> [Range<f64>; 2] {
    let [x0, x1, y0, y1] = function.domain(start);
    let (w, h) = (x1 - x0, y1 - y0);
    let (mut xa, mut xb, mut ya, mut yb) = (x0, x1, y0, y1);
    // Diverged runs do not widen the view: their paths leave it.
    let points = runs
        .iter()
        .filter(|r| r.diverged_at.is_none())
        .flat_map(|r| r.finite_points().iter().map(|p| (p.x, p.y)))
        .chain(std::iter::once((start[0], start[1])));
    for (x, y) in points {
        xa = xa.min(x.max(x0 - 3.0 * w));
        xb = xb.max(x.min(x1 + 3.0 * w));
        ya = ya.min(y.max(y0 - 3.0 * h));
        yb = yb.max(y.min(y1 + 3.0 * h));
    }
    let (mx, my) = ((xb - xa) * 0.03, (yb - ya) * 0.03);
    [(xa - mx)..(xb + mx), (ya - my)..(yb + my)]
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

/// ln(f − shift) sampled on a (GRID + 1)² lattice over the view.
struct Grid {
    xs: Vec<f64>,
    ys: Vec<f64>,
    /// `values[j][i]` = ln(f(xs[i], ys[j]) − shift).
    values: Vec<Vec<f64>>,
    /// f − shift at every node, for choosing levels.
    raw: Vec<f64>,
    /// 0 when f ≥ 0 on the grid, else a little below its minimum (a user expression may be
    /// negative), so that log-spaced levels exist.
    shift: f64,
}

impl Grid {
    fn sample(function: &Objective, view: &[Range<f64>; 2]) -> Self {
        let axis = |r: &Range<f64>| -> Vec<f64> {
            (0..=GRID)
                .map(|k| r.start + (r.end - r.start) * k as f64 / GRID as f64)
                .collect()
        };
        let xs = axis(&view[0]);
        let ys = axis(&view[1]);
        let f: Vec<Vec<f64>> = ys
            .iter()
            .map(|&y| xs.iter().map(|&x| function.value(x, y)).collect())
            .collect();
        let finite = f.iter().flatten().copied().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let shift = if lo < 0.0 {
            lo - (hi - lo).max(1.0) * 1e-9
        } else {
            0.0
        };
        let raw: Vec<f64> = f.iter().flatten().map(|v| v - shift).collect();
        let values = f
            .iter()
            .map(|row| row.iter().map(|v| (v - shift).max(1e-300).ln()).collect())
            .collect();
        Self {
            xs,
            ys,
            values,
            raw,
            shift,
        }
    }

    /// Log-spaced levels from near the smallest to near the largest value on the grid.
    fn levels(&self) -> Vec<f64> {
        let mut sorted: Vec<f64> = self.raw.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        if sorted.is_empty() {
            return Vec::new();
        }
        let top = sorted[sorted.len() - 1];
        let bottom = sorted[sorted.len() / 500].max(top * 1e-9).max(1e-12);
        if top.partial_cmp(&bottom) != Some(std::cmp::Ordering::Greater) {
            return Vec::new();
        }
        let (a, b) = (bottom.ln(), top.ln());
        (1..=LEVELS)
            .map(|k| (a + (b - a) * k as f64 / (LEVELS + 1) as f64).exp())
            .collect()
    }

    /// The polylines where ln f = `level` (marching squares, chained through shared edges).
    fn contour(&self, level: f64) -> Vec<Vec<(f64, f64)>> {
        // An edge of the lattice: (vertical?, i, j) — horizontal edges join (i, j)–(i+1, j),
        // vertical ones (i, j)–(i, j+1).
        type Edge = (bool, usize, usize);
        let v = |i: usize, j: usize| self.values[j][i];
        let crossing = |e: Edge| -> Option<(f64, f64)> {
            let (vertical, i, j) = e;
            let (a, b, pa, pb) = if vertical {
                (
                    v(i, j),
                    v(i, j + 1),
                    (self.xs[i], self.ys[j]),
                    (self.xs[i], self.ys[j + 1]),
                )
            } else {
                (
                    v(i, j),
                    v(i + 1, j),
                    (self.xs[i], self.ys[j]),
                    (self.xs[i + 1], self.ys[j]),
                )
            };
            if (a < level) == (b < level) {
                return None;
            }
            let t = (level - a) / (b - a);
            Some((pa.0 + t * (pb.0 - pa.0), pa.1 + t * (pb.1 - pa.1)))
        };
        let mut segments: Vec<[Edge; 2]> = Vec::new();
        for j in 0..GRID {
            for i in 0..GRID {
                let bottom = (false, i, j);
                let right = (true, i + 1, j);
                let top = (false, i, j + 1);
                let left = (true, i, j);
                let crossed: Vec<Edge> = [bottom, right, top, left]
                    .into_iter()
                    .filter(|&e| crossing(e).is_some())
                    .collect();
                match crossed.len() {
                    2 => segments.push([crossed[0], crossed[1]]),
                    4 => {
                        // A saddle: the centre's side decides which corners connect.
                        let centre = (v(i, j) + v(i + 1, j) + v(i + 1, j + 1) + v(i, j + 1)) / 4.0;
                        if (centre < level) == (v(i, j) < level) {
                            segments.push([bottom, right]);
                            segments.push([top, left]);
                        } else {
                            segments.push([bottom, left]);
                            segments.push([top, right]);
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut by_edge: HashMap<Edge, Vec<usize>> = HashMap::new();
        for (k, s) in segments.iter().enumerate() {
            for e in s {
                by_edge.entry(*e).or_default().push(k);
            }
        }
        let mut used = vec![false; segments.len()];
        let mut lines = Vec::new();
        for first in 0..segments.len() {
            if used[first] {
                continue;
            }
            used[first] = true;
            let mut chain: std::collections::VecDeque<Edge> =
                segments[first].iter().copied().collect();
            // Extend at the back, then at the front.
            for front in [false, true] {
                loop {
                    let end = if front {
                        chain[0]
                    } else {
                        chain[chain.len() - 1]
                    };
                    let next = by_edge[&end].iter().copied().find(|&k| !used[k]);
                    let Some(k) = next else { break };
                    used[k] = true;
                    let other = if segments[k][0] == end {
                        segments[k][1]
                    } else {
                        segments[k][0]
                    };
                    if front {
                        chain.push_front(other);
                    } else {
                        chain.push_back(other);
                    }
                }
            }
            lines.push(chain.into_iter().filter_map(crossing).collect());
        }
        lines
    }
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
    fn circle_contours_are_closed_loops_through_the_right_radius() {
        // The quadratic's level ½(x² + 50y²) = c is an ellipse; at y = 0 it crosses x = √(2c).
        let view = [-2.0..2.0, -1.0..1.0];
        let grid = Grid::sample(
            &Objective::Builtin(nabla_nn::TestFunction::Quadratic),
            &view,
        );
        let lines = grid.contour(0.5f64.ln());
        assert_eq!(lines.len(), 1, "one closed ellipse");
        let line = &lines[0];
        assert!(line.len() > 20);
        for &(x, y) in line {
            let f = 0.5 * (x * x + 50.0 * y * y);
            assert!((f - 0.5).abs() < 0.02, "({x}, {y}) has f = {f}");
        }
    }

    #[test]
    fn levels_are_log_spaced_and_increasing() {
        let view = [-2.0..2.0, -1.0..3.0];
        let grid = Grid::sample(
            &Objective::Builtin(nabla_nn::TestFunction::Rosenbrock),
            &view,
        );
        let levels = grid.levels();
        assert_eq!(levels.len(), LEVELS);
        let ratios: Vec<f64> = levels.windows(2).map(|w| w[1] / w[0]).collect();
        for r in &ratios {
            assert!((r - ratios[0]).abs() < 1e-9 * ratios[0] && *r > 1.0);
        }
    }

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
            super::super::race::run(&f, config, [-1.5, 2.0], 300).unwrap()
        };
        let runs = [run(0.01), run(0.0005)];
        assert!(runs[0].diverged_at.is_some() && runs[1].diverged_at.is_none());
        let view = view_of(&f, [-1.5, 2.0], &runs);
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
