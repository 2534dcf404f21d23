//! The CSV reader on arbitrary bytes: `Dataset::from_csv_reader` returns a data set or an error,
//! never panics, and a data set it returns is consistent (every feature finite, one label slot
//! per row, class labels inside their class list) and passes or fails the check before training
//! with a message naming its column.
//!
//! The first byte chooses the options: bits 0–1 how many targets (`y`, then `z`), bits 2–3 the
//! declared kind of `y` (inferred, classes, binary, regression), bit 6 ignores a column `id`, bit
//! 7 drops incomplete rows. The rest is the file.

use nabla_nn::data::{CsvOptions, Dataset, TargetSpec, TaskKind};

/// Runs one input.
pub fn run(data: &[u8]) {
    let Some((&mode, text)) = data.split_first() else {
        return;
    };
    let kind = [
        None,
        Some(TaskKind::Classes),
        Some(TaskKind::Binary),
        Some(TaskKind::Regression),
    ][usize::from((mode >> 2) & 3)];
    let targets = match mode & 3 {
        0 => vec![],
        1 => vec![TargetSpec::new("y", kind)],
        _ => vec![TargetSpec::new("y", kind), TargetSpec::new("z", None)],
    };
    let options = CsvOptions {
        targets,
        ignore: if mode & 0x40 != 0 {
            vec!["id".to_string()]
        } else {
            vec![]
        },
        drop_incomplete_rows: mode & 0x80 != 0,
    };
    let Ok(ds) = Dataset::from_csv_reader("fuzz.csv", text, &options) else {
        return;
    };
    // The check before training names what it refuses and never panics.
    if let Err(e) = nabla_nn::data::trainable::check(&ds) {
        assert!(e.to_string().starts_with("fuzz.csv: column "), "{e}");
    }
    assert_eq!(ds.features().len(), ds.n_samples() * ds.n_features());
    assert!(ds.features().iter().all(|v| v.is_finite()));
    for target in ds.targets() {
        assert_eq!(target.len(), ds.n_samples());
        for i in 0..target.len() {
            match target.kind() {
                TaskKind::Regression => {
                    assert!(target.value(i).is_none_or(f64::is_finite));
                }
                TaskKind::Classes | TaskKind::Binary => {
                    assert!(target.label(i).is_none_or(|c| c < target.n_classes()));
                }
            }
        }
    }
}
