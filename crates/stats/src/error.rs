//! The one error type of nabla-stats.

/// What can go wrong when fitting a regression or testing its residuals.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StatsError {
    /// The response and a regressor have different lengths.
    #[error("column '{column}' has {len} values but the response has {expected}")]
    LengthMismatch {
        /// The regressor's name.
        column: String,
        /// Its number of values.
        len: usize,
        /// The response's number of values.
        expected: usize,
    },
    /// A value is NaN or infinite.
    #[error("column '{column}' row {row} (counting from 1) is not a finite number")]
    NonFinite {
        /// The column's name (`y` for the response).
        column: String,
        /// The 1-based row.
        row: usize,
    },
    /// Least squares needs more observations than design columns.
    #[error("{rows} observations for {columns} design columns: least squares needs more rows than columns")]
    TooFewObservations {
        /// Number of observations.
        rows: usize,
        /// Number of design columns (intercept included).
        columns: usize,
    },
    /// Squares of the data are beyond the largest f64.
    #[error("the sums of squares overflow a 64-bit float (values up to {largest:.1e} in magnitude): rescale the data, e.g. divide by a power of ten")]
    Overflow {
        /// The largest magnitude in the response and the design.
        largest: f64,
    },
    /// The response does not vary: there is nothing to explain.
    #[error("the response is constant (every value is {value}): there is nothing to explain")]
    ConstantResponse {
        /// The one value it takes.
        value: f64,
    },
    /// The design has no column (no intercept and no regressor) or only zero columns.
    #[error(
        "the design has no usable column (no intercept, and every regressor is zero or missing)"
    )]
    EmptyDesign,
    /// The normal equations could not be solved: XᵀX is not numerically positive definite.
    #[error("the normal equations are singular (XᵀX is not positive definite at working precision; condition number {condition_number:.3e}): use the QR method")]
    SingularNormalEquations {
        /// The design's 2-norm condition number.
        condition_number: f64,
    },
    /// The residuals are all zero: autocorrelation tests have nothing to test.
    #[error("the fit is exact (every residual is zero): the autocorrelation tests are undefined")]
    PerfectFit,
    /// A significance level outside (0, 1).
    #[error("significance level {alpha} must lie strictly between 0 and 1")]
    InvalidAlpha {
        /// The level given.
        alpha: f64,
    },
    /// A Breusch–Godfrey order that leaves no residual degrees of freedom.
    #[error("Breusch–Godfrey order {order} must be between 1 and {max} for this design")]
    InvalidOrder {
        /// The order given.
        order: usize,
        /// The largest order the design allows.
        max: usize,
    },
    /// The symmetric eigensolver did not converge.
    #[error("the eigenvalues of the {size}×{size} Durbin–Watson matrix could not be computed")]
    Eigenvalues {
        /// The matrix size.
        size: usize,
    },
    /// The singular values of the design could not be computed.
    #[error("the singular values of the design could not be computed")]
    SingularValues,
    /// A matrix the computation needs is larger than the memory that can be allocated.
    #[error("{what} needs a {rows}×{cols} matrix ({gib:.1} GiB), more memory than can be allocated", gib = bytes / (1u64 << 30) as f64)]
    TooLarge {
        /// What the matrix is for.
        what: &'static str,
        /// Its rows.
        rows: usize,
        /// Its columns.
        cols: usize,
        /// Its size in bytes.
        bytes: f64,
    },
    /// The fit leaves too few residual degrees of freedom for the Breusch–Godfrey auxiliary
    /// regression (it needs n ≥ rank + 2): the test is not computable, the fit itself is fine.
    #[error("Breusch–Godfrey is not computable with {n} observations for a design of rank {rank}: its auxiliary regression needs at least rank + 2 = {needed} (the fit itself stands)", needed = rank + 2)]
    BreuschGodfreyNotComputable {
        /// Number of observations.
        n: usize,
        /// Rank of the design.
        rank: usize,
    },
    /// Numerical integration missed its error target.
    #[error("numerical integration for {quantity} did not converge (estimate {estimate:e}, error bound {error:e})")]
    Integration {
        /// What was being integrated.
        quantity: &'static str,
        /// The best estimate reached.
        estimate: f64,
        /// Its estimated absolute error.
        error: f64,
    },
}

/// `Result` with [`StatsError`].
pub type Result<T> = std::result::Result<T, StatsError>;
