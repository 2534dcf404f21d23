//! Loss balancing: how the task losses `L_1 … L_T` of a multi-task network become one update.
//!
//! | method | what is trained | reference |
//! |--------|-----------------|-----------|
//! | [`Balance::Fixed`] | `Σ_t w_t·L_t` with given weights (default 1) | — |
//! | [`Balance::Uncertainty`] | `Σ_t (c_t·e^{−s_t}·L_t + s_t/2)`, learned `s_t = log σ_t²` | Kendall, Gal & Cipolla 2018 |
//! | [`Balance::GradNorm`] | `Σ_t w_t·L_t`, `w` moved to equalise gradient norms | Chen et al. 2018 |
//! | [`Balance::PcGrad`] | task gradients projected off each other's conflicts | Yu et al. 2020 |
//!
//! **Uncertainty weighting.** Each task has a learned `s_t = log σ_t²` (starting at 0), trained
//! with the network by the same optimizer. Kendall et al. derive `1/(2σ²)·L + log σ` for a
//! Gaussian likelihood (regression) and `1/σ²·L + log σ` for a softmax likelihood
//! (classification); with `log σ = s/2`:
//!
//! ```text
//! L = Σ_t ( c_t · e^{−s_t} · L_t + s_t / 2 )       c_t = 1/2 (regression), 1 (classes, binary)
//! ∂L/∂s_t = −c_t · e^{−s_t} · L_t + 1/2             (s_t settles at log(2·c_t·L_t))
//! ```
//! The effective weight of task t is `c_t·e^{−s_t}`; that is what the reports list.
//!
//! **GradNorm.** With `W` the last shared layer's weight, `n_t = ‖∇_W L_t‖₂`, `G_t = w_t·n_t`,
//! `Ḡ = mean_t G_t`, the loss ratio `L̃_t = L_t / L_t(0)` (`L_t(0)`: the task's loss at its
//! first step) and the relative inverse training rate `r_t = L̃_t / mean_t L̃_t`, each step
//! moves the weights down the gradient of `L_grad = Σ_t |G_t − Ḡ·r_t^α|`, the targets `Ḡ·r_t^α`
//! held constant as in the paper, then renormalises them to sum to T:
//!
//! ```text
//! w_t ← w_t − η · sign(G_t − Ḡ·r_t^α) · n_t          (sign(0) = 0)
//! w_t ← max(w_t, 1e-6);   w ← T · w / Σ_u w_u
//! ```
//! The network itself is trained on `Σ_t w_t·L_t` with the weights before the update. The
//! weights take plain gradient steps with their own rate η (`lr`, default 0.025), so their path
//! does not depend on the network's optimizer; α (default 1.5) sets how strongly slow tasks are
//! pushed. A task without labels in a batch sits that step out (its weight is only rescaled).
//!
//! **PCGrad.** For the shared parameters, each task's gradient `g_t` (of `w_t·L_t`) is projected
//! onto the normal plane of every other task's gradient it conflicts with, visiting the others
//! in a random (seeded) order; the projected gradients are summed. Heads get their own task's
//! gradient unchanged:
//!
//! ```text
//! g_t^PC ← g_t;  for j in shuffled tasks, j ≠ t:  if g_t^PC · g_j < 0:
//!     g_t^PC ← g_t^PC − (g_t^PC · g_j) / ‖g_j‖² · g_j
//! g_shared = Σ_t g_t^PC
//! ```
//!
//! ```
//! use nabla_nn::multitask::{gradnorm_update, GradNormInput};
//! // Two tasks, equal weights; task 0 has the larger gradient norm and has learned less.
//! let step = gradnorm_update(
//!     &[1.0, 1.0],
//!     &[
//!         GradNormInput { task: 0, grad_norm: 2.0, loss: 1.0, initial_loss: 1.0 },
//!         GradNormInput { task: 1, grad_norm: 1.0, loss: 0.5, initial_loss: 1.0 },
//!     ],
//!     1.0,
//!     0.1,
//! );
//! // Ḡ = 1.5, r = (4/3, 2/3), targets (2, 1): both G_t are on target, nothing moves.
//! assert_eq!(step.weights, vec![1.0, 1.0]);
//! ```

use nabla_tensor::{Float, Result as TensorResult, Var};
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::train::Objective;

/// The loss-balancing method.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Balance {
    /// Fixed task weights.
    Fixed,
    /// Learned homoscedastic-uncertainty weights (Kendall, Gal & Cipolla 2018).
    Uncertainty,
    /// GradNorm (Chen et al. 2018).
    GradNorm {
        /// The asymmetry α: how strongly tasks that train slower are favoured.
        alpha: f64,
        /// The learning rate η of the weights' gradient steps.
        lr: f64,
    },
    /// PCGrad gradient surgery on the shared parameters (Yu et al. 2020).
    PcGrad,
}

impl Balance {
    /// The names [`Balance::parse`] takes, in the order the CLI lists them.
    pub const NAMES: [&'static str; 4] = ["fixed", "uncertainty", "gradnorm", "pcgrad"];

    /// GradNorm's default α.
    pub const GRADNORM_ALPHA: f64 = 1.5;

    /// GradNorm's default weight learning rate η.
    pub const GRADNORM_LR: f64 = 0.025;

    /// The method named `name` (GradNorm with its default α and η), or `None` for a name that
    /// is not one of [`Balance::NAMES`].
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "fixed" => Self::Fixed,
            "uncertainty" => Self::Uncertainty,
            "gradnorm" => Self::GradNorm {
                alpha: Self::GRADNORM_ALPHA,
                lr: Self::GRADNORM_LR,
            },
            "pcgrad" => Self::PcGrad,
            _ => return None,
        })
    }

    /// The method's name, as [`Balance::parse`] takes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Fixed => "fixed",
            Self::Uncertainty => "uncertainty",
            Self::GradNorm { .. } => "gradnorm",
            Self::PcGrad => "pcgrad",
        }
    }
}

/// Kendall et al.'s constant for a task: 1/2 for regression (Gaussian likelihood), 1 for
/// classification (softmax or Bernoulli likelihood).
pub fn uncertainty_constant(objective: Objective) -> f64 {
    if objective.is_classification() {
        1.0
    } else {
        0.5
    }
}

/// The uncertainty-weighted total `Σ_t (c_t·e^{−s_t}·L_t + s_t/2)` over the tasks whose loss is
/// present (`losses[t]` is `None` when task t has no labels in the batch: it then adds nothing,
/// not even its `s_t/2`). `log_vars` holds `s`, one entry per task; `constants` holds `c`.
/// Returns `None` when no task is present.
///
/// # Errors
/// Shape errors when `log_vars` does not have one entry per task.
pub fn uncertainty_loss<'t, T: Float>(
    losses: &[Option<Var<'t, T>>],
    log_vars: Var<'t, T>,
    constants: &[f64],
) -> TensorResult<Option<Var<'t, T>>> {
    let mut total: Option<Var<'t, T>> = None;
    for (t, loss) in losses.iter().enumerate() {
        let Some(loss) = loss else { continue };
        let s = log_vars.narrow(0, t, 1)?.reshape(&[])?;
        let term = (-s)
            .exp()
            .mul(*loss)?
            .scale(constants[t])
            .add(s.scale(0.5))?;
        total = Some(match total {
            None => term,
            Some(sum) => sum.add(term)?,
        });
    }
    Ok(total)
}

/// What GradNorm knows of one task present in a step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GradNormInput {
    /// The task's position.
    pub task: usize,
    /// `n_t = ‖∇_W L_t‖₂`, the norm of the unweighted loss's gradient at the last shared layer.
    pub grad_norm: f64,
    /// The task's loss `L_t` at this step.
    pub loss: f64,
    /// The task's loss at its first step, `L_t(0)`.
    pub initial_loss: f64,
}

/// The outcome of one GradNorm weight update.
#[derive(Clone, Debug, PartialEq)]
pub struct GradNormStep {
    /// The new weights (summing to the number of tasks).
    pub weights: Vec<f64>,
    /// `L_grad = Σ_t |G_t − Ḡ·r_t^α|` before the update.
    pub loss: f64,
}

/// One GradNorm update of `weights` (see the [module docs](self) for the formulas): the tasks in
/// `inputs` take a gradient step of `L_grad` with rate `lr`, then every weight is floored at
/// 1e-6 and all are rescaled to sum to `weights.len()`.
pub fn gradnorm_update(
    weights: &[f64],
    inputs: &[GradNormInput],
    alpha: f64,
    lr: f64,
) -> GradNormStep {
    let mut new = weights.to_vec();
    let mut loss = 0.0;
    if !inputs.is_empty() {
        let m = inputs.len() as f64;
        let g: Vec<f64> = inputs
            .iter()
            .map(|i| weights[i.task] * i.grad_norm)
            .collect();
        let g_mean = g.iter().sum::<f64>() / m;
        let ratios: Vec<f64> = inputs
            .iter()
            .map(|i| {
                if i.initial_loss > 0.0 {
                    i.loss / i.initial_loss
                } else {
                    1.0
                }
            })
            .collect();
        let ratio_mean = ratios.iter().sum::<f64>() / m;
        for ((input, &g_t), &ratio) in inputs.iter().zip(&g).zip(&ratios) {
            let r = if ratio_mean > 0.0 {
                ratio / ratio_mean
            } else {
                1.0
            };
            let target = g_mean * r.powf(alpha);
            let diff = g_t - target;
            loss += diff.abs();
            let sign = if diff > 0.0 {
                1.0
            } else if diff < 0.0 {
                -1.0
            } else {
                0.0
            };
            new[input.task] -= lr * sign * input.grad_norm;
        }
    }
    for w in &mut new {
        *w = w.max(1e-6);
    }
    let total: f64 = new.iter().sum();
    let count = new.len() as f64;
    for w in &mut new {
        *w *= count / total;
    }
    GradNormStep { weights: new, loss }
}

/// PCGrad: each task's flattened shared gradient projected off the gradients it conflicts with
/// (others visited in an order shuffled by `rng`), then summed over tasks. `grads[t]` is task t's
/// gradient; all have the same length. Tasks without a gradient this step are left out by the
/// caller.
///
/// # Panics
/// When the gradients differ in length.
#[track_caller]
pub fn pcgrad(grads: &[Vec<f64>], rng: &mut ChaCha8Rng) -> Vec<f64> {
    let len = grads.first().map_or(0, Vec::len);
    assert!(
        grads.iter().all(|g| g.len() == len),
        "PCGrad: task gradients differ in length"
    );
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut total = vec![0.0; len];
    let mut order: Vec<usize> = (0..grads.len()).collect();
    for (t, g) in grads.iter().enumerate() {
        order.shuffle(rng);
        let mut pc = g.clone();
        for &j in &order {
            if j == t {
                continue;
            }
            let gj = &grads[j];
            let d = dot(&pc, gj);
            let norm2 = dot(gj, gj);
            if d < 0.0 && norm2 > 0.0 {
                let c = d / norm2;
                for (p, q) in pc.iter_mut().zip(gj) {
                    *p -= c * q;
                }
            }
        }
        for (s, p) in total.iter_mut().zip(&pc) {
            *s += p;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::init::seeded;

    #[test]
    fn names_round_trip() {
        for name in Balance::NAMES {
            assert_eq!(Balance::parse(name).unwrap().name(), name);
        }
        assert_eq!(Balance::parse("equal"), None);
    }

    #[test]
    fn pcgrad_leaves_agreeing_gradients_alone() {
        let g = vec![vec![1.0, 2.0], vec![0.5, 0.1]];
        assert_eq!(pcgrad(&g, &mut seeded(0)), vec![1.5, 2.1]);
    }
}
