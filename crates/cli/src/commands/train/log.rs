//! `nabla train --log FILE`: one record per epoch, written and flushed as the epoch ends, so a
//! run that crashes or is stopped keeps the log of every epoch it finished.
//!
//! A record is the epoch's entry of the JSON `history`, the same object. `FILE.jsonl` (or any
//! other name) holds one JSON object per line; `FILE.csv` a header row and one row per epoch,
//! the object flattened to dotted column names (`train.loss`, `validation.accuracy`,
//! `train.species.loss` for a multi-task run), an empty cell for a null. A resumed run appends.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// An open run log.
pub struct RunLog {
    path: PathBuf,
    file: File,
    csv: bool,
    /// The CSV columns, fixed by the first record written (or found in the file appended to).
    columns: Option<Vec<String>>,
    /// The first write error; later records are dropped once one has failed.
    error: Option<std::io::Error>,
}

impl RunLog {
    /// Creates (or, with `append`, continues) the log at `path`.
    ///
    /// # Errors
    /// The file cannot be opened; the message names `--log`.
    pub fn open(path: &Path, append: bool) -> anyhow::Result<RunLog> {
        let csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let columns = if append && csv {
            std::fs::read_to_string(path)
                .ok()
                .and_then(|text| text.lines().next().map(split_header))
        } else {
            None
        };
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .append(append)
            .truncate(!append)
            .open(path)
            .map_err(|e| anyhow::anyhow!("--log {}: {e}", path.display()))?;
        Ok(RunLog {
            path: path.to_path_buf(),
            file,
            csv,
            columns,
            error: None,
        })
    }

    /// Writes one epoch's record and flushes it to the file.
    pub fn record(&mut self, record: &Value) {
        if self.error.is_some() {
            return;
        }
        let mut text = String::new();
        if self.csv {
            let mut cells = Vec::new();
            flatten("", record, &mut cells);
            let columns = self.columns.get_or_insert_with(|| {
                let names: Vec<String> = cells.iter().map(|(k, _)| k.clone()).collect();
                text.push_str(&csv_row(names.iter().map(String::as_str)));
                names
            });
            let row = columns.iter().map(|c| {
                cells
                    .iter()
                    .find(|(k, _)| k == c)
                    .map_or("", |(_, v)| v.as_str())
            });
            text.push_str(&csv_row(row));
        } else {
            text = format!("{record}\n");
        }
        if let Err(e) = self
            .file
            .write_all(text.as_bytes())
            .and_then(|()| self.file.flush())
        {
            self.error = Some(e);
        }
    }

    /// Reports the first write error, naming `--log`.
    ///
    /// # Errors
    /// A record could not be written.
    pub fn finish(self) -> anyhow::Result<()> {
        match self.error {
            Some(e) => Err(anyhow::anyhow!("--log {}: {e}", self.path.display())),
            None => Ok(()),
        }
    }
}

/// `(dotted key, cell)` for every leaf of `value`, in the object's order.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        Value::Null => out.push((prefix.to_string(), String::new())),
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// One CSV line, quoting cells that need it (RFC 4180).
fn csv_row<'a>(cells: impl Iterator<Item = &'a str>) -> String {
    let cells: Vec<String> = cells
        .map(|c| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.to_string()
            }
        })
        .collect();
    format!("{}\n", cells.join(","))
}

/// The column names of a CSV header row, unquoted (RFC 4180).
fn split_header(line: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                current.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => names.push(std::mem::take(&mut current)),
            (c, _) => current.push(c),
        }
    }
    names.push(current);
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flatten_names_nested_leaves_with_dots() {
        let mut cells = Vec::new();
        flatten(
            "",
            &json!({"epoch": 1, "train": {"loss": 0.5, "mse": null}, "validation": null}),
            &mut cells,
        );
        let keys: Vec<&str> = cells.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["epoch", "train.loss", "train.mse", "validation"]);
        assert_eq!(cells[1].1, "0.5");
        assert_eq!(cells[2].1, "");
    }

    #[test]
    fn a_header_with_quoted_names_reads_back() {
        let row = csv_row(["epoch", "train.a,b.loss", "x\"y"].into_iter());
        assert_eq!(
            split_header(row.trim_end()),
            ["epoch", "train.a,b.loss", "x\"y"]
        );
    }
}
