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

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use super::{Dataset, Target, TaskKind};
use crate::{Error, Result};

/// The most distinct integer values a numeric target may take to be inferred as `classes`.
pub const MAX_INFERRED_CLASSES: usize = 20;

/// The cell texts (compared ignoring letter case, after trimming spaces) that mean "missing";
/// an empty cell is missing too.
pub const MISSING_MARKERS: [&str; 5] = ["NA", "N/A", "NaN", "null", "?"];

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

/// Whether a (trimmed) cell means "missing".
pub fn is_missing(cell: &str) -> bool {
    match cell.as_bytes().first() {
        None => true,
        // Fast path: numbers never start like a marker.
        Some(b) if b.is_ascii_digit() || *b == b'-' || *b == b'+' || *b == b'.' => false,
        Some(_) => MISSING_MARKERS.iter().any(|m| m.eq_ignore_ascii_case(cell)),
    }
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
        let file = std::fs::File::open(path).map_err(|source| Error::ReadFile {
            path: name.clone(),
            source,
        })?;
        Dataset::from_csv_reader(&name, std::io::BufReader::new(file), options)
    }

    /// Reads CSV text from `reader`; `source_name` names it in the data set and in errors.
    ///
    /// # Errors
    /// - [`Error::CsvFormat`]: no header, a nameless header column, a line with a different number
    ///   of fields than the header;
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
    pub fn from_csv_reader<R: Read>(
        source_name: &str,
        mut reader: R,
        options: &CsvOptions,
    ) -> Result<Dataset> {
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|source| Error::ReadFile {
                path: source_name.to_string(),
                source,
            })?;
        let lines = LineIndex::new(&bytes);
        let mut rdr = ::csv::ReaderBuilder::new()
            .has_headers(true)
            .trim(::csv::Trim::Headers)
            .from_reader(bytes.as_slice());
        let header_record = rdr
            .headers()
            .map_err(|e| csv_error(source_name, &lines, &[], e))?;
        let header_line = lines.line_of(header_record.position().map_or(0, |p| p.byte()));
        let headers: Vec<String> = header_record.iter().map(str::to_string).collect();
        if headers.is_empty() || (headers.len() == 1 && headers[0].is_empty()) {
            return Err(Error::CsvFormat {
                path: source_name.to_string(),
                line: header_line,
                reason: "no header row; the first line must name the columns".to_string(),
            });
        }
        if let Some(j) = headers.iter().position(String::is_empty) {
            return Err(Error::CsvFormat {
                path: source_name.to_string(),
                line: header_line,
                reason: format!("header column {} has no name", j + 1),
            });
        }
        for (j, h) in headers.iter().enumerate() {
            if headers[..j].contains(h) {
                return Err(Error::DuplicateColumn {
                    source_name: source_name.to_string(),
                    column: h.clone(),
                });
            }
        }
        let find = |column: &str| {
            headers
                .iter()
                .position(|h| h == column)
                .ok_or_else(|| Error::UnknownColumn {
                    source_name: source_name.to_string(),
                    column: column.to_string(),
                    available: headers.clone(),
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

        let mut features = Vec::new();
        // Per target: (line, cell) for every kept row; None = missing.
        let mut labels: Vec<Vec<(u64, Option<String>)>> = vec![Vec::new(); options.targets.len()];
        let mut skipped = Vec::new();
        let mut record = ::csv::StringRecord::new();
        let mut row_features = Vec::with_capacity(feature_cols.len());
        loop {
            match rdr.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return Err(csv_error(source_name, &lines, &headers, e)),
            }
            let line = lines.line_of(record.position().map_or(0, |p| p.byte()));
            row_features.clear();
            let mut incomplete = None;
            for (j, cell) in record.iter().map(str::trim).enumerate() {
                match roles[j] {
                    Role::Ignored => {}
                    Role::Feature => {
                        if is_missing(cell) {
                            incomplete.get_or_insert(j);
                            row_features.push(0.0);
                        } else {
                            row_features.push(parse_number(cell).map_err(|reason| {
                                cell_error(line, j, format!("{reason} (features must be numbers)"))
                            })?);
                        }
                    }
                    Role::Target(_) if single_task && is_missing(cell) => {
                        incomplete.get_or_insert(j);
                    }
                    Role::Target(_) => {}
                }
            }
            if let Some(j) = incomplete {
                if options.drop_incomplete_rows {
                    skipped.push(line);
                    continue;
                }
                let reason = if matches!(roles[j], Role::Feature) {
                    "missing value (features must be numbers)".to_string()
                } else {
                    "missing label (only multi-task targets, declared with several --task, \
                     may have missing labels)"
                        .to_string()
                };
                return Err(cell_error(line, j, reason));
            }
            features.extend_from_slice(&row_features);
            for (j, cell) in record.iter().map(str::trim).enumerate() {
                if let Role::Target(k) = roles[j] {
                    let value = (!is_missing(cell)).then(|| cell.to_string());
                    labels[k].push((line, value));
                }
            }
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

/// Parses a present cell as a finite number; the error is the reason, quoting the cell.
fn parse_number(cell: &str) -> std::result::Result<f64, String> {
    match cell.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(format!("\"{cell}\" is not a finite number")),
        Err(_) => Err(format!("\"{cell}\" is not a number")),
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
                Some(c) => Some(parse_number(c).map_err(|reason| {
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
                        "\"{c}\" is not an integer class label (declare the column \
                         :regression, or write the labels as text)"
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

/// Maps byte offsets to line numbers as an editor counts them (from 1; a line ends at `\r\n`,
/// `\n` or a lone `\r`).
///
/// The `csv` crate's own line count points at the blank lines or the `\n` of a `\r\n` before a
/// record, so nabla counts lines itself from the record's byte offset.
struct LineIndex<'a> {
    bytes: &'a [u8],
    /// The offset at which each line after the first starts.
    starts: Vec<u64>,
}

impl<'a> LineIndex<'a> {
    fn new(bytes: &'a [u8]) -> LineIndex<'a> {
        let mut starts = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i as u64 + 2);
                    i += 2;
                }
                b'\r' | b'\n' => {
                    starts.push(i as u64 + 1);
                    i += 1;
                }
                _ => i += 1,
            }
        }
        LineIndex { bytes, starts }
    }

    /// The line of the record whose position is `byte`: line breaks (and blank lines) at that
    /// offset are skipped to the record's first character.
    fn line_of(&self, byte: u64) -> u64 {
        let mut q = byte as usize;
        while q < self.bytes.len() && matches!(self.bytes[q], b'\r' | b'\n') {
            q += 1;
        }
        1 + self.starts.partition_point(|&s| s <= q as u64) as u64
    }
}

/// Maps an error of the `csv` crate to nabla's, naming the line (and column when known).
fn csv_error(path: &str, lines: &LineIndex<'_>, headers: &[String], e: ::csv::Error) -> Error {
    let line = e.position().map_or(1, |p| lines.line_of(p.byte()));
    let message = e.to_string();
    match e.into_kind() {
        ::csv::ErrorKind::Io(source) => Error::ReadFile {
            path: path.to_string(),
            source,
        },
        ::csv::ErrorKind::Utf8 { err, .. } => match headers.get(err.field()) {
            Some(column) => Error::Csv {
                path: path.to_string(),
                row: line,
                column: column.clone(),
                reason: "the text is not valid UTF-8".to_string(),
            },
            None => Error::CsvFormat {
                path: path.to_string(),
                line,
                reason: format!("field {} is not valid UTF-8", err.field() + 1),
            },
        },
        ::csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => Error::CsvFormat {
            path: path.to_string(),
            line,
            reason: format!("{len} fields, but the header has {expected_len}"),
        },
        _ => Error::CsvFormat {
            path: path.to_string(),
            line,
            reason: message,
        },
    }
}
