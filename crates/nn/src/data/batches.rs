//! Mini-batch index orders: a seeded shuffle per epoch, fixed-size batches, the last partial
//! batch kept.
//!
//! Epoch e of a run with seed s visits the samples in the order of a Fisher–Yates shuffle of
//! `0..n` on the ChaCha8 stream keyed by `(s, batches, e)` (see [`shuffle`](super::shuffle)), so
//! each epoch's order depends only on the seed and the epoch number, not on how many random
//! numbers anything else drew. The order is cut into `⌈n / batch_size⌉` batches; the last one
//! holds the `n mod batch_size` leftover samples when that is not 0 (PyTorch's `DataLoader`
//! with `drop_last=False`; its shuffle comes from torch's generator, so the orders differ).
//!
//! ```
//! use nabla_nn::data::Batches;
//! let batches = Batches::shuffled(10, 4, 0, 1).unwrap();
//! let sizes: Vec<usize> = batches.iter().map(|b| b.len()).collect();
//! assert_eq!(sizes, vec![4, 4, 2]);
//! assert_eq!(batches.len(), 3);
//! ```

use super::shuffle::{seeded_rng, shuffle, Purpose};
use crate::{Error, Result};

/// The sample order of one epoch, cut into batches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batches {
    order: Vec<usize>,
    batch_size: usize,
}

impl Batches {
    /// The batches of epoch `epoch` for `n_samples` samples, shuffled by `(seed, epoch)`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `batch_size` is 0.
    pub fn shuffled(n_samples: usize, batch_size: usize, seed: u64, epoch: u64) -> Result<Batches> {
        let mut b = Batches::sequential(n_samples, batch_size)?;
        let mut rng = seeded_rng(seed, Purpose::Batches, epoch);
        shuffle(&mut b.order, &mut rng);
        Ok(b)
    }

    /// The batches of `0..n_samples` in order, unshuffled (for evaluation).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `batch_size` is 0.
    pub fn sequential(n_samples: usize, batch_size: usize) -> Result<Batches> {
        if batch_size == 0 {
            return Err(Error::InvalidParameter {
                name: "batch_size",
                value: 0.0,
                reason: "must be at least 1",
            });
        }
        Ok(Batches {
            order: (0..n_samples).collect(),
            batch_size,
        })
    }

    /// The epoch's sample order (every index in `0..n` once).
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// The batch size (every batch but possibly the last has this many samples).
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// The number of batches, `⌈n / batch_size⌉`.
    pub fn len(&self) -> usize {
        self.order.len().div_ceil(self.batch_size)
    }

    /// Whether there are no batches (no samples).
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The batches in order, each a slice of sample indices.
    pub fn iter(&self) -> std::slice::Chunks<'_, usize> {
        self.order.chunks(self.batch_size)
    }
}

impl<'a> IntoIterator for &'a Batches {
    type Item = &'a [usize];
    type IntoIter = std::slice::Chunks<'a, usize>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}
