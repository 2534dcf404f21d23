//! Dropout (inverted): in training, each unit is kept with probability `1 − p` and scaled by
//! `1/(1 − p)`, so the expected activation is unchanged; in evaluation it is the identity.
//!
//! ```text
//! train:  y = x ⊙ m / (1 − p),   mᵢ ~ Bernoulli(1 − p)
//! eval:   y = x
//! ```
//! Training with dropout trains an ensemble of thinned networks that share weights; evaluation
//! with every unit on (the scaling keeps expectations equal) approximates their average.
//! Monte Carlo dropout keeps the masks at test time and averages many passes instead.
//!
//! ```
//! use nabla_nn::layers::Dropout;
//! assert!(Dropout::new(1.0).is_err()); // p must be in [0, 1)
//! let dropout = Dropout::new(0.5).unwrap();
//! let mask = dropout.mask::<f64>(&[1000], &mut nabla_nn::init::seeded(0));
//! assert!(mask.data().iter().all(|&m| m == 0.0 || m == 2.0));
//! ```

use nabla_tensor::{Float, Result as TensorResult, Tensor, Var};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::{Error, Result};

/// Inverted dropout with drop probability `p`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dropout {
    p: f64,
}

impl Dropout {
    /// Dropout with drop probability `p`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `0 ≤ p < 1`.
    pub fn new(p: f64) -> Result<Self> {
        if (0.0..1.0).contains(&p) {
            Ok(Self { p })
        } else {
            Err(Error::InvalidParameter {
                name: "dropout",
                value: p,
                reason: "the drop probability must be in [0, 1)",
            })
        }
    }

    /// The drop probability.
    pub fn p(self) -> f64 {
        self.p
    }

    /// A mask of `shape`: `1/(1 − p)` for kept units, 0 for dropped ones.
    pub fn mask<T: Float>(self, shape: &[usize], rng: &mut ChaCha8Rng) -> Tensor<T> {
        let scale = T::from_f64(1.0 / (1.0 - self.p));
        let n: usize = shape.iter().product();
        let data = (0..n)
            .map(|_| {
                if rng.gen::<f64>() < self.p {
                    T::zero()
                } else {
                    scale
                }
            })
            .collect();
        Tensor::from_vec(data, shape).expect("length matches shape")
    }

    /// Applies dropout on a tape: masked and scaled when `train`, unchanged otherwise (and when
    /// `p = 0`).
    ///
    /// # Errors
    /// None in practice; the mask always has `x`'s shape.
    pub fn forward_t<'t, T: Float>(
        self,
        x: Var<'t, T>,
        train: bool,
        rng: &mut ChaCha8Rng,
    ) -> TensorResult<Var<'t, T>> {
        if !train || self.p == 0.0 {
            return Ok(x);
        }
        let mask = x.tape().constant(self.mask(&x.shape(), rng));
        x.mul(mask)
    }

    /// Applies dropout to a plain tensor (for Monte Carlo dropout at inference).
    pub fn apply<T: Float>(self, x: &Tensor<T>, rng: &mut ChaCha8Rng) -> Tensor<T> {
        if self.p == 0.0 {
            return x.clone();
        }
        x.mul(&self.mask(x.shape(), rng)).expect("same shape")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::init::seeded;
    use nabla_tensor::Tape;

    #[test]
    fn kept_fraction_and_scale_are_right_over_a_million_units() {
        for p in [0.1, 0.5, 0.8] {
            let mask = Dropout::new(p)
                .unwrap()
                .mask::<f64>(&[1_000_000], &mut seeded(42));
            let kept = mask.data().iter().filter(|&&m| m != 0.0).count() as f64 / 1e6;
            // Binomial standard error √(p(1−p)/n) ≤ 5e-4; allow 5 of them.
            assert!((kept - (1.0 - p)).abs() < 2.5e-3, "p = {p}: kept {kept}");
            assert!(mask
                .data()
                .iter()
                .all(|&m| m == 0.0 || (m - 1.0 / (1.0 - p)).abs() < 1e-15));
            let mean = mask.data().iter().sum::<f64>() / 1e6;
            assert!((mean - 1.0).abs() < 5e-3, "p = {p}: mean {mean}");
        }
    }

    #[test]
    fn evaluation_mode_is_the_identity() {
        let tape = Tape::<f64>::new();
        let x = tape.constant(Tensor::from_vec(vec![1.0, 2.0, 3.0], &[3]).unwrap());
        let y = Dropout::new(0.9)
            .unwrap()
            .forward_t(x, false, &mut seeded(0))
            .unwrap();
        assert_eq!(y.id(), x.id());
    }

    #[test]
    fn probability_outside_unit_interval_is_rejected_at_construction() {
        assert!(Dropout::new(-0.1).is_err());
        assert!(Dropout::new(1.0).is_err());
        assert!(Dropout::new(f64::NAN).is_err());
        assert!(Dropout::new(0.0).is_ok());
    }
}
