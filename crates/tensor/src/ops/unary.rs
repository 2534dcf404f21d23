//! Elementwise math on one tensor — negation, exp, log, sqrt, abs, power, clamp — each with its
//! derivative beside it.
//!
//! Derivative conventions are PyTorch's: `abs'(0) = 0`; `clamp` passes the gradient where
//! `min ≤ x ≤ max` (both ends included); `d/dx x^p = p·x^(p−1)`, and 0 when `p = 0`.
//!
//! ```
//! use nabla_tensor::Tensor;
//! let x = Tensor::<f64>::from_vec(vec![-2.0, 0.5, 3.0], &[3]).unwrap();
//! assert_eq!(x.clamp(-1.0, 1.0).data(), &[-1.0, 0.5, 1.0]);
//! assert_eq!(x.powf(2.0).data(), &[4.0, 0.25, 9.0]);
//! ```

use crate::{Float, Tensor};

/// An elementwise function of one tensor.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum UnaryOp {
    /// `−x`
    Neg,
    /// `eˣ`
    Exp,
    /// `ln x`
    Log,
    /// `√x`
    Sqrt,
    /// `|x|`
    Abs,
    /// `x^p` for a fixed exponent `p`.
    Powf(f64),
    /// `min(max(x, min), max)`.
    Clamp {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// `x·c` for a fixed `c`.
    Scale(f64),
    /// `x + c` for a fixed `c`.
    Shift(f64),
}

impl UnaryOp {
    /// The operation's name, as shown in graph listings.
    pub fn name(self) -> &'static str {
        match self {
            Self::Neg => "neg",
            Self::Exp => "exp",
            Self::Log => "log",
            Self::Sqrt => "sqrt",
            Self::Abs => "abs",
            Self::Powf(_) => "pow",
            Self::Clamp { .. } => "clamp",
            Self::Scale(_) => "scale",
            Self::Shift(_) => "shift",
        }
    }

    /// `f(x)`.
    #[inline]
    pub fn value<T: Float>(self, x: T) -> T {
        match self {
            Self::Neg => -x,
            Self::Exp => x.exp(),
            Self::Log => x.ln(),
            Self::Sqrt => x.sqrt(),
            Self::Abs => x.abs(),
            Self::Powf(p) => x.powf(T::from_f64(p)),
            Self::Clamp { min, max } => x.max(T::from_f64(min)).min(T::from_f64(max)),
            Self::Scale(c) => x * T::from_f64(c),
            Self::Shift(c) => x + T::from_f64(c),
        }
    }

    /// `f′(x)`, given the input `x` and the output `y = f(x)`.
    #[inline]
    pub fn derivative<T: Float>(self, x: T, y: T) -> T {
        match self {
            Self::Neg => -T::one(),
            Self::Exp => y,
            Self::Log => x.recip(),
            Self::Sqrt => (y + y).recip(),
            Self::Abs if x == T::zero() => T::zero(),
            Self::Abs => x.signum(),
            Self::Powf(0.0) => T::zero(),
            Self::Powf(p) => T::from_f64(p) * x.powf(T::from_f64(p - 1.0)),
            Self::Clamp { min, max } => {
                if x >= T::from_f64(min) && x <= T::from_f64(max) {
                    T::one()
                } else {
                    T::zero()
                }
            }
            Self::Scale(c) => T::from_f64(c),
            Self::Shift(_) => T::one(),
        }
    }

    /// Applies the function to every element.
    pub fn forward<T: Float>(self, x: &Tensor<T>) -> Tensor<T> {
        x.map(|v| self.value(v))
    }

    /// `∂J/∂x = ∂J/∂y · f′(x)` elementwise.
    pub fn backward<T: Float>(self, x: &Tensor<T>, y: &Tensor<T>, grad: &Tensor<T>) -> Tensor<T> {
        let data = x
            .data()
            .iter()
            .zip(y.data())
            .zip(grad.data())
            .map(|((&x, &y), &g)| g * self.derivative(x, y))
            .collect();
        Tensor::from_parts(data, x.shape())
    }
}

impl<T: Float> Tensor<T> {
    /// `−x` elementwise.
    pub fn neg(&self) -> Self {
        UnaryOp::Neg.forward(self)
    }
    /// `eˣ` elementwise.
    pub fn exp(&self) -> Self {
        UnaryOp::Exp.forward(self)
    }
    /// `ln x` elementwise.
    pub fn log(&self) -> Self {
        UnaryOp::Log.forward(self)
    }
    /// `√x` elementwise.
    pub fn sqrt(&self) -> Self {
        UnaryOp::Sqrt.forward(self)
    }
    /// `|x|` elementwise.
    pub fn abs(&self) -> Self {
        UnaryOp::Abs.forward(self)
    }
    /// `x^p` elementwise.
    pub fn powf(&self, p: f64) -> Self {
        UnaryOp::Powf(p).forward(self)
    }
    /// Each element limited to `[min, max]`.
    pub fn clamp(&self, min: f64, max: f64) -> Self {
        UnaryOp::Clamp { min, max }.forward(self)
    }
    /// Every element times `c`.
    pub fn scale(&self, c: f64) -> Self {
        UnaryOp::Scale(c).forward(self)
    }
    /// Every element plus `c`.
    pub fn shift(&self, c: f64) -> Self {
        UnaryOp::Shift(c).forward(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kink_conventions_follow_pytorch() {
        assert_eq!(UnaryOp::Abs.derivative(0.0f64, 0.0), 0.0);
        assert_eq!(UnaryOp::Abs.derivative(-3.0f64, 3.0), -1.0);
        let clamp = UnaryOp::Clamp {
            min: -1.0,
            max: 1.0,
        };
        assert_eq!(clamp.derivative(1.0f64, 1.0), 1.0);
        assert_eq!(clamp.derivative(1.5f64, 1.0), 0.0);
        assert_eq!(UnaryOp::Powf(0.0).derivative(0.0f64, 1.0), 0.0);
        assert_eq!(UnaryOp::Powf(3.0).derivative(2.0f64, 8.0), 12.0);
    }
}
