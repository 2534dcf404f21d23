//! Operations that move elements without arithmetic — permute/transpose, concat, narrow/split,
//! index_select, gather — each with its derivative beside it (the inverse movement of the
//! gradient: an inverse permutation, a split, zero padding, a scatter-add).
//!
//! ```
//! use nabla_tensor::Tensor;
//! let x = Tensor::<f64>::from_vec((0..6).map(f64::from).collect(), &[2, 3]).unwrap();
//! assert_eq!(x.transpose(0, 1).unwrap().data(), &[0.0, 3.0, 1.0, 4.0, 2.0, 5.0]);
//! let parts = x.split(&[1, 2], 1).unwrap();
//! assert_eq!(parts[1].data(), &[1.0, 2.0, 4.0, 5.0]);
//! let whole = Tensor::concat(&[&parts[0], &parts[1]], 1).unwrap();
//! assert_eq!(whole, x);
//! assert_eq!(x.index_select(0, &[1, 1]).unwrap().data(), &[3.0, 4.0, 5.0, 3.0, 4.0, 5.0]);
//! ```

use crate::buffer;
use crate::shape::{self, Dims};
use crate::{Error, Float, Result, Tensor};

impl<T: Float> Tensor<T> {
    /// The axes reordered: output axis `i` is input axis `perm[i]`.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when `perm` is not a permutation of the axes.
    pub fn permute(&self, perm: &[usize]) -> Result<Self> {
        let rank = self.rank();
        let mut seen = vec![false; rank];
        let valid = perm.len() == rank
            && perm
                .iter()
                .all(|&p| p < rank && !std::mem::replace(&mut seen[p], true));
        if !valid {
            return Err(Error::ShapeMismatch {
                op: "permute",
                lhs: self.shape().to_vec(),
                rhs: perm.to_vec(),
            });
        }
        let in_strides = shape::strides(self.shape());
        let out_shape: Dims = perm.iter().map(|&p| self.shape()[p]).collect();
        let read_strides: Dims = perm.iter().map(|&p| in_strides[p]).collect();
        let mut out = buffer::zeroed(self.numel());
        let data = self.data();
        crate::ops::binary::for_each_broadcast(
            &out_shape,
            &read_strides,
            &read_strides,
            |o, i, _| {
                out[o] = data[i];
            },
        );
        Ok(Tensor::from_parts(out, &out_shape))
    }

    /// Axes `a` and `b` swapped.
    ///
    /// # Errors
    /// [`Error::AxisOutOfRange`] for a bad axis.
    pub fn transpose(&self, a: usize, b: usize) -> Result<Self> {
        shape::check_axis("transpose", a, self.rank())?;
        shape::check_axis("transpose", b, self.rank())?;
        let mut perm: Dims = (0..self.rank()).collect();
        perm.swap(a, b);
        self.permute(&perm)
    }

    /// Tensors joined along `axis`; every other axis must match.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when the other axes differ; [`Error::AxisOutOfRange`].
    pub fn concat(parts: &[&Self], axis: usize) -> Result<Self> {
        let first = parts.first().ok_or(Error::ElementCount {
            op: "concat",
            len: 0,
            shape: vec![],
        })?;
        shape::check_axis("concat", axis, first.rank())?;
        let mut out_shape = Dims::from_slice(first.shape());
        out_shape[axis] = 0;
        for part in parts {
            let fits = part.rank() == first.rank()
                && (0..first.rank()).all(|a| a == axis || part.shape()[a] == first.shape()[a]);
            if !fits {
                return Err(Error::ShapeMismatch {
                    op: "concat",
                    lhs: first.shape().to_vec(),
                    rhs: part.shape().to_vec(),
                });
            }
            out_shape[axis] += part.shape()[axis];
        }
        let (outer, _, inner) = shape::split_at_axis(&out_shape, axis);
        let mut out = Vec::with_capacity(shape::numel(&out_shape));
        for o in 0..outer {
            for part in parts {
                let chunk = part.shape()[axis] * inner;
                out.extend_from_slice(&part.data()[o * chunk..(o + 1) * chunk]);
            }
        }
        Ok(Tensor::from_parts(out, &out_shape))
    }

    /// The slice `start..start + len` along `axis`.
    ///
    /// # Errors
    /// [`Error::IndexOutOfRange`] when the slice does not fit; [`Error::AxisOutOfRange`].
    pub fn narrow(&self, axis: usize, start: usize, len: usize) -> Result<Self> {
        shape::check_axis("narrow", axis, self.rank())?;
        let size = self.shape()[axis];
        if start + len > size {
            return Err(Error::IndexOutOfRange {
                op: "narrow",
                index: start + len,
                size,
            });
        }
        let (outer, _, inner) = shape::split_at_axis(self.shape(), axis);
        let mut out = Vec::with_capacity(outer * len * inner);
        for o in 0..outer {
            let base = o * size * inner + start * inner;
            out.extend_from_slice(&self.data()[base..base + len * inner]);
        }
        let mut out_shape = Dims::from_slice(self.shape());
        out_shape[axis] = len;
        Ok(Tensor::from_parts(out, &out_shape))
    }

    /// Consecutive pieces along `axis` with the given sizes (which must add up to the axis).
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when the sizes do not add up; [`Error::AxisOutOfRange`].
    pub fn split(&self, sizes: &[usize], axis: usize) -> Result<Vec<Self>> {
        shape::check_axis("split", axis, self.rank())?;
        if sizes.iter().sum::<usize>() != self.shape()[axis] {
            return Err(Error::ShapeMismatch {
                op: "split",
                lhs: self.shape().to_vec(),
                rhs: sizes.to_vec(),
            });
        }
        let mut start = 0;
        sizes
            .iter()
            .map(|&len| {
                let piece = self.narrow(axis, start, len);
                start += len;
                piece
            })
            .collect()
    }

    /// The entries at `indices` along `axis` (rows of a batch, for example), in that order.
    ///
    /// # Errors
    /// [`Error::IndexOutOfRange`] for a bad index; [`Error::AxisOutOfRange`].
    pub fn index_select(&self, axis: usize, indices: &[usize]) -> Result<Self> {
        shape::check_axis("index_select", axis, self.rank())?;
        let (outer, size, inner) = shape::split_at_axis(self.shape(), axis);
        check_indices("index_select", indices, size)?;
        let mut out = buffer::for_overwrite(outer * indices.len() * inner);
        let mut at = 0;
        for o in 0..outer {
            for &index in indices {
                let base = (o * size + index) * inner;
                out[at..at + inner].copy_from_slice(&self.data()[base..base + inner]);
                at += inner;
            }
        }
        let mut out_shape = Dims::from_slice(self.shape());
        out_shape[axis] = indices.len();
        Ok(Tensor::from_parts(out, &out_shape))
    }

    /// PyTorch's `gather`: along `axis`, output element `[.., j, ..]` is input `[.., idx, ..]` with
    /// `idx = indices[.., j, ..]`. `indices` is row-major with shape `index_shape`, which equals
    /// the input's shape except along `axis`.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] for a bad `index_shape`; [`Error::IndexOutOfRange`].
    pub fn gather(&self, axis: usize, indices: &[usize], index_shape: &[usize]) -> Result<Self> {
        let layout = gather_layout(self.shape(), axis, indices, index_shape)?;
        let (outer, size, inner, picks) = layout;
        let mut out = Vec::with_capacity(indices.len());
        for o in 0..outer {
            for j in 0..picks {
                for i in 0..inner {
                    let index = indices[(o * picks + j) * inner + i];
                    out.push(self.data()[(o * size + index) * inner + i]);
                }
            }
        }
        Ok(Tensor::from_parts(out, index_shape))
    }
}

fn check_indices(op: &'static str, indices: &[usize], size: usize) -> Result<()> {
    match indices.iter().find(|&&i| i >= size) {
        Some(&index) => Err(Error::IndexOutOfRange { op, index, size }),
        None => Ok(()),
    }
}

/// Validates a gather; returns (outer, size, inner, picks per lane).
fn gather_layout(
    shape: &[usize],
    axis: usize,
    indices: &[usize],
    index_shape: &[usize],
) -> Result<(usize, usize, usize, usize)> {
    shape::check_axis("gather", axis, shape.len())?;
    let fits = index_shape.len() == shape.len()
        && (0..shape.len()).all(|a| a == axis || index_shape[a] == shape[a])
        && shape::numel(index_shape) == indices.len();
    if !fits {
        return Err(Error::ShapeMismatch {
            op: "gather",
            lhs: shape.to_vec(),
            rhs: index_shape.to_vec(),
        });
    }
    let (outer, size, inner) = shape::split_at_axis(shape, axis);
    check_indices("gather", indices, size)?;
    Ok((outer, size, inner, index_shape[axis]))
}

/// The inverse of a permutation.
pub(crate) fn inverse_permutation(perm: &[usize]) -> Dims {
    let mut inverse: Dims = smallvec::smallvec![0; perm.len()];
    for (i, &p) in perm.iter().enumerate() {
        inverse[p] = i;
    }
    inverse
}

/// `∂J/∂x` of `narrow(x, axis, start, len)`: the gradient placed back, zeros elsewhere.
pub(crate) fn narrow_backward<T: Float>(
    shape: &[usize],
    axis: usize,
    start: usize,
    grad: &Tensor<T>,
) -> Tensor<T> {
    let (outer, size, inner) = shape::split_at_axis(shape, axis);
    let len = grad.shape()[axis];
    let mut out = buffer::zeroed(shape::numel(shape));
    for o in 0..outer {
        let dst = o * size * inner + start * inner;
        out[dst..dst + len * inner]
            .copy_from_slice(&grad.data()[o * len * inner..(o + 1) * len * inner]);
    }
    Tensor::from_parts(out, shape)
}

/// `∂J/∂x` of `index_select(x, axis, indices)`: a scatter-add (repeated indices accumulate).
pub(crate) fn index_select_backward<T: Float>(
    shape: &[usize],
    axis: usize,
    indices: &[usize],
    grad: &Tensor<T>,
) -> Tensor<T> {
    let (outer, size, inner) = shape::split_at_axis(shape, axis);
    let mut out = buffer::zeroed(shape::numel(shape));
    let g = grad.data();
    for o in 0..outer {
        for (j, &index) in indices.iter().enumerate() {
            let src = (o * indices.len() + j) * inner;
            let dst = (o * size + index) * inner;
            for i in 0..inner {
                out[dst + i] += g[src + i];
            }
        }
    }
    Tensor::from_parts(out, shape)
}

/// `∂J/∂x` of `gather(x, axis, indices)`: a scatter-add.
pub(crate) fn gather_backward<T: Float>(
    shape: &[usize],
    axis: usize,
    indices: &[usize],
    grad: &Tensor<T>,
) -> Tensor<T> {
    let (outer, size, inner) = shape::split_at_axis(shape, axis);
    let picks = grad.shape()[axis];
    let mut out = buffer::zeroed(shape::numel(shape));
    let g = grad.data();
    for o in 0..outer {
        for j in 0..picks {
            for i in 0..inner {
                let at = (o * picks + j) * inner + i;
                out[(o * size + indices[at]) * inner + i] += g[at];
            }
        }
    }
    Tensor::from_parts(out, shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gather_picks_one_class_per_row() {
        let x = Tensor::<f64>::from_vec((0..6).map(f64::from).collect(), &[2, 3]).unwrap();
        let picked = x.gather(1, &[2, 0], &[2, 1]).unwrap();
        assert_eq!(picked.data(), &[2.0, 3.0]);
        let g = gather_backward(x.shape(), 1, &[2, 0], &Tensor::<f64>::ones(&[2, 1]));
        assert_eq!(g.data(), &[0.0, 0.0, 1.0, 1.0, 0.0, 0.0]);
    }

    #[test]
    fn permute_rejects_a_repeated_axis() {
        assert!(Tensor::<f64>::zeros(&[2, 3]).permute(&[0, 0]).is_err());
        let x = Tensor::<f64>::from_vec((0..24).map(f64::from).collect(), &[2, 3, 4]).unwrap();
        let p = x.permute(&[2, 0, 1]).unwrap();
        assert_eq!(p.shape(), &[4, 2, 3]);
        assert_eq!(p.get(&[3, 1, 2]).unwrap(), x.get(&[1, 2, 3]).unwrap());
        let back = p.permute(&inverse_permutation(&[2, 0, 1])).unwrap();
        assert_eq!(back, x);
    }
}
