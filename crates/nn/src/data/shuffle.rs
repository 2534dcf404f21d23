//! Seeded random streams and the Fisher–Yates shuffle that splits and batches use.
//!
//! Every random choice of the data layer comes from a `ChaCha8Rng` whose 32-byte key is written
//! out explicitly, so the same seed gives the same order on every machine and with every version
//! of the `rand` crates (no `seed_from_u64` expansion is involved):
//!
//! ```text
//! key = seed (u64, little-endian) ‖ purpose (u64, LE) ‖ counter (u64, LE) ‖ 0 (u64)
//! purpose: 0 = train/validation/test split, 1 = mini-batch order (counter = epoch)
//! ```
//!
//! Integers below a bound are drawn without bias by rejection from 64-bit words:
//!
//! ```text
//! uniform_below(b): t = (2⁶⁴ − b) mod b; draw w = next_u64() until w ≥ t; return w mod b
//! ```
//!
//! and a slice is shuffled by Fisher–Yates from the back:
//!
//! ```text
//! for i = n−1 down to 1: j = uniform_below(i + 1); swap(a[i], a[j])
//! ```

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What a random stream is used for; part of its key so that streams never coincide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// The train/validation/test split.
    Split = 0,
    /// The order of mini-batches (the counter is the epoch).
    Batches = 1,
}

/// The ChaCha8 stream for `(seed, purpose, counter)`, keyed as the module docs say.
pub(crate) fn seeded_rng(seed: u64, purpose: Purpose, counter: u64) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&(purpose as u64).to_le_bytes());
    key[16..24].copy_from_slice(&counter.to_le_bytes());
    ChaCha8Rng::from_seed(key)
}

/// A uniformly distributed integer in `0..bound` (`bound ≥ 1`), unbiased by rejection.
///
/// # Panics
/// When `bound` is 0.
#[track_caller]
pub(crate) fn uniform_below(rng: &mut impl RngCore, bound: u64) -> u64 {
    assert!(bound > 0, "uniform_below needs a positive bound");
    let threshold = bound.wrapping_neg() % bound;
    loop {
        let w = rng.next_u64();
        if w >= threshold {
            return w % bound;
        }
    }
}

/// Shuffles `items` in place by Fisher–Yates (from the back).
pub(crate) fn shuffle<T>(items: &mut [T], rng: &mut impl RngCore) {
    for i in (1..items.len()).rev() {
        let j = uniform_below(rng, i as u64 + 1) as usize;
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_by_seed_purpose_and_counter() {
        let first = |seed, purpose, counter| seeded_rng(seed, purpose, counter).next_u64();
        let a = first(0, Purpose::Split, 0);
        assert_eq!(a, first(0, Purpose::Split, 0));
        assert_ne!(a, first(1, Purpose::Split, 0));
        assert_ne!(a, first(0, Purpose::Batches, 0));
        assert_ne!(first(0, Purpose::Batches, 0), first(0, Purpose::Batches, 1));
    }

    #[test]
    fn key_layout_is_as_documented() {
        let mut key = [0u8; 32];
        key[0] = 7;
        key[8] = 1;
        key[16] = 3;
        let mut expected = ChaCha8Rng::from_seed(key);
        assert_eq!(
            seeded_rng(7, Purpose::Batches, 3).next_u64(),
            expected.next_u64()
        );
    }

    /// ChaCha8 with the all-zero key and nonce: the first keystream words are the published
    /// ChaCha8 test vector (keystream bytes 3e 00 ef 2f 89 5f 40 d6 7f 5b b8 e8 1f 09 a5 a1),
    /// a property of the cipher rather than of a crate version.
    #[test]
    fn chacha8_zero_key_output_is_pinned() {
        let mut rng = ChaCha8Rng::from_seed([0u8; 32]);
        let words: Vec<u32> = (0..4).map(|_| rng.next_u32()).collect();
        assert_eq!(words, PINNED_ZERO_KEY_WORDS);
    }

    const PINNED_ZERO_KEY_WORDS: [u32; 4] = [0x2fef_003e, 0xd640_5f89, 0xe8b8_5b7f, 0xa1a5_091f];

    #[test]
    fn uniform_below_is_in_range_and_unbiased() {
        let mut rng = seeded_rng(42, Purpose::Split, 0);
        let mut counts = [0usize; 6];
        let draws = 600_000;
        for _ in 0..draws {
            counts[uniform_below(&mut rng, 6) as usize] += 1;
        }
        // Each count is Binomial(600000, 1/6): sd ≈ 289; allow 5 sd.
        for c in counts {
            assert!((c as f64 - 100_000.0).abs() < 1_445.0, "{counts:?}");
        }
        assert_eq!(uniform_below(&mut rng, 1), 0);
    }

    #[test]
    fn shuffle_is_a_permutation_with_uniform_positions() {
        let mut rng = seeded_rng(5, Purpose::Split, 0);
        let mut first = [0usize; 4];
        for _ in 0..40_000 {
            let mut v = [0, 1, 2, 3];
            shuffle(&mut v, &mut rng);
            let mut sorted = v;
            sorted.sort_unstable();
            assert_eq!(sorted, [0, 1, 2, 3]);
            first[v[0]] += 1;
        }
        // Binomial(40000, 1/4): sd ≈ 87; allow 5 sd.
        for c in first {
            assert!((c as f64 - 10_000.0).abs() < 435.0, "{first:?}");
        }
    }
}
