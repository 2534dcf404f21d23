//! What a training run is set up from, read once from the options for both
//! [`Session`](super::Session) and `nabla.train`: the data (a 2-D set of [`super::points`], or an
//! embedded set), prepared by `nabla train`'s own call ([`Prepared::new`]: target picked, rows
//! without a target dropped, seeded split, features standardised with the training part's
//! statistics except for the 2-D sets), the network and the optimizer.

use nabla_nn::data::prepare::{Preparation, Prepared};
use nabla_nn::data::{CsvOptions, Dataset};
use nabla_nn::init::Init;
use nabla_nn::layers::MlpConfig;
use nabla_nn::optim::{HyperValue, OptimizerConfig};
use nabla_nn::train::Objective;
use nabla_tensor::{Activation, Tensor};

use super::points;
use crate::options::Options;

/// The most points a 2-D set may have.
const MAX_POINTS: usize = 100_000;

/// A run's data, network and optimizer.
pub struct Setup {
    /// The data set's name.
    pub name: String,
    /// The target column.
    pub target: String,
    /// What the network predicts.
    pub objective: Objective,
    /// True for the 2-D sets (not standardised, so the plane is drawn in their own units).
    pub two_d: bool,
    /// The training part.
    pub train: Dataset,
    /// The validation part, when `validationFraction` > 0.
    pub validation: Option<Dataset>,
    /// The test part.
    pub test: Dataset,
    /// The network.
    pub mlp: MlpConfig,
    /// The activation's name as given.
    pub activation: String,
    /// The optimizer.
    pub optimizer: OptimizerConfig,
    /// Rows per mini-batch.
    pub batch: usize,
    /// The seed of the split, the initial weights, the shuffles and dropout.
    pub seed: u64,
}

impl Setup {
    /// Reads the options `data` (default `default_data`), `target`, `points`, `noise`,
    /// `testFraction`, `validationFraction`, `hidden`, `activation`, `alpha`, `beta`, `dropout`,
    /// `init`, `optimizer`, `lr`, `weightDecay`, `batch` and `seed`, with `nabla train`'s
    /// defaults.
    ///
    /// # Errors
    /// The CLI's one-line message for a bad option.
    pub fn read(o: &Options, default_data: &str) -> Result<Self, String> {
        let seed = o.count("seed")?.unwrap_or(0) as u64;
        let name = o
            .string("data")?
            .unwrap_or_else(|| default_data.to_string());
        let (dataset, two_d) = dataset(o, &name, seed)?;
        let preparation = Preparation {
            target: o.string("target")?,
            test_fraction: o.number("testFraction")?.unwrap_or(0.25),
            validation_fraction: o.number("validationFraction")?.unwrap_or(0.0),
            seed,
            standardize: !two_d,
        };
        let prepared = Prepared::new(dataset, &preparation).map_err(|e| e.to_string())?;
        let (target, objective, parts) = (prepared.target, prepared.objective, prepared.split);
        let hidden = o
            .numbers("hidden")?
            .unwrap_or_else(|| vec![64.0])
            .into_iter()
            .map(|w| match w {
                w if w >= 1.0 && w.fract() == 0.0 && w <= 65536.0 => Ok(w as usize),
                w => Err(format!("--hidden: '{w}' is not a positive layer width")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let activation_name = o
            .string("activation")?
            .unwrap_or_else(|| "relu".to_string());
        let activation = Activation::parse(&activation_name, o.number("alpha")?, o.number("beta")?)
            .map_err(|e| format!("--activation: {e}"))?;
        let dropout = o.number("dropout")?.unwrap_or(0.0);
        if !(0.0..1.0).contains(&dropout) {
            return Err(format!("--dropout: {dropout} is not in [0, 1)"));
        }
        let init_name = o.string("init")?.unwrap_or_else(|| "default".to_string());
        let init = Init::parse(&init_name).ok_or_else(|| {
            format!(
                "--init: unknown initialiser '{init_name}' (known: {})",
                Init::NAMES.join(", ")
            )
        })?;
        let batch = o.count("batch")?.unwrap_or(32);
        if batch == 0 {
            return Err("--batch: a batch holds at least one row".to_string());
        }
        let mut widths = vec![parts.train.n_features()];
        widths.extend(hidden);
        widths.push(objective.outputs());
        Ok(Setup {
            name: parts.train.name().to_string(),
            target,
            objective,
            two_d,
            validation: parts.validation,
            test: parts.test,
            train: parts.train,
            mlp: MlpConfig {
                widths,
                activation,
                dropout,
                init,
            },
            activation: activation_name,
            optimizer: optimizer(o)?,
            batch,
            seed,
        })
    }
}

/// The data set `name`: a 2-D set, or an embedded one.
fn dataset(o: &Options, name: &str, seed: u64) -> Result<(Dataset, bool), String> {
    let n = o.count("points")?.unwrap_or(500);
    let noise = o.number("noise")?.unwrap_or(0.0);
    if points::NAMES.contains(&name) {
        if !(2..=MAX_POINTS).contains(&n) {
            return Err(format!("--points: {n} is not in 2..={MAX_POINTS}"));
        }
        if !(0.0..=1.0).contains(&noise) {
            return Err(format!("--noise: {noise} is not in [0, 1]"));
        }
        let d = points::generate(name, n, noise, seed)
            .ok_or_else(|| format!("--data {name}: not a 2-D set"))?
            .map_err(|e| format!("--data {name}: {e}"))?;
        return Ok((d, true));
    }
    let d =
        Dataset::load(name, &CsvOptions::default()).map_err(|e| format!("--data {name}: {e}"))?;
    Ok((d, false))
}

/// The optimizer from `optimizer`, `lr` and `weightDecay`.
fn optimizer(o: &Options) -> Result<OptimizerConfig, String> {
    let name = o.string("optimizer")?.unwrap_or_else(|| "adam".to_string());
    let mut config =
        OptimizerConfig::default_for(&name).map_err(|e| format!("--optimizer: {e}"))?;
    if let Some(lr) = o.number("lr")? {
        config
            .set("lr", HyperValue::Number(lr))
            .map_err(|e| format!("--lr: {e}"))?;
    }
    if let Some(wd) = o.number("weightDecay")? {
        config
            .set("weight_decay", HyperValue::Number(wd))
            .map_err(|e| format!("--weight-decay: {e}"))?;
    }
    config
        .validate()
        .map_err(|e| format!("--optimizer {name}: {e}"))?;
    Ok(config)
}

/// Features `[n, d]` and targets of one part as f32 tensors.
///
/// # Errors
/// A missing target value.
pub fn tensors(d: &Dataset, objective: Objective) -> Result<(Tensor<f32>, Tensor<f32>), String> {
    nabla_nn::data::prepare::tensors(d, objective).map_err(|e| e.to_string())
}
