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

use web_time::Instant;

use nabla_tensor::Float;

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
        }
    }
}

/// What happened in one epoch.
#[derive(Clone, Debug, PartialEq)]
pub struct EpochReport<M = Metrics, S = ()> {
    /// The epoch, from 1.
    pub epoch: usize,
    /// The mean loss of the epoch's mini-batches (training mode: what was minimised).
    pub loss: f64,
    /// Metrics on the training rows after the epoch (evaluation mode).
    pub train: M,
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

/// Trains `model` on `train`, evaluating it on `train` and `validation` after every epoch and
/// reporting progress through `on_event`.
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

    for epoch in 1..=config.epochs {
        let epoch_start = Instant::now();
        let lr = optimizer.learning_rate();
        let batches = Batches::shuffled(rows, config.batch_size, config.seed, epoch as u64 - 1)?;
        let mut loss_sum = 0.0;
        for (b, indices) in batches.iter().enumerate() {
            let (loss, grads) = model.gradients(train, indices, &mut rng)?;
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
            train: model.evaluate(train)?,
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
                break;
            }
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
    use crate::train::{evaluate, Examples, Objective};
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
