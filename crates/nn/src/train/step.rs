//! What a model supplies to the training loop: its parameters ([`Module`]) and one mini-batch
//! step ([`TrainStep`]). The loop in [`fit`](super::fit) owns everything else.
//!
//! [`Mlp`] trains on [`Examples`] (inputs, targets and the objective); a multi-task network
//! trains through [`MultiTaskLearner`](crate::multitask::MultiTaskLearner), which adds the loss
//! balancing's state to the model.

use std::fmt::Debug;

use nabla_tensor::loss::Reduction;
use nabla_tensor::{Float, Tape, Tensor, Var};
use rand_chacha::ChaCha8Rng;

use super::{evaluate, Metrics, ModelState, Objective, Tally};
use crate::layers::Mlp;
use crate::multitask::MultiTaskModel;
use crate::optim::{clip_grad_norm, Optimizer};
use crate::Result;

/// A network's parameters, named as in PyTorch's `state_dict`, and their recording on a tape.
pub trait Module<T: Float> {
    /// Parameter names, in [`Module::parameters`] order.
    fn parameter_names(&self) -> Vec<String>;

    /// Every parameter.
    fn parameters(&self) -> Vec<&Tensor<T>>;

    /// Every parameter, mutable, in [`Module::parameters`] order.
    fn parameters_mut(&mut self) -> Vec<&mut Tensor<T>>;

    /// Records every parameter on `tape`, named as in [`Module::parameter_names`].
    fn bind<'t>(&self, tape: &'t Tape<T>) -> Vec<Var<'t, T>> {
        self.parameters()
            .into_iter()
            .zip(self.parameter_names())
            .map(|(p, name)| tape.param_named(p.clone(), name))
            .collect()
    }
}

impl<T: Float> Module<T> for Mlp<T> {
    fn parameter_names(&self) -> Vec<String> {
        Mlp::parameter_names(self)
    }
    fn parameters(&self) -> Vec<&Tensor<T>> {
        Mlp::parameters(self)
    }
    fn parameters_mut(&mut self) -> Vec<&mut Tensor<T>> {
        Mlp::parameters_mut(self)
    }
}

impl<T: Float> Module<T> for MultiTaskModel<T> {
    fn parameter_names(&self) -> Vec<String> {
        MultiTaskModel::parameter_names(self)
    }
    fn parameters(&self) -> Vec<&Tensor<T>> {
        MultiTaskModel::parameters(self)
    }
    fn parameters_mut(&mut self) -> Vec<&mut Tensor<T>> {
        MultiTaskModel::parameters_mut(self)
    }
}

/// Metrics the loop can watch: the loss that early stopping and progress read.
pub trait EpochMetrics: Clone + Debug + PartialEq {
    /// The loss (for several tasks: the sum of the tasks' losses).
    fn loss(&self) -> f64;
}

impl EpochMetrics for Metrics {
    fn loss(&self) -> f64 {
        self.loss
    }
}

/// Per-task metrics (`None`: a task without labels in that part adds nothing).
impl EpochMetrics for Vec<Option<Metrics>> {
    fn loss(&self) -> f64 {
        self.iter().flatten().map(|m| m.loss).sum()
    }
}

/// One model's mini-batch step on data of type `D`, and its evaluation.
///
/// `Clone` lets the loop keep the best weights for early stopping.
pub trait TrainStep<T: Float, D: ?Sized>: Clone {
    /// What [`TrainStep::evaluate`] measures.
    type Metrics: EpochMetrics;
    /// The model's own state reported after every epoch (the task weights of a multi-task
    /// network; `()` for an MLP).
    type State: Clone + Debug + PartialEq;
    /// Sums over an epoch's mini-batches from which [`TrainStep::running`] reads the running
    /// metrics (a [`Tally`], or one per task).
    type Tally: Clone + Debug + Default;

    /// The number of rows of `data` (the loop shuffles and batches them).
    fn rows(&self, data: &D) -> usize;

    /// One forward and backward pass in training mode on the rows `batch` of `data`: the loss
    /// that was minimised and the gradient of every slice of [`TrainStep::trainables_mut`],
    /// in order. The batch's outputs are added to `tally`. It may update state that is not
    /// trained by the optimizer (task weights).
    ///
    /// # Errors
    /// Shape errors when the data do not fit the model.
    fn gradients(
        &mut self,
        data: &D,
        batch: &[usize],
        rng: &mut ChaCha8Rng,
        tally: &mut Self::Tally,
    ) -> Result<(f64, Vec<Tensor<T>>)>;

    /// Everything the optimizer updates, in a fixed order.
    fn trainables_mut(&mut self) -> Vec<&mut [T]>;

    /// The metrics on `data` in evaluation mode.
    ///
    /// # Errors
    /// Shape errors when the data do not fit the model.
    fn evaluate(&self, data: &D) -> Result<Self::Metrics>;

    /// The running metrics of an epoch whose batches of `data` were added to `tally`.
    fn running(&self, data: &D, tally: &Self::Tally) -> Self::Metrics;

    /// The state reported with each epoch.
    fn state(&self) -> Self::State;

    /// The model's state for a checkpoint: every trained number, and any other state its next
    /// step reads.
    fn save_state(&self) -> ModelState;

    /// Continues from a state [`TrainStep::save_state`] gave for a model of the same shape and
    /// settings.
    ///
    /// # Errors
    /// [`crate::Error::Checkpoint`] when it does not fit; nothing changes then.
    fn load_state(&mut self, state: &ModelState) -> Result<()>;
}

/// Every parameter of `module` by name, in f64 (exact for f32 and f64 weights).
pub(crate) fn module_state<T: Float>(module: &impl Module<T>) -> Vec<(String, Vec<f64>)> {
    module
        .parameter_names()
        .into_iter()
        .zip(module.parameters())
        .map(|(name, p)| (name, p.data().iter().map(|&v| Float::to_f64(v)).collect()))
        .collect()
}

/// Sets every parameter of `module` from `state` (as [`module_state`] gave it), after checking
/// that every one is there with the right length.
pub(crate) fn load_module<T: Float>(module: &mut impl Module<T>, state: &ModelState) -> Result<()> {
    let names = module.parameter_names();
    let values = names
        .iter()
        .zip(module.parameters())
        .map(|(name, p)| state.tensor(name, p.numel()))
        .collect::<Result<Vec<_>>>()?;
    for (p, v) in module.parameters_mut().into_iter().zip(values) {
        for (d, &x) in p.data_mut().iter_mut().zip(v) {
            *d = T::from_f64(x);
        }
    }
    Ok(())
}

/// Inputs `[n, d]`, targets as [`Objective::targets`] makes them, and the objective: what an
/// [`Mlp`] trains on.
#[derive(Clone, Copy, Debug)]
pub struct Examples<'a, T: Float> {
    /// What the network predicts, and its loss.
    pub objective: Objective,
    /// The inputs.
    pub x: &'a Tensor<T>,
    /// The targets.
    pub y: &'a Tensor<T>,
}

impl<'a, T: Float> Examples<'a, T> {
    /// Examples `(x, y)` for `objective`.
    pub fn new(objective: Objective, x: &'a Tensor<T>, y: &'a Tensor<T>) -> Self {
        Self { objective, x, y }
    }
}

impl<T: Float> TrainStep<T, Examples<'_, T>> for Mlp<T> {
    type Metrics = Metrics;
    type State = ();
    type Tally = Tally;

    fn rows(&self, data: &Examples<'_, T>) -> usize {
        data.x.shape()[0]
    }

    fn gradients(
        &mut self,
        data: &Examples<'_, T>,
        batch: &[usize],
        rng: &mut ChaCha8Rng,
        tally: &mut Tally,
    ) -> Result<(f64, Vec<Tensor<T>>)> {
        let xb = data.x.index_select(0, batch)?;
        let yb = data.y.index_select(0, batch)?;
        step_gradients(self, data.objective, xb, yb, rng, Some(tally))
    }

    fn trainables_mut(&mut self) -> Vec<&mut [T]> {
        Mlp::parameters_mut(self)
            .into_iter()
            .map(Tensor::data_mut)
            .collect()
    }

    fn evaluate(&self, data: &Examples<'_, T>) -> Result<Metrics> {
        evaluate(self, data.objective, data.x, data.y)
    }

    fn running(&self, data: &Examples<'_, T>, tally: &Tally) -> Metrics {
        tally.metrics(data.objective, data.y)
    }

    fn state(&self) {}

    fn save_state(&self) -> ModelState {
        ModelState {
            tensors: module_state(self),
            extra: serde_json::Value::Null,
        }
    }

    fn load_state(&mut self, state: &ModelState) -> Result<()> {
        load_module(self, state)
    }
}

/// Clips `grads` to the global norm `clip_norm` (when given) and lets `optimizer` update
/// `params` in place.
pub(crate) fn apply_gradients<T: Float>(
    optimizer: &mut dyn Optimizer<T>,
    mut params: Vec<&mut [T]>,
    mut grads: Vec<Tensor<T>>,
    clip_norm: Option<f64>,
) -> Result<()> {
    if let Some(max_norm) = clip_norm {
        let mut slices: Vec<&mut [T]> = grads.iter_mut().map(Tensor::data_mut).collect();
        clip_grad_norm(&mut slices, max_norm)?;
    }
    let grad_slices: Vec<&[T]> = grads.iter().map(Tensor::data).collect();
    optimizer.step(&mut params, &grad_slices)
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
    rng: &mut ChaCha8Rng,
) -> Result<f64> {
    let (loss, grads) = step_gradients(model, objective, xb, yb, rng, None)?;
    if !loss.is_finite() {
        return Ok(loss);
    }
    let params = Mlp::parameters_mut(model)
        .into_iter()
        .map(Tensor::data_mut)
        .collect();
    apply_gradients(optimizer, params, grads, clip_norm)?;
    Ok(loss)
}

/// One forward and backward pass on a fresh tape: the batch loss and the gradient of every
/// parameter, in [`Mlp::parameters`] order, the batch added to `tally` when given. The tape is
/// dropped before returning, so the optimizer can update the weights in place without copying
/// them.
fn step_gradients<T: Float>(
    model: &Mlp<T>,
    objective: Objective,
    xb: Tensor<T>,
    yb: Tensor<T>,
    rng: &mut ChaCha8Rng,
    tally: Option<&mut Tally>,
) -> Result<(f64, Vec<Tensor<T>>)> {
    let tape = Tape::new();
    let params = Module::bind(model, &tape);
    let out = model.forward_t(&params, tape.constant(xb), true, rng)?;
    let loss = out.loss(tape.constant(yb.clone()), objective.loss(), Reduction::Mean)?;
    let value = loss.value().item()?.to_f64();
    if let Some(tally) = tally {
        tally.add(objective, &out.value(), &yb, value)?;
    }
    let mut grads = tape.backward(loss)?;
    let tensors = params
        .iter()
        .map(|&p| grads.take(p).unwrap_or_else(|| Tensor::zeros(&p.shape())))
        .collect();
    Ok((value, tensors))
}
