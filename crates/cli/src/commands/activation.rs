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

use anyhow::anyhow;
use clap::Args;
use nabla_tensor::activation::ACTIVATION_NAMES;
use nabla_tensor::{Activation, Error};
use serde_json::{json, Map, Value};

use crate::output::{self, CommonArgs, Format};

/// Flags of `nabla activation`.
#[derive(Args, Debug)]
pub struct ActivationArgs {
    /// The activation: step, sigmoid, tanh, relu, leaky_relu, swish, hard_swish, relu6,
    /// hard_sigmoid, gelu, gelu_tanh, elu, selu, softplus, mish, log_sigmoid, silu or identity.
    pub name: String,
    /// The points, comma-separated (values may be negative: --at -2,0,2).
    #[arg(long, allow_hyphen_values = true, value_name = "X[,X...]")]
    pub at: String,
    /// α of leaky_relu (default 0.01) or elu (default 1).
    #[arg(long, allow_hyphen_values = true, value_name = "A")]
    pub alpha: Option<f64>,
    /// β of swish (default 1; 0 gives x/2, a large β approaches relu) or softplus (default 1).
    #[arg(long, allow_hyphen_values = true, value_name = "B")]
    pub beta: Option<f64>,
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
    let act = parse_activation(&args.name, args.alpha, args.beta)?;
    let xs = output::parse_number_list("--at", &args.at)?;
    let points: Vec<(f64, f64, f64)> = xs
        .iter()
        .map(|&x| (x, act.value(x), act.derivative(x)))
        .collect();
    match args.common.format {
        Format::Json => output::print_json(&to_json(act, &points)),
        Format::Text | Format::Markdown => output::print_text(&to_text(act, &points)),
    }
}

/// Builds the activation, turning library errors into messages that name the flag at fault.
pub fn parse_activation(
    name: &str,
    alpha: Option<f64>,
    beta: Option<f64>,
) -> anyhow::Result<Activation> {
    Activation::parse(name, alpha, beta).map_err(|err| match err {
        Error::UnknownActivation { .. } => anyhow!(
            "unknown activation '{name}'; valid names: {}",
            ACTIVATION_NAMES.join(", ")
        ),
        Error::UnexpectedParameter { parameter, .. } => anyhow!("--{parameter}: {err}"),
        Error::InvalidParameter { name: param, .. } => anyhow!("--{param}: {err}"),
        other => anyhow!(other),
    })
}

/// The function's parameters as a JSON object.
pub fn params_json(act: Activation) -> Value {
    let mut params = Map::new();
    for (key, value) in act.params() {
        params.insert(key.to_string(), json!(value));
    }
    Value::Object(params)
}

fn to_json(act: Activation, points: &[(f64, f64, f64)]) -> Value {
    let points: Vec<Value> = points
        .iter()
        .map(|&(x, value, derivative)| json!({"x": x, "value": value, "derivative": derivative}))
        .collect();
    json!({"name": act.name(), "params": params_json(act), "points": points})
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
    out.push('\n');
    out.push_str(&wrap(act.properties(), 96));
    out.push('\n');
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
