//! Householder QR that reveals the rank of a design in column order, as R's `lm` does, and
//! solves the least-squares problem with it.
//!
//! Columns are taken in the order given. A column is *aliased* when its part orthogonal to the
//! earlier retained columns is negligible: `|R_jj| < tol · |R_11|` with `tol = 1e-7` (R's default
//! tolerance). An aliased column is set aside (LINPACK's `dqrdc2` moves it to the end) and every
//! later column is judged against the retained ones only. The result matches R's choice of
//! aliased columns: in `y ~ a + b + c` with `c = a + b`, `c` is aliased, never `a`.
//!
//! The factorization is faer's blocked Householder QR, applied to the augmented matrix `[X y]`
//! one block of rows at a time (a sequential tall-skinny QR): each block is stacked under the
//! triangle accumulated so far and factored again. That keeps the working set in cache for
//! designs with millions of rows, never copies the whole design, and yields `Qᵀy` without
//! forming Q. Setting a column aside only refactors the small (k+1)×(k+1) triangle, since
//! `X[:, S] = Q R[:, S]`.
//!
//! ```
//! use nabla_stats::{Design, RankRevealingQr};
//! let a = [1.0, 2.0, 3.0, 5.0, 4.0];
//! let b = [0.0, 1.0, 0.0, 2.0, 1.0];
//! let c: Vec<f64> = a.iter().zip(&b).map(|(a, b)| a + b).collect();
//! let y = [1.0, 3.0, 2.0, 7.0, 5.0];
//! let design = Design::new(&[("a", &a[..]), ("b", &b[..]), ("c", &c[..])], true)?;
//! let qr = RankRevealingQr::new(&design, &y, 1e-7)?;
//! assert_eq!(qr.aliased(), [3]);
//! assert_eq!(qr.coefficients().len(), 3);
//! # Ok::<(), nabla_stats::StatsError>(())
//! ```

use faer::{Mat, MatRef};

use crate::design::Design;
use crate::error::{Result, StatsError};

/// R's default tolerance for declaring a column aliased.
pub const DEFAULT_RANK_TOLERANCE: f64 = 1e-7;

/// Elements per block of rows in the tall-skinny QR (about 2 MB of f64).
const BLOCK_ELEMENTS: usize = 1 << 18;

/// The QR factorization of the retained (linearly independent) columns of a design, and the
/// least-squares coefficients of one response on them.
pub struct RankRevealingQr {
    retained: Vec<usize>,
    aliased: Vec<usize>,
    r: Mat<f64>,
    qty: Vec<f64>,
    beta: Vec<f64>,
    condition_number: f64,
}

impl RankRevealingQr {
    /// Factors `design` with the response `y`, setting aside the columns that depend on earlier
    /// ones, and solves `min ‖y − Xβ‖` over the retained columns:
    ///
    /// ```text
    /// column j aliased  ⇔  |R_jj| < tol · |R_11|   (R computed on the retained columns 1..j)
    /// β = R⁻¹ Qᵀ y
    /// ```
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] when `y` does not match the design,
    /// [`StatsError::EmptyDesign`] when every column is zero,
    /// [`StatsError::SingularValues`] when the condition number cannot be computed.
    pub fn new(design: &Design, y: &[f64], tol: f64) -> Result<Self> {
        Self::from_matrix(design.matrix().as_ref(), y, tol)
    }

    /// As [`RankRevealingQr::new`], for a bare matrix.
    pub(crate) fn from_matrix(x: MatRef<'_, f64>, y: &[f64], tol: f64) -> Result<Self> {
        let (n, k) = (x.nrows(), x.ncols());
        if y.len() != n {
            return Err(StatsError::LengthMismatch {
                column: "y".into(),
                len: y.len(),
                expected: n,
            });
        }
        let triangle = tall_skinny_r(x, y);
        // R of X alone: the leading k×k block; Qᵀy: the first k entries of the last column.
        let condition_number = {
            let size = n.min(k);
            let sv = triangle
                .get(..size, ..size)
                .singular_values()
                .map_err(|_| StatsError::SingularValues)?;
            match (sv.first(), sv.last()) {
                (Some(&max), Some(&min)) if size == k => max / min,
                _ => f64::INFINITY,
            }
        };
        let mut retained: Vec<usize> = (0..k).collect();
        let mut aliased = Vec::new();
        let mut current = triangle.clone();
        loop {
            let size = retained.len().min(n);
            let r11 = current[(0, 0)].abs();
            let bad = if r11 == 0.0 {
                Some(0)
            } else {
                (1..size).find(|&j| current[(j, j)].abs() < tol * r11)
            };
            let Some(j) = bad else { break };
            aliased.push(retained.remove(j));
            if retained.is_empty() {
                return Err(StatsError::EmptyDesign);
            }
            // [X_S y] = Q [R[:, S] | Qᵀy]: refactor the small triangle's selected columns.
            let m = retained.len();
            let sub = Mat::from_fn(triangle.nrows(), m + 1, |i, c| {
                triangle[(i, if c < m { retained[c] } else { k })]
            });
            current = upper_triangle(sub.as_ref());
        }
        aliased.sort_unstable();
        let m = retained.len();
        let r = current.get(..m, ..m).to_owned();
        let qty: Vec<f64> = (0..m).map(|i| current[(i, m)]).collect();
        let mut rhs = Mat::from_fn(m, 1, |i, _| qty[i]);
        r.solve_upper_triangular_in_place(&mut rhs);
        let beta = (0..m).map(|i| rhs[(i, 0)]).collect();
        Ok(Self {
            retained,
            aliased,
            r,
            qty,
            beta,
            condition_number,
        })
    }

    /// Indices of the retained columns, in design order.
    pub fn retained(&self) -> &[usize] {
        &self.retained
    }

    /// Indices of the aliased columns, in design order.
    pub fn aliased(&self) -> &[usize] {
        &self.aliased
    }

    /// The numerical rank: the number of retained columns.
    pub fn rank(&self) -> usize {
        self.retained.len()
    }

    /// The 2-norm condition number of the whole design (aliased columns included), as
    /// statsmodels reports it; infinite when the design has more columns than rows.
    pub fn condition_number(&self) -> f64 {
        self.condition_number
    }

    /// The upper-triangular factor R of the retained columns (rank × rank).
    pub fn r(&self) -> &Mat<f64> {
        &self.r
    }

    /// `Qᵀy` over the retained columns.
    pub fn qty(&self) -> &[f64] {
        &self.qty
    }

    /// The least-squares coefficients of the retained columns, `β = R⁻¹ Qᵀy`.
    pub fn coefficients(&self) -> &[f64] {
        &self.beta
    }

    /// The fitted values `X_S β` for `x`, the matrix that was factored.
    ///
    /// # Panics
    /// When `x` has fewer columns than the factored matrix.
    pub fn fitted(&self, x: MatRef<'_, f64>) -> Vec<f64> {
        let mut out = vec![0.0; x.nrows()];
        for (&j, &b) in self.retained.iter().zip(&self.beta) {
            for (i, o) in out.iter_mut().enumerate() {
                *o += b * x[(i, j)];
            }
        }
        out
    }

    /// The inverse of R: `(XᵀX)⁻¹ = R⁻¹ R⁻ᵀ` over the retained columns.
    pub fn r_inverse(&self) -> Mat<f64> {
        let p = self.rank();
        let mut inv = Mat::<f64>::identity(p, p);
        self.r.solve_upper_triangular_in_place(&mut inv);
        inv
    }
}

/// The upper-triangular factor of `a` (rows beyond its column count dropped; zero rows added
/// when it has fewer rows than columns).
fn upper_triangle(a: MatRef<'_, f64>) -> Mat<f64> {
    let w = a.ncols();
    let qr = a.qr();
    let r = qr.R();
    Mat::from_fn(w, w, |i, j| {
        if i < r.nrows() && i <= j {
            r[(i, j)]
        } else {
            0.0
        }
    })
}

/// The (k+1)×(k+1) triangle R of the QR factorization of `[X y]`, computed block of rows by
/// block of rows: `R ← qr([R; X_block y_block])`.
fn tall_skinny_r(x: MatRef<'_, f64>, y: &[f64]) -> Mat<f64> {
    let (n, k) = (x.nrows(), x.ncols());
    let w = k + 1;
    let block = (BLOCK_ELEMENTS / w).max(4 * w);
    let mut triangle = Mat::<f64>::zeros(w, w);
    let mut start = 0;
    while start < n {
        let end = (start + block).min(n);
        let stacked = Mat::from_fn(w + (end - start), w, |i, j| {
            if i < w {
                triangle[(i, j)]
            } else if j < k {
                x[(start + i - w, j)]
            } else {
                y[start + i - w]
            }
        });
        triangle = upper_triangle(stacked.as_ref());
        start = end;
    }
    triangle
}
