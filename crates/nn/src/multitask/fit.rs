//! Multi-task training: a [`MultiTaskLearner`] supplies the step (a masked loss per task and a
//! [`Balance`] method combining them) to the one training loop [`crate::train::fit`], which
//! owns the batch order, clipping, the optimizer, schedules, early stopping and divergence
//! detection.
//!
//! Per batch, by method:
//! - `fixed`: one backward pass of `Σ_t w_t·L_t`.
//! - `uncertainty`: one backward pass of `Σ_t (c_t·e^{−s_t}·L_t + s_t/2)`; the log-variances
//!   `s` are one more parameter for the optimizer (after the network's).
//! - `gradnorm`: one backward pass per task; the network's gradient is `Σ_t w_t·∇L_t` and the
//!   norms `‖∇_W L_t‖` at the last shared weight feed [`gradnorm_update`].
//! - `pcgrad`: one backward pass per task; shared gradients of `w_t·L_t` go through [`pcgrad`],
//!   head gradients are kept.
//!
//! After every epoch each task's metrics are recorded over the rows that have its label (on the
//! training rows running or by a full pass, as [`TrainConfig::train_metrics`] says; on the
//! validation rows by a full pass), and the task weights.

use nabla_tensor::{Float, Gradients, Tape, Tensor, Var};
use rand_chacha::ChaCha8Rng;

use super::balance::{gradnorm_update, pcgrad, uncertainty_constant, uncertainty_loss};
use super::{masked_loss, Balance, GradNormInput, MultiTaskData, MultiTaskModel};
use crate::init;
use crate::train::step::{load_module, module_state};
use crate::train::{
    fit, EpochReport, Event, FitReport, Metrics, ModelState, Tally, TrainConfig, TrainStep,
};
use crate::{Error, Result};
use serde_json::json;

/// How to train a multi-task network.
#[derive(Clone, Debug)]
pub struct MultiTaskTrainConfig {
    /// Epochs, batch size, seed, optimizer, clipping, schedule and early stopping (on the sum
    /// of the tasks' validation losses).
    pub train: TrainConfig,
    /// The loss balancing.
    pub balance: Balance,
    /// Fixed task weights (`fixed`, `pcgrad`) or GradNorm's starting weights; empty: all 1.
    /// Ignored by `uncertainty`, which learns its own.
    pub weights: Vec<f64>,
}

/// The task weights after an epoch.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BalanceState {
    /// Each task's effective weight (`c_t·e^{−s_t}` for uncertainty).
    pub weights: Vec<f64>,
    /// The learned `s_t = log σ_t²` (uncertainty weighting only).
    pub log_variances: Option<Vec<f64>>,
}

/// What happened in one epoch: per-task metrics (`None`: no labels in that part) and the task
/// weights; `loss` is the mean balanced loss of the epoch's batches.
pub type MultiTaskEpoch = EpochReport<Vec<Option<Metrics>>, BalanceState>;

/// The outcome of [`fit_multitask`].
pub type MultiTaskFitReport = FitReport<Vec<Option<Metrics>>, BalanceState>;

/// Progress reported while training a multi-task network.
pub type MultiTaskEvent<'a> = Event<'a, Vec<Option<Metrics>>, BalanceState>;

/// The balancing state carried between steps.
#[derive(Clone, Debug)]
struct Balancer {
    method: Balance,
    weights: Vec<f64>,
    constants: Vec<f64>,
    initial_losses: Vec<Option<f64>>,
    rng: ChaCha8Rng,
}

/// A multi-task network with its loss balancing: what [`fit`] trains. The optimizer updates the
/// network's parameters and, for uncertainty weighting, the log-variances `s_t` after them.
#[derive(Clone, Debug)]
pub struct MultiTaskLearner<T: Float> {
    model: MultiTaskModel<T>,
    balancer: Balancer,
    log_vars: Vec<T>,
}

impl<T: Float> MultiTaskLearner<T> {
    /// `model` with the balancing of `config` at its start.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for weights that are not one positive finite number per task
    /// (or that are given with `uncertainty`), or bad GradNorm settings.
    pub fn new(model: MultiTaskModel<T>, config: &MultiTaskTrainConfig) -> Result<Self> {
        let tasks = model.tasks().len();
        check(config, tasks)?;
        let balancer = Balancer {
            method: config.balance,
            weights: initial_weights(config, tasks),
            constants: model
                .tasks()
                .iter()
                .map(|t| uncertainty_constant(t.objective))
                .collect(),
            initial_losses: vec![None; tasks],
            rng: init::seeded(config.train.seed ^ 0x5C6E_4D0A_2F1B_3E97),
        };
        Ok(Self {
            model,
            balancer,
            log_vars: vec![T::zero(); tasks],
        })
    }

    /// The network.
    pub fn model(&self) -> &MultiTaskModel<T> {
        &self.model
    }

    /// The network, giving up the balancing state.
    pub fn into_model(self) -> MultiTaskModel<T> {
        self.model
    }

    fn uses_log_vars(&self) -> bool {
        matches!(self.balancer.method, Balance::Uncertainty)
    }

    fn log_vars_f64(&self) -> Vec<f64> {
        self.log_vars.iter().map(|&s| Float::to_f64(s)).collect()
    }
}

impl<T: Float> TrainStep<T, MultiTaskData<T>> for MultiTaskLearner<T> {
    type Metrics = Vec<Option<Metrics>>;
    type State = BalanceState;
    type Tally = Vec<Tally>;

    fn rows(&self, data: &MultiTaskData<T>) -> usize {
        data.n_rows()
    }

    fn gradients(
        &mut self,
        data: &MultiTaskData<T>,
        batch: &[usize],
        rng: &mut ChaCha8Rng,
        tally: &mut Vec<Tally>,
    ) -> Result<(f64, Vec<Tensor<T>>)> {
        let log_vars = self.log_vars_f64();
        tally.resize(data.n_tasks(), Tally::default());
        step(
            &self.model,
            data,
            batch,
            &mut self.balancer,
            &log_vars,
            rng,
            tally,
        )
    }

    fn trainables_mut(&mut self) -> Vec<&mut [T]> {
        let uses_log_vars = self.uses_log_vars();
        let mut params: Vec<&mut [T]> = self
            .model
            .parameters_mut()
            .into_iter()
            .map(Tensor::data_mut)
            .collect();
        if uses_log_vars {
            params.push(&mut self.log_vars);
        }
        params
    }

    fn evaluate(&self, data: &MultiTaskData<T>) -> Result<Vec<Option<Metrics>>> {
        data.metrics(&self.model.predict(data.x())?)
    }

    fn running(&self, data: &MultiTaskData<T>, tally: &Vec<Tally>) -> Vec<Option<Metrics>> {
        data.running_metrics(tally)
    }

    fn state(&self) -> BalanceState {
        let log_vars = self.log_vars_f64();
        let weights = match self.balancer.method {
            Balance::Uncertainty => log_vars
                .iter()
                .zip(&self.balancer.constants)
                .map(|(s, c)| c * (-s).exp())
                .collect(),
            _ => self.balancer.weights.clone(),
        };
        BalanceState {
            weights,
            log_variances: self.uses_log_vars().then_some(log_vars),
        }
    }

    fn save_state(&self) -> ModelState {
        let mut tensors = module_state(&self.model);
        tensors.push(("log_variances".to_string(), self.log_vars_f64()));
        let b = &self.balancer;
        ModelState {
            tensors,
            extra: json!({
                "weights": b.weights,
                "initial_losses": b.initial_losses,
                "rng_word_pos": b.rng.get_word_pos().to_string(),
            }),
        }
    }

    fn load_state(&mut self, state: &ModelState) -> Result<()> {
        let tasks = self.log_vars.len();
        let bad = |what: &str| Error::Checkpoint {
            reason: format!("the balancing state's {what} does not fit {tasks} tasks"),
        };
        let e = &state.extra;
        let weights: Vec<f64> = serde_json::from_value(e["weights"].clone())
            .ok()
            .filter(|w: &Vec<f64>| w.len() == tasks)
            .ok_or_else(|| bad("weights"))?;
        let initial: Vec<Option<f64>> = serde_json::from_value(e["initial_losses"].clone())
            .ok()
            .filter(|l: &Vec<Option<f64>>| l.len() == tasks)
            .ok_or_else(|| bad("initial losses"))?;
        let position: u128 = e["rng_word_pos"]
            .as_str()
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| bad("stream position"))?;
        let log_vars = state.tensor("log_variances", tasks)?.to_vec();
        load_module(&mut self.model, state)?;
        self.log_vars = log_vars.iter().map(|&s| T::from_f64(s)).collect();
        self.balancer.weights = weights;
        self.balancer.initial_losses = initial;
        self.balancer.rng.set_word_pos(position);
        Ok(())
    }
}

/// Trains `model` on `train` with the training loop [`fit`], reporting progress through
/// `on_event`.
///
/// # Errors
/// [`Error::Diverged`] for a non-finite loss; [`Error::InvalidParameter`] for zero epochs, a zero
/// batch size, patience without validation data, or weights that are not one positive finite
/// number per task (or that are given with `uncertainty`); shape errors when the data do not fit
/// the model.
pub fn fit_multitask<T: Float>(
    model: &mut MultiTaskModel<T>,
    train: &MultiTaskData<T>,
    validation: Option<&MultiTaskData<T>>,
    config: &MultiTaskTrainConfig,
    on_event: &mut dyn FnMut(MultiTaskEvent<'_>),
) -> Result<MultiTaskFitReport> {
    let mut learner = MultiTaskLearner::new(model.clone(), config)?;
    let report = fit(&mut learner, train, validation, &config.train, on_event)?;
    *model = learner.into_model();
    Ok(report)
}

fn initial_weights(config: &MultiTaskTrainConfig, tasks: usize) -> Vec<f64> {
    if config.weights.is_empty() {
        return vec![1.0; tasks];
    }
    if matches!(config.balance, Balance::GradNorm { .. }) {
        let total: f64 = config.weights.iter().sum();
        return config
            .weights
            .iter()
            .map(|w| w * tasks as f64 / total)
            .collect();
    }
    config.weights.clone()
}

impl MultiTaskTrainConfig {
    /// Checks every setting before training a network of `tasks` heads: the loop's
    /// ([`TrainConfig::validate`]), the task weights and the GradNorm settings.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the setting.
    pub fn validate(&self, tasks: usize, has_validation: bool) -> Result<()> {
        self.train.validate(has_validation)?;
        check(self, tasks)
    }
}

fn check(config: &MultiTaskTrainConfig, tasks: usize) -> Result<()> {
    let invalid = |name, value: f64, reason| Error::InvalidParameter {
        name,
        value,
        reason,
    };
    if config.train.epochs == 0 {
        return Err(invalid("epochs", 0.0, "train for at least one epoch"));
    }
    if config.train.batch_size == 0 {
        return Err(invalid("batch", 0.0, "a batch holds at least one row"));
    }
    if !config.weights.is_empty() {
        if matches!(config.balance, Balance::Uncertainty) {
            return Err(invalid(
                "weights",
                config.weights.len() as f64,
                "uncertainty weighting learns its own weights",
            ));
        }
        if config.weights.len() != tasks {
            return Err(invalid(
                "weights",
                config.weights.len() as f64,
                "give one weight per task",
            ));
        }
        if let Some(&w) = config
            .weights
            .iter()
            .find(|w| !(w.is_finite() && **w > 0.0))
        {
            return Err(invalid("weights", w, "task weights must be positive"));
        }
    }
    if let Balance::GradNorm { alpha, lr } = config.balance {
        if !(alpha.is_finite() && alpha >= 0.0) {
            return Err(invalid("gradnorm_alpha", alpha, "α must be at least 0"));
        }
        if !(lr.is_finite() && lr > 0.0) {
            return Err(invalid("gradnorm_lr", lr, "must be positive"));
        }
    }
    Ok(())
}

/// A parameter's gradient from a store (zeros when none reached it).
fn grad_of<T: Float>(grads: &Gradients<T>, p: Var<'_, T>) -> Tensor<T> {
    grads
        .get(p)
        .cloned()
        .unwrap_or_else(|| Tensor::zeros(&p.shape()))
}

/// One forward pass and the balanced gradients of every parameter (plus the log-variances'
/// gradient last, for uncertainty weighting); each task's outputs and loss are added to its
/// tally. Returns the balanced loss.
fn step<T: Float>(
    model: &MultiTaskModel<T>,
    data: &MultiTaskData<T>,
    batch: &[usize],
    balancer: &mut Balancer,
    log_vars: &[f64],
    rng: &mut ChaCha8Rng,
    tally: &mut [Tally],
) -> Result<(f64, Vec<Tensor<T>>)> {
    let tape = Tape::new();
    let params = model.bind(&tape);
    let xb = tape.constant(data.x().index_select(0, batch)?);
    let forward = model.forward_t(&params, xb, true, rng)?;
    let mut losses = Vec::with_capacity(forward.outputs.len());
    for (t, out) in forward.outputs.iter().enumerate() {
        let (positions, y) = data.batch_labels(t, batch)?;
        let objective = model.tasks()[t].objective;
        let loss = masked_loss(*out, objective, &positions, &y)?;
        if let Some(l) = loss {
            let picked = out.value().index_select(0, &positions)?;
            tally[t].add(objective, &picked, &y, l.value().item()?.to_f64())?;
        }
        losses.push(loss);
    }
    let zeros = || -> Vec<Tensor<T>> { params.iter().map(|p| Tensor::zeros(&p.shape())).collect() };
    let value = |v: Var<'_, T>| -> Result<f64> { Ok(v.value().item()?.to_f64()) };
    match balancer.method {
        Balance::Fixed => {
            let mut total: Option<Var<'_, T>> = None;
            for (t, l) in losses.iter().enumerate() {
                if let Some(l) = l {
                    let term = l.scale(balancer.weights[t]);
                    total = Some(match total {
                        None => term,
                        Some(s) => s.add(term)?,
                    });
                }
            }
            let Some(total) = total else {
                return Ok((0.0, zeros()));
            };
            let grads = tape.backward(total)?;
            Ok((
                value(total)?,
                params.iter().map(|&p| grad_of(&grads, p)).collect(),
            ))
        }
        Balance::Uncertainty => {
            let s = tape.param(Tensor::from_f64s(log_vars, &[losses.len()])?);
            let Some(total) = uncertainty_loss(&losses, s, &balancer.constants)? else {
                let mut g = zeros();
                g.push(Tensor::zeros(&[losses.len()]));
                return Ok((0.0, g));
            };
            let grads = tape.backward(total)?;
            let mut g: Vec<Tensor<T>> = params.iter().map(|&p| grad_of(&grads, p)).collect();
            g.push(grad_of(&grads, s));
            Ok((value(total)?, g))
        }
        Balance::GradNorm { alpha, lr } => {
            let mut total = zeros();
            let mut loss = 0.0;
            let mut inputs = Vec::new();
            let w_index = model.last_shared_weight();
            for (t, l) in losses.iter().enumerate() {
                let Some(l) = l else { continue };
                let grads = tape.backward(*l)?;
                let lt = value(*l)?;
                let w = balancer.weights[t];
                loss += w * lt;
                for (acc, &p) in total.iter_mut().zip(&params) {
                    if let Some(g) = grads.get(p) {
                        for (a, &v) in acc.data_mut().iter_mut().zip(g.data()) {
                            *a += T::from_f64(w) * v;
                        }
                    }
                }
                let norm = grads.get(params[w_index]).map_or(0.0, |g| {
                    g.data()
                        .iter()
                        .map(|&v| Float::to_f64(v).powi(2))
                        .sum::<f64>()
                        .sqrt()
                });
                let initial = *balancer.initial_losses[t].get_or_insert(lt);
                inputs.push(GradNormInput {
                    task: t,
                    grad_norm: norm,
                    loss: lt,
                    initial_loss: initial,
                });
            }
            if !inputs.is_empty() {
                balancer.weights = gradnorm_update(&balancer.weights, &inputs, alpha, lr).weights;
            }
            Ok((loss, total))
        }
        Balance::PcGrad => {
            let shared = model.shared_tensors();
            let mut total = zeros();
            let mut loss = 0.0;
            let mut task_grads: Vec<Vec<f64>> = Vec::new();
            for (t, l) in losses.iter().enumerate() {
                let Some(l) = l else { continue };
                let grads = tape.backward(*l)?;
                let w = balancer.weights[t];
                loss += w * value(*l)?;
                let mut flat = Vec::new();
                for &p in &params[..shared] {
                    match grads.get(p) {
                        Some(g) => flat.extend(g.data().iter().map(|&v| w * Float::to_f64(v))),
                        None => flat.extend(std::iter::repeat_n(0.0, p.value().numel())),
                    }
                }
                task_grads.push(flat);
                for i in model.head_range(t) {
                    if let Some(g) = grads.get(params[i]) {
                        for (a, &v) in total[i].data_mut().iter_mut().zip(g.data()) {
                            *a += T::from_f64(w) * v;
                        }
                    }
                }
            }
            if !task_grads.is_empty() {
                let merged = pcgrad(&task_grads, &mut balancer.rng);
                let mut k = 0;
                for g in &mut total[..shared] {
                    for v in g.data_mut() {
                        *v = T::from_f64(merged[k]);
                        k += 1;
                    }
                }
            }
            Ok((loss, total))
        }
    }
}
