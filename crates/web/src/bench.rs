//! `nabla.bench`: `nabla bench`'s reference workloads timed in the page — the 2-2-1 step
//! (`tiny221`), a digits epoch (`digits_epoch`), an f32 product (`gemm_MxNxK`), `mlp784_bB` —
//! so that the browser's speed can be set beside the native binary's, run for run. Options are
//! the CLI's flags in camelCase: `workload` (comma-separated or an array), `repeats` (5),
//! `seconds` (1.0, the least time per repetition), `dtype` (`"f32"` or `"f64"`). The document
//! has the CLI's fields but those it reads from the operating system (`cpu_seconds_per_unit`,
//! `peak_rss_mib`); `threads` is 1, as WebAssembly here has one.

use nabla_nn::workload::{Workload, WorkloadRunner};
use nabla_tensor::Float;
use serde_json::json;
use web_time::Instant;

use crate::options::Options;

/// The longest a benchmark may ask for, in seconds: it blocks the page while it runs.
const MAX_SECONDS: f64 = 600.0;
/// The largest matrix a GEMM workload may ask for, as the CLI (64 Mi elements).
const MAX_GEMM_ELEMENTS: usize = 1 << 26;

/// Seconds per unit of `workload`, one per timed repetition (after one warm-up), each
/// repetition running whole units for at least `seconds`.
fn time<T: Float>(
    workload: Workload,
    repeats: usize,
    seconds: f64,
) -> Result<(usize, Vec<f64>), String> {
    let mut runner = WorkloadRunner::<T>::new(workload, 0).map_err(|e| e.to_string())?;
    let mut per_unit = Vec::with_capacity(repeats);
    for repetition in 0..=repeats {
        let start = Instant::now();
        let mut units = 0usize;
        while units == 0 || start.elapsed().as_secs_f64() < seconds {
            let loss = runner.run_unit().map_err(|e| e.to_string())?;
            if !loss.is_finite() {
                return Err(format!("{}: the loss became {loss}", workload.name()));
            }
            units += 1;
        }
        if repetition > 0 {
            per_unit.push(start.elapsed().as_secs_f64() / units as f64);
        }
    }
    Ok((runner.rows_per_unit(), per_unit))
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

/// `nabla bench … --format json` run here, as text (see the module docs).
///
/// # Errors
/// The CLI's one-line message for a bad option; a workload that diverges.
pub fn json(options: &str) -> Result<String, String> {
    let o = Options::parse(options)?;
    let names = o.strings("workload")?.unwrap_or_else(|| {
        ["tiny221", "digits_epoch", "gemm_128x512x784"]
            .map(String::from)
            .to_vec()
    });
    let repeats = o.count("repeats")?.unwrap_or(5);
    let seconds = o.number("seconds")?.unwrap_or(1.0);
    let dtype = o.string("dtype")?.unwrap_or_else(|| "f32".to_string());
    o.finish()?;
    if repeats == 0 {
        return Err("--repeats must be positive".to_string());
    }
    if !(seconds >= 0.0 && seconds * (repeats + 1) as f64 <= MAX_SECONDS) {
        return Err(format!(
            "--seconds: {seconds} × {} repetitions is not in [0, {MAX_SECONDS}] seconds",
            repeats + 1
        ));
    }
    let mut rows = Vec::new();
    for name in &names {
        let workload = Workload::parse(name.trim())
            .ok_or_else(|| format!("--workload: unknown workload '{name}'"))?;
        if let Workload::Gemm { m, n, k } = workload {
            let fits =
                |a: usize, b: usize| a.checked_mul(b).is_some_and(|e| e <= MAX_GEMM_ELEMENTS);
            if !(fits(m, k) && fits(k, n) && fits(m, n)) {
                return Err(format!(
                    "--workload {name}: matrices above {MAX_GEMM_ELEMENTS} elements are not benchmarked"
                ));
            }
        }
        let (rows_per_unit, all) = match dtype.as_str() {
            "f32" => time::<f32>(workload, repeats, seconds)?,
            "f64" => time::<f64>(workload, repeats, seconds)?,
            other => return Err(format!("--dtype: '{other}' is not f32 or f64")),
        };
        let mut sorted = all.clone();
        sorted.sort_by(f64::total_cmp);
        let med = median(&all);
        rows.push(json!({
            "workload": workload.name(),
            "rows_per_unit": rows_per_unit,
            "unit_seconds": {"median": med, "min": sorted[0], "max": sorted[sorted.len() - 1], "all": all},
            "rows_per_second": rows_per_unit as f64 / med,
        }));
    }
    let dtype = if dtype == "f32" { "float32" } else { "float64" };
    Ok(json!({"dtype": dtype, "threads": 1, "repeats": repeats, "workloads": rows}).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn each_workload_is_timed_with_the_clis_fields() {
        let doc: Value = serde_json::from_str(
            &json(r#"{"workload": "tiny221,gemm_8x8x8", "repeats": 3, "seconds": 0}"#).unwrap(),
        )
        .unwrap();
        let rows = doc["workloads"].as_array().unwrap();
        assert_eq!(rows[0]["workload"], "tiny221");
        assert_eq!(rows[1]["rows_per_unit"], 2 * 8 * 8 * 8);
        assert_eq!(rows[1]["unit_seconds"]["all"].as_array().unwrap().len(), 3);
        assert!(rows[0]["rows_per_second"].as_f64().unwrap() > 0.0);
    }

    #[test]
    fn bad_options_are_refused() {
        assert_eq!(
            json(r#"{"workload": "tiny"}"#).unwrap_err(),
            "--workload: unknown workload 'tiny'"
        );
        assert_eq!(
            json(r#"{"repeats": 0}"#).unwrap_err(),
            "--repeats must be positive"
        );
        assert!(json(r#"{"seconds": 1e9}"#)
            .unwrap_err()
            .starts_with("--seconds: "));
        assert!(
            json(r#"{"dtype": "f16", "workload": "tiny221", "repeats": 1, "seconds": 0}"#)
                .unwrap_err()
                .starts_with("--dtype: ")
        );
    }
}
