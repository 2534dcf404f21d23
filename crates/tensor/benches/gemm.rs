//! GEMM throughput at the shapes of the 784-512-512-10 MLP: the forward product, the weight
//! gradient and the input gradient of each layer, at batch 128 and 32, in GFLOP/s.
//!
//! `cargo bench -p nabla-tensor --bench gemm`

#![allow(missing_docs)] // criterion's macros generate undocumented items

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use nabla_tensor::{Tape, Tensor};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// (inputs, outputs) of each layer.
const LAYERS: [(usize, usize); 3] = [(784, 512), (512, 512), (512, 10)];

fn gemm_shapes(c: &mut Criterion) {
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let mut group = c.benchmark_group("gemm_f32");
    group.sample_size(20);
    group.measurement_time(std::time::Duration::from_secs(2));
    for batch in [128, 32] {
        for (inputs, outputs) in LAYERS {
            let x = Tensor::<f32>::normal(&[batch, inputs], 0.0, 1.0, &mut rng);
            let w = Tensor::<f32>::normal(&[outputs, inputs], 0.0, 0.05, &mut rng);
            let b = Tensor::<f32>::zeros(&[outputs]);
            let flops = 2 * batch * inputs * outputs;
            group.throughput(Throughput::Elements(flops as u64));
            let label = format!("b{batch}_{inputs}x{outputs}");
            group.bench_with_input(BenchmarkId::new("forward", &label), &(), |bench, ()| {
                bench.iter(|| x.linear(&w, Some(&b)).unwrap())
            });
            // Backward through a recorded linear layer: weight and input gradients together.
            group.throughput(Throughput::Elements(2 * flops as u64));
            group.bench_with_input(BenchmarkId::new("backward", &label), &(), |bench, ()| {
                bench.iter(|| {
                    let tape = Tape::new();
                    let (xv, wv, bv) = (
                        tape.param(x.clone()),
                        tape.param(w.clone()),
                        tape.param(b.clone()),
                    );
                    let y = xv.linear(wv, Some(bv)).unwrap().sum(None, false).unwrap();
                    tape.backward(y).unwrap()
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, gemm_shapes);
criterion_main!(benches);
