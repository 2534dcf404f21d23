//! The training loop, one for every model: it owns the epochs, the mini-batches, the learning-rate
//! schedule, early stopping, divergence detection and the progress events; the model supplies
//! the step ([`TrainStep`]).
//!
//! Each epoch shuffles the training rows (seeded by `(seed, epoch)`), and for every mini-batch
//! the model computes the loss and gradients on a fresh tape; the loop optionally clips them by
//! global norm and lets the optimizer update the weights in place. A non-finite loss stops
//! training with [`Error::Diverged`] naming the epoch and batch. The schedule is stepped after
//! every epoch. With a validation part and `patience`, training stops once the validation loss
//! has not improved for `patience` epochs, and the best weights are restored.
//!
//! After every epoch the validation part (when there is one) is evaluated in evaluation mode.
//! The epoch's training metrics are, by default, the running metrics of its own training-mode
//! batches ([`TrainMetrics::Running`], no extra pass, as Keras reports them); with
//! [`TrainMetrics::Full`] the training rows are evaluated again in evaluation mode.

use web_time::Instant;

use nabla_tensor::Float;

use super::checkpoint::{Best, Checkpoint};
use super::step::apply_gradients;
use super::{EpochMetrics, Metrics, TrainStep};
use crate::data::Batches;
use crate::init;
use crate::optim::{LrSchedule, LrScheduler, OptimizerConfig};
use crate::{Error, Result};

/// How to train.
#[derive(Clone, Debug)]
pub struct TrainConfig {
    /// Passes over the training rows.
    pub epochs: usize,
    /// Rows per mini-batch (the last batch of an epoch may be smaller).
    pub batch_size: usize,
    /// Seeds the shuffling and the dropout masks.
    pub seed: u64,
    /// The optimizer and its hyperparameters.
    pub optimizer: OptimizerConfig,
    /// Clip gradients to this global norm before each step.
    pub clip_norm: Option<f64>,
    /// A learning-rate schedule, stepped once per epoch.
    pub schedule: Option<LrSchedule>,
    /// Stop after this many epochs without a better validation loss (needs a validation part).
    pub patience: Option<usize>,
    /// How each epoch's training metrics are measured.
    pub train_metrics: TrainMetrics,
}

/// How an epoch's training metrics are measured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrainMetrics {
    /// From the epoch's own training-mode mini-batches as they ran (dropout on, each batch
    /// judged by the weights before its step): free, and what Keras reports.
    #[default]
    Running,
    /// One more evaluation-mode pass over every training row after the epoch.
    Full,
}

impl TrainMetrics {
    /// The names, as `--train-metrics` takes them.
    pub const NAMES: [&'static str; 2] = ["running", "full"];

    /// The name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Full => "full",
        }
    }

    /// The method called `name`.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Running, Self::Full]
            .into_iter()
            .find(|m| m.name() == name)
    }
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            epochs: 30,
            batch_size: 32,
            seed: 0,
            optimizer: OptimizerConfig::default_for("adam").expect("adam is an optimizer"),
            clip_norm: None,
            schedule: None,
            patience: None,
            train_metrics: TrainMetrics::Running,
        }
    }
}

/// What happened in one epoch.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EpochReport<M = Metrics, S = ()> {
    /// The epoch, from 1.
    pub epoch: usize,
    /// The mean loss of the epoch's mini-batches (training mode: what was minimised).
    pub loss: f64,
    /// Metrics on the training rows, measured as `train_metrics` says.
    pub train: M,
    /// How `train` was measured.
    pub train_metrics: TrainMetrics,
    /// Metrics on the validation rows, when there are any.
    pub validation: Option<M>,
    /// The model's own state after the epoch (a multi-task network's task weights).
    pub state: S,
    /// The learning rate used during the epoch.
    pub lr: f64,
    /// Seconds spent in the epoch's training steps.
    pub seconds: f64,
}

/// Progress reported while training.
#[derive(Clone, Copy, Debug)]
pub enum Event<'a, M = Metrics, S = ()> {
    /// A mini-batch finished.
    Batch {
        /// The epoch, from 1.
        epoch: usize,
        /// The batch within the epoch, from 1.
        batch: usize,
        /// Batches per epoch.
        batches: usize,
        /// The mean loss of the epoch's batches so far.
        running_loss: f64,
        /// Training rows processed per second in this epoch.
        rows_per_second: f64,
    },
    /// An epoch finished.
    Epoch(&'a EpochReport<M, S>),
}

/// The outcome of [`fit`].
#[derive(Clone, Debug, PartialEq)]
pub struct FitReport<M = Metrics, S = ()> {
    /// One entry per epoch run.
    pub history: Vec<EpochReport<M, S>>,
    /// True when early stopping ended training before `epochs`.
    pub stopped_early: bool,
    /// The epoch whose weights the model holds (the best validation epoch with early stopping,
    /// otherwise the last).
    pub best_epoch: usize,
    /// Seconds spent training (steps and per-epoch evaluation).
    pub seconds: f64,
}

/// Trains `model` on `train`, measuring it on `train` (as `config.train_metrics` says) and
/// evaluating it on `validation` after every epoch, and reporting progress through `on_event`.
///
/// # Errors
/// [`Error::Diverged`] for a non-finite loss; [`Error::InvalidParameter`] for a zero batch
/// size, zero epochs, an invalid schedule, or patience without validation data; shape errors
/// when the data do not fit.
#[allow(clippy::type_complexity)]
pub fn fit<T, D, L>(
    model: &mut L,
    train: &D,
    validation: Option<&D>,
    config: &TrainConfig,
    on_event: &mut dyn FnMut(Event<'_, L::Metrics, L::State>),
) -> Result<FitReport<L::Metrics, L::State>>
where
    T: Float,
    D: ?Sized,
    L: TrainStep<T, D>,
{
    fit_resumable(model, train, validation, config, None, on_event, None)
}

/// A callback given each epoch's [`Checkpoint`] as the epoch ends (to write it).
pub type OnCheckpoint<'a, M, S> = &'a mut dyn FnMut(&Checkpoint<M, S>) -> Result<()>;

/// [`fit`], continuing from `from` (a checkpoint of a run with the same model, data and
/// settings: the epochs it holds are not run again, and its history opens the report's) and
/// handing a checkpoint to `on_checkpoint` after every epoch. `config.epochs` is the total,
/// which may be more than the run that wrote `from` had.
///
/// Resumed, the run goes on exactly as if it had never stopped: the same weights, history and
/// best epoch bit for bit (the report's `seconds` are this call's).
///
/// # Errors
/// As [`fit`]; [`Error::Checkpoint`] when `from` does not fit the model, optimizer or schedule,
/// or holds more epochs than `config.epochs`; errors of `on_checkpoint`.
#[allow(clippy::type_complexity)]
pub fn fit_resumable<T, D, L>(
    model: &mut L,
    train: &D,
    validation: Option<&D>,
    config: &TrainConfig,
    from: Option<Checkpoint<L::Metrics, L::State>>,
    on_event: &mut dyn FnMut(Event<'_, L::Metrics, L::State>),
    mut on_checkpoint: Option<OnCheckpoint<'_, L::Metrics, L::State>>,
) -> Result<FitReport<L::Metrics, L::State>>
where
    T: Float,
    D: ?Sized,
    L: TrainStep<T, D>,
{
    check(config, validation.is_some())?;
    let started = Instant::now();
    let rows = model.rows(train);
    let mut optimizer = config.optimizer.build::<T>()?;
    let mut scheduler = config
        .schedule
        .map(|s| LrScheduler::new(s, config.optimizer.lr()))
        .transpose()?;
    if let Some(s) = scheduler.as_ref() {
        s.apply(optimizer.as_mut()); // LinearLR starts from lr·start_factor
    }
    let mut rng = init::seeded(config.seed ^ 0x9E37_79B9_7F4A_7C15);
    // Grown epoch by epoch: `epochs` is the user's bound, not a size to reserve.
    let mut history = Vec::new();
    let mut best: Option<(f64, usize, L)> = None;
    let mut stopped_early = false;
    let mut done = 0;
    if let Some(from) = from {
        done = from.epoch;
        if done > config.epochs {
            return Err(Error::Checkpoint {
                reason: format!(
                    "the checkpoint has run {done} epochs, more than the {} asked for",
                    config.epochs
                ),
            });
        }
        model.load_state(&from.model)?;
        optimizer.load_state(&from.optimizer.map(|&v| T::from_f64(v)))?;
        scheduler = match (config.schedule, from.scheduler) {
            (Some(s), Some((last_epoch, lr))) => Some(LrScheduler::resume(
                s,
                config.optimizer.lr(),
                last_epoch,
                lr,
            )?),
            (None, None) => None,
            _ => {
                return Err(Error::Checkpoint {
                    reason: "the checkpoint and this run differ in having a schedule".to_string(),
                })
            }
        };
        rng.set_word_pos(from.rng_word_pos);
        if let Some(b) = from.best {
            let mut weights = model.clone();
            weights.load_state(&b.model)?;
            best = Some((b.loss, b.epoch, weights));
        }
        stopped_early = from.stopped_early;
        history = from.history;
    }

    let first = if stopped_early {
        config.epochs + 1
    } else {
        done + 1
    };
    for epoch in first..=config.epochs {
        let epoch_start = Instant::now();
        let lr = optimizer.learning_rate();
        let batches = Batches::shuffled(rows, config.batch_size, config.seed, epoch as u64 - 1)?;
        let mut loss_sum = 0.0;
        let mut tally = L::Tally::default();
        for (b, indices) in batches.iter().enumerate() {
            let (loss, grads) = model.gradients(train, indices, &mut rng, &mut tally)?;
            if !loss.is_finite() {
                return Err(Error::Diverged {
                    epoch,
                    batch: b + 1,
                    loss,
                });
            }
            apply_gradients(
                optimizer.as_mut(),
                model.trainables_mut(),
                grads,
                config.clip_norm,
            )?;
            loss_sum += loss;
            let elapsed = epoch_start.elapsed().as_secs_f64().max(1e-9);
            on_event(Event::Batch {
                epoch,
                batch: b + 1,
                batches: batches.len(),
                running_loss: loss_sum / (b + 1) as f64,
                rows_per_second: ((b * config.batch_size + indices.len()) as f64) / elapsed,
            });
        }
        let seconds = epoch_start.elapsed().as_secs_f64();
        if let Some(s) = scheduler.as_mut() {
            s.step();
            s.apply(optimizer.as_mut());
        }
        let report = EpochReport {
            epoch,
            loss: loss_sum / batches.len().max(1) as f64,
            train: match config.train_metrics {
                TrainMetrics::Running => model.running(train, &tally),
                TrainMetrics::Full => model.evaluate(train)?,
            },
            train_metrics: config.train_metrics,
            validation: validation.map(|v| model.evaluate(v)).transpose()?,
            state: model.state(),
            lr,
            seconds,
        };
        on_event(Event::Epoch(&report));
        let validation_loss = report.validation.as_ref().map(EpochMetrics::loss);
        history.push(report);
        if let (Some(patience), Some(loss)) = (config.patience, validation_loss) {
            let improved = best.as_ref().is_none_or(|(b, _, _)| loss < *b);
            if improved {
                best = Some((loss, epoch, model.clone()));
            } else if epoch - best.as_ref().map_or(0, |b| b.1) >= patience {
                stopped_early = true;
            }
        }
        if let Some(write) = on_checkpoint.as_mut() {
            write(&Checkpoint {
                epoch,
                model: model.save_state(),
                optimizer: optimizer.state().map(|&v| Float::to_f64(v)),
                scheduler: scheduler.as_ref().map(|s| (s.last_epoch(), s.lr())),
                rng_word_pos: rng.get_word_pos(),
                best: best.as_ref().map(|(loss, epoch, weights)| Best {
                    loss: *loss,
                    epoch: *epoch,
                    model: weights.save_state(),
                }),
                stopped_early,
                history: history.clone(),
            })?;
        }
        if stopped_early {
            break;
        }
    }
    let best_epoch = match best {
        Some((_, epoch, weights)) if config.patience.is_some() => {
            *model = weights;
            epoch
        }
        _ => history.len(),
    };
    Ok(FitReport {
        history,
        stopped_early,
        best_epoch,
        seconds: started.elapsed().as_secs_f64(),
    })
}

impl TrainConfig {
    /// Checks the settings a run is refused for before its first step: no epochs, an empty
    /// batch, early stopping (`patience`) without validation rows.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the setting.
    pub fn validate(&self, has_validation: bool) -> Result<()> {
        check(self, has_validation)
    }
}

fn check(config: &TrainConfig, has_validation: bool) -> Result<()> {
    let invalid = |name, value: usize, reason| Error::InvalidParameter {
        name,
        value: value as f64,
        reason,
    };
    if config.epochs == 0 {
        return Err(invalid("epochs", 0, "train for at least one epoch"));
    }
    if config.batch_size == 0 {
        return Err(invalid("batch", 0, "a batch holds at least one row"));
    }
    if config.patience.is_some() && !has_validation {
        return Err(invalid(
            "patience",
            config.patience.unwrap_or(0),
            "early stopping needs a validation split",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::{Mlp, MlpConfig};
    use crate::optim::HyperValue;
    use crate::optim::OptimizerConfig;
    use crate::train::{evaluate, Examples, Metrics, Objective};
    use nabla_tensor::Activation;
    use nabla_tensor::Tensor;

    fn xor() -> (Tensor<f64>, Tensor<f64>) {
        (
            Tensor::from_vec(vec![0., 0., 0., 1., 1., 0., 1., 1.], &[4, 2]).unwrap(),
            Tensor::from_vec(vec![0., 1., 1., 0.], &[4, 1]).unwrap(),
        )
    }

    #[test]
    fn the_same_seed_gives_the_same_weights_bit_for_bit() {
        let (x, y) = xor();
        let config = MlpConfig {
            widths: vec![2, 6, 1],
            dropout: 0.2,
            ..MlpConfig::default()
        };
        let train = TrainConfig {
            epochs: 20,
            batch_size: 2,
            ..TrainConfig::default()
        };
        let run = || {
            let mut mlp = Mlp::new(&config, 5).unwrap();
            fit(
                &mut mlp,
                &Examples::new(Objective::Binary, &x, &y),
                None,
                &train,
                &mut |_| {},
            )
            .unwrap();
            mlp
        };
        assert_eq!(run(), run());
    }

    fn close(a: Metrics, b: Metrics) {
        let near = |x: f64, y: f64| (x - y).abs() <= 1e-12 * x.abs().max(1.0);
        assert!(near(a.loss, b.loss), "{a:?} vs {b:?}");
        for (x, y) in [
            (a.accuracy, b.accuracy),
            (a.mse, b.mse),
            (a.r_squared, b.r_squared),
        ] {
            assert_eq!(x.is_some(), y.is_some(), "{a:?} vs {b:?}");
            if let (Some(x), Some(y)) = (x, y) {
                assert!(near(x, y), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn running_metrics_are_those_of_the_outputs_each_batch_trained_on() {
        // One batch per epoch and no dropout: epoch k's batch sees the weights epoch k − 1 left,
        // so its running metrics are the full pass after epoch k − 1.
        let x =
            Tensor::<f64>::from_vec((0..24).map(|i| (i as f64 * 0.37).sin()).collect(), &[8, 3])
                .unwrap();
        let regression = Objective::Regression {
            mean: 2.0,
            std: 3.0,
        };
        let y_reg =
            Tensor::from_vec((0..8).map(|i| (i as f64 * 0.9).cos()).collect(), &[8, 1]).unwrap();
        let y_cls = Tensor::from_vec(vec![0., 1., 2., 1., 0., 2., 2., 1.], &[8]).unwrap();
        for (objective, y, outputs) in [
            (regression, &y_reg, 1),
            (Objective::Classes { classes: 3 }, &y_cls, 3),
        ] {
            let config = MlpConfig {
                widths: vec![3, 5, outputs],
                activation: Activation::Tanh,
                ..MlpConfig::default()
            };
            let data = Examples::new(objective, &x, y);
            let run = |train_metrics| {
                let mut mlp = Mlp::new(&config, 2).unwrap();
                let train = TrainConfig {
                    epochs: 4,
                    batch_size: 8,
                    train_metrics,
                    optimizer: OptimizerConfig::from_name(
                        "sgd",
                        &[("lr", HyperValue::Number(0.3))],
                    )
                    .unwrap(),
                    ..TrainConfig::default()
                };
                let report = fit(&mut mlp, &data, None, &train, &mut |_| {}).unwrap();
                (mlp, report)
            };
            let (running_mlp, running) = run(TrainMetrics::Running);
            let (full_mlp, full) = run(TrainMetrics::Full);
            assert_eq!(running_mlp, full_mlp, "the measuring changes no weight");
            assert_eq!(
                full.history[3].train,
                evaluate(&full_mlp, objective, &x, y).unwrap()
            );
            let initial = evaluate(&Mlp::new(&config, 2).unwrap(), objective, &x, y).unwrap();
            close(running.history[0].train, initial);
            for k in 1..4 {
                close(running.history[k].train, full.history[k - 1].train);
                assert_eq!(running.history[k].train_metrics, TrainMetrics::Running);
                assert_eq!(full.history[k].train_metrics, TrainMetrics::Full);
            }
        }
    }

    #[test]
    fn running_metrics_weigh_each_batch_by_its_rows() {
        // Rows 5 in batches of 2, 2 and 1: the loss is the mean over rows, not over batches.
        let x =
            Tensor::<f64>::from_vec((0..10).map(|i| i as f64 / 10.0).collect(), &[5, 2]).unwrap();
        let y = Tensor::from_vec(vec![0., 1., 1., 0., 1.], &[5, 1]).unwrap();
        let config = MlpConfig {
            widths: vec![2, 3, 1],
            ..MlpConfig::default()
        };
        let train = TrainConfig {
            epochs: 1,
            batch_size: 2,
            optimizer: OptimizerConfig::from_name("sgd", &[("lr", HyperValue::Number(0.0))])
                .unwrap(),
            ..TrainConfig::default()
        };
        let mut mlp = Mlp::new(&config, 1).unwrap();
        let data = Examples::new(Objective::Binary, &x, &y);
        let report = fit(&mut mlp, &data, None, &train, &mut |_| {}).unwrap();
        // With lr 0 every batch sees the initial weights: running = full, whatever the order.
        close(
            report.history[0].train,
            evaluate(&mlp, Objective::Binary, &x, &y).unwrap(),
        );
    }

    #[test]
    fn divergence_names_the_epoch_and_batch() {
        let (x, y) = xor();
        let config = MlpConfig {
            widths: vec![2, 4, 1],
            activation: Activation::Identity,
            ..MlpConfig::default()
        };
        let mut mlp = Mlp::new(&config, 0).unwrap();
        // A bound of usize::MAX epochs reserves nothing up front: the run ends at divergence.
        let train = TrainConfig {
            epochs: usize::MAX,
            batch_size: 4,
            optimizer: OptimizerConfig::from_name("sgd", &[("lr", HyperValue::Number(1e6))])
                .unwrap(),
            ..TrainConfig::default()
        };
        let objective = Objective::Regression {
            mean: 0.0,
            std: 1.0,
        };
        let err = fit(
            &mut mlp,
            &Examples::new(objective, &x, &y),
            None,
            &train,
            &mut |_| {},
        )
        .unwrap_err();
        assert!(matches!(err, Error::Diverged { .. }), "{err}");
        assert!(err.to_string().contains("epoch"), "{err}");
    }

    #[test]
    fn early_stopping_restores_the_best_weights() {
        let (x, y) = xor();
        let config = MlpConfig {
            widths: vec![2, 8, 1],
            activation: Activation::Tanh,
            ..MlpConfig::default()
        };
        let mut mlp = Mlp::new(&config, 0).unwrap();
        let train = TrainConfig {
            epochs: 500,
            batch_size: 4,
            patience: Some(3),
            optimizer: OptimizerConfig::from_name("adam", &[("lr", HyperValue::Number(0.05))])
                .unwrap(),
            ..TrainConfig::default()
        };
        // Validating against flipped labels: the loss soon gets worse, so training stops early.
        let flipped = y.map(|v| 1.0 - v);
        let report = fit(
            &mut mlp,
            &Examples::new(Objective::Binary, &x, &y),
            Some(&Examples::new(Objective::Binary, &x, &flipped)),
            &train,
            &mut |_| {},
        )
        .unwrap();
        assert!(report.stopped_early);
        let best = report.history[report.best_epoch - 1]
            .validation
            .unwrap()
            .loss;
        let now = evaluate(&mlp, Objective::Binary, &x, &flipped)
            .unwrap()
            .loss;
        assert_eq!(best, now);
    }
}
