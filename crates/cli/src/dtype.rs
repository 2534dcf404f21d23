//! `--dtype f32|f64`: the element type a command trains or computes in (`train`, `lr-find`,
//! `bench`, `mtl-compare`).

use clap::ValueEnum;
use serde::Serialize;

/// The element type training runs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dtype {
    /// 32-bit floats: fast.
    F32,
    /// 64-bit floats: for exact comparisons.
    F64,
}

impl Dtype {
    /// PyTorch's name of the type (`float32`, `float64`), as the JSON reports it.
    pub fn torch_name(self) -> &'static str {
        match self {
            Dtype::F32 => "float32",
            Dtype::F64 => "float64",
        }
    }

    /// The bytes of one element.
    pub fn element_bytes(self) -> usize {
        match self {
            Dtype::F32 => 4,
            Dtype::F64 => 8,
        }
    }
}
