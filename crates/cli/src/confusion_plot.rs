//! The confusion matrix as a picture (`nabla eval --plot`, `nabla train --confusion-plot`): a
//! labelled heatmap with the true class down the side, the predicted class along the bottom,
//! each cell's count written in it, and each cell shaded by the share of its true class's rows
//! it holds (the row's recall on the diagonal), from white (none) to dark blue (all), so a good
//! classifier shows a dark diagonal whatever the class sizes.
//!
//! ```text
//! shade(i, j) = matrix[i][j] / Σ_j matrix[i][j]      (0 for a class with no rows)
//! ```

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::plot::{self, DrawResult, Figure};

/// A confusion matrix to draw: `matrix[true][predicted]` counts over `classes`.
pub struct ConfusionPlot<'a> {
    /// The picture's title (what was evaluated).
    pub title: String,
    /// The class names, by label.
    pub classes: &'a [String],
    /// Counts, `[true][predicted]`.
    pub matrix: &'a [Vec<usize>],
}

/// The light end of the shading (Brewer's "Blues", lightest).
const LIGHT: (f64, f64, f64) = (247.0, 251.0, 255.0);
/// The dark end of the shading (Brewer's "Blues", darkest).
const DARK: (f64, f64, f64) = (8.0, 48.0, 107.0);

/// The cell colour for a share `f` in [0, 1] of its row.
fn shade(f: f64) -> RGBColor {
    let f = f.clamp(0.0, 1.0);
    let mix = |a: f64, b: f64| (a + (b - a) * f).round() as u8;
    RGBColor(
        mix(LIGHT.0, DARK.0),
        mix(LIGHT.1, DARK.1),
        mix(LIGHT.2, DARK.2),
    )
}

impl ConfusionPlot<'_> {
    /// The side of one cell in pixels: large for few classes, at least 26 for many.
    fn cell(&self) -> u32 {
        let k = self.classes.len().max(1) as u32;
        (560 / k).clamp(26, 110)
    }

    /// The longest class name's width in pixels at `size`, roughly (half the size per
    /// character, as DejaVu Sans averages).
    fn label_width(&self, size: u32) -> u32 {
        let chars = self
            .classes
            .iter()
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(1) as u32;
        chars * size / 2 + 8
    }

    /// Whether the predicted classes' names are written upright (when they are wider than a
    /// cell).
    fn rotate_x(&self) -> bool {
        self.label_width(15) > self.cell()
    }

    /// The picture's size in pixels.
    pub fn size(&self) -> (u32, u32) {
        let k = self.classes.len() as u32;
        let grid = self.cell() * k;
        let left = self.label_width(15) + 60;
        let bottom = if self.rotate_x() {
            self.label_width(15) + 60
        } else {
            70
        };
        let width = (left + grid + 40).max(480);
        (width, 70 + grid + bottom)
    }
}

impl Figure for ConfusionPlot<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let (width, _) = self.size();
        let k = self.classes.len() as i32;
        let cell = self.cell() as i32;
        let left = (self.label_width(15) + 60) as i32;
        let left = left.max((width as i32 - cell * k) / 2);
        let top = 70;
        let title = TextStyle::from((plot::FONT, 20).into_font())
            .pos(Pos::new(HPos::Center, VPos::Top))
            .color(&BLACK);
        root.draw(&Text::new(
            self.title.clone(),
            (width as i32 / 2, 14),
            title,
        ))?;
        let count_size = (cell * 2 / 5).clamp(11, 26);
        let label = |h, v| {
            TextStyle::from((plot::FONT, 15).into_font())
                .pos(Pos::new(h, v))
                .color(&BLACK)
        };
        for (i, row) in self.matrix.iter().enumerate() {
            let total: usize = row.iter().sum();
            let y0 = top + cell * i as i32;
            for (j, &count) in row.iter().enumerate() {
                let x0 = left + cell * j as i32;
                let f = if total == 0 {
                    0.0
                } else {
                    count as f64 / total as f64
                };
                root.draw(&Rectangle::new(
                    [(x0, y0), (x0 + cell, y0 + cell)],
                    shade(f).filled(),
                ))?;
                root.draw(&Rectangle::new(
                    [(x0, y0), (x0 + cell, y0 + cell)],
                    RGBColor(200, 200, 200),
                ))?;
                let ink = if f > 0.5 { WHITE } else { BLACK };
                let style = TextStyle::from((plot::FONT, count_size).into_font())
                    .pos(Pos::new(HPos::Center, VPos::Center))
                    .color(&ink);
                root.draw(&Text::new(
                    count.to_string(),
                    (x0 + cell / 2, y0 + cell / 2),
                    style,
                ))?;
            }
            root.draw(&Text::new(
                self.classes[i].clone(),
                (left - 8, y0 + cell / 2),
                label(HPos::Right, VPos::Center),
            ))?;
        }
        let bottom = top + cell * k;
        for (j, name) in self.classes.iter().enumerate() {
            let x = left + cell * j as i32 + cell / 2;
            if self.rotate_x() {
                let style = TextStyle::from(
                    (plot::FONT, 15)
                        .into_font()
                        .transform(FontTransform::Rotate270),
                )
                .pos(Pos::new(HPos::Right, VPos::Center))
                .color(&BLACK);
                root.draw(&Text::new(name.clone(), (x, bottom + 8), style))?;
            } else {
                root.draw(&Text::new(
                    name.clone(),
                    (x, bottom + 8),
                    label(HPos::Center, VPos::Top),
                ))?;
            }
        }
        let below = if self.rotate_x() {
            bottom + self.label_width(15) as i32 + 16
        } else {
            bottom + 34
        };
        root.draw(&Text::new(
            "predicted class",
            (left + cell * k / 2, below),
            label(HPos::Center, VPos::Top),
        ))?;
        let side = TextStyle::from(
            (plot::FONT, 15)
                .into_font()
                .transform(FontTransform::Rotate270),
        )
        .pos(Pos::new(HPos::Center, VPos::Top))
        .color(&BLACK);
        let side_x = (left - self.label_width(15) as i32 - 34).max(12);
        root.draw(&Text::new("true class", (side_x, top + cell * k / 2), side))?;
        Ok(())
    }
}

/// Draws `figure` to `path` (PNG or SVG by its extension), naming `flag` in errors.
///
/// # Errors
/// A bad extension or an unwritable file, naming `flag`.
pub fn save(path: &Path, flag: &str, figure: &ConfusionPlot<'_>) -> anyhow::Result<()> {
    plot::save(path, flag, figure.size(), figure)
}

/// The last part of a path, for a title (`iris.safetensors`, `iris`).
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The confusion matrix of `labels` (true, by row) against `predicted` over `k` classes.
pub fn matrix(k: usize, pairs: impl Iterator<Item = (usize, usize)>) -> Vec<Vec<usize>> {
    let mut m = vec![vec![0; k]; k];
    for (t, p) in pairs {
        if t < k && p < k {
            m[t][p] += 1;
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shades_run_from_light_to_dark_and_counts_fill_the_matrix() {
        assert_eq!(shade(0.0), RGBColor(247, 251, 255));
        assert_eq!(shade(1.0), RGBColor(8, 48, 107));
        let m = matrix(2, [(0, 0), (0, 1), (1, 1), (1, 1), (5, 0)].into_iter());
        assert_eq!(m, vec![vec![1, 1], vec![0, 2]]);
    }
}
