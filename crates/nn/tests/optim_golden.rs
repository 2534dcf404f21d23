//! Golden tests: nabla's optimizers, schedules and gradient clipping against PyTorch traces.
//!
//! The fixtures are written by `tools/oracles/torch/optimizers.py` (torch.optim, float64,
//! single-tensor path) and record every point of 200-step runs of every optimizer on every
//! test function, from PyTorch's defaults and from non-default hyperparameters. Every point must
//! agree to 1e-9 relative; the defaults PyTorch used must equal nabla's.

use std::path::PathBuf;

use nabla_nn::optim::{clip_grad_norm, HyperValue, LrSchedule, LrScheduler, OptimizerConfig};
use nabla_nn::TestFunction;
use serde_json::Value;

const REL_TOL: f64 = 1e-9;

fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

fn hyper_pairs(v: &Value) -> Vec<(String, HyperValue)> {
    v.as_object()
        .expect("an object")
        .iter()
        .map(|(k, v)| {
            let hv = match v {
                Value::Bool(b) => HyperValue::Flag(*b),
                other => HyperValue::Number(other.as_f64().expect("a number")),
            };
            (k.clone(), hv)
        })
        .collect()
}

/// Relative difference with a floor of 1e-12 on the scale (points converging to 0).
fn rel_diff(actual: f64, expected: f64) -> f64 {
    (actual - expected).abs() / expected.abs().max(1e-12)
}

fn schedule_of(spec: &Value) -> LrSchedule {
    let num = |k: &str| spec[k].as_f64().expect(k);
    let int = |k: &str| spec[k].as_u64().expect(k);
    match spec["kind"].as_str().expect("kind") {
        "step" => LrSchedule::Step {
            step_size: int("step_size"),
            gamma: num("gamma"),
        },
        "exponential" => LrSchedule::Exponential {
            gamma: num("gamma"),
        },
        "cosine" => LrSchedule::CosineAnnealing {
            t_max: int("t_max"),
            eta_min: num("eta_min"),
        },
        "linear" => LrSchedule::Linear {
            start_factor: num("start_factor"),
            end_factor: num("end_factor"),
            total_iters: int("total_iters"),
        },
        other => panic!("unknown schedule {other}"),
    }
}

/// Runs one fixture case and returns the largest relative deviation from PyTorch's points.
fn replay(case: &Value) -> f64 {
    let name = case["optimizer"].as_str().expect("optimizer");
    let overrides = hyper_pairs(&case["overrides"]);
    let borrowed: Vec<(&str, HyperValue)> =
        overrides.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let config = OptimizerConfig::from_name(name, &borrowed).expect("valid configuration");

    // The hyperparameters PyTorch ran with (its defaults plus the overrides) are nabla's.
    let mut ours = config.hyperparameters();
    let mut theirs: Vec<(String, HyperValue)> = hyper_pairs(&case["hyperparameters"]);
    ours.sort_by(|a, b| a.0.cmp(b.0));
    theirs.sort_by(|a, b| a.0.cmp(&b.0));
    let ours: Vec<(String, HyperValue)> =
        ours.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    assert_eq!(
        ours, theirs,
        "{name} {overrides:?}: hyperparameters differ from PyTorch's"
    );

    let function = TestFunction::from_name(case["function"].as_str().expect("function")).unwrap();
    let xs = numbers(&case["x"]);
    let ys = numbers(&case["y"]);
    let mut optimizer = config.build::<f64>().unwrap();
    let mut scheduler = case
        .get("schedule")
        .filter(|s| !s.is_null())
        .map(|s| LrScheduler::new(schedule_of(s), optimizer.learning_rate()).unwrap());
    if let Some(s) = scheduler.as_ref() {
        s.apply(optimizer.as_mut()); // LinearLR starts from lr·start_factor
    }
    let clip = case.get("clip").and_then(Value::as_f64);
    let mut p = [xs[0], ys[0]];
    let mut worst = 0.0f64;
    for step in 1..xs.len() {
        let mut g = function.gradient(p[0], p[1]).to_vec();
        if let Some(max_norm) = clip {
            clip_grad_norm(&mut [&mut g[..]], max_norm).unwrap();
        }
        optimizer.step(&mut [&mut p[..]], &[&g[..]]).unwrap();
        if let Some(s) = scheduler.as_mut() {
            s.step();
            s.apply(optimizer.as_mut());
        }
        for (actual, expected) in [(p[0], xs[step]), (p[1], ys[step])] {
            let d = rel_diff(actual, expected);
            assert!(
                d <= REL_TOL,
                "{name} {overrides:?} on {} from {:?}, step {step}: {actual} vs PyTorch {expected} \
                 (relative difference {d:e})",
                function.name(),
                (xs[0], ys[0]),
            );
            worst = worst.max(d);
        }
    }
    worst
}

#[test]
fn every_optimizer_reproduces_pytorch_on_every_test_function() {
    let data = fixture("optim_trajectories.json");
    let cases = data["cases"].as_array().expect("cases");
    let steps = data["steps"].as_u64().expect("steps") as usize;
    assert!(steps >= 200);
    let mut worst = 0.0f64;
    let mut covered = std::collections::BTreeSet::new();
    for case in cases {
        assert_eq!(case["x"].as_array().unwrap().len(), steps + 1);
        worst = worst.max(replay(case));
        let defaults = case["overrides"].as_object().unwrap().is_empty();
        covered.insert((
            case["optimizer"].as_str().unwrap().to_string(),
            case["function"].as_str().unwrap().to_string(),
            defaults,
        ));
    }
    // All ten optimizers × all four functions, from the defaults and from other settings.
    for name in nabla_nn::optim::OPTIMIZER_NAMES {
        for function in nabla_nn::TEST_FUNCTION_NAMES {
            for defaults in [true, false] {
                assert!(
                    covered.contains(&(name.to_string(), function.to_string(), defaults)),
                    "no fixture for {name} on {function} (defaults: {defaults})"
                );
            }
        }
    }
    eprintln!(
        "{} trajectories, largest relative difference {worst:e}",
        cases.len()
    );
}

#[test]
fn optimizers_with_schedules_and_clipping_reproduce_pytorch() {
    let data = fixture("optim_trajectories.json");
    let pipelines = data["pipelines"].as_array().expect("pipelines");
    assert!(!pipelines.is_empty());
    for case in pipelines {
        replay(case);
    }
}

#[test]
fn schedules_reproduce_pytorch() {
    let data = fixture("optim_schedules.json");
    for case in data["cases"].as_array().expect("cases") {
        let schedule = schedule_of(&case["schedule"]);
        let expected = numbers(&case["lr"]);
        let base = case["base_lr"].as_f64().unwrap();
        let mut s = LrScheduler::new(schedule, base).unwrap();
        let mut actual = vec![s.lr()];
        for _ in 1..expected.len() {
            actual.push(s.step());
        }
        for (epoch, (a, e)) in actual.iter().zip(&expected).enumerate() {
            assert!(
                (a - e).abs() <= 1e-12 * e.abs().max(1e-300),
                "{schedule:?} epoch {epoch}: {a} vs PyTorch {e}"
            );
        }
    }
}

#[test]
fn clipping_reproduces_pytorch() {
    let data = fixture("optim_clip.json");
    for case in data["cases"].as_array().expect("cases") {
        let max_norm = case["max_norm"].as_f64().unwrap();
        let mut grads: Vec<Vec<f64>> = case["grads"]
            .as_array()
            .unwrap()
            .iter()
            .map(numbers)
            .collect();
        let expected: Vec<Vec<f64>> = case["clipped"]
            .as_array()
            .unwrap()
            .iter()
            .map(numbers)
            .collect();
        let mut slices: Vec<&mut [f64]> = grads.iter_mut().map(|g| &mut g[..]).collect();
        let norm = clip_grad_norm(&mut slices, max_norm).unwrap();
        let want = case["total_norm"].as_f64().unwrap();
        assert!(
            (norm - want).abs() <= 1e-12 * want.max(1e-300),
            "norm {norm} vs {want}"
        );
        for (g, e) in grads.iter().zip(&expected) {
            for (a, b) in g.iter().zip(e) {
                assert!(
                    (a - b).abs() <= 1e-12 * b.abs().max(1e-300),
                    "{a} vs PyTorch {b}"
                );
            }
        }
    }
}

/// Rosenbrock with plain SGD at a large rate overflows; the optimizer must keep stepping without
/// panicking and the caller detects the non-finite point (as `nabla optimize` does).
#[test]
fn divergence_is_detectable_not_a_panic() {
    let f = TestFunction::Rosenbrock;
    let config = OptimizerConfig::from_name("sgd", &[("lr", HyperValue::Number(0.01))]).unwrap();
    let mut sgd = config.build::<f64>().unwrap();
    let mut p = [-1.5, 2.0];
    let mut diverged_at = None;
    for step in 1..=200 {
        let g = f.gradient(p[0], p[1]);
        sgd.step(&mut [&mut p[..]], &[&g[..]]).unwrap();
        if !(p[0].is_finite() && p[1].is_finite() && f.value(p[0], p[1]).is_finite()) {
            diverged_at = Some(step);
            break;
        }
    }
    let step = diverged_at.expect("SGD at lr 0.01 diverges on Rosenbrock");
    assert!(step < 20, "diverged only at step {step}");
}

/// The same optimizers in f32 (the trainer's element type) follow the f64 trajectories to f32
/// accuracy on the well-conditioned quadratic.
#[test]
fn f32_runs_track_the_f64_runs() {
    let f = TestFunction::Quadratic;
    for name in nabla_nn::optim::OPTIMIZER_NAMES {
        let config = OptimizerConfig::from_name(name, &[]).unwrap();
        let mut o64 = config.build::<f64>().unwrap();
        let mut o32 = config.build::<f32>().unwrap();
        let mut p64 = [1.5f64, 0.8];
        let mut p32 = [1.5f32, 0.8];
        for step in 1..=200 {
            let g64 = f.gradient(p64[0], p64[1]);
            let g = f.gradient(f64::from(p32[0]), f64::from(p32[1]));
            let g32 = [g[0] as f32, g[1] as f32];
            o64.step(&mut [&mut p64[..]], &[&g64[..]]).unwrap();
            o32.step(&mut [&mut p32[..]], &[&g32[..]]).unwrap();
            for k in 0..2 {
                let d = (f64::from(p32[k]) - p64[k]).abs();
                assert!(
                    d < 1e-4 * p64[k].abs().max(1e-2),
                    "{name} step {step}: f32 {} vs f64 {}",
                    p32[k],
                    p64[k]
                );
            }
        }
    }
}

/// Step timing on 670k f32 parameters (the size of a 784-512-512-10 MLP); compare with
/// `python3 tools/oracles/torch/optimizers.py --timing`. Run with
/// `cargo test --release -p nabla-nn --test optim_golden -- --ignored --nocapture step_timing`.
#[test]
#[ignore = "a timing, not a check"]
fn step_timing() {
    let n = 670_000;
    for name in nabla_nn::optim::OPTIMIZER_NAMES {
        let mut opt = OptimizerConfig::from_name(name, &[])
            .unwrap()
            .build::<f32>()
            .unwrap();
        let mut p: Vec<f32> = (0..n).map(|i| (i as f32).sin()).collect();
        let g: Vec<f32> = (0..n).map(|i| (i as f32).cos() * 1e-2).collect();
        for _ in 0..3 {
            opt.step(&mut [&mut p[..]], &[&g[..]]).unwrap();
        }
        let mut best = f64::INFINITY;
        for _ in 0..5 {
            let start = std::time::Instant::now();
            for _ in 0..20 {
                opt.step(&mut [&mut p[..]], &[&g[..]]).unwrap();
            }
            best = best.min(start.elapsed().as_secs_f64() * 1e3 / 20.0);
        }
        println!("{name:<9} {best:.3} ms per step");
    }
}
