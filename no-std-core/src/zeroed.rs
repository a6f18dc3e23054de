//! Vectors of zeros straight from the allocator's zeroed memory.
//!
//! `vec![0; n]`, or `try_reserve` plus `resize`, writes every element, which makes the operating system back
//! every page at once. Zeroed memory from the allocator (fresh pages from the OS, for large blocks) stays
//! unbacked until it is used: a 80 MB table of null references costs next to nothing until it is written.

use alloc::vec::Vec;

/// Element types whose all-zero bit pattern is a valid value.
///
/// # Safety
/// Implementors must be valid (and initialised) when every byte is zero.
pub(crate) unsafe trait Zeroable {}

// SAFETY: zero is a valid `u8`.
unsafe impl Zeroable for u8 {}
// SAFETY: zero is a valid `u64`.
unsafe impl Zeroable for u64 {}

/// `len` zeros, or `None` if the size overflows or the allocator refuses (never aborts).
pub(crate) fn zeroed_vec<T: Zeroable>(len: usize) -> Option<Vec<T>> {
    if len == 0 || core::mem::size_of::<T>() == 0 {
        return Some(Vec::new());
    }
    let layout = core::alloc::Layout::array::<T>(len).ok()?;
    // SAFETY: `layout` has a non-zero size (`len` and the element size are non-zero, checked above), as
    // `alloc_zeroed` requires.
    let ptr = unsafe { alloc::alloc::alloc_zeroed(layout) }.cast::<T>();
    if ptr.is_null() {
        return None;
    }
    // SAFETY: `ptr` comes from the global allocator with the layout of `[T; len]`, which is the size and
    // alignment `Vec<T>` with capacity `len` deallocates with; all `len` elements are zero bytes, a valid `T`
    // (`Zeroable`).
    Some(unsafe { Vec::from_raw_parts(ptr, len, len) })
}
