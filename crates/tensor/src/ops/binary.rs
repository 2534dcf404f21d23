//! Elementwise arithmetic on two tensors with NumPy broadcasting — add, sub, mul, div, maximum,
//! minimum — each with its derivative beside it, plus comparisons that produce 0/1 masks.
//!
//! The gradient of a broadcast operand is summed over the axes it was repeated along, so it has
//! the operand's own shape. `maximum`/`minimum` split the gradient equally at ties, as PyTorch.
//!
//! ```
//! use nabla_tensor::Tensor;
//! let a = Tensor::<f64>::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
//! let bias = Tensor::<f64>::from_vec(vec![10.0, 20.0, 30.0], &[3]).unwrap();
//! assert_eq!(a.add(&bias).unwrap().data(), &[11.0, 22.0, 33.0, 14.0, 25.0, 36.0]);
//! assert_eq!(a.gt(&Tensor::scalar(2.5)).unwrap().data(), &[0.0, 0.0, 1.0, 1.0, 1.0, 1.0]);
//! ```

use crate::buffer;
use crate::shape::{self, Dims};
use crate::{Float, Result, Tensor};

/// An elementwise function of two tensors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BinaryOp {
    /// `a + b`
    Add,
    /// `a − b`
    Sub,
    /// `a · b`
    Mul,
    /// `a / b`
    Div,
    /// `max(a, b)`
    Maximum,
    /// `min(a, b)`
    Minimum,
}

impl BinaryOp {
    /// The operation's name, as shown in graph listings and errors.
    pub fn name(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Sub => "sub",
            Self::Mul => "mul",
            Self::Div => "div",
            Self::Maximum => "maximum",
            Self::Minimum => "minimum",
        }
    }

    /// `f(a, b)`.
    #[inline]
    pub fn value<T: Float>(self, a: T, b: T) -> T {
        match self {
            Self::Add => a + b,
            Self::Sub => a - b,
            Self::Mul => a * b,
            Self::Div => a / b,
            Self::Maximum => a.max(b),
            Self::Minimum => a.min(b),
        }
    }

    /// `(∂f/∂a, ∂f/∂b)` at `(a, b)`.
    #[inline]
    pub fn partials<T: Float>(self, a: T, b: T) -> (T, T) {
        let half = T::from_f64(0.5);
        match self {
            Self::Add => (T::one(), T::one()),
            Self::Sub => (T::one(), -T::one()),
            Self::Mul => (b, a),
            Self::Div => (b.recip(), -a / (b * b)),
            Self::Maximum | Self::Minimum if a == b => (half, half),
            Self::Maximum if a > b => (T::one(), T::zero()),
            Self::Minimum if a < b => (T::one(), T::zero()),
            Self::Maximum | Self::Minimum => (T::zero(), T::one()),
        }
    }

    /// Applies the function with broadcasting.
    ///
    /// # Errors
    /// [`crate::Error::ShapeMismatch`] when the shapes do not broadcast.
    pub fn forward<T: Float>(self, a: &Tensor<T>, b: &Tensor<T>) -> Result<Tensor<T>> {
        zip_broadcast(self.name(), a, b, |x, y| self.value(x, y))
    }

    /// `(∂J/∂a, ∂J/∂b)` from `∂J/∂out`, each reduced to its operand's shape.
    pub fn backward<T: Float>(
        self,
        a: &Tensor<T>,
        b: &Tensor<T>,
        grad: &Tensor<T>,
    ) -> (Tensor<T>, Tensor<T>) {
        let out_shape = grad.shape();
        let mut grad_a = buffer::zeroed(a.numel());
        let mut grad_b = buffer::zeroed(b.numel());
        let a_strides = shape::broadcast_strides(a.shape(), out_shape);
        let b_strides = shape::broadcast_strides(b.shape(), out_shape);
        let (ad, bd, gd) = (a.data(), b.data(), grad.data());
        for_each_broadcast(out_shape, &a_strides, &b_strides, |out, ia, ib| {
            let (da, db) = self.partials(ad[ia], bd[ib]);
            grad_a[ia] += gd[out] * da;
            grad_b[ib] += gd[out] * db;
        });
        (
            Tensor::from_parts(grad_a, a.shape()),
            Tensor::from_parts(grad_b, b.shape()),
        )
    }
}

/// Combines two tensors elementwise with broadcasting.
///
/// # Errors
/// [`crate::Error::ShapeMismatch`] naming `op` when the shapes do not broadcast.
pub(crate) fn zip_broadcast<T: Float>(
    op: &'static str,
    a: &Tensor<T>,
    b: &Tensor<T>,
    f: impl Fn(T, T) -> T,
) -> Result<Tensor<T>> {
    if a.shape() == b.shape() {
        let data = a
            .data()
            .iter()
            .zip(b.data())
            .map(|(&x, &y)| f(x, y))
            .collect();
        return Ok(Tensor::from_parts(data, a.shape()));
    }
    let out_shape = shape::broadcast_shapes(op, a.shape(), b.shape())?;
    let a_strides = shape::broadcast_strides(a.shape(), &out_shape);
    let b_strides = shape::broadcast_strides(b.shape(), &out_shape);
    let (ad, bd) = (a.data(), b.data());
    let mut data = buffer::zeroed(shape::numel(&out_shape));
    for_each_broadcast(&out_shape, &a_strides, &b_strides, |out, ia, ib| {
        data[out] = f(ad[ia], bd[ib]);
    });
    Ok(Tensor::from_parts(data, &out_shape))
}

/// Calls `f(out, ia, ib)` for every element of `out_shape` in row-major order, with the offsets
/// of the matching elements of two operands read with the given (broadcast) strides.
pub(crate) fn for_each_broadcast(
    out_shape: &[usize],
    a_strides: &[usize],
    b_strides: &[usize],
    mut f: impl FnMut(usize, usize, usize),
) {
    let total = shape::numel(out_shape);
    if total == 0 {
        return;
    }
    let rank = out_shape.len();
    if rank == 0 {
        f(0, 0, 0);
        return;
    }
    let inner = out_shape[rank - 1];
    let (sa, sb) = (a_strides[rank - 1], b_strides[rank - 1]);
    let mut index: Dims = smallvec::smallvec![0; rank];
    let (mut base_a, mut base_b) = (0usize, 0usize);
    let mut out = 0;
    while out < total {
        for j in 0..inner {
            f(out + j, base_a + j * sa, base_b + j * sb);
        }
        out += inner;
        // Advance the odometer over the outer axes.
        let mut axis = rank - 1;
        while axis > 0 {
            axis -= 1;
            index[axis] += 1;
            base_a += a_strides[axis];
            base_b += b_strides[axis];
            if index[axis] < out_shape[axis] {
                break;
            }
            base_a -= a_strides[axis] * out_shape[axis];
            base_b -= b_strides[axis] * out_shape[axis];
            index[axis] = 0;
        }
    }
}

/// Sums `grad` over the axes along which a tensor of `shape` was broadcast to `grad`'s shape.
pub(crate) fn sum_to_shape<T: Float>(grad: &Tensor<T>, shape: &[usize]) -> Tensor<T> {
    if grad.shape() == shape {
        return grad.clone();
    }
    let strides = shape::broadcast_strides(shape, grad.shape());
    let mut out = buffer::zeroed(shape::numel(shape));
    let gd = grad.data();
    for_each_broadcast(grad.shape(), &strides, &strides, |o, i, _| out[i] += gd[o]);
    Tensor::from_parts(out, shape)
}

macro_rules! binary_methods {
    ($($(#[$doc:meta])* $name:ident => $op:ident;)*) => {
        impl<T: Float> Tensor<T> {
            $(
                $(#[$doc])*
                ///
                /// # Errors
                /// [`crate::Error::ShapeMismatch`] when the shapes do not broadcast.
                pub fn $name(&self, other: &Self) -> Result<Self> {
                    BinaryOp::$op.forward(self, other)
                }
            )*
        }
    };
}

binary_methods! {
    /// `a + b` elementwise, with broadcasting.
    add => Add;
    /// `a − b` elementwise, with broadcasting.
    sub => Sub;
    /// `a · b` elementwise, with broadcasting.
    mul => Mul;
    /// `a / b` elementwise, with broadcasting.
    div => Div;
    /// `max(a, b)` elementwise, with broadcasting.
    maximum => Maximum;
    /// `min(a, b)` elementwise, with broadcasting.
    minimum => Minimum;
}

macro_rules! comparison_methods {
    ($($(#[$doc:meta])* $name:ident => $cmp:tt;)*) => {
        impl<T: Float> Tensor<T> {
            $(
                $(#[$doc])*
                /// The result is a mask: 1 where the comparison holds, 0 elsewhere.
                ///
                /// # Errors
                /// [`crate::Error::ShapeMismatch`] when the shapes do not broadcast.
                pub fn $name(&self, other: &Self) -> Result<Self> {
                    zip_broadcast(stringify!($name), self, other, |a, b| {
                        if a $cmp b { T::one() } else { T::zero() }
                    })
                }
            )*
        }
    };
}

comparison_methods! {
    /// `a == b` elementwise.
    eq_mask => ==;
    /// `a != b` elementwise.
    ne_mask => !=;
    /// `a < b` elementwise.
    lt => <;
    /// `a ≤ b` elementwise.
    le => <=;
    /// `a > b` elementwise.
    gt => >;
    /// `a ≥ b` elementwise.
    ge => >=;
}

impl<T: Float> Tensor<T> {
    /// Picks `a` where `mask` is non-zero and `b` elsewhere (all three broadcast together).
    ///
    /// # Errors
    /// [`crate::Error::ShapeMismatch`] when the shapes do not broadcast.
    pub fn select(mask: &Self, a: &Self, b: &Self) -> Result<Self> {
        let picked_a = zip_broadcast("select", mask, a, |m, x| {
            if m != T::zero() {
                x
            } else {
                T::zero()
            }
        })?;
        let picked_b = zip_broadcast("select", mask, b, |m, y| {
            if m != T::zero() {
                T::zero()
            } else {
                y
            }
        })?;
        picked_a.add(&picked_b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcast_gradient_sums_over_repeated_axes() {
        let a = Tensor::<f64>::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
        let b = Tensor::<f64>::from_vec(vec![10.0, 20.0], &[2, 1]).unwrap();
        let out = BinaryOp::Mul.forward(&a, &b).unwrap();
        assert_eq!(out.data(), &[10.0, 20.0, 30.0, 80.0, 100.0, 120.0]);
        let (ga, gb) = BinaryOp::Mul.backward(&a, &b, &Tensor::ones(&[2, 3]));
        assert_eq!(ga.data(), &[10.0, 10.0, 10.0, 20.0, 20.0, 20.0]);
        assert_eq!(gb.shape(), &[2, 1]);
        assert_eq!(gb.data(), &[6.0, 15.0]);
    }

    #[test]
    fn maximum_splits_ties() {
        assert_eq!(BinaryOp::Maximum.partials(1.0f64, 1.0), (0.5, 0.5));
        assert_eq!(BinaryOp::Minimum.partials(1.0f64, 2.0), (1.0, 0.0));
    }

    #[test]
    fn sum_to_shape_reduces_leading_and_unit_axes() {
        let g = Tensor::<f64>::ones(&[4, 2, 3]);
        assert_eq!(sum_to_shape(&g, &[3]).data(), &[8.0, 8.0, 8.0]);
        assert_eq!(sum_to_shape(&g, &[2, 1]).data(), &[12.0, 12.0]);
    }
}
