"""An independent reference for nabla's seeded shuffles (crates/nn/src/data/shuffle.rs).

Implements, from their published definitions and in plain Python:
  * the ChaCha block function with 8 rounds (D. J. Bernstein), 64-bit block counter in words
    12-13 and a 64-bit stream number (0) in words 14-15, as `rand_chacha::ChaCha8Rng` uses it,
    with `next_u64` = two consecutive 32-bit output words, low word first;
  * nabla's key layout: seed || purpose || counter || 0, each a little-endian u64;
  * unbiased `uniform_below` by rejection and the Fisher-Yates shuffle from the back;
  * the split rule: n_test = ceil(test_fraction * n), n_val = ceil(validation_fraction * n),
    the shuffled indices cut test | validation | train.

extract.py calls `cases()` to write the expected permutations into the golden file, so the Rust
tests check nabla's generator against this reference rather than against itself.
"""

import math
import struct

MASK = 0xFFFFFFFF


def _rotl(x, n):
    return ((x << n) | (x >> (32 - n))) & MASK


def _quarter(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & MASK
    s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & MASK
    s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & MASK
    s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & MASK
    s[b] = _rotl(s[b] ^ s[c], 7)


def chacha_block(key_words, counter, stream=0, rounds=8):
    state = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    state += list(key_words)
    state += [counter & MASK, counter >> 32, stream & MASK, stream >> 32]
    s = list(state)
    for _ in range(rounds // 2):
        _quarter(s, 0, 4, 8, 12)
        _quarter(s, 1, 5, 9, 13)
        _quarter(s, 2, 6, 10, 14)
        _quarter(s, 3, 7, 11, 15)
        _quarter(s, 0, 5, 10, 15)
        _quarter(s, 1, 6, 11, 12)
        _quarter(s, 2, 7, 8, 13)
        _quarter(s, 3, 4, 9, 14)
    return [(x + y) & MASK for x, y in zip(s, state)]


class ChaCha8:
    def __init__(self, key_bytes):
        assert len(key_bytes) == 32
        self.key = struct.unpack("<8I", key_bytes)
        self.counter = 0
        self.words = []

    def next_u32(self):
        if not self.words:
            self.words = chacha_block(self.key, self.counter)
            self.counter += 1
        return self.words.pop(0)

    def next_u64(self):
        lo = self.next_u32()
        hi = self.next_u32()
        return lo | (hi << 32)


PURPOSE_SPLIT = 0
PURPOSE_BATCHES = 1


def seeded_rng(seed, purpose, counter):
    return ChaCha8(struct.pack("<4Q", seed, purpose, counter, 0))


def uniform_below(rng, bound):
    threshold = (2**64 - bound) % bound
    while True:
        w = rng.next_u64()
        if w >= threshold:
            return w % bound


def shuffle(items, rng):
    for i in range(len(items) - 1, 0, -1):
        j = uniform_below(rng, i + 1)
        items[i], items[j] = items[j], items[i]
    return items


def split(n, test_fraction, validation_fraction, seed):
    n_test = math.ceil(test_fraction * n)
    n_val = math.ceil(validation_fraction * n)
    order = shuffle(list(range(n)), seeded_rng(seed, PURPOSE_SPLIT, 0))
    return {
        "test": order[:n_test],
        "validation": order[n_test : n_test + n_val],
        "train": order[n_test + n_val :],
    }


def batches(n, batch_size, seed, epoch):
    order = shuffle(list(range(n)), seeded_rng(seed, PURPOSE_BATCHES, epoch))
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


def cases():
    # The published ChaCha8 keystream for the all-zero key starts 3e 00 ef 2f.
    assert ChaCha8(bytes(32)).next_u32() == 0x2FEF003E
    split_cases = []
    for n, t, v, seed in [(10, 0.3, 0.0, 0), (150, 0.2, 0.1, 42), (1797, 0.25, 0.0, 3), (5, 0.4, 0.2, 2**64 - 1)]:
        split_cases.append(
            {"n": n, "test_fraction": t, "validation_fraction": v, "seed": seed, **split(n, t, v, seed)}
        )
    batch_cases = []
    for n, b, seed, epoch in [(10, 4, 0, 0), (10, 4, 0, 1), (100, 32, 7, 29), (3, 5, 1, 0)]:
        batch_cases.append(
            {"n": n, "batch_size": b, "seed": seed, "epoch": epoch, "batches": batches(n, b, seed, epoch)}
        )
    return {"split": split_cases, "batches": batch_cases}


if __name__ == "__main__":
    import json

    print(json.dumps(cases())[:300])
