//! Large allocations are checked before they are made.
//!
//! The exact Durbin–Watson distribution needs a dense n×n matrix and the Breusch–Godfrey
//! auxiliary regression an n×(r + order) one; for large inputs these are gigabytes. Before building
//! such a matrix the crate asks the allocator for the memory with [`Vec::try_reserve_exact`] and
//! returns [`StatsError::TooLarge`] when it is refused, so no input ends in an allocation abort or
//! a panic inside the linear algebra.
//!
//! ```
//! use nabla_stats::StatsError;
//! // 10¹⁰ × 10¹⁰ doubles cannot be allocated anywhere.
//! let err = nabla_stats::check_allocation("a test matrix", 10_000_000_000, 10_000_000_000).unwrap_err();
//! assert!(matches!(err, StatsError::TooLarge { .. }));
//! ```

use crate::error::{Result, StatsError};

/// Checks that a dense f64 matrix of `rows × cols` can be allocated for `what`.
///
/// # Errors
/// [`StatsError::TooLarge`] when the size overflows or the allocator refuses it.
pub fn check_allocation(what: &'static str, rows: usize, cols: usize) -> Result<()> {
    let too_large = || StatsError::TooLarge {
        what,
        rows,
        cols,
        bytes: rows as f64 * cols as f64 * 8.0,
    };
    let elements = rows.checked_mul(cols).ok_or_else(too_large)?;
    let mut probe: Vec<f64> = Vec::new();
    probe.try_reserve_exact(elements).map_err(|_| too_large())?;
    Ok(())
}
