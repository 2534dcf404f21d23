//! Reading the numeric columns of a CSV file for `nabla regress`.
//!
//! The first line is the header. Rows are observations in time order. Locations in error
//! messages count data rows from 1 and also give the file line (the header is line 1).

use std::convert::Infallible;
use std::path::Path;

use anyhow::{bail, Context};
use nabla_nn::data::cell;
use nabla_nn::data::csv_text::{CsvText, Layout, Problem};

/// The columns a regression needs, parsed as numbers.
pub struct Table {
    /// The response.
    pub y: Vec<f64>,
    /// Regressor names and values, in the order asked for.
    pub x: Vec<(String, Vec<f64>)>,
    /// Columns left out because their first data row is not a number (only when `--x` is
    /// omitted).
    pub skipped: Vec<String>,
}

/// Why a cell of a used column cannot be a number of the regression.
#[derive(Clone)]
enum CellProblem {
    Missing,
    NotFinite(String),
}

/// Reads `path`, keeping `y_name` and the regressors `x_names` (or, when `None`, every column
/// whose first data row holds a number, except `y_name`).
///
/// # Errors
/// An unreadable file, a bad header (no names, a name twice), a ragged row or a quote problem
/// (naming its row and line), an unknown column (listing the available ones), or a missing or
/// non-numeric cell in a used column (naming its row and column).
pub fn read(path: &Path, y_name: &str, x_names: Option<&[String]>) -> anyhow::Result<Table> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).with_context(|| format!("{file}: cannot read"))?;
    let text = CsvText::new(&file, &bytes)?;
    let header = text.header();
    let find = |flag: &str, name: &str| -> anyhow::Result<usize> {
        let name = name.trim();
        header.iter().position(|h| h == name).with_context(|| {
            format!(
                "{flag} '{name}': no such column in {file} (columns: {})",
                header.join(", ")
            )
        })
    };
    let y_col = find("--y", y_name)?;
    let chosen: Option<Vec<usize>> = match x_names {
        Some(names) => {
            let mut cols = Vec::with_capacity(names.len());
            for name in names {
                let c = find("--x", name)?;
                if c == y_col {
                    bail!("--x '{name}': the response cannot also be a regressor");
                }
                if cols.contains(&c) {
                    bail!("--x '{name}': column given twice");
                }
                cols.push(c);
            }
            Some(cols)
        }
        None => None,
    };
    // The columns read: y and the regressors given, or every column (the regressors are then
    // those whose first data row is a number).
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
            Problem::Layout(Layout::Ragged { fields, expected }) => anyhow::anyhow!(
                "{file}: row {} (line {}) has {fields} fields, the header has {expected}",
                e.row,
                e.line
            ),
            Problem::Layout(layout) => anyhow::anyhow!(
                "{file}: row {} (line {}){}: {}",
                e.row,
                e.line,
                layout
                    .field()
                    .and_then(|j| header.get(j))
                    .map_or(String::new(), |h| format!(", column '{h}'")),
                layout.reason()
            ),
            Problem::Visit(never) => match never {},
        })?;
    let n: u64 = parts.iter().map(|p| p.rows).sum();
    if n == 0 {
        bail!("{file}: no data rows after the header");
    }
    // The slot of column `c` in `read_cols` (without --x, the slot is the column).
    let at = |c: usize| read_cols.iter().position(|&r| r == c);
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
    let mut skipped = Vec::new();
    let x_cols: Vec<usize> = match chosen {
        Some(cols) => cols,
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
    let column = |c: usize| -> anyhow::Result<Vec<f64>> {
        let Some(k) = at(c) else {
            bail!("{file}: column '{}' was not read", header[c]);
        };
        if let Some((row, line, problem)) = first_bad(k) {
            let at = format!("{file}: row {row} (line {line}), column '{}'", header[c]);
            match problem {
                CellProblem::Missing => bail!("{at}: missing value"),
                CellProblem::NotFinite(cell) => bail!("{at}: '{cell}' is not a finite number"),
            }
        }
        let mut values = Vec::with_capacity(n as usize);
        for part in &parts {
            values.extend_from_slice(&part.values[k]);
        }
        Ok(values)
    };
    let y = column(y_col)?;
    let x = x_cols
        .iter()
        .map(|&c| Ok((header[c].clone(), column(c)?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Table { y, x, skipped })
}

/// One chunk's columns (in the order read), the first bad cell of each (row within the chunk,
/// line, problem) and the number of rows.
struct Columns {
    values: Vec<Vec<f64>>,
    first_bad: Vec<Option<(u64, u64, CellProblem)>>,
    rows: u64,
}
