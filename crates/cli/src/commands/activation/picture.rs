//! The `--plot` picture of `nabla activation`: the functions (left) and their derivatives
//! (right) on one x range, one colour per function, PyTorch's derivative conventions included
//! (a kink shows as a jump in the right panel).

use plotters::coord::Shift;
use plotters::prelude::*;

use nabla_tensor::Activation;

use super::title;
use crate::plot::{self, DrawResult, Figure, FONT};

/// Samples per curve.
const SAMPLES: usize = 1201;

/// Several activations' values and derivatives, sampled on `[lo, hi]`.
pub struct ActivationPlot {
    curves: Vec<Curve>,
    lo: f64,
    hi: f64,
}

struct Curve {
    label: String,
    value: Vec<(f64, f64)>,
    derivative: Vec<(f64, f64)>,
}

impl ActivationPlot {
    /// Samples each activation at 1201 evenly spaced points of `[lo, hi]` (in f64).
    pub fn new(acts: &[Activation], lo: f64, hi: f64) -> Self {
        let xs: Vec<f64> = (0..SAMPLES)
            .map(|i| lo + (hi - lo) * i as f64 / (SAMPLES - 1) as f64)
            .collect();
        let curves = acts
            .iter()
            .map(|&a| Curve {
                label: title(a),
                value: xs.iter().map(|&x| (x, a.value(x))).collect(),
                derivative: xs.iter().map(|&x| (x, a.derivative(x))).collect(),
            })
            .collect();
        Self { curves, lo, hi }
    }

    fn y_range(&self, pick: impl Fn(&Curve) -> &[(f64, f64)]) -> std::ops::Range<f64> {
        let (mut lo, mut hi) = (0.0_f64, 0.0_f64);
        for c in &self.curves {
            for &(_, y) in pick(c) {
                lo = lo.min(y);
                hi = hi.max(y);
            }
        }
        let pad = ((hi - lo) * 0.06).max(0.05);
        (lo - pad)..(hi + pad)
    }

    fn panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        caption: &str,
        y_desc: &str,
        pick: impl Fn(&Curve) -> &[(f64, f64)],
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let y = self.y_range(&pick);
        let mut chart = ChartBuilder::on(area)
            .caption(caption, (FONT, 20))
            .margin(14)
            .x_label_area_size(42)
            .y_label_area_size(56)
            .build_cartesian_2d(self.lo..self.hi, y.clone())?;
        chart
            .configure_mesh()
            .x_desc("x")
            .y_desc(y_desc)
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .light_line_style(BLACK.mix(0.05))
            .draw()?;
        for axis in [
            [(self.lo, 0.0), (self.hi, 0.0)],
            [(0.0, y.start), (0.0, y.end)],
        ] {
            chart.draw_series(LineSeries::new(axis, BLACK.mix(0.35)))?;
        }
        for (i, c) in self.curves.iter().enumerate() {
            let style = plot::color(i).stroke_width(2);
            chart
                .draw_series(LineSeries::new(pick(c).iter().copied(), style))?
                .label(c.label.clone())
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 22, y)], plot::color(i).stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font((FONT, 15))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .draw()?;
        Ok(())
    }
}

impl Figure for ActivationPlot {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let (left, right) = root.split_horizontally((50).percent_width());
        self.panel(&left, "f(x)", "f(x)", |c| &c.value)?;
        self.panel(
            &right,
            "f'(x) (PyTorch's convention at kinks)",
            "f'(x)",
            |c| &c.derivative,
        )?;
        Ok(())
    }
}
