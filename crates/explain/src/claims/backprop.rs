//! Claims about a worked forward and backward pass (`nabla backprop`).
//!
//! ```text
//! name                         quantity            formula (what from_claims evaluates)
//! net_h1                       net input           w1·x1 + w2·x2 + b1   (sources: inputs or out_ of the layer before)
//! out_h1                       output              f(net_h1)
//! J                            the loss            the mean of ℓ(out, y) over the loss's terms
//! dJ/dout_o1  (output layer)   ∂J/∂out             the loss's derivative at out_o1, e.g. (out − y)/(out·(1 − out))/n
//! dJ/dout_h1  (hidden layer)   ∂J/∂out             Σ_k delta_k·w_k1 over the units h1 feeds
//! dout_h1/dnet_h1              f′(net)             out·(1 − out) (sigmoid), 1 − out² (tanh), f′(net_h1) otherwise
//! delta_h1                     δ = ∂J/∂net         dJ/dout_h1 · dout_h1/dnet_h1
//! dJ/dw1                       ∂J/∂w               Σ_s dJ/dout_h1 · dout_h1/dnet_h1 · x1 (x1: the weight's source)
//! dJ/db1                       ∂J/∂b               Σ_s dJ/dout_h1 · dout_h1/dnet_h1 · 1
//! w1+  b1+                     after one step      the optimizer's first step with g = dJ/dw1
//! ```
//! Units and parameters have the spec's names (nabla's defaults `h1`, `o1`, `w1`, `b1`, or the
//! spec's `names`). In a batch the per-sample quantities carry the sample, from 1: `net_h1[2]`,
//! `dout_h1[2]/dnet_h1[2]`, or as nabla prints them, `net_h1⁽²⁾`. Also accepted, as nabla
//! prints them: `∂J/∂w1` for `dJ/dw1`, `δ_h1` for `delta_h1`, `w1'` for `w1+`.

use std::collections::HashMap;

use nabla_tensor::Activation;

use super::worksheet::{self, numbers, Worksheet};
use super::{Answer, Grading, Rule};
use crate::backprop::names::Names;
use crate::backprop::pass::Pass;
use crate::backprop::spec::{LossName, Spec};
use crate::Result;

/// A unit in one sample: layer, unit, sample (each from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Unit {
    l: usize,
    j: usize,
    s: usize,
}

/// One quantity of the pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Quantity {
    Net(Unit),
    Out(Unit),
    /// ∂J/∂out.
    DOut(Unit),
    /// ∂out/∂net, the activation's local derivative.
    DAct(Unit),
    Delta(Unit),
    Loss,
    /// ∂J/∂w of layer l, row j, column i.
    GradWeight(usize, usize, usize),
    GradBias(usize, usize),
    /// The weight after the optimizer step.
    NewWeight(usize, usize, usize),
    NewBias(usize, usize),
}

/// A spec's pass, as the claims see it.
struct Network<'a> {
    spec: &'a Spec,
    pass: &'a Pass,
    names: &'a Names,
    by_name: HashMap<String, Quantity>,
}

/// Rewrites the spellings nabla prints into the claim names: `∂` → `d`, `δ_` → `delta_`,
/// a trailing `'` → `+`, superscript samples `⁽¹²⁾` → `[12]`, and no whitespace.
fn canonical(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut chars = key.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '∂' => out.push('d'),
            'δ' => {
                out.push_str("delta");
                if chars.peek() != Some(&'_') {
                    out.push('_');
                }
            }
            '⁽' => out.push('['),
            '⁾' => out.push(']'),
            '⁰' => out.push('0'),
            '¹' => out.push('1'),
            '²' => out.push('2'),
            '³' => out.push('3'),
            '⁴'..='⁹' => out.push(char::from(b'4' + (c as u32 - '⁴' as u32) as u8)),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    if let Some(stem) = out.strip_suffix('\'') {
        return format!("{stem}+");
    }
    out
}

impl<'a> Network<'a> {
    fn new(spec: &'a Spec, pass: &'a Pass, names: &'a Names) -> Self {
        let mut network = Self {
            spec,
            pass,
            names,
            by_name: HashMap::new(),
        };
        let mut by_name = HashMap::new();
        for (l, units) in names.units.iter().enumerate() {
            for (j, unit) in units.iter().enumerate() {
                for s in 0..spec.inputs.len() {
                    let u = Unit { l, j, s };
                    for q in [
                        Quantity::Net(u),
                        Quantity::Out(u),
                        Quantity::DOut(u),
                        Quantity::DAct(u),
                        Quantity::Delta(u),
                    ] {
                        by_name.insert(network.name(q), q);
                    }
                    if spec.batched {
                        // dout_h1/dnet_h1[2]: the sample written once.
                        by_name.insert(
                            format!("dout_{unit}/dnet_{unit}[{}]", s + 1),
                            Quantity::DAct(u),
                        );
                    }
                }
            }
        }
        by_name.insert("J".to_string(), Quantity::Loss);
        for (l, layer) in spec.layers.iter().enumerate() {
            for j in 0..layer.units() {
                for i in 0..layer.fan_in() {
                    by_name.insert(
                        network.name(Quantity::GradWeight(l, j, i)),
                        Quantity::GradWeight(l, j, i),
                    );
                    if pass.updated.is_some() {
                        by_name.insert(
                            network.name(Quantity::NewWeight(l, j, i)),
                            Quantity::NewWeight(l, j, i),
                        );
                    }
                }
                by_name.insert(
                    network.name(Quantity::GradBias(l, j)),
                    Quantity::GradBias(l, j),
                );
                if pass.updated.is_some() {
                    by_name.insert(
                        network.name(Quantity::NewBias(l, j)),
                        Quantity::NewBias(l, j),
                    );
                }
            }
        }
        network.by_name = by_name;
        network
    }

    fn last(&self) -> usize {
        self.spec.layers.len() - 1
    }

    /// `[2]` for sample 2 of a batch; nothing for one sample.
    fn sample(&self, s: usize) -> String {
        if self.spec.batched {
            format!("[{}]", s + 1)
        } else {
            String::new()
        }
    }

    fn unit(&self, u: Unit) -> &str {
        &self.names.units[u.l][u.j]
    }

    /// The units feeding layer `l` in sample `s` (empty for the first layer: its sources are
    /// inputs, which no claim changes).
    fn sources(&self, l: usize, s: usize) -> Vec<Quantity> {
        if l == 0 {
            Vec::new()
        } else {
            (0..self.spec.layers[l - 1].units())
                .map(|j| Quantity::Out(Unit { l: l - 1, j, s }))
                .collect()
        }
    }

    /// How source `i` of layer `l` is written in formulas: `x1` or `out_h1[2]`.
    fn source_name(&self, l: usize, i: usize, s: usize) -> String {
        if l == 0 {
            self.names.inputs[i].clone()
        } else {
            format!("out_{}{}", self.names.units[l - 1][i], self.sample(s))
        }
    }

    /// Source `i` of layer `l` in sample `s`: the input, or the factor's value.
    fn source_value(&self, l: usize, i: usize, s: usize, outs: &[f64]) -> f64 {
        if l == 0 {
            self.spec.inputs[s][i]
        } else {
            outs[i]
        }
    }

    /// The count the loss's mean divides by.
    fn mean_count(&self) -> usize {
        match self.spec.loss {
            LossName::CrossEntropy => self.spec.inputs.len(),
            _ => self.spec.inputs.len() * self.spec.targets[0].len(),
        }
    }

    /// The per-sample factors of a parameter gradient: (∂J/∂out, ∂out/∂net[, source]).
    fn gradient_factors(&self, l: usize, j: usize, source: Option<usize>) -> Vec<Quantity> {
        let mut factors = Vec::new();
        for s in 0..self.spec.inputs.len() {
            let u = Unit { l, j, s };
            factors.extend([Quantity::DOut(u), Quantity::DAct(u)]);
            if let (Some(i), true) = (source, l > 0) {
                factors.push(Quantity::Out(Unit { l: l - 1, j: i, s }));
            }
        }
        factors
    }

    /// The loss ℓ of one output (or, for cross-entropy, one sample's logits) on `out`.
    fn loss_term(&self, out: &[f64], y: &[f64]) -> Option<f64> {
        match self.spec.loss {
            LossName::Bce => {
                let (o, y) = (out[0], y[0]);
                if !(0.0..=1.0).contains(&o) {
                    return None;
                }
                Some(-(y * o.ln().max(-100.0) + (1.0 - y) * (1.0 - o).ln().max(-100.0)))
            }
            LossName::BceWithLogits => {
                let (z, y) = (out[0], y[0]);
                Some(z.max(0.0) - z * y + (-z.abs()).exp().ln_1p())
            }
            LossName::Mse => Some((out[0] - y[0]).powi(2)),
            LossName::CrossEntropy => {
                let log_p = log_softmax(out);
                Some(-y.iter().zip(&log_p).map(|(y, lp)| y * lp).sum::<f64>())
            }
        }
    }

    /// ℓ written out in names.
    fn loss_formula(&self, unit: &str, y: &str) -> String {
        match self.spec.loss {
            LossName::Bce => format!("−[{y}·ln out_{unit} + (1 − {y})·ln(1 − out_{unit})]"),
            LossName::BceWithLogits => {
                format!("−[{y}·ln σ(out_{unit}) + (1 − {y})·ln(1 − σ(out_{unit}))]")
            }
            LossName::Mse => format!("(out_{unit} − {y})²"),
            LossName::CrossEntropy => "−Σ_k y_k·ln softmax(out)_k".to_string(),
        }
    }

    /// The optimizer's first step for one parameter `theta` with gradient `g`.
    fn step(&self, theta: f64, g: f64) -> Option<f64> {
        let mut optimizer = self.spec.optimizer.as_ref()?.build::<f64>().ok()?;
        let mut value = [theta];
        optimizer.step(&mut [&mut value[..]], &[&[g][..]]).ok()?;
        Some(value[0])
    }

    fn parameter_name(&self, l: usize, j: usize, i: Option<usize>) -> &str {
        match i {
            Some(i) => &self.names.weights[l][j][i],
            None => &self.names.biases[l][j],
        }
    }

    fn parameter_value(&self, l: usize, j: usize, i: Option<usize>) -> f64 {
        let layer = &self.spec.layers[l];
        i.map_or(layer.bias[j], |i| layer.weight[j][i])
    }

    /// `θ − lr·dJ/dθ` or the optimizer named, for the update's formula.
    fn update_formula(&self, l: usize, j: usize, i: Option<usize>) -> String {
        let p = self.parameter_name(l, j, i);
        let Some(config) = &self.spec.optimizer else {
            return String::new();
        };
        match config {
            nabla_nn::optim::OptimizerConfig::Sgd(c) if c.weight_decay == 0.0 => {
                format!("{p} − lr·dJ/d{p}")
            }
            nabla_nn::optim::OptimizerConfig::Sgd(_) => {
                format!("{p} − lr·(dJ/d{p} + weight_decay·{p})")
            }
            other => format!("{p} after one {} step with g = dJ/d{p}", other.name()),
        }
    }

    fn update_substitute(&self, l: usize, j: usize, i: Option<usize>, g: f64) -> String {
        let theta = self.parameter_value(l, j, i);
        let Some(config) = &self.spec.optimizer else {
            return String::new();
        };
        match config {
            nabla_nn::optim::OptimizerConfig::Sgd(c) if c.weight_decay == 0.0 => format!(
                "{} − {} × {}",
                super::show(theta),
                super::show(c.lr),
                super::show_in_product(g)
            ),
            nabla_nn::optim::OptimizerConfig::Sgd(c) => format!(
                "{} − {} × ({} + {} × {})",
                super::show(theta),
                super::show(c.lr),
                super::show(g),
                super::show(c.weight_decay),
                super::show_in_product(theta)
            ),
            other => format!(
                "{}({} = {}, g = {})",
                other.name(),
                self.parameter_name(l, j, i),
                super::show(theta),
                super::show(g)
            ),
        }
    }
}

/// `log softmax(z)`, stably.
fn log_softmax(z: &[f64]) -> Vec<f64> {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let log_sum = z.iter().map(|v| (v - max).exp()).sum::<f64>().ln() + max;
    z.iter().map(|v| v - log_sum).collect()
}

/// The symbol of an activation in formulas.
fn symbol(a: Activation) -> String {
    match a {
        Activation::Sigmoid => "σ".to_string(),
        other => other.name().to_string(),
    }
}

impl Worksheet for Network<'_> {
    type Quantity = Quantity;

    fn lookup(&self, key: &str) -> Option<Quantity> {
        let key = canonical(key);
        if let Some(q) = self.by_name.get(&key) {
            return Some(*q);
        }
        // One sample: `net_h1[1]` is `net_h1`.
        if !self.spec.batched {
            return self.by_name.get(&key.replace("[1]", "")).copied();
        }
        None
    }

    fn known_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.by_name.keys().cloned().collect();
        names.sort();
        names
    }

    fn name(&self, q: Quantity) -> String {
        let unit = |u: Unit| (self.unit(u).to_string(), self.sample(u.s));
        match q {
            Quantity::Net(u) => format!("net_{}{}", unit(u).0, unit(u).1),
            Quantity::Out(u) => format!("out_{}{}", unit(u).0, unit(u).1),
            Quantity::DOut(u) => format!("dJ/dout_{}{}", unit(u).0, unit(u).1),
            Quantity::DAct(u) => {
                let (n, s) = unit(u);
                format!("dout_{n}{s}/dnet_{n}{s}")
            }
            Quantity::Delta(u) => format!("delta_{}{}", unit(u).0, unit(u).1),
            Quantity::Loss => "J".to_string(),
            Quantity::GradWeight(l, j, i) => format!("dJ/d{}", self.names.weights[l][j][i]),
            Quantity::GradBias(l, j) => format!("dJ/d{}", self.names.biases[l][j]),
            Quantity::NewWeight(l, j, i) => format!("{}+", self.names.weights[l][j][i]),
            Quantity::NewBias(l, j) => format!("{}+", self.names.biases[l][j]),
        }
    }

    fn factors(&self, q: Quantity) -> Vec<Quantity> {
        match q {
            Quantity::Net(u) => self.sources(u.l, u.s),
            Quantity::Out(u) => vec![Quantity::Net(u)],
            Quantity::DAct(u) => match self.spec.layers[u.l].activation {
                Activation::Identity => Vec::new(),
                Activation::Sigmoid | Activation::Tanh => vec![Quantity::Out(u)],
                _ => vec![Quantity::Net(u)],
            },
            Quantity::Delta(u) => vec![Quantity::DOut(u), Quantity::DAct(u)],
            Quantity::DOut(u) if u.l == self.last() => match self.spec.loss {
                LossName::CrossEntropy => (0..self.spec.layers[u.l].units())
                    .map(|j| Quantity::Out(Unit { j, ..u }))
                    .collect(),
                _ => vec![Quantity::Out(u)],
            },
            Quantity::DOut(u) => (0..self.spec.layers[u.l + 1].units())
                .map(|k| {
                    Quantity::Delta(Unit {
                        l: u.l + 1,
                        j: k,
                        s: u.s,
                    })
                })
                .collect(),
            Quantity::Loss => {
                let last = self.last();
                (0..self.spec.inputs.len())
                    .flat_map(|s| {
                        (0..self.spec.layers[last].units())
                            .map(move |j| Quantity::Out(Unit { l: last, j, s }))
                    })
                    .collect()
            }
            Quantity::GradWeight(l, j, i) => self.gradient_factors(l, j, Some(i)),
            Quantity::GradBias(l, j) => self.gradient_factors(l, j, None),
            Quantity::NewWeight(l, j, i) => vec![Quantity::GradWeight(l, j, i)],
            Quantity::NewBias(l, j) => vec![Quantity::GradBias(l, j)],
        }
    }

    fn truth(&self, q: Quantity) -> Option<Answer> {
        let p = &self.pass.layers;
        let v = match q {
            Quantity::Net(u) => p[u.l].net[u.s][u.j],
            Quantity::Out(u) => p[u.l].out[u.s][u.j],
            Quantity::DOut(u) => p[u.l].d_out[u.s][u.j],
            Quantity::DAct(u) => p[u.l].d_act[u.s][u.j],
            Quantity::Delta(u) => p[u.l].delta[u.s][u.j],
            Quantity::Loss => self.pass.loss,
            Quantity::GradWeight(l, j, i) => p[l].grad_weight[j][i],
            Quantity::GradBias(l, j) => p[l].grad_bias[j],
            Quantity::NewWeight(l, j, i) => self.pass.updated.as_ref()?[l].weight[j][i],
            Quantity::NewBias(l, j) => self.pass.updated.as_ref()?[l].bias[j],
        };
        v.is_finite().then_some(Answer::Number(v))
    }

    fn evaluate(&self, q: Quantity, factors: &[Answer]) -> Option<Answer> {
        let v = numbers(factors)?;
        let n = self.mean_count() as f64;
        let number = match q {
            Quantity::Net(u) => {
                let layer = &self.spec.layers[u.l];
                (0..layer.fan_in())
                    .map(|i| layer.weight[u.j][i] * self.source_value(u.l, i, u.s, &v))
                    .sum::<f64>()
                    + layer.bias[u.j]
            }
            Quantity::Out(u) => self.spec.layers[u.l].activation.value(v[0]),
            Quantity::DAct(u) => match self.spec.layers[u.l].activation {
                Activation::Identity => 1.0,
                Activation::Sigmoid => v[0] * (1.0 - v[0]),
                Activation::Tanh => 1.0 - v[0] * v[0],
                a => a.derivative(v[0]),
            },
            Quantity::Delta(_) => v[0] * v[1],
            Quantity::DOut(u) if u.l == self.last() => {
                let y = &self.spec.targets[u.s];
                match self.spec.loss {
                    LossName::Bce => (v[0] - y[u.j]) / (v[0] * (1.0 - v[0])) / n,
                    LossName::BceWithLogits => (Activation::Sigmoid.value(v[0]) - y[u.j]) / n,
                    LossName::Mse => 2.0 * (v[0] - y[u.j]) / n,
                    LossName::CrossEntropy => {
                        let p = log_softmax(&v)[u.j].exp();
                        (p * y.iter().sum::<f64>() - y[u.j]) / n
                    }
                }
            }
            Quantity::DOut(u) => {
                let next = &self.spec.layers[u.l + 1];
                v.iter()
                    .enumerate()
                    .map(|(k, d)| d * next.weight[k][u.j])
                    .sum()
            }
            Quantity::Loss => {
                let outputs = self.spec.targets[0].len();
                let mut total = 0.0;
                for (s, out) in v.chunks(outputs).enumerate() {
                    let y = &self.spec.targets[s];
                    if self.spec.loss == LossName::CrossEntropy {
                        total += self.loss_term(out, y)?;
                    } else {
                        for k in 0..outputs {
                            total += self.loss_term(&out[k..=k], &y[k..=k])?;
                        }
                    }
                }
                total / n
            }
            Quantity::GradWeight(l, _, i) => {
                let per = if l == 0 { 2 } else { 3 };
                v.chunks(per)
                    .enumerate()
                    .map(|(s, f)| {
                        let source = if l == 0 { self.spec.inputs[s][i] } else { f[2] };
                        f[0] * f[1] * source
                    })
                    .sum()
            }
            Quantity::GradBias(..) => v.chunks(2).map(|f| f[0] * f[1]).sum(),
            Quantity::NewWeight(l, j, i) => self.step(self.spec.layers[l].weight[j][i], v[0])?,
            Quantity::NewBias(l, j) => self.step(self.spec.layers[l].bias[j], v[0])?,
        };
        Some(Answer::Number(number))
    }

    fn formula(&self, q: Quantity) -> String {
        match q {
            Quantity::Net(u) => {
                let mut terms: Vec<String> = (0..self.spec.layers[u.l].fan_in())
                    .map(|i| {
                        format!(
                            "{}·{}",
                            self.names.weights[u.l][u.j][i],
                            self.source_name(u.l, i, u.s)
                        )
                    })
                    .collect();
                terms.push(self.names.biases[u.l][u.j].clone());
                terms.join(" + ")
            }
            Quantity::Out(u) => {
                let a = self.spec.layers[u.l].activation;
                let net = self.name(Quantity::Net(u));
                if a == Activation::Identity {
                    net
                } else {
                    format!("{}({net})", symbol(a))
                }
            }
            Quantity::DAct(u) => {
                let out = self.name(Quantity::Out(u));
                let net = self.name(Quantity::Net(u));
                match self.spec.layers[u.l].activation {
                    Activation::Identity => "1".to_string(),
                    Activation::Sigmoid => format!("{out}·(1 − {out})"),
                    Activation::Tanh => format!("1 − {out}²"),
                    a => format!("{}′({net})", symbol(a)),
                }
            }
            Quantity::Delta(u) => format!(
                "{} · {}",
                self.name(Quantity::DOut(u)),
                self.name(Quantity::DAct(u))
            ),
            Quantity::DOut(u) if u.l == self.last() => {
                let out = self.name(Quantity::Out(u));
                let y = &self.names.targets[u.j];
                let n = self.mean_count();
                match self.spec.loss {
                    LossName::Bce => format!("({out} − {y}) / ({out}·(1 − {out})) / {n}"),
                    LossName::BceWithLogits => format!("(σ({out}) − {y}) / {n}"),
                    LossName::Mse => format!("2·({out} − {y}) / {n}"),
                    LossName::CrossEntropy => {
                        let outs: Vec<String> =
                            self.factors(q).into_iter().map(|f| self.name(f)).collect();
                        format!("(softmax({})_{}·Σy − {y}) / {n}", outs.join(", "), u.j + 1)
                    }
                }
            }
            Quantity::DOut(u) => (0..self.spec.layers[u.l + 1].units())
                .map(|k| {
                    format!(
                        "{}·{}",
                        self.name(Quantity::Delta(Unit {
                            l: u.l + 1,
                            j: k,
                            s: u.s
                        })),
                        self.names.weights[u.l + 1][k][u.j]
                    )
                })
                .collect::<Vec<_>>()
                .join(" + "),
            Quantity::Loss => {
                let last = self.last();
                let terms = self.mean_count();
                if terms == 1 && self.spec.loss != LossName::CrossEntropy {
                    self.loss_formula(&self.names.units[last][0], &self.names.targets[0])
                } else {
                    format!("(1/{terms})·Σ ℓ,  ℓ = {}", self.loss_formula("o", "y"))
                }
            }
            Quantity::GradWeight(l, j, i) => {
                let u = Unit { l, j, s: 0 };
                let source = if l == 0 {
                    self.names.inputs[i].clone()
                } else {
                    format!("out_{}", self.names.units[l - 1][i])
                };
                self.product_formula(u, &source)
            }
            Quantity::GradBias(l, j) => self.product_formula(Unit { l, j, s: 0 }, "1"),
            Quantity::NewWeight(l, j, i) => self.update_formula(l, j, Some(i)),
            Quantity::NewBias(l, j) => self.update_formula(l, j, None),
        }
    }

    fn substitute(&self, q: Quantity, factors: &[Answer]) -> String {
        let Some(v) = numbers(factors) else {
            return String::new();
        };
        let s = super::show_in_product;
        match q {
            Quantity::Net(u) => {
                let layer = &self.spec.layers[u.l];
                let mut terms: Vec<String> = (0..layer.fan_in())
                    .map(|i| {
                        format!(
                            "{} × {}",
                            s(layer.weight[u.j][i]),
                            s(self.source_value(u.l, i, u.s, &v))
                        )
                    })
                    .collect();
                terms.push(s(layer.bias[u.j]));
                terms.join(" + ")
            }
            Quantity::Out(u) => {
                let a = self.spec.layers[u.l].activation;
                if a == Activation::Identity {
                    super::show(v[0])
                } else {
                    format!("{}({})", symbol(a), super::show(v[0]))
                }
            }
            Quantity::DAct(u) => match self.spec.layers[u.l].activation {
                Activation::Identity => "1".to_string(),
                Activation::Sigmoid => format!("{} × (1 − {})", s(v[0]), s(v[0])),
                Activation::Tanh => format!("1 − {}²", s(v[0])),
                a => format!("{}′({})", symbol(a), super::show(v[0])),
            },
            Quantity::Delta(_) => format!("{} × {}", s(v[0]), s(v[1])),
            Quantity::DOut(u) if u.l == self.last() => {
                let y = self.spec.targets[u.s][u.j];
                let n = self.mean_count();
                match self.spec.loss {
                    LossName::Bce => format!(
                        "({} − {}) / ({} × (1 − {})) / {n}",
                        s(v[0]),
                        s(y),
                        s(v[0]),
                        s(v[0])
                    ),
                    LossName::BceWithLogits => {
                        format!("(σ({}) − {}) / {n}", super::show(v[0]), s(y))
                    }
                    LossName::Mse => format!("2 × ({} − {}) / {n}", s(v[0]), s(y)),
                    LossName::CrossEntropy => {
                        let outs: Vec<String> = v.iter().map(|&x| super::show(x)).collect();
                        let sum_y: f64 = self.spec.targets[u.s].iter().sum();
                        format!(
                            "(softmax({})_{} × {} − {}) / {n}",
                            outs.join(", "),
                            u.j + 1,
                            s(sum_y),
                            s(y)
                        )
                    }
                }
            }
            Quantity::DOut(u) => {
                let next = &self.spec.layers[u.l + 1];
                v.iter()
                    .enumerate()
                    .map(|(k, d)| format!("{} × {}", s(*d), s(next.weight[k][u.j])))
                    .collect::<Vec<_>>()
                    .join(" + ")
            }
            Quantity::Loss => {
                let outputs = self.spec.targets[0].len();
                let terms = self.mean_count();
                let mut parts = Vec::new();
                for (sample, out) in v.chunks(outputs).enumerate() {
                    let y = &self.spec.targets[sample];
                    if self.spec.loss == LossName::CrossEntropy {
                        let zs: Vec<String> = out.iter().map(|&z| super::show(z)).collect();
                        let ys: Vec<String> = y.iter().map(|&t| super::show(t)).collect();
                        parts.push(format!("ℓ(({}), ({}))", zs.join(", "), ys.join(", ")));
                    } else {
                        for (o, t) in out.iter().zip(y) {
                            parts.push(self.loss_numbers(*o, *t));
                        }
                    }
                }
                if terms == 1 && self.spec.loss != LossName::CrossEntropy {
                    parts.remove(0)
                } else {
                    format!("(1/{terms})·({})", worksheet::written_sum(parts))
                }
            }
            Quantity::GradWeight(l, _, i) => {
                let per = if l == 0 { 2 } else { 3 };
                worksheet::written_sum(v.chunks(per).enumerate().map(|(sample, f)| {
                    let source = if l == 0 {
                        self.spec.inputs[sample][i]
                    } else {
                        f[2]
                    };
                    format!("{} × {} × {}", s(f[0]), s(f[1]), s(source))
                }))
            }
            Quantity::GradBias(..) => worksheet::written_sum(
                v.chunks(2)
                    .map(|f| format!("{} × {} × 1", s(f[0]), s(f[1]))),
            ),
            Quantity::NewWeight(l, j, i) => self.update_substitute(l, j, Some(i), v[0]),
            Quantity::NewBias(l, j) => self.update_substitute(l, j, None, v[0]),
        }
    }

    fn show(&self, value: &Answer) -> String {
        match value {
            Answer::Number(v) => super::show(*v),
            Answer::Verdict(v) => v.clone(),
        }
    }
}

impl Network<'_> {
    /// `dJ/dout_h1 · dout_h1/dnet_h1 · x1`, summed over the samples of a batch.
    fn product_formula(&self, u: Unit, source: &str) -> String {
        let unit = self.unit(u);
        let s = if self.spec.batched { "[s]" } else { "" };
        let source = if source.starts_with("out_") && self.spec.batched {
            format!("{source}[s]")
        } else {
            source.to_string()
        };
        let lead = if self.spec.batched { "Σ_s " } else { "" };
        format!("{lead}dJ/dout_{unit}{s} · dout_{unit}{s}/dnet_{unit}{s} · {source}")
    }

    /// One loss term with its numbers: `−[1 × ln 0.29 + (1 − 1) × ln(1 − 0.29)]`.
    fn loss_numbers(&self, o: f64, y: f64) -> String {
        let (o_, y_) = (super::show(o), super::show_in_product(y));
        match self.spec.loss {
            LossName::Bce => format!("−[{y_} × ln {o_} + (1 − {y_}) × ln(1 − {o_})]"),
            LossName::BceWithLogits => {
                format!("−[{y_} × ln σ({o_}) + (1 − {y_}) × ln(1 − σ({o_}))]")
            }
            _ => format!("({o_} − {y_})²"),
        }
    }
}

/// Grades the claims file `text` against a worked pass: `pass` is `spec` run by
/// [`Pass::run`], `names` its units' and parameters' names.
///
/// # Errors
/// [`crate::Error::ClaimsSyntax`] or [`crate::Error::ClaimsNotObject`] for an unreadable
/// file; [`crate::Error::UnknownClaim`] for a name this network lacks (with the closest known
/// names); [`crate::Error::Claim`] for a value that is not a number, a key given twice (or two
/// keys naming one quantity), or `w1+` without an optimizer.
pub fn grade(text: &str, spec: &Spec, pass: &Pass, names: &Names, rule: Rule) -> Result<Grading> {
    worksheet::grade(&Network::new(spec, pass, names), text, rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_spellings_become_claim_names() {
        assert_eq!(canonical("∂J/∂w5"), "dJ/dw5");
        assert_eq!(canonical("δ_h1"), "delta_h1");
        assert_eq!(canonical("δh1"), "delta_h1");
        assert_eq!(canonical("w5'"), "w5+");
        assert_eq!(canonical("net_h1⁽²⁾"), "net_h1[2]");
        assert_eq!(canonical("net_h1⁽¹⁰⁾"), "net_h1[10]");
        assert_eq!(canonical("∂out_h1⁽⁴⁾/∂net_h1⁽⁹⁾"), "dout_h1[4]/dnet_h1[9]");
        assert_eq!(canonical(" dJ / dw5 "), "dJ/dw5");
    }
}

#[cfg(test)]
mod reference_tests {
    use super::*;
    use crate::backprop::{pass, spec};
    use crate::claims::Grade;

    const REFERENCE: &str = r#"{"input": [0.5, 1.0], "target": [1.0], "loss": "bce",
        "layers": [{"weight": [[1, 1], [-1, -1]], "bias": [1, 2], "activation": "sigmoid"},
                   {"weight": [[0.8, -1]], "bias": [-1], "activation": "sigmoid"}],
        "optimizer": {"name": "sgd", "lr": 0.1}}"#;

    fn graded(spec_text: &str, claims: &str) -> Result<Grading> {
        let spec = spec::parse(spec_text).unwrap();
        let pass = pass::run(&spec, false).unwrap();
        let names = Names::new(&spec);
        grade(claims, &spec, &pass, &names, Rule::LastDigit)
    }

    fn marks(claims: &str) -> Vec<Grade> {
        graded(REFERENCE, claims)
            .unwrap()
            .claims
            .iter()
            .map(|c| c.grade)
            .collect()
    }

    #[test]
    fn an_error_is_carried_forward_through_the_chain_rule() {
        let grading = graded(
            REFERENCE,
            r#"{"net_h1": 2.5, "net_h2": -1, "out_h2": 0.269, "out_h1": 0.924}"#,
        )
        .unwrap();
        let got: Vec<Grade> = grading.claims.iter().map(|c| c.grade).collect();
        assert_eq!(
            got,
            [Grade::Correct, Grade::Wrong, Grade::Carried, Grade::Correct]
        );
        let out_h2 = &grading.claims[2];
        assert_eq!(
            out_h2.from_claims,
            Some(Answer::Number(Activation::Sigmoid.value(-1.0)))
        );
        assert!(
            out_h2
                .explanation
                .starts_with("out_h2 = σ(net_h2) = σ(0.5) = 0.622459"),
            "{}",
            out_h2.explanation
        );
        assert!(
            out_h2.explanation.contains("σ(-1) = 0.268941"),
            "{}",
            out_h2.explanation
        );
        // First-layer net inputs depend on no claim.
        assert_eq!(grading.claims[0].from_claims, None);
    }

    #[test]
    fn gradients_use_the_claimed_factors_of_their_chain_rule_product() {
        // The true values: out_o1 = 0.292526, dJ/dout_o1 = −3.418496,
        // dout_o1/dnet_o1 = 0.206954, dJ/dw5 = −0.653806, dJ/db3 = −0.707474.
        assert_eq!(
            marks(
                r#"{"out_o1": 0.2925, "dJ/dout_o1": -3.418, "dout_o1/dnet_o1": 0.2070, "dJ/db3": -0.7075, "dJ/dw5": -0.6538}"#
            ),
            [Grade::Correct; 5]
        );
        // A wrong ∂J/∂out carries into δ, ∂J/∂b3, ∂J/∂w5, and into the hidden layer.
        let grading = graded(
            REFERENCE,
            r#"{"dJ/dout_o1": -3.0, "delta_o1": -0.62, "dJ/db3": -0.62, "dJ/dw5": -0.574,
                "dJ/dout_h1": -0.497, "b3+": -0.938}"#,
        )
        .unwrap();
        let got: Vec<Grade> = grading.claims.iter().map(|c| c.grade).collect();
        assert_eq!(
            got,
            [
                Grade::Wrong,
                Grade::Carried,
                Grade::Carried,
                Grade::Carried,
                Grade::Carried,
                Grade::Carried
            ]
        );
        // dJ/dout_h1 = delta_o1 · w5 takes the claimed delta: −0.62 × 0.8 = −0.496.
        assert_eq!(
            grading.claims[4].from_claims,
            Some(Answer::Number(-0.62 * 0.8))
        );
        // b3+ = b3 − lr·dJ/db3 = −1 − 0.1 × (−0.62).
        assert_eq!(
            grading.claims[5].from_claims,
            Some(Answer::Number(-1.0 - 0.1 * -0.62))
        );
    }

    #[test]
    fn nabla_printed_spellings_and_renamed_units_are_accepted() {
        assert_eq!(
            marks(r#"{"∂J/∂w5": -0.654, "δ_o1": -0.707, "w5'": 0.865}"#),
            [Grade::Correct; 3]
        );
        let err = graded(REFERENCE, r#"{"net_h3": 1}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("net_h3: unknown quantity (closest known names: net_h1, net_h2"),
            "{err}"
        );
        let no_step = REFERENCE
            .replace(r#""name": "sgd", "lr": 0.1"#, "")
            .replace(r#""optimizer": {}"#, r#""optimizer": null"#);
        let err = graded(&no_step, r#"{"w5+": 1}"#).unwrap_err().to_string();
        assert!(err.starts_with("w5+: unknown quantity"), "{err}");
    }

    #[test]
    fn a_spec_can_rename_units_and_parameters() {
        let renamed = REFERENCE.replace(
            r#""loss": "bce","#,
            r#""loss": "bce", "names": {"units": [["h1", "h2"], ["y"]],
                "weights": [[["w1", "w3"], ["w2", "w4"]], [["w5", "w6"]]], "biases": [["b1", "b2"], ["b3"]]},"#,
        );
        // w3 now feeds h1 from x2 (the default calls it w2): dJ/dw3 = δ_h1·x2 = −0.039677.
        let grading = graded(
            &renamed,
            r#"{"out_y": 0.2925, "dJ/dw3": -0.0397, "net_y": -0.883}"#,
        )
        .unwrap();
        assert!(grading.all_correct(), "{grading:?}");
        let err = graded(&renamed, r#"{"out_o1": 0.29}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("out_o1: unknown quantity (closest") && err.contains("out_y"),
            "{err}"
        );
        let twice = renamed.replace(r#"["w5", "w6"]"#, r#"["w5", "w1"]"#);
        let err = spec::parse(&twice).unwrap_err().to_string();
        assert_eq!(
            err,
            "names: w1 names two things (every name must be unique)"
        );
        let short = renamed.replace(r#"["y"]"#, r#"[]"#);
        let err = spec::parse(&short).unwrap_err().to_string();
        assert!(
            err.starts_with("names.units[1]: expected an array of 1 names"),
            "{err}"
        );
        let odd = renamed.replace(r#"["y"]"#, r#"["y+"]"#);
        let err = spec::parse(&odd).unwrap_err().to_string();
        assert!(
            err.starts_with("names.units[1][0]: expected a name"),
            "{err}"
        );
    }

    #[test]
    fn batch_samples_are_named_from_one_in_either_spelling() {
        let batch = REFERENCE
            .replace(
                r#""input": [0.5, 1.0]"#,
                r#""inputs": [[0.5, 1.0], [1.0, -1.0]]"#,
            )
            .replace(r#""target": [1.0]"#, r#""targets": [[1.0], [0.0]]"#);
        let spec = spec::parse(&batch).unwrap();
        let pass = pass::run(&spec, false).unwrap();
        let net = pass.layers[0].net[1][0];
        let claims = format!(
            r#"{{"net_h1[2]": {net}, "out_h1⁽²⁾": {}}}"#,
            pass.layers[0].out[1][0]
        );
        let grading = grade(&claims, &spec, &pass, &Names::new(&spec), Rule::LastDigit).unwrap();
        assert!(grading.all_correct());
        let err = graded(&batch, r#"{"net_h1": 1}"#).unwrap_err().to_string();
        assert!(err.contains("net_h1[1]"), "{err}");
        let err = graded(&batch, r#"{"net_h1[2]": 1, "net_h1⁽²⁾": 1}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("net_h1⁽²⁾: names the same quantity as net_h1[2]"),
            "{err}"
        );
    }
}
