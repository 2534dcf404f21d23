//! Cost limits: every size or count a user gives that makes nabla allocate or loop is priced
//! before any work, and refused with one line naming the flag and the limit when the price is
//! beyond what this machine can pay — instead of an allocation abort, a panic or a run that would
//! never end.
//!
//! The limits are generous: they only refuse what could not finish or could not fit, never real
//! work (a 3500×3500 layer, 10⁶ epochs of a small network, the exact Durbin–Watson distribution
//! at n = 10 000):
//!
//! | cost | limit |
//! |------|-------|
//! | memory one run allocates for what a flag asks | this machine's physical memory ([`memory_limit`]: `MemTotal` of `/proc/meminfo`; 1 TiB where it cannot be read) |
//! | threads | [`MAX_THREADS`] = 1024 |
//! | a duration, or what repetitions of one add up to | [`MAX_SECONDS`] = one week, and finite |
//!
//! Costs are computed in `f64`, so products of huge values cannot overflow; a non-finite cost
//! is over every limit. docs/reliability.md lists which flag is priced how.

use std::fmt::Display;
use std::sync::OnceLock;

use anyhow::bail;

/// The most threads one run may be asked to start.
pub const MAX_THREADS: usize = 1024;

/// The longest duration a flag may ask for (one week).
pub const MAX_SECONDS: f64 = 7.0 * 24.0 * 3600.0;

/// The memory limit where the machine's memory cannot be read (1 TiB).
const UNKNOWN_MEMORY: u64 = 1 << 40;

/// The most bytes one run may be asked to allocate: this machine's physical memory.
pub fn memory_limit() -> u64 {
    static LIMIT: OnceLock<u64> = OnceLock::new();
    *LIMIT.get_or_init(|| physical_memory().unwrap_or(UNKNOWN_MEMORY))
}

/// `MemTotal` from `/proc/meminfo`, in bytes.
fn physical_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// Refuses when `bytes` (what `flag` makes the run allocate for `what`) exceeds
/// [`memory_limit`].
///
/// # Errors
/// `FLAG: WHAT needs N of memory; this machine has M`.
pub fn check_memory(flag: &str, what: impl Display, bytes: f64) -> anyhow::Result<()> {
    let limit = memory_limit();
    if bytes.is_finite() && bytes <= limit as f64 {
        return Ok(());
    }
    bail!(
        "{flag}: {what} needs {} of memory; this machine has {} (nabla's limit for one run)",
        show_bytes(bytes),
        show_bytes(limit as f64)
    )
}

/// Refuses a thread count of 0 or above [`MAX_THREADS`].
///
/// # Errors
/// `FLAG: N threads: give 1 to 1024`.
pub fn check_threads(flag: &str, threads: usize) -> anyhow::Result<()> {
    if (1..=MAX_THREADS).contains(&threads) {
        return Ok(());
    }
    bail!("{flag}: {threads} threads: give 1 to {MAX_THREADS}")
}

/// Sizes rayon's global pool to `threads` worker threads (checked as [`check_threads`]); `None`
/// keeps the default (all cores).
///
/// # Errors
/// A count outside 1 to [`MAX_THREADS`], or a pool already set up, naming `flag`.
pub fn use_threads(flag: &str, threads: Option<usize>) -> anyhow::Result<()> {
    let Some(threads) = threads else {
        return Ok(());
    };
    check_threads(flag, threads)?;
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .map_err(|_| anyhow::anyhow!("{flag}: the thread pool is already set up"))
}

/// Refuses a duration that is not a positive finite number of seconds up to [`MAX_SECONDS`].
///
/// # Errors
/// `FLAG: S seconds: give a positive number up to 604800 (one week)`.
pub fn check_seconds(flag: &str, seconds: f64) -> anyhow::Result<()> {
    if seconds > 0.0 && seconds <= MAX_SECONDS {
        return Ok(());
    }
    bail!("{flag}: {seconds} seconds: give a positive number up to {MAX_SECONDS} (one week)")
}

/// Refuses when `what`, asked for by `flag`, takes at least `seconds` (a lower bound, such as
/// repetitions × their minimum duration) and that exceeds [`MAX_SECONDS`].
///
/// # Errors
/// `FLAG: WHAT takes at least S seconds, over nabla's limit of one week`.
pub fn check_duration(flag: &str, what: impl Display, seconds: f64) -> anyhow::Result<()> {
    if seconds <= MAX_SECONDS {
        return Ok(());
    }
    bail!(
        "{flag}: {what} takes at least {} seconds, over nabla's limit of {MAX_SECONDS} (one week)",
        show_count(seconds)
    )
}

/// A byte count with a binary unit: `512 B`, `1.5 GiB`, `3.2e25 B` beyond exbibytes.
pub fn show_bytes(bytes: f64) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if !bytes.is_finite() {
        return "unboundedly many bytes".to_string();
    }
    let (mut value, mut unit) = (bytes, 0);
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if value >= 1024.0 {
        format!("{bytes:.1e} B")
    } else if unit == 0 {
        format!("{value:.0} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A large count, exact below 10⁶ and in scientific notation above.
fn show_count(count: f64) -> String {
    if !count.is_finite() {
        "unboundedly many".to_string()
    } else if count < 1e6 {
        format!("{count:.0}")
    } else {
        format!("{count:.1e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_work_fits_and_absurd_sizes_are_refused_naming_the_flag() {
        // A 3500×3500 f32 layer with its gradient and Adam's two moments.
        check_memory("--hidden", "the network", 3500.0 * 3500.0 * 4.0 * 4.0).unwrap();
        let e = check_memory("--hidden", "a 1e8×1e8 layer", 1e16 * 4.0).unwrap_err();
        let text = e.to_string();
        assert!(
            text.starts_with("--hidden: a 1e8×1e8 layer needs 35.5 PiB"),
            "{text}"
        );
        assert!(check_memory("--batch", "x", f64::INFINITY).is_err());
        assert!(check_memory("--batch", "x", f64::NAN).is_err());
        check_duration("--repeats", "5 repetitions", 5.0).unwrap();
        let e = check_duration("--repeats", "1e11 repetitions", 1e11).unwrap_err();
        assert!(e
            .to_string()
            .starts_with("--repeats: 1e11 repetitions takes at least 1.0e11"));
        assert!(check_duration("--repeats", "x", f64::NAN).is_err());
    }

    #[test]
    fn threads_and_seconds_have_bounds() {
        check_threads("--threads", 16).unwrap();
        assert!(check_threads("--threads", 0).is_err());
        assert!(check_threads("--threads", 100_000)
            .unwrap_err()
            .to_string()
            .starts_with("--threads: 100000 threads"));
        check_seconds("--seconds", 0.5).unwrap();
        for bad in [0.0, -1.0, f64::INFINITY, f64::NAN, 1e9] {
            assert!(check_seconds("--seconds", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bytes_are_shown_in_binary_units() {
        assert_eq!(show_bytes(512.0), "512 B");
        assert_eq!(show_bytes(1536.0), "1.5 KiB");
        assert_eq!(show_bytes(3.0 * (1u64 << 30) as f64), "3.0 GiB");
        assert_eq!(show_bytes(1e30), "1.0e30 B");
    }

    #[test]
    fn the_memory_limit_is_the_machines() {
        let limit = memory_limit();
        assert!(limit >= 1 << 28, "{limit}");
    }
}
