//! One training step of each reference workload (see `nabla_nn::workload`): the 784-512-512-10
//! MLP at batch 128 and 32, the one-sample 2-2-1 step (tape overhead dominates there), and one
//! epoch of 64-64-10 on digits; f32, and f64 for the MLP.
//!
//! `cargo bench -p nabla-nn --bench training`

#![allow(missing_docs)] // criterion's macros generate undocumented items

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nabla_nn::workload::{Workload, WorkloadRunner};
use nabla_tensor::Float;

fn bench_workload<T: Float>(c: &mut Criterion, workload: Workload, dtype: &str) {
    let mut runner = WorkloadRunner::<T>::new(workload, 0).expect("workload builds");
    let mut group = c.benchmark_group("training_step");
    group.sample_size(20);
    group.measurement_time(std::time::Duration::from_secs(3));
    group.throughput(Throughput::Elements(runner.rows_per_unit() as u64));
    group.bench_function(format!("{}_{dtype}", workload.name()), |b| {
        b.iter(|| runner.run_unit().expect("step runs"))
    });
    group.finish();
}

fn training_steps(c: &mut Criterion) {
    for workload in [
        Workload::Tiny221,
        Workload::Mlp784 { batch: 128 },
        Workload::Mlp784 { batch: 32 },
        Workload::Digits,
    ] {
        bench_workload::<f32>(c, workload, "f32");
    }
    bench_workload::<f64>(c, Workload::Mlp784 { batch: 128 }, "f64");
}

criterion_group!(benches, training_steps);
criterion_main!(benches);
