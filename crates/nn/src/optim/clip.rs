//! Gradient clipping by global norm, as `torch.nn.utils.clip_grad_norm_` (2-norm).
//!
//! ```
//! use nabla_nn::optim::clip_grad_norm;
//!
//! let mut a = [3.0f64];
//! let mut b = [0.0f64, 4.0];
//! let norm = clip_grad_norm(&mut [&mut a[..], &mut b[..]], 1.0)?;
//! assert_eq!(norm, 5.0);
//! assert!((a[0] - 0.6).abs() < 1e-6 && (b[1] - 0.8).abs() < 1e-6);
//! # Ok::<(), nabla_nn::Error>(())
//! ```

use nabla_tensor::Float;

use crate::{Error, Result};

/// The constant PyTorch adds to the norm before dividing.
pub const CLIP_EPS: f64 = 1e-6;

/// Rescales every gradient in place so that their global 2-norm is at most `max_norm`, and
/// returns the global norm measured before clipping.
///
/// ```text
/// ‖g‖ = ‖(‖g₁‖₂, ‖g₂‖₂, …)‖₂              (the norm of all gradients as one vector)
/// c   = min(max_norm / (‖g‖ + 1e-6), 1)
/// gᵢ ← c·gᵢ
/// ```
///
/// As in PyTorch, non-finite gradients are not an error: a NaN norm makes every gradient NaN,
/// an infinite one makes `c` zero (and the infinite entries NaN); the caller sees the
/// non-finite norm in the return value.
///
/// # Errors
/// [`Error::InvalidParameter`] when `max_norm` is negative or NaN.
pub fn clip_grad_norm<T: Float>(grads: &mut [&mut [T]], max_norm: f64) -> Result<f64> {
    if max_norm.is_nan() || max_norm < 0.0 {
        return Err(Error::InvalidParameter {
            name: "max_norm",
            value: max_norm,
            reason: "must be at least 0",
        });
    }
    let total = grads
        .iter()
        .map(|g| {
            let norm = g
                .iter()
                .map(|&x| x * x)
                .fold(T::zero(), |acc, x| acc + x)
                .sqrt();
            norm * norm
        })
        .fold(T::zero(), |acc, x| acc + x)
        .sqrt();
    let coef = T::from_f64(max_norm) / (total + T::from_f64(CLIP_EPS));
    // `min` would hide a NaN coefficient; torch.clamp propagates it.
    let coef = if coef > T::one() { T::one() } else { coef };
    for g in grads.iter_mut() {
        for x in g.iter_mut() {
            *x *= coef;
        }
    }
    Ok(total.to_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_gradients_are_untouched() {
        let mut a = [0.3f64, 0.4];
        let norm = clip_grad_norm(&mut [&mut a[..]], 1.0).unwrap();
        assert!((norm - 0.5).abs() < 1e-15);
        assert_eq!(a, [0.3, 0.4]);
    }

    #[test]
    fn non_finite_norm_poisons_the_gradients() {
        let mut a = [f64::INFINITY, 1.0];
        let norm = clip_grad_norm(&mut [&mut a[..]], 1.0).unwrap();
        assert!(norm.is_infinite());
        assert!(a[0].is_nan() && a[1] == 0.0);
        let mut b = [f64::NAN, 1.0];
        assert!(clip_grad_norm(&mut [&mut b[..]], 1.0).unwrap().is_nan());
        assert!(b[1].is_nan());
    }

    #[test]
    fn negative_max_norm_is_rejected() {
        let mut a = [1.0f64];
        assert!(clip_grad_norm(&mut [&mut a[..]], -1.0).is_err());
        assert!(clip_grad_norm(&mut [&mut a[..]], f64::NAN).is_err());
    }

    #[test]
    fn empty_list_has_zero_norm() {
        let norm = clip_grad_norm::<f64>(&mut [], 1.0).unwrap();
        assert_eq!(norm, 0.0);
    }
}
