//! Multi-task model files: a trained [`MultiTaskModel`] (shared trunk, one head per task) with
//! its feature standardisation and every task's target, as safetensors.
//!
//! The tensors are named as [`MultiTaskModel::parameter_names`] names them — `trunk.0.weight`,
//! `trunk.0.bias`, …, then `heads.{task}.0.weight`, … per task in order — which is the
//! `state_dict` of a PyTorch module with an `nn.Sequential` `trunk` and an `nn.ModuleDict`
//! `heads`. The `__metadata__` holds the single-task keys that describe the inputs
//! (`nabla_format_version`, `activation`, `activation_params`, `dropout`, `feature_names`,
//! `feature_means`, `feature_stds`) and, in place of `widths` and the target keys:
//!
//! | key | value (example) |
//! |-----|-----------------|
//! | `model` | `multitask` (marks the kind of file) |
//! | `shared_widths` | `[3,64,64]` (inputs, then the trunk's widths) |
//! | `head_widths` | `[32]` (each head's hidden widths; `[]`: linear heads) |
//! | `tasks` | `[{"target":"species","task":"classes","classes":["Adelie",…]},…,{"target":"body_mass_g","task":"regression","classes":[],"target_mean":4201.7,"target_std":801.9}]` |
//!
//! Each task's path, trunk then head, is an ordinary MLP ([`MultiTaskModel::task_network`]),
//! so [`MultiTask::task_model`] gives it as a single-task [`Model`] that predicts exactly as
//! the head does. Reading checks everything a single-task file's reading checks, for every
//! part, and reports the first fault as [`Error::ModelFile`] naming the file.
//!
//! ```
//! use nabla_nn::data::Standardizer;
//! use nabla_nn::model_file::{MultiTask, MultiTaskNetwork, SavedModel, TargetInfo};
//! use nabla_nn::multitask::{MultiTaskConfig, MultiTaskModel, Task};
//! use nabla_nn::train::Objective;
//!
//! let tasks = vec![Task::new("kind", Objective::Binary)];
//! let config = MultiTaskConfig { inputs: 2, shared: vec![4], head_hidden: vec![], tasks, ..MultiTaskConfig::default() };
//! let net = MultiTaskModel::<f32>::new(&config, 0).unwrap();
//! let scaler = Standardizer::from_parts(vec!["x".into(), "y".into()], vec![0.0; 2], vec![1.0; 2]).unwrap();
//! let target = TargetInfo::new("kind".into(), Objective::Binary, vec!["no".into(), "yes".into()]).unwrap();
//! let model = MultiTask::new(MultiTaskNetwork::new(&net), scaler, vec![target]).unwrap();
//! let bytes = model.to_bytes().unwrap();
//! let SavedModel::MultiTask(back) = SavedModel::from_bytes("in memory", &bytes).unwrap() else { panic!() };
//! assert_eq!(back, model);
//! assert_eq!(back.task_model(0).network().widths(), [2, 4, 1]);
//! ```

use std::collections::HashMap;

use nabla_tensor::{Float, Tensor};
use safetensors::SafeTensors;
use serde_json::{json, Map, Value};

use super::metadata::{self, bad, cut, parse_json, ModelKind};
use super::network::{build, cast_mlp, checked_views, encode_mlp, f32_views, mlp_tensors};
use super::{serialize, Model, ModelFileProblem, Network, TargetInfo};
use crate::data::{Standardizer, Target};
use crate::layers::Mlp;
use crate::multitask::{masked_metrics, MultiTaskModel, Task};
use crate::train::{check_finite, Metrics};
use crate::{Error, Result};

/// A multi-task network in the element type it was trained (or saved) in.
#[derive(Clone, Debug, PartialEq)]
pub enum MultiTaskNetwork {
    /// 32-bit weights.
    F32(MultiTaskModel<f32>),
    /// 64-bit weights.
    F64(MultiTaskModel<f64>),
}

/// Runs `$body` with `$net` bound to the `MultiTaskModel<f32>` or `MultiTaskModel<f64>`.
macro_rules! with_net {
    ($network:expr, $net:ident => $body:expr) => {
        match $network {
            MultiTaskNetwork::F32($net) => $body,
            MultiTaskNetwork::F64($net) => $body,
        }
    };
}

/// A trained multi-task network with its feature standardisation and its tasks' targets: what
/// a multi-task model file holds.
#[derive(Clone, Debug, PartialEq)]
pub struct MultiTask {
    network: MultiTaskNetwork,
    standardizer: Standardizer,
    targets: Vec<TargetInfo>,
}

impl MultiTaskNetwork {
    /// A copy of `network` in its own element type: `f32` weights stay `f32`, anything else is
    /// stored as `f64`. The copy is bit-exact.
    pub fn new<T: Float>(network: &MultiTaskModel<T>) -> MultiTaskNetwork {
        fn cast<T: Float, U: Float>(m: &MultiTaskModel<T>) -> MultiTaskModel<U> {
            MultiTaskModel::from_parts(
                cast_mlp(m.trunk()),
                m.heads().iter().map(cast_mlp).collect(),
                m.tasks().to_vec(),
            )
            .expect("the parts of a valid network fit together")
        }
        if T::NAME == f32::NAME {
            MultiTaskNetwork::F32(cast(network))
        } else {
            MultiTaskNetwork::F64(cast(network))
        }
    }
}

impl MultiTask {
    /// Bundles a network with the standardisation of its inputs and one target per task, in
    /// task order.
    ///
    /// # Errors
    /// [`Error::DataShape`] when the inputs differ from the features or the number of targets
    /// from the tasks; [`Error::InvalidParameter`] when a target's name or objective differs
    /// from its task's.
    pub fn new(
        network: MultiTaskNetwork,
        standardizer: Standardizer,
        targets: Vec<TargetInfo>,
    ) -> Result<MultiTask> {
        MultiTask::from_network(network, standardizer, targets)
    }

    fn from_network(
        network: MultiTaskNetwork,
        standardizer: Standardizer,
        targets: Vec<TargetInfo>,
    ) -> Result<MultiTask> {
        let (inputs, tasks) = with_net!(&network, n => (n.trunk().widths()[0], n.tasks().to_vec()));
        for (what, expected, found) in [
            (
                "model inputs (one per feature)",
                standardizer.feature_names().len(),
                inputs,
            ),
            ("targets (one per task)", tasks.len(), targets.len()),
        ] {
            if expected != found {
                return Err(Error::DataShape {
                    what: what.to_string(),
                    expected,
                    found,
                });
            }
        }
        for (i, (task, target)) in tasks.iter().zip(&targets).enumerate() {
            if task.name != target.name || task.objective != target.objective {
                return Err(Error::InvalidParameter {
                    name: "targets",
                    value: i as f64,
                    reason: "each target must name its task and have its objective",
                });
            }
        }
        Ok(MultiTask {
            network,
            standardizer,
            targets,
        })
    }

    /// The network.
    pub fn network(&self) -> &MultiTaskNetwork {
        &self.network
    }

    /// The standardisation applied to the features before the network.
    pub fn standardizer(&self) -> &Standardizer {
        &self.standardizer
    }

    /// The feature names, in the network's input order.
    pub fn feature_names(&self) -> &[String] {
        self.standardizer.feature_names()
    }

    /// The tasks' targets, in task order.
    pub fn targets(&self) -> &[TargetInfo] {
        &self.targets
    }

    /// `"float32"` or `"float64"`.
    pub fn dtype(&self) -> &'static str {
        match self.network {
            MultiTaskNetwork::F32(_) => f32::NAME,
            MultiTaskNetwork::F64(_) => f64::NAME,
        }
    }

    /// `[inputs, shared…]`: the trunk's widths.
    pub fn shared_widths(&self) -> Vec<usize> {
        with_net!(&self.network, n => n.trunk().widths())
    }

    /// Each head's hidden widths.
    pub fn head_widths(&self) -> Vec<usize> {
        with_net!(&self.network, n => {
            let w = n.heads()[0].widths();
            w[1..w.len() - 1].to_vec()
        })
    }

    /// The hidden activation.
    pub fn activation(&self) -> nabla_tensor::Activation {
        with_net!(&self.network, n => n.trunk().activation())
    }

    /// The dropout probability after each hidden activation.
    pub fn dropout(&self) -> f64 {
        with_net!(&self.network, n => n.trunk().dropout().p())
    }

    /// The number of trainable numbers.
    pub fn parameter_count(&self) -> usize {
        with_net!(&self.network, n => n.parameter_count())
    }

    /// Task `t`'s path (trunk, then head t) as a single-task model, which predicts exactly as
    /// head t of the network.
    ///
    /// # Panics
    /// When `t` is not a task index.
    #[track_caller]
    pub fn task_model(&self, t: usize) -> Model {
        let network = with_net!(&self.network, n => Network::from_mlp(&n.task_network(t)));
        Model::new(network, self.standardizer.clone(), self.targets[t].clone())
            .expect("a task's path fits its features and target")
    }

    /// Every task's metrics for standardised inputs `x` (n×d row-major) against `targets`
    /// (one per task, `None` where the data lacks that column; labels already aligned with
    /// [`Model::align`] of [`Self::task_model`]), over the rows that have the task's label,
    /// computed as `nabla train` computes them (the whole network's outputs, in its dtype);
    /// `None` for a task without a column or without a label.
    ///
    /// # Errors
    /// [`Error::DataShape`] when the sizes disagree.
    pub fn evaluate(&self, x: &[f64], targets: &[Option<&Target>]) -> Result<Vec<Option<Metrics>>> {
        let d = self.feature_names().len();
        if x.len() % d != 0 || targets.len() != self.targets.len() {
            return Err(Error::DataShape {
                what: "inputs (rows of features) and targets (one per task)".to_string(),
                expected: self.targets.len(),
                found: targets.len(),
            });
        }
        let x = Tensor::<f64>::from_f64s(x, &[x.len() / d, d])?;
        with_net!(&self.network, n => {
            let outputs = n.predict(&x.cast())?;
            for out in &outputs {
                check_finite(out)?;
            }
            outputs
                .iter()
                .zip(targets)
                .zip(&self.targets)
                .map(|((out, target), info)| match target {
                    Some(t) => masked_metrics(info.objective, out, t),
                    None => Ok(None),
                })
                .collect()
        })
    }

    /// The file's bytes: safetensors with the metadata of the module docs.
    ///
    /// # Errors
    /// [`Error::ModelFile`] (with the path `"model"`) if safetensors refuses to serialise, which
    /// does not happen for a valid model.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let tensors = with_net!(&self.network, n => {
            let mut all = encode_mlp("trunk.", n.trunk());
            for (task, head) in n.tasks().iter().zip(n.heads()) {
                all.extend(encode_mlp(&format!("heads.{}.", task.name), head));
            }
            all
        });
        let mut meta =
            metadata::encode_inputs(self.activation(), self.dropout(), &self.standardizer);
        meta.insert("model".to_string(), ModelKind::MultiTask.name().to_string());
        meta.insert(
            "shared_widths".to_string(),
            json!(self.shared_widths()).to_string(),
        );
        meta.insert(
            "head_widths".to_string(),
            json!(self.head_widths()).to_string(),
        );
        let tasks: Vec<Value> = self
            .targets
            .iter()
            .map(|t| {
                let entries: Map<String, Value> = metadata::encode_target(t)
                    .into_iter()
                    .map(|(k, v)| {
                        let value = match k.as_str() {
                            "target" | "task" => Value::String(v),
                            _ => serde_json::from_str(&v).unwrap_or(Value::String(v)),
                        };
                        (k, value)
                    })
                    .collect();
                Value::Object(entries)
            })
            .collect();
        meta.insert("tasks".to_string(), Value::Array(tasks).to_string());
        serialize(tensors, meta)
    }

    /// Reads a multi-task model from a file's bytes whose metadata `m` has been read; `path`
    /// names the file in errors.
    pub(super) fn decode(
        path: &str,
        file: &SafeTensors<'_>,
        m: &HashMap<String, String>,
    ) -> Result<MultiTask> {
        let fail = |problem| Error::ModelFile {
            path: path.to_string(),
            problem,
        };
        let parts = decode_metadata(m).map_err(fail)?;
        let network = decode_network(file, &parts).map_err(fail)?;
        MultiTask::from_network(network, parts.inputs.standardizer, parts.targets).map_err(|e| {
            fail(ModelFileProblem::Inconsistent {
                reason: e.to_string(),
            })
        })
    }
}

/// What a multi-task file's metadata says.
struct Parts {
    shared: Vec<usize>,
    head: Vec<usize>,
    inputs: metadata::Inputs,
    targets: Vec<TargetInfo>,
}

fn decode_metadata(m: &HashMap<String, String>) -> std::result::Result<Parts, ModelFileProblem> {
    let get = metadata::getter(m);
    let shared_text = get("shared_widths")?;
    let shared: Vec<usize> = parse_json(shared_text, "shared_widths")?;
    if shared.len() < 2 || shared.contains(&0) {
        return Err(bad(
            "shared_widths",
            shared_text,
            "a trunk needs an input width and at least one layer, each at least 1",
        ));
    }
    let head_text = get("head_widths")?;
    let head: Vec<usize> = parse_json(head_text, "head_widths")?;
    if head.contains(&0) {
        return Err(bad(
            "head_widths",
            head_text,
            "every width must be at least 1",
        ));
    }
    let inputs = metadata::decode_inputs(m)?;
    if inputs.standardizer.feature_names().len() != shared[0] {
        return Err(ModelFileProblem::Inconsistent {
            reason: format!(
                "shared_widths start with {} inputs but there are {} feature names",
                shared[0],
                inputs.standardizer.feature_names().len()
            ),
        });
    }
    let tasks_text = get("tasks")?;
    let entries: Vec<Map<String, Value>> = parse_json(tasks_text, "tasks")?;
    if entries.is_empty() {
        return Err(bad("tasks", tasks_text, "a multi-task model needs a task"));
    }
    let mut targets: Vec<TargetInfo> = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let strings: HashMap<String, String> = entry
            .iter()
            .map(|(k, v)| {
                let text = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), text)
            })
            .collect();
        let shown = Value::Object(entry.clone()).to_string();
        let target = metadata::target(metadata::getter(&strings))
            .map_err(|e| bad("tasks", &shown, &format!("task {}: {e}", i + 1)))?;
        if targets.iter().any(|t| t.name == target.name) {
            return Err(bad(
                "tasks",
                &cut(&shown),
                &format!("task \"{}\" is declared twice", target.name),
            ));
        }
        targets.push(target);
    }
    Ok(Parts {
        shared,
        head,
        inputs,
        targets,
    })
}

fn decode_network(
    file: &SafeTensors<'_>,
    parts: &Parts,
) -> std::result::Result<MultiTaskNetwork, ModelFileProblem> {
    let dropout = parts.inputs.dropout;
    let activation = parts.inputs.activation;
    let z = parts.shared[parts.shared.len() - 1];
    let mut expected = mlp_tensors("trunk.", &parts.shared, dropout);
    let mut head_widths = Vec::with_capacity(parts.targets.len());
    for target in &parts.targets {
        let mut widths = vec![z];
        widths.extend(&parts.head);
        widths.push(target.objective.outputs());
        expected.extend(mlp_tensors(
            &format!("heads.{}.", target.name),
            &widths,
            dropout,
        ));
        head_widths.push(widths);
    }
    let views = checked_views(file, "", &expected)?;
    let tasks: Vec<Task> = parts
        .targets
        .iter()
        .map(|t| Task::new(t.name.clone(), t.objective))
        .collect();
    fn assemble<T: Float>(
        mlps: Vec<Mlp<T>>,
        tasks: Vec<Task>,
    ) -> std::result::Result<MultiTaskModel<T>, ModelFileProblem> {
        let mut mlps = mlps.into_iter();
        let trunk = mlps.next().ok_or(ModelFileProblem::Inconsistent {
            reason: "no trunk".to_string(),
        })?;
        MultiTaskModel::from_parts(trunk, mlps.collect(), tasks).map_err(|e| {
            ModelFileProblem::Inconsistent {
                reason: e.to_string(),
            }
        })
    }
    let mut sizes = vec![(parts.shared.len() - 1) * 2];
    sizes.extend(head_widths.iter().map(|w| (w.len() - 1) * 2));
    let mut groups = Vec::with_capacity(sizes.len());
    let mut at = 0;
    for n in sizes {
        groups.push(&views[at..at + n]);
        at += n;
    }
    if f32_views(&views) {
        let mlps = groups
            .iter()
            .map(|g| build::<f32, 4>(g, activation, dropout, f32::from_le_bytes))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        assemble(mlps, tasks).map(MultiTaskNetwork::F32)
    } else {
        let mlps = groups
            .iter()
            .map(|g| build::<f64, 8>(g, activation, dropout, f64::from_le_bytes))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        assemble(mlps, tasks).map(MultiTaskNetwork::F64)
    }
}
