//! Output conventions shared by every command: `--format`, `--quiet`, JSON on stdout, atomic file
//! writes.

use std::io::{self, Write};
use std::path::Path;

use anyhow::Context;
use clap::{Args, ValueEnum};

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
    let mut out = io::stdout().lock();
    serde_json::to_writer(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Writes `text` on stdout.
pub fn print_text(text: &str) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, then a rename, so a failure
/// never leaves a half-written file behind.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file path", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.tmp{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(err) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(err).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
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
