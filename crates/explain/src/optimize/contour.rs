//! Contour lines of a function of x and y, for drawing an optimizer race over its landscape.
//!
//! [`trace`] samples ln(f − shift) on a 160 × 160 grid over the view, picks 16 log-spaced
//! levels between near the smallest and the largest value, and traces each level by marching
//! squares, chaining the segments through the grid edges they cross into a few long polylines
//! (rather than thousands of segments, which keeps a drawing small). [`view`] chooses the region
//! a picture shows.
//!
//! ```
//! use nabla_explain::optimize::{contour, Objective};
//! let f = Objective::Builtin(nabla_nn::TestFunction::Quadratic);
//! let view = [-2.0..2.0, -1.0..1.0];
//! let map = contour::trace(&f, &view);
//! assert_eq!(map.levels.len(), contour::LEVELS);
//! assert_eq!(map.shift, 0.0);
//! ```

use std::collections::HashMap;
use std::ops::Range;

use super::objective::Objective;
use super::race::Run;

/// Grid cells per side of the contour map.
pub const GRID: usize = 160;
/// Number of contour levels.
pub const LEVELS: usize = 16;

/// A line through points (x, y).
pub type Polyline = Vec<(f64, f64)>;

/// The contour map of a function over a view.
#[derive(Clone, Debug, PartialEq)]
pub struct Contours {
    /// One entry per level, increasing: the value of f − `shift` and its polylines.
    pub levels: Vec<(f64, Vec<Polyline>)>,
    /// What the levels are measured from: 0 when f ≥ 0 on the view, else a little below its
    /// minimum (a user expression may be negative), so that log-spaced levels exist.
    pub shift: f64,
}

/// Traces the contour map of `function` over `view` (x range, y range).
pub fn trace(function: &Objective, view: &[Range<f64>; 2]) -> Contours {
    let grid = Grid::sample(function, view);
    let levels = grid
        .levels()
        .iter()
        .map(|&level| (level, grid.contour(level.ln())))
        .collect();
    Contours {
        levels,
        shift: grid.shift,
    }
}

/// The region shown: the function's usual domain, widened to hold the start and the paths
/// (at most three domain-widths around the domain, so one wild run cannot shrink the rest).
pub fn view(function: &Objective, start: [f64; 2], runs: &[Run]) -> [Range<f64>; 2] {
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
    fn a_diverged_run_does_not_widen_the_view() {
        use nabla_nn::optim::{HyperValue, OptimizerConfig};
        let f = Objective::Builtin(nabla_nn::TestFunction::Rosenbrock);
        let config =
            OptimizerConfig::from_name("sgd", &[("lr", HyperValue::Number(0.01))]).unwrap();
        let run = super::super::race::run(&f, config, [-1.5, 2.0], 300).unwrap();
        assert!(run.diverged_at.is_some());
        let view = view(&f, [-1.5, 2.0], &[run]);
        assert!(view[0].end < 2.2 && view[1].end < 3.2, "{view:?}");
    }
}
