//! Property tests: every differentiable op's autodiff gradient against central finite differences
//! in f64, on random shapes (broadcasting included) and random values.
//!
//! Functions with kinks (abs, clamp, max, relu, ...) are probed away from their kinks, where the
//! finite difference is meaningful.

use nabla_tensor::grad_check::check_gradients;
use nabla_tensor::loss::Reduction;
use nabla_tensor::{Activation, LossKind, Result, Tape, Tensor, Var};
use proptest::prelude::*;

const STEP: f64 = 1e-6;
const RTOL: f64 = 1e-6;
const ATOL: f64 = 1e-8;

/// A random shape of rank 1–3 with sizes 1–4.
fn shape() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..=4, 1..=3)
}

/// A tensor of `shape` with values in `range`, kept at least `gap` away from every `kink`.
fn tensor_away_from(
    shape: Vec<usize>,
    range: std::ops::Range<f64>,
    kinks: &'static [f64],
    gap: f64,
) -> impl Strategy<Value = Tensor<f64>> {
    let n: usize = shape.iter().product();
    prop::collection::vec(range, n).prop_map(move |mut data| {
        for v in &mut data {
            for &k in kinks {
                if (*v - k).abs() < gap {
                    *v = k + gap * if *v >= k { 1.0 } else { -1.0 };
                }
            }
        }
        Tensor::from_vec(data, &shape).unwrap()
    })
}

fn tensor(shape: Vec<usize>) -> impl Strategy<Value = Tensor<f64>> {
    tensor_away_from(shape, -2.0..2.0, &[], 0.0)
}

/// A shape and a second shape that broadcasts against it (some axes set to 1 or dropped).
fn broadcast_pair() -> impl Strategy<Value = (Vec<usize>, Vec<usize>)> {
    shape().prop_flat_map(|a| {
        let rank = a.len();
        (
            Just(a.clone()),
            prop::collection::vec(any::<bool>(), rank),
            0..=rank,
        )
            .prop_map(|(a, ones, drop)| {
                let b: Vec<usize> = a
                    .iter()
                    .zip(&ones)
                    .map(|(&d, &one)| if one { 1 } else { d })
                    .skip(drop.min(a.len() - 1))
                    .collect();
                (a, b)
            })
    })
}

fn assert_gradients<F>(f: F, inputs: &[Tensor<f64>])
where
    F: for<'t> Fn(&'t Tape<f64>, &[Var<'t, f64>]) -> Result<Var<'t, f64>>,
{
    let report = check_gradients(f, inputs, STEP).unwrap();
    assert!(
        report.passes(ATOL, RTOL),
        "{report:?} for inputs {inputs:?}"
    );
}

/// Reduces any value to a scalar with distinct weights per element, so every element's
/// gradient differs.
fn weighted_sum<'t>(v: Var<'t, f64>) -> Result<Var<'t, f64>> {
    let shape = v.shape();
    let n: usize = shape.iter().product();
    let weights: Vec<f64> = (0..n).map(|i| 0.5 + (i as f64 * 0.37).sin()).collect();
    let w = v.tape().constant(Tensor::from_vec(weights, &shape)?);
    v.mul(w)?.sum(None, false)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn binary_ops_with_broadcasting((sa, sb) in broadcast_pair(), seed in 0u64..1000) {
        let a = Tensor::from_vec((0..sa.iter().product::<usize>()).map(|i| ((i as f64 + seed as f64) * 0.71).sin() * 2.0).collect(), &sa).unwrap();
        let b = Tensor::from_vec((0..sb.iter().product::<usize>()).map(|i| 1.5 + ((i as f64 + seed as f64) * 1.3).cos()).collect(), &sb).unwrap();
        assert_gradients(|_, v| weighted_sum(v[0].add(v[1])?), &[a.clone(), b.clone()]);
        assert_gradients(|_, v| weighted_sum(v[1].sub(v[0])?), &[a.clone(), b.clone()]);
        assert_gradients(|_, v| weighted_sum(v[0].mul(v[1])?), &[a.clone(), b.clone()]);
        assert_gradients(|_, v| weighted_sum(v[0].div(v[1])?), &[a.clone(), b.clone()]);
        // b ∈ [0.5, 2.5] and a ∈ [-2, 2]: ties are measure-zero; keep them apart.
        let shifted = a.shift(3.1);
        assert_gradients(|_, v| weighted_sum(v[0].maximum(v[1])?), &[shifted.clone(), b.clone()]);
        assert_gradients(|_, v| weighted_sum(v[0].minimum(v[1])?), &[shifted, b]);
    }

    #[test]
    fn unary_math(x in shape().prop_flat_map(|s| tensor_away_from(s, -2.0..2.0, &[0.0, -1.0, 1.0], 1e-2))) {
        assert_gradients(|_, v| weighted_sum(-v[0]), std::slice::from_ref(&x));
        assert_gradients(|_, v| weighted_sum(v[0].exp()), std::slice::from_ref(&x));
        assert_gradients(|_, v| weighted_sum(v[0].abs()), std::slice::from_ref(&x));
        assert_gradients(|_, v| weighted_sum(v[0].clamp(-1.0, 1.0)), std::slice::from_ref(&x));
        assert_gradients(|_, v| weighted_sum(v[0].scale(-2.5).shift(0.3)), std::slice::from_ref(&x));
        let positive = x.abs().shift(0.1);
        assert_gradients(|_, v| weighted_sum(v[0].log()), std::slice::from_ref(&positive));
        assert_gradients(|_, v| weighted_sum(v[0].sqrt()), std::slice::from_ref(&positive));
        assert_gradients(|_, v| weighted_sum(v[0].powf(2.5)), &[positive]);
        assert_gradients(|_, v| weighted_sum(v[0].powf(3.0)), &[x]);
    }

    #[test]
    fn every_activation(x in shape().prop_flat_map(|s| tensor_away_from(s, -4.0..4.0, &[0.0, -3.0, 3.0, 6.0], 1e-2))) {
        for &activation in Activation::all() {
            if activation == Activation::Step {
                continue; // piecewise constant: its derivative is 0 by definition
            }
            assert_gradients(move |_, v| weighted_sum(v[0].activation(activation)), std::slice::from_ref(&x));
        }
        for alpha in [0.2, 1.7] {
            for activation in [Activation::LeakyRelu { alpha }, Activation::Elu { alpha }] {
                assert_gradients(move |_, v| weighted_sum(v[0].activation(activation)), std::slice::from_ref(&x));
            }
        }
    }

    #[test]
    fn swish_with_learned_beta(x in shape().prop_flat_map(tensor), beta in -2.0f64..3.0) {
        assert_gradients(|_, v| weighted_sum(v[0].swish_learned(v[1])?), &[x, Tensor::from_vec(vec![beta], &[1]).unwrap()]);
    }

    #[test]
    fn matrix_products(m in 1usize..5, k in 1usize..5, n in 1usize..5, batch in 1usize..3, seed in 0u64..100) {
        let fill = |len: usize, s: f64| (0..len).map(|i| ((i as f64 + s) * 0.83).sin()).collect::<Vec<_>>();
        let s = seed as f64;
        let a = Tensor::from_vec(fill(m * k, s), &[m, k]).unwrap();
        let b = Tensor::from_vec(fill(k * n, s + 5.0), &[k, n]).unwrap();
        assert_gradients(|_, v| weighted_sum(v[0].matmul(v[1])?), &[a, b.clone()]);
        let ab = Tensor::from_vec(fill(batch * m * k, s + 1.0), &[batch, m, k]).unwrap();
        let bb = Tensor::from_vec(fill(batch * k * n, s + 2.0), &[batch, k, n]).unwrap();
        assert_gradients(|_, v| weighted_sum(v[0].matmul(v[1])?), &[ab.clone(), bb]);
        assert_gradients(|_, v| weighted_sum(v[0].matmul(v[1])?), &[ab.clone(), b]);
        let w = Tensor::from_vec(fill(n * k, s + 3.0), &[n, k]).unwrap();
        let bias = Tensor::from_vec(fill(n, s + 4.0), &[n]).unwrap();
        assert_gradients(|_, v| weighted_sum(v[0].linear(v[1], Some(v[2]))?), &[ab.clone(), w.clone(), bias]);
        assert_gradients(|_, v| weighted_sum(v[0].linear(v[1], None)?), &[ab, w]);
    }

    #[test]
    fn reductions(x in shape().prop_flat_map(tensor), axis_pick in 0usize..3, keepdim in any::<bool>()) {
        let axis = axis_pick % x.rank();
        for axis in [Some(axis), None] {
            assert_gradients(move |_, v| weighted_sum(v[0].sum(axis, keepdim)?), std::slice::from_ref(&x));
            assert_gradients(move |_, v| weighted_sum(v[0].mean(axis, keepdim)?), std::slice::from_ref(&x));
            assert_gradients(move |_, v| weighted_sum(v[0].logsumexp(axis, keepdim)?), std::slice::from_ref(&x));
            // Random values have no ties, so max/min are differentiable there.
            assert_gradients(move |_, v| weighted_sum(v[0].max(axis, keepdim)?), std::slice::from_ref(&x));
            assert_gradients(move |_, v| weighted_sum(v[0].min(axis, keepdim)?), std::slice::from_ref(&x));
        }
        assert_gradients(move |_, v| weighted_sum(v[0].softmax(axis)?), std::slice::from_ref(&x));
        assert_gradients(move |_, v| weighted_sum(v[0].log_softmax(axis)?), &[x]);
    }

    #[test]
    fn layout_ops(x in prop::collection::vec(1usize..=4, 2..=3).prop_flat_map(tensor), seed in 0usize..100) {
        let rank = x.rank();
        let perm: Vec<usize> = (0..rank).map(|i| (i + seed) % rank).collect();
        let shape = x.shape().to_vec();
        let flat = x.numel();
        assert_gradients(|_, v| weighted_sum(v[0].reshape(&[flat])?), std::slice::from_ref(&x));
        assert_gradients(|_, v| weighted_sum(v[0].permute(&perm)?), std::slice::from_ref(&x));
        assert_gradients(|_, v| weighted_sum(v[0].transpose(0, rank - 1)?), std::slice::from_ref(&x));
        let axis = seed % rank;
        let size = shape[axis];
        let first = seed % size;
        assert_gradients(|_, v| {
            let parts = v[0].split(&[first, size - first], axis)?;
            weighted_sum(Var::concat(&[parts[1], parts[0], parts[1]], axis)?)
        }, std::slice::from_ref(&x));
        let picks: Vec<usize> = (0..5).map(|i| (i * 7 + seed) % size).collect();
        assert_gradients(|_, v| weighted_sum(v[0].index_select(axis, &picks)?), std::slice::from_ref(&x));
        let mut index_shape = shape.clone();
        index_shape[axis] = 2;
        let count: usize = index_shape.iter().product();
        let indices: Vec<usize> = (0..count).map(|i| (i * 3 + seed) % size).collect();
        assert_gradients(|_, v| weighted_sum(v[0].gather(axis, &indices, &index_shape)?), &[x]);
    }

    #[test]
    fn losses(rows in 1usize..5, classes in 2usize..5, seed in 0u64..1000) {
        let s = seed as f64;
        let n = rows * classes;
        let logits = Tensor::from_vec((0..n).map(|i| ((i as f64 + s) * 0.91).sin() * 3.0).collect(), &[rows, classes]).unwrap();
        let probs = logits.map(|v| 1.0 / (1.0 + (-v).exp()));
        let targets = Tensor::from_vec((0..n).map(|i| ((i as f64 * 1.7 + s).cos() + 1.0) / 2.0).collect(), &[rows, classes]).unwrap();
        let indices = Tensor::from_vec((0..rows).map(|i| ((i + seed as usize) % classes) as f64).collect(), &[rows]).unwrap();
        for reduction in [Reduction::Mean, Reduction::Sum, Reduction::None] {
            for (kind, input, target) in [
                (LossKind::Mse, &logits, &targets),
                (LossKind::Bce, &probs, &targets),
                (LossKind::BceWithLogits, &logits, &targets),
                (LossKind::CrossEntropySoft, &logits, &targets),
                (LossKind::CrossEntropyIndices, &logits, &indices),
            ] {
                let target = target.clone();
                assert_gradients(move |tape, v| {
                    let t = tape.constant(target.clone());
                    weighted_sum(v[0].loss(t, kind, reduction)?)
                }, std::slice::from_ref(input));
            }
        }
    }
}

#[test]
fn a_value_used_twice_collects_both_gradients() {
    let x = Tensor::from_vec(vec![0.3, -0.7, 1.1], &[3]).unwrap();
    assert_gradients(
        |_, v| {
            let s = v[0].activation(Activation::Sigmoid);
            weighted_sum(s.mul(v[0])?.add(s.exp())?)
        },
        &[x],
    );
}
