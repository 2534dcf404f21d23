//! What can be wrong with a model file, one structured variant per kind of fault.
//!
//! [`Error::ModelFile`](crate::Error::ModelFile) pairs one of these with the file's path, so every
//! message reads `PATH: what is wrong`.

use thiserror::Error;

/// The fault found in a model file (see [`Error::ModelFile`](crate::Error::ModelFile)).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ModelFileProblem {
    /// The file could not be read.
    #[error("cannot read the file: {0}")]
    Read(std::io::Error),
    /// The file (or its temporary sibling) could not be written or renamed into place.
    #[error("cannot write the file: {0}")]
    Write(std::io::Error),
    /// The bytes are not a valid safetensors file (truncated, corrupt header, bad offsets).
    #[error("not a valid safetensors file: {0}")]
    Safetensors(safetensors::SafeTensorError),
    /// The header has no `__metadata__` at all, or lacks nabla's format marker: weights only, as
    /// `torch.save_file(model.state_dict(), ..)` writes without `metadata=`.
    #[error(
        "no nabla metadata (\"__metadata__\" lacks \"{key}\"): the file holds weights only; \
         nabla also needs the architecture, the feature standardisation and the target \
         ({required}); see docs/models.md for the keys"
    )]
    NotNabla {
        /// The marker key looked for.
        key: &'static str,
        /// Every key nabla needs, comma-separated.
        required: &'static str,
    },
    /// A required metadata key is absent.
    #[error("metadata key \"{key}\" is missing")]
    MissingMetadata {
        /// The key.
        key: &'static str,
    },
    /// A metadata value that cannot be parsed or is out of range.
    #[error("metadata key \"{key}\" = {value:?}: {reason}")]
    BadMetadata {
        /// The key.
        key: &'static str,
        /// The value found (cut to 80 characters).
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A format version this build of nabla does not read.
    #[error("format version {found:?} is not supported (this nabla reads version {supported})")]
    Version {
        /// The version found.
        found: String,
        /// The version this build reads.
        supported: &'static str,
    },
    /// A tensor the architecture needs is absent.
    #[error("tensor \"{name}\" is missing (expected tensors: {})", list(expected))]
    MissingTensor {
        /// The state_dict name.
        name: String,
        /// Every name the architecture needs.
        expected: Vec<String>,
    },
    /// A tensor the architecture does not have (PyTorch's strict loading rejects it too).
    #[error("unexpected tensor \"{name}\" (expected tensors: {})", list(expected))]
    UnexpectedTensor {
        /// The state_dict name.
        name: String,
        /// Every name the architecture needs.
        expected: Vec<String>,
    },
    /// A tensor whose element type nabla does not read.
    #[error("tensor \"{name}\" has dtype {dtype}; nabla reads F32 or F64 (in PyTorch: model.float() or model.double() before saving)")]
    Dtype {
        /// The state_dict name.
        name: String,
        /// The dtype found, as safetensors names it.
        dtype: String,
    },
    /// Tensors of one model in different element types.
    #[error(
        "tensor \"{name}\" is {dtype} but \"{first_name}\" is {first_dtype}; a model has one dtype"
    )]
    MixedDtypes {
        /// The tensor that differs.
        name: String,
        /// Its dtype.
        dtype: String,
        /// The tensor read first.
        first_name: String,
        /// Its dtype.
        first_dtype: String,
    },
    /// A tensor whose shape does not fit the architecture in the metadata.
    #[error(
        "tensor \"{name}\" has shape {found:?}, but the widths in the metadata need {expected:?}"
    )]
    Shape {
        /// The state_dict name.
        name: String,
        /// The shape required.
        expected: Vec<usize>,
        /// The shape found.
        found: Vec<usize>,
    },
    /// A weight that is NaN or infinite.
    #[error("tensor \"{name}\" element {index} is not finite ({value})")]
    NonFinite {
        /// The state_dict name.
        name: String,
        /// The element's flat (row-major) index.
        index: usize,
        /// The value.
        value: f64,
    },
    /// A multi-task model where a single-task one is needed.
    #[error("the file holds a multi-task model ({tasks} tasks), not a single-task one")]
    NotSingleTask {
        /// The number of tasks.
        tasks: usize,
    },
    /// Metadata entries that contradict each other (widths against features or classes).
    #[error("inconsistent metadata: {reason}")]
    Inconsistent {
        /// Which entries disagree, and how.
        reason: String,
    },
}

/// At most 12 names, comma-separated (a corrupt file may claim thousands of layers).
fn list(names: &[String]) -> String {
    const SHOWN: usize = 12;
    let mut text = names
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(", … ({} in all)", names.len()));
    }
    text
}
