//! Pictures: PNG or SVG files drawn with `plotters`, the same way for every command.
//!
//! - The format follows the file extension: `.png` → bitmap, `.svg` → SVG; anything else is an
//!   error naming the flag (`--plot`).
//! - A font is compiled in (DejaVu Sans, `assets/DejaVuSans.ttf`, licence beside it) and
//!   registered under the family name [`FONT`], so PNG text renders on a machine with no fonts
//!   installed. Only the regular face is embedded; bold and italic requests use it too.
//! - The picture is rendered in memory and written atomically (temporary file, then rename):
//!   a failed run never leaves a half-written picture.
//!
//! A command describes its picture by implementing [`Figure`] (one generic `draw` method, so the
//! same code serves both backends) and calls [`save`]:
//!
//! ```ignore
//! struct Line(Vec<(f64, f64)>);
//! impl plot::Figure for Line {
//!     fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> plot::DrawResult
//!     where
//!         DB::ErrorType: 'static,
//!     {
//!         root.fill(&WHITE)?;
//!         let mut chart = ChartBuilder::on(root)
//!             .caption("a line", (plot::FONT, 20))
//!             .x_label_area_size(30)
//!             .y_label_area_size(40)
//!             .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
//!         chart.configure_mesh().label_style((plot::FONT, 14)).draw()?;
//!         chart.draw_series(LineSeries::new(self.0.iter().copied(), &plot::color(0)))?;
//!         Ok(())
//!     }
//! }
//! plot::save(Path::new("line.png"), "--plot", (800, 600), &Line(points))?;
//! ```

use std::path::Path;
use std::sync::Once;

use anyhow::{bail, Context};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::output::write_atomic;

/// The family name of the embedded font: use it in every text style, e.g. `(plot::FONT, 16)`.
pub const FONT: &str = "sans-serif";

/// DejaVu Sans (Bitstream Vera licence with DejaVu changes; see `assets/DejaVuSans-LICENSE.txt`).
static FONT_BYTES: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// Series colours (the Tableau 10 palette): distinct, readable on white, safe for most forms of
/// colour blindness in the first four.
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// The colour of series `i` (cycling through ten).
pub fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// What a [`Figure::draw`] returns: plotters' errors from either backend, boxed.
pub type DrawResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// A picture that can draw itself on any plotters backend.
pub trait Figure {
    /// Draws the whole picture on `root` (already sized; fill the background first).
    ///
    /// # Errors
    /// Any plotters drawing error.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static;
}

/// The picture formats, chosen by file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    /// A PNG bitmap.
    Png,
    /// An SVG vector drawing.
    Svg,
}

impl ImageFormat {
    /// The format of `path` from its extension (case-insensitive).
    ///
    /// # Errors
    /// An extension other than `.png` or `.svg`, with the message naming `flag`.
    pub fn from_path(path: &Path, flag: &str) -> anyhow::Result<Self> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("png") => Ok(Self::Png),
            Some("svg") => Ok(Self::Svg),
            _ => bail!(
                "{flag} {}: the picture's file name must end in .png or .svg",
                path.display()
            ),
        }
    }
}

/// Registers the embedded font with plotters (once per process).
fn register_font() -> anyhow::Result<()> {
    static ONCE: Once = Once::new();
    let mut result = Ok(());
    ONCE.call_once(|| {
        for style in [
            FontStyle::Normal,
            FontStyle::Bold,
            FontStyle::Italic,
            FontStyle::Oblique,
        ] {
            if plotters::style::register_font(FONT, style, FONT_BYTES).is_err() {
                result = Err(anyhow::anyhow!("the embedded font cannot be loaded"));
            }
        }
    });
    result
}

/// Draws `figure` at `size` (width, height in pixels) and writes it to `path` atomically, as
/// PNG or SVG according to the extension; `flag` names the option in error messages.
///
/// # Errors
/// A bad extension, a drawing error, or a write error (each naming the path).
pub fn save(path: &Path, flag: &str, size: (u32, u32), figure: &impl Figure) -> anyhow::Result<()> {
    let format = ImageFormat::from_path(path, flag)?;
    register_font()?;
    let bytes = match format {
        ImageFormat::Png => {
            let (w, h) = size;
            let mut rgb = vec![0u8; w as usize * h as usize * 3];
            {
                let root = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
                figure.draw(&root).map_err(|e| {
                    anyhow::anyhow!("{flag} {}: drawing failed: {e}", path.display())
                })?;
                root.present().map_err(|e| {
                    anyhow::anyhow!("{flag} {}: drawing failed: {e}", path.display())
                })?;
            }
            encode_png(&rgb, size)
                .with_context(|| format!("{flag} {}: PNG encoding failed", path.display()))?
        }
        ImageFormat::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
                figure.draw(&root).map_err(|e| {
                    anyhow::anyhow!("{flag} {}: drawing failed: {e}", path.display())
                })?;
                root.present().map_err(|e| {
                    anyhow::anyhow!("{flag} {}: drawing failed: {e}", path.display())
                })?;
            }
            svg.into_bytes()
        }
    };
    write_atomic(path, &bytes)
}

/// A named series of (epoch, value) points, for [`epoch_panel`].
pub type Series = (String, Vec<(f64, f64)>);

/// One panel of values per epoch: a line per named series (empty ones skipped), the y range
/// fitted to the finite values, integer epoch ticks, and the legend where asked.
///
/// # Errors
/// Drawing errors from the backend.
pub fn epoch_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
    y_label: &str,
    series: &[Series],
    epochs: f64,
    legend: SeriesLabelPosition,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let values: Vec<f64> = series
        .iter()
        .flat_map(|s| s.1.iter().map(|p| p.1))
        .filter(|v| v.is_finite())
        .collect();
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let pad = ((hi - lo) * 0.05).max(1e-3);
    let mut chart = ChartBuilder::on(area)
        .caption(caption, (FONT, 20))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(1.0..epochs.max(2.0), (lo - pad)..(hi + pad))?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .x_label_formatter(&|x| format!("{}", x.round() as i64))
        .y_desc(y_label)
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .draw()?;
    for (i, (name, points)) in series.iter().enumerate() {
        if points.is_empty() {
            continue;
        }
        let color = color(i);
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                color.stroke_width(2),
            ))?
            .label(name.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(legend)
        .label_font((FONT, 14))
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}

/// Encodes 8-bit RGB pixels as a PNG file in memory.
fn encode_png(rgb: &[u8], (w, h): (u32, u32)) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Sine;

    impl Figure for Sine {
        fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
        where
            DB::ErrorType: 'static,
        {
            root.fill(&WHITE)?;
            let mut chart = ChartBuilder::on(root)
                .caption("sine", (FONT, 20))
                .x_label_area_size(30)
                .y_label_area_size(40)
                .build_cartesian_2d(0.0..6.3, -1.1..1.1)?;
            chart.configure_mesh().label_style((FONT, 12)).draw()?;
            chart.draw_series(LineSeries::new(
                (0..64).map(|i| (i as f64 * 0.1, (i as f64 * 0.1).sin())),
                &color(0),
            ))?;
            Ok(())
        }
    }

    #[test]
    fn format_follows_the_extension() {
        assert_eq!(
            ImageFormat::from_path(Path::new("a.PNG"), "--plot").unwrap(),
            ImageFormat::Png
        );
        assert_eq!(
            ImageFormat::from_path(Path::new("b.svg"), "--plot").unwrap(),
            ImageFormat::Svg
        );
        let err = ImageFormat::from_path(Path::new("c.jpg"), "--plot").unwrap_err();
        assert!(err.to_string().contains("--plot c.jpg"), "{err}");
    }

    #[test]
    fn writes_png_and_svg_with_text() {
        let dir = std::env::temp_dir().join(format!("nabla-plot-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let png_path = dir.join("sine.png");
        save(&png_path, "--plot", (400, 300), &Sine).unwrap();
        let bytes = std::fs::read(&png_path).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let svg_path = dir.join("sine.svg");
        save(&svg_path, "--plot", (400, 300), &Sine).unwrap();
        let svg = std::fs::read_to_string(&svg_path).unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("font-family=\"sans-serif\"") && svg.contains("\nsine\n</text>"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
