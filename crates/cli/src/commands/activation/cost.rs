//! The atlas's cost column, measured by the command (nabla-explain has no clock): nanoseconds per
//! element of an activation's f32 forward and backward slice kernels over 2¹⁶ elements, the best
//! of 7 runs, on the machine running `nabla activation --table`.

use std::hint::black_box;
use std::time::Instant;

use nabla_explain::activation::atlas::{Cost, TIMED_ELEMENTS};
use nabla_tensor::Activation;

/// Times the f32 forward and backward kernels of `act` (best of 7 runs of 2¹⁶ elements).
pub fn time_kernels(act: Activation) -> Cost {
    let n = TIMED_ELEMENTS;
    let x: Vec<f32> = (0..n).map(|i| (i as f32 / n as f32 - 0.5) * 16.0).collect();
    let up = vec![1.0f32; n];
    let mut y = vec![0.0f32; n];
    let mut g = vec![0.0f32; n];
    let (mut fwd, mut bwd) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..7 {
        let t = Instant::now();
        act.forward(black_box(&x), black_box(&mut y));
        fwd = fwd.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        act.backward(
            black_box(&x),
            black_box(&y),
            black_box(&up),
            black_box(&mut g),
        );
        bwd = bwd.min(t.elapsed().as_secs_f64());
    }
    black_box((&y, &g));
    Cost {
        forward_ns: fwd * 1e9 / n as f64,
        backward_ns: bwd * 1e9 / n as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timings_are_positive() {
        let cost = time_kernels(Activation::Relu);
        assert!(cost.forward_ns > 0.0 && cost.backward_ns > 0.0);
    }
}
