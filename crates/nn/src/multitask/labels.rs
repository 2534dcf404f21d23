//! The inputs and the per-task labels of one part of a multi-task data set, with missing labels,
//! and the masked loss that trains a task only on the rows that have its label.
//!
//! Real multi-task data is often incomplete: a penguin whose sex was not recorded still has a
//! species and a body mass. Each task keeps the rows where its label is present; in a
//! mini-batch, task t's loss is taken over those of the batch's rows that have a t label:
//!
//! ```text
//! L_t = (1/|P_t|) Σ_{i ∈ P_t} ℓ_t(ŷ_ti, y_ti)     P_t = rows of the batch with a t label
//! L_t = 0, ∂L_t/∂θ = 0                            when P_t is empty
//! ```
//!
//! The present rows are picked with the tape's `index_select`, so the gradient is exact: rows
//! without a label receive no gradient from that task, and the other tasks still train on them.
//!
//! ```
//! use nabla_nn::data::{Dataset, Target};
//! use nabla_nn::multitask::{MultiTaskData, Task};
//! use nabla_nn::train::Objective;
//! let a = Target::binary("a", ["no".into(), "yes".into()], vec![Some(1), None, Some(0)]).unwrap();
//! let b = Target::regression("b", vec![Some(2.0), Some(4.0), None]).unwrap();
//! let ds = Dataset::new("toy", vec!["x".into()], vec![0.0, 1.0, 2.0], vec![a, b]).unwrap();
//! let tasks = [Task::new("a", Objective::Binary), Task::new("b", Objective::Regression { mean: 3.0, std: 1.0 })];
//! let data = MultiTaskData::<f64>::new(&ds, &tasks).unwrap();
//! assert_eq!(data.rows(0), &[0, 2]);
//! assert_eq!(data.rows(1), &[0, 1]);
//! let (positions, y) = data.batch_labels(1, &[2, 1]).unwrap();
//! assert_eq!(positions, vec![1]);           // row 1 is at position 1 of the batch
//! assert_eq!(y.data(), &[1.0]);             // (4 − 3) / 1
//! ```

use nabla_tensor::loss::Reduction;
use nabla_tensor::{Float, Tensor, Var};

use super::Task;
use crate::data::{Dataset, Target};
use crate::train::{metrics_of, Metrics, Objective, Tally};
use crate::Result;

/// The labels of one task.
#[derive(Clone, Debug, PartialEq)]
struct TaskLabels<T: Float> {
    objective: Objective,
    /// The rows that have a label, ascending.
    rows: Vec<usize>,
    /// Their targets as the objective's loss reads them, in `rows` order.
    y: Tensor<T>,
    /// For every row, its position in `rows` (`None`: no label).
    position: Vec<Option<usize>>,
}

/// Inputs `[n, d]` and each task's present labels.
#[derive(Clone, Debug, PartialEq)]
pub struct MultiTaskData<T: Float> {
    x: Tensor<T>,
    labels: Vec<TaskLabels<T>>,
}

impl<T: Float> MultiTaskData<T> {
    /// The features of `part` and the labels of each task's target column.
    ///
    /// # Errors
    /// [`crate::Error::UnknownColumn`] when a task names no target of `part`.
    pub fn new(part: &Dataset, tasks: &[Task]) -> Result<Self> {
        let n = part.n_samples();
        let x = Tensor::from_f64s(part.features(), &[n, part.n_features()])?;
        let labels = tasks
            .iter()
            .map(|task| {
                let target = part.target(&task.name)?;
                let rows: Vec<usize> = (0..n).filter(|&i| !target.is_missing(i)).collect();
                let mut position = vec![None; n];
                for (k, &i) in rows.iter().enumerate() {
                    position[i] = Some(k);
                }
                let y = task.objective.targets(&target.subset(&rows)?)?;
                Ok(TaskLabels {
                    objective: task.objective,
                    rows,
                    y,
                    position,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { x, labels })
    }

    /// The inputs `[n, d]`.
    pub fn x(&self) -> &Tensor<T> {
        &self.x
    }

    /// The number of rows.
    pub fn n_rows(&self) -> usize {
        self.x.shape()[0]
    }

    /// The number of tasks.
    pub fn n_tasks(&self) -> usize {
        self.labels.len()
    }

    /// The rows that have a label for task `t`.
    pub fn rows(&self, t: usize) -> &[usize] {
        &self.labels[t].rows
    }

    /// For the mini-batch `batch` (row indices), the positions in the batch of the rows that have
    /// a task-`t` label and their targets (empty when none has).
    ///
    /// # Errors
    /// [`nabla_tensor::Error::IndexOutOfRange`] for a row outside the data.
    pub fn batch_labels(&self, t: usize, batch: &[usize]) -> Result<(Vec<usize>, Tensor<T>)> {
        let labels = &self.labels[t];
        let mut positions = Vec::new();
        let mut picks = Vec::new();
        for (k, &row) in batch.iter().enumerate() {
            if let Some(Some(j)) = labels.position.get(row) {
                positions.push(k);
                picks.push(*j);
            }
        }
        Ok((positions, labels.y.index_select(0, &picks)?))
    }

    /// Every task's metrics of `outputs` (one tensor per task, `[n, outputs]`, from
    /// [`super::MultiTaskModel::predict`]), over the rows that have its label; `None` for a task
    /// with no labels here.
    ///
    /// # Errors
    /// Shape errors when the outputs do not fit.
    pub fn metrics(&self, outputs: &[Tensor<T>]) -> Result<Vec<Option<Metrics>>> {
        self.labels
            .iter()
            .zip(outputs)
            .map(|(l, out)| {
                if l.rows.is_empty() {
                    return Ok(None);
                }
                let picked = out.index_select(0, &l.rows)?;
                Ok(Some(metrics_of(l.objective, &picked, &l.y)?))
            })
            .collect()
    }

    /// Every task's running metrics from its tally of an epoch's batches (`tallies[t]`, over
    /// the batch rows that have a task-t label); `None` for a task with no labels here.
    pub fn running_metrics(&self, tallies: &[Tally]) -> Vec<Option<Metrics>> {
        self.labels
            .iter()
            .enumerate()
            .map(|(t, l)| {
                let tally = tallies.get(t).cloned().unwrap_or_default();
                (!l.rows.is_empty()).then(|| tally.metrics(l.objective, &l.y))
            })
            .collect()
    }
}

/// The metrics of one task's `output` (`[n, outputs]`) against `target` (n labels, some
/// missing), over the rows that have a label, as [`MultiTaskData::metrics`] computes them;
/// `None` when no row has one.
///
/// # Errors
/// Shape errors when the sizes disagree.
pub fn masked_metrics<T: Float>(
    objective: Objective,
    output: &Tensor<T>,
    target: &Target,
) -> Result<Option<Metrics>> {
    let rows: Vec<usize> = (0..target.len())
        .filter(|&i| !target.is_missing(i))
        .collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let y: Tensor<T> = objective.targets(&target.subset(&rows)?)?;
    let picked = output.index_select(0, &rows)?;
    Ok(Some(metrics_of(objective, &picked, &y)?))
}

/// Task `objective`'s mean loss over the rows `positions` of `output` against `y`, or `None`
/// when `positions` is empty (the task then adds no loss and no gradient).
///
/// ```text
/// L = mean_{k ∈ positions} ℓ(output[k], y[k])
/// ```
///
/// # Errors
/// Shape errors when `y` does not fit the picked rows.
pub fn masked_loss<'t, T: Float>(
    output: Var<'t, T>,
    objective: Objective,
    positions: &[usize],
    y: &Tensor<T>,
) -> Result<Option<Var<'t, T>>> {
    if positions.is_empty() {
        return Ok(None);
    }
    let picked = output.index_select(0, positions)?;
    let target = output.tape().constant(y.clone());
    Ok(Some(picked.loss(
        target,
        objective.loss(),
        Reduction::Mean,
    )?))
}
