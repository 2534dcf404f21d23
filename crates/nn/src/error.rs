//! The nn crate's error type.

use thiserror::Error;

/// Everything that can go wrong in nabla-nn.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from the tensor engine.
    #[error(transparent)]
    Tensor(#[from] nabla_tensor::Error),
    /// Training produced a non-finite loss.
    #[error("training diverged at epoch {epoch}, batch {batch}: the loss is {loss} (try a smaller learning rate)")]
    Diverged {
        /// The epoch, from 1.
        epoch: usize,
        /// The batch within the epoch, from 1.
        batch: usize,
        /// The loss value (NaN or infinite).
        loss: f64,
    },
    /// A hyperparameter outside its valid range.
    #[error("{name} = {value} is invalid: {reason}")]
    InvalidParameter {
        /// The parameter's name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What the valid range is.
        reason: &'static str,
    },
    /// A checkpoint file that cannot be read, written or resumed from.
    #[error("{reason}")]
    Checkpoint {
        /// What is wrong (the file's path first where there is one).
        reason: String,
    },
    /// A saved optimizer state that does not fit the optimizer it is loaded into.
    #[error("optimizer state: {reason}")]
    OptimizerState {
        /// What does not fit.
        reason: String,
    },
    /// An optimizer step was given a different number of parameters or gradients than before.
    #[error("optimizer step: expected {expected} parameter and gradient slices, got {actual}")]
    ParameterCount {
        /// The number of parameters the optimizer holds state for (or the number of params).
        expected: usize,
        /// The number given.
        actual: usize,
    },
    /// A parameter or gradient slice of an optimizer step has the wrong length.
    #[error("optimizer step: parameter {index} should have {expected} elements, got {actual}")]
    ParameterLength {
        /// The position of the parameter in the list.
        index: usize,
        /// The length expected (the parameter's, or the one seen on earlier steps).
        expected: usize,
        /// The length given.
        actual: usize,
    },
    /// An optimizer name that nabla does not know.
    #[error("unknown optimizer '{name}' (expected one of: {known})")]
    UnknownOptimizer {
        /// The name given.
        name: String,
        /// The names nabla knows, comma-separated.
        known: &'static str,
    },
    /// A hyperparameter key that the optimizer does not take.
    #[error(
        "hyperparameter '{key}' does not apply to optimizer '{optimizer}' (it takes: {accepted})"
    )]
    UnknownHyperparameter {
        /// The optimizer's name.
        optimizer: &'static str,
        /// The key given.
        key: String,
        /// The keys the optimizer takes, comma-separated.
        accepted: String,
    },
    /// A test-function name that nabla does not know.
    #[error("unknown test function '{name}' (expected one of: rosenbrock, quadratic, beale, himmelblau)")]
    UnknownTestFunction {
        /// The name given.
        name: String,
    },
    /// A hyperparameter given a value of the wrong kind (a number for a flag or the reverse).
    #[error("hyperparameter '{key}' must be {expected}")]
    HyperparameterType {
        /// The key.
        key: String,
        /// What it must be ("a number", "true or false").
        expected: &'static str,
    },
    /// A data file could not be opened or read.
    #[error("cannot read {path}: {cause}")]
    ReadFile {
        /// The file's path.
        path: String,
        /// The operating system's error (in the message, so not also a `source()` that a
        /// caller printing the chain would repeat).
        cause: std::io::Error,
    },
    /// A CSV cell that cannot be used: not a number, missing, or a label of the wrong kind.
    #[error("{path}: line {row}, column \"{column}\": {reason}")]
    Csv {
        /// The file's path.
        path: String,
        /// The line of the file, counted from 1 with the header as line 1.
        row: u64,
        /// The column's name in the header.
        column: String,
        /// What is wrong with the cell.
        reason: String,
    },
    /// A CSV file whose layout is wrong: no header, a line with the wrong number of fields,
    /// text that is not UTF-8.
    #[error("{path}: line {line}: {reason}")]
    CsvFormat {
        /// The file's path.
        path: String,
        /// The line of the file, counted from 1 with the header as line 1.
        line: u64,
        /// What is wrong with the line.
        reason: String,
    },
    /// A column (or target) name that the data does not have.
    #[error("{source_name}: no column named \"{column}\" (available: {})", available.join(", "))]
    UnknownColumn {
        /// The file's path or the data set's name.
        source_name: String,
        /// The name asked for.
        column: String,
        /// The names that exist.
        available: Vec<String>,
    },
    /// A column name that appears twice (in a header, or among the declared targets).
    #[error("{source_name}: column \"{column}\" appears more than once")]
    DuplicateColumn {
        /// The file's path or the data set's name.
        source_name: String,
        /// The repeated name.
        column: String,
    },
    /// A target column whose values do not fit the task kind declared (or inferred) for it.
    #[error("{source_name}: column \"{column}\" cannot be a {kind} target: {reason}")]
    TargetKind {
        /// The file's path or the data set's name.
        source_name: String,
        /// The target column.
        column: String,
        /// The task kind declared or inferred.
        kind: crate::data::TaskKind,
        /// Why the values do not fit.
        reason: String,
    },
    /// A task declaration (`NAME:KIND`) that cannot be parsed.
    #[error("task \"{spec}\": {reason}")]
    TaskSpec {
        /// The declaration as given.
        spec: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A learning-rate schedule (`KIND:PARAM:...`) that cannot be parsed.
    #[error("\"{spec}\": {reason} (expected {})", crate::optim::LrSchedule::SYNTAX)]
    ScheduleSpec {
        /// The schedule as given.
        spec: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A class label that is not among the classes it is mapped to.
    #[error("target \"{target}\": class \"{class}\" is not one of {}", known.join(", "))]
    UnknownClass {
        /// The target's name.
        target: String,
        /// The label found.
        class: String,
        /// The classes known.
        known: Vec<String>,
    },
    /// A data source with no usable rows or no feature columns.
    #[error("{source_name}: {reason}")]
    EmptyData {
        /// The file's path or the data set's name.
        source_name: String,
        /// What is missing ("no data rows", "no feature columns").
        reason: &'static str,
    },
    /// A data set name that is neither embedded nor an existing file.
    #[error("no embedded data set and no file named \"{name}\" (embedded data sets: {available})")]
    UnknownDataset {
        /// The name given.
        name: String,
        /// The embedded data sets, comma-separated.
        available: &'static str,
    },
    /// An embedded data set that does not decode (a corrupted build).
    #[error("embedded data set \"{name}\" is corrupt: {reason}")]
    EmbeddedData {
        /// The data set's name.
        name: &'static str,
        /// What failed.
        reason: String,
    },
    /// Arrays of a data set or a standardizer whose sizes disagree.
    #[error("{what}: expected {expected}, found {found}")]
    DataShape {
        /// Which array, and in what unit the sizes count.
        what: String,
        /// The size required.
        expected: usize,
        /// The size given.
        found: usize,
    },
    /// A feature value that is NaN or infinite.
    #[error("feature \"{feature}\" of sample {sample} is not finite ({value})")]
    NonFiniteFeature {
        /// The feature's name.
        feature: String,
        /// The sample's index (from 0).
        sample: usize,
        /// The value found.
        value: f64,
    },
    /// A network output that is NaN or infinite: a prediction that does not exist (a feature
    /// far outside the training range, a tiny standardisation std, or weights that overflow).
    #[error(
        "row {row}: the network's output is {value}, not a finite number (a feature far outside \
         the training range, a tiny feature std or weights that overflow)"
    )]
    NonFiniteOutput {
        /// The row (from 1).
        row: usize,
        /// The first output of that row that is not finite.
        value: f64,
    },
    /// A target value that is invalid: missing in a single-task data set, not finite, or a
    /// class index out of range.
    #[error("target \"{target}\" of sample {sample}: {reason}")]
    InvalidTarget {
        /// The target's name.
        target: String,
        /// The sample's index (from 0).
        sample: usize,
        /// What is wrong.
        reason: String,
    },
    /// Feature names that differ from those a standardizer (or model) was fitted on.
    #[error("features differ: fitted on [{}], given [{}]", expected.join(", "), found.join(", "))]
    FeatureNames {
        /// The names fitted on.
        expected: Vec<String>,
        /// The names given.
        found: Vec<String>,
    },
    /// A split that would leave a part without samples.
    #[error(
        "splitting {n_samples} samples leaves the {part} part empty; change the split fractions"
    )]
    EmptySplit {
        /// "train", "validation" or "test".
        part: &'static str,
        /// The number of samples split.
        n_samples: usize,
    },
    /// A model file that cannot be read, written or used; `problem` says what is wrong.
    #[error("model file {path}: {problem}")]
    ModelFile {
        /// The file's path.
        path: String,
        /// What is wrong with it.
        problem: crate::model_file::ModelFileProblem,
    },
    /// A sample index outside the data set.
    #[error("sample index {index} is out of range for {n_samples} samples")]
    SampleIndex {
        /// The index given.
        index: usize,
        /// The number of samples.
        n_samples: usize,
    },
}

/// The result type of nabla-nn.
pub type Result<T> = std::result::Result<T, Error>;
