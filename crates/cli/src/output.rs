//! Output conventions shared by every command: `--format`, `--quiet`, JSON on stdout, atomic file
//! writes.

use std::io::{self, Write};
use std::path::Path;

use anyhow::Context;
use clap::{Args, ValueEnum};

use crate::temp_files::TempFile;

/// How a command prints its result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Human-readable tables.
    #[default]
    Text,
    /// One JSON object on stdout.
    Json,
    /// Markdown (commands that support it).
    Markdown,
}

/// The flags every command takes.
#[derive(Args, Clone, Debug)]
pub struct CommonArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// No progress and no warnings on stderr (errors still print).
    #[arg(long)]
    pub quiet: bool,
}

impl CommonArgs {
    /// Prints a warning on stderr unless `--quiet`.
    pub fn warn(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("warning: {message}");
        }
    }
}

/// Writes `value` as one JSON object (and a newline) on stdout.
pub fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    let mut text = serde_json::to_string(value)?;
    text.push('\n');
    print_text(&text)
}

/// Writes `text` on stdout.
///
/// # Errors
/// "cannot write to stdout" with the I/O error (a closed pipe among them: see
/// [`is_broken_pipe`]).
pub fn print_text(text: &str) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("cannot write to stdout")
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, then a rename, so a failure
/// never leaves a half-written file behind, and an interrupted run leaves no temporary file
/// ([`crate::temp_files`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let result = TempFile::beside(path).and_then(|(temp, mut file)| {
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        temp.persist()
    });
    result.with_context(|| format!("cannot write {}", path.display()))
}

/// True when the error chain ends in a closed stdout (`nabla ... | head`).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Parses a comma-separated list of numbers given to `flag` (values may start with `-`).
pub fn parse_number_list(flag: &str, text: &str) -> anyhow::Result<Vec<f64>> {
    text.split(',')
        .map(|item| {
            let item = item.trim();
            item.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .with_context(|| format!("{flag}: '{item}' is not a finite number"))
        })
        .collect()
}
