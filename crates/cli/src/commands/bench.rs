//! `nabla bench`: times the reference training workloads (see `nabla_nn::workload`) and reports
//! medians, extremes and peak memory, for `bench/compare.py` and for users checking their machine.
//!
//! ```text
//! nabla bench [--workload mlp784_b128,mlp784_b32,tiny221,digits_epoch] [--threads N]
//!             [--repeats 5] [--seconds 1.0] [--dtype f32|f64] [--format text|json]
//! ```
//! Each repetition runs whole units (steps, or epochs for `digits_epoch`) for at least
//! `--seconds`, after one warm-up repetition; the reported rate is rows (samples) per second.
//!
//! For each `mlp784_bN` workload it also times that step's matrix products alone
//! (`mlp784_bN_gemms`, the same repetitions): the GEMM-bound limit of the step, and the
//! fraction of it the step reaches (limit ÷ step time; 1 would be a step that does nothing but
//! its products).

use std::fmt::Write as _;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Args;
use nabla_nn::workload::{Workload, WorkloadRunner};
use nabla_tensor::Float;
use serde_json::{json, Value};

use crate::dtype::Dtype;
use crate::limits;
use crate::output::{self, CommonArgs, Format};

/// The largest matrix a GEMM workload may ask for (64 Mi elements: 256 MiB in f32).
const MAX_GEMM_ELEMENTS: usize = 1 << 26;

/// `nabla bench` flags.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Workloads, comma-separated: mlp784_b128, mlp784_b32 (any batch), tiny221, digits_epoch,
    /// gemm_MxNxK, mlp784_bN_gemms (that step's products alone).
    #[arg(long, default_value = "mlp784_b128,mlp784_b32,tiny221,digits_epoch")]
    pub workload: String,
    /// Worker threads for matrix products (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Timed repetitions per workload (after one warm-up).
    #[arg(long, default_value_t = 5)]
    pub repeats: usize,
    /// Minimum seconds per repetition.
    #[arg(long, default_value_t = 1.0)]
    pub seconds: f64,
    /// The element type.
    #[arg(long, value_enum, default_value_t = Dtype::F32)]
    pub dtype: Dtype,
    #[command(flatten)]
    pub common: CommonArgs,
}

struct Timing {
    workload: String,
    rows_per_unit: usize,
    /// Seconds per unit, one entry per repetition.
    unit_seconds: Vec<f64>,
    /// CPU seconds (all threads, user + system) per unit, one entry per repetition.
    unit_cpu_seconds: Vec<f64>,
    /// The step's products timed alone (MLP workloads only).
    limit: Option<Box<Timing>>,
}

impl Timing {
    fn sorted(&self) -> Vec<f64> {
        let mut v = self.unit_seconds.clone();
        v.sort_by(f64::total_cmp);
        v
    }
    fn median(&self) -> f64 {
        median(&self.unit_seconds)
    }
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Runs `nabla bench`.
pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    if args.repeats == 0 {
        bail!("--repeats must be positive");
    }
    limits::check_seconds("--seconds", args.seconds)?;
    let repetitions = format!("{} repetitions of {} s", args.repeats, args.seconds);
    limits::check_duration("--repeats", repetitions, args.repeats as f64 * args.seconds)?;
    limits::use_threads("--threads", args.threads)?;
    let workloads = args
        .workload
        .split(',')
        .map(|name| {
            Workload::parse(name.trim())
                .with_context(|| format!("--workload: unknown workload '{name}'"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    for w in &workloads {
        let products = match *w {
            Workload::Gemm { m, n, k } => vec![[m, n, k]],
            Workload::StepGemms { batch } => Workload::Mlp784 { batch }.step_products(),
            other => other.step_products(),
        };
        let fits = |a: usize, b: usize| a.checked_mul(b).is_some_and(|e| e <= MAX_GEMM_ELEMENTS);
        if !products
            .iter()
            .all(|&[m, n, k]| fits(m, k) && fits(k, n) && fits(m, n))
        {
            bail!(
                "--workload {}: matrices above {MAX_GEMM_ELEMENTS} elements are not benchmarked",
                w.name()
            );
        }
    }
    let mut timings = Vec::new();
    for workload in workloads {
        let timing = match args.dtype {
            Dtype::F32 => time_with_limit::<f32>(workload, args)?,
            Dtype::F64 => time_with_limit::<f64>(workload, args)?,
        };
        timings.push(timing);
    }
    let threads = rayon::current_num_threads();
    let peak_rss_mib = peak_rss_kib().map(|k| k as f64 / 1024.0);
    match args.common.format {
        Format::Json => output::print_json(&to_json(&timings, threads, peak_rss_mib, args)),
        _ => output::print_text(&to_text(&timings, threads, peak_rss_mib)),
    }
}

/// Times `workload`, and for an MLP step also its products alone.
fn time_with_limit<T: Float>(workload: Workload, args: &BenchArgs) -> anyhow::Result<Timing> {
    let mut timing = time::<T>(workload, args)?;
    if let Workload::Mlp784 { batch } = workload {
        timing.limit = Some(Box::new(time::<T>(Workload::StepGemms { batch }, args)?));
    }
    Ok(timing)
}

fn time<T: Float>(workload: Workload, args: &BenchArgs) -> anyhow::Result<Timing> {
    let mut runner = WorkloadRunner::<T>::new(workload, 0)?;
    let mut unit_seconds = Vec::with_capacity(args.repeats);
    let mut unit_cpu_seconds = Vec::with_capacity(args.repeats);
    for repetition in 0..=args.repeats {
        let start = Instant::now();
        let cpu_start = cpu_seconds();
        let mut units = 0usize;
        while units == 0 || start.elapsed().as_secs_f64() < args.seconds {
            let loss = runner.run_unit()?;
            if !loss.is_finite() {
                bail!("{}: the loss became {loss}", workload.name());
            }
            units += 1;
        }
        if repetition > 0 {
            unit_seconds.push(start.elapsed().as_secs_f64() / units as f64);
            unit_cpu_seconds.push((cpu_seconds() - cpu_start) / units as f64);
        }
    }
    Ok(Timing {
        workload: workload.name(),
        rows_per_unit: runner.rows_per_unit(),
        unit_seconds,
        unit_cpu_seconds,
        limit: None,
    })
}

/// CPU time used by this process so far (user + system, every thread), from /proc/self/stat;
/// 0 where that file does not exist. Resolution: one clock tick (usually 10 ms).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses and may contain spaces).
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, i.e. 11 and 12 after ')'.
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// The process's peak resident memory in KiB (Linux: `VmHWM` in /proc/self/status).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn to_json(
    timings: &[Timing],
    threads: usize,
    peak_rss_mib: Option<f64>,
    args: &BenchArgs,
) -> Value {
    let rows: Vec<Value> = timings
        .iter()
        .map(|t| {
            let sorted = t.sorted();
            let mut row = json!({
                "workload": t.workload,
                "rows_per_unit": t.rows_per_unit,
                "unit_seconds": { "median": t.median(), "min": sorted[0], "max": sorted[sorted.len() - 1], "all": t.unit_seconds },
                "rows_per_second": t.rows_per_unit as f64 / t.median(),
                "cpu_seconds_per_unit": median(&t.unit_cpu_seconds),
            });
            if let Some(limit) = &t.limit {
                row["gemm_bound"] = json!({
                    "workload": limit.workload,
                    "flop": limit.rows_per_unit,
                    "seconds": limit.median(),
                    "gflops": limit.rows_per_unit as f64 / limit.median() / 1e9,
                    "fraction": limit.median() / t.median(),
                });
            }
            row
        })
        .collect();
    json!({
        "dtype": match args.dtype { Dtype::F32 => "float32", Dtype::F64 => "float64" },
        "threads": threads,
        "repeats": args.repeats,
        "peak_rss_mib": peak_rss_mib,
        "workloads": rows,
    })
}

fn to_text(timings: &[Timing], threads: usize, peak_rss_mib: Option<f64>) -> String {
    let mut s = format!(
        "{threads} thread(s)\n{:<16} {:>14} {:>14} {:>14} {:>14} {:>14}\n",
        "workload", "median/unit", "min", "max", "cpu/unit", "rows/s"
    );
    for t in timings {
        let sorted = t.sorted();
        let _ = writeln!(
            s,
            "{:<16} {:>12.3}µs {:>12.3}µs {:>12.3}µs {:>12.3}µs {:>14.0}",
            t.workload,
            t.median() * 1e6,
            sorted[0] * 1e6,
            sorted[sorted.len() - 1] * 1e6,
            median(&t.unit_cpu_seconds) * 1e6,
            t.rows_per_unit as f64 / t.median()
        );
    }
    for t in timings {
        if let Some(limit) = &t.limit {
            let _ = writeln!(
                s,
                "{}: GEMM-bound limit {:.3} ms ({:.1} MFLOP at {:.1} GFLOP/s); the step reaches {:.0} % of it",
                t.workload,
                limit.median() * 1e3,
                limit.rows_per_unit as f64 / 1e6,
                limit.rows_per_unit as f64 / limit.median() / 1e9,
                100.0 * limit.median() / t.median()
            );
        }
    }
    if let Some(mib) = peak_rss_mib {
        let _ = writeln!(s, "peak RSS {mib:.1} MiB");
    }
    s
}
