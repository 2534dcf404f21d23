//! [`Tensor`]: an n-dimensional, row-major array of `f32` or `f64`.
//!
//! A tensor is a shape plus a shared, reference-counted buffer: cloning a tensor or reshaping it
//! copies no elements, and writing to one ([`Tensor::data_mut`]) copies the buffer only when it is
//! shared (copy on write). When the last tensor sharing a large buffer drops, the buffer goes back
//! to a pool for the next operation of that size (`buffer.rs`). Every operation lives in `ops/` beside its derivative; the tensor's own
//! methods compute values only, and [`crate::Tape`] records them for autodiff.
//!
//! ```
//! use nabla_tensor::Tensor;
//! let a = Tensor::<f64>::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
//! assert_eq!(a.shape(), &[2, 3]);
//! assert_eq!(a.get(&[1, 2]).unwrap(), 6.0);
//! let b = a.reshape(&[3, 2]).unwrap();
//! assert_eq!(b.get(&[2, 0]).unwrap(), 5.0);
//! ```

use std::fmt;
use std::sync::Arc;

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::buffer::Storage;
use crate::shape::{self, Dims};
use crate::{Error, Float, Result};

/// An n-dimensional, row-major array of `T` (`f32` or `f64`).
#[derive(Clone)]
pub struct Tensor<T> {
    shape: Dims,
    data: Arc<Storage<T>>,
}

impl<T: Float> Tensor<T> {
    /// A tensor holding `data` laid out row-major in `shape`.
    ///
    /// # Errors
    /// [`Error::ElementCount`] when `data.len()` is not the product of `shape`.
    pub fn from_vec(data: Vec<T>, shape: &[usize]) -> Result<Self> {
        if data.len() != shape::numel(shape) {
            return Err(Error::ElementCount {
                op: "from_vec",
                len: data.len(),
                shape: shape.to_vec(),
            });
        }
        Ok(Self::from_parts(data, shape))
    }

    /// A tensor from `f64` values, rounded to `T`.
    ///
    /// # Errors
    /// [`Error::ElementCount`] when `data.len()` is not the product of `shape`.
    pub fn from_f64s(data: &[f64], shape: &[usize]) -> Result<Self> {
        Self::from_vec(data.iter().map(|&v| T::from_f64(v)).collect(), shape)
    }

    /// A rank-2 tensor from rows of equal length.
    ///
    /// # Errors
    /// [`Error::ElementCount`] when the rows differ in length.
    pub fn from_rows(rows: &[Vec<T>]) -> Result<Self> {
        let cols = rows.first().map_or(0, Vec::len);
        let data: Vec<T> = rows.iter().flatten().copied().collect();
        Self::from_vec(data, &[rows.len(), cols])
    }

    /// Builds a tensor whose length is known to match (internal constructor).
    pub(crate) fn from_parts(data: Vec<T>, shape: &[usize]) -> Self {
        debug_assert_eq!(data.len(), shape::numel(shape));
        Self {
            shape: Dims::from_slice(shape),
            data: Arc::new(Storage::new(data)),
        }
    }

    /// A rank-0 tensor holding one value.
    pub fn scalar(value: T) -> Self {
        Self::from_parts(vec![value], &[])
    }

    /// A tensor of `shape` filled with `value`.
    pub fn full(shape: &[usize], value: T) -> Self {
        Self::from_parts(vec![value; shape::numel(shape)], shape)
    }

    /// A tensor of `shape` filled with zeros.
    pub fn zeros(shape: &[usize]) -> Self {
        Self::full(shape, T::zero())
    }

    /// A tensor of `shape` filled with ones.
    pub fn ones(shape: &[usize]) -> Self {
        Self::full(shape, T::one())
    }

    /// Values drawn uniformly from `[low, high)` by `rng` (seed it for reproducible results).
    pub fn uniform(shape: &[usize], low: f64, high: f64, rng: &mut impl Rng) -> Self {
        let data = (0..shape::numel(shape))
            .map(|_| T::from_f64(low + (high - low) * rng.gen::<f64>()))
            .collect();
        Self::from_parts(data, shape)
    }

    /// Values drawn from a normal distribution N(mean, std²) by `rng`.
    pub fn normal(shape: &[usize], mean: f64, std: f64, rng: &mut impl Rng) -> Self {
        let data = (0..shape::numel(shape))
            .map(|_| {
                let z: f64 = StandardNormal.sample(rng);
                T::from_f64(mean + std * z)
            })
            .collect();
        Self::from_parts(data, shape)
    }

    /// The sizes of the dimensions.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The number of dimensions.
    pub fn rank(&self) -> usize {
        self.shape.len()
    }

    /// The number of elements.
    pub fn numel(&self) -> usize {
        self.data.len()
    }

    /// The elements in row-major order.
    pub fn data(&self) -> &[T] {
        &self.data
    }

    /// The elements, mutable; copies the buffer first if another tensor shares it.
    pub fn data_mut(&mut self) -> &mut [T] {
        Arc::make_mut(&mut self.data).as_mut_slice()
    }

    /// The elements as a vector (no copy when this tensor holds the only reference).
    pub fn into_vec(mut self) -> Vec<T> {
        match Arc::get_mut(&mut self.data) {
            Some(storage) => storage.take(),
            None => self.data.to_vec(),
        }
    }

    /// The elements converted to `f64`.
    pub fn to_f64_vec(&self) -> Vec<f64> {
        self.data.iter().map(|&v| v.to_f64()).collect()
    }

    /// The one value of a tensor with a single element.
    ///
    /// # Errors
    /// [`Error::ElementCount`] when there is not exactly one element.
    pub fn item(&self) -> Result<T> {
        match self.data.as_slice() {
            [value] => Ok(*value),
            _ => Err(Error::ElementCount {
                op: "item",
                len: self.numel(),
                shape: vec![1],
            }),
        }
    }

    /// The element at a multi-dimensional index.
    ///
    /// # Errors
    /// [`Error::RankMismatch`] or [`Error::IndexOutOfRange`] for a bad index.
    pub fn get(&self, index: &[usize]) -> Result<T> {
        if index.len() != self.rank() {
            return Err(Error::RankMismatch {
                op: "get",
                expected: index.len(),
                shape: self.shape.to_vec(),
            });
        }
        let mut offset = 0;
        for ((&i, &size), stride) in index
            .iter()
            .zip(&self.shape)
            .zip(shape::strides(&self.shape))
        {
            if i >= size {
                return Err(Error::IndexOutOfRange {
                    op: "get",
                    index: i,
                    size,
                });
            }
            offset += i * stride;
        }
        Ok(self.data[offset])
    }

    /// The same elements viewed with another shape of equal element count (no copy).
    ///
    /// # Errors
    /// [`Error::ElementCount`] when the counts differ.
    pub fn reshape(&self, shape: &[usize]) -> Result<Self> {
        if shape::numel(shape) != self.numel() {
            return Err(Error::ElementCount {
                op: "reshape",
                len: self.numel(),
                shape: shape.to_vec(),
            });
        }
        Ok(Self {
            shape: Dims::from_slice(shape),
            data: Arc::clone(&self.data),
        })
    }

    /// The same values converted to another element type.
    pub fn cast<U: Float>(&self) -> Tensor<U> {
        Tensor::from_parts(
            self.data.iter().map(|&v| U::from_f64(v.to_f64())).collect(),
            &self.shape,
        )
    }

    /// Applies `f` to every element.
    pub fn map(&self, f: impl Fn(T) -> T) -> Self {
        Self::from_parts(self.data.iter().map(|&v| f(v)).collect(), &self.shape)
    }

    /// True when both tensors share one buffer (a reshape or clone of the other).
    pub fn shares_data_with(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.data, &other.data)
    }
}

impl<T: Float> fmt::Debug for Tensor<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tensor<{}>{:?} ", T::NAME, self.shape.as_slice())?;
        let shown = self.data.len().min(16);
        f.debug_list().entries(&self.data[..shown]).finish()?;
        if shown < self.data.len() {
            write!(f, " … ({} more)", self.data.len() - shown)?;
        }
        Ok(())
    }
}

impl<T: Float> PartialEq for Tensor<T> {
    fn eq(&self, other: &Self) -> bool {
        self.shape == other.shape && self.data() == other.data()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn construction_checks_the_element_count() {
        let err = Tensor::<f32>::from_vec(vec![1.0; 5], &[2, 3]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "from_vec: 5 elements cannot have shape [2, 3]"
        );
    }

    #[test]
    fn seeded_draws_repeat() {
        let a = Tensor::<f64>::normal(&[100], 0.0, 1.0, &mut ChaCha8Rng::seed_from_u64(7));
        let b = Tensor::<f64>::normal(&[100], 0.0, 1.0, &mut ChaCha8Rng::seed_from_u64(7));
        assert_eq!(a, b);
        let u = Tensor::<f32>::uniform(&[1000], -2.0, 3.0, &mut ChaCha8Rng::seed_from_u64(1));
        assert!(u.data().iter().all(|&v| (-2.0..3.0).contains(&v)));
    }

    #[test]
    fn writes_copy_a_shared_buffer() {
        let a = Tensor::<f64>::zeros(&[4]);
        let mut b = a.reshape(&[2, 2]).unwrap();
        assert!(b.shares_data_with(&a));
        b.data_mut()[0] = 1.0;
        assert_eq!(a.data()[0], 0.0);
        assert_eq!(b.data()[0], 1.0);
    }
}
