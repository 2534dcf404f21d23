//! The design matrix of a linear model: named columns, the intercept first.
//!
//! Row order is time order: the Durbin–Watson and Breusch–Godfrey tests read the rows as
//! consecutive observations of one series.
//!
//! ```
//! use nabla_stats::Design;
//! let x = [1.0, 2.0, 3.0, 4.0];
//! let design = Design::new(&[("x", &x[..])], true)?;
//! assert_eq!(design.names(), ["intercept", "x"]);
//! assert_eq!(design.ncols(), 2);
//! # Ok::<(), nabla_stats::StatsError>(())
//! ```

use faer::Mat;

use crate::error::{Result, StatsError};

/// The name given to the column of ones.
pub const INTERCEPT: &str = "intercept";

/// An n×k design matrix with column names; column 0 is the intercept when there is one.
#[derive(Clone, Debug)]
pub struct Design {
    names: Vec<String>,
    x: Mat<f64>,
    intercept: bool,
}

impl Design {
    /// Builds the design from named regressor columns (all of one length), with a leading column
    /// of ones named `intercept` when `intercept` is true.
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] when the columns differ in length, [`StatsError::NonFinite`]
    /// for a NaN or infinite value, [`StatsError::EmptyDesign`] when there is no column at all.
    pub fn new(regressors: &[(&str, &[f64])], intercept: bool) -> Result<Self> {
        let n = regressors
            .first()
            .map(|(_, values)| values.len())
            .ok_or(StatsError::EmptyDesign)?;
        Self::with_rows(n, regressors, intercept)
    }

    /// As [`Design::new`], for `n` rows given explicitly (so that an intercept-only design
    /// can be built).
    ///
    /// # Errors
    /// As [`Design::new`].
    pub fn with_rows(n: usize, regressors: &[(&str, &[f64])], intercept: bool) -> Result<Self> {
        let k = regressors.len() + usize::from(intercept);
        if k == 0 {
            return Err(StatsError::EmptyDesign);
        }
        let mut names = Vec::with_capacity(k);
        if intercept {
            names.push(INTERCEPT.to_string());
        }
        for (name, values) in regressors {
            if values.len() != n {
                return Err(StatsError::LengthMismatch {
                    column: (*name).to_string(),
                    len: values.len(),
                    expected: n,
                });
            }
            if let Some(row) = values.iter().position(|v| !v.is_finite()) {
                return Err(StatsError::NonFinite {
                    column: (*name).to_string(),
                    row: row + 1,
                });
            }
            names.push((*name).to_string());
        }
        let offset = usize::from(intercept);
        let x = Mat::from_fn(n, k, |i, j| {
            if j < offset {
                1.0
            } else {
                regressors[j - offset].1[i]
            }
        });
        Ok(Self {
            names,
            x,
            intercept,
        })
    }

    /// Number of observations n.
    pub fn nrows(&self) -> usize {
        self.x.nrows()
    }

    /// Number of design columns k (intercept included).
    pub fn ncols(&self) -> usize {
        self.x.ncols()
    }

    /// Column names, `intercept` first when there is one.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Whether column 0 is the intercept.
    pub fn has_intercept(&self) -> bool {
        self.intercept
    }

    /// Column `j` as a slice.
    ///
    /// # Panics
    /// When `j >= self.ncols()`.
    pub fn column(&self, j: usize) -> &[f64] {
        self.x.col_as_slice(j)
    }

    /// The matrix itself.
    pub fn matrix(&self) -> &Mat<f64> {
        &self.x
    }

    /// The submatrix of the columns `keep` (in that order).
    pub(crate) fn select(&self, keep: &[usize]) -> Mat<f64> {
        Mat::from_fn(self.nrows(), keep.len(), |i, j| self.x[(i, keep[j])])
    }
}
