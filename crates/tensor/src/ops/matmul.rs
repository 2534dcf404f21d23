//! Matrix products through the `gemm` crate (runtime-detected SIMD, AVX-512 included):
//! [`Tensor::matmul`] (2-D and batched) and [`Tensor::linear`] (`x·Wᵀ + b` in PyTorch's
//! `nn.Linear` layout), each with its derivative beside it.
//!
//! ```text
//! C = A·B        ∂J/∂A = ∂J/∂C · Bᵀ        ∂J/∂B = Aᵀ · ∂J/∂C
//! Y = X·Wᵀ + b   ∂J/∂X = ∂J/∂Y · W         ∂J/∂W = (∂J/∂Y)ᵀ · X     ∂J/∂b = Σ_rows ∂J/∂Y
//! ```
//! Transposes are never materialised: the kernel reads operands through strides.
//!
//! ```
//! use nabla_tensor::Tensor;
//! let a = Tensor::<f64>::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]).unwrap();
//! let b = Tensor::<f64>::from_vec(vec![5.0, 6.0, 7.0, 8.0], &[2, 2]).unwrap();
//! assert_eq!(a.matmul(&b).unwrap().data(), &[19.0, 22.0, 43.0, 50.0]);
//! ```

use crate::buffer;
use crate::parallel;
use crate::shape::{self, Dims};
use crate::{Error, Float, Result, Tensor};

/// Work (m·n·k) above which the product is split across threads.
const PARALLEL_WORK: usize = 1 << 21;

/// A read-only matrix operand: its elements and row/column strides.
#[derive(Clone, Copy)]
pub(crate) struct MatRef<'a, T> {
    pub data: &'a [T],
    pub row_stride: usize,
    pub col_stride: usize,
}

impl<'a, T> MatRef<'a, T> {
    /// A row-major matrix with `cols` columns.
    pub fn rows(data: &'a [T], cols: usize) -> Self {
        Self {
            data,
            row_stride: cols,
            col_stride: 1,
        }
    }
    /// The transpose of a row-major matrix with `cols` columns.
    pub fn transposed(data: &'a [T], cols: usize) -> Self {
        Self {
            data,
            row_stride: 1,
            col_stride: cols,
        }
    }
}

/// `dst (m×n, row-major) = [dst +] lhs (m×k) · rhs (k×n)`, threaded when large.
pub(crate) fn gemm<T: Float>(
    m: usize,
    n: usize,
    k: usize,
    lhs: MatRef<'_, T>,
    rhs: MatRef<'_, T>,
    dst: &mut [T],
    accumulate: bool,
) {
    gemm_on(m, n, k, lhs, rhs, dst, accumulate, true);
}

/// [`gemm`], threaded only when `may_thread` and the product is large.
#[allow(clippy::too_many_arguments)]
fn gemm_on<T: Float>(
    m: usize,
    n: usize,
    k: usize,
    lhs: MatRef<'_, T>,
    rhs: MatRef<'_, T>,
    dst: &mut [T],
    accumulate: bool,
    may_thread: bool,
) {
    debug_assert!(dst.len() >= m * n);
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            dst[..m * n].fill(T::zero());
        }
        return;
    }
    debug_assert!(lhs.data.len() > (m - 1) * lhs.row_stride + (k - 1) * lhs.col_stride);
    debug_assert!(rhs.data.len() > (k - 1) * rhs.row_stride + (n - 1) * rhs.col_stride);
    let parallelism = parallel::gemm_parallelism(may_thread && m * n * k >= PARALLEL_WORK);
    // SAFETY: the asserts above keep every strided read inside `lhs` and `rhs`, and `dst` holds
    // m·n contiguous elements; `gemm` computes dst = alpha·dst + beta·lhs·rhs.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            n as isize,
            accumulate,
            lhs.data.as_ptr(),
            lhs.col_stride as isize,
            lhs.row_stride as isize,
            rhs.data.as_ptr(),
            rhs.col_stride as isize,
            rhs.row_stride as isize,
            T::one(),
            T::one(),
            false,
            false,
            false,
            parallelism,
        );
    }
}

/// The layout of a matrix product: batch count, m, k, n, and whether `rhs` is shared by every
/// batch (2-D) or has its own matrix per batch.
struct Product {
    batch: usize,
    m: usize,
    k: usize,
    n: usize,
    shared_rhs: bool,
    out_shape: Dims,
}

fn product_layout(lhs: &[usize], rhs: &[usize]) -> Result<Product> {
    let mismatch = || Error::ShapeMismatch {
        op: "matmul",
        lhs: lhs.to_vec(),
        rhs: rhs.to_vec(),
    };
    if lhs.len() < 2 || rhs.len() < 2 {
        return Err(mismatch());
    }
    let (m, k) = (lhs[lhs.len() - 2], lhs[lhs.len() - 1]);
    let (k2, n) = (rhs[rhs.len() - 2], rhs[rhs.len() - 1]);
    if k != k2 {
        return Err(mismatch());
    }
    let lhs_batch = &lhs[..lhs.len() - 2];
    let rhs_batch = &rhs[..rhs.len() - 2];
    let shared_rhs = rhs_batch.is_empty();
    if !shared_rhs && lhs_batch != rhs_batch {
        return Err(mismatch());
    }
    let mut out_shape = Dims::from_slice(lhs_batch);
    out_shape.extend([m, n]);
    Ok(Product {
        batch: shape::numel(lhs_batch),
        m,
        k,
        n,
        shared_rhs,
        out_shape,
    })
}

impl<T: Float> Tensor<T> {
    /// The matrix product over the last two axes: `[.., m, k] · [k, n]` (one right matrix for the
    /// whole batch) or `[.., m, k] · [.., k, n]` (equal batch axes, one product per batch).
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when a rank is below 2, the inner sizes differ, or the batch
    /// axes differ.
    pub fn matmul(&self, rhs: &Self) -> Result<Self> {
        let p = product_layout(self.shape(), rhs.shape())?;
        let mut out = buffer::for_overwrite(shape::numel(&p.out_shape));
        if p.shared_rhs {
            // Fold the batch into the rows: one large product.
            gemm(
                p.batch * p.m,
                p.n,
                p.k,
                MatRef::rows(self.data(), p.k),
                MatRef::rows(rhs.data(), p.n),
                &mut out,
                false,
            );
        } else {
            for b in 0..p.batch {
                gemm(
                    p.m,
                    p.n,
                    p.k,
                    MatRef::rows(&self.data()[b * p.m * p.k..], p.k),
                    MatRef::rows(&rhs.data()[b * p.k * p.n..], p.n),
                    &mut out[b * p.m * p.n..],
                    false,
                );
            }
        }
        Ok(Tensor::from_parts(out, &p.out_shape))
    }

    /// `x·Wᵀ + b`: PyTorch's `nn.Linear` with `x` of shape `[.., in]`, `weight` `[out, in]` and
    /// `bias` `[out]`; the result has shape `[.., out]`.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when the sizes do not fit.
    pub fn linear(&self, weight: &Self, bias: Option<&Self>) -> Result<Self> {
        let (rows, inputs, outputs) = linear_layout(self, weight, bias)?;
        let mut out = buffer::for_overwrite(rows * outputs);
        if let Some(b) = bias {
            // The product accumulates onto the bias rows.
            for row in out.chunks_exact_mut(outputs) {
                row.copy_from_slice(b.data());
            }
        }
        gemm(
            rows,
            outputs,
            inputs,
            MatRef::rows(self.data(), inputs),
            MatRef::transposed(weight.data(), inputs),
            &mut out,
            bias.is_some(),
        );
        let mut out_shape = Dims::from_slice(&self.shape()[..self.rank() - 1]);
        out_shape.push(outputs);
        Ok(Tensor::from_parts(out, &out_shape))
    }
}

/// Checks the shapes of a linear layer; returns (rows, inputs, outputs).
fn linear_layout<T: Float>(
    x: &Tensor<T>,
    weight: &Tensor<T>,
    bias: Option<&Tensor<T>>,
) -> Result<(usize, usize, usize)> {
    let mismatch = |rhs: &[usize]| Error::ShapeMismatch {
        op: "linear",
        lhs: x.shape().to_vec(),
        rhs: rhs.to_vec(),
    };
    if x.rank() == 0 || weight.rank() != 2 || weight.shape()[1] != x.shape()[x.rank() - 1] {
        return Err(mismatch(weight.shape()));
    }
    let (outputs, inputs) = (weight.shape()[0], weight.shape()[1]);
    if let Some(b) = bias {
        if b.shape() != [outputs] {
            return Err(mismatch(b.shape()));
        }
    }
    Ok((x.numel() / inputs.max(1), inputs, outputs))
}

/// Which operand gradients a backward pass needs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Wanted {
    /// The left operand (or the input rows of a linear layer).
    pub lhs: bool,
    /// The right operand (or the weight).
    pub rhs: bool,
}

/// Gradients of `lhs · rhs` with respect to the wanted operands, from `∂J/∂out`.
pub(crate) fn matmul_backward<T: Float>(
    lhs: &Tensor<T>,
    rhs: &Tensor<T>,
    grad: &Tensor<T>,
    wanted: Wanted,
) -> (Option<Tensor<T>>, Option<Tensor<T>>) {
    let p = product_layout(lhs.shape(), rhs.shape()).expect("shapes checked in forward");
    let mut grad_lhs = wanted.lhs.then(|| buffer::for_overwrite(lhs.numel()));
    let mut grad_rhs = wanted.rhs.then(|| buffer::for_overwrite(rhs.numel()));
    let (rows, batches) = if p.shared_rhs {
        (p.batch * p.m, 1)
    } else {
        (p.m, p.batch)
    };
    for b in 0..batches {
        let g = &grad.data()[b * rows * p.n..];
        if let Some(out) = grad_lhs.as_mut() {
            // ∂J/∂A = G · Bᵀ
            let r = &rhs.data()[b * p.k * p.n..];
            let dst = &mut out[b * rows * p.k..];
            gemm(
                rows,
                p.k,
                p.n,
                MatRef::rows(g, p.n),
                MatRef::transposed(r, p.n),
                dst,
                false,
            );
        }
        if let Some(out) = grad_rhs.as_mut() {
            // ∂J/∂B = Aᵀ · G
            let a = &lhs.data()[b * rows * p.k..];
            let dst = &mut out[b * p.k * p.n..];
            gemm(
                p.k,
                p.n,
                rows,
                MatRef::transposed(a, p.k),
                MatRef::rows(g, p.n),
                dst,
                false,
            );
        }
    }
    (
        grad_lhs.map(|d| Tensor::from_parts(d, lhs.shape())),
        grad_rhs.map(|d| Tensor::from_parts(d, rhs.shape())),
    )
}

/// Gradients of `x·Wᵀ + b` with respect to the wanted of `x` and `W`, and `b` when it exists,
/// from `∂J/∂out`.
pub(crate) fn linear_backward<T: Float>(
    x: &Tensor<T>,
    weight: &Tensor<T>,
    has_bias: bool,
    grad: &Tensor<T>,
    wanted: Wanted,
) -> LinearGrads<T> {
    let (outputs, inputs) = (weight.shape()[0], weight.shape()[1]);
    let rows = x.numel() / inputs.max(1);
    let g = grad.data();
    // With several threads, the two products run side by side, each on one thread: at small
    // batches that beats splitting each product.
    let side_by_side = wanted.lhs
        && wanted.rhs
        && parallel::current_num_threads() > 1
        && rows * inputs * outputs >= PARALLEL_WORK;
    let input_grad = |may_thread: bool| {
        let mut out = buffer::for_overwrite(x.numel());
        let w = MatRef::rows(weight.data(), inputs);
        let gr = MatRef::rows(g, outputs);
        gemm_on(rows, inputs, outputs, gr, w, &mut out, false, may_thread);
        Tensor::from_parts(out, x.shape())
    };
    let weight_grad = |may_thread: bool| {
        let mut out = buffer::for_overwrite(weight.numel());
        let xs = MatRef::rows(x.data(), inputs);
        let gt = MatRef::transposed(g, outputs);
        gemm_on(outputs, inputs, rows, gt, xs, &mut out, false, may_thread);
        Tensor::from_parts(out, weight.shape())
    };
    let (grad_x, grad_w) = if side_by_side {
        let (gx, gw) = parallel::join(|| input_grad(false), || weight_grad(false));
        (Some(gx), Some(gw))
    } else {
        (
            wanted.lhs.then(|| input_grad(true)),
            wanted.rhs.then(|| weight_grad(true)),
        )
    };
    let grad_b = has_bias.then(|| {
        let mut sums = buffer::zeroed(outputs);
        for row in g.chunks_exact(outputs) {
            for (s, &v) in sums.iter_mut().zip(row) {
                *s += v;
            }
        }
        Tensor::from_parts(sums, &[outputs])
    });
    LinearGrads {
        input: grad_x,
        weight: grad_w,
        bias: grad_b,
    }
}

/// The gradients of a linear layer; `None` where not wanted (or no bias).
pub(crate) struct LinearGrads<T> {
    pub input: Option<Tensor<T>>,
    pub weight: Option<Tensor<T>>,
    pub bias: Option<Tensor<T>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batched_product_matches_per_matrix_products() {
        let a = Tensor::<f64>::from_vec((0..12).map(f64::from).collect(), &[2, 2, 3]).unwrap();
        let b = Tensor::<f64>::from_vec((0..12).map(f64::from).collect(), &[2, 3, 2]).unwrap();
        let c = a.matmul(&b).unwrap();
        assert_eq!(c.shape(), &[2, 2, 2]);
        assert_eq!(
            c.data(),
            &[10.0, 13.0, 28.0, 40.0, 172.0, 193.0, 244.0, 274.0]
        );
    }

    #[test]
    fn linear_is_x_times_w_transposed_plus_b() {
        let x = Tensor::<f64>::from_vec(vec![0.5, 1.0], &[1, 2]).unwrap();
        let w = Tensor::<f64>::from_vec(vec![1.0, 1.0, -1.0, -1.0], &[2, 2]).unwrap();
        let b = Tensor::<f64>::from_vec(vec![1.0, 2.0], &[2]).unwrap();
        assert_eq!(x.linear(&w, Some(&b)).unwrap().data(), &[2.5, 0.5]);
    }

    #[test]
    fn mismatched_inner_sizes_name_the_op_and_shapes() {
        let a = Tensor::<f32>::zeros(&[2, 3]);
        let err = a.matmul(&Tensor::zeros(&[2, 3])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "matmul: shapes [2, 3] and [2, 3] do not match"
        );
    }
}
