//! Benchmarks of nabla-stats: least squares at n = 1e6, p = 50 (compare with
//! `tools/oracles/stats/bench_reference.py`, statsmodels and numpy on the same machine) and the
//! exact Durbin–Watson p-value at n = 100, 1000, 2000.
//!
//! Run with `cargo bench -p nabla-stats` (about a minute; `-- ols` or `-- durbin` for one group).

use criterion::{criterion_main, BenchmarkId, Criterion};
use nabla_stats::{durbin_watson, Design, DurbinWatsonConfig, Method, OlsConfig};

/// Deterministic pseudo-random values in [−1, 1) (SplitMix64), so the bench needs no RNG crate.
fn noise(seed: u64, len: usize) -> Vec<f64> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            (z >> 11) as f64 / (1u64 << 52) as f64 - 1.0
        })
        .collect()
}

/// A design with `p − 1` regressors plus intercept and a response with known coefficients.
fn problem(n: usize, p: usize) -> (Design, Vec<f64>) {
    let columns: Vec<Vec<f64>> = (0..p - 1).map(|j| noise(j as u64 + 1, n)).collect();
    let names: Vec<String> = (0..p - 1).map(|j| format!("x{j}")).collect();
    let regressors: Vec<(&str, &[f64])> = names
        .iter()
        .zip(&columns)
        .map(|(name, col)| (name.as_str(), col.as_slice()))
        .collect();
    let design = Design::new(&regressors, true).expect("finite columns");
    let e = noise(999, n);
    let y = (0..n)
        .map(|i| {
            1.0 + columns
                .iter()
                .enumerate()
                .map(|(j, c)| (j as f64) * c[i])
                .sum::<f64>()
                + e[i]
        })
        .collect();
    (design, y)
}

fn ols(c: &mut Criterion) {
    let (design, y) = problem(1_000_000, 50);
    let mut group = c.benchmark_group("ols_n1e6_p50");
    group.sample_size(10);
    for method in [Method::Qr, Method::Normal] {
        let config = OlsConfig {
            method,
            ..OlsConfig::default()
        };
        group.bench_function(method.name(), |b| {
            b.iter(|| config.fit(&design, &y).expect("fit"))
        });
    }
    group.finish();
}

fn durbin(c: &mut Criterion) {
    let mut group = c.benchmark_group("durbin_watson_exact");
    group.sample_size(10);
    for n in [100, 1000, 2000] {
        let (design, y) = problem(n, 3);
        let fit = OlsConfig::default().fit(&design, &y).expect("fit");
        let config = DurbinWatsonConfig::default();
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| durbin_watson(&design, &fit, &config).expect("dw"))
        });
    }
    group.finish();
}

/// The criterion entry points (the macros generate undocumented items).
mod entry {
    #![allow(missing_docs)]
    use super::{durbin, ols};
    criterion::criterion_group!(benches, ols, durbin);
}

criterion_main!(entry::benches);
