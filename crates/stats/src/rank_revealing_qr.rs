//! Householder QR that reveals the rank of a design in column order, as R's `lm` does.
//!
//! Columns are taken in the order given. A column is *aliased* when its part orthogonal to the
//! earlier retained columns is negligible: `|R_jj| < tol · |R_11|` with `tol = 1e-7` (R's default
//! tolerance). An aliased column is set aside (LINPACK's `dqrdc2` moves it to the end; here it is
//! dropped and the factorization of the remaining columns is recomputed) and every later column is
//! judged against the retained ones only. The result matches R's choice of aliased columns: in
//! `y ~ a + b + c` with `c = a + b`, `c` is aliased, never `a`.
//!
//! The factorization itself is faer's blocked Householder QR.
//!
//! ```
//! use nabla_stats::{Design, RankRevealingQr};
//! let a = [1.0, 2.0, 3.0, 5.0];
//! let b = [0.0, 1.0, 0.0, 2.0];
//! let c: Vec<f64> = a.iter().zip(&b).map(|(a, b)| a + b).collect();
//! let design = Design::new(&[("a", &a[..]), ("b", &b[..]), ("c", &c[..])], true)?;
//! let qr = RankRevealingQr::new(&design, 1e-7)?;
//! assert_eq!(qr.aliased(), [3]);
//! # Ok::<(), nabla_stats::StatsError>(())
//! ```

use std::borrow::Cow;

use faer::linalg::solvers::{Qr, SolveLstsq};
use faer::Mat;

use crate::design::Design;
use crate::error::{Result, StatsError};

/// R's default tolerance for declaring a column aliased.
pub const DEFAULT_RANK_TOLERANCE: f64 = 1e-7;

/// The QR factorization of the retained (linearly independent) columns of a design.
pub struct RankRevealingQr<'a> {
    retained: Vec<usize>,
    aliased: Vec<usize>,
    qr: Qr<f64>,
    x: Cow<'a, Mat<f64>>,
    condition_number: f64,
}

impl<'a> RankRevealingQr<'a> {
    /// Factors `design`, setting aside the columns that depend on earlier ones.
    ///
    /// ```text
    /// column j aliased  ⇔  |R_jj| < tol · |R_11|   (R computed on the retained columns 1..j)
    /// ```
    ///
    /// # Errors
    /// [`StatsError::EmptyDesign`] when every column is zero;
    /// [`StatsError::SingularValues`] when the condition number cannot be computed.
    pub fn new(design: &'a Design, tol: f64) -> Result<Self> {
        Self::from_matrix(Cow::Borrowed(design.matrix()), tol)
    }

    /// As [`RankRevealingQr::new`], for a bare matrix.
    pub(crate) fn from_matrix(full: Cow<'a, Mat<f64>>, tol: f64) -> Result<Self> {
        let k = full.ncols();
        let mut retained: Vec<usize> = (0..k).collect();
        let mut aliased = Vec::new();
        let mut reduced: Option<Mat<f64>> = None;
        let mut qr = full.qr();
        // The 2-norm condition number of the design as given: the singular values of R are
        // those of X.
        let condition_number = {
            let r = qr.R();
            let size = r.nrows().min(r.ncols());
            let sv = r
                .get(..size, ..)
                .singular_values()
                .map_err(|_| StatsError::SingularValues)?;
            let max = sv.first().copied().unwrap_or(0.0);
            let min = sv.last().copied().unwrap_or(0.0);
            if size < k {
                f64::INFINITY
            } else {
                max / min
            }
        };
        loop {
            let r = qr.R();
            let size = r.nrows().min(r.ncols());
            let r11 = r[(0, 0)].abs();
            let bad = if r11 == 0.0 {
                Some(0)
            } else {
                (1..size).find(|&j| r[(j, j)].abs() < tol * r11)
            };
            let Some(j) = bad else { break };
            aliased.push(retained.remove(j));
            if retained.is_empty() {
                return Err(StatsError::EmptyDesign);
            }
            let next = Mat::from_fn(full.nrows(), retained.len(), |i, c| full[(i, retained[c])]);
            qr = next.qr();
            reduced = Some(next);
        }
        aliased.sort_unstable();
        let x = match reduced {
            Some(m) => Cow::Owned(m),
            None => full,
        };
        Ok(Self {
            retained,
            aliased,
            qr,
            x,
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

    /// The retained columns as a matrix (n × rank).
    pub fn retained_matrix(&self) -> &Mat<f64> {
        &self.x
    }

    /// The upper-triangular factor R of the retained columns (rank × rank).
    pub fn r(&self) -> Mat<f64> {
        let r = self.qr.R();
        let p = self.rank();
        r.get(..p, ..p).to_owned()
    }

    /// The inverse of R: `(XᵀX)⁻¹ = R⁻¹ R⁻ᵀ` over the retained columns.
    pub fn r_inverse(&self) -> Mat<f64> {
        let p = self.rank();
        let r = self.r();
        let mut inv = Mat::<f64>::identity(p, p);
        r.solve_upper_triangular_in_place(&mut inv);
        inv
    }

    /// The thin orthonormal factor Q (n × rank).
    pub fn thin_q(&self) -> Mat<f64> {
        self.qr.compute_thin_Q()
    }

    /// Least-squares coefficients of `y` on the retained columns, refined by one step of
    /// iterative refinement on the residual.
    ///
    /// ```text
    /// β = R⁻¹ Qᵀ y;   β ← β + R⁻¹ Qᵀ (y − X β)
    /// ```
    pub fn solve(&self, y: &[f64]) -> Vec<f64> {
        let n = y.len();
        let rhs = Mat::from_fn(n, 1, |i, _| y[i]);
        let beta = self.qr.solve_lstsq(&rhs);
        let mut beta: Vec<f64> = (0..self.rank()).map(|j| beta[(j, 0)]).collect();
        let fitted = self.apply(&beta);
        let resid = Mat::from_fn(n, 1, |i, _| y[i] - fitted[i]);
        let delta = self.qr.solve_lstsq(&resid);
        for (j, b) in beta.iter_mut().enumerate() {
            *b += delta[(j, 0)];
        }
        beta
    }

    /// `X β` for coefficients of the retained columns.
    pub fn apply(&self, beta: &[f64]) -> Vec<f64> {
        let n = self.x.nrows();
        let mut out = vec![0.0; n];
        for (j, b) in beta.iter().enumerate() {
            let col = self.x.col_as_slice(j);
            for (o, x) in out.iter_mut().zip(col) {
                *o += b * x;
            }
        }
        out
    }
}
