//! Where the matrix products may use threads: rayon's pool on native targets, one thread in the
//! browser (`wasm32`), whose WebAssembly has no threads without special headers and builds.
//!
//! The kernels ask three questions — how many threads are there, run two closures side by side,
//! split one product across the pool — and get the same answers' single-threaded forms on wasm32,
//! so the arithmetic (and every number) is the same on both.

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
