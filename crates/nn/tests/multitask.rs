//! Multi-task learning: masking, the balancing methods' definitions, and training end to end.

use nabla_nn::data::{Dataset, Standardizer, Target};
use nabla_nn::init::seeded;
use nabla_nn::multitask::*;
use nabla_nn::optim::{HyperValue, OptimizerConfig};
use nabla_nn::train::{Objective, TrainConfig, TrainMetrics};
use nabla_tensor::grad_check::check_gradients;
use nabla_tensor::{Activation, Tape, Tensor};

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Six rows, two features; task `a` (3 classes) labelled on rows 0, 2, 3, 5; task `b`
/// (regression) on rows 0, 1, 2; task `c` (binary) on no row at all.
fn toy() -> (Dataset, Vec<Task>) {
    let a = Target::classes(
        "a",
        names(&["x", "y", "z"]),
        vec![Some(0), None, Some(2), Some(1), None, Some(2)],
    )
    .unwrap();
    let b = Target::regression(
        "b",
        vec![Some(1.5), Some(-0.5), Some(0.25), None, None, None],
    )
    .unwrap();
    let c = Target::binary("c", ["no".into(), "yes".into()], vec![None; 6]).unwrap();
    let features = vec![
        0.1, -1.0, 0.7, 0.3, -0.4, 1.1, 1.3, -0.2, -0.9, 0.5, 0.2, 0.8,
    ];
    let ds = Dataset::new("toy", names(&["p", "q"]), features, vec![a, b, c]).unwrap();
    let tasks = vec![
        Task::new("a", Objective::Classes { classes: 3 }),
        Task::new(
            "b",
            Objective::Regression {
                mean: 0.0,
                std: 1.0,
            },
        ),
        Task::new("c", Objective::Binary),
    ];
    (ds, tasks)
}

fn toy_model(tasks: Vec<Task>, seed: u64) -> MultiTaskModel<f64> {
    let config = MultiTaskConfig {
        inputs: 2,
        shared: vec![4],
        head_hidden: vec![3],
        activation: Activation::Tanh,
        tasks,
        ..MultiTaskConfig::default()
    };
    MultiTaskModel::new(&config, seed).unwrap()
}

#[test]
fn a_task_with_no_labels_gets_zero_loss_and_zero_gradient() {
    let (ds, tasks) = toy();
    let data = MultiTaskData::<f64>::new(&ds, &tasks).unwrap();
    let model = toy_model(tasks.clone(), 1);
    let tape = Tape::new();
    let params = model.bind(&tape);
    let batch: Vec<usize> = (0..6).collect();
    let x = tape.constant(data.x().index_select(0, &batch).unwrap());
    let fwd = model.forward_t(&params, x, true, &mut seeded(0)).unwrap();
    let (pos_c, y_c) = data.batch_labels(2, &batch).unwrap();
    assert!(pos_c.is_empty() && y_c.numel() == 0);
    assert!(
        masked_loss(fwd.outputs[2], tasks[2].objective, &pos_c, &y_c)
            .unwrap()
            .is_none()
    );
    let (pos_a, y_a) = data.batch_labels(0, &batch).unwrap();
    let la = masked_loss(fwd.outputs[0], tasks[0].objective, &pos_a, &y_a)
        .unwrap()
        .unwrap();
    let grads = tape.backward(la).unwrap();
    for i in model.head_range(2).chain(model.head_range(1)) {
        assert!(
            grads.get(params[i]).is_none(),
            "{}",
            model.parameter_names()[i]
        );
    }
    assert!(grads.get(params[0]).is_some());
}

#[test]
fn rows_without_a_label_add_nothing_to_that_task() {
    // Task a's masked loss over a batch of all six rows equals its loss computed on the four
    // labelled rows alone, value and gradient (the trunk has no dropout: same forward).
    let (ds, tasks) = toy();
    let data = MultiTaskData::<f64>::new(&ds, &tasks).unwrap();
    let model = toy_model(tasks.clone(), 2);
    let run = |batch: &[usize]| {
        let tape = Tape::new();
        let params = model.bind(&tape);
        let x = tape.constant(data.x().index_select(0, batch).unwrap());
        let fwd = model.forward_t(&params, x, true, &mut seeded(0)).unwrap();
        let (pos, y) = data.batch_labels(0, batch).unwrap();
        let l = masked_loss(fwd.outputs[0], tasks[0].objective, &pos, &y)
            .unwrap()
            .unwrap();
        let g = tape.backward(l).unwrap();
        let grads: Vec<Vec<f64>> = params
            .iter()
            .map(|&p| g.get(p).map_or(vec![], |t| t.to_f64_vec()))
            .collect();
        (l.value().item().unwrap(), grads)
    };
    let (all_loss, all_grads) = run(&[0, 1, 2, 3, 4, 5]);
    let (some_loss, some_grads) = run(&[0, 2, 3, 5]);
    assert!((all_loss - some_loss).abs() < 1e-15);
    for (a, b) in all_grads.iter().zip(&some_grads) {
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < 1e-15);
        }
    }
}

fn sgd(epochs: usize, balance: Balance) -> MultiTaskTrainConfig {
    MultiTaskTrainConfig {
        train: TrainConfig {
            epochs,
            batch_size: 4,
            seed: 3,
            optimizer: OptimizerConfig::from_name("adam", &[("lr", HyperValue::Number(0.01))])
                .unwrap(),
            ..TrainConfig::default()
        },
        balance,
        weights: vec![],
    }
}

#[test]
fn training_never_moves_the_head_of_a_task_without_labels() {
    let (ds, tasks) = toy();
    let data = MultiTaskData::<f64>::new(&ds, &tasks).unwrap();
    for name in Balance::NAMES {
        let mut model = toy_model(tasks.clone(), 4);
        let before = model.clone();
        let report = fit_multitask(
            &mut model,
            &data,
            None,
            &sgd(5, Balance::parse(name).unwrap()),
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(model.heads()[2], before.heads()[2], "{name}");
        assert_ne!(model.heads()[0], before.heads()[0], "{name}");
        assert_ne!(model.trunk(), before.trunk(), "{name}");
        let last = report.history.last().unwrap();
        assert!(last.train[2].is_none(), "{name}");
        assert!(last.train[1].unwrap().mse.is_some(), "{name}");
    }
}

#[test]
fn uncertainty_weighting_gradients_match_finite_differences() {
    let constants = [0.5, 1.0, 1.0];
    // Inputs: three task losses (scalars standing in for L_t) and s = log σ².
    let inputs = [
        Tensor::scalar(0.8),
        Tensor::scalar(2.3),
        Tensor::scalar(0.05),
        Tensor::from_vec(vec![0.3, -1.2, 0.9], &[3]).unwrap(),
    ];
    let report = check_gradients(
        |_, v| {
            let losses = [Some(v[0]), Some(v[1]), Some(v[2])];
            Ok(uncertainty_loss(&losses, v[3], &constants)?.unwrap())
        },
        &inputs,
        1e-6,
    )
    .unwrap();
    assert!(report.passes(1e-9, 1e-7), "{report:?}");
    // And the closed forms: ∂/∂L_t = c_t e^{−s_t}, ∂/∂s_t = −c_t e^{−s_t} L_t + 1/2.
    let tape = Tape::<f64>::new();
    let vars: Vec<_> = inputs.iter().map(|t| tape.param(t.clone())).collect();
    let losses = [Some(vars[0]), None, Some(vars[2])];
    let total = uncertainty_loss(&losses, vars[3], &constants)
        .unwrap()
        .unwrap();
    let s = [0.3f64, -1.2, 0.9];
    let l = [0.8, 2.3, 0.05];
    let expected = 0.5 * (-s[0]).exp() * l[0] + s[0] / 2.0 + (-s[2]).exp() * l[2] + s[2] / 2.0;
    assert!((total.value().item().unwrap() - expected).abs() < 1e-15);
    let g = tape.backward(total).unwrap();
    let gs = g.get(vars[3]).unwrap().to_f64_vec();
    assert!((gs[0] - (-0.5 * (-s[0]).exp() * l[0] + 0.5)).abs() < 1e-15);
    assert_eq!(gs[1], 0.0, "an absent task's s gets no gradient");
    assert!((gs[2] - (-(-s[2]).exp() * l[2] + 0.5)).abs() < 1e-15);
    assert!((g.get(vars[0]).unwrap().item().unwrap() - 0.5 * (-s[0]).exp()).abs() < 1e-15);
    assert!(g.get(vars[1]).is_none());
}

#[test]
fn gradnorm_update_matches_a_hand_computed_step() {
    // w = (0.5, 1.5), n = (2, 1): G = (1, 1.5), Ḡ = 1.25.
    // L̃ = (0.6/1, 0.2/0.5) = (0.6, 0.4), mean 0.5, r = (1.2, 0.8); α = 1: targets (1.5, 1.0).
    // G − target = (−0.5, +0.5): L_grad = 1; w ← (0.5 + 0.1·2, 1.5 − 0.1·1) = (0.7, 1.4);
    // renormalised to sum 2: (2/3, 4/3).
    let step = gradnorm_update(
        &[0.5, 1.5],
        &[
            GradNormInput {
                task: 0,
                grad_norm: 2.0,
                loss: 0.6,
                initial_loss: 1.0,
            },
            GradNormInput {
                task: 1,
                grad_norm: 1.0,
                loss: 0.2,
                initial_loss: 0.5,
            },
        ],
        1.0,
        0.1,
    );
    assert!((step.loss - 1.0).abs() < 1e-15);
    assert!(
        (step.weights[0] - 2.0 / 3.0).abs() < 1e-15,
        "{:?}",
        step.weights
    );
    assert!(
        (step.weights[1] - 4.0 / 3.0).abs() < 1e-15,
        "{:?}",
        step.weights
    );

    // α = 2 with three tasks, one absent: r = (1.2, 0.8), targets Ḡ·r² = (1.8, 0.8);
    // G − target = (−0.8, +0.7); w ← (0.7, 1.4, 1.0) → ×3/3.1.
    let step = gradnorm_update(
        &[0.5, 1.5, 1.0],
        &[
            GradNormInput {
                task: 0,
                grad_norm: 2.0,
                loss: 0.6,
                initial_loss: 1.0,
            },
            GradNormInput {
                task: 1,
                grad_norm: 1.0,
                loss: 0.2,
                initial_loss: 0.5,
            },
        ],
        2.0,
        0.1,
    );
    assert!((step.loss - 1.5).abs() < 1e-12);
    for (w, e) in step.weights.iter().zip([0.7, 1.4, 1.0]) {
        assert!((w - e * 3.0 / 3.1).abs() < 1e-15, "{:?}", step.weights);
    }

    // A step that would make a weight negative floors it at 1e-6 before renormalising.
    let step = gradnorm_update(
        &[0.1, 1.9],
        &[
            GradNormInput {
                task: 0,
                grad_norm: 5.0,
                loss: 1.0,
                initial_loss: 1.0,
            },
            GradNormInput {
                task: 1,
                grad_norm: 0.0,
                loss: 1.0,
                initial_loss: 1.0,
            },
        ],
        1.5,
        1.0,
    );
    // G = (0.5, 0), Ḡ = 0.25, r = 1: G − target = (0.25, −0.25); w₀ = 0.1 − 5 < 0 → 1e-6.
    let total = 1e-6 + 1.9;
    assert!((step.weights[0] - 1e-6 * 2.0 / total).abs() < 1e-18);
    assert!((step.weights[1] - 1.9 * 2.0 / total).abs() < 1e-15);
}

#[test]
fn pcgrad_projects_a_constructed_conflict() {
    // g₁ = (1, 0), g₂ = (−1, 1): g₁·g₂ = −1 < 0.
    // g₁ − (−1/2)·g₂ = (1/2, 1/2);  g₂ − (−1/1)·g₁ = (0, 1);  sum (1/2, 3/2).
    let g = vec![vec![1.0, 0.0], vec![-1.0, 1.0]];
    assert_eq!(pcgrad(&g, &mut seeded(7)), vec![0.5, 1.5]);
    // Scaling one task's gradient scales what is projected off the other, not the direction:
    // g₁ = (2, 0): g₁ − (−2/2)·g₂ = (1, 1); g₂ − (−2/4)·g₁ = (0, 1); sum (1, 2).
    let g = vec![vec![2.0, 0.0], vec![-1.0, 1.0]];
    assert_eq!(pcgrad(&g, &mut seeded(7)), vec![1.0, 2.0]);
}

#[test]
fn pcgrad_visits_other_tasks_in_a_seeded_random_order() {
    // With three tasks the order matters; the same seed gives the same result, and every
    // result is one of the orders computed directly.
    let g = vec![
        vec![1.0, 0.2, 0.0],
        vec![-0.8, 1.0, 0.3],
        vec![-0.5, -0.9, 1.0],
    ];
    let project = |t: usize, order: &[usize]| {
        let mut pc = g[t].clone();
        for &j in order {
            let d: f64 = pc.iter().zip(&g[j]).map(|(a, b)| a * b).sum();
            let n: f64 = g[j].iter().map(|b| b * b).sum();
            if d < 0.0 {
                for (p, q) in pc.iter_mut().zip(&g[j]) {
                    *p -= d / n * q;
                }
            }
        }
        pc
    };
    let candidates = |t: usize| {
        let others: Vec<usize> = (0..3).filter(|&j| j != t).collect();
        [project(t, &others), project(t, &[others[1], others[0]])]
    };
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..20 {
        let a = pcgrad(&g, &mut seeded(seed));
        assert_eq!(a, pcgrad(&g, &mut seeded(seed)));
        let mut matched = false;
        for c0 in candidates(0) {
            for c1 in candidates(1) {
                for c2 in candidates(2) {
                    let sum: Vec<f64> = (0..3).map(|k| c0[k] + c1[k] + c2[k]).collect();
                    if sum.iter().zip(&a).all(|(x, y)| (x - y).abs() < 1e-12) {
                        matched = true;
                    }
                }
            }
        }
        assert!(matched, "{a:?}");
        seen.insert(a.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
    }
    assert!(seen.len() > 1, "the order should vary with the seed");
}

fn penguins() -> (MultiTaskData<f64>, MultiTaskData<f64>, Vec<Task>) {
    let ds = Dataset::by_name("penguins").unwrap();
    let (_, mut parts) = ds.split(&nabla_nn::data::SplitConfig::default()).unwrap();
    let scaler = Standardizer::fit(&parts.train).unwrap();
    scaler.transform(&mut parts.train).unwrap();
    scaler.transform(&mut parts.test).unwrap();
    let tasks: Vec<Task> = parts
        .train
        .targets()
        .iter()
        .map(|t| Task::new(t.name(), Objective::fit(t)))
        .collect();
    (
        MultiTaskData::new(&parts.train, &tasks).unwrap(),
        MultiTaskData::new(&parts.test, &tasks).unwrap(),
        tasks,
    )
}

#[test]
fn every_balance_learns_penguins_and_repeats_bit_for_bit() {
    let (train, test, tasks) = penguins();
    let config = MultiTaskConfig {
        inputs: 3,
        shared: vec![16],
        head_hidden: vec![8],
        tasks,
        ..MultiTaskConfig::default()
    };
    for name in Balance::NAMES {
        let run = || {
            let mut model = MultiTaskModel::<f64>::new(&config, 1).unwrap();
            let mut tc = sgd(40, Balance::parse(name).unwrap());
            tc.train.batch_size = 16;
            let report = fit_multitask(&mut model, &train, Some(&test), &tc, &mut |_| {}).unwrap();
            (model, report)
        };
        let (model, report) = run();
        let (again, _) = run();
        assert_eq!(model, again, "{name}");
        let last = report.history.last().unwrap();
        let test_metrics = last.validation.as_ref().unwrap();
        let species = test_metrics[0].unwrap().accuracy.unwrap();
        let mass = test_metrics[2].unwrap().r_squared.unwrap();
        assert!(species > 0.9, "{name}: species accuracy {species}");
        assert!(mass > 0.6, "{name}: body mass R² {mass}");
        let sum: f64 = last.state.weights.iter().sum();
        match name {
            "fixed" | "pcgrad" => assert_eq!(last.state.weights, vec![1.0; 3]),
            "gradnorm" => assert!((sum - 3.0).abs() < 1e-12, "{:?}", last.state.weights),
            _ => {
                let s = last.state.log_variances.as_ref().unwrap();
                for ((w, s), c) in last.state.weights.iter().zip(s).zip([1.0, 1.0, 0.5]) {
                    assert!((w - c * (-s).exp()).abs() < 1e-12);
                }
            }
        }
    }
}

#[test]
fn bad_weights_are_errors() {
    let (ds, tasks) = toy();
    let data = MultiTaskData::<f64>::new(&ds, &tasks).unwrap();
    let mut model = toy_model(tasks, 0);
    let mut c = sgd(1, Balance::Fixed);
    c.weights = vec![1.0, 2.0];
    assert!(fit_multitask(&mut model, &data, None, &c, &mut |_| {}).is_err());
    c.weights = vec![1.0, -2.0, 1.0];
    assert!(fit_multitask(&mut model, &data, None, &c, &mut |_| {}).is_err());
    c.balance = Balance::Uncertainty;
    c.weights = vec![1.0, 1.0, 1.0];
    assert!(fit_multitask(&mut model, &data, None, &c, &mut |_| {}).is_err());
}

/// Two full-batch SGD steps under every balancing method against PyTorch
/// (`tools/oracles/torch/multitask.py`): the task losses, the balanced loss, the task weights
/// (and learned log-variances) after each step, and every weight after both steps.
#[test]
fn two_sgd_steps_match_pytorch_under_every_balance() {
    use nabla_nn::layers::{Linear, Mlp};
    use serde_json::Value;

    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/multitask_steps.json"
    ))
    .unwrap();
    let fx: Value = serde_json::from_str(&text).unwrap();
    let floats = |v: &Value| -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let matrix =
        |v: &Value| -> Vec<f64> { v.as_array().unwrap().iter().flat_map(floats).collect() };
    let layers = |v: &Value| -> Vec<Linear<f64>> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|l| {
                let w = &l["weight"];
                let (o, i) = (w.as_array().unwrap().len(), w[0].as_array().unwrap().len());
                Linear::from_parts(
                    Tensor::from_vec(matrix(w), &[o, i]).unwrap(),
                    Tensor::from_vec(floats(&l["bias"]), &[o]).unwrap(),
                )
                .unwrap()
            })
            .collect()
    };
    let mlp = |v: &Value| Mlp::from_layers(layers(v), Activation::Tanh, 0.0).unwrap();
    let x = matrix(&fx["x"]);
    let label = |t: &str| -> Vec<Option<f64>> {
        fx["labels"][t]
            .as_array()
            .unwrap()
            .iter()
            .map(Value::as_f64)
            .collect()
    };
    let as_labels = |v: Vec<Option<f64>>| v.iter().map(|l| l.map(|l| l as usize)).collect();
    let targets = vec![
        Target::classes("a", names(&["0", "1", "2"]), as_labels(label("a"))).unwrap(),
        Target::binary("b", ["0".into(), "1".into()], as_labels(label("b"))).unwrap(),
        Target::regression("c", label("c")).unwrap(),
    ];
    let ds = Dataset::new("fixture", names(&["x0", "x1", "x2"]), x, targets).unwrap();
    let objective = |t: &str| match t {
        "a" => Objective::Classes { classes: 3 },
        "b" => Objective::Binary,
        _ => Objective::Regression {
            mean: 0.0,
            std: 1.0,
        },
    };
    let close = |a: f64, b: f64, what: &str| {
        assert!(
            (a - b).abs() <= 1e-12 * b.abs().max(1.0),
            "{what}: nabla {a}, PyTorch {b}"
        );
    };
    for case in fx["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let task_names: Vec<&str> = case["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        let tasks: Vec<Task> = task_names
            .iter()
            .map(|t| Task::new(*t, objective(t)))
            .collect();
        let heads = task_names.iter().map(|t| mlp(&fx["heads"][*t])).collect();
        let mut model =
            MultiTaskModel::from_parts(mlp(&fx["trunk"]), heads, tasks.clone()).unwrap();
        let data = MultiTaskData::<f64>::new(&ds, &tasks).unwrap();
        let config = MultiTaskTrainConfig {
            train: TrainConfig {
                epochs: 2,
                batch_size: 12,
                optimizer: OptimizerConfig::from_name("sgd", &[("lr", HyperValue::Number(0.1))])
                    .unwrap(),
                train_metrics: TrainMetrics::Full,
                ..TrainConfig::default()
            },
            balance: Balance::parse(name).unwrap(),
            weights: if case["weights"].is_null() {
                vec![]
            } else {
                floats(&case["weights"])
            },
        };
        // The losses each step starts from, recorded through the epoch reports' training
        // metrics of the step before (and the fixture's first losses from the initial model).
        let initial = data.metrics(&model.predict(data.x()).unwrap()).unwrap();
        let report = fit_multitask(&mut model, &data, None, &config, &mut |_| {}).unwrap();
        let losses = case["losses"].as_array().unwrap();
        for (t, m) in initial.iter().enumerate() {
            close(
                m.unwrap().loss,
                losses[0][t].as_f64().unwrap(),
                &format!("{name} L_{t} step 1"),
            );
        }
        for (t, m) in report.history[0].train.iter().enumerate() {
            close(
                m.unwrap().loss,
                losses[1][t].as_f64().unwrap(),
                &format!("{name} L_{t} step 2"),
            );
        }
        for (step, epoch) in report.history.iter().enumerate() {
            close(
                epoch.loss,
                case["balanced"][step].as_f64().unwrap(),
                &format!("{name} balanced loss, step {}", step + 1),
            );
            for (w, e) in epoch
                .state
                .weights
                .iter()
                .zip(floats(&case["task_weights"][step]))
            {
                close(*w, e, &format!("{name} task weight, step {}", step + 1));
            }
            if name == "uncertainty" {
                let s = epoch.state.log_variances.as_ref().unwrap();
                for (a, e) in s.iter().zip(floats(&case["log_variances"][step])) {
                    close(*a, e, &format!("{name} log variance, step {}", step + 1));
                }
            }
        }
        let expected = MultiTaskModel::from_parts(
            mlp(&case["trunk"]),
            task_names.iter().map(|t| mlp(&case["heads"][*t])).collect(),
            tasks,
        )
        .unwrap();
        for ((a, e), n) in model
            .parameters()
            .iter()
            .zip(expected.parameters())
            .zip(model.parameter_names())
        {
            for (x, y) in a.data().iter().zip(e.data()) {
                close(*x, *y, &format!("{name} {n}"));
            }
        }
    }
}
