//! The real data sets compiled into nabla (gzip-compressed CSV, decoded on demand).
//!
//! | name | samples | features | targets |
//! |------|---------|----------|---------|
//! | `digits` | 1797 | 64 (8×8 pixels, 0–16) | `digit`: 10 classes |
//! | `iris` | 150 | 4 | `species`: 3 classes |
//! | `wine` | 178 | 13 | `class`: 3 classes |
//! | `breast_cancer` | 569 | 30 | `diagnosis`: 2 classes (malignant = 0, benign = 1) |
//! | `diabetes` | 442 | 10 (raw units) | `progression`: regression |
//! | `penguins` | 342 of 344 | 3 (bill and flipper, mm) | `species` classes, `sex` binary (9 missing), `body_mass_g` regression |
//! | `digits_multitask` | 1797 | 64 | `digit` 10 classes, `parity` binary, `ge5` binary |
//!
//! The first five are scikit-learn's copies of the UCI data (the diabetes features are
//! scikit-learn's raw version, `load_diabetes(scaled=False)`, not the pre-scaled one, since nabla
//! standardises on the training split itself); class indices and names are scikit-learn's.
//! `penguins` is the `palmerpenguins` package's `penguins.csv`; the two rows without any
//! measurement (file lines 5 and 273) are skipped, and the 9 remaining rows without a recorded
//! sex keep a missing `sex` label. `digits_multitask` adds two auxiliary tasks derived from the
//! digit: `parity` (`even` = 0, `odd` = 1) and `ge5` (`below_5` = 0, `5_or_more` = 1).
//! `crates/nn/data/README.md` gives each file's source and licence.
//!
//! ```
//! use nabla_nn::data::Dataset;
//! let iris = Dataset::by_name("iris").unwrap();
//! assert_eq!((iris.n_samples(), iris.n_features()), (150, 4));
//! assert_eq!(iris.targets()[0].class_names(), &["setosa", "versicolor", "virginica"]);
//! ```

use std::io::Read;
use std::path::Path;

use flate2::read::GzDecoder;

use super::{CsvOptions, Dataset, Target, TargetSpec, TaskKind};
use crate::{Error, Result};

/// The embedded data sets' names, comma-separated, as errors list them.
pub const EMBEDDED_NAMES: &str =
    "digits, iris, wine, breast_cancer, diabetes, penguins, digits_multitask";

/// One of the embedded data sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Embedded {
    /// Handwritten digits, 8×8 images, 10 classes.
    Digits,
    /// Fisher's iris flowers, 3 species.
    Iris,
    /// Wine from three cultivars.
    Wine,
    /// Wisconsin diagnostic breast cancer, malignant or benign.
    BreastCancer,
    /// Diabetes disease progression (regression), raw features.
    Diabetes,
    /// Palmer penguins: species, sex and body mass (multi-task).
    Penguins,
    /// Digits with the auxiliary tasks parity and digit ≥ 5 (multi-task).
    DigitsMultitask,
}

impl Embedded {
    /// Every embedded data set, in the order [`EMBEDDED_NAMES`] lists them.
    pub const ALL: [Embedded; 7] = [
        Embedded::Digits,
        Embedded::Iris,
        Embedded::Wine,
        Embedded::BreastCancer,
        Embedded::Diabetes,
        Embedded::Penguins,
        Embedded::DigitsMultitask,
    ];

    /// The name `--data` takes.
    pub fn name(self) -> &'static str {
        match self {
            Embedded::Digits => "digits",
            Embedded::Iris => "iris",
            Embedded::Wine => "wine",
            Embedded::BreastCancer => "breast_cancer",
            Embedded::Diabetes => "diabetes",
            Embedded::Penguins => "penguins",
            Embedded::DigitsMultitask => "digits_multitask",
        }
    }

    /// The data set with this name, if it is embedded.
    pub fn from_name(name: &str) -> Option<Embedded> {
        Embedded::ALL.into_iter().find(|e| e.name() == name)
    }

    /// The compressed CSV file compiled into the binary.
    fn gz(self) -> &'static [u8] {
        match self {
            Embedded::Digits | Embedded::DigitsMultitask => {
                include_bytes!("../../data/digits.csv.gz")
            }
            Embedded::Iris => include_bytes!("../../data/iris.csv.gz"),
            Embedded::Wine => include_bytes!("../../data/wine.csv.gz"),
            Embedded::BreastCancer => include_bytes!("../../data/breast_cancer.csv.gz"),
            Embedded::Diabetes => include_bytes!("../../data/diabetes.csv.gz"),
            Embedded::Penguins => include_bytes!("../../data/penguins.csv.gz"),
        }
    }

    /// The CSV text of the embedded file (decompressed), as the source file reads.
    ///
    /// # Errors
    /// [`Error::EmbeddedData`] when the compressed bytes do not decode (a corrupted build).
    pub fn csv_text(self) -> Result<String> {
        let mut text = String::new();
        GzDecoder::new(self.gz())
            .read_to_string(&mut text)
            .map_err(|e| Error::EmbeddedData {
                name: self.name(),
                reason: e.to_string(),
            })?;
        Ok(text)
    }

    /// Decodes the data set.
    ///
    /// # Errors
    /// [`Error::EmbeddedData`] when the embedded file does not decode or parse (a corrupted
    /// build; never expected).
    pub fn load(self) -> Result<Dataset> {
        let text = self.csv_text()?;
        let corrupt = |e: Error| Error::EmbeddedData {
            name: self.name(),
            reason: e.to_string(),
        };
        let read = |target: &str, kind: TaskKind| {
            let options = CsvOptions {
                targets: vec![TargetSpec::new(target, Some(kind))],
                ..CsvOptions::default()
            };
            Dataset::from_csv_reader(self.name(), text.as_bytes(), &options).map_err(corrupt)
        };
        let named = |ds: Dataset, classes: &[&str]| rename_classes(self, ds, classes);
        match self {
            Embedded::Digits => {
                let ds = read("digit", TaskKind::Classes)?;
                named(ds, &["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"])
            }
            Embedded::Iris => named(
                read("species", TaskKind::Classes)?,
                &["setosa", "versicolor", "virginica"],
            ),
            Embedded::Wine => named(
                read("class", TaskKind::Classes)?,
                &["class_0", "class_1", "class_2"],
            ),
            Embedded::BreastCancer => named(
                read("diagnosis", TaskKind::Classes)?,
                &["malignant", "benign"],
            ),
            Embedded::Diabetes => read("progression", TaskKind::Regression),
            Embedded::Penguins => {
                let options = CsvOptions {
                    targets: vec![
                        TargetSpec::new("species", Some(TaskKind::Classes)),
                        TargetSpec::new("sex", Some(TaskKind::Binary)),
                        TargetSpec::new("body_mass_g", Some(TaskKind::Regression)),
                    ],
                    ignore: vec!["island".to_string(), "year".to_string()],
                    drop_incomplete_rows: true,
                };
                Dataset::from_csv_reader(self.name(), text.as_bytes(), &options).map_err(corrupt)
            }
            Embedded::DigitsMultitask => {
                let digits = Embedded::Digits.load()?;
                digits_multitask(&digits).map_err(corrupt)
            }
        }
    }
}

/// Gives an embedded class target scikit-learn's class names (the file stores indices).
fn rename_classes(which: Embedded, ds: Dataset, classes: &[&str]) -> Result<Dataset> {
    let corrupt = |reason: String| Error::EmbeddedData {
        name: which.name(),
        reason,
    };
    let [target] = ds.targets() else {
        return Err(corrupt("expected one target".to_string()));
    };
    let expected: Vec<String> = (0..classes.len()).map(|i| i.to_string()).collect();
    if target.class_names() != expected.as_slice() {
        return Err(corrupt(format!(
            "class labels {:?}, expected 0..{}",
            target.class_names(),
            classes.len()
        )));
    }
    let labels = (0..target.len()).map(|i| target.label(i)).collect();
    let names = classes.iter().map(|c| c.to_string()).collect();
    let renamed =
        Target::classes(target.name(), names, labels).map_err(|e| corrupt(e.to_string()))?;
    Dataset::new(
        which.name(),
        ds.feature_names().to_vec(),
        ds.features().to_vec(),
        vec![renamed],
    )
    .map_err(|e| corrupt(e.to_string()))
}

/// Digits with the auxiliary binary tasks `parity` (even/odd) and `ge5` (below 5 / 5 or more).
fn digits_multitask(digits: &Dataset) -> Result<Dataset> {
    let digit = digits.target("digit")?;
    let labels: Vec<Option<usize>> = (0..digit.len()).map(|i| digit.label(i)).collect();
    let parity = labels.iter().map(|l| l.map(|d| d % 2)).collect();
    let ge5 = labels
        .iter()
        .map(|l| l.map(|d| usize::from(d >= 5)))
        .collect();
    Dataset::new(
        Embedded::DigitsMultitask.name(),
        digits.feature_names().to_vec(),
        digits.features().to_vec(),
        vec![
            digit.clone(),
            Target::binary("parity", ["even".to_string(), "odd".to_string()], parity)?,
            Target::binary("ge5", ["below_5".to_string(), "5_or_more".to_string()], ge5)?,
        ],
    )
}

impl Dataset {
    /// An embedded data set by name (see the [module docs](self) for the list).
    ///
    /// # Errors
    /// [`Error::UnknownDataset`] for a name that is not embedded (the error lists the names).
    pub fn by_name(name: &str) -> Result<Dataset> {
        match Embedded::from_name(name) {
            Some(e) => e.load(),
            None => Err(Error::UnknownDataset {
                name: name.to_string(),
                available: EMBEDDED_NAMES,
            }),
        }
    }

    /// What `--data` takes: an embedded data set's name, or else the path of a CSV file read
    /// with `options` (which an embedded data set ignores).
    ///
    /// # Errors
    /// [`Error::UnknownDataset`] when `spec` is neither an embedded name nor an existing file;
    /// otherwise as [`Dataset::from_csv`].
    pub fn load(spec: &str, options: &CsvOptions) -> Result<Dataset> {
        if let Some(e) = Embedded::from_name(spec) {
            return e.load();
        }
        if !Path::new(spec).exists() {
            return Err(Error::UnknownDataset {
                name: spec.to_string(),
                available: EMBEDDED_NAMES,
            });
        }
        Dataset::from_csv(spec, options)
    }
}
