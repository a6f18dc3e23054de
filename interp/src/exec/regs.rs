//! The current frame's slots, read and written without bounds checks.

use crate::operand::Slot;

/// The slots of the running frame: `value_stack[base..base + frame_size]`, through a raw pointer (so that calls
/// and returns inside the dispatch loop can move to another frame without re-borrowing the value stack).
///
/// Its invariant, from [`Regs::new`]'s contract: the pointer is valid for `frame_size` slots, and every [`Slot`]
/// passed to it comes from an operand of the verified code running in this frame, so it is `< frame_size` (the
/// verifier checks every slot operand against the function's `frame_size`, and every span too).
pub(crate) struct Regs {
    base: *mut u64,
    /// The frame size, for the debug assertions.
    #[cfg(debug_assertions)]
    len: usize,
}

impl Regs {
    /// The frame of `len` slots at `base`, of a function whose code passed verification with `frame_size <= len`.
    ///
    /// # Safety
    /// `base` is valid for reads and writes of `len` slots for as long as the `Regs` is used, and nothing else
    /// accesses them meanwhile (the caller makes a new `Regs` after anything that may move or touch the value
    /// stack). Every slot (and slot span) given to the methods comes from the operands of that function's
    /// code.
    #[inline(always)]
    pub(crate) unsafe fn new(base: *mut u64, len: usize) -> Regs {
        #[cfg(not(debug_assertions))]
        let _ = len;
        Regs {
            base,
            #[cfg(debug_assertions)]
            len,
        }
    }

    /// Asserts (in debug builds) that slots `start..start + len` are in the frame.
    #[inline(always)]
    fn check(&self, _start: usize, _len: usize) {
        #[cfg(debug_assertions)]
        assert!(_start + _len <= self.len, "slots {_start}..{} outside a frame of {}", _start + _len, self.len);
    }

    /// `s[slot]`.
    #[inline(always)]
    pub(crate) fn get(&self, slot: Slot) -> u64 {
        self.check(slot.idx(), 1);
        // SAFETY: the verifier proved `slot < frame_size`, and the frame holds `frame_size` slots (`new`).
        unsafe { self.base.add(slot.idx()).read() }
    }

    /// `s[slot] = value`.
    #[inline(always)]
    pub(crate) fn set(&mut self, slot: Slot, value: u64) {
        self.check(slot.idx(), 1);
        // SAFETY: the verifier proved `slot < frame_size`, and the frame holds `frame_size` slots (`new`).
        unsafe { self.base.add(slot.idx()).write(value) }
    }

    /// `s[dst..dst + len] = s[src..src + len]`, as `memmove`.
    #[inline(always)]
    pub(crate) fn copy_span(&mut self, dst: Slot, src: Slot, len: u16) {
        let len = usize::from(len);
        self.check(src.idx(), len);
        self.check(dst.idx(), len);
        // SAFETY: the verifier proved `src + len <= frame_size` and `dst + len <= frame_size` for `CopySpan`
        // (and `len <= frame_size` with `dst` = 0 for `ReturnSpan`), and the frame holds `frame_size` slots.
        // `ptr::copy` allows the ranges to overlap.
        unsafe { core::ptr::copy(self.base.add(src.idx()), self.base.add(dst.idx()), len) }
    }

    /// Zeroes slots `from..to`: a callee's declared locals.
    ///
    /// # Safety
    /// `to <= frame_size` (for locals: the verifier checked `num_locals <= frame_size`).
    #[inline(always)]
    pub(crate) unsafe fn zero(&mut self, from: usize, to: usize) {
        self.check(from, to.saturating_sub(from));
        for k in from..to {
            // SAFETY: `k < to <= frame_size` (the caller's contract). (Volatile keeps LLVM from making this a call
            // to `memset`, which costs more than the few stores a function's locals usually need.)
            unsafe { self.base.add(k).write_volatile(0) }
        }
    }
}
