//! One configuration type for every optimizer, built from a name and snake_case hyperparameters
//! (the keys of nabla's CLI contract, as in PyTorch's param groups) and able to list them back.
//!
//! `nabla optimize`, `nabla train` and the `optimizer` object of a `nabla backprop` spec all go
//! through [`OptimizerConfig`], so a key means the same thing everywhere.
//!
//! ```
//! use nabla_nn::optim::{HyperValue, OptimizerConfig};
//!
//! let config = OptimizerConfig::from_name(
//!     "rmsprop",
//!     &[("lr", HyperValue::Number(0.05)), ("centered", HyperValue::Flag(true))],
//! )?;
//! assert_eq!(config.name(), "rmsprop");
//! let pairs = config.hyperparameters();
//! assert!(pairs.contains(&("lr", HyperValue::Number(0.05))));
//! assert!(pairs.contains(&("alpha", HyperValue::Number(0.99))));
//!
//! // Keys that do not apply to the optimizer are errors that name the key.
//! let err = OptimizerConfig::from_name("sgd", &[("beta1", HyperValue::Number(0.9))]).unwrap_err();
//! assert!(err.to_string().contains("'beta1'"));
//! # Ok::<(), nabla_nn::Error>(())
//! ```

use nabla_tensor::Float;

use super::hyperparameter::{self, HyperValue, HyperparameterInfo};
use super::{adadelta, adagrad, adam, nadam, radam, rmsprop, sgd};
use super::{
    AdadeltaConfig, AdagradConfig, AdamConfig, AdamWConfig, NAdamConfig, Optimizer, RAdamConfig,
    RmsPropConfig, SgdConfig,
};
use crate::{Error, Result};

/// The optimizer names nabla knows, in the order of the CLI contract.
pub const OPTIMIZER_NAMES: [&str; 10] = [
    "sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw", "adagrad", "adadelta", "nadam",
    "radam",
];

const KNOWN: &str =
    "sgd, momentum, nesterov, rmsprop, adam, adamw, adagrad, adadelta, nadam, radam";

/// Any optimizer's configuration. `Momentum` and `Nesterov` are SGD with momentum 0.9 (and
/// Nesterov's look-ahead); they are separate variants so that their name survives.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OptimizerConfig {
    /// Plain gradient descent (`sgd`): lr, weight_decay.
    Sgd(SgdConfig),
    /// SGD with momentum (`momentum`): lr, momentum (0.9), dampening, weight_decay.
    Momentum(SgdConfig),
    /// SGD with Nesterov momentum (`nesterov`): lr, momentum (0.9), weight_decay.
    Nesterov(SgdConfig),
    /// `rmsprop`: lr, alpha, eps, weight_decay, momentum, centered.
    RmsProp(RmsPropConfig),
    /// `adam`: lr, beta1, beta2, eps, weight_decay, amsgrad.
    Adam(AdamConfig),
    /// `adamw`: as adam, with decoupled weight decay (0.01).
    AdamW(AdamWConfig),
    /// `adagrad`: lr, lr_decay, weight_decay, initial_accumulator_value, eps.
    Adagrad(AdagradConfig),
    /// `adadelta`: lr, rho, eps, weight_decay.
    Adadelta(AdadeltaConfig),
    /// `nadam`: lr, beta1, beta2, eps, weight_decay, momentum_decay.
    NAdam(NAdamConfig),
    /// `radam`: lr, beta1, beta2, eps, weight_decay.
    RAdam(RAdamConfig),
}

impl OptimizerConfig {
    /// The configuration named `name` with PyTorch's defaults.
    ///
    /// # Errors
    /// [`Error::UnknownOptimizer`] for a name not in [`OPTIMIZER_NAMES`].
    pub fn default_for(name: &str) -> Result<Self> {
        let momentum = SgdConfig {
            momentum: 0.9,
            ..SgdConfig::default()
        };
        Ok(match name {
            "sgd" => OptimizerConfig::Sgd(SgdConfig::default()),
            "momentum" => OptimizerConfig::Momentum(momentum),
            "nesterov" => OptimizerConfig::Nesterov(SgdConfig {
                nesterov: true,
                ..momentum
            }),
            "rmsprop" => OptimizerConfig::RmsProp(RmsPropConfig::default()),
            "adam" => OptimizerConfig::Adam(AdamConfig::default()),
            "adamw" => OptimizerConfig::AdamW(AdamWConfig::default()),
            "adagrad" => OptimizerConfig::Adagrad(AdagradConfig::default()),
            "adadelta" => OptimizerConfig::Adadelta(AdadeltaConfig::default()),
            "nadam" => OptimizerConfig::NAdam(NAdamConfig::default()),
            "radam" => OptimizerConfig::RAdam(RAdamConfig::default()),
            _ => {
                return Err(Error::UnknownOptimizer {
                    name: name.to_string(),
                    known: KNOWN,
                })
            }
        })
    }

    /// The configuration named `name` with the given hyperparameters over PyTorch's defaults,
    /// validated.
    ///
    /// # Errors
    /// [`Error::UnknownOptimizer`] for an unknown name; [`Error::UnknownHyperparameter`] for a
    /// key the optimizer does not take; [`Error::HyperparameterType`] for a number given to a
    /// flag or the reverse; [`Error::InvalidParameter`] for a value out of range.
    pub fn from_name(name: &str, hyperparameters: &[(&str, HyperValue)]) -> Result<Self> {
        let mut config = Self::default_for(name)?;
        for &(key, value) in hyperparameters {
            config.set(key, value)?;
        }
        config.validate()?;
        Ok(config)
    }

    /// Builds from a JSON object such as a `backprop` spec's `{"name": "sgd", "lr": 0.1}`:
    /// `name` picks the optimizer, every other member is a hyperparameter.
    ///
    /// # Errors
    /// [`Error::HyperparameterType`] when the value is not an object, `name` is missing or not
    /// a string, or a member is neither a number nor a boolean; otherwise as
    /// [`OptimizerConfig::from_name`].
    pub fn from_json(value: &serde_json::Value) -> Result<Self> {
        let object = value.as_object().ok_or_else(|| Error::HyperparameterType {
            key: "optimizer".to_string(),
            expected: "an object with a \"name\"",
        })?;
        let name = object.get("name").and_then(|n| n.as_str()).ok_or_else(|| {
            Error::HyperparameterType {
                key: "name".to_string(),
                expected: "a string naming the optimizer",
            }
        })?;
        let mut pairs = Vec::new();
        for (key, v) in object.iter().filter(|(k, _)| k.as_str() != "name") {
            let hv = match v {
                serde_json::Value::Bool(b) => HyperValue::Flag(*b),
                serde_json::Value::Number(n) => {
                    HyperValue::Number(n.as_f64().ok_or_else(|| Error::HyperparameterType {
                        key: key.clone(),
                        expected: "a number",
                    })?)
                }
                _ => {
                    return Err(Error::HyperparameterType {
                        key: key.clone(),
                        expected: "a number or true/false",
                    })
                }
            };
            pairs.push((key.as_str(), hv));
        }
        Self::from_name(name, &pairs)
    }

    /// The optimizer's name (one of [`OPTIMIZER_NAMES`]).
    pub fn name(&self) -> &'static str {
        match self {
            OptimizerConfig::Sgd(_) => "sgd",
            OptimizerConfig::Momentum(_) => "momentum",
            OptimizerConfig::Nesterov(_) => "nesterov",
            OptimizerConfig::RmsProp(_) => "rmsprop",
            OptimizerConfig::Adam(_) => "adam",
            OptimizerConfig::AdamW(_) => "adamw",
            OptimizerConfig::Adagrad(_) => "adagrad",
            OptimizerConfig::Adadelta(_) => "adadelta",
            OptimizerConfig::NAdam(_) => "nadam",
            OptimizerConfig::RAdam(_) => "radam",
        }
    }

    /// The hyperparameter keys this optimizer takes, in display order.
    pub fn keys(&self) -> Vec<&'static str> {
        self.hyperparameters().into_iter().map(|(k, _)| k).collect()
    }

    /// Every hyperparameter as a (key, value) pair, in display order (the optimizer's table).
    pub fn hyperparameters(&self) -> Vec<(&'static str, HyperValue)> {
        use hyperparameter::pairs;
        match self {
            OptimizerConfig::Sgd(c) => pairs(sgd::SGD_TABLE, c),
            OptimizerConfig::Momentum(c) => pairs(sgd::MOMENTUM_TABLE, c),
            OptimizerConfig::Nesterov(c) => pairs(sgd::NESTEROV_TABLE, c),
            OptimizerConfig::RmsProp(c) => pairs(rmsprop::TABLE, c),
            OptimizerConfig::Adam(c) => pairs(adam::ADAM_TABLE, c),
            OptimizerConfig::AdamW(c) => pairs(adam::ADAMW_TABLE, &c.as_adam()),
            OptimizerConfig::Adagrad(c) => pairs(adagrad::TABLE, c),
            OptimizerConfig::Adadelta(c) => pairs(adadelta::TABLE, c),
            OptimizerConfig::NAdam(c) => pairs(nadam::TABLE, c),
            OptimizerConfig::RAdam(c) => pairs(radam::TABLE, c),
        }
    }

    /// Every hyperparameter with PyTorch's name for it, a one-line description and its value
    /// here, in display order: what a front-end needs to list the optimizer's controls.
    pub fn describe(&self) -> Vec<HyperparameterInfo> {
        use hyperparameter::describe;
        match self {
            OptimizerConfig::Sgd(c) => describe(sgd::SGD_TABLE, c),
            OptimizerConfig::Momentum(c) => describe(sgd::MOMENTUM_TABLE, c),
            OptimizerConfig::Nesterov(c) => describe(sgd::NESTEROV_TABLE, c),
            OptimizerConfig::RmsProp(c) => describe(rmsprop::TABLE, c),
            OptimizerConfig::Adam(c) => describe(adam::ADAM_TABLE, c),
            OptimizerConfig::AdamW(c) => describe(adam::ADAMW_TABLE, &c.as_adam()),
            OptimizerConfig::Adagrad(c) => describe(adagrad::TABLE, c),
            OptimizerConfig::Adadelta(c) => describe(adadelta::TABLE, c),
            OptimizerConfig::NAdam(c) => describe(nadam::TABLE, c),
            OptimizerConfig::RAdam(c) => describe(radam::TABLE, c),
        }
    }

    /// How many buffers as large as the parameters the optimizer keeps (Adam's m and v: 2;
    /// AMSGrad's running maximum: one more), to price a run's memory before it starts.
    pub fn state_buffers(&self) -> usize {
        match self {
            OptimizerConfig::Sgd(c) => usize::from(c.momentum != 0.0),
            OptimizerConfig::Momentum(_) | OptimizerConfig::Nesterov(_) => 1,
            OptimizerConfig::RmsProp(c) => {
                1 + usize::from(c.centered) + usize::from(c.momentum != 0.0)
            }
            OptimizerConfig::Adam(c) => 2 + usize::from(c.amsgrad),
            OptimizerConfig::AdamW(c) => 2 + usize::from(c.amsgrad),
            OptimizerConfig::Adagrad(_) => 1,
            OptimizerConfig::Adadelta(_)
            | OptimizerConfig::NAdam(_)
            | OptimizerConfig::RAdam(_) => 2,
        }
    }

    /// The update rule as a worked solution states it, one equation a line, with what the first
    /// step reduces to (g = ∂J/∂θ, plus λθ with weight decay; every state buffer starts at zero,
    /// as in PyTorch). `None` for plain gradient descent, whose step a worked solution writes
    /// out number by number.
    pub fn update_rule(&self) -> Option<&'static [&'static str]> {
        Some(match self {
            OptimizerConfig::Sgd(_) => return None,
            OptimizerConfig::Momentum(_) => sgd::MOMENTUM_RULE,
            OptimizerConfig::Nesterov(_) => sgd::NESTEROV_RULE,
            OptimizerConfig::RmsProp(_) => rmsprop::RULE,
            OptimizerConfig::Adam(_) | OptimizerConfig::AdamW(_) => adam::RULE,
            OptimizerConfig::Adagrad(_) => adagrad::RULE,
            OptimizerConfig::Adadelta(_) => adadelta::RULE,
            OptimizerConfig::NAdam(_) => nadam::RULE,
            OptimizerConfig::RAdam(_) => radam::RULE,
        })
    }

    /// Sets one hyperparameter (not validated until [`OptimizerConfig::validate`]).
    ///
    /// # Errors
    /// [`Error::UnknownHyperparameter`] for a key the optimizer does not take;
    /// [`Error::HyperparameterType`] for a value of the wrong kind.
    pub fn set(&mut self, key: &str, value: HyperValue) -> Result<()> {
        use hyperparameter::set;
        let name = self.name();
        match self {
            OptimizerConfig::Sgd(c) => set(sgd::SGD_TABLE, name, c, key, value),
            OptimizerConfig::Momentum(c) => set(sgd::MOMENTUM_TABLE, name, c, key, value),
            OptimizerConfig::Nesterov(c) => set(sgd::NESTEROV_TABLE, name, c, key, value),
            OptimizerConfig::RmsProp(c) => set(rmsprop::TABLE, name, c, key, value),
            OptimizerConfig::Adam(c) => set(adam::ADAM_TABLE, name, c, key, value),
            OptimizerConfig::AdamW(c) => {
                let mut a = c.as_adam();
                set(adam::ADAMW_TABLE, name, &mut a, key, value)?;
                *c = AdamWConfig::from_adam(a);
                Ok(())
            }
            OptimizerConfig::Adagrad(c) => set(adagrad::TABLE, name, c, key, value),
            OptimizerConfig::Adadelta(c) => set(adadelta::TABLE, name, c, key, value),
            OptimizerConfig::NAdam(c) => set(nadam::TABLE, name, c, key, value),
            OptimizerConfig::RAdam(c) => set(radam::TABLE, name, c, key, value),
        }
    }

    /// The learning rate.
    pub fn lr(&self) -> f64 {
        match self.hyperparameters()[0] {
            (_, HyperValue::Number(lr)) => lr,
            (_, HyperValue::Flag(_)) => f64::NAN,
        }
    }

    /// Checks every hyperparameter's range.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first value out of range.
    pub fn validate(&self) -> Result<()> {
        match self {
            OptimizerConfig::Sgd(c)
            | OptimizerConfig::Momentum(c)
            | OptimizerConfig::Nesterov(c) => c.validate(),
            OptimizerConfig::RmsProp(c) => c.validate(),
            OptimizerConfig::Adam(c) => c.validate(),
            OptimizerConfig::AdamW(c) => c.validate(),
            OptimizerConfig::Adagrad(c) => c.validate(),
            OptimizerConfig::Adadelta(c) => c.validate(),
            OptimizerConfig::NAdam(c) => c.validate(),
            OptimizerConfig::RAdam(c) => c.validate(),
        }
    }

    /// Validates and builds the optimizer for element type `T`.
    ///
    /// # Errors
    /// As [`OptimizerConfig::validate`].
    pub fn build<T: Float>(&self) -> Result<Box<dyn Optimizer<T>>> {
        Ok(match *self {
            OptimizerConfig::Sgd(c)
            | OptimizerConfig::Momentum(c)
            | OptimizerConfig::Nesterov(c) => Box::new(c.build::<T>()?),
            OptimizerConfig::RmsProp(c) => Box::new(c.build::<T>()?),
            OptimizerConfig::Adam(c) => Box::new(c.build::<T>()?),
            OptimizerConfig::AdamW(c) => Box::new(c.build::<T>()?),
            OptimizerConfig::Adagrad(c) => Box::new(c.build::<T>()?),
            OptimizerConfig::Adadelta(c) => Box::new(c.build::<T>()?),
            OptimizerConfig::NAdam(c) => Box::new(c.build::<T>()?),
            OptimizerConfig::RAdam(c) => Box::new(c.build::<T>()?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips_with_pytorch_defaults() {
        for name in OPTIMIZER_NAMES {
            let config = OptimizerConfig::from_name(name, &[]).unwrap();
            assert_eq!(config.name(), name);
            assert_eq!(config.keys()[0], "lr");
            assert!(config.keys().contains(&"weight_decay"), "{name}");
            let pairs = config.hyperparameters();
            let again = OptimizerConfig::from_name(name, &pairs).unwrap();
            assert_eq!(again, config);
            config.build::<f64>().unwrap();
        }
        let lr = |n| OptimizerConfig::default_for(n).unwrap().lr();
        assert_eq!(
            OPTIMIZER_NAMES.map(lr),
            [1e-3, 1e-3, 1e-3, 1e-2, 1e-3, 1e-3, 1e-2, 1.0, 2e-3, 1e-3]
        );
    }

    #[test]
    fn state_buffers_count_the_buffers_a_step_fills() {
        let options: [(&str, &[(&str, HyperValue)]); 6] = [
            (
                "rmsprop",
                &[
                    ("centered", HyperValue::Flag(true)),
                    ("momentum", HyperValue::Number(0.5)),
                ],
            ),
            ("rmsprop", &[("centered", HyperValue::Flag(true))]),
            ("rmsprop", &[("momentum", HyperValue::Number(0.5))]),
            ("adam", &[("amsgrad", HyperValue::Flag(true))]),
            ("adamw", &[("amsgrad", HyperValue::Flag(true))]),
            ("adam", &[]),
        ];
        let configs = OPTIMIZER_NAMES
            .iter()
            .map(|name| OptimizerConfig::from_name(name, &[]).unwrap())
            .chain(
                options
                    .iter()
                    .map(|(name, h)| OptimizerConfig::from_name(name, h).unwrap()),
            );
        for config in configs {
            let mut optimizer = config.build::<f64>().unwrap();
            let mut p = [1.0, -2.0, 3.0];
            optimizer
                .step(&mut [&mut p[..]], &[&[0.5, 0.25, -1.0][..]])
                .unwrap();
            let used = optimizer
                .state()
                .buffers
                .iter()
                .filter(|(_, b)| b.iter().any(|v| !v.is_empty()))
                .count();
            assert_eq!(config.state_buffers(), used, "{config:?}");
        }
    }

    #[test]
    fn momentum_and_nesterov_are_sgd_with_momentum_0_9() {
        match OptimizerConfig::default_for("nesterov").unwrap() {
            OptimizerConfig::Nesterov(c) => assert!(c.nesterov && c.momentum == 0.9),
            other => panic!("{other:?}"),
        }
        match OptimizerConfig::default_for("momentum").unwrap() {
            OptimizerConfig::Momentum(c) => assert!(!c.nesterov && c.momentum == 0.9),
            other => panic!("{other:?}"),
        }
        match OptimizerConfig::default_for("adamw").unwrap() {
            OptimizerConfig::AdamW(c) => assert_eq!(c.weight_decay, 0.01),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_name_the_key() {
        let err = OptimizerConfig::from_name("nesterov", &[("dampening", HyperValue::Number(0.1))])
            .unwrap_err();
        assert!(matches!(err, Error::UnknownHyperparameter { ref key, .. } if key == "dampening"));
        let err = OptimizerConfig::from_name("adam", &[("amsgrad", HyperValue::Number(1.0))])
            .unwrap_err();
        assert!(matches!(err, Error::HyperparameterType { ref key, .. } if key == "amsgrad"));
        let err =
            OptimizerConfig::from_name("adam", &[("beta2", HyperValue::Number(1.0))]).unwrap_err();
        assert!(matches!(err, Error::InvalidParameter { name: "beta2", .. }));
        let err = OptimizerConfig::from_name("lbfgs", &[]).unwrap_err();
        assert!(err.to_string().contains("lbfgs"));
    }

    #[test]
    fn from_json_reads_a_backprop_optimizer_object() {
        let value = serde_json::json!({"name": "adam", "lr": 0.1, "amsgrad": true});
        let config = OptimizerConfig::from_json(&value).unwrap();
        match config {
            OptimizerConfig::Adam(c) => assert!(c.amsgrad && c.lr == 0.1),
            other => panic!("{other:?}"),
        }
        assert!(OptimizerConfig::from_json(&serde_json::json!({"lr": 0.1})).is_err());
        assert!(
            OptimizerConfig::from_json(&serde_json::json!({"name": "sgd", "lr": "x"})).is_err()
        );
    }
}
