//! Fused multiply-adds as one instruction where the CPU has them.
//!
//! PyTorch's CPU kernels compute `a + b·c` as one exactly rounded fused multiply-add in several
//! optimizer updates, and nabla does the same (`mul_add`) to match them bit for bit. Without the
//! FMA instruction enabled at compile time, `mul_add` is a library call per element; so each
//! update loop is declared through [`fma_dispatch!`], which compiles it a second time with AVX2
//! and FMA and picks that version at run time. Fused multiply-adds round exactly either way, so
//! the results do not depend on the CPU.

/// `fma_dispatch!(fn update<T: Float>(args…) => update_portable);` defines `update`, which runs
/// the `#[inline(always)]` function `update_portable` compiled with AVX2 and FMA when the CPU
/// supports them, and as it is otherwise.
macro_rules! fma_dispatch {
    ($(#[$doc:meta])* fn $name:ident<T: Float>($($arg:ident: $ty:ty),* $(,)?) => $portable:ident) => {
        $(#[$doc])*
        fn $name<T: Float>($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            if std::is_x86_feature_detected!("fma") && std::is_x86_feature_detected!("avx2") {
                #[target_feature(enable = "avx2,fma")]
                unsafe fn with_fma<T: Float>($($arg: $ty),*) {
                    $portable($($arg),*)
                }
                // SAFETY: the CPU supports the features `with_fma` is compiled for.
                unsafe { with_fma($($arg),*) };
                return;
            }
            $portable($($arg),*)
        }
    };
}

pub(crate) use fma_dispatch;
