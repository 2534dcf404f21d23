//! Hard parameter sharing: one shared trunk (an MLP whose every layer is followed by the hidden
//! activation) feeding one head per task (an MLP ending in that task's outputs).
//!
//! ```text
//! x ──► trunk: Linear → act → [dropout] → … → Linear → act → [dropout] ──► z
//! z ──► head t: [Linear → act → [dropout] → …] → Linear ──► logits / prediction of task t
//! ```
//!
//! Parameters are named `trunk.{i}.weight`, `trunk.{i}.bias` and `heads.{task}.{i}.weight`, …,
//! where `{i}` is the PyTorch `nn.Sequential` index inside the part (as [`Mlp`] names them).
//! Weights are drawn from one seeded stream, trunk first, then the heads in task order, so a
//! single-task network built with the same seed and shapes starts from the same trunk.
//!
//! ```
//! use nabla_nn::multitask::{MultiTaskConfig, MultiTaskModel, Task};
//! use nabla_nn::train::Objective;
//! use nabla_tensor::Tensor;
//! let config = MultiTaskConfig {
//!     inputs: 3,
//!     shared: vec![8],
//!     head_hidden: vec![4],
//!     tasks: vec![
//!         Task::new("species", Objective::Classes { classes: 3 }),
//!         Task::new("sex", Objective::Binary),
//!     ],
//!     ..MultiTaskConfig::default()
//! };
//! let model = MultiTaskModel::<f64>::new(&config, 0).unwrap();
//! assert_eq!(model.parameter_names()[0], "trunk.0.weight");
//! assert_eq!(model.parameter_names()[2], "heads.species.0.weight");
//! // 3·8+8 (trunk) + 8·4+4+4·3+3 (species) + 8·4+4+4·1+1 (sex)
//! assert_eq!(model.parameter_count(), 32 + 51 + 41);
//! let outs = model.predict(&Tensor::zeros(&[5, 3])).unwrap();
//! assert_eq!((outs[0].shape(), outs[1].shape()), (&[5, 3][..], &[5, 1][..]));
//! ```

use nabla_tensor::{Activation, Float, Tape, Tensor, Var};
use rand_chacha::ChaCha8Rng;

use crate::init::{self, Init};
use crate::layers::{Dropout, Linear, Mlp};
use crate::train::Objective;
use crate::{Error, Result};

/// One task of a multi-task network: the target column it predicts and how.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    /// The target column's name (also the head's name).
    pub name: String,
    /// The head's outputs, loss and metrics.
    pub objective: Objective,
}

impl Task {
    /// A task named `name`.
    pub fn new(name: impl Into<String>, objective: Objective) -> Self {
        Self {
            name: name.into(),
            objective,
        }
    }
}

/// The shape and settings of a [`MultiTaskModel`].
#[derive(Clone, Debug, PartialEq)]
pub struct MultiTaskConfig {
    /// The number of input features.
    pub inputs: usize,
    /// The shared trunk's layer widths (at least one).
    pub shared: Vec<usize>,
    /// Each head's hidden widths (empty: a head is one linear layer).
    pub head_hidden: Vec<usize>,
    /// The activation after every hidden layer, trunk and heads.
    pub activation: Activation,
    /// The dropout probability after every hidden activation (0 for none).
    pub dropout: f64,
    /// The weight initialiser.
    pub init: Init,
    /// The tasks, one head each, in order.
    pub tasks: Vec<Task>,
}

impl Default for MultiTaskConfig {
    fn default() -> Self {
        Self {
            inputs: 1,
            shared: vec![64, 64],
            head_hidden: vec![32],
            activation: Activation::Relu,
            dropout: 0.0,
            init: Init::PyTorchDefault,
            tasks: Vec::new(),
        }
    }
}

/// A shared trunk and one head per task.
#[derive(Clone, Debug, PartialEq)]
pub struct MultiTaskModel<T: Float> {
    trunk: Mlp<T>,
    heads: Vec<Mlp<T>>,
    tasks: Vec<Task>,
}

/// The values of one forward pass on a tape.
#[derive(Clone, Debug)]
pub struct Forward<'t, T: Float> {
    /// The trunk's output `z` (after the last shared activation and dropout).
    pub shared: Var<'t, T>,
    /// Each head's output (logits or predictions), in task order.
    pub outputs: Vec<Var<'t, T>>,
}

fn layers<T: Float>(
    widths: &[usize],
    config: &MultiTaskConfig,
    activate_last: bool,
    rng: &mut ChaCha8Rng,
) -> Vec<Linear<T>> {
    let last = widths.len() - 2;
    widths
        .windows(2)
        .enumerate()
        .map(|(i, w)| {
            let gain = if i < last || activate_last {
                init::gain(config.activation)
            } else {
                1.0
            };
            Linear::new(w[0], w[1], config.init, gain, rng)
        })
        .collect()
}

impl<T: Float> MultiTaskModel<T> {
    /// A freshly initialised network; the same seed gives the same weights.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for no tasks, no shared layer, a zero width, or a dropout
    /// probability outside [0, 1); [`Error::DuplicateColumn`] when two tasks share a name.
    pub fn new(config: &MultiTaskConfig, seed: u64) -> Result<Self> {
        Dropout::new(config.dropout)?;
        let invalid = |name, value: usize, reason| Error::InvalidParameter {
            name,
            value: value as f64,
            reason,
        };
        if config.tasks.is_empty() {
            return Err(invalid("tasks", 0, "a multi-task network needs a task"));
        }
        if config.shared.is_empty() {
            return Err(invalid("shared", 0, "the trunk needs at least one layer"));
        }
        let mut widths = vec![config.inputs];
        widths.extend(&config.shared);
        widths.extend(&config.head_hidden);
        if let Some(&zero) = widths.iter().find(|&&w| w == 0) {
            return Err(invalid(
                "widths",
                zero,
                "every layer width must be at least 1",
            ));
        }
        for (i, t) in config.tasks.iter().enumerate() {
            if config.tasks[..i].iter().any(|u| u.name == t.name) {
                return Err(Error::DuplicateColumn {
                    source_name: "tasks".to_string(),
                    column: t.name.clone(),
                });
            }
        }
        let mut rng = init::seeded(seed);
        let mut trunk_widths = vec![config.inputs];
        trunk_widths.extend(&config.shared);
        let trunk = Mlp::from_layers(
            layers(&trunk_widths, config, true, &mut rng),
            config.activation,
            config.dropout,
        )?;
        let z = *trunk_widths.last().unwrap_or(&config.inputs);
        let heads = config
            .tasks
            .iter()
            .map(|task| {
                let mut w = vec![z];
                w.extend(&config.head_hidden);
                w.push(task.objective.outputs());
                Mlp::from_layers(
                    layers(&w, config, false, &mut rng),
                    config.activation,
                    config.dropout,
                )
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            trunk,
            heads,
            tasks: config.tasks.clone(),
        })
    }

    /// A network from given parts: the trunk (every layer of it is followed by the trunk's
    /// activation and dropout in [`Self::forward_t`]) and one head per task.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the number of heads differs from the number of tasks, a
    /// head's inputs differ from the trunk's outputs, or a head's outputs differ from its task's
    /// [`Objective::outputs`]; [`Error::DuplicateColumn`] when two tasks share a name.
    pub fn from_parts(trunk: Mlp<T>, heads: Vec<Mlp<T>>, tasks: Vec<Task>) -> Result<Self> {
        let invalid = |value: usize, reason| Error::InvalidParameter {
            name: "heads",
            value: value as f64,
            reason,
        };
        if heads.len() != tasks.len() || tasks.is_empty() {
            return Err(invalid(heads.len(), "give one head per task"));
        }
        let z = *trunk.widths().last().unwrap_or(&0);
        for (i, (head, task)) in heads.iter().zip(&tasks).enumerate() {
            let widths = head.widths();
            if widths[0] != z {
                return Err(invalid(i, "a head's inputs must equal the trunk's outputs"));
            }
            if widths.last() != Some(&task.objective.outputs()) {
                return Err(invalid(i, "a head's outputs must fit its task"));
            }
            if tasks[..i].iter().any(|u| u.name == task.name) {
                return Err(Error::DuplicateColumn {
                    source_name: "tasks".to_string(),
                    column: task.name.clone(),
                });
            }
        }
        Ok(Self {
            trunk,
            heads,
            tasks,
        })
    }

    /// Task `t`'s whole path as one plain [`Mlp`]: the trunk's layers, then head t's. Since the
    /// trunk's last layer is followed by the activation and a head starts with a linear layer,
    /// this is an ordinary MLP `[inputs, shared…, head…, outputs_t]` with the same outputs as
    /// head t of [`Self::predict`] (e.g. to save or inspect one task's network on its own).
    ///
    /// # Panics
    /// When `t` is not a task index.
    #[track_caller]
    pub fn task_network(&self, t: usize) -> Mlp<T> {
        let layers = self
            .trunk
            .layers()
            .iter()
            .chain(self.heads[t].layers())
            .cloned()
            .collect();
        Mlp::from_layers(layers, self.trunk.activation(), self.trunk.dropout().p())
            .expect("the trunk's outputs feed every head")
    }

    /// The tasks, in head order.
    pub fn tasks(&self) -> &[Task] {
        &self.tasks
    }

    /// The shared trunk (its last layer is followed by the activation in [`Self::forward_t`]).
    pub fn trunk(&self) -> &Mlp<T> {
        &self.trunk
    }

    /// The heads, in task order.
    pub fn heads(&self) -> &[Mlp<T>] {
        &self.heads
    }

    /// The number of trainable numbers (trunk and every head).
    pub fn parameter_count(&self) -> usize {
        self.trunk.parameter_count() + self.heads.iter().map(Mlp::parameter_count).sum::<usize>()
    }

    /// The number of trainable numbers in the shared trunk.
    pub fn shared_parameter_count(&self) -> usize {
        self.trunk.parameter_count()
    }

    /// The number of parameter tensors of the trunk; they come first in [`Self::parameters`].
    pub fn shared_tensors(&self) -> usize {
        self.trunk.layers().len() * 2
    }

    /// The position in [`Self::parameters`] of the last shared layer's weight (where GradNorm
    /// measures gradient norms).
    pub fn last_shared_weight(&self) -> usize {
        self.shared_tensors() - 2
    }

    /// Parameter names, in [`Self::parameters`] order.
    pub fn parameter_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .trunk
            .parameter_names()
            .into_iter()
            .map(|n| format!("trunk.{n}"))
            .collect();
        for (task, head) in self.tasks.iter().zip(&self.heads) {
            names.extend(
                head.parameter_names()
                    .into_iter()
                    .map(|n| format!("heads.{}.{n}", task.name)),
            );
        }
        names
    }

    /// Every parameter: the trunk's, then each head's.
    pub fn parameters(&self) -> Vec<&Tensor<T>> {
        let mut p = self.trunk.parameters();
        for h in &self.heads {
            p.extend(h.parameters());
        }
        p
    }

    /// Every parameter, mutable, in [`Self::parameters`] order.
    pub fn parameters_mut(&mut self) -> Vec<&mut Tensor<T>> {
        let mut p = self.trunk.parameters_mut();
        for h in &mut self.heads {
            p.extend(h.parameters_mut());
        }
        p
    }

    /// The range of positions in [`Self::parameters`] that belong to head `task`.
    pub fn head_range(&self, task: usize) -> std::ops::Range<usize> {
        let start = self.shared_tensors()
            + self.heads[..task]
                .iter()
                .map(|h| h.layers().len() * 2)
                .sum::<usize>();
        start..start + self.heads[task].layers().len() * 2
    }

    /// Records every parameter on `tape`, named as in [`Self::parameter_names`].
    pub fn bind<'t>(&self, tape: &'t Tape<T>) -> Vec<Var<'t, T>> {
        self.parameters()
            .into_iter()
            .zip(self.parameter_names())
            .map(|(p, name)| tape.param_named(p.clone(), name))
            .collect()
    }

    /// The forward pass on a tape: `params` from [`Self::bind`]; dropout masks drawn from `rng`
    /// when `train`.
    ///
    /// # Errors
    /// [`nabla_tensor::Error::ShapeMismatch`] when `x`'s last axis is not the input width.
    pub fn forward_t<'t>(
        &self,
        params: &[Var<'t, T>],
        x: Var<'t, T>,
        train: bool,
        rng: &mut ChaCha8Rng,
    ) -> Result<Forward<'t, T>> {
        let s = self.shared_tensors();
        let z = self.trunk.forward_t(&params[..s], x, train, rng)?;
        let z = z.activation(self.trunk.activation());
        let z = self.trunk.dropout().forward_t(z, train, rng)?;
        let outputs = (0..self.heads.len())
            .map(|t| self.heads[t].forward_t(&params[self.head_range(t)], z, train, rng))
            .collect::<Result<Vec<_>>>()?;
        Ok(Forward { shared: z, outputs })
    }

    /// Every head's output for inputs `x` (`[rows, inputs]`) in evaluation mode, without
    /// recording.
    ///
    /// # Errors
    /// [`nabla_tensor::Error::ShapeMismatch`] when `x`'s last axis is not the input width.
    pub fn predict(&self, x: &Tensor<T>) -> Result<Vec<Tensor<T>>> {
        let h = self.trunk.predict(x)?;
        let mut z = vec![T::zero(); h.numel()];
        self.trunk.activation().forward(h.data(), &mut z);
        let z = Tensor::from_vec(z, h.shape())?;
        self.heads.iter().map(|head| head.predict(&z)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> MultiTaskConfig {
        MultiTaskConfig {
            inputs: 2,
            shared: vec![5, 4],
            head_hidden: vec![3],
            activation: Activation::Tanh,
            dropout: 0.25,
            tasks: vec![
                Task::new("a", Objective::Classes { classes: 4 }),
                Task::new(
                    "b",
                    Objective::Regression {
                        mean: 0.0,
                        std: 1.0,
                    },
                ),
            ],
            ..MultiTaskConfig::default()
        }
    }

    #[test]
    fn tape_forward_in_eval_mode_equals_predict() {
        let model = MultiTaskModel::<f64>::new(&config(), 3).unwrap();
        let x = Tensor::from_vec(vec![0.1, -0.4, 1.2, 0.7, -2.0, 0.3], &[3, 2]).unwrap();
        let tape = Tape::new();
        let params = model.bind(&tape);
        let f = model
            .forward_t(
                &params,
                tape.constant(x.clone()),
                false,
                &mut init::seeded(0),
            )
            .unwrap();
        let p = model.predict(&x).unwrap();
        assert_eq!(f.outputs[0].value(), p[0]);
        assert_eq!(f.outputs[1].value(), p[1]);
        assert_eq!(f.shared.shape().as_slice(), &[3, 4]);
    }

    #[test]
    fn names_ranges_and_counts_line_up() {
        let model = MultiTaskModel::<f32>::new(&config(), 0).unwrap();
        let names = model.parameter_names();
        assert_eq!(names.len(), model.parameters().len());
        assert_eq!(names[model.last_shared_weight()], "trunk.3.weight");
        assert_eq!(names[model.head_range(1).start], "heads.b.0.weight");
        assert_eq!(model.head_range(1).end, names.len());
        let trunk = 2 * 5 + 5 + 5 * 4 + 4;
        assert_eq!(model.shared_parameter_count(), trunk);
        let heads = (4 * 3 + 3 + 3 * 4 + 4) + (4 * 3 + 3 + 3 + 1);
        assert_eq!(model.parameter_count(), trunk + heads);
    }

    #[test]
    fn a_single_task_network_starts_from_the_same_trunk() {
        let multi = MultiTaskModel::<f64>::new(&config(), 9).unwrap();
        let mut one = config();
        one.tasks.truncate(1);
        let single = MultiTaskModel::<f64>::new(&one, 9).unwrap();
        assert_eq!(multi.trunk(), single.trunk());
        assert_eq!(multi.heads()[0], single.heads()[0]);
    }

    #[test]
    fn from_parts_checks_the_heads() {
        let model = MultiTaskModel::<f64>::new(&config(), 1).unwrap();
        let rebuilt = MultiTaskModel::from_parts(
            model.trunk().clone(),
            model.heads().to_vec(),
            model.tasks().to_vec(),
        )
        .unwrap();
        assert_eq!(rebuilt, model);
        let one_head = model.heads()[..1].to_vec();
        assert!(MultiTaskModel::from_parts(
            model.trunk().clone(),
            one_head,
            model.tasks().to_vec()
        )
        .is_err());
        let swapped = vec![model.heads()[1].clone(), model.heads()[0].clone()];
        assert!(
            MultiTaskModel::from_parts(model.trunk().clone(), swapped, model.tasks().to_vec())
                .is_err()
        );
    }

    #[test]
    fn a_task_network_predicts_as_its_head() {
        let model = MultiTaskModel::<f64>::new(&config(), 5).unwrap();
        let x = Tensor::from_vec(vec![0.3, -1.1, 0.8, 2.0], &[2, 2]).unwrap();
        let outs = model.predict(&x).unwrap();
        for (t, out) in outs.iter().enumerate() {
            let net = model.task_network(t);
            assert_eq!(net.widths()[..3], [2, 5, 4]);
            assert_eq!(&net.predict(&x).unwrap(), out);
        }
    }

    #[test]
    fn bad_shapes_are_errors() {
        let mut c = config();
        c.shared.clear();
        assert!(MultiTaskModel::<f64>::new(&c, 0).is_err());
        let mut c = config();
        c.tasks.clear();
        assert!(MultiTaskModel::<f64>::new(&c, 0).is_err());
        let mut c = config();
        c.tasks[1].name = "a".into();
        assert!(matches!(
            MultiTaskModel::<f64>::new(&c, 0),
            Err(Error::DuplicateColumn { .. })
        ));
        let mut c = config();
        c.head_hidden = vec![0];
        assert!(MultiTaskModel::<f64>::new(&c, 0).is_err());
    }
}
