//! `nabla.session`: live training for the Playground page, one mini-batch at a time, on the
//! same engine and training step as `nabla train` — an [`Mlp`] trained through its
//! [`TrainStep`] with an optimizer built from [`OptimizerConfig`], batches shuffled by
//! [`Batches::shuffled`] and the step's random numbers seeded as [`nabla_nn::train::fit`] seeds
//! them, so `k` epochs of steps leave exactly the weights `fit` leaves after `k` epochs (a test
//! below holds the two together).
//!
//! Data: the two-dimensional sets of [`points`] or an embedded tabular set (`iris`, `digits`,
//! …, features standardised with the training part's statistics, as the CLI does), split with
//! the seed. Options are `nabla train`'s flags in camelCase: `data`, `target`, `hidden`
//! (`[8, 8]`), `activation`, `alpha`, `beta`, `dropout`, `optimizer`, `lr`, `weightDecay`,
//! `batch`, `seed`, `testFraction`, `init`, and for the 2-D sets `points` (default 500) and
//! `noise` (0 to 1).

pub mod points;
pub mod setup;

use nabla_nn::data::{Batches, Dataset};
use nabla_nn::layers::Mlp;
use nabla_nn::optim::{HyperValue, Optimizer, OptimizerConfig};
use nabla_nn::train::report::metrics_json;
use nabla_nn::train::{evaluate, Examples, Objective, Tally, TrainStep};
use nabla_tensor::Tensor;
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

use crate::options::Options;
use setup::Setup;

/// How [`nabla_nn::train::fit`] derives its step generator from the seed.
const STEP_SEED_MIX: u64 = 0x9E37_79B9_7F4A_7C15;
/// The square [−VIEW, VIEW]² the decision boundary is drawn over (the 2-D sets lie in [−1, 1]²).
pub const VIEW: f64 = 1.25;

/// One part of the data as tensors.
struct Part {
    x: Tensor<f32>,
    y: Tensor<f32>,
    /// Features and label per row, for drawing (2-D sets only).
    rows: Vec<[f64; 3]>,
}

/// A network in training.
pub struct Session {
    name: String,
    objective: Objective,
    two_d: bool,
    feature_names: Vec<String>,
    classes: Vec<String>,
    train: Part,
    test: Part,
    mlp: Mlp<f32>,
    optimizer: Box<dyn Optimizer<f32>>,
    config: OptimizerConfig,
    rng: ChaCha8Rng,
    seed: u64,
    batch: usize,
    /// The epoch in progress (1-based; 0 before the first step) and its batches.
    epoch: usize,
    batches: Option<Batches>,
    /// The next batch of `batches` to run.
    next: usize,
    steps: usize,
    history: Vec<Value>,
}

/// A part's tensors (and rows to draw for a 2-D set).
fn part(d: &Dataset, objective: Objective, two_d: bool) -> Result<Part, String> {
    let (x, y) = setup::tensors(d, objective)?;
    let rows = if two_d {
        (0..d.n_samples())
            .map(|i| {
                let label = d.targets()[0].label(i).unwrap_or(0) as f64;
                [d.features()[2 * i], d.features()[2 * i + 1], label]
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Part { x, y, rows })
}

impl Session {
    /// A fresh network on fresh data, as the options describe.
    ///
    /// # Errors
    /// The CLI's one-line message for a bad option.
    pub fn new(options: &str) -> Result<Self, String> {
        let o = Options::parse(options)?;
        let setup = Setup::read(&o, "circle")?;
        o.finish()?;
        let mlp = Mlp::new(&setup.mlp, setup.seed).map_err(|e| e.to_string())?;
        let optimizer = setup.optimizer.build::<f32>().map_err(|e| e.to_string())?;
        let (objective, two_d, seed) = (setup.objective, setup.two_d, setup.seed);
        let mut session = Session {
            name: setup.name.clone(),
            objective,
            two_d,
            feature_names: setup.train.feature_names().to_vec(),
            classes: setup.train.targets()[0].class_names().to_vec(),
            train: part(&setup.train, objective, two_d)?,
            test: part(&setup.test, objective, two_d)?,
            mlp,
            optimizer,
            config: setup.optimizer,
            rng: nabla_nn::init::seeded(seed ^ STEP_SEED_MIX),
            seed,
            batch: setup.batch,
            epoch: 0,
            batches: None,
            next: 0,
            steps: 0,
            history: Vec::new(),
        };
        session.record()?;
        Ok(session)
    }

    /// Runs `n` mini-batches (an epoch ends after its last batch and the next one begins with a
    /// fresh shuffle) and returns the new state.
    ///
    /// # Errors
    /// A loss that is no longer a finite number (the step is not applied).
    pub fn step(&mut self, n: usize) -> Result<String, String> {
        for _ in 0..n {
            self.one_step()?;
        }
        self.record()?;
        Ok(self.now().to_string())
    }

    fn one_step(&mut self) -> Result<(), String> {
        let rows = self.train.x.shape()[0];
        let done = self.batches.as_ref().is_none_or(|b| self.next >= b.len());
        if done {
            self.epoch += 1;
            self.batches = Some(
                Batches::shuffled(rows, self.batch, self.seed, self.epoch as u64 - 1)
                    .map_err(|e| e.to_string())?,
            );
            self.next = 0;
        }
        let Some(batches) = self.batches.as_ref() else {
            return Ok(());
        };
        let Some(indices) = batches.iter().nth(self.next) else {
            return Ok(());
        };
        let data = Examples::new(self.objective, &self.train.x, &self.train.y);
        let (loss, grads) = self
            .mlp
            .gradients(&data, indices, &mut self.rng, &mut Tally::default())
            .map_err(|e| e.to_string())?;
        if !loss.is_finite() {
            return Err(format!(
                "training diverged at epoch {}, batch {} (loss {loss}); lower the learning rate",
                self.epoch,
                self.next + 1
            ));
        }
        let grads: Vec<&[f32]> = grads.iter().map(Tensor::data).collect();
        self.optimizer
            .step(&mut self.mlp.trainables_mut(), &grads)
            .map_err(|e| e.to_string())?;
        self.next += 1;
        self.steps += 1;
        Ok(())
    }

    /// Evaluates both parts and appends the point to the history.
    fn record(&mut self) -> Result<(), String> {
        let train = evaluate(&self.mlp, self.objective, &self.train.x, &self.train.y)
            .map_err(|e| e.to_string())?;
        let test = evaluate(&self.mlp, self.objective, &self.test.x, &self.test.y)
            .map_err(|e| e.to_string())?;
        self.history.push(json!({
            "step": self.steps,
            "epoch": self.epochs_done(),
            "train": metrics_json(&train),
            "test": metrics_json(&test),
        }));
        Ok(())
    }

    /// Whole epochs completed.
    fn epochs_done(&self) -> f64 {
        match &self.batches {
            None => 0.0,
            Some(b) => (self.epoch - 1) as f64 + self.next as f64 / b.len().max(1) as f64,
        }
    }

    /// The state after the last step: `epoch` (fractional: epochs done), `step`, `lr`, `batch`,
    /// `train` and `test` metrics, and `weights` ([{weight [out][in], bias}] per layer).
    fn now(&self) -> Value {
        let last = self.history.last().cloned().unwrap_or(Value::Null);
        let weights: Vec<Value> = self
            .mlp
            .layers()
            .iter()
            .map(|l| {
                let w = &l.weight;
                let cols = w.shape()[1];
                let rows: Vec<&[f32]> = w.data().chunks(cols).collect();
                json!({ "weight": rows, "bias": l.bias.data() })
            })
            .collect();
        json!({
            "epoch": self.epochs_done(),
            "step": self.steps,
            "lr": self.optimizer.learning_rate(),
            "batch": self.batch,
            "train": last["train"],
            "test": last["test"],
            "weights": weights,
        })
    }

    /// [`Session::step`]'s state plus `losses`: every recorded point `{step, epoch, train,
    /// test}` (one at the start and one after each `step` call).
    pub fn state(&self) -> String {
        let mut now = self.now();
        now["losses"] = json!(self.history);
        now.to_string()
    }

    /// Changes what can change without starting over: `lr` (the optimizer keeps its state) and
    /// `batch` (from the next epoch on).
    ///
    /// # Errors
    /// Another key, or a value the CLI would refuse.
    pub fn set(&mut self, options: &str) -> Result<(), String> {
        let o = Options::parse(options)?;
        let lr = o.number("lr")?;
        let batch = o.count("batch")?;
        o.finish()
            .map_err(|e| format!("{e}; other changes need a new session"))?;
        if let Some(lr) = lr {
            let mut config = self.config;
            config
                .set("lr", HyperValue::Number(lr))
                .map_err(|e| format!("--lr: {e}"))?;
            config.validate().map_err(|e| format!("--lr: {e}"))?;
            self.config = config;
            self.optimizer.set_learning_rate(lr);
        }
        match batch {
            Some(0) => return Err("--batch: a batch holds at least one row".to_string()),
            Some(b) => self.batch = b,
            None => {}
        }
        Ok(())
    }

    /// The data: `dataset`, `task`, `features`, `classes`, `two_d`, `rows` {train, test}, and
    /// for a 2-D set the points `train`/`test` as `[x1, x2, label]`.
    pub fn data(&self) -> String {
        let task = match self.objective {
            Objective::Classes { .. } => "classes",
            Objective::Binary => "binary",
            Objective::Regression { .. } => "regression",
        };
        json!({
            "dataset": self.name,
            "task": task,
            "features": self.feature_names,
            "classes": self.classes,
            "two_d": self.two_d,
            "view": VIEW,
            "rows": { "train": self.train.x.shape()[0], "test": self.test.x.shape()[0] },
            "train": self.train.rows,
            "test": self.test.rows,
            "widths": self.mlp.widths(),
        })
        .to_string()
    }

    /// The probability of the blue class on a `resolution` × `resolution` grid over
    /// [−VIEW, VIEW]², row by row from the top (y = VIEW) down, for a 2-D set.
    ///
    /// # Errors
    /// Data that is not two-dimensional, or a resolution outside 2..=400.
    pub fn boundary(&self, resolution: usize) -> Result<Vec<f32>, String> {
        if !self.two_d {
            return Err("boundary: only for the two-dimensional data sets".to_string());
        }
        if !(2..=400).contains(&resolution) {
            return Err(format!(
                "boundary: resolution {resolution} is not in 2..=400"
            ));
        }
        let step = 2.0 * VIEW / (resolution - 1) as f64;
        let mut grid = Vec::with_capacity(2 * resolution * resolution);
        for r in 0..resolution {
            for c in 0..resolution {
                grid.push((-VIEW + c as f64 * step) as f32);
                grid.push((VIEW - r as f64 * step) as f32);
            }
        }
        let x = Tensor::from_vec(grid, &[resolution * resolution, 2]).map_err(|e| e.to_string())?;
        let logits = self.mlp.predict(&x).map_err(|e| e.to_string())?;
        Ok(logits
            .data()
            .iter()
            .map(|&z| 1.0 / (1.0 + (-z).exp()))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nabla_nn::train::{fit, TrainConfig};

    #[test]
    fn steps_of_a_session_are_the_epochs_of_fit() {
        let options = r#"{"data": "xor", "points": 120, "hidden": [6], "activation": "tanh",
            "dropout": 0.1, "optimizer": "adam", "lr": 0.02, "batch": 16, "seed": 4}"#;
        let mut s = Session::new(options).unwrap();
        let per_epoch = s.train.x.shape()[0].div_ceil(16);
        s.step(3 * per_epoch).unwrap();
        let mlp_config = nabla_nn::layers::MlpConfig {
            widths: vec![2, 6, 1],
            activation: nabla_tensor::Activation::Tanh,
            dropout: 0.1,
            init: nabla_nn::init::Init::PyTorchDefault,
        };
        let mut mlp = Mlp::<f32>::new(&mlp_config, 4).unwrap();
        let config = TrainConfig {
            epochs: 3,
            batch_size: 16,
            seed: 4,
            optimizer: OptimizerConfig::from_name("adam", &[("lr", HyperValue::Number(0.02))])
                .unwrap(),
            ..TrainConfig::default()
        };
        let data = Examples::new(s.objective, &s.train.x, &s.train.y);
        fit(&mut mlp, &data, None, &config, &mut |_| {}).unwrap();
        assert_eq!(s.mlp, mlp);
        assert_eq!(s.epochs_done(), 3.0);
    }

    #[test]
    fn training_lowers_the_loss_and_lr_changes_keep_the_weights() {
        let mut s =
            Session::new(r#"{"data": "circle", "hidden": [8, 8], "lr": 0.03, "batch": 10}"#)
                .unwrap();
        let first: Value = serde_json::from_str(&s.state()).unwrap();
        s.step(200).unwrap();
        let before: Value = serde_json::from_str(&s.state()).unwrap();
        s.set(r#"{"lr": 0.001}"#).unwrap();
        let after: Value = serde_json::from_str(&s.state()).unwrap();
        assert_eq!(before["weights"], after["weights"]);
        assert_eq!(after["lr"], 0.001);
        s.step(200).unwrap();
        let last: Value = serde_json::from_str(&s.state()).unwrap();
        let loss = |v: &Value| v["train"]["loss"].as_f64().unwrap();
        assert!(
            loss(&last) < 0.5 * loss(&first),
            "{} → {}",
            loss(&first),
            loss(&last)
        );
        assert_eq!(last["losses"].as_array().unwrap().len(), 3);
        assert!(last["test"]["accuracy"].as_f64().unwrap() > 0.9);
        let p = s.boundary(20).unwrap();
        assert_eq!(p.len(), 400);
        assert!(
            p[0] < 0.5 && p[210] > 0.5,
            "corner {} centre {}",
            p[0],
            p[210]
        );
    }

    #[test]
    fn tabular_sets_and_bad_options() {
        let mut s = Session::new(r#"{"data": "iris", "hidden": [4], "seed": 1}"#).unwrap();
        s.step(5).unwrap();
        let data: Value = serde_json::from_str(&s.data()).unwrap();
        assert_eq!(data["task"], "classes");
        assert_eq!(data["widths"], json!([4, 4, 3]));
        assert!(s.boundary(10).is_err());
        let err = |o: &str| Session::new(o).err().unwrap();
        assert!(err(r#"{"data": "nope"}"#).starts_with("--data nope: "));
        assert!(err(r#"{"hidden": [0]}"#).starts_with("--hidden: "));
        assert!(err(r#"{"dropout": 1}"#).starts_with("--dropout: "));
        assert!(err(r#"{"optimizer": "sgd", "lr": -1}"#).starts_with("--optimizer sgd: "));
        assert!(s
            .set(r#"{"hidden": [3]}"#)
            .unwrap_err()
            .contains("new session"));
    }
}
