//! The temporary files of atomic writes, and their removal when nabla is interrupted.
//!
//! Every file nabla writes goes first to a temporary file beside its destination, which is then
//! renamed over it ([`crate::output::write_atomic`]). Each temporary file is registered here from
//! the moment it is created until it is renamed or removed, and [`remove_on_interrupt`] installs
//! a handler for SIGINT and SIGTERM (Ctrl-C on Windows) that removes every registered file and
//! exits with status 130. Creation and renaming happen while the registry is locked, and the
//! handler holds the lock until the process ends, so no file can appear after the handler has
//! looked or disappear between its check and its removal.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The exit status of an interrupted run (128 + SIGINT, the shells' convention).
pub const INTERRUPTED_EXIT_STATUS: i32 = 130;

/// Paths of the temporary files that exist now.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Installs the interrupt handler. Call once, first thing in `main`; when it cannot be installed
/// (another handler is present) nabla runs without it.
pub fn remove_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        let live = live();
        for path in live.iter() {
            let _ = std::fs::remove_file(path);
        }
        eprintln!("nabla: interrupted");
        std::process::exit(INTERRUPTED_EXIT_STATUS);
    });
}

/// A registered temporary file beside a destination. Dropping it without [`TempFile::persist`]
/// removes it.
#[derive(Debug)]
pub struct TempFile {
    path: PathBuf,
    destination: PathBuf,
}

impl TempFile {
    /// Creates `.NAME.tmpPID` (a fresh one: `.NAME.tmpPID.1`, … if that exists) in the folder of
    /// `destination` and opens it for writing.
    ///
    /// # Errors
    /// The I/O error of creating it; `InvalidInput` when `destination` names no file.
    pub fn beside(destination: &Path) -> io::Result<(TempFile, File)> {
        let name = destination
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
        let dir = match destination.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let stem = format!(".{}.tmp{}", name.to_string_lossy(), std::process::id());
        let mut registry = live();
        for attempt in 0u32.. {
            let path = if attempt == 0 {
                dir.join(&stem)
            } else {
                dir.join(format!("{stem}.{attempt}"))
            };
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => {
                    registry.push(path.clone());
                    let temp = TempFile {
                        path,
                        destination: destination.to_path_buf(),
                    };
                    return Ok((temp, file));
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => {}
                Err(e) => return Err(e),
            }
        }
        unreachable!("the loop returns within 101 attempts")
    }

    /// The temporary file's path.
    #[cfg(test)]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the temporary file over its destination.
    ///
    /// # Errors
    /// The I/O error of the rename (the temporary file is then removed).
    pub fn persist(self) -> io::Result<()> {
        let mut registry = live();
        let result = std::fs::rename(&self.path, &self.destination);
        if result.is_ok() {
            registry.retain(|p| p != &self.path);
        }
        drop(registry);
        // On success there is nothing left for Drop to remove.
        result
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let mut registry = live();
        if let Some(i) = registry.iter().position(|p| p == &self.path) {
            let _ = std::fs::remove_file(&self.path);
            registry.swap_remove(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("nabla-temp-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    #[test]
    fn a_persisted_file_replaces_its_destination_and_leaves_no_temporary() {
        use std::io::Write;
        let dest = scratch("persisted.txt");
        let (temp, mut file) = TempFile::beside(&dest).unwrap();
        let tmp_path = temp.path().to_path_buf();
        assert!(live().contains(&tmp_path));
        file.write_all(b"done").unwrap();
        drop(file);
        temp.persist().unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"done");
        assert!(!tmp_path.exists());
        assert!(!live().contains(&tmp_path));
    }

    #[test]
    fn a_dropped_file_is_removed_and_unregistered() {
        let dest = scratch("dropped.txt");
        let (temp, _file) = TempFile::beside(&dest).unwrap();
        let tmp_path = temp.path().to_path_buf();
        assert!(tmp_path.exists());
        drop(temp);
        assert!(!tmp_path.exists());
        assert!(!live().contains(&tmp_path));
        assert!(!dest.exists());
    }

    #[test]
    fn two_temporaries_for_one_destination_get_distinct_names() {
        let dest = scratch("twice.txt");
        let (a, _fa) = TempFile::beside(&dest).unwrap();
        let (b, _fb) = TempFile::beside(&dest).unwrap();
        assert_ne!(a.path(), b.path());
    }
}
