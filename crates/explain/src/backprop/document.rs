//! The worked solution as a renderer-neutral document: titles, paragraphs, equation lines and
//! tables, built once and printed as text or markdown.
//!
//! It reads like a textbook solution: the network and its legend, the forward pass (every net
//! input and output, with the numbers substituted), the loss with its formula, the backward
//! pass layer by layer (every gradient as its chain-rule product with each factor's value, the
//! deltas, and for hidden units the sum over the next layer), the optimizer step, and a table
//! of results. Every value shown was computed by the tape ([`super::pass`]); the document only
//! arranges and rounds them.
//!
//! For a batch, each sample gets its own forward table and per-sample factors (marked ⁽ˢ⁾),
//! and every parameter gradient is the sum over samples of its chain-rule products; the mean's
//! `1/n` sits in `∂J/∂out` of the output layer, as the loss's reduction defines it.

use nabla_nn::optim::{HyperValue, OptimizerConfig};
use nabla_tensor::{Activation, LossKind};

use super::names::Names;
use super::pass::{Pass, CHECK_STEP};
use super::spec::{LossName, Spec};

/// One piece of the document.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// The document's title.
    Title(String),
    /// A section heading.
    Heading(String),
    /// A sub-section heading.
    Subheading(String),
    /// Prose.
    Paragraph(String),
    /// Equation lines, shown verbatim.
    Math(Vec<String>),
    /// A table.
    Table {
        /// Column titles.
        header: Vec<String>,
        /// Rows of cells.
        rows: Vec<Vec<String>>,
    },
}

/// Rounds numbers for display.
#[derive(Clone, Copy, Debug)]
pub struct Fmt {
    /// Significant digits.
    pub digits: usize,
}

impl Fmt {
    /// `v` to `digits` significant digits, trailing zeros trimmed; scientific notation outside
    /// [1e-4, 1e6).
    pub fn n(self, v: f64) -> String {
        if v == 0.0 {
            return "0".to_string();
        }
        if !v.is_finite() {
            return v.to_string();
        }
        let digits = self.digits.max(1);
        let a = v.abs();
        if (1e-4..1e6).contains(&a) {
            let magnitude = a.log10().floor() as i64;
            let decimals = (digits as i64 - 1 - magnitude).max(0) as usize;
            let text = format!("{v:.decimals$}");
            let text = trim_zeros(&text);
            if text == "-0" {
                "0".to_string()
            } else {
                text
            }
        } else {
            let text = format!("{v:.prec$e}", prec = digits - 1);
            match text.split_once('e') {
                Some((mantissa, exponent)) => format!("{}e{exponent}", trim_zeros(mantissa)),
                None => text,
            }
        }
    }

    /// As [`Fmt::n`], with a negative number in parentheses (for products and sums).
    pub fn p(self, v: f64) -> String {
        let text = self.n(v);
        if text.starts_with('-') {
            format!("({text})")
        } else {
            text
        }
    }
}

fn trim_zeros(text: &str) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text.to_string()
    }
}

/// `⁽ˢ⁾` for sample `s` (1-based) of a batch; nothing for one sample.
fn sup(batched: bool, s: usize) -> String {
    if !batched {
        return String::new();
    }
    let digits: String = (s + 1)
        .to_string()
        .chars()
        .map(|c| match c {
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            _ => '⁹',
        })
        .collect();
    format!("⁽{digits}⁾")
}

/// The activation's name with its parameters, for prose: `leaky_relu(α = 0.2)`.
fn activation_label(a: Activation) -> String {
    let params = a.params();
    if params.is_empty() || matches!(a, Activation::Selu) {
        a.name().to_string()
    } else {
        let list: Vec<String> = params.iter().map(|(k, v)| format!("{k} = {v:?}")).collect();
        format!("{}({})", a.name(), list.join(", "))
    }
}

/// The symbol for `f` in equations.
fn f_symbol(a: Activation) -> String {
    match a {
        Activation::Sigmoid => "σ".to_string(),
        Activation::Identity => "id".to_string(),
        other => other.name().to_string(),
    }
}

/// Everything the document builder needs.
pub struct Context<'a> {
    /// The spec.
    pub spec: &'a Spec,
    /// The computed pass.
    pub pass: &'a Pass,
    /// The names.
    pub names: &'a Names,
    /// Number formatting.
    pub fmt: Fmt,
    /// Whether to list the tape.
    pub tape: bool,
}

impl Context<'_> {
    fn samples(&self) -> usize {
        self.spec.inputs.len()
    }

    /// The value feeding layer `l` from source `i` in sample `s`.
    fn source_value(&self, l: usize, s: usize, i: usize) -> f64 {
        if l == 0 {
            self.spec.inputs[s][i]
        } else {
            self.pass.layers[l - 1].out[s][i]
        }
    }

    /// `out_h1` or `x1`: how a source is written in equations.
    fn source_symbol(&self, l: usize, i: usize) -> String {
        if l == 0 {
            self.names.inputs[i].clone()
        } else {
            format!("out_{}", self.names.units[l - 1][i])
        }
    }

    /// The count `n` the loss's mean divides by.
    fn mean_count(&self) -> usize {
        match self.spec.loss {
            LossName::CrossEntropy => self.samples(),
            _ => self.samples() * self.spec.targets[0].len(),
        }
    }
}

/// Builds the worked solution.
pub fn build(cx: &Context<'_>) -> Vec<Block> {
    let mut doc = Vec::new();
    title(cx, &mut doc);
    legend(cx, &mut doc);
    forward(cx, &mut doc);
    loss(cx, &mut doc);
    backward(cx, &mut doc);
    update(cx, &mut doc);
    check(cx, &mut doc);
    summary(cx, &mut doc);
    if cx.tape {
        tape(cx, &mut doc);
    }
    doc
}

fn title(cx: &Context<'_>, doc: &mut Vec<Block>) {
    let spec = cx.spec;
    let mut widths = vec![spec.inputs[0].len().to_string()];
    widths.extend(spec.layers.iter().map(|l| l.units().to_string()));
    let acts: Vec<String> = spec
        .layers
        .iter()
        .map(|l| activation_label(l.activation))
        .collect();
    let mut text = format!(
        "Backpropagation, worked: a {} network ({}), loss {}",
        widths.join("-"),
        acts.join(", "),
        spec.loss.name()
    );
    if let Some(opt) = &spec.optimizer {
        text.push_str(&format!(", one {} step", opt.name()));
    }
    doc.push(Block::Title(text));
    if let Some(t) = &spec.title {
        doc.push(Block::Paragraph(t.clone()));
    }
    let n = cx.samples();
    let batch = if spec.batched {
        format!(
            "a batch of {n} sample{}; sample s is marked ⁽ˢ⁾",
            if n == 1 { "" } else { "s" }
        )
    } else {
        "one sample".to_string()
    };
    doc.push(Block::Paragraph(format!(
        "Every number below was computed by nabla's autodiff tape in f64 (the engine `nabla train` \
         uses) and is rounded to {} significant digits for display; `--format json` gives full \
         precision. Input: {batch}.",
        cx.fmt.digits
    )));
}

fn legend(cx: &Context<'_>, doc: &mut Vec<Block>) {
    let (spec, names, f) = (cx.spec, cx.names, cx.fmt);
    doc.push(Block::Heading("The network".to_string()));
    doc.push(Block::Paragraph(
        "Each unit j adds up its weighted inputs and its bias, then applies its layer's \
         activation f:"
            .to_string(),
    ));
    doc.push(Block::Math(vec![
        "net_j = Σ_i w_ji·out_i + b_j        out_j = f(net_j)".to_string(),
    ]));
    let mut rows = Vec::new();
    let input_field = if spec.batched { "inputs[s]" } else { "input" };
    for (i, x) in names.inputs.iter().enumerate() {
        let value = if spec.batched {
            String::new()
        } else {
            f.n(spec.inputs[0][i])
        };
        rows.push(vec![
            x.clone(),
            format!("input {}", i + 1),
            format!("{input_field}[{i}]"),
            value,
        ]);
    }
    let last = spec.layers.len() - 1;
    for (l, layer) in spec.layers.iter().enumerate() {
        let kind = if l == last { "output" } else { "hidden" };
        for (j, unit) in names.units[l].iter().enumerate() {
            rows.push(vec![
                unit.clone(),
                format!(
                    "layer {} ({kind}) unit {}, {}",
                    l + 1,
                    j + 1,
                    activation_label(layer.activation)
                ),
                format!("layers[{l}] row {j}"),
                String::new(),
            ]);
        }
    }
    for (l, layer) in spec.layers.iter().enumerate() {
        let sources = names.sources(l);
        for (j, row) in layer.weight.iter().enumerate() {
            for (i, &w) in row.iter().enumerate() {
                rows.push(vec![
                    names.weights[l][j][i].clone(),
                    format!("weight {} → {}", sources[i], names.units[l][j]),
                    format!("layers[{l}].weight[{j}][{i}]"),
                    f.n(w),
                ]);
            }
        }
        for (j, &b) in layer.bias.iter().enumerate() {
            rows.push(vec![
                names.biases[l][j].clone(),
                format!("bias of {}", names.units[l][j]),
                format!("layers[{l}].bias[{j}]"),
                f.n(b),
            ]);
        }
    }
    let target_field = if spec.batched { "targets[s]" } else { "target" };
    for (k, y) in names.targets.iter().enumerate() {
        let value = if spec.batched {
            String::new()
        } else {
            f.n(spec.targets[0][k])
        };
        rows.push(vec![
            y.clone(),
            format!("target of {}", names.units[last][k]),
            format!("{target_field}[{k}]"),
            value,
        ]);
    }
    doc.push(Block::Table {
        header: vec![
            "name".into(),
            "meaning".into(),
            "spec field".into(),
            "value".into(),
        ],
        rows,
    });
    if spec.batched {
        let mut header = vec!["sample".to_string()];
        header.extend(names.inputs.iter().cloned());
        header.extend(names.targets.iter().cloned());
        let rows = spec
            .inputs
            .iter()
            .zip(&spec.targets)
            .enumerate()
            .map(|(s, (x, y))| {
                let mut row = vec![(s + 1).to_string()];
                row.extend(x.iter().chain(y).map(|&v| f.n(v)));
                row
            })
            .collect();
        doc.push(Block::Table { header, rows });
    }
}

fn forward(cx: &Context<'_>, doc: &mut Vec<Block>) {
    let (spec, names, pass, f) = (cx.spec, cx.names, cx.pass, cx.fmt);
    doc.push(Block::Heading("Forward pass".to_string()));
    for s in 0..cx.samples() {
        if spec.batched {
            doc.push(Block::Subheading(format!("Sample {}", s + 1)));
        }
        let u = sup(spec.batched, s);
        let mut lines = Vec::new();
        for (l, layer) in spec.layers.iter().enumerate() {
            let sources = names.sources(l);
            for (j, unit) in names.units[l].iter().enumerate() {
                let mut symbolic = Vec::new();
                let mut numeric = Vec::new();
                for i in 0..sources.len() {
                    symbolic.push(format!(
                        "{}·{}{u}",
                        names.weights[l][j][i],
                        cx.source_symbol(l, i)
                    ));
                    numeric.push(format!(
                        "{} × {}",
                        f.p(layer.weight[j][i]),
                        f.p(cx.source_value(l, s, i))
                    ));
                }
                symbolic.push(names.biases[l][j].clone());
                numeric.push(f.p(layer.bias[j]));
                let net = pass.layers[l].net[s][j];
                lines.push(format!(
                    "net_{unit}{u} = {} = {} = {}",
                    symbolic.join(" + "),
                    numeric.join(" + "),
                    f.n(net)
                ));
                let sym = f_symbol(layer.activation);
                let out = f.n(pass.layers[l].out[s][j]);
                lines.push(if layer.activation == Activation::Identity {
                    format!("out_{unit}{u} = net_{unit}{u} = {out}")
                } else {
                    format!(
                        "out_{unit}{u} = {sym}(net_{unit}{u}) = {sym}({}) = {out}",
                        f.n(net)
                    )
                });
            }
        }
        doc.push(Block::Math(lines));
        let rows = spec
            .layers
            .iter()
            .enumerate()
            .flat_map(|(l, layer)| {
                names.units[l].iter().enumerate().map(move |(j, unit)| {
                    vec![
                        unit.clone(),
                        activation_label(layer.activation),
                        f.n(pass.layers[l].net[s][j]),
                        f.n(pass.layers[l].out[s][j]),
                    ]
                })
            })
            .collect();
        doc.push(Block::Table {
            header: vec![
                "unit".into(),
                "f".into(),
                format!("net{u}"),
                format!("out{u}"),
            ],
            rows,
        });
    }
}

fn loss(cx: &Context<'_>, doc: &mut Vec<Block>) {
    let (spec, names, pass, f) = (cx.spec, cx.names, cx.pass, cx.fmt);
    let last = spec.layers.len() - 1;
    let out = &pass.layers[last].out;
    let n = cx.mean_count();
    doc.push(Block::Heading("Loss".to_string()));
    let (formula, reduction) = match spec.loss {
        LossName::Bce => (
            "ℓ = −[y·ln ŷ + (1 − y)·ln(1 − ŷ)]   (ŷ = out of an output unit, each ln clamped at −100 as PyTorch does)",
            "every output of every sample",
        ),
        LossName::BceWithLogits => (
            "ℓ = −[y·ln σ(z) + (1 − y)·ln(1 − σ(z))]   (z = out of an output unit, a logit)",
            "every output of every sample",
        ),
        LossName::Mse => (
            "ℓ = (ŷ − y)²   (ŷ = out of an output unit)",
            "every output of every sample",
        ),
        LossName::CrossEntropy => (
            "ŷ_k = e^(z_k) / Σ_j e^(z_j)   (softmax of the logits z = out of the output units)\nℓ = −Σ_k y_k·ln ŷ_k",
            "the samples",
        ),
    };
    doc.push(Block::Paragraph(format!(
        "Loss {}{}: J is the mean of ℓ over {reduction}, n = {n} terms (PyTorch's default \
         reduction, \"mean\"):",
        spec.loss.name(),
        match pass.kind {
            LossKind::CrossEntropyIndices => " with one-hot targets (PyTorch's class-index form)",
            LossKind::CrossEntropySoft => " with soft targets (PyTorch's probability form)",
            _ => "",
        }
    )));
    let mut lines: Vec<String> = formula.lines().map(str::to_string).collect();
    lines.push(format!(
        "J = (1/{n})·Σ ℓ{}",
        if n == 1 { "   (n = 1: J = ℓ)" } else { "" }
    ));
    doc.push(Block::Math(lines));

    let mut lines = Vec::new();
    let mut parts = Vec::new();
    for s in 0..cx.samples() {
        let u = sup(spec.batched, s);
        match spec.loss {
            LossName::CrossEntropy => {
                let p = pass
                    .softmax
                    .as_ref()
                    .map(|p| p[s].clone())
                    .unwrap_or_default();
                let zs: Vec<String> = out[s].iter().map(|&z| f.p(z)).collect();
                let exps: Vec<String> = zs.iter().map(|z| format!("e^{z}")).collect();
                for (k, unit) in names.units[last].iter().enumerate() {
                    lines.push(format!(
                        "ŷ_{unit}{u} = e^{} / ({}) = {}",
                        zs[k],
                        exps.join(" + "),
                        f.n(p[k])
                    ));
                }
                let terms: Vec<String> = spec.targets[s]
                    .iter()
                    .zip(&p)
                    .map(|(&y, &q)| format!("{} × ln {}", f.p(y), f.n(q)))
                    .collect();
                let l = pass.terms[s][0];
                lines.push(format!("ℓ{u} = −[{}] = {}", terms.join(" + "), f.n(l)));
                parts.push(f.p(l));
            }
            _ => {
                for (k, unit) in names.units[last].iter().enumerate() {
                    let (y, o) = (spec.targets[s][k], out[s][k]);
                    let l = pass.terms[s][k];
                    let body = match spec.loss {
                        LossName::Bce => format!(
                            "−[{} × ln {} + (1 − {}) × ln(1 − {})]",
                            f.p(y),
                            f.n(o),
                            f.p(y),
                            f.n(o)
                        ),
                        LossName::BceWithLogits => {
                            let sg = Activation::Sigmoid.value(o);
                            format!(
                                "−[{} × ln σ({}) + (1 − {}) × ln(1 − σ({}))], σ({}) = {}",
                                f.p(y),
                                f.n(o),
                                f.p(y),
                                f.n(o),
                                f.n(o),
                                f.n(sg)
                            )
                        }
                        _ => format!("({} − {})²", f.n(o), f.p(y)),
                    };
                    lines.push(format!("ℓ({unit}{u}) = {body} = {}", f.n(l)));
                    parts.push(f.p(l));
                }
            }
        }
    }
    if n == 1 {
        lines.push(format!("J = {}", f.n(pass.loss)));
    } else {
        lines.push(format!(
            "J = ({}) / {n} = {}",
            parts.join(" + "),
            f.n(pass.loss)
        ));
    }
    doc.push(Block::Math(lines));
}

fn backward(cx: &Context<'_>, doc: &mut Vec<Block>) {
    let spec = cx.spec;
    doc.push(Block::Heading("Backward pass".to_string()));
    doc.push(Block::Paragraph(
        "The chain rule, from the loss back to the first layer. δ_j = ∂J/∂net_j is unit j's \
         delta; ∂J/∂out_j of a hidden unit is the sum over the units it feeds, Σ_k δ_k·w_kj, \
         with the weights before the update."
            .to_string(),
    ));
    if spec.batched {
        doc.push(Block::Paragraph(
            "For a batch, J averages over the samples, so ∂J/∂out of the output layer carries \
             the 1/n of the mean, and each parameter's gradient is the sum over samples of its \
             per-sample chain-rule products (the average of the per-sample gradients)."
                .to_string(),
        ));
    }
    for l in (0..spec.layers.len()).rev() {
        layer_backward(cx, l, doc);
    }
}

/// The loss's derivative lines for the output layer.
fn output_gradient(cx: &Context<'_>, doc: &mut Vec<Block>) {
    let (spec, names, pass, f) = (cx.spec, cx.names, cx.pass, cx.fmt);
    let last = spec.layers.len() - 1;
    let layer = &pass.layers[last];
    let n = cx.mean_count();
    match spec.loss {
        LossName::CrossEntropy => {
            doc.push(Block::Paragraph(format!(
                "Softmax and cross-entropy together have the gradient ∂J/∂z_k = (ŷ_k·Σ_j y_j − \
                 y_k)/{n} with respect to the logits z = out (ŷ_k − y_k for a one-hot target):"
            )));
            let mut rows = Vec::new();
            let p = pass.softmax.as_ref().cloned().unwrap_or_default();
            for (s, (probs, targets)) in p.iter().zip(&spec.targets).enumerate() {
                let sum_y: f64 = targets.iter().sum();
                for (k, unit) in names.units[last].iter().enumerate() {
                    let mut row = Vec::new();
                    if spec.batched {
                        row.push((s + 1).to_string());
                    }
                    row.extend([
                        unit.clone(),
                        f.n(probs[k]),
                        f.n(targets[k]),
                        f.n(sum_y),
                        f.n(probs[k] * sum_y - targets[k]),
                        f.n(layer.d_out[s][k]),
                    ]);
                    rows.push(row);
                }
            }
            let mut header = Vec::new();
            if spec.batched {
                header.push("sample".to_string());
            }
            header.extend([
                "unit".to_string(),
                "ŷ".to_string(),
                "y".to_string(),
                "Σy".to_string(),
                "ŷ·Σy − y".to_string(),
                format!("∂J/∂z = (ŷ·Σy − y)/{n}"),
            ]);
            doc.push(Block::Table { header, rows });
        }
        _ => {
            let formula = match spec.loss {
                LossName::Bce => format!("∂J/∂ŷ = (ŷ − y) / (ŷ·(1 − ŷ)) / {n}"),
                LossName::BceWithLogits => format!("∂J/∂z = (σ(z) − y) / {n}"),
                _ => format!("∂J/∂ŷ = 2·(ŷ − y) / {n}"),
            };
            let mut lines = vec![formula];
            for s in 0..cx.samples() {
                let u = sup(spec.batched, s);
                for (k, unit) in names.units[last].iter().enumerate() {
                    let (y, o) = (spec.targets[s][k], layer.out[s][k]);
                    let body = match spec.loss {
                        LossName::Bce => format!(
                            "({} − {}) / ({} × (1 − {})) / {n}",
                            f.n(o),
                            f.p(y),
                            f.n(o),
                            f.n(o)
                        ),
                        LossName::BceWithLogits => {
                            format!("({} − {}) / {n}", f.n(Activation::Sigmoid.value(o)), f.p(y))
                        }
                        _ => format!("2 × ({} − {}) / {n}", f.n(o), f.p(y)),
                    };
                    lines.push(format!(
                        "∂J/∂out_{unit}{u} = {body} = {}",
                        f.n(layer.d_out[s][k])
                    ));
                }
            }
            doc.push(Block::Math(lines));
        }
    }
}

/// `σ'(net_h1) = out_h1·(1 − out_h1) = … = …`: the activation's local derivative.
fn local_derivative(
    a: Activation,
    unit: &str,
    u: &str,
    net: f64,
    out: f64,
    d: f64,
    f: Fmt,
) -> String {
    let lhs = format!("∂out_{unit}{u}/∂net_{unit}{u}");
    let body = match a {
        Activation::Sigmoid => format!(
            "out_{unit}{u}·(1 − out_{unit}{u}) = {} × (1 − {})",
            f.n(out),
            f.n(out)
        ),
        Activation::Tanh => format!("1 − (out_{unit}{u})² = 1 − {}²", f.p(out)),
        Activation::Identity => "1".to_string(),
        Activation::Relu => format!("[net_{unit}{u} > 0] = [{} > 0]", f.n(net)),
        Activation::LeakyRelu { alpha } => format!(
            "[net_{unit}{u} > 0] + {alpha:?}·[net_{unit}{u} ≤ 0] = [{n} > 0] + {alpha:?}·[{n} ≤ 0]",
            n = f.n(net)
        ),
        other => format!("{}'({})", other.name(), f.n(net)),
    };
    let kink = match a {
        Activation::Relu if net == 0.0 => "   (at the kink PyTorch takes relu'(0) = 0)",
        Activation::LeakyRelu { .. } if net == 0.0 => {
            "   (at the kink PyTorch takes leaky_relu'(0) = α)"
        }
        _ => "",
    };
    if matches!(a, Activation::Identity) {
        format!("{lhs} = 1")
    } else {
        format!("{lhs} = {body} = {}{kink}", f.n(d))
    }
}

fn layer_backward(cx: &Context<'_>, l: usize, doc: &mut Vec<Block>) {
    let (spec, names, pass, f) = (cx.spec, cx.names, cx.pass, cx.fmt);
    let last = spec.layers.len() - 1;
    let layer = &spec.layers[l];
    let lp = &pass.layers[l];
    let units = &names.units[l];
    let heading = if l == last {
        format!("Output layer (layer {}: {})", l + 1, units.join(", "))
    } else {
        format!("Hidden layer {} ({})", l + 1, units.join(", "))
    };
    doc.push(Block::Subheading(heading));

    // ∂J/∂out for this layer.
    if l == last {
        output_gradient(cx, doc);
    } else {
        let next = &spec.layers[l + 1];
        let np = &pass.layers[l + 1];
        let mut lines = Vec::new();
        for s in 0..cx.samples() {
            let u = sup(spec.batched, s);
            for (j, unit) in units.iter().enumerate() {
                let symbolic: Vec<String> = names.units[l + 1]
                    .iter()
                    .enumerate()
                    .map(|(k, nu)| format!("δ_{nu}{u}·{}", names.weights[l + 1][k][j]))
                    .collect();
                let numeric: Vec<String> = (0..next.units())
                    .map(|k| format!("{} × {}", f.p(np.delta[s][k]), f.p(next.weight[k][j])))
                    .collect();
                lines.push(format!(
                    "∂J/∂out_{unit}{u} = {} = {} = {}",
                    symbolic.join(" + "),
                    numeric.join(" + "),
                    f.n(lp.d_out[s][j])
                ));
            }
        }
        doc.push(Block::Math(lines));
    }

    // Local derivatives and deltas.
    let mut lines = Vec::new();
    for s in 0..cx.samples() {
        let u = sup(spec.batched, s);
        for (j, unit) in units.iter().enumerate() {
            lines.push(local_derivative(
                layer.activation,
                unit,
                &u,
                lp.net[s][j],
                lp.out[s][j],
                lp.d_act[s][j],
                f,
            ));
            lines.push(format!(
                "δ_{unit}{u} = ∂J/∂out_{unit}{u} · ∂out_{unit}{u}/∂net_{unit}{u} = {} × {} = {}",
                f.p(lp.d_out[s][j]),
                f.p(lp.d_act[s][j]),
                f.n(lp.delta[s][j])
            ));
        }
    }
    doc.push(Block::Math(lines));
    if l == last && spec.loss == LossName::Bce && layer.activation == Activation::Sigmoid {
        let n = cx.mean_count();
        doc.push(Block::Paragraph(format!(
            "With BCE after a sigmoid, σ' = ŷ(1 − ŷ) cancels the loss's denominator, so \
             δ = (ŷ − y)/{n}, which the values above confirm:"
        )));
        let mut lines = Vec::new();
        for s in 0..cx.samples() {
            let u = sup(spec.batched, s);
            for (j, unit) in units.iter().enumerate() {
                let (o, y) = (lp.out[s][j], spec.targets[s][j]);
                lines.push(format!(
                    "δ_{unit}{u} = (ŷ − y)/{n} = ({} − {})/{n} = {}",
                    f.n(o),
                    f.p(y),
                    f.n((o - y) / n as f64)
                ));
            }
        }
        doc.push(Block::Math(lines));
    }

    // Parameter gradients as chain-rule products.
    let mut lines = Vec::new();
    for (j, unit) in units.iter().enumerate() {
        let s_ = if spec.batched { "⁽ˢ⁾" } else { "" };
        let chain = |param: &str| {
            format!(
                "∂J/∂out_{unit}{s_} · ∂out_{unit}{s_}/∂net_{unit}{s_} · ∂net_{unit}{s_}/∂{param}"
            )
        };
        for i in 0..layer.fan_in() {
            let w = &names.weights[l][j][i];
            let products: Vec<String> = (0..cx.samples())
                .map(|s| {
                    format!(
                        "{} × {} × {}",
                        f.p(lp.d_out[s][j]),
                        f.p(lp.d_act[s][j]),
                        f.p(cx.source_value(l, s, i))
                    )
                })
                .collect();
            let lead = if spec.batched { "Σ_s " } else { "" };
            lines.push(format!(
                "∂J/∂{w} = {lead}{} = {} = {}      (∂net_{unit}{s_}/∂{w} = {}{s_})",
                chain(w),
                products.join(" + "),
                f.n(lp.grad_weight[j][i]),
                cx.source_symbol(l, i)
            ));
        }
        let b = &names.biases[l][j];
        let products: Vec<String> = (0..cx.samples())
            .map(|s| format!("{} × {} × 1", f.p(lp.d_out[s][j]), f.p(lp.d_act[s][j])))
            .collect();
        let lead = if spec.batched { "Σ_s " } else { "" };
        lines.push(format!(
            "∂J/∂{b} = {lead}{} = {} = {}",
            chain(b),
            products.join(" + "),
            f.n(lp.grad_bias[j])
        ));
    }
    doc.push(Block::Math(lines));
}

fn update(cx: &Context<'_>, doc: &mut Vec<Block>) {
    let (spec, names, pass, f) = (cx.spec, cx.names, cx.pass, cx.fmt);
    let (Some(config), Some(updated)) = (&spec.optimizer, &pass.updated) else {
        return;
    };
    doc.push(Block::Heading("Update".to_string()));
    let hyper: Vec<String> = config
        .hyperparameters()
        .iter()
        .map(|(k, v)| match v {
            HyperValue::Number(x) => format!("{k} = {x:?}"),
            HyperValue::Flag(b) => format!("{k} = {b}"),
        })
        .collect();
    let plain_sgd = matches!(config, OptimizerConfig::Sgd(_));
    let decay = match config {
        OptimizerConfig::Sgd(c) => c.weight_decay,
        _ => 0.0,
    };
    doc.push(Block::Paragraph(format!(
        "One step of {} ({}), PyTorch's update rule, from the gradients above{}",
        config.name(),
        hyper.join(", "),
        if plain_sgd {
            ":"
        } else {
            " (g = ∂J/∂θ, plus weight_decay·θ when it is set; every buffer starts at 0):"
        }
    )));
    if let Some(rule) = config.update_rule() {
        doc.push(Block::Math(rule.iter().map(|l| l.to_string()).collect()));
    }
    if plain_sgd {
        let lr = config.lr();
        let mut lines = vec![if decay == 0.0 {
            "θ' = θ − η·∂J/∂θ".to_string()
        } else {
            "θ' = θ − η·(∂J/∂θ + λ·θ)   (λ = weight_decay)".to_string()
        }];
        for (l, layer) in spec.layers.iter().enumerate() {
            let lp = &pass.layers[l];
            let mut push = |name: &str, old: f64, g: f64, new: f64| {
                let body = if decay == 0.0 {
                    format!("{} − {} × {}", f.n(old), f.n(lr), f.p(g))
                } else {
                    format!(
                        "{} − {} × ({} + {} × {})",
                        f.n(old),
                        f.n(lr),
                        f.n(g),
                        f.n(decay),
                        f.p(old)
                    )
                };
                lines.push(format!("{name}' = {body} = {}", f.n(new)));
            };
            for (j, row) in layer.weight.iter().enumerate() {
                for (i, &w) in row.iter().enumerate() {
                    push(
                        &names.weights[l][j][i],
                        w,
                        lp.grad_weight[j][i],
                        updated[l].weight[j][i],
                    );
                }
            }
            for (j, &b) in layer.bias.iter().enumerate() {
                push(&names.biases[l][j], b, lp.grad_bias[j], updated[l].bias[j]);
            }
        }
        doc.push(Block::Math(lines));
    } else {
        let mut rows = Vec::new();
        for (l, layer) in spec.layers.iter().enumerate() {
            let lp = &pass.layers[l];
            for (j, row) in layer.weight.iter().enumerate() {
                for (i, &w) in row.iter().enumerate() {
                    let new = updated[l].weight[j][i];
                    rows.push(vec![
                        names.weights[l][j][i].clone(),
                        f.n(w),
                        f.n(lp.grad_weight[j][i]),
                        f.n(new),
                        f.n(new - w),
                    ]);
                }
            }
            for (j, &b) in layer.bias.iter().enumerate() {
                let new = updated[l].bias[j];
                rows.push(vec![
                    names.biases[l][j].clone(),
                    f.n(b),
                    f.n(lp.grad_bias[j]),
                    f.n(new),
                    f.n(new - b),
                ]);
            }
        }
        doc.push(Block::Table {
            header: vec![
                "parameter".into(),
                "θ".into(),
                "∂J/∂θ".into(),
                "θ'".into(),
                "θ' − θ".into(),
            ],
            rows,
        });
    }
}

fn check(cx: &Context<'_>, doc: &mut Vec<Block>) {
    let Some(report) = &cx.pass.check else {
        return;
    };
    let f = cx.fmt;
    doc.push(Block::Heading("Gradient check".to_string()));
    let worst = report
        .worst
        .and_then(|(i, e)| cx.names.parameter(i, e))
        .unwrap_or("-");
    doc.push(Block::Paragraph(format!(
        "The tape's gradients against central differences (J(θ + h) − J(θ − h))/2h with h = \
         {CHECK_STEP:e}·max(1, |θ|), over all {} parameters: largest relative error {} (at {worst}), \
         largest absolute error {}.",
        report.elements,
        f.n(report.max_rel_error),
        f.n(report.max_abs_error)
    )));
    if report.max_rel_error > 1e-4 {
        doc.push(Block::Paragraph(
            "An error this large usually means a unit sits at (or within h of) a kink of its \
             activation — relu at 0, hard_swish at ±3, ... — where the left and right \
             derivatives differ; the tape follows PyTorch's convention there, finite \
             differences average the two."
                .to_string(),
        ));
    }
}

fn summary(cx: &Context<'_>, doc: &mut Vec<Block>) {
    let (spec, names, pass, f) = (cx.spec, cx.names, cx.pass, cx.fmt);
    doc.push(Block::Heading("Results".to_string()));
    let has_update = pass.updated.is_some();
    let mut rows = Vec::new();
    for (l, layer) in spec.layers.iter().enumerate() {
        let lp = &pass.layers[l];
        for (j, row) in layer.weight.iter().enumerate() {
            for (i, &w) in row.iter().enumerate() {
                let mut r = vec![
                    names.weights[l][j][i].clone(),
                    format!("layers[{l}].weight[{j}][{i}]"),
                    f.n(w),
                    f.n(lp.grad_weight[j][i]),
                ];
                if let Some(u) = &pass.updated {
                    r.push(f.n(u[l].weight[j][i]));
                }
                rows.push(r);
            }
        }
        for (j, &b) in layer.bias.iter().enumerate() {
            let mut r = vec![
                names.biases[l][j].clone(),
                format!("layers[{l}].bias[{j}]"),
                f.n(b),
                f.n(lp.grad_bias[j]),
            ];
            if let Some(u) = &pass.updated {
                r.push(f.n(u[l].bias[j]));
            }
            rows.push(r);
        }
    }
    let mut header = vec![
        "parameter".to_string(),
        "spec field".to_string(),
        "θ".to_string(),
        "∂J/∂θ".to_string(),
    ];
    if has_update {
        header.push("θ'".to_string());
    }
    doc.push(Block::Paragraph(format!("J = {}", f.n(pass.loss))));
    doc.push(Block::Table { header, rows });
}

/// A tensor's values, at most `limit` of them.
fn values(f: Fmt, v: &[f64], limit: usize) -> String {
    let shown: Vec<String> = v.iter().take(limit).map(|&x| f.n(x)).collect();
    let more = if v.len() > limit { ", …" } else { "" };
    format!("[{}{more}]", shown.join(", "))
}

fn tape(cx: &Context<'_>, doc: &mut Vec<Block>) {
    let f = cx.fmt;
    doc.push(Block::Heading("The tape".to_string()));
    doc.push(Block::Paragraph(
        "The autodiff tape this solution was read from, in recording order: each node's \
         operation, the nodes it takes as inputs, its forward value and the gradient ∂J/∂node \
         that the backward pass left on it (row-major; at most 6 values shown)."
            .to_string(),
    ));
    let rows = cx
        .pass
        .tape
        .iter()
        .map(|node| {
            let inputs: Vec<String> = node.inputs.iter().map(|i| format!("#{i}")).collect();
            let shape: Vec<String> = node.shape.iter().map(usize::to_string).collect();
            vec![
                format!("#{}", node.index),
                node.op.clone(),
                inputs.join(", "),
                node.label.clone().unwrap_or_default(),
                format!("[{}]", shape.join("×")),
                values(f, &node.value, 6),
                node.grad
                    .as_ref()
                    .map_or_else(|| "—".to_string(), |g| values(f, g, 6)),
            ]
        })
        .collect();
    doc.push(Block::Table {
        header: vec![
            "node".into(),
            "op".into(),
            "inputs".into(),
            "label".into(),
            "shape".into(),
            "value".into(),
            "∂J/∂node".into(),
        ],
        rows,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_to_significant_digits() {
        let f = Fmt { digits: 6 };
        assert_eq!(f.n(0.0), "0");
        assert_eq!(f.n(0.5), "0.5");
        assert_eq!(f.n(2.0), "2");
        assert_eq!(f.n(0.924_141_819_978_756_8), "0.924142");
        assert_eq!(f.n(-1.234_567_89), "-1.23457");
        assert_eq!(f.n(123_456.7), "123457");
        assert_eq!(f.n(1.5e-7), "1.5e-7");
        assert_eq!(f.n(-2.0e-12), "-2e-12");
        assert_eq!(f.n(-1e-300), "-1e-300");
        assert_eq!(f.p(-0.5), "(-0.5)");
        assert_eq!(f.p(0.5), "0.5");
    }

    #[test]
    fn samples_are_marked_with_superscripts() {
        assert_eq!(sup(false, 0), "");
        assert_eq!(sup(true, 0), "⁽¹⁾");
        assert_eq!(sup(true, 11), "⁽¹²⁾");
    }
}
