//! One forward and backward pass of a spec on nabla's autodiff tape, the optimizer step after
//! it, and the gradient check — every number the renderers print comes from here.
//!
//! The network is recorded exactly as training records it: per layer `net = x·Wᵀ + b`
//! ([`Var::linear`]) and `out = f(net)` ([`Var::activation`]), with each weight and bias a named
//! parameter (`layers[0].weight`), then the loss node ([`Var::loss`], PyTorch's default mean
//! reduction). Values are read back with [`Var::value`] and gradients from the tape's
//! [`Gradients`]: `∂J/∂net` (the delta), `∂J/∂out`, `∂J/∂W`, `∂J/∂b`. Evaluated beside the
//! tape, by the same library code: the activation's local derivative `f'(net)` shown as a
//! chain-rule factor ([`nabla_tensor::Activation::derivative`]), the unreduced loss terms (the
//! same loss node with `Reduction::None`) and, for cross-entropy, the softmax of the logits.

use nabla_nn::optim::Optimizer;
use nabla_tensor::grad_check::{check_gradients, GradCheck};
use nabla_tensor::loss::Reduction;
use nabla_tensor::{Gradients, LossKind, Tape, Tensor, Var};

use super::spec::{LossName, Spec};
use crate::{Error, Result};

/// The relative step of the gradient check's central differences.
pub const CHECK_STEP: f64 = 1e-6;

/// One layer's forward values and gradients, each `[samples][units]` unless noted.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerPass {
    /// Net input `x·Wᵀ + b`.
    pub net: Vec<Vec<f64>>,
    /// Output `f(net)`.
    pub out: Vec<Vec<f64>>,
    /// `∂J/∂out`, from the tape.
    pub d_out: Vec<Vec<f64>>,
    /// `f'(net)`, the activation's local derivative.
    pub d_act: Vec<Vec<f64>>,
    /// `δ = ∂J/∂net`, from the tape.
    pub delta: Vec<Vec<f64>>,
    /// `∂J/∂W`, `[units][inputs]`, from the tape.
    pub grad_weight: Vec<Vec<f64>>,
    /// `∂J/∂b`, `[units]`, from the tape.
    pub grad_bias: Vec<f64>,
}

/// One layer's parameters (after the optimizer step).
#[derive(Clone, Debug, PartialEq)]
pub struct LayerParams {
    /// `[units][inputs]`.
    pub weight: Vec<Vec<f64>>,
    /// `[units]`.
    pub bias: Vec<f64>,
}

/// One node of the recorded tape, as `--tape` lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct TapeNode {
    /// The node's position on the tape.
    pub index: usize,
    /// The operation's name (`leaf`, `linear`, `sigmoid`, `bce`, ...).
    pub op: String,
    /// The positions of its inputs.
    pub inputs: Vec<usize>,
    /// Its label (`layers[0].weight`, `layers[1].net`, `input`, ...).
    pub label: Option<String>,
    /// The shape of its value.
    pub shape: Vec<usize>,
    /// Its forward value, row-major.
    pub value: Vec<f64>,
    /// `∂J/∂node`, when a gradient reached it.
    pub grad: Option<Vec<f64>>,
}

/// Everything one run computes.
#[derive(Clone, Debug)]
pub struct Pass {
    /// Per layer.
    pub layers: Vec<LayerPass>,
    /// The loss `J`.
    pub loss: f64,
    /// Each sample's (or element's) unreduced loss: `[samples][outputs]` for mse and the BCEs,
    /// `[samples][1]` for cross-entropy.
    pub terms: Vec<Vec<f64>>,
    /// The tape's loss kind (index targets when every cross-entropy target row is one-hot).
    pub kind: LossKind,
    /// For cross-entropy: the softmax of the logits, `[samples][classes]`.
    pub softmax: Option<Vec<Vec<f64>>>,
    /// The weights and biases after one optimizer step, when the spec has an optimizer.
    pub updated: Option<Vec<LayerParams>>,
    /// The gradient check, when asked for.
    pub check: Option<GradCheck>,
    /// Every node of the tape, in recording order.
    pub tape: Vec<TapeNode>,
}

/// The tape's loss for a spec: cross-entropy uses class indices when every target row is
/// exactly one-hot (PyTorch's usual call) and soft targets otherwise; the gradients agree.
pub fn loss_kind(spec: &Spec) -> LossKind {
    match spec.loss {
        LossName::Bce => LossKind::Bce,
        LossName::BceWithLogits => LossKind::BceWithLogits,
        LossName::Mse => LossKind::Mse,
        LossName::CrossEntropy => {
            if spec.targets.iter().all(|row| one_hot(row).is_some()) {
                LossKind::CrossEntropyIndices
            } else {
                LossKind::CrossEntropySoft
            }
        }
    }
}

/// The class of a one-hot row (one 1, every other entry 0).
pub fn one_hot(row: &[f64]) -> Option<usize> {
    let ones = row.iter().filter(|&&v| v == 1.0).count();
    let zeros = row.iter().filter(|&&v| v == 0.0).count();
    (ones == 1 && zeros + 1 == row.len()).then(|| row.iter().position(|&v| v == 1.0))?
}

fn matrix(rows: &[Vec<f64>]) -> Result<Tensor<f64>> {
    let width = rows.first().map_or(0, Vec::len);
    let flat: Vec<f64> = rows.iter().flatten().copied().collect();
    Ok(Tensor::from_vec(flat, &[rows.len(), width])?)
}

fn rows_of(t: &Tensor<f64>, width: usize) -> Vec<Vec<f64>> {
    t.to_f64_vec()
        .chunks(width.max(1))
        .map(<[f64]>::to_vec)
        .collect()
}

/// The recorded network: per layer (net, out), and the loss.
struct Recorded<'t> {
    layers: Vec<(Var<'t, f64>, Var<'t, f64>)>,
    loss: Var<'t, f64>,
    /// The input and target constants.
    data: [Var<'t, f64>; 2],
}

/// Records the spec's forward pass on `tape` with `params` = [W₀, b₀, W₁, b₁, ...].
fn record<'t>(
    tape: &'t Tape<f64>,
    spec: &Spec,
    kind: LossKind,
    params: &[Var<'t, f64>],
    reduction: Reduction,
) -> nabla_tensor::Result<Recorded<'t>> {
    let width = spec.inputs[0].len();
    let flat: Vec<f64> = spec.inputs.iter().flatten().copied().collect();
    let input = tape.constant(Tensor::from_vec(flat, &[spec.inputs.len(), width])?);
    tape.set_label(input, "input");
    let mut h = input;
    let mut layers = Vec::with_capacity(spec.layers.len());
    for (l, layer) in spec.layers.iter().enumerate() {
        let net = h.linear(params[2 * l], Some(params[2 * l + 1]))?;
        let out = net.activation(layer.activation);
        tape.set_label(net, format!("layers[{l}].net"));
        tape.set_label(out, format!("layers[{l}].out"));
        layers.push((net, out));
        h = out;
    }
    let target = match kind {
        LossKind::CrossEntropyIndices => {
            let classes: Vec<f64> = spec
                .targets
                .iter()
                .map(|row| one_hot(row).map_or(0.0, |c| c as f64))
                .collect();
            Tensor::from_vec(classes, &[spec.targets.len()])?
        }
        _ => {
            let flat: Vec<f64> = spec.targets.iter().flatten().copied().collect();
            Tensor::from_vec(flat, &[spec.targets.len(), spec.targets[0].len()])?
        }
    };
    let target = tape.constant(target);
    tape.set_label(target, "target");
    let loss = h.loss(target, kind, reduction)?;
    Ok(Recorded {
        layers,
        loss,
        data: [input, target],
    })
}

fn grad_rows(grads: &Gradients<f64>, var: Var<'_, f64>, width: usize) -> Vec<Vec<f64>> {
    match grads.get(var) {
        Some(g) => rows_of(g, width),
        None => rows_of(&Tensor::zeros(&var.shape()), width),
    }
}

/// Explains a loss the tape refused (BCE outputs outside [0, 1]) in terms of the spec.
fn loss_error(spec: &Spec, err: nabla_tensor::Error) -> Error {
    let message = match (spec.loss, &err) {
        (LossName::Bce, nabla_tensor::Error::InvalidInput { index, value, .. }) => {
            let units = spec.targets[0].len();
            format!(
                "bce needs outputs in [0, 1], but output {} of sample {} is {value}; \
                 use a sigmoid output layer, or bce_with_logits on a linear one",
                index % units + 1,
                index / units + 1
            )
        }
        _ => err.to_string(),
    };
    Error::Spec {
        field: "loss".to_string(),
        message,
    }
}

/// The optimizer of a spec refused its hyperparameters or its step.
fn optimizer_error(err: nabla_nn::Error) -> Error {
    Error::Spec {
        field: "optimizer".to_string(),
        message: err.to_string(),
    }
}

/// Runs the spec: forward, backward, the optimizer step (if any) and the gradient check (if
/// `check`).
///
/// # Errors
/// [`Error::Spec`] naming `loss` for a BCE output outside [0, 1], or `optimizer` for an
/// optimizer that refuses its step.
pub fn run(spec: &Spec, check: bool) -> Result<Pass> {
    let kind = loss_kind(spec);
    let tape = Tape::<f64>::new();
    let mut params = Vec::with_capacity(2 * spec.layers.len());
    for (l, layer) in spec.layers.iter().enumerate() {
        params.push(tape.param_named(matrix(&layer.weight)?, format!("layers[{l}].weight")));
        let bias = Tensor::from_vec(layer.bias.clone(), &[layer.bias.len()])?;
        params.push(tape.param_named(bias, format!("layers[{l}].bias")));
    }
    let recorded =
        record(&tape, spec, kind, &params, Reduction::Mean).map_err(|e| loss_error(spec, e))?;
    let grads = tape.backward(recorded.loss)?;
    let loss = recorded.loss.value().item()?;
    tape.set_label(recorded.loss, "J");
    let mut listing = tape
        .nodes()
        .iter()
        .enumerate()
        .map(|(index, node)| TapeNode {
            index,
            op: node.op.name().to_string(),
            inputs: node.op.inputs().iter().map(|id| id.index()).collect(),
            label: node.label.clone(),
            shape: node.value.shape().to_vec(),
            value: node.value.to_f64_vec(),
            grad: None,
        })
        .collect::<Vec<_>>();
    // Every node was recorded through a handle held here: read each one's gradient by it.
    let handles = params
        .iter()
        .chain(&recorded.data)
        .chain(recorded.layers.iter().flat_map(|(net, out)| [net, out]))
        .chain([&recorded.loss]);
    for var in handles {
        if let Some(node) = listing.get_mut(var.id().index()) {
            node.grad = grads.get(*var).map(Tensor::to_f64_vec);
        }
    }

    let mut layers = Vec::with_capacity(spec.layers.len());
    for (l, (layer, &(net, out))) in spec.layers.iter().zip(&recorded.layers).enumerate() {
        let units = layer.units();
        let net_rows = rows_of(&net.value(), units);
        let d_act = net_rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|&v| layer.activation.derivative(v))
                    .collect()
            })
            .collect();
        let grad_weight = grad_rows(&grads, params[2 * l], layer.fan_in());
        let grad_bias = grads
            .get(params[2 * l + 1])
            .map_or_else(|| vec![0.0; units], Tensor::to_f64_vec);
        layers.push(LayerPass {
            out: rows_of(&out.value(), units),
            d_out: grad_rows(&grads, out, units),
            delta: grad_rows(&grads, net, units),
            d_act,
            net: net_rows,
            grad_weight,
            grad_bias,
        });
    }

    // The unreduced losses, from the same loss node kind without the reduction.
    let terms = {
        let tape = Tape::<f64>::new();
        let constants: Vec<_> = params.iter().map(|p| tape.constant(p.value())).collect();
        let rec = record(&tape, spec, kind, &constants, Reduction::None)?;
        let t = rec.loss.value();
        let width = if matches!(
            kind,
            LossKind::CrossEntropyIndices | LossKind::CrossEntropySoft
        ) {
            1
        } else {
            spec.targets[0].len()
        };
        rows_of(&t, width)
    };
    let softmax = match spec.loss {
        LossName::CrossEntropy => {
            let (_, out) = recorded.layers[recorded.layers.len() - 1];
            let p = out.value().softmax(1)?;
            Some(rows_of(&p, spec.targets[0].len()))
        }
        _ => None,
    };

    let updated = match &spec.optimizer {
        None => None,
        Some(config) => {
            let mut optimizer = config.build::<f64>().map_err(optimizer_error)?;
            Some(step(optimizer.as_mut(), spec, &layers).map_err(optimizer_error)?)
        }
    };

    let check = if check {
        let values: Vec<Tensor<f64>> = params.iter().map(|p| p.value()).collect();
        let report = check_gradients(
            |tape, vars| Ok(record(tape, spec, kind, vars, Reduction::Mean)?.loss),
            &values,
            CHECK_STEP,
        )
        .map_err(|e| loss_error(spec, e))?;
        Some(report)
    } else {
        None
    };

    Ok(Pass {
        layers,
        loss,
        terms,
        kind,
        softmax,
        updated,
        check,
        tape: listing,
    })
}

/// One optimizer step over [W₀, b₀, W₁, b₁, ...] (nn.Sequential's parameter order).
fn step(
    optimizer: &mut dyn Optimizer<f64>,
    spec: &Spec,
    layers: &[LayerPass],
) -> nabla_nn::Result<Vec<LayerParams>> {
    let mut values: Vec<Vec<f64>> = Vec::new();
    let mut grads: Vec<Vec<f64>> = Vec::new();
    for (layer, pass) in spec.layers.iter().zip(layers) {
        values.push(layer.weight.iter().flatten().copied().collect());
        values.push(layer.bias.clone());
        grads.push(pass.grad_weight.iter().flatten().copied().collect());
        grads.push(pass.grad_bias.clone());
    }
    {
        let mut slices: Vec<&mut [f64]> = values.iter_mut().map(Vec::as_mut_slice).collect();
        let grad_slices: Vec<&[f64]> = grads.iter().map(Vec::as_slice).collect();
        optimizer.step(&mut slices, &grad_slices)?;
    }
    Ok(spec
        .layers
        .iter()
        .enumerate()
        .map(|(l, layer)| {
            let weight = values[2 * l]
                .chunks(layer.fan_in())
                .map(<[f64]>::to_vec)
                .collect();
            LayerParams {
                weight,
                bias: values[2 * l + 1].clone(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_hot_rows_are_recognised() {
        assert_eq!(one_hot(&[0.0, 1.0, 0.0]), Some(1));
        assert_eq!(one_hot(&[1.0]), Some(0));
        assert_eq!(one_hot(&[0.5, 0.5]), None);
        assert_eq!(one_hot(&[1.0, 1.0]), None);
        assert_eq!(one_hot(&[0.0, 0.0]), None);
    }

    #[test]
    fn the_reference_problem_matches_a_hand_computation() {
        let spec = super::super::spec::parse(
            r#"{"input": [0.5, 1.0], "target": [1.0],
                "layers": [{"weight": [[1.0, 1.0], [-1.0, -1.0]], "bias": [1.0, 2.0], "activation": "sigmoid"},
                           {"weight": [[0.8, -1.0]], "bias": [-1.0], "activation": "sigmoid"}],
                "loss": "bce", "optimizer": {"name": "sgd", "lr": 0.1}}"#,
        )
        .unwrap();
        let pass = run(&spec, true).unwrap();
        let s = |x: f64| 1.0 / (1.0 + (-x).exp());
        let (h1, h2) = (s(2.5), s(0.5));
        let o = s(0.8 * h1 - h2 - 1.0);
        assert!((pass.layers[0].out[0][0] - h1).abs() < 1e-15);
        assert!((pass.layers[1].out[0][0] - o).abs() < 1e-15);
        assert!((pass.loss + o.ln()).abs() < 1e-15);
        // BCE after a sigmoid: δ_o = ŷ − y.
        let d_o = o - 1.0;
        assert!((pass.layers[1].delta[0][0] - d_o).abs() < 1e-15);
        assert!((pass.layers[1].grad_weight[0][0] - d_o * h1).abs() < 1e-15);
        let d_h1 = d_o * 0.8 * h1 * (1.0 - h1);
        assert!((pass.layers[0].grad_weight[0][1] - d_h1).abs() < 1e-15);
        let updated = pass.updated.unwrap();
        assert!((updated[1].weight[0][0] - (0.8 - 0.1 * d_o * h1)).abs() < 1e-15);
        assert!(pass.check.unwrap().max_rel_error < 1e-7);
        // The listing covers the whole tape; every node but the data has a gradient.
        // 4 parameters, the input, net and out of 2 layers, the target, the loss.
        assert_eq!(pass.tape.len(), 4 + 1 + 2 * 2 + 1 + 1);
        for node in &pass.tape {
            let data = matches!(node.label.as_deref(), Some("input" | "target"));
            assert_eq!(node.grad.is_none(), data, "{node:?}");
        }
        let last = pass.tape.last().unwrap();
        assert_eq!(
            (last.op.as_str(), last.label.as_deref()),
            ("bce", Some("J"))
        );
        assert_eq!(last.grad.as_deref(), Some(&[1.0][..]));
    }
}
