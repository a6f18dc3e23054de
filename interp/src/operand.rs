//! Operand kinds of bytecode instructions and how each is laid out in 16-bit code units.

use alloc::vec::Vec;
use core::fmt;

use crate::verify::{Checker, VerifyError};

/// A frame slot: index of a 64-bit cell relative to the current frame's base.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot(pub u16);

impl Slot {
    /// The slot index as `usize`.
    #[inline(always)]
    pub fn idx(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}", self.0)
    }
}

/// A near branch offset in code units, relative to the first unit of the branching instruction.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Offset(pub i16);

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:+}", self.0)
    }
}

/// A far branch offset (`BrFar`, `BrTable` targets), relative to the first unit of the branching instruction.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct FarOffset(pub i32);

impl fmt::Display for FarOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:+}", self.0)
    }
}

/// An operand type that can be stored in the code stream.
pub trait Operand: Copy + fmt::Display {
    /// Number of 16-bit code units it occupies.
    const UNITS: usize;
    /// Reads it at `code[at..at + UNITS]`.
    fn read(code: &[u16], at: usize) -> Self;
    /// Reads it at `at[0..UNITS]`, without bounds checks.
    ///
    /// # Safety
    /// `at` is valid for reading `UNITS` code units.
    unsafe fn read_ptr(at: *const u16) -> Self;
    /// Appends it to `out`.
    fn write(self, out: &mut Vec<u16>);
    /// Checks what the executor will assume of this operand (named `field`) of the instruction `cx` is
    /// verifying: a slot lies inside the frame, a branch lands on an instruction inside the code. Operands
    /// the executor checks itself when it uses them (indices into the instance, immediates) accept anything.
    fn verify(self, cx: &mut Checker, field: &'static str) -> Result<(), VerifyError>;
    /// 1 for a near branch offset ([`Offset`]), 2 for a far one ([`FarOffset`]), 0 for any other operand.
    const BRANCH: u8 = 0;
    /// Whether it is a frame slot ([`Slot`]), which [`Operand::verify`] checks against the frame size.
    const SLOT: bool = false;
    /// Whether it is a two-cell frame slot ([`WideSlot`]), both of whose cells [`Operand::verify`] checks.
    const WIDE_SLOT: bool = false;
}

/// `*at`.
///
/// # Safety
/// `at` is valid for reads.
#[inline(always)]
unsafe fn unit(at: *const u16) -> u16 {
    // SAFETY: the caller's contract.
    unsafe { at.read() }
}

impl Operand for Slot {
    const UNITS: usize = 1;
    const SLOT: bool = true;
    #[inline(always)]
    fn read(code: &[u16], at: usize) -> Self {
        Slot(code[at])
    }
    #[inline(always)]
    unsafe fn read_ptr(at: *const u16) -> Self {
        // SAFETY: forwarded from the caller (one unit).
        Slot(unsafe { unit(at) })
    }
    fn write(self, out: &mut Vec<u16>) {
        out.push(self.0);
    }
    #[inline]
    fn verify(self, cx: &mut Checker, field: &'static str) -> Result<(), VerifyError> {
        cx.slot(self, field)
    }
}

/// A slot naming two consecutive cells, `s[x]` (low half) and `s[x + 1]` (high half): a 128-bit value.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WideSlot(pub u16);

impl WideSlot {
    /// The first cell's slot index as `usize`.
    #[inline(always)]
    pub fn idx(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for WideSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}:2", self.0)
    }
}

impl Operand for WideSlot {
    const UNITS: usize = 1;
    const WIDE_SLOT: bool = true;
    #[inline(always)]
    fn read(code: &[u16], at: usize) -> Self {
        WideSlot(code[at])
    }
    #[inline(always)]
    unsafe fn read_ptr(at: *const u16) -> Self {
        // SAFETY: forwarded from the caller (one unit).
        WideSlot(unsafe { unit(at) })
    }
    fn write(self, out: &mut Vec<u16>) {
        out.push(self.0);
    }
    #[inline]
    fn verify(self, cx: &mut Checker, field: &'static str) -> Result<(), VerifyError> {
        cx.wide_slot(self, field)
    }
}

impl Operand for u16 {
    const UNITS: usize = 1;
    #[inline(always)]
    fn read(code: &[u16], at: usize) -> Self {
        code[at]
    }
    #[inline(always)]
    unsafe fn read_ptr(at: *const u16) -> Self {
        // SAFETY: forwarded from the caller.
        unsafe { unit(at) }
    }
    fn write(self, out: &mut Vec<u16>) {
        out.push(self);
    }
    #[inline]
    fn verify(self, _cx: &mut Checker, _field: &'static str) -> Result<(), VerifyError> {
        Ok(())
    }
}

impl Operand for i16 {
    const UNITS: usize = 1;
    #[inline(always)]
    fn read(code: &[u16], at: usize) -> Self {
        code[at] as i16
    }
    #[inline(always)]
    unsafe fn read_ptr(at: *const u16) -> Self {
        // SAFETY: forwarded from the caller.
        unsafe { unit(at) as i16 }
    }
    fn write(self, out: &mut Vec<u16>) {
        out.push(self as u16);
    }
    #[inline]
    fn verify(self, _cx: &mut Checker, _field: &'static str) -> Result<(), VerifyError> {
        Ok(())
    }
}

impl Operand for u32 {
    const UNITS: usize = 2;
    #[inline(always)]
    fn read(code: &[u16], at: usize) -> Self {
        u32::from(code[at]) | (u32::from(code[at + 1]) << 16)
    }
    #[inline(always)]
    unsafe fn read_ptr(at: *const u16) -> Self {
        // SAFETY: forwarded from the caller (two units).
        unsafe { u32::from(unit(at)) | (u32::from(unit(at.add(1))) << 16) }
    }
    fn write(self, out: &mut Vec<u16>) {
        out.push(self as u16);
        out.push((self >> 16) as u16);
    }
    #[inline]
    fn verify(self, _cx: &mut Checker, _field: &'static str) -> Result<(), VerifyError> {
        Ok(())
    }
}

impl Operand for u64 {
    const UNITS: usize = 4;
    #[inline(always)]
    fn read(code: &[u16], at: usize) -> Self {
        u64::from(u32::read(code, at)) | (u64::from(u32::read(code, at + 2)) << 32)
    }
    #[inline(always)]
    unsafe fn read_ptr(at: *const u16) -> Self {
        // SAFETY: forwarded from the caller (four units).
        unsafe { u64::from(u32::read_ptr(at)) | (u64::from(u32::read_ptr(at.add(2))) << 32) }
    }
    fn write(self, out: &mut Vec<u16>) {
        (self as u32).write(out);
        ((self >> 32) as u32).write(out);
    }
    #[inline]
    fn verify(self, _cx: &mut Checker, _field: &'static str) -> Result<(), VerifyError> {
        Ok(())
    }
}

impl Operand for Offset {
    const UNITS: usize = 1;
    const BRANCH: u8 = 1;
    #[inline(always)]
    fn read(code: &[u16], at: usize) -> Self {
        Offset(code[at] as i16)
    }
    #[inline(always)]
    unsafe fn read_ptr(at: *const u16) -> Self {
        // SAFETY: forwarded from the caller.
        Offset(unsafe { unit(at) } as i16)
    }
    fn write(self, out: &mut Vec<u16>) {
        out.push(self.0 as u16);
    }
    #[inline]
    fn verify(self, cx: &mut Checker, field: &'static str) -> Result<(), VerifyError> {
        cx.branch(i64::from(self.0), field)
    }
}

impl Operand for FarOffset {
    const UNITS: usize = 2;
    const BRANCH: u8 = 2;
    #[inline(always)]
    fn read(code: &[u16], at: usize) -> Self {
        FarOffset(u32::read(code, at) as i32)
    }
    #[inline(always)]
    unsafe fn read_ptr(at: *const u16) -> Self {
        // SAFETY: forwarded from the caller (two units).
        FarOffset(unsafe { u32::read_ptr(at) } as i32)
    }
    fn write(self, out: &mut Vec<u16>) {
        (self.0 as u32).write(out);
    }
    #[inline]
    fn verify(self, cx: &mut Checker, field: &'static str) -> Result<(), VerifyError> {
        cx.branch(i64::from(self.0), field)
    }
}
