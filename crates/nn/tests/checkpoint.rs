//! Exact resume: a run of 20 epochs and a run of 10 epochs resumed (through the checkpoint
//! file's bytes) to 20 end with the same weights and history bit for bit — for every optimizer,
//! with dropout, a schedule and early stopping, and for every multi-task balancing.

use nabla_nn::data::prepare::{tensors, Preparation, Prepared};
use nabla_nn::data::Dataset;
use nabla_nn::layers::{Mlp, MlpConfig};
use nabla_nn::multitask::*;
use nabla_nn::optim::{LrSchedule, OptimizerConfig, OPTIMIZER_NAMES};
use nabla_nn::train::{
    fit_resumable, Checkpoint, EpochReport, Examples, FitReport, TrainConfig, TrainStep,
};
use nabla_tensor::Float;

/// `history` without its clock readings.
fn timeless<M: Clone, S: Clone>(history: &[EpochReport<M, S>]) -> Vec<EpochReport<M, S>> {
    history
        .iter()
        .map(|e| EpochReport {
            seconds: 0.0,
            ..e.clone()
        })
        .collect()
}

/// A run's report and its last checkpoint.
type Outcome<M, S> = (FitReport<M, S>, Option<Checkpoint<M, S>>);

/// Trains `model` for `config.epochs` from `from`, returning the report and the last
/// checkpoint written (none when no epoch was left to run), after a round trip through the
/// file's bytes.
fn run<T, D, L>(
    model: &mut L,
    train: &D,
    validation: Option<&D>,
    config: &TrainConfig,
    from: Option<Checkpoint<L::Metrics, L::State>>,
) -> Outcome<L::Metrics, L::State>
where
    T: Float,
    D: ?Sized,
    L: TrainStep<T, D>,
    L::Metrics: serde::Serialize + serde::de::DeserializeOwned,
    L::State: serde::Serialize + serde::de::DeserializeOwned,
{
    let mut last = None;
    let mut keep = |c: &Checkpoint<L::Metrics, L::State>| {
        let bytes = c.to_bytes(&serde_json::json!({"run": "test"}))?;
        let (back, run) = Checkpoint::from_bytes(&bytes)?;
        assert_eq!(run["run"], "test");
        last = Some(back);
        Ok(())
    };
    let report = fit_resumable(
        model,
        train,
        validation,
        config,
        from,
        &mut |_| {},
        Some(&mut keep),
    )
    .unwrap();
    (report, last)
}

#[test]
fn every_optimizer_resumes_bit_for_bit_with_dropout_schedule_and_early_stopping() {
    let preparation = Preparation {
        validation_fraction: 0.2,
        seed: 1,
        ..Preparation::default()
    };
    let p = Prepared::new(Dataset::by_name("wine").unwrap(), &preparation).unwrap();
    let (x, y) = tensors::<f32>(&p.split.train, p.objective).unwrap();
    let (vx, vy) = tensors::<f32>(p.split.validation.as_ref().unwrap(), p.objective).unwrap();
    let train = Examples::new(p.objective, &x, &y);
    let validation = Examples::new(p.objective, &vx, &vy);
    let mlp = MlpConfig {
        widths: vec![13, 12, 8, 3],
        dropout: 0.2,
        ..MlpConfig::default()
    };
    for name in OPTIMIZER_NAMES {
        for (schedule, patience) in [(None, None), (Some("cosine:7:0.0001"), Some(3))] {
            let config = |epochs| TrainConfig {
                epochs,
                batch_size: 16,
                seed: 4,
                optimizer: OptimizerConfig::default_for(name).unwrap(),
                schedule: schedule.map(|s| LrSchedule::parse(s).unwrap()),
                patience,
                clip_norm: Some(5.0),
                ..TrainConfig::default()
            };
            let mut whole = Mlp::<f32>::new(&mlp, 4).unwrap();
            let (all, _) = run(&mut whole, &train, Some(&validation), &config(20), None);
            let mut first = Mlp::<f32>::new(&mlp, 4).unwrap();
            let (_, at10) = run(&mut first, &train, Some(&validation), &config(10), None);
            // The resumed model starts from other weights: the checkpoint must set them all.
            let mut resumed = Mlp::<f32>::new(&mlp, 99).unwrap();
            let (rest, _) = run(&mut resumed, &train, Some(&validation), &config(20), at10);
            let what = format!("{name}, schedule {schedule:?}, patience {patience:?}");
            assert_eq!(resumed, whole, "{what}");
            assert_eq!(timeless(&rest.history), timeless(&all.history), "{what}");
            assert_eq!(
                (rest.best_epoch, rest.stopped_early),
                (all.best_epoch, all.stopped_early),
                "{what}"
            );
        }
    }
}

#[test]
fn every_balancing_resumes_bit_for_bit() {
    let penguins = Dataset::by_name("penguins").unwrap();
    let (split, _) = nabla_nn::data::prepare::split_standardized(
        &penguins,
        &Preparation {
            validation_fraction: 0.2,
            ..Preparation::default()
        },
    )
    .unwrap();
    let tasks: Vec<Task> = split
        .train
        .targets()
        .iter()
        .map(|t| Task::new(t.name(), nabla_nn::train::Objective::fit(t)))
        .collect();
    let train = MultiTaskData::<f64>::new(&split.train, &tasks).unwrap();
    let validation = MultiTaskData::<f64>::new(split.validation.as_ref().unwrap(), &tasks).unwrap();
    let model_config = MultiTaskConfig {
        inputs: 3,
        shared: vec![8],
        head_hidden: vec![4],
        dropout: 0.1,
        tasks: tasks.clone(),
        ..MultiTaskConfig::default()
    };
    for name in Balance::NAMES {
        let config = |epochs| MultiTaskTrainConfig {
            train: TrainConfig {
                epochs,
                batch_size: 32,
                seed: 2,
                schedule: Some(LrSchedule::parse("step:3:0.7").unwrap()),
                patience: Some(4),
                ..TrainConfig::default()
            },
            balance: Balance::parse(name).unwrap(),
            weights: vec![],
        };
        let learner = |seed| {
            let model = MultiTaskModel::<f64>::new(&model_config, seed).unwrap();
            MultiTaskLearner::new(model, &config(20)).unwrap()
        };
        let mut whole = learner(2);
        let (all, _) = run(
            &mut whole,
            &train,
            Some(&validation),
            &config(20).train,
            None,
        );
        let mut first = learner(2);
        let (_, at10) = run(
            &mut first,
            &train,
            Some(&validation),
            &config(10).train,
            None,
        );
        let mut resumed = learner(77);
        let (rest, _) = run(
            &mut resumed,
            &train,
            Some(&validation),
            &config(20).train,
            at10,
        );
        assert_eq!(resumed.model(), whole.model(), "{name}");
        assert_eq!(timeless(&rest.history), timeless(&all.history), "{name}");
    }
}

#[test]
fn a_checkpoint_that_does_not_fit_is_refused() {
    let p = Prepared::new(Dataset::by_name("iris").unwrap(), &Preparation::default()).unwrap();
    let (x, y) = tensors::<f64>(&p.split.train, p.objective).unwrap();
    let data = Examples::new(p.objective, &x, &y);
    let small = MlpConfig {
        widths: vec![4, 5, 3],
        ..MlpConfig::default()
    };
    let config = |epochs| TrainConfig {
        epochs,
        ..TrainConfig::default()
    };
    let (_, at3) = run(
        &mut Mlp::<f64>::new(&small, 0).unwrap(),
        &data,
        None,
        &config(3),
        None,
    );
    let wider = MlpConfig {
        widths: vec![4, 6, 3],
        ..MlpConfig::default()
    };
    let mut other = Mlp::<f64>::new(&wider, 0).unwrap();
    let err = fit_resumable(
        &mut other,
        &data,
        None,
        &config(5),
        at3.clone(),
        &mut |_| {},
        None,
    )
    .unwrap_err();
    assert!(err.to_string().contains("holds 20 numbers"), "{err}");
    let mut same = Mlp::<f64>::new(&small, 0).unwrap();
    let err =
        fit_resumable(&mut same, &data, None, &config(2), at3, &mut |_| {}, None).unwrap_err();
    assert!(err.to_string().contains("has run 3 epochs"), "{err}");
    let err = Checkpoint::<nabla_nn::train::Metrics, ()>::from_bytes(b"not a file").unwrap_err();
    assert!(err.to_string().contains("not a safetensors file"), "{err}");
}
