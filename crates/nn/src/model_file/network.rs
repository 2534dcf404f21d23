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
        fn cast<T: Float, U: Float>(mlp: &Mlp<T>) -> Mlp<U> {
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
        if T::NAME == f32::NAME {
            Network::F32(cast(mlp))
        } else {
            Network::F64(cast(mlp))
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
    pub(super) fn encode(&self) -> Vec<(String, Dtype, Vec<usize>, Vec<u8>)> {
        fn go<T: Float>(
            mlp: &Mlp<T>,
            dtype: Dtype,
            bytes: impl Fn(T) -> Vec<u8>,
        ) -> Vec<(String, Dtype, Vec<usize>, Vec<u8>)> {
            mlp.parameter_names()
                .into_iter()
                .zip(mlp.parameters())
                .map(|(name, t)| {
                    let data = t.data().iter().flat_map(|&v| bytes(v)).collect();
                    (name, dtype, t.shape().to_vec(), data)
                })
                .collect()
        }
        match self {
            Network::F32(m) => go(m, Dtype::F32, |v| v.to_le_bytes().to_vec()),
            Network::F64(m) => go(m, Dtype::F64, |v| v.to_le_bytes().to_vec()),
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
        let stride = if dropout > 0.0 { 3 } else { 2 };
        let mut expected = Vec::new();
        let mut shapes = HashMap::new();
        for (i, w) in widths.windows(2).enumerate() {
            let weight = format!("{}.weight", i * stride);
            let bias = format!("{}.bias", i * stride);
            shapes.insert(weight.clone(), vec![w[1], w[0]]);
            shapes.insert(bias.clone(), vec![w[1]]);
            expected.extend([weight, bias]);
        }
        let mut present = file.names();
        present.sort_unstable();
        let prefix = common_prefix(&present, &shapes);
        if let Some(name) = present
            .iter()
            .find(|n| !shapes.contains_key(&n[prefix.len()..]))
        {
            return Err(ModelFileProblem::UnexpectedTensor {
                name: name.to_string(),
                expected,
            });
        }
        let mut views: Vec<(String, TensorView<'_>)> = Vec::with_capacity(expected.len());
        for name in &expected {
            let view = file.tensor(&format!("{prefix}{name}")).map_err(|_| {
                ModelFileProblem::MissingTensor {
                    name: name.clone(),
                    expected: expected.clone(),
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
            if view.shape() != shapes[name].as_slice() {
                return Err(ModelFileProblem::Shape {
                    name: name.clone(),
                    expected: shapes[name].clone(),
                    found: view.shape().to_vec(),
                });
            }
            views.push((name.clone(), view));
        }
        let f32s = views.first().is_some_and(|(_, v)| v.dtype() == Dtype::F32);
        if f32s {
            build::<f32, 4>(&views, activation, dropout, f32::from_le_bytes).map(Network::F32)
        } else {
            build::<f64, 8>(&views, activation, dropout, f64::from_le_bytes).map(Network::F64)
        }
    }
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

fn build<T: Float, const N: usize>(
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
