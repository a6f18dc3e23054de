//! The current frame's slots, read and written without bounds checks.

use crate::operand::Slot;

/// The slots of the running frame: `value_stack[base..base + frame_size]`.
///
/// Its invariant, from [`Regs::new`]'s contract: every [`Slot`] passed to it comes from an operand of the
/// verified code running in this frame, so it is `< frame_size <= slots.len()` (the verifier checks every
/// slot operand against the function's `frame_size`, and every span against it too).
pub(crate) struct Regs<'a> {
    slots: &'a mut [u64],
}

impl<'a> Regs<'a> {
    /// The frame `slots` of a function whose code passed verification.
    ///
    /// # Safety
    /// `slots.len() >= frame_size` of the verified function whose code the caller runs in this frame, and
    /// every slot (and slot span) given to the methods comes from that code's operands.
    #[inline(always)]
    pub(crate) unsafe fn new(slots: &'a mut [u64]) -> Regs<'a> {
        Regs { slots }
    }

    /// `s[slot]`.
    #[inline(always)]
    pub(crate) fn get(&self, slot: Slot) -> u64 {
        debug_assert!(slot.idx() < self.slots.len());
        // SAFETY: the verifier proved `slot < frame_size`, and the frame holds `frame_size` slots (`new`).
        unsafe { *self.slots.get_unchecked(slot.idx()) }
    }

    /// `s[slot] = value`.
    #[inline(always)]
    pub(crate) fn set(&mut self, slot: Slot, value: u64) {
        debug_assert!(slot.idx() < self.slots.len());
        // SAFETY: the verifier proved `slot < frame_size`, and the frame holds `frame_size` slots (`new`).
        unsafe { *self.slots.get_unchecked_mut(slot.idx()) = value }
    }

    /// `s[dst..dst + len] = s[src..src + len]`, as `memmove`.
    #[inline(always)]
    pub(crate) fn copy_span(&mut self, dst: Slot, src: Slot, len: u16) {
        let len = usize::from(len);
        debug_assert!(src.idx() + len <= self.slots.len() && dst.idx() + len <= self.slots.len());
        let base = self.slots.as_mut_ptr();
        // SAFETY: the verifier proved `src + len <= frame_size` and `dst + len <= frame_size` for `CopySpan`
        // (and `len <= frame_size` with `dst` = 0 for `ReturnSpan`), and the frame holds `frame_size` slots.
        // `ptr::copy` allows the ranges to overlap.
        unsafe { core::ptr::copy(base.add(src.idx()), base.add(dst.idx()), len) }
    }
}
