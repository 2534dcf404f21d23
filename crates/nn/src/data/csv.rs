//! Loading a [`Dataset`] from a CSV file with a header row.
//!
//! The first line names the columns. The columns declared as targets ([`TargetSpec`]) become
//! tasks; the columns listed in [`CsvOptions::ignore`] are skipped; every other column is a
//! feature and must hold numbers. Rows are named in errors by their line in the file, counted from
//! 1 with the header as line 1 (so the first data row is line 2), as a user counts lines in an
//! editor; columns are named by their header.
//!
//! Missing values are written as an empty cell or one of `NA`, `N/A`, `NaN`, `null`, `?` (any
//! letter case). A missing feature is an error unless [`CsvOptions::drop_incomplete_rows`] is set;
//! a missing target label is allowed only when several targets are declared (multi-task data),
//! where it becomes `None`.
//!
//! A target's kind is declared (`species:classes`) or inferred: a column with any non-numeric
//! label, or with integers taking at most [`MAX_INFERRED_CLASSES`] distinct values, is `classes`;
//! any other numeric column is `regression`. `binary` is never inferred; declare it.
//! Class names are the labels as written, ordered by value for integer labels and in byte
//! (lexicographic) order for text labels, so `setosa, versicolor, virginica` become classes 0, 1, 2.
//!
//! ```
//! use nabla_nn::data::{CsvOptions, Dataset, TargetSpec};
//! let text = "x1,x2,kind\n1.5,2,cat\n0.5,-1,dog\n";
//! let options = CsvOptions { targets: vec![TargetSpec::parse("kind").unwrap()], ..Default::default() };
//! let ds = Dataset::from_csv_reader("pets.csv", text.as_bytes(), &options).unwrap();
//! assert_eq!(ds.feature_names(), &["x1", "x2"]);
//! assert_eq!(ds.targets()[0].class_names(), &["cat", "dog"]);
//! ```

use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

pub use super::cell::MISSING_MARKERS;
use super::cell::{self, NumberProblem};
use super::csv_text::{CsvText, Problem};
use super::{Dataset, Target, TaskKind};
use crate::{Error, Result};

/// The most distinct integer values a numeric target may take to be inferred as `classes`.
pub const MAX_INFERRED_CLASSES: usize = 20;

/// Integers of magnitude below 2⁵³ are exact in f64; larger "integers" are not treated as labels.
const MAX_EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;

/// A declared target column: its name and, optionally, its task kind (`None`: inferred).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetSpec {
    /// The column's name in the header.
    pub column: String,
    /// The task kind, or `None` to infer it from the values.
    pub kind: Option<TaskKind>,
}

impl TargetSpec {
    /// A target column with a declared or inferred kind.
    pub fn new(column: impl Into<String>, kind: Option<TaskKind>) -> TargetSpec {
        TargetSpec {
            column: column.into(),
            kind,
        }
    }

    /// Parses `NAME` (kind inferred) or `NAME:KIND` with KIND `regression`, `binary` or
    /// `classes`, as `nabla train --task` takes it. The kind follows the last `:`, so a column
    /// name may itself contain colons when a kind is given.
    ///
    /// # Errors
    /// [`Error::TaskSpec`] for an empty name or an unknown kind.
    pub fn parse(spec: &str) -> Result<TargetSpec> {
        let (column, kind) = match spec.rsplit_once(':') {
            Some((column, kind)) => {
                let kind = kind.parse::<TaskKind>().map_err(|_| Error::TaskSpec {
                    spec: spec.to_string(),
                    reason: "the kind after ':' must be regression, binary or classes",
                })?;
                (column, Some(kind))
            }
            None => (spec, None),
        };
        if column.trim().is_empty() {
            return Err(Error::TaskSpec {
                spec: spec.to_string(),
                reason: "the column name is empty",
            });
        }
        Ok(TargetSpec::new(column.trim(), kind))
    }
}

impl FromStr for TargetSpec {
    type Err = Error;

    fn from_str(s: &str) -> Result<TargetSpec> {
        TargetSpec::parse(s)
    }
}

/// How to read a CSV file into a [`Dataset`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// The target columns, in order. None: a features-only data set (for prediction).
    pub targets: Vec<TargetSpec>,
    /// Columns that are neither features nor targets.
    pub ignore: Vec<String>,
    /// Skip rows with a missing feature (or, in single-task data, a missing label) instead of
    /// failing; the skipped lines are kept in [`Dataset::skipped_lines`]. A cell that is present
    /// but not a number is an error either way.
    pub drop_incomplete_rows: bool,
}

/// What a column of the file becomes.
#[derive(Clone, Copy)]
enum Role {
    Feature,
    Target(usize),
    Ignored,
}

impl Dataset {
    /// Reads a CSV file with a header row (see the [module docs](self)).
    ///
    /// # Errors
    /// [`Error::ReadFile`] when the file cannot be read; otherwise as
    /// [`Dataset::from_csv_reader`], with the path naming the file.
    pub fn from_csv(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Dataset> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|cause| Error::ReadFile {
            path: name.clone(),
            cause,
        })?;
        Dataset::from_csv_reader(&name, std::io::BufReader::new(file), options)
    }

    /// Reads CSV text from `reader`; `source_name` names it in the data set and in errors.
    ///
    /// # Errors
    /// - [`Error::CsvFormat`]: no header, a nameless header column, a line with a different number
    ///   of fields than the header;
    /// - [`Error::Csv`] or [`Error::CsvFormat`] naming the line (and column): a quote never
    ///   closed, text after a closing quote, a quote inside an unquoted field (see [`csv_text`]);
    /// - [`Error::DuplicateColumn`]: a header name or declared target repeated;
    /// - [`Error::UnknownColumn`]: a target or ignored column not in the header (the error lists
    ///   the columns there are);
    /// - [`Error::EmptyData`]: no feature column, no (complete) data row, or a target column whose
    ///   every value is missing;
    /// - [`Error::Csv`] naming line and column: a feature cell that is missing or not a finite
    ///   number, text that is not UTF-8, a missing label in single-task data, a regression label
    ///   that is not a number, a class label that is a non-integer number;
    /// - [`Error::TargetKind`]: a binary target without exactly two distinct values;
    /// - [`Error::ReadFile`]: reading failed.
    ///
    /// [`csv_text`]: super::csv_text
    pub fn from_csv_reader<R: Read>(
        source_name: &str,
        mut reader: R,
        options: &CsvOptions,
    ) -> Result<Dataset> {
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|cause| Error::ReadFile {
                path: source_name.to_string(),
                cause,
            })?;
        let text = CsvText::new(source_name, &bytes)?;
        let headers = text.header();
        let index: HashMap<&str, usize> = headers
            .iter()
            .enumerate()
            .map(|(j, h)| (h.as_str(), j))
            .collect();
        let find = |column: &str| {
            index
                .get(column)
                .copied()
                .ok_or_else(|| Error::UnknownColumn {
                    source_name: source_name.to_string(),
                    column: column.to_string(),
                    available: headers.to_vec(),
                })
        };
        let mut roles = vec![Role::Feature; headers.len()];
        for column in &options.ignore {
            roles[find(column)?] = Role::Ignored;
        }
        for (k, spec) in options.targets.iter().enumerate() {
            let j = find(&spec.column)?;
            if matches!(roles[j], Role::Target(_)) {
                return Err(Error::DuplicateColumn {
                    source_name: source_name.to_string(),
                    column: spec.column.clone(),
                });
            }
            roles[j] = Role::Target(k);
        }
        let feature_cols: Vec<usize> = (0..headers.len())
            .filter(|&j| matches!(roles[j], Role::Feature))
            .collect();
        if feature_cols.is_empty() {
            return Err(Error::EmptyData {
                source_name: source_name.to_string(),
                reason: "no feature columns (every column is a target or ignored)",
            });
        }
        let single_task = options.targets.len() == 1;
        let cell_error = |row: u64, j: usize, reason: String| Error::Csv {
            path: source_name.to_string(),
            row,
            column: headers[j].clone(),
            reason,
        };
        let n_targets = options.targets.len();
        let parts = text
            .scan(
                || Part {
                    features: Vec::new(),
                    labels: vec![Vec::new(); n_targets],
                    skipped: Vec::new(),
                },
                |part: &mut Part, record| {
                    let line = record.line();
                    let row_start = part.features.len();
                    let mut incomplete = None;
                    for (j, role) in roles.iter().enumerate() {
                        match role {
                            Role::Ignored => {}
                            Role::Feature => {
                                let cell = cell::trim(record.field(j));
                                if cell::is_missing(cell) {
                                    incomplete.get_or_insert(j);
                                    part.features.push(0.0);
                                } else {
                                    let value = cell::parse_number(cell).map_err(|problem| {
                                        let reason = number_reason(problem, cell);
                                        cell_error(
                                            line,
                                            j,
                                            format!("{reason} (features must be numbers)"),
                                        )
                                    })?;
                                    part.features.push(value);
                                }
                            }
                            Role::Target(_)
                                if single_task && cell::is_missing(cell::trim(record.field(j))) =>
                            {
                                incomplete.get_or_insert(j);
                            }
                            Role::Target(_) => {}
                        }
                    }
                    if let Some(j) = incomplete {
                        if options.drop_incomplete_rows {
                            part.features.truncate(row_start);
                            part.skipped.push(line);
                            return Ok(());
                        }
                        let reason = if matches!(roles[j], Role::Feature) {
                            "missing value (features must be numbers)".to_string()
                        } else {
                            "missing label (only multi-task targets, declared with several \
                             --task, may have missing labels)"
                                .to_string()
                        };
                        return Err(cell_error(line, j, reason));
                    }
                    for (j, role) in roles.iter().enumerate() {
                        if let Role::Target(k) = *role {
                            let cell = cell::trim(record.field(j));
                            let value = (!cell::is_missing(cell))
                                .then(|| String::from_utf8_lossy(cell).into_owned());
                            part.labels[k].push((line, value));
                        }
                    }
                    Ok(())
                },
            )
            .map_err(|e| match e.problem {
                Problem::Layout(layout) => text.layout_error(e.line, layout),
                Problem::Visit(error) => error,
            })?;
        let mut features = Vec::with_capacity(parts.iter().map(|p| p.features.len()).sum());
        let mut labels: Vec<Vec<(u64, Option<String>)>> = vec![Vec::new(); n_targets];
        let mut skipped = Vec::new();
        for part in parts {
            features.extend_from_slice(&part.features);
            for (all, some) in labels.iter_mut().zip(part.labels) {
                all.extend(some);
            }
            skipped.extend(part.skipped);
        }
        if features.is_empty() {
            return Err(Error::EmptyData {
                source_name: source_name.to_string(),
                reason: if skipped.is_empty() {
                    "no data rows after the header"
                } else {
                    "no complete data rows"
                },
            });
        }
        let targets = options
            .targets
            .iter()
            .zip(&labels)
            .map(|(spec, cells)| build_target(source_name, spec, cells))
            .collect::<Result<Vec<_>>>()?;
        let feature_names = feature_cols.iter().map(|&j| headers[j].clone()).collect();
        Ok(
            Dataset::new(source_name, feature_names, features, targets)?
                .with_skipped_lines(skipped),
        )
    }
}

/// What one chunk of the file gives: its features (row-major), per target the (line, cell) of
/// every kept row (`None`: missing), and the lines of the rows skipped as incomplete.
struct Part {
    features: Vec<f64>,
    labels: Vec<Vec<(u64, Option<String>)>>,
    skipped: Vec<u64>,
}

/// The reason a present cell is not a usable number, quoting (an excerpt of) the cell.
fn number_reason(problem: NumberProblem, cell: &[u8]) -> String {
    let shown = cell::excerpt(cell);
    match problem {
        NumberProblem::NotFinite => format!("\"{shown}\" is not a finite number"),
        NumberProblem::NotANumber => format!("\"{shown}\" is not a number"),
    }
}

fn is_integer(v: f64) -> bool {
    v.fract() == 0.0 && v.abs() < MAX_EXACT_INTEGER
}

/// Turns one target column's cells into a [`Target`] of the declared or inferred kind.
fn build_target(
    source: &str,
    spec: &TargetSpec,
    cells: &[(u64, Option<String>)],
) -> Result<Target> {
    let column = spec.column.as_str();
    let present: Vec<(u64, &str)> = cells
        .iter()
        .filter_map(|(line, c)| c.as_deref().map(|c| (*line, c)))
        .collect();
    if present.is_empty() {
        return Err(Error::EmptyData {
            source_name: format!("{source}, column \"{column}\""),
            reason: "every value of the target column is missing",
        });
    }
    let cell_error = |row: u64, reason: String| Error::Csv {
        path: source.to_string(),
        row,
        column: column.to_string(),
        reason,
    };
    let numbers: Option<Vec<f64>> = present.iter().map(|(_, c)| c.parse::<f64>().ok()).collect();
    let kind = spec.kind.unwrap_or_else(|| match &numbers {
        None => TaskKind::Classes,
        Some(v) => {
            let distinct: BTreeSet<u64> = v.iter().map(|x| x.to_bits()).collect();
            if v.iter().all(|&x| is_integer(x)) && distinct.len() <= MAX_INFERRED_CLASSES {
                TaskKind::Classes
            } else {
                TaskKind::Regression
            }
        }
    });
    if kind == TaskKind::Regression {
        let mut values = Vec::with_capacity(cells.len());
        for (line, c) in cells {
            values.push(match c {
                None => None,
                Some(c) => Some(cell::parse_number(c.as_bytes()).map_err(|problem| {
                    let reason = number_reason(problem, c.as_bytes());
                    cell_error(
                        *line,
                        format!("{reason} (a regression target needs numbers)"),
                    )
                })?),
            });
        }
        return Target::regression(column, values);
    }

    // Class labels: integers (ordered by value) or text (ordered by bytes).
    let (names, labels): (Vec<String>, Vec<Option<usize>>) = match &numbers {
        Some(v) => {
            if let Some(k) = v.iter().position(|&x| !is_integer(x)) {
                let (line, c) = present[k];
                return Err(cell_error(
                    line,
                    format!(
                        "\"{}\" is not an integer class label (declare the column \
                         :regression, or write the labels as text)",
                        cell::excerpt(c.as_bytes())
                    ),
                ));
            }
            let mut ints: Vec<i64> = v.iter().map(|&x| x as i64).collect();
            ints.sort_unstable();
            ints.dedup();
            if kind == TaskKind::Binary && ints.iter().all(|&i| i == 0 || i == 1) {
                ints = vec![0, 1];
            }
            // `v` holds the present cells in order; every one of them is in `ints`.
            let mut present_values = v.iter();
            let labels = cells
                .iter()
                .map(|(_, c)| {
                    c.as_ref()
                        .and_then(|_| present_values.next())
                        .map(|&x| ints.binary_search(&(x as i64)).unwrap_or_else(|i| i))
                })
                .collect();
            (ints.iter().map(i64::to_string).collect(), labels)
        }
        None => {
            let set: BTreeSet<&str> = present.iter().map(|(_, c)| *c).collect();
            let names: Vec<&str> = set.into_iter().collect();
            let labels = cells
                .iter()
                .map(|(_, c)| {
                    c.as_deref()
                        .map(|c| names.binary_search(&c).unwrap_or_else(|i| i))
                })
                .collect();
            (names.into_iter().map(str::to_string).collect(), labels)
        }
    };
    if kind == TaskKind::Binary && names.len() != 2 {
        let shown: Vec<&str> = names.iter().take(4).map(String::as_str).collect();
        return Err(Error::TargetKind {
            source_name: source.to_string(),
            column: column.to_string(),
            kind,
            reason: format!(
                "it has {} distinct values ({}{}); binary needs exactly two, or 0/1",
                names.len(),
                shown.join(", "),
                if names.len() > 4 { ", …" } else { "" }
            ),
        });
    }
    match kind {
        TaskKind::Binary => Target::binary(column, [names[0].clone(), names[1].clone()], labels),
        _ => Target::classes(column, names, labels),
    }
}
