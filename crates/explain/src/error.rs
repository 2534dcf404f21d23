//! The one error type of nabla-explain: every variant says what was wrong and where.

/// What went wrong while explaining; each variant carries the place at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text of a spec is not valid JSON.
    #[error("line {line}, column {column}: invalid JSON: {message}")]
    SpecSyntax {
        /// The line of the error, from 1.
        line: usize,
        /// The column of the error, from 1.
        column: usize,
        /// serde_json's account of what is wrong.
        message: String,
    },
    /// A spec's JSON is valid but not an object.
    #[error("expected a JSON object, got {got}")]
    SpecRoot {
        /// What the text holds instead (`an array of 2 items`).
        got: String,
    },
    /// A field of a spec is missing, mistyped or out of range.
    #[error("{field}: {message}")]
    Spec {
        /// The field's path in the spec, e.g. `layers[1].weight`.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// An expression in x and y does not parse; it says where and what was expected.
    #[error("{0}")]
    Expression(crate::optimize::expr::ExprError),
    /// The tensor engine refused an operation.
    #[error(transparent)]
    Tensor(#[from] nabla_tensor::Error),
    /// The network library refused an operation (an optimizer's hyperparameters or step).
    #[error(transparent)]
    Nn(#[from] nabla_nn::Error),
    /// The text of a claims file is not valid JSON.
    #[error("line {line}, column {column}: invalid JSON: {message}")]
    ClaimsSyntax {
        /// The line of the error, from 1.
        line: usize,
        /// The column of the error, from 1.
        column: usize,
        /// serde_json's account of it.
        message: String,
    },
    /// A claims file is JSON but not one object.
    #[error("{found}")]
    ClaimsNotObject {
        /// What was found instead.
        found: String,
    },
    /// A claim that cannot be graded: a value of the wrong kind, a key given twice, a
    /// quantity this problem lacks.
    #[error("{key}: {message}")]
    Claim {
        /// The claim's key, as written.
        key: String,
        /// What is wrong with it.
        message: String,
    },
    /// A claim names a quantity nabla does not know.
    #[error("{key}: unknown quantity{}", closest_names(closest))]
    UnknownClaim {
        /// The key, as written.
        key: String,
        /// The closest known names.
        closest: Vec<String>,
    },
    /// An activation name or parameter that cannot be used; the message names the flag or the
    /// list item at fault (see [`crate::activation::parse`]).
    #[error("{message}")]
    Activation {
        /// What is wrong, and where.
        message: String,
    },
    /// A regression option out of range (`--alpha 2`, `--bg-order 0`) or a model that cannot
    /// be (`--no-intercept` with no regressor).
    #[error("{option}: {message}")]
    RegressOption {
        /// The option, with its value where it has one (`--alpha 2`).
        option: String,
        /// What is wrong with it.
        message: String,
    },
    /// A column a regression names (`--y`, `--x`) that the CSV does not have.
    #[error("{flag} '{name}': no such column in {source_name} (columns: {})", columns.join(", "))]
    UnknownColumn {
        /// The option that named it.
        flag: &'static str,
        /// The name given (trimmed).
        name: String,
        /// The CSV's name.
        source_name: String,
        /// The CSV's columns.
        columns: Vec<String>,
    },
    /// A regressor that is the response, or is named twice.
    #[error("{flag} '{name}': {message}")]
    ColumnChoice {
        /// The option that named it.
        flag: &'static str,
        /// The name, as given.
        name: String,
        /// What is wrong with the choice.
        message: &'static str,
    },
    /// A CSV record with another number of fields than the header.
    #[error(
        "{source_name}: row {row} (line {line}) has {fields} fields, the header has {expected}"
    )]
    CsvRagged {
        /// The CSV's name.
        source_name: String,
        /// The data row, from 1.
        row: u64,
        /// The line it starts on (the header is line 1).
        line: u64,
        /// The fields it has.
        fields: usize,
        /// The fields the header has.
        expected: usize,
    },
    /// A CSV record that does not parse: a quote problem, text that is not UTF-8.
    #[error("{source_name}: row {row} (line {line}){}: {reason}", in_column(column.as_deref()))]
    CsvRecord {
        /// The CSV's name.
        source_name: String,
        /// The data row, from 1.
        row: u64,
        /// The line it starts on (the header is line 1).
        line: u64,
        /// The header name of the field at fault, where one is known.
        column: Option<String>,
        /// What is wrong.
        reason: String,
    },
    /// A CSV with a header and no data rows.
    #[error("{source_name}: no data rows after the header")]
    NoRows {
        /// The CSV's name.
        source_name: String,
    },
    /// A cell of a used column that is missing or not a finite number.
    #[error("{source_name}: row {row} (line {line}), column '{column}': {}", cell_problem(cell.as_deref()))]
    BadCell {
        /// The CSV's name.
        source_name: String,
        /// The data row, from 1.
        row: u64,
        /// The line it is on (the header is line 1).
        line: u64,
        /// The column's name.
        column: String,
        /// An excerpt of the cell; `None` when it is empty.
        cell: Option<String>,
    },
    /// The statistics refused a design, a fit or a test; `context` says which.
    #[error("{context}: {error}")]
    Stats {
        /// What was being computed (the file, `FILE: --y COL`, `--bg-order 2`).
        context: String,
        /// The statistics library's error.
        error: nabla_stats::StatsError,
    },
    /// A `--tolerance` that is not a finite non-negative number.
    #[error("tolerance {value}: must be a finite number ≥ 0")]
    Tolerance {
        /// The value given.
        value: f64,
    },
}

/// `, column 'NAME'`, or nothing.
fn in_column(column: Option<&str>) -> String {
    column.map_or(String::new(), |c| format!(", column '{c}'"))
}

/// `missing value` for an empty cell, else `'CELL' is not a finite number`.
fn cell_problem(cell: Option<&str>) -> String {
    cell.map_or("missing value".to_string(), |c| {
        format!("'{c}' is not a finite number")
    })
}

/// ` (closest known names: a, b, c)`, or nothing.
fn closest_names(closest: &[String]) -> String {
    if closest.is_empty() {
        String::new()
    } else {
        format!(" (closest known names: {})", closest.join(", "))
    }
}

/// The result type of nabla-explain.
pub type Result<T> = std::result::Result<T, Error>;
