//! Layers: [`Linear`], [`Dropout`], and the [`Mlp`] built from them.

mod dropout;
mod linear;
mod mlp;

pub use dropout::Dropout;
pub use linear::Linear;
pub use mlp::{Mlp, MlpConfig};
