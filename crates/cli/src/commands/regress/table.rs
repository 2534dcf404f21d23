//! Reading the numeric columns of a CSV file for `nabla regress`.
//!
//! The first line is the header. Rows are observations in time order. Locations in error
//! messages count data rows from 1 and also give the file line (the header is line 1).

use std::path::Path;

use anyhow::{bail, Context};

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

/// Reads `path`, keeping `y_name` and the regressors `x_names` (or, when `None`, every column
/// whose first data row holds a number, except `y_name`).
///
/// # Errors
/// An unreadable file, a ragged row, an unknown column (listing the available ones), or a
/// missing or non-numeric cell in a used column (naming its row and column).
pub fn read(path: &Path, y_name: &str, x_names: Option<&[String]>) -> anyhow::Result<Table> {
    let file = path.display();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("{file}: cannot read"))?;
    let header: Vec<String> = reader
        .headers()
        .with_context(|| format!("{file}: cannot read the header line"))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut records = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => anyhow::anyhow!(
                "{file}: row {} (line {}) has {len} fields, the header has {expected_len}",
                i + 1,
                i + 2
            ),
            _ => anyhow::anyhow!("{file}: row {} (line {}): {e}", i + 1, i + 2),
        })?;
        records.push(record);
    }
    if records.is_empty() {
        bail!("{file}: no data rows after the header");
    }
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
    let mut skipped = Vec::new();
    let x_cols: Vec<usize> = match x_names {
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
            cols
        }
        None => (0..header.len())
            .filter(|&c| c != y_col)
            .filter(|&c| {
                let numeric = parse_number(records[0].get(c).unwrap_or("")).is_some();
                if !numeric {
                    skipped.push(header[c].clone());
                }
                numeric
            })
            .collect(),
    };
    let column = |c: usize| -> anyhow::Result<Vec<f64>> {
        records
            .iter()
            .enumerate()
            .map(|(i, record)| {
                let cell = record.get(c).unwrap_or("");
                let at = format!(
                    "{file}: row {} (line {}), column '{}'",
                    i + 1,
                    i + 2,
                    header[c]
                );
                if cell.is_empty() {
                    bail!("{at}: missing value");
                }
                parse_number(cell).with_context(|| format!("{at}: '{cell}' is not a finite number"))
            })
            .collect()
    };
    let y = column(y_col)?;
    let x = x_cols
        .iter()
        .map(|&c| Ok((header[c].clone(), column(c)?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Table { y, x, skipped })
}

/// A finite number, or `None`.
fn parse_number(cell: &str) -> Option<f64> {
    cell.parse::<f64>().ok().filter(|v| v.is_finite())
}
