//! The element types a tensor can hold: `f32` for speed, `f64` for exact worked solutions and
//! gradient checks.
//!
//! nabla is generic over the element type rather than carrying a runtime dtype: a `Tensor<f32>`
//! and a `Tensor<f64>` are different types, so mixing them is a compile error, and every kernel
//! is monomorphised for the type it runs on.
//!
//! ```
//! use nabla_tensor::Float;
//! assert_eq!(<f64 as Float>::from_f64(0.5).to_f64(), 0.5);
//! assert!((1.0f64.erf() - 0.8427007929497149).abs() < 1e-15);
//! ```

use std::fmt::{Debug, Display};
use std::iter::Sum;
use std::ops::{AddAssign, DivAssign, MulAssign, SubAssign};

/// A floating-point element type: implemented for `f32` and `f64`.
pub trait Float:
    num_traits::Float
    + num_traits::FloatConst
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Sum
    + Default
    + Debug
    + Display
    + Send
    + Sync
    + 'static
{
    /// The type's name as PyTorch spells it (`"float32"`, `"float64"`).
    const NAME: &'static str;

    /// Converts from `f64` (rounding to nearest for `f32`).
    fn from_f64(v: f64) -> Self;

    /// Converts to `f64` (exact).
    fn to_f64(self) -> f64;

    /// The error function, `erf(x) = 2/√π ∫₀ˣ e^(−t²) dt`.
    fn erf(self) -> Self;
}

impl Float for f32 {
    const NAME: &'static str = "float32";
    #[inline]
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    #[inline]
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    #[inline]
    fn erf(self) -> Self {
        libm::erff(self)
    }
}

impl Float for f64 {
    const NAME: &'static str = "float64";
    #[inline]
    fn from_f64(v: f64) -> Self {
        v
    }
    #[inline]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline]
    fn erf(self) -> Self {
        libm::erf(self)
    }
}
