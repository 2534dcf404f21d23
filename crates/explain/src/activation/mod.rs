//! Activation functions explained: their values and derivatives at given points, a paragraph on
//! each one's properties ([`note`]), and the activation atlas ([`atlas`]), which measures those
//! properties — range, zero-centring, where the gradient vanishes, kinks, monotonicity — rather
//! than typing them in, with the JSON documents of both ([`json`]); [`parse`] reads the names and
//! parameters as the command line gives them. The functions themselves are
//! the tensor engine's ([`nabla_tensor::Activation`], PyTorch's definitions).
//!
//! ```
//! use nabla_explain::activation::{self, atlas, json};
//! use nabla_tensor::Activation;
//!
//! let swish = Activation::parse("swish", None, Some(1.0))?;
//! let points = activation::evaluate(swish, &[-1.0, 0.0, 1.0]);
//! assert_eq!(points[1], (0.0, 0.0, 0.5)); // f(0) = 0, f'(0) = σ(0) = ½
//! assert_eq!(json::points(swish, &points)["params"]["beta"], 1.0);
//!
//! // Swish is not monotonic: the atlas finds its minimum near x = −1.278.
//! let measured = atlas::analyze(swish);
//! assert!(!measured.monotonic);
//! assert!((measured.turning_points[0].x + 1.278).abs() < 1e-3);
//! # Ok::<(), nabla_tensor::Error>(())
//! ```

pub mod atlas;
pub mod json;
mod note;
pub mod parse;

use nabla_tensor::Activation;

pub use note::note;

/// `(x, f(x), f'(x))` at each point, in f64.
pub fn evaluate(act: Activation, xs: &[f64]) -> Vec<(f64, f64, f64)> {
    xs.iter()
        .map(|&x| (x, act.value(x), act.derivative(x)))
        .collect()
}
