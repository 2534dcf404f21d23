//! The reference training workloads nabla is benchmarked on (the same ones PyTorch runs in
//! `bench/compare.py`), so criterion benches, `nabla bench` and the comparison all time the
//! identical computation.
//!
//! | workload | network | loss | optimizer | unit |
//! |----------|---------|------|-----------|------|
//! | `mlp784` | 784-512-512-10 ReLU | softmax CE | Adam 1e-3 | one step of `batch` rows |
//! | `tiny221` | 2-2-1 sigmoid | BCE | SGD 0.1 | one step of one row |
//! | `digits` | 64-64-10 ReLU | softmax CE | Adam 1e-3 | one epoch of 1347 rows, batch 32 |
//! | `gemm_MxNxK` | — | — | — | one product `C = A·B` |
//! | `mlp784_bN_gemms` | — | — | — | the eight products of one `mlp784_bN` step, alone |
//!
//! The last one is the GEMM-bound limit of a step: a step cannot be faster than its matrix
//! products run back to back with nothing else (`nabla bench` reports the fraction reached).
//!
//! The `mlp784` inputs are seeded standard-normal rows with random labels: the arithmetic per
//! step is what matters, not what is learned.
//!
//! ```
//! use nabla_nn::workload::{Workload, WorkloadRunner};
//! let mut runner = WorkloadRunner::<f32>::new(Workload::Tiny221, 0).unwrap();
//! let loss = runner.run_unit().unwrap();
//! assert!(loss.is_finite());
//! assert_eq!(runner.rows_per_unit(), 1);
//! ```

use nabla_tensor::{Activation, Float, Tensor};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::data::{Batches, Dataset, SplitConfig, Standardizer};
use crate::init::{self, Init};
use crate::layers::{Mlp, MlpConfig};
use crate::optim::{HyperValue, Optimizer, OptimizerConfig};
use crate::train::{train_step, Objective};
use crate::Result;

/// A benchmark workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// 784-512-512-10 ReLU MLP, softmax cross-entropy, Adam, `batch` rows per step.
    Mlp784 {
        /// Rows per step.
        batch: usize,
    },
    /// 2-2-1 sigmoid network, BCE, SGD, one row per step.
    Tiny221,
    /// 64-64-10 ReLU on the digits training split, Adam, batch 32: one epoch per unit.
    Digits,
    /// One product `C (m×n) = A (m×k) · B (k×n)` of row-major f32/f64 matrices, the kernel every
    /// layer runs: the unit is one product; "rows" counts floating-point operations (2·m·n·k).
    Gemm {
        /// Rows of A and C.
        m: usize,
        /// Columns of B and C.
        n: usize,
        /// Columns of A, rows of B.
        k: usize,
    },
    /// The matrix products of one [`Workload::Mlp784`] step at `batch` rows, as row-major
    /// products `C = A·B` of the same sizes ([`Workload::step_products`]), run back to back:
    /// "rows" counts floating-point operations.
    StepGemms {
        /// Rows per step of the MLP workload.
        batch: usize,
    },
}

/// The MLP workload's layer widths.
const MLP784_WIDTHS: [usize; 4] = [784, 512, 512, 10];

impl Workload {
    /// The workload's name as `nabla bench` and `bench/compare.py` spell it.
    pub fn name(self) -> String {
        match self {
            Self::Mlp784 { batch } => format!("mlp784_b{batch}"),
            Self::Tiny221 => "tiny221".to_string(),
            Self::Digits => "digits_epoch".to_string(),
            Self::Gemm { m, n, k } => format!("gemm_{m}x{n}x{k}"),
            Self::StepGemms { batch } => format!("mlp784_b{batch}_gemms"),
        }
    }

    /// The products `(m, n, k)` of one training step of [`Workload::Mlp784`]: each layer's
    /// forward product (rows × outputs × inputs) and weight gradient (outputs × inputs × rows),
    /// and the input gradient (rows × inputs × outputs) of every layer but the first, whose
    /// input needs none. Empty for the other workloads.
    pub fn step_products(self) -> Vec<[usize; 3]> {
        let Self::Mlp784 { batch } = self else {
            return Vec::new();
        };
        let layers = MLP784_WIDTHS.windows(2).map(|w| (w[0], w[1]));
        let mut products: Vec<[usize; 3]> = layers.clone().map(|(i, o)| [batch, o, i]).collect();
        for (index, (i, o)) in layers.enumerate().rev() {
            products.push([o, i, batch]);
            if index > 0 {
                products.push([batch, i, o]);
            }
        }
        products
    }

    /// The workload named `name` (`mlp784_b128`, `mlp784_b32`, `tiny221`, `digits_epoch`,
    /// `gemm_MxNxK`).
    pub fn parse(name: &str) -> Option<Self> {
        if let Some(dims) = name.strip_prefix("gemm_") {
            let d: Vec<usize> = dims
                .split('x')
                .map(str::parse)
                .collect::<std::result::Result<_, _>>()
                .ok()?;
            return match d[..] {
                [m, n, k] if m > 0 && n > 0 && k > 0 => Some(Self::Gemm { m, n, k }),
                _ => None,
            };
        }
        match name {
            "tiny221" => Some(Self::Tiny221),
            "digits_epoch" | "digits" => Some(Self::Digits),
            _ => {
                let rest = name.strip_prefix("mlp784_b")?;
                let (digits, gemms) = match rest.strip_suffix("_gemms") {
                    Some(digits) => (digits, true),
                    None => (rest, false),
                };
                let batch = digits.parse().ok().filter(|&b| b > 0)?;
                Some(if gemms {
                    Self::StepGemms { batch }
                } else {
                    Self::Mlp784 { batch }
                })
            }
        }
    }
}

/// A prepared workload: model, optimizer and data, ready to run units of work.
pub struct WorkloadRunner<T: Float> {
    workload: Workload,
    model: Mlp<T>,
    optimizer: Box<dyn Optimizer<T>>,
    objective: Objective,
    batches: Vec<(Tensor<T>, Tensor<T>)>,
    /// Full training data for the epoch workload.
    epoch_data: Option<(Tensor<T>, Tensor<T>)>,
    /// The operands of the GEMM workloads, one pair per product.
    gemm: Vec<(Tensor<T>, Tensor<T>)>,
    next: usize,
    epoch: u64,
    rng: ChaCha8Rng,
}

impl<T: Float> WorkloadRunner<T> {
    /// Builds the workload with seeded weights and data.
    ///
    /// # Errors
    /// Errors from building the model, the optimizer or the embedded data.
    pub fn new(workload: Workload, seed: u64) -> Result<Self> {
        let mut rng = init::seeded(seed);
        let lr = |v: f64| [("lr", HyperValue::Number(v))];
        let (widths, activation, optimizer) = match workload {
            Workload::Mlp784 { .. } => (
                MLP784_WIDTHS.to_vec(),
                Activation::Relu,
                OptimizerConfig::from_name("adam", &lr(1e-3))?,
            ),
            Workload::Tiny221 => (
                vec![2, 2, 1],
                Activation::Sigmoid,
                OptimizerConfig::from_name("sgd", &lr(0.1))?,
            ),
            Workload::Digits | Workload::Gemm { .. } | Workload::StepGemms { .. } => (
                vec![64, 64, 10],
                Activation::Relu,
                OptimizerConfig::from_name("adam", &lr(1e-3))?,
            ),
        };
        let config = MlpConfig {
            widths,
            activation,
            dropout: 0.0,
            init: Init::PyTorchDefault,
        };
        let model = Mlp::new(&config, seed)?;
        let mut runner = Self {
            workload,
            model,
            optimizer: optimizer.build()?,
            objective: Objective::Classes { classes: 10 },
            batches: Vec::new(),
            epoch_data: None,
            gemm: Vec::new(),
            next: 0,
            epoch: 0,
            rng: init::seeded(seed + 1),
        };
        match workload {
            Workload::Mlp784 { batch } => {
                for _ in 0..4 {
                    let x = Tensor::normal(&[batch, 784], 0.0, 1.0, &mut rng);
                    let labels: Vec<f64> =
                        (0..batch).map(|_| rng.gen_range(0..10) as f64).collect();
                    runner
                        .batches
                        .push((x, Tensor::from_f64s(&labels, &[batch])?));
                }
            }
            Workload::Tiny221 => {
                runner.objective = Objective::Binary;
                let x = Tensor::from_f64s(&[0.5, 1.0], &[1, 2])?;
                runner
                    .batches
                    .push((x, Tensor::from_f64s(&[1.0], &[1, 1])?));
            }
            Workload::Digits => {
                let digits = Dataset::by_name("digits")?;
                let config = SplitConfig {
                    seed,
                    ..SplitConfig::default()
                };
                let (_, mut split) = digits.split(&config)?;
                Standardizer::fit(&split.train)?.transform(&mut split.train)?;
                let train = &split.train;
                let x =
                    Tensor::from_f64s(train.features(), &[train.n_samples(), train.n_features()])?;
                let y = runner.objective.targets(&train.targets()[0])?;
                runner.epoch_data = Some((x, y));
            }
            Workload::Gemm { m, n, k } => runner.gemm = operands(&[[m, n, k]], &mut rng),
            Workload::StepGemms { batch } => {
                let products = Workload::Mlp784 { batch }.step_products();
                runner.gemm = operands(&products, &mut rng);
            }
        }
        Ok(runner)
    }

    /// The workload.
    pub fn workload(&self) -> Workload {
        self.workload
    }

    /// Training rows processed by one [`WorkloadRunner::run_unit`].
    pub fn rows_per_unit(&self) -> usize {
        if !self.gemm.is_empty() {
            return self
                .gemm
                .iter()
                .map(|(a, b)| 2 * a.numel() * b.shape()[1])
                .sum();
        }
        match (&self.epoch_data, self.batches.first()) {
            (Some((x, _)), _) => x.shape()[0],
            (None, Some((x, _))) => x.shape()[0],
            (None, None) => 0,
        }
    }

    /// Runs one unit of work (a step, or an epoch for `digits`); returns the last batch loss.
    ///
    /// # Errors
    /// Errors from the training step.
    pub fn run_unit(&mut self) -> Result<f64> {
        if !self.gemm.is_empty() {
            let mut first = 0.0;
            for (a, b) in &self.gemm {
                first = a.matmul(b)?.data()[0].to_f64();
            }
            return Ok(first);
        }
        if let Some((x, y)) = &self.epoch_data {
            let batches = Batches::shuffled(x.shape()[0], 32, 0, self.epoch)?;
            self.epoch += 1;
            let mut loss = 0.0;
            for rows in batches.iter() {
                let (xb, yb) = (x.index_select(0, rows)?, y.index_select(0, rows)?);
                loss = train_step(
                    &mut self.model,
                    self.optimizer.as_mut(),
                    self.objective,
                    xb,
                    yb,
                    None,
                    &mut self.rng,
                )?;
            }
            return Ok(loss);
        }
        let (xb, yb) = self.batches[self.next % self.batches.len()].clone();
        self.next += 1;
        train_step(
            &mut self.model,
            self.optimizer.as_mut(),
            self.objective,
            xb,
            yb,
            None,
            &mut self.rng,
        )
    }
}

/// Seeded standard-normal operands `A (m×k)`, `B (k×n)` for each product `(m, n, k)`.
fn operands<T: Float>(
    products: &[[usize; 3]],
    rng: &mut ChaCha8Rng,
) -> Vec<(Tensor<T>, Tensor<T>)> {
    products
        .iter()
        .map(|&[m, n, k]| {
            let a = Tensor::normal(&[m, k], 0.0, 1.0, rng);
            (a, Tensor::normal(&[k, n], 0.0, 1.0, rng))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_of_batch_128_multiplies_410_8_mflop() {
        let products = Workload::Mlp784 { batch: 128 }.step_products();
        assert_eq!(products.len(), 8);
        let flop: usize = products.iter().map(|[m, n, k]| 2 * m * n * k).sum();
        assert_eq!(flop, 410_779_648);
        let runner = WorkloadRunner::<f32>::new(Workload::StepGemms { batch: 128 }, 0).unwrap();
        assert_eq!(runner.rows_per_unit(), flop);
    }

    #[test]
    fn names_round_trip() {
        for w in [
            Workload::Mlp784 { batch: 32 },
            Workload::StepGemms { batch: 128 },
            Workload::Gemm { m: 2, n: 3, k: 4 },
            Workload::Tiny221,
            Workload::Digits,
        ] {
            assert_eq!(Workload::parse(&w.name()), Some(w));
        }
        assert_eq!(Workload::parse("mlp784_b0_gemms"), None);
        assert_eq!(Workload::parse("mlp784_b_gemms"), None);
    }
}
