//! Shapes, row-major strides and NumPy broadcasting.
//!
//! A shape is a list of dimension sizes; the last dimension is contiguous in memory (row-major).
//! Shapes of rank ≤ 4 are stored inline, so creating a tensor allocates only its data.
//!
//! Broadcasting follows NumPy and PyTorch: shapes are aligned on their last dimensions, and two
//! sizes fit when they are equal or one of them is 1.
//!
//! ```
//! use nabla_tensor::shape::broadcast_shapes;
//! assert_eq!(broadcast_shapes("add", &[4, 1, 3], &[2, 1]).unwrap().as_slice(), &[4, 2, 3]);
//! assert!(broadcast_shapes("add", &[2, 3], &[4]).is_err());
//! ```

use smallvec::SmallVec;

use crate::{Error, Result};

/// Dimension sizes, inline for rank ≤ 4.
pub type Dims = SmallVec<[usize; 4]>;

/// The number of elements of a tensor of this shape (1 for a scalar of rank 0).
pub fn numel(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// Row-major strides: the element distance between neighbours along each axis.
pub fn strides(shape: &[usize]) -> Dims {
    let mut strides: Dims = SmallVec::from_elem(1, shape.len());
    for axis in (0..shape.len().saturating_sub(1)).rev() {
        strides[axis] = strides[axis + 1] * shape[axis + 1];
    }
    strides
}

/// The shape two operands broadcast to.
///
/// # Errors
/// [`Error::ShapeMismatch`] naming `op` when a pair of aligned sizes differ and neither is 1.
pub fn broadcast_shapes(op: &'static str, lhs: &[usize], rhs: &[usize]) -> Result<Dims> {
    let rank = lhs.len().max(rhs.len());
    let mut out: Dims = SmallVec::from_elem(1, rank);
    for i in 0..rank {
        let l = dim_from_end(lhs, rank - 1 - i);
        let r = dim_from_end(rhs, rank - 1 - i);
        out[i] = match (l, r) {
            (a, b) if a == b => a,
            (1, b) => b,
            (a, 1) => a,
            _ => {
                return Err(Error::ShapeMismatch {
                    op,
                    lhs: lhs.to_vec(),
                    rhs: rhs.to_vec(),
                })
            }
        };
    }
    Ok(out)
}

/// The size of the dimension `back` places from the end (1 beyond the rank).
fn dim_from_end(shape: &[usize], back: usize) -> usize {
    if back < shape.len() {
        shape[shape.len() - 1 - back]
    } else {
        1
    }
}

/// The strides to read a tensor of shape `shape` as if it had the larger shape `target` it
/// broadcasts to: 0 along every axis that is repeated.
pub fn broadcast_strides(shape: &[usize], target: &[usize]) -> Dims {
    let own = strides(shape);
    let offset = target.len() - shape.len();
    (0..target.len())
        .map(|axis| {
            if axis < offset || shape[axis - offset] == 1 {
                0
            } else {
                own[axis - offset]
            }
        })
        .collect()
}

/// Checks that `axis` is a valid axis of a tensor of rank `rank`.
///
/// # Errors
/// [`Error::AxisOutOfRange`] naming `op`.
pub fn check_axis(op: &'static str, axis: usize, rank: usize) -> Result<()> {
    if axis < rank {
        Ok(())
    } else {
        Err(Error::AxisOutOfRange { op, axis, rank })
    }
}

/// Splits a shape around `axis` into (outer, size, inner) element counts, the view every
/// reduction and concatenation along one axis works in.
pub fn split_at_axis(shape: &[usize], axis: usize) -> (usize, usize, usize) {
    let outer = numel(&shape[..axis]);
    let inner = numel(&shape[axis + 1..]);
    (outer, shape[axis], inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_major_strides() {
        assert_eq!(strides(&[2, 3, 4]).as_slice(), &[12, 4, 1]);
        assert_eq!(strides(&[]).as_slice(), &[] as &[usize]);
    }

    #[test]
    fn broadcasting_aligns_trailing_dimensions() {
        assert_eq!(
            broadcast_shapes("t", &[3], &[2, 3]).unwrap().as_slice(),
            &[2, 3]
        );
        assert_eq!(
            broadcast_shapes("t", &[], &[2, 3]).unwrap().as_slice(),
            &[2, 3]
        );
        assert_eq!(
            broadcast_strides(&[3, 1], &[2, 3, 4]).as_slice(),
            &[0, 1, 0]
        );
        let err = broadcast_shapes("mul", &[2, 3], &[3, 2]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "mul: shapes [2, 3] and [3, 2] do not match"
        );
    }
}
