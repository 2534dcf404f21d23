//! Multi-task model files: round trips in both dtypes, each task's path predicting exactly as
//! its head, the metrics of training, and truncations, byte flips and random corruptions that
//! are errors naming the file, never panics.

use nabla_nn::data::{Standardizer, Target};
use nabla_nn::model_file::{
    Model, ModelFileProblem, MultiTask, MultiTaskNetwork, SavedModel, TargetInfo,
};
use nabla_nn::multitask::{MultiTaskConfig, MultiTaskData, MultiTaskModel, Task};
use nabla_nn::train::Objective;
use nabla_nn::Error;
use nabla_tensor::{Activation, Float, Tensor};
use rand::Rng;

fn tasks() -> (Vec<Task>, Vec<TargetInfo>) {
    let regression = Objective::Regression {
        mean: 10.0,
        std: 2.5,
    };
    let tasks = vec![
        Task::new("kind", Objective::Classes { classes: 3 }),
        Task::new("ok", Objective::Binary),
        Task::new("size", regression),
    ];
    let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let targets = vec![
        TargetInfo::new("kind".into(), tasks[0].objective, names(&["a", "b", "c"])).unwrap(),
        TargetInfo::new("ok".into(), Objective::Binary, names(&["no", "yes"])).unwrap(),
        TargetInfo::new("size".into(), regression, vec![]).unwrap(),
    ];
    (tasks, targets)
}

fn network<T: Float>(dropout: f64, head: Vec<usize>) -> MultiTaskModel<T> {
    let (tasks, _) = tasks();
    let config = MultiTaskConfig {
        inputs: 2,
        shared: vec![5, 4],
        head_hidden: head,
        activation: Activation::LeakyRelu { alpha: 0.2 },
        dropout,
        tasks,
        ..MultiTaskConfig::default()
    };
    MultiTaskModel::new(&config, 7).unwrap()
}

fn file<T: Float>(net: &MultiTaskModel<T>) -> MultiTask {
    let scaler = Standardizer::from_parts(
        vec!["x".into(), "y".into()],
        vec![1.0, -2.0],
        vec![0.5, 3.0],
    )
    .unwrap();
    MultiTask::new(MultiTaskNetwork::new(net), scaler, tasks().1).unwrap()
}

fn load(bytes: &[u8]) -> nabla_nn::Result<SavedModel> {
    SavedModel::from_bytes("mt.safetensors", bytes)
}

#[test]
fn multitask_files_round_trip_and_each_task_predicts_as_its_head() {
    let x = [0.3, -1.1, 0.8, 2.0, -0.4, 0.0];
    for (dropout, head) in [(0.0, vec![3]), (0.25, vec![]), (0.1, vec![3, 2])] {
        let f32s = file(&network::<f32>(dropout, head.clone()));
        let f64s = file(&network::<f64>(dropout, head.clone()));
        for (m, dtype) in [(&f32s, "float32"), (&f64s, "float64")] {
            let bytes = m.to_bytes().unwrap();
            assert_eq!(bytes, m.to_bytes().unwrap(), "saving is deterministic");
            let SavedModel::MultiTask(back) = load(&bytes).unwrap() else {
                panic!("a multi-task file loads as one")
            };
            assert_eq!(&back, m);
            assert_eq!(back.dtype(), dtype);
            assert_eq!(back.head_widths(), head);
            // The single-task reader says what the file is.
            let Err(Error::ModelFile { problem, .. }) = Model::from_bytes("mt", &bytes) else {
                panic!("a multi-task file is not a single-task model")
            };
            assert!(matches!(
                problem,
                ModelFileProblem::NotSingleTask { tasks: 3 }
            ));
            let tensor = Tensor::<f64>::from_vec(x.to_vec(), &[3, 2]).unwrap();
            let outs: Vec<Tensor<f64>> = match back.network() {
                MultiTaskNetwork::F32(n) => n
                    .predict(&tensor.cast())
                    .unwrap()
                    .iter()
                    .map(|t| t.cast())
                    .collect(),
                MultiTaskNetwork::F64(n) => n.predict(&tensor).unwrap(),
            };
            for (t, out) in outs.iter().enumerate() {
                assert_eq!(&back.task_model(t).outputs(&x).unwrap(), out, "task {t}");
            }
        }
    }
}

#[test]
fn evaluate_gives_the_metrics_training_computes_over_the_labelled_rows() {
    let net = network::<f32>(0.0, vec![3]);
    let m = file(&net);
    let x = [0.3, -1.1, 0.8, 2.0, -0.4, 0.0, 1.5, 0.2];
    let kind = Target::classes(
        "kind",
        vec!["a".into(), "b".into(), "c".into()],
        vec![Some(0), None, Some(2), Some(1)],
    )
    .unwrap();
    let ok = Target::binary(
        "ok",
        ["no".into(), "yes".into()],
        vec![None, Some(1), Some(0), None],
    )
    .unwrap();
    let size = Target::regression("size", vec![Some(9.0), Some(12.5), None, Some(7.0)]).unwrap();
    let ds = nabla_nn::data::Dataset::new(
        "toy",
        vec!["x".into(), "y".into()],
        x.to_vec(),
        vec![kind.clone(), ok.clone(), size.clone()],
    )
    .unwrap();
    let data = MultiTaskData::<f32>::new(&ds, net.tasks()).unwrap();
    let trained = data.metrics(&net.predict(data.x()).unwrap()).unwrap();
    let got = m
        .evaluate(&x, &[Some(&kind), Some(&ok), Some(&size)])
        .unwrap();
    assert_eq!(got, trained);
    let without = m.evaluate(&x, &[Some(&kind), None, Some(&size)]).unwrap();
    assert_eq!(without[1], None);
    assert_eq!(without[2], trained[2]);
}

#[test]
fn truncations_byte_flips_and_random_corruptions_never_panic() {
    let bytes = file(&network::<f32>(0.2, vec![2])).to_bytes().unwrap();
    for len in 0..bytes.len() {
        let Err(Error::ModelFile { path, problem }) = load(&bytes[..len]) else {
            panic!("a truncated file loads (len {len})")
        };
        assert_eq!(path, "mt.safetensors");
        assert!(
            matches!(problem, ModelFileProblem::Safetensors(_)),
            "len {len}"
        );
    }
    let mut loaded = 0;
    for i in 0..bytes.len() {
        for mask in [0xff_u8, 0x01, 0x20] {
            let mut b = bytes.clone();
            b[i] ^= mask;
            match load(&b) {
                Ok(SavedModel::MultiTask(m)) => {
                    loaded += 1;
                    assert_eq!(m.shared_widths(), [2, 5, 4]);
                }
                Ok(SavedModel::Single(_)) => panic!("a flip made a single-task model"),
                Err(e) => assert!(e.to_string().contains("mt.safetensors"), "{e}"),
            }
        }
    }
    assert!(loaded > 0, "flips in the weights load as other weights");
    let mut rng = nabla_nn::init::seeded(12);
    for _ in 0..2000 {
        let mut b = bytes.clone();
        for _ in 0..rng.gen_range(1..8) {
            let i = rng.gen_range(0..b.len());
            b[i] = rng.gen();
        }
        let _ = load(&b);
    }
}
