//! Reductions over one axis or over every element — sum, mean, max, min, log-sum-exp — each with
//! its derivative beside it, and `argmax`.
//!
//! ```text
//! ∂sum/∂xᵢ = 1      ∂mean/∂xᵢ = 1/n      ∂lse/∂xᵢ = e^(xᵢ − lse) (the softmax)
//! ∂max/∂xᵢ = 1/t where xᵢ is one of t tied maxima, else 0 (PyTorch's amax convention)
//! ```
//!
//! ```
//! use nabla_tensor::Tensor;
//! let x = Tensor::<f64>::from_vec(vec![1.0, 5.0, 3.0, 4.0, 2.0, 6.0], &[2, 3]).unwrap();
//! assert_eq!(x.sum(Some(1), false).unwrap().data(), &[9.0, 12.0]);
//! assert_eq!(x.max(Some(0), true).unwrap().shape(), &[1, 3]);
//! assert_eq!(x.argmax(1).unwrap(), vec![1, 2]);
//! assert_eq!(x.mean(None, false).unwrap().item().unwrap(), 3.5);
//! ```

use crate::buffer;
use crate::shape::{self, Dims};
use crate::{Float, Result, Tensor};

/// How a reduction combines the elements along its axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReduceOp {
    /// `Σ xᵢ`
    Sum,
    /// `Σ xᵢ / n`
    Mean,
    /// `max xᵢ`
    Max,
    /// `min xᵢ`
    Min,
    /// `log Σ e^xᵢ`, computed stably as `m + log Σ e^(xᵢ − m)` with `m = max xᵢ`.
    LogSumExp,
}

/// A reduction: what, along which axis (`None`: every element), and whether the reduced axis is
/// kept with size 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AxisReduction {
    /// How elements combine.
    pub op: ReduceOp,
    /// The axis reduced, or `None` for all elements.
    pub axis: Option<usize>,
    /// Keep the reduced axis with size 1.
    pub keepdim: bool,
}

impl ReduceOp {
    /// The operation's name, as shown in graph listings.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sum => "sum",
            Self::Mean => "mean",
            Self::Max => "max",
            Self::Min => "min",
            Self::LogSumExp => "logsumexp",
        }
    }

    fn combine<T: Float>(self, lane: impl Iterator<Item = T> + Clone, size: usize) -> T {
        match self {
            Self::Sum => lane.sum(),
            Self::Mean => lane.sum::<T>() / T::from_f64(size as f64),
            Self::Max => lane.fold(
                T::neg_infinity(),
                |m, v| if v > m || v.is_nan() { v } else { m },
            ),
            Self::Min => lane.fold(
                T::infinity(),
                |m, v| if v < m || v.is_nan() { v } else { m },
            ),
            Self::LogSumExp => {
                let m = Self::Max.combine(lane.clone(), size);
                if !m.is_finite() {
                    return m;
                }
                m + lane.map(|v| (v - m).exp()).sum::<T>().ln()
            }
        }
    }
}

/// The (outer, size, inner) view of `shape` for a reduction along `axis` (all elements when None).
fn lanes(op: &'static str, shape: &[usize], axis: Option<usize>) -> Result<(usize, usize, usize)> {
    match axis {
        Some(axis) => {
            shape::check_axis(op, axis, shape.len())?;
            Ok(shape::split_at_axis(shape, axis))
        }
        None => Ok((1, shape::numel(shape), 1)),
    }
}

fn reduced_shape(shape: &[usize], axis: Option<usize>, keepdim: bool) -> Dims {
    match (axis, keepdim) {
        (None, false) => Dims::new(),
        (None, true) => smallvec::smallvec![1; shape.len()],
        (Some(a), true) => shape
            .iter()
            .enumerate()
            .map(|(i, &d)| if i == a { 1 } else { d })
            .collect(),
        (Some(a), false) => shape
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != a)
            .map(|(_, &d)| d)
            .collect(),
    }
}

impl AxisReduction {
    /// Reduces `x`.
    ///
    /// # Errors
    /// [`crate::Error::AxisOutOfRange`] for a bad axis.
    pub fn forward<T: Float>(self, x: &Tensor<T>) -> Result<Tensor<T>> {
        let (outer, size, inner) = lanes(self.op.name(), x.shape(), self.axis)?;
        let data = x.data();
        let mut out = Vec::with_capacity(outer * inner);
        for o in 0..outer {
            let base = o * size * inner;
            for i in 0..inner {
                let lane = (0..size).map(move |s| data[base + s * inner + i]);
                out.push(self.op.combine(lane, size));
            }
        }
        Ok(Tensor::from_parts(
            out,
            &reduced_shape(x.shape(), self.axis, self.keepdim),
        ))
    }

    /// `∂J/∂x` from the input, the reduced output `y` and `∂J/∂y`.
    pub fn backward<T: Float>(self, x: &Tensor<T>, y: &Tensor<T>, grad: &Tensor<T>) -> Tensor<T> {
        let (outer, size, inner) =
            lanes("reduce", x.shape(), self.axis).expect("axis checked in forward");
        let (xd, yd, gd) = (x.data(), y.data(), grad.data());
        let mut out = buffer::zeroed(x.numel());
        for o in 0..outer {
            let base = o * size * inner;
            for i in 0..inner {
                let (r, g) = (yd[o * inner + i], gd[o * inner + i]);
                let at = |s: usize| base + s * inner + i;
                match self.op {
                    ReduceOp::Sum => (0..size).for_each(|s| out[at(s)] = g),
                    ReduceOp::Mean => {
                        let share = g / T::from_f64(size as f64);
                        (0..size).for_each(|s| out[at(s)] = share);
                    }
                    ReduceOp::Max | ReduceOp::Min => {
                        let ties = (0..size).filter(|&s| xd[at(s)] == r).count();
                        let share = g / T::from_f64(ties.max(1) as f64);
                        (0..size)
                            .filter(|&s| xd[at(s)] == r)
                            .for_each(|s| out[at(s)] = share);
                    }
                    ReduceOp::LogSumExp => {
                        (0..size).for_each(|s| out[at(s)] = g * (xd[at(s)] - r).exp())
                    }
                }
            }
        }
        Tensor::from_parts(out, x.shape())
    }
}

impl<T: Float> Tensor<T> {
    fn reduce(&self, op: ReduceOp, axis: Option<usize>, keepdim: bool) -> Result<Self> {
        AxisReduction { op, axis, keepdim }.forward(self)
    }

    /// The sum along `axis` (every element when `None`).
    ///
    /// # Errors
    /// [`crate::Error::AxisOutOfRange`] for a bad axis.
    pub fn sum(&self, axis: Option<usize>, keepdim: bool) -> Result<Self> {
        self.reduce(ReduceOp::Sum, axis, keepdim)
    }

    /// The mean along `axis` (every element when `None`).
    ///
    /// # Errors
    /// [`crate::Error::AxisOutOfRange`] for a bad axis.
    pub fn mean(&self, axis: Option<usize>, keepdim: bool) -> Result<Self> {
        self.reduce(ReduceOp::Mean, axis, keepdim)
    }

    /// The maximum along `axis` (every element when `None`); NaN wins.
    ///
    /// # Errors
    /// [`crate::Error::AxisOutOfRange`] for a bad axis.
    pub fn max(&self, axis: Option<usize>, keepdim: bool) -> Result<Self> {
        self.reduce(ReduceOp::Max, axis, keepdim)
    }

    /// The minimum along `axis` (every element when `None`); NaN wins.
    ///
    /// # Errors
    /// [`crate::Error::AxisOutOfRange`] for a bad axis.
    pub fn min(&self, axis: Option<usize>, keepdim: bool) -> Result<Self> {
        self.reduce(ReduceOp::Min, axis, keepdim)
    }

    /// `log Σ exp` along `axis` (every element when `None`), without overflow.
    ///
    /// # Errors
    /// [`crate::Error::AxisOutOfRange`] for a bad axis.
    pub fn logsumexp(&self, axis: Option<usize>, keepdim: bool) -> Result<Self> {
        self.reduce(ReduceOp::LogSumExp, axis, keepdim)
    }

    /// The index of the largest element of each lane along `axis` (the first one at ties, as
    /// PyTorch), in the row-major order of the reduced shape.
    ///
    /// # Errors
    /// [`crate::Error::AxisOutOfRange`] for a bad axis.
    pub fn argmax(&self, axis: usize) -> Result<Vec<usize>> {
        let (outer, size, inner) = lanes("argmax", self.shape(), Some(axis))?;
        let data = self.data();
        let mut out = Vec::with_capacity(outer * inner);
        for o in 0..outer {
            for i in 0..inner {
                let at = |s: usize| data[o * size * inner + s * inner + i];
                let best = (1..size).fold(0, |best, s| if at(s) > at(best) { s } else { best });
                out.push(best);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logsumexp_does_not_overflow() {
        let x = Tensor::<f32>::from_vec(vec![1e4, 1e4, -1e4], &[3]).unwrap();
        let lse = x.logsumexp(None, false).unwrap().item().unwrap();
        assert!((lse - (1e4 + 2f32.ln())).abs() < 1e-2);
    }

    #[test]
    fn max_gradient_is_shared_between_ties() {
        let x = Tensor::<f64>::from_vec(vec![2.0, 1.0, 2.0], &[3]).unwrap();
        let r = AxisReduction {
            op: ReduceOp::Max,
            axis: None,
            keepdim: false,
        };
        let y = r.forward(&x).unwrap();
        let g = r.backward(&x, &y, &Tensor::scalar(1.0));
        assert_eq!(g.data(), &[0.5, 0.0, 0.5]);
    }

    #[test]
    fn bad_axis_is_an_error() {
        let err = Tensor::<f64>::zeros(&[2, 2])
            .sum(Some(2), false)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "sum: axis 2 is out of range for a tensor of rank 2"
        );
    }
}
