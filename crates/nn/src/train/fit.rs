//! The training loop.
//!
//! Each epoch shuffles the training rows (seeded by `(seed, epoch)`), and for every mini-batch
//! records the forward pass on a fresh tape, takes the gradients, optionally clips them by global
//! norm, and lets the optimizer update the weights in place. A non-finite loss stops training with
//! [`Error::Diverged`] naming the epoch and batch. With a validation part and `patience`, training
//! stops once the validation loss has not improved for `patience` epochs, and the best weights are
//! restored.

use std::time::Instant;

use nabla_tensor::loss::Reduction;
use nabla_tensor::{Float, Tape, Tensor};

use super::{evaluate, Metrics, Objective};
use crate::data::Batches;
use crate::init;
use crate::layers::Mlp;
use crate::optim::{clip_grad_norm, LrSchedule, LrScheduler, Optimizer, OptimizerConfig};
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
pub struct EpochReport {
    /// The epoch, from 1.
    pub epoch: usize,
    /// Metrics on the training rows after the epoch (evaluation mode).
    pub train: Metrics,
    /// Metrics on the validation rows, when there are any.
    pub validation: Option<Metrics>,
    /// The learning rate used during the epoch.
    pub lr: f64,
    /// Seconds spent in the epoch's training steps.
    pub seconds: f64,
}

/// Progress reported while training.
#[derive(Clone, Copy, Debug)]
pub enum Event<'a> {
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
    Epoch(&'a EpochReport),
}

/// The outcome of [`fit`].
#[derive(Clone, Debug, PartialEq)]
pub struct FitReport {
    /// One entry per epoch run.
    pub history: Vec<EpochReport>,
    /// True when early stopping ended training before `epochs`.
    pub stopped_early: bool,
    /// The epoch whose weights the model holds (the best validation epoch with early stopping,
    /// otherwise the last).
    pub best_epoch: usize,
    /// Seconds spent training (steps and per-epoch evaluation).
    pub seconds: f64,
}

/// Trains `model` on `train = (x, y)` (targets as [`Objective::targets`] makes them), reporting
/// progress through `on_event`.
///
/// # Errors
/// [`Error::Diverged`] for a non-finite loss; [`Error::InvalidParameter`] for a zero batch
/// size, zero epochs, or patience without validation data; shape errors when the data do not fit.
pub fn fit<T: Float>(
    model: &mut Mlp<T>,
    objective: Objective,
    train: (&Tensor<T>, &Tensor<T>),
    validation: Option<(&Tensor<T>, &Tensor<T>)>,
    config: &TrainConfig,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<FitReport> {
    check(config, validation.is_some())?;
    let started = Instant::now();
    let (x, y) = train;
    let rows = x.shape()[0];
    let mut optimizer = config.optimizer.build::<T>()?;
    let mut scheduler = config
        .schedule
        .map(|s| LrScheduler::new(s, config.optimizer.lr()))
        .transpose()?;
    let mut rng = init::seeded(config.seed ^ 0x9E37_79B9_7F4A_7C15);
    let mut history = Vec::with_capacity(config.epochs);
    let mut best: Option<(f64, usize, Mlp<T>)> = None;
    let mut stopped_early = false;

    for epoch in 1..=config.epochs {
        let epoch_start = Instant::now();
        let lr = optimizer.learning_rate();
        let batches = Batches::shuffled(rows, config.batch_size, config.seed, epoch as u64 - 1)?;
        let mut loss_sum = 0.0;
        for (b, indices) in batches.iter().enumerate() {
            let xb = x.index_select(0, indices)?;
            let yb = y.index_select(0, indices)?;
            let loss = train_step(
                model,
                optimizer.as_mut(),
                objective,
                xb,
                yb,
                config.clip_norm,
                &mut rng,
            )?;
            if !loss.is_finite() {
                return Err(Error::Diverged {
                    epoch,
                    batch: b + 1,
                    loss,
                });
            }
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
            train: evaluate(model, objective, x, y)?,
            validation: validation
                .map(|(vx, vy)| evaluate(model, objective, vx, vy))
                .transpose()?,
            lr,
            seconds,
        };
        on_event(Event::Epoch(&report));
        let validation_loss = report.validation.map(|m| m.loss);
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

/// One training step on the mini-batch `(xb, yb)`: forward, backward, optional clipping by
/// global norm, optimizer update. Returns the batch loss; a non-finite loss leaves the weights
/// untouched.
///
/// # Errors
/// Shape errors when the batch does not fit the model; optimizer errors.
pub fn train_step<T: Float>(
    model: &mut Mlp<T>,
    optimizer: &mut dyn Optimizer<T>,
    objective: Objective,
    xb: Tensor<T>,
    yb: Tensor<T>,
    clip_norm: Option<f64>,
    rng: &mut rand_chacha::ChaCha8Rng,
) -> Result<f64> {
    let (loss, mut grads) = step_gradients(model, objective, xb, yb, rng)?;
    if !loss.is_finite() {
        return Ok(loss);
    }
    if let Some(max_norm) = clip_norm {
        let mut slices: Vec<&mut [T]> = grads.iter_mut().map(Tensor::data_mut).collect();
        clip_grad_norm(&mut slices, max_norm)?;
    }
    let grad_slices: Vec<&[T]> = grads.iter().map(Tensor::data).collect();
    let mut params: Vec<&mut [T]> = model
        .parameters_mut()
        .into_iter()
        .map(Tensor::data_mut)
        .collect();
    optimizer.step(&mut params, &grad_slices)?;
    Ok(loss)
}

/// One forward and backward pass on a fresh tape: the batch loss and the gradient of every
/// parameter, in [`Mlp::parameters`] order. The tape is dropped before returning, so the
/// optimizer can update the weights in place without copying them.
fn step_gradients<T: Float>(
    model: &Mlp<T>,
    objective: Objective,
    xb: Tensor<T>,
    yb: Tensor<T>,
    rng: &mut rand_chacha::ChaCha8Rng,
) -> Result<(f64, Vec<Tensor<T>>)> {
    let tape = Tape::new();
    let params = model.bind(&tape);
    let out = model.forward_t(&params, tape.constant(xb), true, rng)?;
    let loss = out.loss(tape.constant(yb), objective.loss(), Reduction::Mean)?;
    let value = loss.value().item()?.to_f64();
    let mut grads = tape.backward(loss)?;
    let tensors = params
        .iter()
        .map(|&p| grads.take(p).unwrap_or_else(|| Tensor::zeros(&p.shape())))
        .collect();
    Ok((value, tensors))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::MlpConfig;
    use crate::optim::HyperValue;
    use nabla_tensor::Activation;

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
                Objective::Binary,
                (&x, &y),
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
        let train = TrainConfig {
            epochs: 50,
            batch_size: 4,
            optimizer: OptimizerConfig::from_name("sgd", &[("lr", HyperValue::Number(1e6))])
                .unwrap(),
            ..TrainConfig::default()
        };
        let err = fit(
            &mut mlp,
            Objective::Regression {
                mean: 0.0,
                std: 1.0,
            },
            (&x, &y),
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
            Objective::Binary,
            (&x, &y),
            Some((&x, &flipped)),
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
