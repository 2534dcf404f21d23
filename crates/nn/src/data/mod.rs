//! Data sets for training: embedded real data, CSV input, splits, standardisation, batching.
//!
//! A [`Dataset`] holds named numeric features (an n×d row-major `Vec<f64>`) and one or more named
//! [`Target`]s, each a task of a [`TaskKind`] (classes, binary, regression). Data comes from the
//! data sets compiled into nabla ([`Dataset::by_name`], see [`embedded`]) or from a CSV file
//! ([`Dataset::from_csv`], see [`csv`]); [`Dataset::load`] takes either, as
//! `nabla train --data` does. A seeded [`Split`] holds out test (and validation) samples, a
//! [`Standardizer`] fitted on the training part rescales every part, and [`Batches`] gives each
//! epoch's seeded mini-batch order; [`prepare`] does all of it in one call, as `nabla train`
//! does. Everything random is a ChaCha8 stream keyed by the seed, so
//! the same seed gives the same splits and batches everywhere.
//!
//! ```
//! use nabla_nn::data::{Batches, Dataset, SplitConfig, Standardizer};
//! let digits = Dataset::by_name("digits").unwrap();
//! let (_, mut parts) = digits.split(&SplitConfig { seed: 0, ..SplitConfig::default() }).unwrap();
//! let scaler = Standardizer::fit(&parts.train).unwrap();
//! scaler.transform(&mut parts.train).unwrap();
//! scaler.transform(&mut parts.test).unwrap();
//! assert_eq!((parts.train.n_samples(), parts.test.n_samples()), (1347, 450));
//! let epoch0 = Batches::shuffled(parts.train.n_samples(), 32, 0, 0).unwrap();
//! assert_eq!(epoch0.len(), 43); // 42 full batches and one of 3
//! ```

pub mod batches;
pub mod cell;
pub mod csv;
pub mod csv_text;
mod dataset;
pub mod embedded;
pub mod prepare;
pub mod shuffle;
pub mod split;
pub mod standardize;
mod target;
mod task;
pub mod trainable;

pub use self::csv::{CsvOptions, TargetSpec};
pub use batches::Batches;
pub use dataset::Dataset;
pub use embedded::Embedded;
pub use split::{Split, SplitConfig, SplitData};
pub use standardize::Standardizer;
pub use target::{Target, TargetValues};
pub use task::{TaskKind, UnknownTaskKind};
