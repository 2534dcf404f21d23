//! `nabla activation`: an activation function's values and derivatives at given points.
//!
//! ```text
//! nabla activation NAME --at X[,X...] [--alpha A] [--beta B] [--format text|json]
//! ```
//!
//! Everything is computed in f64 by `nabla_tensor::Activation`, whose definitions and kink
//! conventions are PyTorch's (checked against PyTorch by the tensor crate's golden tests). The
//! text form prints a table and a paragraph on the function's properties; the JSON form is
//! `{"name", "params": {..}, "points": [{"x", "value", "derivative"}]}`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use nabla_explain::activation::atlas::{self, Cost, Properties};
use nabla_explain::activation::{self as explain, json::params as params_json, parse};
use nabla_tensor::activation::ACTIVATION_NAMES;
use nabla_tensor::Activation;
use serde_json::{json, Value};

use crate::output::{self, CommonArgs, Format};

mod cost;
mod picture;

/// Flags of `nabla activation`.
#[derive(Args, Debug)]
pub struct ActivationArgs {
    /// The activation: step, sigmoid, tanh, relu, leaky_relu, swish, hard_swish, relu6,
    /// hard_sigmoid, gelu, gelu_tanh, elu, selu, softplus, mish, log_sigmoid, silu or identity.
    /// With --table or --plot, a comma-separated list, each item optionally NAME:P with P the
    /// function's parameter (swish:10, leaky_relu:0.2); --table without names lists them all.
    pub name: Option<String>,
    /// The points, comma-separated (values may be negative: --at -2,0,2).
    #[arg(long, allow_hyphen_values = true, value_name = "X[,X...]")]
    pub at: Option<String>,
    /// α of leaky_relu (default 0.01) or elu (default 1).
    #[arg(long, allow_hyphen_values = true, value_name = "A")]
    pub alpha: Option<f64>,
    /// β of swish (default 1; 0 gives x/2, a large β approaches relu) or softplus (default 1).
    #[arg(long, allow_hyphen_values = true, value_name = "B")]
    pub beta: Option<f64>,
    /// The activation atlas: range, zero-centring, vanishing-gradient region, non-differentiable
    /// points, monotonicity and measured cost of each function, all computed.
    #[arg(long, conflicts_with_all = ["at", "plot"])]
    pub table: bool,
    /// Draw the listed functions and their derivatives to FILE.png or FILE.svg.
    #[arg(long, value_name = "FILE", conflicts_with = "at")]
    pub plot: Option<PathBuf>,
    /// The x range of --plot, LO,HI.
    #[arg(
        long,
        allow_hyphen_values = true,
        value_name = "LO,HI",
        default_value = "-6,6"
    )]
    pub range: String,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs `nabla activation`.
///
/// # Errors
/// An unknown name (the message lists the valid ones), a parameter the function does not take
/// or cannot use, or an `--at` item that is not a finite number; `main` turns each into one line
/// on stderr and exit status 2.
pub fn run(args: &ActivationArgs) -> anyhow::Result<()> {
    if args.table {
        return table(args);
    }
    if let Some(path) = &args.plot {
        return draw(args, path);
    }
    let name = args.name.as_deref().with_context(|| {
        format!(
            "give an activation NAME ({}) and --at X[,X...], or --table",
            ACTIVATION_NAMES.join(", ")
        )
    })?;
    let act = parse::one(name, args.alpha, args.beta)?;
    let at = args
        .at
        .as_deref()
        .context("--at: give the points to evaluate, e.g. --at -2,0,2")?;
    let xs = output::parse_number_list("--at", at)?;
    let points = explain::evaluate(act, &xs);
    match args.common.format {
        Format::Json => output::print_json(&explain::json::points(act, &points)),
        Format::Text => output::print_text(&to_text(act, &points)),
        Format::Markdown => output::print_text(&to_markdown(act, &points)),
    }
}

/// A number in its shortest round-trip form, with an exponent when very large or small.
pub fn format_number(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 || (1e-4..1e15).contains(&a) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// `swish (beta = 1)`, `relu`.
pub fn title(act: Activation) -> String {
    let params = act.params();
    if params.is_empty() {
        act.name().to_string()
    } else {
        let list: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{k} = {}", format_number(*v)))
            .collect();
        format!("{} ({})", act.name(), list.join(", "))
    }
}

fn to_text(act: Activation, points: &[(f64, f64, f64)]) -> String {
    let rows: Vec<[String; 3]> = points
        .iter()
        .map(|&(x, v, d)| [format_number(x), format_number(v), format_number(d)])
        .collect();
    let header = ["x", "f(x)", "f'(x)"];
    let widths: Vec<usize> = (0..3)
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([header[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", title(act));
    let line = |cells: [&str; 3]| {
        format!(
            "  {:>w0$}  {:>w1$}  {:>w2$}\n",
            cells[0],
            cells[1],
            cells[2],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        )
    };
    out.push_str(&line(header));
    for r in &rows {
        out.push_str(&line([&r[0], &r[1], &r[2]]));
    }
    if let Some(note) = explain::note(act) {
        out.push('\n');
        out.push_str(&wrap(note, 96));
        out.push('\n');
    }
    out
}

/// The points as a Markdown table under a heading, then the properties paragraph.
fn to_markdown(act: Activation, points: &[(f64, f64, f64)]) -> String {
    let mut out = format!(
        "### {}\n\n| x | f(x) | f'(x) |\n|---:|---:|---:|\n",
        title(act)
    );
    for &(x, v, d) in points {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            format_number(x),
            format_number(v),
            format_number(d)
        );
    }
    if let Some(note) = explain::note(act) {
        let _ = writeln!(out, "\n{note}");
    }
    out
}

/// Wraps a paragraph at `width` columns.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut col = 0;
    for word in text.split_whitespace() {
        let n = word.chars().count();
        if col > 0 && col + 1 + n > width {
            out.push('\n');
            col = 0;
        } else if col > 0 {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += n;
    }
    out
}

/// `--table`: the activation atlas, every property computed (see [`atlas`]).
fn table(args: &ActivationArgs) -> anyhow::Result<()> {
    let acts = parse::atlas_list(args.name.as_deref(), args.alpha, args.beta)?;
    let rows: Vec<(Properties, Cost)> = acts
        .iter()
        .map(|&a| (atlas::analyze(a), cost::time_kernels(a)))
        .collect();
    let relu_ns = rows
        .iter()
        .find(|(p, _)| p.activation == Activation::Relu)
        .map_or_else(
            || cost::time_kernels(Activation::Relu).forward_ns,
            |(_, c)| c.forward_ns,
        );
    match args.common.format {
        Format::Json => output::print_json(&explain::json::atlas(&rows, relu_ns)),
        Format::Text => output::print_text(&table_text(&rows, relu_ns)),
        Format::Markdown => output::print_text(&table_markdown(&rows, relu_ns)),
    }
}

/// `[0, 1]`, `(−∞, 0]`-style text for a sampled range (∞ where unbounded).
fn range_text(lo: Option<f64>, hi: Option<f64>) -> String {
    let end = |v: Option<f64>, inf: &str| v.map_or(inf.to_string(), short);
    format!("{} … {}", end(lo, "−∞"), end(hi, "∞"))
}

/// Four significant digits, for the atlas's text table.
fn short(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let s = format!("{:.4}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if v.abs() >= 1e-3 && v.abs() < 1e6 {
        s.to_string()
    } else {
        format!("{v:.3e}")
    }
}

fn intervals_text(v: &[atlas::Interval]) -> String {
    if v.is_empty() {
        return "nowhere".into();
    }
    let parts: Vec<String> = v
        .iter()
        .map(|i| match (i.from, i.to) {
            (None, None) => "everywhere".into(),
            (None, Some(t)) => format!("x < {}", short(t)),
            (Some(f), None) => format!("x > {}", short(f)),
            (Some(f), Some(t)) => format!("{} < x < {}", short(f), short(t)),
        })
        .collect();
    parts.join(", ")
}

/// The atlas's header and one row of cells per function.
fn table_cells(rows: &[(Properties, Cost)], relu_ns: f64) -> ([&'static str; 8], Vec<Vec<String>>) {
    let header = [
        "activation",
        "range",
        "zero-centred",
        "|f'| < 1e-3 for",
        "not differentiable at",
        "monotonic",
        "ns/elem",
        "× relu",
    ];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|(p, cost)| {
            let kinks = if p.kinks.is_empty() {
                "—".to_string()
            } else {
                p.kinks
                    .iter()
                    .map(|k| {
                        let jump = if k.continuous { "" } else { " (jump)" };
                        format!("{}{jump}", short(k.x))
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mono = if p.monotonic {
                "yes".to_string()
            } else {
                let t: Vec<String> = p
                    .turning_points
                    .iter()
                    .map(|t| {
                        let kind = if t.minimum { "min" } else { "max" };
                        format!("{kind} {} at {}", short(t.value), short(t.x))
                    })
                    .collect();
                format!("no: {}", t.join(", "))
            };
            vec![
                title(p.activation),
                range_text(p.range_min, p.range_max),
                format!(
                    "{} (mean {})",
                    if p.zero_centred { "yes" } else { "no" },
                    short(p.mean_normal)
                ),
                intervals_text(&p.vanishing),
                kinks,
                mono,
                format!("{:.2}", cost.forward_ns),
                format!("{:.1}", cost.forward_ns / relu_ns),
            ]
        })
        .collect();
    (header, cells)
}

/// How the atlas's columns were measured.
fn table_note(relu_ns: f64) -> String {
    format!(
        "Range: sampled on [−50, 50] and at ±1e4 (∞ where f keeps growing). Zero-centred: \
         |E f(Z)| ≤ 0.1·sd f(Z) for Z ~ N(0, 1). Non-differentiable points: where the one-sided \
         difference quotients differ. Cost: f32 forward kernel over 65536 elements, best of 7, on \
         this machine (relu: {relu_ns:.2} ns/element)."
    )
}

fn table_text(props: &[(Properties, Cost)], relu_ns: f64) -> String {
    let (header, rows) = table_cells(props, relu_ns);
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([header[c].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[&str]| {
        let mut s = String::new();
        for (c, cell) in cells.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            if c >= 6 {
                s.push_str(&" ".repeat(pad));
                s.push_str(cell);
            } else {
                s.push_str(cell);
                s.push_str(&" ".repeat(pad));
            }
            s.push_str("  ");
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(&header);
    for r in &rows {
        let cells: Vec<&str> = r.iter().map(String::as_str).collect();
        out.push_str(&line(&cells));
    }
    let _ = writeln!(out, "\n{}", wrap(&table_note(relu_ns), 96));
    out
}

/// `--plot`: the listed functions (left) and their derivatives (right) on `--range`.
fn draw(args: &ActivationArgs, path: &Path) -> anyhow::Result<()> {
    crate::plot::ImageFormat::from_path(path, "--plot")?;
    crate::paths::RunPaths::new()
        .output("--plot", Some(path))
        .check()?;
    let list = args
        .name
        .as_deref()
        .context("--plot: give the activations to draw, e.g. swish:0,swish:1,relu")?;
    let acts = parse::list(list, args.alpha, args.beta)?;
    let range = output::parse_number_list("--range", &args.range)?;
    // The axes' tick arithmetic runs past the largest f64 (and never ends) near ±1e306.
    const WIDEST: f64 = 1e300;
    let (lo, hi) = match range[..] {
        [lo, hi] if lo < hi && lo >= -WIDEST && hi <= WIDEST => (lo, hi),
        [lo, hi] if lo < hi => bail!(
            "--range: '{}' reaches beyond ±{WIDEST:e}, where a plot's axes cannot be drawn",
            args.range
        ),
        _ => bail!("--range: '{}' must be LO,HI with LO < HI", args.range),
    };
    let figure = picture::ActivationPlot::new(&acts, lo, hi);
    crate::plot::save(path, "--plot", (1400, 560), &figure)?;
    match args.common.format {
        Format::Json => {
            let listed: Vec<Value> = acts
                .iter()
                .map(|&a| json!({"name": a.name(), "params": params_json(a)}))
                .collect();
            output::print_json(&json!({
                "plot": path.display().to_string(),
                "range": [lo, hi],
                "activations": listed,
            }))
        }
        Format::Text | Format::Markdown => {
            let names: Vec<String> = acts.iter().map(|&a| title(a)).collect();
            output::print_text(&format!(
                "wrote {}: {} and their derivatives on [{}, {}]\n",
                path.display(),
                names.join(", "),
                format_number(lo),
                format_number(hi)
            ))
        }
    }
}

/// The atlas as a Markdown table (the same cells as the text table).
fn table_markdown(props: &[(Properties, Cost)], relu_ns: f64) -> String {
    let (header, rows) = table_cells(props, relu_ns);
    // A literal `|` (as in |f'|) would end a Markdown cell.
    let escape = |cell: &str| cell.replace('|', "\\|");
    let head: Vec<String> = header.iter().map(|h| escape(h)).collect();
    let mut out = format!("| {} |\n", head.join(" | "));
    let _ = writeln!(
        out,
        "|{}",
        header
            .iter()
            .enumerate()
            .map(|(c, _)| if c >= 6 { "---:|" } else { "---|" })
            .collect::<String>()
    );
    for r in &rows {
        let cells: Vec<String> = r.iter().map(|c| escape(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    let _ = writeln!(out, "\n{}", table_note(relu_ns));
    out
}
