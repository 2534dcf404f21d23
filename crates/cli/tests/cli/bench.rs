//! `nabla bench`: JSON shape and refusal of bad workloads.

use crate::util::{assert_usage_error, nabla_json};

#[test]
fn a_tiny_run_reports_rates_and_memory() {
    let out = nabla_json(&[
        "bench",
        "--workload",
        "tiny221,gemm_8x8x8",
        "--repeats",
        "1",
        "--seconds",
        "0.01",
        "--format",
        "json",
    ]);
    let rows = out["workloads"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["rows_per_unit"], 2 * 8 * 8 * 8);
    assert!(rows[0]["rows_per_second"].as_f64().unwrap() > 0.0);
    assert!(out["peak_rss_mib"].as_f64().unwrap() > 0.0);
}

#[test]
fn unknown_or_oversized_workloads_exit_2() {
    assert_usage_error(&["bench", "--workload", "mlp999"], "--workload");
    assert_usage_error(
        &["bench", "--workload", "gemm_99999999999x99999999999x2"],
        "not benchmarked",
    );
    assert_usage_error(&["bench", "--seconds", "0"], "--seconds");
}
