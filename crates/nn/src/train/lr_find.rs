//! The learning-rate range test: train for a few hundred mini-batches while the learning rate
//! grows exponentially from tiny to huge, and read a good rate off the loss curve.
//!
//! The method is Leslie Smith's ("Cyclical Learning Rates for Training Neural Networks",
//! WACV 2017, section 3.3), in the form fastai's `lr_find` made common:
//!
//! ```text
//! lr_i   = min_lr · (max_lr / min_lr)^(i / (steps − 1))        i = 0 … steps − 1
//! avg_i  = β·avg_{i−1} + (1 − β)·loss_i,   avg_{−1} = 0,   β = 0.98
//! s_i    = avg_i / (1 − β^(i+1))                               (bias-corrected smoothing)
//! stop   when loss_i is not finite or s_i > 4·min_{j≤i} s_j     (the loss has diverged)
//! ```
//!
//! Each step is one mini-batch of the training rows, cycling through them in a fresh seeded
//! order every pass, with the optimizer's rate set to `lr_i` before the step. The suggestion is
//! fastai's `valley`: the longest stretch over which the smoothed loss keeps falling (a longest
//! decreasing subsequence), and a rate two thirds of the way down it, after leaving out the first
//! tenth of the steps and the last five, where the curve is noise or divergence.
//!
//! The model is trained by the test; train a fresh one with the rate it suggests.

use super::step::apply_gradients;
use super::TrainStep;
use crate::data::Batches;
use crate::init;
use crate::optim::OptimizerConfig;
use crate::{Error, Result};
use nabla_tensor::Float;

/// How to run the range test.
#[derive(Clone, Debug)]
pub struct LrFindConfig {
    /// The first learning rate.
    pub min_lr: f64,
    /// The last learning rate (reached only if the loss never diverges).
    pub max_lr: f64,
    /// Mini-batches, one per rate.
    pub steps: usize,
    /// Rows per mini-batch.
    pub batch_size: usize,
    /// Seeds the batch order and the dropout masks.
    pub seed: u64,
    /// The optimizer whose rate is swept (its own `lr` is ignored).
    pub optimizer: OptimizerConfig,
}

/// The outcome of [`lr_find`].
#[derive(Clone, Debug, PartialEq)]
pub struct LrFind {
    /// The rate of every step taken.
    pub lrs: Vec<f64>,
    /// The smoothed loss after every step taken.
    pub losses: Vec<f64>,
    /// The suggested rate (`None` when too few steps were taken to read one).
    pub suggested_lr: Option<f64>,
    /// True when the loss diverged before `steps`.
    pub diverged: bool,
}

/// The smoothing factor β of the loss.
pub const SMOOTHING: f64 = 0.98;

/// Divergence: a smoothed loss this many times the best so far.
pub const DIVERGENCE: f64 = 4.0;

/// Runs the range test on `model` with the rows of `train`; see the [module docs](self).
///
/// # Errors
/// [`Error::InvalidParameter`] for rates that are not `0 < min_lr < max_lr` and finite, fewer
/// than 2 steps or a zero batch size; shape errors when the data do not fit the model.
pub fn lr_find<T, D, L>(model: &mut L, train: &D, config: &LrFindConfig) -> Result<LrFind>
where
    T: Float,
    D: ?Sized,
    L: TrainStep<T, D>,
{
    check(config)?;
    let rows = model.rows(train);
    let mut optimizer = config.optimizer.build::<T>()?;
    let mut rng = init::seeded(config.seed ^ 0x9E37_79B9_7F4A_7C15);
    let ratio = config.max_lr / config.min_lr;
    let mut lrs = Vec::new();
    let mut losses = Vec::new();
    let mut avg = 0.0;
    let mut best = f64::INFINITY;
    let mut diverged = false;
    let mut pass = 0u64;
    let mut tally = L::Tally::default(); // running metrics, unread here
    'passes: loop {
        let batches = Batches::shuffled(rows, config.batch_size, config.seed, pass)?;
        for indices in batches.iter() {
            let i = lrs.len();
            if i == config.steps {
                break 'passes;
            }
            let lr = config.min_lr * ratio.powf(i as f64 / (config.steps - 1) as f64);
            optimizer.set_learning_rate(lr);
            let (loss, grads) = model.gradients(train, indices, &mut rng, &mut tally)?;
            if !loss.is_finite() {
                diverged = true;
                break 'passes;
            }
            avg = SMOOTHING * avg + (1.0 - SMOOTHING) * loss;
            let smoothed = avg / (1.0 - SMOOTHING.powi(i as i32 + 1));
            lrs.push(lr);
            losses.push(smoothed);
            best = best.min(smoothed);
            if smoothed > DIVERGENCE * best {
                diverged = true;
                break 'passes;
            }
            apply_gradients(optimizer.as_mut(), model.trainables_mut(), grads, None)?;
        }
        pass += 1;
    }
    let suggested_lr = valley(&lrs, &losses, config.steps);
    Ok(LrFind {
        lrs,
        losses,
        suggested_lr,
        diverged,
    })
}

/// fastai's `valley` suggestion on the steps kept (the first `steps / 10` and the last five
/// left out): two thirds of the way down the longest decreasing run of the smoothed loss.
fn valley(lrs: &[f64], losses: &[f64], steps: usize) -> Option<f64> {
    let start = steps / 10;
    let end = losses.len().checked_sub(5)?;
    if end <= start + 1 {
        return None;
    }
    let (lrs, losses) = (&lrs[start..end], &losses[start..end]);
    let n = losses.len();
    // lds[i]: the length of the longest decreasing subsequence ending at i.
    let mut lds = vec![1usize; n];
    // As in fastai, `max_start` is the index just before the run (−1 when it starts at 0).
    let (mut max_start, mut max_end) = (0i64, 0usize);
    for i in 1..n {
        for j in 0..i {
            if losses[i] < losses[j] && lds[i] < lds[j] + 1 {
                lds[i] = lds[j] + 1;
            }
            if lds[max_end] < lds[i] {
                max_end = i;
                max_start = max_end as i64 - lds[max_end] as i64;
            }
        }
    }
    let sections = (max_end as i64 - max_start) as f64 / 3.0;
    let index = max_start + sections as i64 + (sections / 2.0) as i64;
    usize::try_from(index)
        .ok()
        .and_then(|i| lrs.get(i).copied())
}

fn check(config: &LrFindConfig) -> Result<()> {
    let invalid = |name, value, reason| {
        Err(Error::InvalidParameter {
            name,
            value,
            reason,
        })
    };
    if !(config.min_lr > 0.0 && config.min_lr.is_finite()) {
        return invalid("min_lr", config.min_lr, "must be positive and finite");
    }
    if !(config.max_lr > config.min_lr && config.max_lr.is_finite()) {
        return invalid("max_lr", config.max_lr, "must be finite and above min_lr");
    }
    if config.steps < 2 {
        return invalid(
            "steps",
            config.steps as f64,
            "the test needs at least 2 steps",
        );
    }
    if config.batch_size == 0 {
        return invalid("batch", 0.0, "a batch holds at least one row");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::{Mlp, MlpConfig};
    use crate::train::{Examples, Objective};
    use nabla_tensor::{Activation, Tensor};

    #[test]
    fn valley_picks_the_rate_fastai_picks() {
        // Expected values from fastai's `valley` run on the same lists.
        let lrs: Vec<f64> = (0..16).map(f64::from).collect();
        let losses = [
            5.0, 4.0, 3.0, 2.0, 1.0, 0.5, 0.4, 0.3, 2.0, 3.0, 9.0, 9.0, 9.0, 9.0, 9.0,
        ];
        assert_eq!(valley(&lrs[..15], &losses, 9), Some(2.0));
        let mut later = vec![3.0];
        later.extend(losses);
        assert_eq!(valley(&lrs, &later, 9), Some(3.0));
        assert_eq!(valley(&lrs[..6], &losses[..6], 6), None);
    }

    #[test]
    fn the_rates_grow_exponentially_and_a_divergent_end_stops_the_test() {
        let x = Tensor::<f64>::from_vec((0..64).map(|i| (i % 8) as f64 / 8.0).collect(), &[32, 2])
            .unwrap();
        let y = Tensor::<f64>::from_vec(
            (0..32)
                .map(|i| ((i % 8) as f64 / 8.0) * 2.0 - 0.5)
                .collect(),
            &[32, 1],
        )
        .unwrap();
        let config = MlpConfig {
            widths: vec![2, 8, 1],
            activation: Activation::Tanh,
            ..MlpConfig::default()
        };
        let mut mlp = Mlp::new(&config, 0).unwrap();
        let objective = Objective::Regression {
            mean: 0.0,
            std: 1.0,
        };
        let run = lr_find(
            &mut mlp,
            &Examples::new(objective, &x, &y),
            &LrFindConfig {
                min_lr: 1e-4,
                max_lr: 1e4,
                steps: 100,
                batch_size: 8,
                seed: 0,
                optimizer: OptimizerConfig::default_for("sgd").unwrap(),
            },
        )
        .unwrap();
        assert!(run.diverged, "sgd at 1e4 diverges");
        assert!(run.lrs.len() < 100);
        assert_eq!(run.lrs[0], 1e-4);
        for w in run.lrs.windows(2) {
            assert!((w[1] / w[0] - 10f64.powf(8.0 / 99.0)).abs() < 1e-12);
        }
        let suggested = run.suggested_lr.unwrap();
        assert!(suggested > 1e-4 && suggested < *run.lrs.last().unwrap());
    }

    #[test]
    fn bad_settings_are_refused() {
        let config = LrFindConfig {
            min_lr: 1e-3,
            max_lr: 1e-4,
            steps: 100,
            batch_size: 8,
            seed: 0,
            optimizer: OptimizerConfig::default_for("sgd").unwrap(),
        };
        assert!(check(&config).is_err());
        assert!(check(&LrFindConfig {
            max_lr: 1.0,
            steps: 1,
            ..config.clone()
        })
        .is_err());
        assert!(check(&LrFindConfig {
            max_lr: 1.0,
            min_lr: 0.0,
            ..config
        })
        .is_err());
    }
}
