//! The weights of a saved network in the element type they were trained in, and their
//! safetensors encoding: little-endian F32 or F64 tensors named as PyTorch's `state_dict` names
//! the same `nn.Sequential` (`0.weight` `[out, in]`, `0.bias` `[out]`, …).

use std::collections::HashMap;

use nabla_tensor::{Activation, Float, Tensor};
use safetensors::tensor::TensorView;
use safetensors::{Dtype, SafeTensors};

use super::ModelFileProblem;
use crate::layers::{Linear, Mlp};

/// A network in the element type it was trained (or saved) in.
#[derive(Clone, Debug, PartialEq)]
pub enum Network {
    /// 32-bit weights (`torch.float32`, safetensors `F32`).
    F32(Mlp<f32>),
    /// 64-bit weights (`torch.float64`, safetensors `F64`).
    F64(Mlp<f64>),
}

/// Runs `$body` with `$mlp` bound to the network's `Mlp<f32>` or `Mlp<f64>`.
macro_rules! with_mlp {
    ($network:expr, $mlp:ident => $body:expr) => {
        match $network {
            Network::F32($mlp) => $body,
            Network::F64($mlp) => $body,
        }
    };
}
pub(super) use with_mlp;

impl Network {
    /// A copy of `mlp` in its own element type: `f32` weights stay `f32`, anything else is
    /// stored as `f64`. The copy is bit-exact.
    pub fn from_mlp<T: Float>(mlp: &Mlp<T>) -> Network {
        if T::NAME == f32::NAME {
            Network::F32(cast_mlp(mlp))
        } else {
            Network::F64(cast_mlp(mlp))
        }
    }

    /// `"float32"` or `"float64"`, as PyTorch names the dtype.
    pub fn dtype(&self) -> &'static str {
        match self {
            Network::F32(_) => f32::NAME,
            Network::F64(_) => f64::NAME,
        }
    }

    /// `[inputs, hidden…, outputs]`.
    pub fn widths(&self) -> Vec<usize> {
        with_mlp!(self, m => m.widths())
    }

    /// The hidden activation.
    pub fn activation(&self) -> Activation {
        with_mlp!(self, m => m.activation())
    }

    /// The dropout probability after each hidden activation.
    pub fn dropout(&self) -> f64 {
        with_mlp!(self, m => m.dropout().p())
    }

    /// The number of trainable numbers.
    pub fn parameter_count(&self) -> usize {
        with_mlp!(self, m => m.parameter_count())
    }

    /// PyTorch `state_dict` names, in parameter order.
    pub fn parameter_names(&self) -> Vec<String> {
        with_mlp!(self, m => m.parameter_names())
    }

    /// Every tensor's name, safetensors dtype, shape and little-endian bytes.
    pub(super) fn encode(&self) -> Vec<Encoded> {
        match self {
            Network::F32(m) => encode_mlp("", m),
            Network::F64(m) => encode_mlp("", m),
        }
    }

    /// Reads the tensors of an MLP with `widths`, `activation` and `dropout` from `file`,
    /// checking names, dtypes, shapes and values.
    pub(super) fn decode(
        file: &SafeTensors<'_>,
        widths: &[usize],
        activation: Activation,
        dropout: f64,
    ) -> Result<Network, ModelFileProblem> {
        let expected = mlp_tensors("", widths, dropout);
        let mut present = file.names();
        present.sort_unstable();
        let shapes: HashMap<String, Vec<usize>> = expected.iter().cloned().collect();
        let prefix = common_prefix(&present, &shapes);
        let views = checked_views(file, &prefix, &expected)?;
        if f32_views(&views) {
            build::<f32, 4>(&views, activation, dropout, f32::from_le_bytes).map(Network::F32)
        } else {
            build::<f64, 8>(&views, activation, dropout, f64::from_le_bytes).map(Network::F64)
        }
    }
}

/// The state_dict names and shapes of an MLP with `widths` (`prefix` before each name):
/// `0.weight` `[out, in]`, `0.bias` `[out]`, then `2.*` (`3.*` when dropout sits between).
pub(super) fn mlp_tensors(
    prefix: &str,
    widths: &[usize],
    dropout: f64,
) -> Vec<(String, Vec<usize>)> {
    let stride = if dropout > 0.0 { 3 } else { 2 };
    widths
        .windows(2)
        .enumerate()
        .flat_map(|(i, w)| {
            [
                (format!("{prefix}{}.weight", i * stride), vec![w[1], w[0]]),
                (format!("{prefix}{}.bias", i * stride), vec![w[1]]),
            ]
        })
        .collect()
}

/// The tensors `expected` (names and shapes) of `file`, each stored as `prefix` + its name,
/// after checking that the file holds no other tensor, each is F32 or F64, all share one dtype
/// and each has its shape.
pub(super) fn checked_views<'a>(
    file: &SafeTensors<'a>,
    prefix: &str,
    expected: &[(String, Vec<usize>)],
) -> Result<Vec<(String, TensorView<'a>)>, ModelFileProblem> {
    let names: Vec<String> = expected.iter().map(|(n, _)| n.clone()).collect();
    let mut present = file.names();
    present.sort_unstable();
    if let Some(name) = present.iter().find(|n| {
        n.strip_prefix(prefix)
            .is_none_or(|rest| !names.iter().any(|e| e == rest))
    }) {
        return Err(ModelFileProblem::UnexpectedTensor {
            name: name.to_string(),
            expected: names,
        });
    }
    let mut views: Vec<(String, TensorView<'a>)> = Vec::with_capacity(expected.len());
    for (name, shape) in expected {
        let view = file.tensor(&format!("{prefix}{name}")).map_err(|_| {
            ModelFileProblem::MissingTensor {
                name: name.clone(),
                expected: names.clone(),
            }
        })?;
        if view.dtype() != Dtype::F32 && view.dtype() != Dtype::F64 {
            return Err(ModelFileProblem::Dtype {
                name: name.clone(),
                dtype: view.dtype().to_string(),
            });
        }
        if let Some((first_name, first)) = views.first() {
            if first.dtype() != view.dtype() {
                return Err(ModelFileProblem::MixedDtypes {
                    name: name.clone(),
                    dtype: view.dtype().to_string(),
                    first_name: first_name.clone(),
                    first_dtype: first.dtype().to_string(),
                });
            }
        }
        if view.shape() != shape.as_slice() {
            return Err(ModelFileProblem::Shape {
                name: name.clone(),
                expected: shape.clone(),
                found: view.shape().to_vec(),
            });
        }
        views.push((name.clone(), view));
    }
    Ok(views)
}

/// Whether checked views hold F32 tensors (otherwise F64).
pub(super) fn f32_views(views: &[(String, TensorView<'_>)]) -> bool {
    views.first().is_some_and(|(_, v)| v.dtype() == Dtype::F32)
}

/// `mlp` with its weights converted to `U` (exact from `f32` to either type, and from `f64` to
/// `f64`).
pub(super) fn cast_mlp<T: Float, U: Float>(mlp: &Mlp<T>) -> Mlp<U> {
    let layers = mlp
        .layers()
        .iter()
        .map(|l| Linear {
            weight: l.weight.cast(),
            bias: l.bias.cast(),
        })
        .collect();
    Mlp::from_layers(layers, mlp.activation(), mlp.dropout().p())
        .expect("the layers of a valid MLP fit together")
}

/// One tensor of a file: its name, safetensors dtype, shape and little-endian bytes.
pub(super) type Encoded = (String, Dtype, Vec<usize>, Vec<u8>);

/// Every parameter of `mlp` as a tensor entry (`prefix` before each state_dict name), in its
/// own dtype (F32 for `f32`, F64 otherwise).
pub(super) fn encode_mlp<T: Float>(prefix: &str, mlp: &Mlp<T>) -> Vec<Encoded> {
    let f32s = T::NAME == f32::NAME;
    let dtype = if f32s { Dtype::F32 } else { Dtype::F64 };
    mlp.parameter_names()
        .into_iter()
        .zip(mlp.parameters())
        .map(|(name, t)| {
            let data = t
                .data()
                .iter()
                .flat_map(|&v| {
                    if f32s {
                        (v.to_f64() as f32).to_le_bytes().to_vec()
                    } else {
                        v.to_f64().to_le_bytes().to_vec()
                    }
                })
                .collect();
            (format!("{prefix}{name}"), dtype, t.shape().to_vec(), data)
        })
        .collect()
}

/// The prefix every tensor name shares before a state_dict name the architecture expects, such as
/// `net.` when the `nn.Sequential` was an attribute `net` of the module saved; empty when the
/// names are the bare ones (or do not share one prefix, which the caller then reports).
fn common_prefix(present: &[&str], expected: &HashMap<String, Vec<usize>>) -> String {
    fn prefix_of<'a>(name: &'a str, expected: &HashMap<String, Vec<usize>>) -> Option<&'a str> {
        expected.keys().find_map(|e| {
            name.strip_suffix(e.as_str())
                .filter(|p| p.is_empty() || p.ends_with('.'))
        })
    }
    let Some(first) = present.first().and_then(|n| prefix_of(n, expected)) else {
        return String::new();
    };
    let shared = present.iter().all(|n| {
        n.strip_prefix(first)
            .is_some_and(|rest| expected.contains_key(rest))
    });
    if shared {
        first.to_string()
    } else {
        String::new()
    }
}

pub(super) fn build<T: Float, const N: usize>(
    views: &[(String, TensorView<'_>)],
    activation: Activation,
    dropout: f64,
    from_le: fn([u8; N]) -> T,
) -> Result<Mlp<T>, ModelFileProblem> {
    let tensor = |(name, view): &(String, TensorView<'_>)| {
        let data: Vec<T> = view
            .data()
            .chunks_exact(N)
            .map(|c| from_le(c.try_into().expect("chunks_exact gives N bytes")))
            .collect();
        if let Some(index) = data.iter().position(|v| !v.is_finite()) {
            return Err(ModelFileProblem::NonFinite {
                name: name.clone(),
                index,
                value: data[index].to_f64(),
            });
        }
        Tensor::from_vec(data, view.shape()).map_err(|e| ModelFileProblem::Inconsistent {
            reason: format!("tensor \"{name}\": {e}"),
        })
    };
    let mut layers = Vec::with_capacity(views.len() / 2);
    for pair in views.chunks_exact(2) {
        let layer = Linear::from_parts(tensor(&pair[0])?, tensor(&pair[1])?).map_err(|e| {
            ModelFileProblem::Inconsistent {
                reason: format!("layer {}: {e}", pair[0].0),
            }
        })?;
        layers.push(layer);
    }
    Mlp::from_layers(layers, activation, dropout).map_err(|e| ModelFileProblem::Inconsistent {
        reason: e.to_string(),
    })
}
