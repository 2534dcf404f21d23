//! A data set ready for multi-task training: [`Prepared`](crate::data::prepare::Prepared)'s
//! seeded split and standardisation, keeping every target, with one task per target and its
//! objective fitted on the training part.
//!
//! ```
//! use nabla_nn::data::{prepare::Preparation, Dataset};
//! use nabla_nn::multitask::PreparedTasks;
//! let penguins = Dataset::by_name("penguins").unwrap();
//! let prepared = PreparedTasks::new(&penguins, &Preparation::default()).unwrap();
//! let names: Vec<&str> = prepared.tasks.iter().map(|t| t.name.as_str()).collect();
//! assert_eq!(names, ["species", "sex", "body_mass_g"]);
//! ```

use super::Task;
use crate::data::prepare::{split_standardized, Preparation, PrepareError};
use crate::data::{Dataset, SplitData, Standardizer};
use crate::train::Objective;

/// The split data and the tasks of a multi-task run.
#[derive(Clone, Debug)]
pub struct PreparedTasks {
    /// The data set's name.
    pub name: String,
    /// The split, features standardised with the training part's statistics.
    pub split: SplitData,
    /// One task per target, in the data set's order, objectives fitted on the training part.
    pub tasks: Vec<Task>,
    /// The feature scaling fitted on the training part, as a saved model keeps it.
    pub standardizer: Standardizer,
    /// What a front-end should warn of, one line each naming the data set and the column (a
    /// constant regression target).
    pub warnings: Vec<String>,
}

impl PreparedTasks {
    /// Splits `dataset` as `preparation` says (its `target` is not used: every target is a
    /// task), standardises the features and fits each task's objective on the training part.
    ///
    /// # Errors
    /// Split fractions that do not fit the data; a task without labels in the training part.
    pub fn new(
        dataset: &Dataset,
        preparation: &Preparation,
    ) -> std::result::Result<Self, PrepareError> {
        let warnings = crate::data::trainable::check(dataset)?;
        let (split, standardizer) = split_standardized(dataset, preparation)?;
        let tasks = split
            .train
            .targets()
            .iter()
            .map(|t| {
                if t.missing_count() == t.len() {
                    return Err(PrepareError::NoLabels {
                        task: t.name().to_string(),
                        part: "training",
                        remedy: "use more data or another split",
                    });
                }
                Ok(Task::new(t.name(), Objective::fit(t)))
            })
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(Self {
            name: dataset.name().to_string(),
            split,
            tasks,
            standardizer,
            warnings,
        })
    }

    /// The same split with only `task` (each part's rows without its label left out), as a
    /// single-task network of the comparison trains on.
    ///
    /// # Errors
    /// A task that is not one of the data's.
    pub fn single(&self, task: &Task) -> crate::Result<PreparedTasks> {
        let one = std::slice::from_ref(&task.name);
        Ok(PreparedTasks {
            name: self.name.clone(),
            split: SplitData {
                train: self.split.train.select_targets(one)?,
                validation: None,
                test: self.split.test.select_targets(one)?,
            },
            tasks: vec![task.clone()],
            standardizer: self.standardizer.clone(),
            warnings: Vec::new(),
        })
    }
}
