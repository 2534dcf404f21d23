//! Softmax and log-softmax along an axis, each with its derivative beside it.
//!
//! ```text
//! softmax(x)ᵢ = e^(xᵢ − m) / Σⱼ e^(xⱼ − m)         (m = max x, for stability)
//! ∂J/∂x = y ⊙ (g − Σ g⊙y)                          (y = softmax(x), g = ∂J/∂y)
//! log_softmax(x)ᵢ = xᵢ − logsumexp(x)
//! ∂J/∂x = g − softmax(x) · Σ g
//! ```
//!
//! ```
//! use nabla_tensor::Tensor;
//! let x = Tensor::<f64>::from_vec(vec![1.0, 1.0, 1e4, 0.0], &[2, 2]).unwrap();
//! let y = x.softmax(1).unwrap();
//! assert_eq!(y.data(), &[0.5, 0.5, 1.0, 0.0]);
//! ```

use crate::buffer;
use crate::shape;
use crate::{Float, Result, Tensor};

/// Applies `f(lane_in, lane_out)` to each lane along `axis`, gathering strided lanes into
/// contiguous scratch buffers.
fn per_lane<T: Float>(
    op: &'static str,
    inputs: [&Tensor<T>; 2],
    axis: usize,
    mut f: impl FnMut(&[T], &[T], &mut [T]),
) -> Result<Tensor<T>> {
    let x = inputs[0];
    shape::check_axis(op, axis, x.rank())?;
    let (outer, size, inner) = shape::split_at_axis(x.shape(), axis);
    let mut out = buffer::zeroed(x.numel());
    let (mut a, mut b, mut c) = (
        vec![T::zero(); size],
        vec![T::zero(); size],
        vec![T::zero(); size],
    );
    for o in 0..outer {
        for i in 0..inner {
            let at = |s: usize| o * size * inner + s * inner + i;
            for s in 0..size {
                a[s] = inputs[0].data()[at(s)];
                b[s] = inputs[1].data()[at(s)];
            }
            f(&a, &b, &mut c);
            for s in 0..size {
                out[at(s)] = c[s];
            }
        }
    }
    Ok(Tensor::from_parts(out, x.shape()))
}

fn softmax_lane<T: Float>(x: &[T], out: &mut [T]) {
    let m = x.iter().fold(T::neg_infinity(), |m, &v| m.max(v));
    let mut total = T::zero();
    for (o, &v) in out.iter_mut().zip(x) {
        *o = (v - m).exp();
        total += *o;
    }
    out.iter_mut().for_each(|o| *o /= total);
}

fn log_softmax_lane<T: Float>(x: &[T], out: &mut [T]) {
    let m = x.iter().fold(T::neg_infinity(), |m, &v| m.max(v));
    let lse = m + x.iter().map(|&v| (v - m).exp()).sum::<T>().ln();
    for (o, &v) in out.iter_mut().zip(x) {
        *o = v - lse;
    }
}

impl<T: Float> Tensor<T> {
    /// The softmax along `axis`.
    ///
    /// # Errors
    /// [`crate::Error::AxisOutOfRange`] for a bad axis.
    pub fn softmax(&self, axis: usize) -> Result<Self> {
        per_lane("softmax", [self, self], axis, |x, _, out| {
            softmax_lane(x, out)
        })
    }

    /// The log of the softmax along `axis`, computed without overflow.
    ///
    /// # Errors
    /// [`crate::Error::AxisOutOfRange`] for a bad axis.
    pub fn log_softmax(&self, axis: usize) -> Result<Self> {
        per_lane("log_softmax", [self, self], axis, |x, _, out| {
            log_softmax_lane(x, out)
        })
    }
}

/// `∂J/∂x` of `y = softmax(x)` along `axis`.
pub(crate) fn softmax_backward<T: Float>(
    y: &Tensor<T>,
    grad: &Tensor<T>,
    axis: usize,
) -> Tensor<T> {
    per_lane("softmax", [y, grad], axis, |y, g, out| {
        let dot: T = y.iter().zip(g).map(|(&a, &b)| a * b).sum();
        for ((o, &yi), &gi) in out.iter_mut().zip(y).zip(g) {
            *o = yi * (gi - dot);
        }
    })
    .expect("axis checked in forward")
}

/// `∂J/∂x` of `y = log_softmax(x)` along `axis`.
pub(crate) fn log_softmax_backward<T: Float>(
    y: &Tensor<T>,
    grad: &Tensor<T>,
    axis: usize,
) -> Tensor<T> {
    per_lane("log_softmax", [y, grad], axis, |y, g, out| {
        let total: T = g.iter().copied().sum();
        for ((o, &yi), &gi) in out.iter_mut().zip(y).zip(g) {
            *o = gi - yi.exp() * total;
        }
    })
    .expect("axis checked in forward")
}
