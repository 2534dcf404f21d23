//! Recycled element buffers: the storage behind every [`Tensor`](crate::Tensor).
//!
//! A training step creates the same large tensors every step (activations, their gradients,
//! the weight gradients). Asking the allocator for each afresh costs page faults and zeroing
//! (freshly mapped memory is cleared by the kernel, and `vec![0; n]` clears reused memory).
//! Instead, a tensor's buffer comes back here when its last owner drops it, and the next
//! operation that needs a buffer of that size takes it back:
//!
//! - [`zeroed`] hands out a buffer of zeros (for kernels that accumulate into it);
//! - [`for_overwrite`] hands out a buffer whose old values are left in place, for kernels that
//!   write every element (a product that does not accumulate, an elementwise map): no clearing
//!   pass at all. The values are ordinary numbers left by an earlier tensor, never
//!   uninitialised memory.
//!
//! Buffers below [`MIN_POOLED`] elements bypass the pool (the allocator serves those from its
//! own caches faster than a lock); the pool keeps at most [`MAX_POOLED_BYTES`] per element type,
//! so its size is bounded by about one training step's working set.
//!
//! ```text
//! take: the smallest free buffer whose capacity is in [len, 2·len]   (else a fresh allocation)
//! give: kept while the pool stays within its byte limit              (else freed)
//! ```

use std::any::Any;
use std::ops::{Deref, DerefMut};
use std::sync::Mutex;

use crate::Float;

/// Buffers shorter than this are allocated and freed normally.
pub(crate) const MIN_POOLED: usize = 1 << 12;

/// The most bytes one element type's pool keeps.
pub(crate) const MAX_POOLED_BYTES: usize = 64 << 20;

/// Free buffers of one element type.
struct Pool<T> {
    free: Mutex<Free<T>>,
}

struct Free<T> {
    buffers: Vec<Vec<T>>,
    bytes: usize,
}

impl<T> Pool<T> {
    const fn new() -> Self {
        Self {
            free: Mutex::new(Free {
                buffers: Vec::new(),
                bytes: 0,
            }),
        }
    }

    /// A free buffer with room for `len` elements (and not more than twice that), if any.
    fn take(&self, len: usize) -> Option<Vec<T>> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        let fits = |v: &Vec<T>| (len..=2 * len).contains(&v.capacity());
        let best = (0..free.buffers.len())
            .filter(|&i| fits(&free.buffers[i]))
            .min_by_key(|&i| free.buffers[i].capacity())?;
        let buffer = free.buffers.swap_remove(best);
        free.bytes -= buffer.capacity() * std::mem::size_of::<T>();
        Some(buffer)
    }

    fn give(&self, buffer: Vec<T>) {
        let bytes = buffer.capacity() * std::mem::size_of::<T>();
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        if free.bytes + bytes <= MAX_POOLED_BYTES {
            free.bytes += bytes;
            free.buffers.push(buffer);
        }
    }
}

static POOL_F32: Pool<f32> = Pool::new();
static POOL_F64: Pool<f64> = Pool::new();

/// The pool of `T` (`Float` is implemented for `f32` and `f64` only).
fn pool<T: Float>() -> &'static Pool<T> {
    let f32s: &'static dyn Any = &POOL_F32;
    let f64s: &'static dyn Any = &POOL_F64;
    f32s.downcast_ref()
        .or_else(|| f64s.downcast_ref())
        .expect("every Float type has a pool")
}

/// `len` elements whose values are unspecified (left by an earlier tensor): for kernels that
/// overwrite every element.
pub(crate) fn for_overwrite<T: Float>(len: usize) -> Vec<T> {
    if len >= MIN_POOLED {
        if let Some(mut buffer) = pool::<T>().take(len) {
            // Shrinking keeps old values; growing (within capacity) appends zeros.
            buffer.resize(len, T::zero());
            return buffer;
        }
    }
    vec![T::zero(); len]
}

/// `len` zeros.
pub(crate) fn zeroed<T: Float>(len: usize) -> Vec<T> {
    if len >= MIN_POOLED {
        if let Some(mut buffer) = pool::<T>().take(len) {
            buffer.clear();
            buffer.resize(len, T::zero());
            return buffer;
        }
    }
    vec![T::zero(); len]
}

/// Hands `buffer` back for reuse (small ones are simply freed).
fn recycle<T: Float>(buffer: Vec<T>) {
    if buffer.capacity() >= MIN_POOLED {
        pool::<T>().give(buffer);
    }
}

/// A tensor's elements: a vector that goes back to the pool when dropped.
pub(crate) struct Storage<T> {
    elements: Vec<T>,
    // Set by the `Float`-bounded constructor, so `Drop` (which cannot carry that bound) can
    // reach the pool.
    recycle: fn(Vec<T>),
}

impl<T: Float> Storage<T> {
    pub(crate) fn new(elements: Vec<T>) -> Self {
        Self {
            elements,
            recycle: recycle::<T>,
        }
    }

    /// The vector, taken out (the storage is left empty).
    pub(crate) fn take(&mut self) -> Vec<T> {
        std::mem::take(&mut self.elements)
    }
}

impl<T: Float> Clone for Storage<T> {
    fn clone(&self) -> Self {
        let mut copy = for_overwrite(self.elements.len());
        copy.copy_from_slice(&self.elements);
        Self::new(copy)
    }
}

impl<T> Deref for Storage<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.elements
    }
}

impl<T> DerefMut for Storage<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.elements
    }
}

impl<T> Drop for Storage<T> {
    fn drop(&mut self) {
        if self.elements.capacity() > 0 {
            (self.recycle)(std::mem::take(&mut self.elements));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_buffer_is_reused_and_zeroed_on_request() {
        // A length no other test uses, so parallel tests cannot take this buffer.
        let len = MIN_POOLED + 12_345;
        let mut first = for_overwrite::<f64>(len);
        first.fill(7.0);
        let address = first.as_ptr();
        drop(Storage::new(first));
        let again = zeroed::<f64>(len);
        assert_eq!(again.as_ptr(), address);
        assert!(again.iter().all(|&v| v == 0.0));
    }

    #[test]
    fn small_buffers_bypass_the_pool() {
        let small = vec![1.0f32; MIN_POOLED - 1];
        drop(Storage::new(small));
        let pool = pool::<f32>().free.lock().unwrap();
        assert!(pool.buffers.iter().all(|b| b.capacity() >= MIN_POOLED));
    }

    #[test]
    fn the_pool_keeps_at_most_its_byte_limit() {
        let huge = MAX_POOLED_BYTES / std::mem::size_of::<f32>() + 1;
        let buffer = vec![0.0f32; huge];
        drop(Storage::new(buffer));
        let pool = pool::<f32>().free.lock().unwrap();
        assert!(pool.bytes <= MAX_POOLED_BYTES);
        assert!(pool.buffers.iter().all(|b| b.capacity() < huge));
    }
}
