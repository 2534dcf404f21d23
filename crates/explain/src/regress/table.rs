//! Reading the numeric columns of a regression from CSV text.
//!
//! The first line is the header. Rows are observations in time order. Locations in error
//! messages count data rows from 1 and also give the file line (the header is line 1).

use std::convert::Infallible;

use nabla_nn::data::cell;
use nabla_nn::data::csv_text::{CsvText, Layout, Problem};

use crate::{Error, Result};

/// The columns a regression needs, parsed as numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// The CSV's name in messages and in the JSON (`file`).
    pub source: String,
    /// The response's name.
    pub y_name: String,
    /// The response.
    pub y: Vec<f64>,
    /// Regressor names and values, in the order asked for.
    pub x: Vec<(String, Vec<f64>)>,
    /// Columns left out because their first data row is not a number (only when the regressors
    /// are not named).
    pub skipped: Vec<String>,
}

/// Why a cell of a used column cannot be a number of the regression.
#[derive(Clone)]
enum CellProblem {
    Missing,
    NotFinite(String),
}

impl Table {
    /// Parses `csv` (named `source` in errors), keeping the response `y_name` and the
    /// regressors `x_names` (or, when `None`, every column whose first data row holds a number,
    /// except `y_name`).
    ///
    /// # Errors
    /// A bad header (no names, a name twice) as [`Error::Nn`]; a ragged row or a quote problem
    /// naming its row and line ([`Error::CsvRagged`], [`Error::CsvRecord`]); an unknown column
    /// listing the available ones ([`Error::UnknownColumn`]); the response as a regressor or a
    /// regressor twice ([`Error::ColumnChoice`]); no data rows ([`Error::NoRows`]); a missing
    /// or non-numeric cell in a used column, naming its row and column ([`Error::BadCell`]).
    pub fn parse(
        source: &str,
        csv: &[u8],
        y_name: &str,
        x_names: Option<&[String]>,
    ) -> Result<Table> {
        let text = CsvText::new(source, csv)?;
        let header = text.header();
        let find = |flag: &'static str, name: &str| -> Result<usize> {
            let name = name.trim();
            header
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| Error::UnknownColumn {
                    flag,
                    name: name.to_string(),
                    source_name: source.to_string(),
                    columns: header.to_vec(),
                })
        };
        let y_col = find("--y", y_name)?;
        let chosen: Option<Vec<usize>> = match x_names {
            Some(names) => {
                let mut cols = Vec::with_capacity(names.len());
                for name in names {
                    let c = find("--x", name)?;
                    let problem = if c == y_col {
                        Some("the response cannot also be a regressor")
                    } else if cols.contains(&c) {
                        Some("column given twice")
                    } else {
                        None
                    };
                    if let Some(message) = problem {
                        return Err(Error::ColumnChoice {
                            flag: "--x",
                            name: name.clone(),
                            message,
                        });
                    }
                    cols.push(c);
                }
                Some(cols)
            }
            None => None,
        };
        // The columns read: y and the regressors given, or every column (the regressors are
        // then those whose first data row is a number).
        let read_cols: Vec<usize> = match &chosen {
            Some(cols) => std::iter::once(y_col).chain(cols.iter().copied()).collect(),
            None => (0..header.len()).collect(),
        };
        let parts = text
            .scan(
                || Columns {
                    values: vec![Vec::new(); read_cols.len()],
                    first_bad: vec![None; read_cols.len()],
                    rows: 0,
                },
                |part: &mut Columns, record| {
                    part.rows += 1;
                    for (k, &c) in read_cols.iter().enumerate() {
                        let cell = cell::trim(record.field(c));
                        let value = cell::parse_number(cell);
                        if value.is_err() && part.first_bad[k].is_none() {
                            let problem = if cell.is_empty() {
                                CellProblem::Missing
                            } else {
                                CellProblem::NotFinite(cell::excerpt(cell))
                            };
                            part.first_bad[k] = Some((part.rows, record.line(), problem));
                        }
                        part.values[k].push(value.unwrap_or(f64::NAN));
                    }
                    Ok::<(), Infallible>(())
                },
            )
            .map_err(|e| match e.problem {
                Problem::Layout(Layout::Ragged { fields, expected }) => Error::CsvRagged {
                    source_name: source.to_string(),
                    row: e.row,
                    line: e.line,
                    fields,
                    expected,
                },
                Problem::Layout(layout) => Error::CsvRecord {
                    source_name: source.to_string(),
                    row: e.row,
                    line: e.line,
                    column: layout.field().and_then(|j| header.get(j)).cloned(),
                    reason: layout.reason(),
                },
                Problem::Visit(never) => match never {},
            })?;
        let n: u64 = parts.iter().map(|p| p.rows).sum();
        if n == 0 {
            return Err(Error::NoRows {
                source_name: source.to_string(),
            });
        }
        // The first bad cell of slot `k` in the file, with its row counted from 1.
        let first_bad = |k: usize| {
            let mut before = 0;
            for part in &parts {
                if let Some((row, line, problem)) = &part.first_bad[k] {
                    return Some((before + row, *line, problem));
                }
                before += part.rows;
            }
            None
        };
        // The slot in `read_cols` of each regressor (without --x, the slot is the column).
        let mut skipped = Vec::new();
        let x_slots: Vec<usize> = match chosen {
            Some(cols) => (1..=cols.len()).collect(),
            None => (0..header.len())
                .filter(|&c| c != y_col)
                .filter(|&c| {
                    // Numeric in the first data row: not bad at row 1.
                    let numeric = !matches!(first_bad(c), Some((1, _, _)));
                    if !numeric {
                        skipped.push(header[c].clone());
                    }
                    numeric
                })
                .collect(),
        };
        let column = |k: usize| -> Result<Vec<f64>> {
            let name = &header[read_cols[k]];
            if let Some((row, line, problem)) = first_bad(k) {
                return Err(Error::BadCell {
                    source_name: source.to_string(),
                    row,
                    line,
                    column: name.clone(),
                    cell: match problem {
                        CellProblem::Missing => None,
                        CellProblem::NotFinite(cell) => Some(cell.clone()),
                    },
                });
            }
            let mut values = Vec::with_capacity(n as usize);
            for part in &parts {
                values.extend_from_slice(&part.values[k]);
            }
            Ok(values)
        };
        let y = column(if x_names.is_some() { 0 } else { y_col })?;
        let x = x_slots
            .iter()
            .map(|&k| Ok((header[read_cols[k]].clone(), column(k)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Table {
            source: source.to_string(),
            y_name: y_name.to_string(),
            y,
            x,
            skipped,
        })
    }

    /// The number of observations (data rows).
    pub fn rows(&self) -> usize {
        self.y.len()
    }
}

/// One chunk's columns (in the order read), the first bad cell of each (row within the chunk,
/// line, problem) and the number of rows.
struct Columns {
    values: Vec<Vec<f64>>,
    first_bad: Vec<Option<(u64, u64, CellProblem)>>,
    rows: u64,
}
