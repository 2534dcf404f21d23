//! Where nabla's kernels use threads: rayon's pool on native targets, one thread in the browser
//! (`wasm32`), whose WebAssembly has no threads without special headers and builds.
//!
//! The kernels ask four questions — how many threads are there, run two closures side by side,
//! split one product across the pool, split an elementwise loop across the pool — and get the
//! same answers' single-threaded forms on wasm32. Only independent work is split (rows of a
//! product, elements of an update), never a sum, so every number is the same whatever the
//! number of threads.
//!
//! [`for_each_split`] is the elementwise splitter that optimizers and other kernels use: it cuts a
//! set of equally long slices ([`Split`]) at the same places and runs a closure on each piece.
//!
//! ```
//! use nabla_tensor::parallel::for_each_split;
//! let a = vec![1.0f32; 100_000];
//! let mut b = vec![0.0f32; 100_000];
//! for_each_split((&mut b[..], &a[..]), 4096, &|(b, a): (&mut [f32], &[f32])| {
//!     for (b, a) in b.iter_mut().zip(a) {
//!         *b = 2.0 * a;
//!     }
//! });
//! assert!(b.iter().all(|&v| v == 2.0));
//! ```

/// Threads in the pool the products run on (1 in the browser).
pub(crate) fn current_num_threads() -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    {
        rayon::current_num_threads()
    }
    #[cfg(target_arch = "wasm32")]
    {
        1
    }
}

/// Runs `a` and `b`, side by side where there are threads, one after the other in the browser.
pub(crate) fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    #[cfg(not(target_arch = "wasm32"))]
    {
        rayon::join(a, b)
    }
    #[cfg(target_arch = "wasm32")]
    {
        (a(), b())
    }
}

/// `gemm`'s parallelism for one product: the whole pool when `split` (the product is large and
/// its caller allows it), else one thread; always one thread in the browser.
pub(crate) fn gemm_parallelism(split: bool) -> gemm::Parallelism {
    #[cfg(not(target_arch = "wasm32"))]
    {
        if split {
            gemm::Parallelism::Rayon(0)
        } else {
            gemm::Parallelism::None
        }
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = split;
        gemm::Parallelism::None
    }
}

/// Equally long slices that can be cut at the same index: a slice, an optional slice, or a tuple
/// of them (whose length is its first member's).
pub trait Split: Send + Sized {
    /// The number of elements (of the first member, for a tuple).
    fn len(&self) -> usize;
    /// True when there are no elements.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The pieces before and after `mid`.
    fn split_at(self, mid: usize) -> (Self, Self);
}

impl<T: Send> Split for &mut [T] {
    fn len(&self) -> usize {
        <[T]>::len(self)
    }
    fn split_at(self, mid: usize) -> (Self, Self) {
        self.split_at_mut(mid)
    }
}

impl<T: Sync> Split for &[T] {
    fn len(&self) -> usize {
        <[T]>::len(self)
    }
    fn split_at(self, mid: usize) -> (Self, Self) {
        <[T]>::split_at(self, mid)
    }
}

impl<S: Split> Split for Option<S> {
    fn len(&self) -> usize {
        self.as_ref().map_or(0, Split::len)
    }
    fn split_at(self, mid: usize) -> (Self, Self) {
        match self {
            Some(s) => {
                let (a, b) = s.split_at(mid);
                (Some(a), Some(b))
            }
            None => (None, None),
        }
    }
}

macro_rules! split_tuple {
    ($($name:ident),+) => {
        impl<$($name: Split),+> Split for ($($name,)+) {
            fn len(&self) -> usize {
                self.0.len()
            }
            #[allow(non_snake_case)]
            fn split_at(self, mid: usize) -> (Self, Self) {
                let ($($name,)+) = self;
                $(let $name = $name.split_at(mid);)+
                (($($name.0,)+), ($($name.1,)+))
            }
        }
    };
}

split_tuple!(A, B);
split_tuple!(A, B, C);
split_tuple!(A, B, C, D);
split_tuple!(A, B, C, D, E);

/// Runs `f` on consecutive pieces of `parts` — one per thread, each at least `min_len` long
/// (all of `parts` in one call when it is shorter than twice that, or there is one thread).
/// For elementwise work: the pieces must not depend on each other.
pub fn for_each_split<S: Split>(parts: S, min_len: usize, f: &(impl Fn(S) + Sync)) {
    let pieces = (parts.len() / min_len.max(1)).clamp(1, current_num_threads());
    split_into(parts, pieces, f);
}

fn split_into<S: Split>(parts: S, pieces: usize, f: &(impl Fn(S) + Sync)) {
    if pieces <= 1 {
        f(parts);
        return;
    }
    let left = pieces / 2;
    let mid = parts.len() * left / pieces;
    let (a, b) = parts.split_at(mid);
    join(
        || split_into(a, left, f),
        || split_into(b, pieces - left, f),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_element_is_visited_once_in_matching_pieces() {
        let mut seen = vec![0u32; 10_001];
        let index: Vec<usize> = (0..seen.len()).collect();
        for_each_split((&mut seen[..], &index[..]), 1000, &|(s, i): (
            &mut [u32],
            &[usize],
        )| {
            assert_eq!(s.len(), i.len());
            for (s, _) in s.iter_mut().zip(i) {
                *s += 1;
            }
        });
        assert!(seen.iter().all(|&v| v == 1));
    }

    #[test]
    fn a_missing_optional_slice_stays_missing() {
        let mut a = vec![0.0f64; 50_000];
        let none: Option<&mut [f64]> = None;
        for_each_split((&mut a[..], none), 100, &|(a, n): (
            &mut [f64],
            Option<&mut [f64]>,
        )| {
            assert!(n.is_none());
            a.fill(1.0);
        });
        assert!(a.iter().all(|&v| v == 1.0));
    }
}
