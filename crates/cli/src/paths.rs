//! The files one run reads and writes, checked together before any work.
//!
//! A command lists its input files and its output files (each with the flag that named it) in a
//! [`RunPaths`] and calls [`RunPaths::check`] before it reads or computes anything. The check
//! refuses, with one line naming the flag:
//!
//! - an input that does not exist, is a directory, or cannot be read (a symbolic-link loop);
//! - an output that is a directory, a symbolic link to nothing, or lies in a folder that does not
//!   exist or cannot be written to (a file is created there and removed, so a long run never
//!   fails at its end for want of a place to save);
//! - an output that is the same file as an input of the run — by path, through symbolic links or
//!   as a hard link (compared by device and inode) — unless the command allows that pair
//!   ([`RunPaths::may_replace`]: `--checkpoint` naming the `--resume` file continues a run);
//! - two outputs that name the same file (a new file is compared by its canonical folder and
//!   name).
//!
//! ```text
//! RunPaths::new()
//!     .input("--data", Some(Path::new("train.csv")))
//!     .output("--save", args.save.as_deref())
//!     .output("--plot", args.plot.as_deref())
//!     .check()?;
//! ```

use std::ffi::OsString;
use std::fs::Metadata;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::bail;

use crate::temp_files::TempFile;

/// A file named by a flag.
#[derive(Clone, Debug)]
struct Named {
    flag: &'static str,
    path: PathBuf,
}

/// The inputs and outputs of one run; see the [module docs](self).
#[derive(Clone, Debug, Default)]
pub struct RunPaths {
    inputs: Vec<Named>,
    outputs: Vec<Named>,
    allowed: Vec<(&'static str, &'static str)>,
}

/// What makes two paths the same file.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Identity {
    /// An existing file: its device and inode (elsewhere than Unix: its canonical path).
    Existing(FileId),
    /// A file yet to be created: its folder's canonical path and its name.
    New(PathBuf, OsString),
}

#[cfg(unix)]
type FileId = (u64, u64);
#[cfg(not(unix))]
type FileId = PathBuf;

#[cfg(unix)]
fn file_id(_path: &Path, meta: &Metadata) -> io::Result<FileId> {
    use std::os::unix::fs::MetadataExt;
    Ok((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_id(path: &Path, _meta: &Metadata) -> io::Result<FileId> {
    path.canonicalize()
}

impl RunPaths {
    /// No files yet.
    pub fn new() -> RunPaths {
        RunPaths::default()
    }

    /// Adds an input file named by `flag` (nothing when `path` is `None`).
    pub fn input(mut self, flag: &'static str, path: Option<&Path>) -> RunPaths {
        if let Some(path) = path {
            self.inputs.push(Named {
                flag,
                path: path.to_path_buf(),
            });
        }
        self
    }

    /// Adds an output file named by `flag` (nothing when `path` is `None`).
    pub fn output(mut self, flag: &'static str, path: Option<&Path>) -> RunPaths {
        if let Some(path) = path {
            self.outputs.push(Named {
                flag,
                path: path.to_path_buf(),
            });
        }
        self
    }

    /// Lets the output of `output_flag` be the same file as the input of `input_flag`.
    #[cfg_attr(
        not(test),
        allow(dead_code, reason = "for train --checkpoint naming the --resume file")
    )]
    pub fn may_replace(mut self, output_flag: &'static str, input_flag: &'static str) -> RunPaths {
        self.allowed.push((output_flag, input_flag));
        self
    }

    /// Checks every file; see the [module docs](self).
    ///
    /// # Errors
    /// One line naming the flag (and the other flag of a clash) for the first fault found.
    pub fn check(&self) -> anyhow::Result<()> {
        let inputs = self
            .inputs
            .iter()
            .map(|named| Ok((named, input_identity(named)?)))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut outputs: Vec<(&Named, Identity)> = Vec::new();
        for named in &self.outputs {
            let identity = output_identity(named)?;
            for (input, input_identity) in &inputs {
                if identity == *input_identity && !self.allowed.contains(&(named.flag, input.flag))
                {
                    bail!(
                        "{} {}: this is the file {} {} reads; nabla never overwrites an input of \
                         the same run (name another file)",
                        named.flag,
                        named.path.display(),
                        input.flag,
                        input.path.display()
                    );
                }
            }
            for (earlier, earlier_identity) in &outputs {
                if identity == *earlier_identity {
                    bail!(
                        "{} {} and {} {} are the same file: each output needs its own",
                        earlier.flag,
                        earlier.path.display(),
                        named.flag,
                        named.path.display()
                    );
                }
            }
            outputs.push((named, identity));
        }
        Ok(())
    }
}

fn input_identity(named: &Named) -> anyhow::Result<Identity> {
    let Named { flag, path } = named;
    let shown = path.display();
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(path).is_ok() {
                bail!("{flag}: {shown} is a symbolic link to a file that does not exist");
            }
            bail!("{flag}: no file named {shown}");
        }
        Err(e) => bail!("{flag}: cannot read {shown}: {}", describe(&e)),
    };
    if meta.is_dir() {
        bail!("{flag}: {shown} is a directory, not a file");
    }
    let id = file_id(path, &meta).map_err(|e| anyhow::anyhow!("{flag}: {shown}: {e}"))?;
    Ok(Identity::Existing(id))
}

fn output_identity(named: &Named) -> anyhow::Result<Identity> {
    let Named { flag, path } = named;
    let shown = path.display();
    let Some(name) = path.file_name() else {
        bail!("{flag}: {shown} names no file");
    };
    let identity = match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            bail!("{flag}: {shown} is a directory; give the file to write inside it")
        }
        Ok(meta) => Identity::Existing(
            file_id(path, &meta).map_err(|e| anyhow::anyhow!("{flag}: {shown}: {e}"))?,
        ),
        Err(e) if std::fs::symlink_metadata(path).is_ok() => {
            bail!(
                "{flag}: {shown} is a symbolic link that leads to no file ({}): remove it or \
                 name another file",
                describe(&e)
            )
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let folder = folder_of(path);
            let canonical = folder.canonicalize().map_err(|e| {
                anyhow::anyhow!(
                    "{flag}: cannot write {shown}: the folder {} {}",
                    folder.display(),
                    if e.kind() == io::ErrorKind::NotFound {
                        "does not exist".to_string()
                    } else {
                        format!("cannot be used ({})", describe(&e))
                    }
                )
            })?;
            if !canonical.is_dir() {
                bail!(
                    "{flag}: cannot write {shown}: {} is not a folder",
                    folder.display()
                );
            }
            Identity::New(canonical, name.to_os_string())
        }
        Err(e) => bail!("{flag}: cannot write {shown}: {}", describe(&e)),
    };
    // The write goes to a temporary file beside the destination: try that now.
    TempFile::beside(path).map_err(|e| {
        anyhow::anyhow!(
            "{flag}: cannot write {shown}: the folder {} does not accept new files ({})",
            folder_of(path).display(),
            describe(&e)
        )
    })?;
    Ok(identity)
}

/// The folder a path's file lives in (`.` for a bare name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// An I/O error in words, without Rust's "(os error N)" suffix.
fn describe(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder for one test.
    fn scratch(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("nabla-paths-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn error(paths: &RunPaths) -> String {
        format!("{:#}", paths.check().unwrap_err())
    }

    #[test]
    fn distinct_inputs_and_outputs_pass() {
        let dir = scratch("distinct");
        std::fs::write(dir.join("in.csv"), "x\n1\n").unwrap();
        RunPaths::new()
            .input("--data", Some(&dir.join("in.csv")))
            .output("--save", Some(&dir.join("model")))
            .output("--plot", Some(&dir.join("plot.png")))
            .output("--log", None)
            .check()
            .unwrap();
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            1,
            "the probe left a file"
        );
    }

    #[test]
    fn an_output_that_is_an_input_is_refused_by_path_link_and_hard_link() {
        let dir = scratch("clobber");
        let input = dir.join("in.csv");
        std::fs::write(&input, "x\n1\n").unwrap();
        let dotted = dir.join(".").join("in.csv");
        let hard = dir.join("hard.csv");
        std::fs::hard_link(&input, &hard).unwrap();
        let mut candidates = vec![input.clone(), dotted, hard];
        #[cfg(unix)]
        {
            let link = dir.join("link.csv");
            std::os::unix::fs::symlink(&input, &link).unwrap();
            candidates.push(link);
        }
        for output in candidates {
            let paths = RunPaths::new()
                .input("--data", Some(&input))
                .output("--save", Some(&output));
            let message = error(&paths);
            assert!(
                message.starts_with("--save ") && message.contains("--data"),
                "{output:?}: {message}"
            );
        }
        assert_eq!(std::fs::read(&input).unwrap(), b"x\n1\n");
    }

    #[test]
    fn two_outputs_naming_one_file_are_refused_whether_or_not_it_exists() {
        let dir = scratch("outputs");
        let new = dir.join("out");
        let paths = RunPaths::new()
            .output("--save", Some(&new))
            .output("--plot", Some(&dir.join(".").join("out")));
        assert!(error(&paths).contains("--save") && error(&paths).contains("--plot"));
        std::fs::write(&new, "old").unwrap();
        assert!(error(&paths).contains("same file"));
    }

    #[test]
    fn an_allowed_pair_may_name_one_file() {
        let dir = scratch("resume");
        let file = dir.join("run.ckpt");
        std::fs::write(&file, "state").unwrap();
        let paths = RunPaths::new()
            .input("--resume", Some(&file))
            .output("--checkpoint", Some(&file));
        assert!(error(&paths).contains("--checkpoint"));
        paths
            .may_replace("--checkpoint", "--resume")
            .check()
            .unwrap();
    }

    #[test]
    fn directories_missing_folders_and_missing_inputs_are_named() {
        let dir = scratch("kinds");
        let out = RunPaths::new().output("--output", Some(&dir));
        assert!(error(&out).contains("--output") && error(&out).contains("is a directory"));
        let nowhere = RunPaths::new().output("--save", Some(&dir.join("no/such/model")));
        assert!(
            error(&nowhere).contains("does not exist"),
            "{}",
            error(&nowhere)
        );
        let missing = RunPaths::new().input("--model", Some(&dir.join("absent")));
        assert!(error(&missing).starts_with("--model: no file named"));
        let folder = RunPaths::new().input("--data", Some(&dir));
        assert!(error(&folder).contains("is a directory, not a file"));
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_link_loops_and_dangling_links_are_described() {
        let dir = scratch("loops");
        let a = dir.join("a");
        let b = dir.join("b");
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        let input = RunPaths::new().input("--data", Some(&a));
        assert!(
            error(&input).contains("symbolic links") && error(&input).starts_with("--data"),
            "{}",
            error(&input)
        );
        let output = RunPaths::new().output("--save", Some(&a));
        assert!(
            error(&output).contains("symbolic link"),
            "{}",
            error(&output)
        );
        let dangling = dir.join("dangling");
        std::os::unix::fs::symlink(dir.join("gone"), &dangling).unwrap();
        let input = RunPaths::new().input("--model", Some(&dangling));
        assert!(
            error(&input).contains("does not exist"),
            "{}",
            error(&input)
        );
    }
}
