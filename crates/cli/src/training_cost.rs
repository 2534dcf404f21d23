//! The price of a training run, computed from its settings before any training, so that
//! `--hidden 100000000` or `--epochs 4294967296` is refused naming the flag (see
//! [`crate::limits`]) instead of aborting on an allocation or running for years:
//!
//! ```text
//! memory ≥ P·b·(2 + buffers)  +  3·min(batch, rows)·W·b  +  epochs·H
//! time   ≥ epochs · (6·P·rows / F  +  ⌈rows / batch⌉ · s)
//! ```
//! with P the network's parameters, b the bytes of one element, buffers the optimizer's state
//! per parameter (Adam: 2), W the sum of the layer widths (a row's activations), H the bytes of
//! one epoch's history, F = 10¹³ FLOP/s and s = 50 ns a step — speeds no CPU reaches, so the
//! time is a true lower bound and nothing that could finish is refused.

use nabla_nn::multitask::MultiTaskConfig;
use nabla_nn::optim::OptimizerConfig;

use crate::limits::{check_duration, check_memory};

/// Floating-point operations a second, beyond any CPU nabla runs on.
const MAX_FLOPS: f64 = 1e13;
/// The least time one optimizer step takes, even for the smallest network.
const MIN_STEP_SECONDS: f64 = 5e-8;
/// The bytes one epoch's history entry takes at least, in memory and in the JSON report.
const HISTORY_ENTRY_BYTES: f64 = 512.0;

/// One network a run trains.
#[derive(Clone)]
pub struct Network {
    /// The flag whose widths make it as large as it is (`--hidden`, `--shared`, `--head`).
    pub flag: &'static str,
    /// How errors name it (`a 64-100000000-10 network`).
    pub description: String,
    /// Trainable numbers.
    pub parameters: f64,
    /// The sum of its layer widths: the activations of one row.
    pub width_sum: f64,
}

impl Network {
    /// A multilayer perceptron with these widths, input to output; `flag` gives the hidden
    /// widths.
    pub fn mlp(flag: &'static str, widths: &[usize]) -> Network {
        let shape = widths
            .iter()
            .map(|w| w.to_string())
            .collect::<Vec<_>>()
            .join("-");
        Network {
            flag,
            description: format!("a {shape} network"),
            parameters: parameters(widths),
            width_sum: widths.iter().map(|&w| w as f64).sum(),
        }
    }

    /// A multi-task network: its trunk and every head, named after the flag with the widest
    /// layer.
    pub fn multitask(config: &MultiTaskConfig) -> Network {
        let mut trunk = vec![config.inputs];
        trunk.extend(&config.shared);
        let last = trunk.last().copied().unwrap_or(config.inputs);
        let (mut heads, mut width_sum) = (0.0, trunk.iter().map(|&w| w as f64).sum::<f64>());
        for task in &config.tasks {
            let mut head = vec![last];
            head.extend(&config.head_hidden);
            head.push(task.objective.outputs());
            heads += parameters(&head);
            width_sum += head[1..].iter().map(|&w| w as f64).sum::<f64>();
        }
        let all = parameters(&trunk) + heads;
        Network {
            // The flag with the widest layer makes the network large.
            flag: if config.shared.iter().max() >= config.head_hidden.iter().max() {
                "--shared"
            } else {
                "--head"
            },
            description: format!("a multi-task network of {} parameters", show_count(all)),
            parameters: all,
            width_sum,
        }
    }
}

/// What one run trains: networks one after another (`repeats` times over, for
/// `mtl-compare`'s seeds), each on `rows` rows.
pub struct Run<'a> {
    /// The networks, trained one after another.
    pub networks: &'a [Network],
    /// How many times the whole set is trained (1, or the seeds of a comparison).
    pub repeats: f64,
    /// Training rows.
    pub rows: usize,
    /// Rows per mini-batch.
    pub batch: usize,
    /// Epochs per network.
    pub epochs: usize,
    /// Early stopping may end the run sooner (`--patience`): `epochs` is then a bound the run
    /// may never reach, and only what each epoch costs is priced.
    pub early_stopping: bool,
    /// Bytes of one element (4 for f32).
    pub element_bytes: usize,
    /// The optimizer, for its state buffers.
    pub optimizer: &'a OptimizerConfig,
}

impl Run<'_> {
    /// Refuses a run whose memory or least time is beyond [`crate::limits`], naming the flag at
    /// fault: the network's widths, `--batch`, `--epochs`, or `repeats_flag` (`--seeds`).
    ///
    /// # Errors
    /// The first limit exceeded, as one line.
    pub fn check(&self, repeats_flag: &str) -> anyhow::Result<()> {
        let b = self.element_bytes as f64;
        let rows = self.rows.max(1) as f64;
        let batch = (self.batch.max(1) as f64).min(rows);
        let buffers = 2.0 + self.optimizer.state_buffers() as f64;
        for network in self.networks {
            let what = format!("training {}", network.description);
            check_memory(network.flag, &what, network.parameters * b * buffers)?;
            let activations = 3.0 * batch * network.width_sum * b;
            check_memory(
                "--batch",
                format_args!("{what} on batches of {}", self.batch),
                network.parameters * b * buffers + activations,
            )?;
        }
        if self.early_stopping {
            return Ok(());
        }
        let epochs = self.epochs as f64;
        check_memory(
            "--epochs",
            format_args!("the history of {} epochs", self.epochs),
            epochs * HISTORY_ENTRY_BYTES,
        )?;
        let steps = (rows / batch).ceil();
        let per_epoch: f64 = self
            .networks
            .iter()
            .map(|n| 6.0 * n.parameters * rows / MAX_FLOPS + steps * MIN_STEP_SECONDS)
            .sum();
        check_duration(
            "--epochs",
            format_args!("{} epochs", self.epochs),
            epochs * per_epoch,
        )?;
        if self.repeats > 1.0 {
            check_duration(
                repeats_flag,
                format_args!("{} runs of {} epochs", self.repeats, self.epochs),
                self.repeats * epochs * per_epoch,
            )?;
        }
        Ok(())
    }
}

/// Passes of Monte Carlo dropout up to which nothing is timed: they take moments.
const MC_UNTIMED: usize = 10_000;

/// Refuses `samples` Monte Carlo dropout passes over `rows` rows that would take longer than a
/// week. No bound that never refuses real work catches 10¹¹ passes over a small network, so
/// above [`MC_UNTIMED`] passes two are timed (`pass` runs one) and the rest priced from them, at
/// half their time to spare a busy machine.
///
/// # Errors
/// `--mc-samples: N passes over R rows takes at least S seconds …`; an error of `pass`.
pub fn check_mc_samples(
    samples: usize,
    rows: usize,
    mut pass: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    if samples <= MC_UNTIMED {
        return Ok(());
    }
    let started = std::time::Instant::now();
    pass()?;
    pass()?;
    let seconds_per_pass = started.elapsed().as_secs_f64() / 2.0;
    check_duration(
        "--mc-samples",
        format_args!("{samples} passes over {rows} rows"),
        samples as f64 * seconds_per_pass / 2.0,
    )
}

/// The weights and biases of an MLP with these widths, in `f64` so that no product overflows.
fn parameters(widths: &[usize]) -> f64 {
    widths
        .windows(2)
        .map(|w| (w[0] as f64 + 1.0) * w[1] as f64)
        .sum()
}

/// `4810`, `7.5e9`.
fn show_count(n: f64) -> String {
    if n < 1e6 {
        format!("{n}")
    } else {
        format!("{n:.1e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adam() -> OptimizerConfig {
        OptimizerConfig::default_for("adam").unwrap()
    }

    fn run<'a>(networks: &'a [Network], optimizer: &'a OptimizerConfig, epochs: usize) -> Run<'a> {
        Run {
            networks,
            repeats: 1.0,
            rows: 1347,
            batch: 32,
            epochs,
            early_stopping: false,
            element_bytes: 4,
            optimizer,
        }
    }

    #[test]
    fn parameters_are_weights_and_biases() {
        // 64·64 + 64 + 64·10 + 10 = 4810, digits' default network.
        assert_eq!(parameters(&[64, 64, 10]), 4810.0);
        assert_eq!(Network::mlp("--hidden", &[2, 2, 1]).parameters, 9.0);
    }

    #[test]
    fn monte_carlo_passes_are_priced_from_two_timed_ones() {
        let slow = || {
            std::thread::sleep(std::time::Duration::from_millis(5));
            Ok(())
        };
        check_mc_samples(10_000, 450, || panic!("not timed")).unwrap();
        check_mc_samples(100_000, 450, slow).unwrap();
        let e = check_mc_samples(100_000_000_000, 450, slow).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("--mc-samples: 100000000000 passes over 450 rows"),
            "{e}"
        );
    }

    #[test]
    fn real_work_passes() {
        let optimizer = adam();
        // A 3500×3500 layer, and 10⁶ epochs of the default network.
        let big = [Network::mlp("--hidden", &[64, 3500, 3500, 10])];
        run(&big, &optimizer, 30).check("--seeds").unwrap();
        let small = [Network::mlp("--hidden", &[64, 64, 10])];
        run(&small, &optimizer, 1_000_000).check("--seeds").unwrap();
    }

    #[test]
    fn absurd_sizes_name_their_flag() {
        let optimizer = adam();
        let huge = [Network::mlp("--hidden", &[64, 100_000_000, 10])];
        let e = run(&huge, &optimizer, 30).check("--seeds").unwrap_err();
        assert!(e
            .to_string()
            .starts_with("--hidden: training a 64-100000000-10 network needs"));
        let small = [Network::mlp("--hidden", &[64, 64, 10])];
        let e = run(&small, &optimizer, 4_294_967_296)
            .check("--seeds")
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("--epochs: the history of 4294967296 epochs"),
            "{e}"
        );
        let mut bound = run(&small, &optimizer, 4_294_967_296);
        bound.early_stopping = true;
        bound.check("--seeds").unwrap();
        let mut many = run(&small, &optimizer, 60);
        many.repeats = 1e11;
        let e = many.check("--seeds").unwrap_err();
        assert!(
            e.to_string().starts_with("--seeds: 100000000000 runs"),
            "{e}"
        );
        let wide = [Network::mlp("--hidden", &[784, 1_000_000, 10])];
        let mut batch = run(&wide, &optimizer, 1);
        batch.rows = 100_000;
        batch.batch = 100_000;
        let e = batch.check("--seeds").unwrap_err();
        assert!(e.to_string().starts_with("--batch: "), "{e}");
    }
}
