//! [`OwnedOrStatic`]: a read-only slice that either lives on the heap or is borrowed for `'static`.
//!
//! Devices keep module bytes and precompiled code in flash: borrowing them as `&'static` slices keeps them out
//! of RAM, while modules decoded on the host own their bytes.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::ops::Deref;

/// A read-only slice, either owned (heap) or borrowed for `'static` (e.g. from flash). Dereferences to `[T]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnedOrStatic<T: 'static> {
    /// Owned on the heap.
    Owned(Box<[T]>),
    /// Borrowed for the program's lifetime: never copied.
    Static(&'static [T]),
}

impl<T> Deref for OwnedOrStatic<T> {
    type Target = [T];

    #[inline(always)]
    fn deref(&self) -> &[T] {
        match self {
            OwnedOrStatic::Owned(b) => b,
            OwnedOrStatic::Static(s) => s,
        }
    }
}

impl<T> Default for OwnedOrStatic<T> {
    fn default() -> Self {
        OwnedOrStatic::Static(&[])
    }
}

impl<T> From<Box<[T]>> for OwnedOrStatic<T> {
    fn from(b: Box<[T]>) -> Self {
        OwnedOrStatic::Owned(b)
    }
}

impl<T> From<Vec<T>> for OwnedOrStatic<T> {
    fn from(v: Vec<T>) -> Self {
        OwnedOrStatic::Owned(v.into_boxed_slice())
    }
}

impl<T: Clone> From<&[T]> for OwnedOrStatic<T> {
    /// Copies the slice onto the heap (use [`OwnedOrStatic::Static`] to borrow a `'static` one).
    fn from(s: &[T]) -> Self {
        OwnedOrStatic::Owned(s.into())
    }
}

impl<T, const N: usize> From<[T; N]> for OwnedOrStatic<T> {
    fn from(a: [T; N]) -> Self {
        OwnedOrStatic::Owned(Box::new(a))
    }
}
