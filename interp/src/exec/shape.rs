//! Operand plumbing for the regular instructions, grouped by shape (`dst = f(src)`, `dst = f(lhs, rhs)`,
//! branch if `f(lhs, rhs)`, loads, stores, ...): one small generic function per shape reads the operands, calls
//! the operation and returns where execution continues.
//!
//! Each function is instantiated once per instruction and called from one place, so optimised builds inline
//! it into the dispatch loop. Unoptimised builds keep them as calls, which keeps the dispatch loop's own stack
//! frame small (it would otherwise hold every instruction's temporaries): that bounds the host stack a nested
//! execution (host function calling wasm) needs even in debug builds.

use ember_core::TrapCode;

use super::memory;
use super::num::{FromCell, ToCell};
use super::regs::Regs;
use crate::operand::{Offset, Slot};
use crate::ops::op;

macro_rules! shapes {
    ($( $(#[doc = $doc:literal])* $shape:ident $fields:tt -> $tuple:ty; for [$($op:ident),* $(,)?]; )*) => {$(
        $(#[doc = $doc])*
        pub(crate) trait $shape {
            /// Length of the instruction in code units.
            const UNITS: usize;
            /// The operands of the instruction at `ip`.
            ///
            /// # Safety
            /// `ip` points to the start of an instruction of this kind in verified code.
            unsafe fn operands(ip: *const u16) -> $tuple;
        }
        $(
            impl $shape for op::$op {
                const UNITS: usize = op::$op::UNITS;
                #[inline(always)]
                unsafe fn operands(ip: *const u16) -> $tuple {
                    // SAFETY: verified code is a sequence of whole instructions, so the instruction's `UNITS` units
                    // from `ip` are inside the code.
                    let i = unsafe { op::$op::decode_ptr(ip) };
                    pick!(i $fields)
                }
            }
        )*
    )*};
}

/// `pick!(i (a, b))` is `(i.a, i.b)`.
macro_rules! pick {
    ($i:ident ($($field:ident),*)) => {
        ($($i.$field.into()),*)
    };
}

shapes! {
    /// `dst = f(src)`
    Unary (dst, src) -> (Slot, Slot); for [
        I32Eqz, I32Clz, I32Ctz, I32Popcnt, I64Eqz, I64Clz, I64Ctz, I64Popcnt,
        F32Abs, F32Neg, F32Ceil, F32Floor, F32Trunc, F32Nearest, F32Sqrt,
        F64Abs, F64Neg, F64Ceil, F64Floor, F64Trunc, F64Nearest, F64Sqrt,
        I32WrapI64, I32TruncF32S, I32TruncF32U, I32TruncF64S, I32TruncF64U, I64ExtendI32S, I64ExtendI32U,
        I64TruncF32S, I64TruncF32U, I64TruncF64S, I64TruncF64U, F32ConvertI32S, F32ConvertI32U, F32ConvertI64S,
        F32ConvertI64U, F32DemoteF64, F64ConvertI32S, F64ConvertI32U, F64ConvertI64S, F64ConvertI64U,
        F64PromoteF32, I32Extend8S, I32Extend16S, I64Extend8S, I64Extend16S, I64Extend32S,
        I32TruncSatF32S, I32TruncSatF32U, I32TruncSatF64S, I32TruncSatF64U,
        I64TruncSatF32S, I64TruncSatF32U, I64TruncSatF64S, I64TruncSatF64U,
    ];
    /// `dst = f(lhs, rhs)`
    Binary (dst, lhs, rhs) -> (Slot, Slot, Slot); for [
        I32Eq, I32Ne, I32LtS, I32LtU, I32GtS, I32GtU, I32LeS, I32LeU, I32GeS, I32GeU,
        I32Add, I32Sub, I32Mul, I32DivS, I32DivU, I32RemS, I32RemU, I32And, I32Or, I32Xor,
        I32Shl, I32ShrS, I32ShrU, I32Rotl, I32Rotr,
        I64Eq, I64Ne, I64LtS, I64LtU, I64GtS, I64GtU, I64LeS, I64LeU, I64GeS, I64GeU,
        I64Add, I64Sub, I64Mul, I64DivS, I64DivU, I64RemS, I64RemU, I64And, I64Or, I64Xor,
        I64Shl, I64ShrS, I64ShrU, I64Rotl, I64Rotr,
        F32Eq, F32Ne, F32Lt, F32Gt, F32Le, F32Ge, F32Add, F32Sub, F32Mul, F32Div, F32Min, F32Max, F32Copysign,
        F64Eq, F64Ne, F64Lt, F64Gt, F64Le, F64Ge, F64Add, F64Sub, F64Mul, F64Div, F64Min, F64Max, F64Copysign,
    ];
    /// `dst = f(lhs, imm)`
    WithImm (dst, lhs, imm) -> (Slot, Slot, i16); for [
        I32AddImm, I32MulImm, I32AndImm, I32OrImm, I32XorImm, I32ShlImm, I32ShrSImm, I32ShrUImm, I32RotlImm,
        I32EqImm, I32NeImm, I32LtSImm, I32LtUImm, I32GtSImm, I32GtUImm, I32LeSImm, I32LeUImm, I32GeSImm, I32GeUImm,
        I64AddImm, I64MulImm, I64AndImm, I64OrImm, I64XorImm, I64ShlImm, I64ShrSImm, I64ShrUImm, I64RotlImm,
        I64EqImm, I64NeImm, I64LtSImm, I64LtUImm, I64GtSImm, I64GtUImm, I64LeSImm, I64LeUImm, I64GeSImm, I64GeUImm,
    ];
    /// Branch if `f(cond)`.
    Branch1 (cond) -> Slot; for [BrIfNez, BrIfEqz, BrIfNez64, BrIfEqz64];
    /// Branch if `f(lhs, rhs)`.
    Branch2 (lhs, rhs) -> (Slot, Slot); for [
        BrIfI32Eq, BrIfI32Ne, BrIfI32LtS, BrIfI32LtU, BrIfI32GtS, BrIfI32GtU,
        BrIfI32LeS, BrIfI32LeU, BrIfI32GeS, BrIfI32GeU,
        BrIfI64Eq, BrIfI64Ne, BrIfI64LtS, BrIfI64LtU, BrIfI64GtS, BrIfI64GtU,
        BrIfI64LeS, BrIfI64LeU, BrIfI64GeS, BrIfI64GeU,
    ];
    /// Branch if `f(lhs, imm)`.
    BranchImm (lhs, imm) -> (Slot, i16); for [
        BrIfI32EqImm, BrIfI32NeImm, BrIfI32LtSImm, BrIfI32LtUImm, BrIfI32GtSImm, BrIfI32GtUImm,
        BrIfI32LeSImm, BrIfI32LeUImm, BrIfI32GeSImm, BrIfI32GeUImm,
    ];
    /// `dst = f(bytes at s[addr] + offset)`
    Load (dst, addr, offset) -> (Slot, Slot, u32); for [
        I32Load, I64Load, I32Load8S, I32Load8U, I32Load16S, I32Load16U,
        I64Load8S, I64Load8U, I64Load16S, I64Load16U, I64Load32S, I64Load32U,
        I32LoadWide, I64LoadWide, I32Load8SWide, I32Load8UWide, I32Load16SWide, I32Load16UWide,
        I64Load8SWide, I64Load8UWide, I64Load16SWide, I64Load16UWide, I64Load32SWide, I64Load32UWide,
    ];
    /// Store `f(value)` at `s[addr] + offset`.
    StoreImm (addr, value, offset) -> (Slot, i16, u32); for [I32StoreImm, I64StoreImm, Store8Imm, Store16Imm];
    /// Store `f(s[src])` at `s[addr] + offset`.
    Store (addr, src, offset) -> (Slot, Slot, u32); for [
        I32Store, I64Store, Store8, Store16, I32StoreWide, I64StoreWide, Store8Wide, Store16Wide,
    ];
}

/// The branch offset of a conditional branch: read only when the branch is taken. (Reading it with the other
/// operands let LLVM turn `pc = taken ? pc + offset : pc + UNITS` into a conditional move, which makes the next
/// instruction's address wait for the comparison instead of being predicted: 3x slower loops.)
pub(crate) trait BranchOffset {
    /// The `offset` operand of the instruction at `ip`.
    ///
    /// # Safety
    /// `ip` points to the start of an instruction of this kind in verified code.
    unsafe fn offset(ip: *const u16) -> Offset;
}

macro_rules! branch_offset {
    ($($op:ident),* $(,)?) => {$(
        impl BranchOffset for op::$op {
            #[inline(always)]
            unsafe fn offset(ip: *const u16) -> Offset {
                // SAFETY: verified code is a sequence of whole instructions, so the instruction's `UNITS` units
                // from `ip` are inside the code. (Only the offset's unit is actually read.)
                unsafe { op::$op::decode_ptr(ip) }.offset
            }
        }
    )*};
}

branch_offset! {
    BrIfNez, BrIfEqz, BrIfNez64, BrIfEqz64,
    BrIfI32Eq, BrIfI32Ne, BrIfI32LtS, BrIfI32LtU, BrIfI32GtS, BrIfI32GtU, BrIfI32LeS, BrIfI32LeU, BrIfI32GeS, BrIfI32GeU,
    BrIfI64Eq, BrIfI64Ne, BrIfI64LtS, BrIfI64LtU, BrIfI64GtS, BrIfI64GtU, BrIfI64LeS, BrIfI64LeU, BrIfI64GeS, BrIfI64GeU,
    BrIfI32EqImm, BrIfI32NeImm, BrIfI32LtSImm, BrIfI32LtUImm, BrIfI32GtSImm, BrIfI32GtUImm,
    BrIfI32LeSImm, BrIfI32LeUImm, BrIfI32GeSImm, BrIfI32GeUImm,
}

// Every helper below has the same contract.
//
// # Safety
// `ip` points to the start of an instruction of kind `O` in code that passed verification, and `regs` is the frame
// of that code. (So the instruction's units are inside the code, and so is the next instruction or branch target
// they return.)

/// Runs a `dst = f(src)` instruction; returns where execution continues.
#[inline]
pub(crate) unsafe fn unary<O: Unary, A: FromCell, R: ToCell>(
    regs: &mut Regs,
    ip: *const u16,
    f: impl FnOnce(A) -> R,
) -> *const u16 {
    // SAFETY: forwarded from the caller.
    let (dst, src) = unsafe { O::operands(ip) };
    regs.set(dst, f(A::from_cell(regs.get(src))).to_cell());
    // SAFETY: the next instruction is inside the code (the contract above).
    unsafe { ip.add(O::UNITS) }
}

/// Runs a trapping `dst = f(src)` instruction; returns where execution continues.
#[inline]
#[cfg_attr(not(feature = "float"), allow(dead_code))] // only float conversions trap this way
pub(crate) unsafe fn unary_try<O: Unary, A: FromCell, R: ToCell>(
    regs: &mut Regs,
    ip: *const u16,
    f: impl FnOnce(A) -> Result<R, TrapCode>,
) -> Result<*const u16, TrapCode> {
    // SAFETY: forwarded from the caller.
    let (dst, src) = unsafe { O::operands(ip) };
    regs.set(dst, f(A::from_cell(regs.get(src)))?.to_cell());
    // SAFETY: the next instruction is inside the code (the contract above).
    Ok(unsafe { ip.add(O::UNITS) })
}

/// Runs a `dst = f(lhs, rhs)` instruction; returns where execution continues.
#[inline]
pub(crate) unsafe fn binary<O: Binary, A: FromCell, B: FromCell, R: ToCell>(
    regs: &mut Regs,
    ip: *const u16,
    f: impl FnOnce(A, B) -> R,
) -> *const u16 {
    // SAFETY: forwarded from the caller.
    let (dst, lhs, rhs) = unsafe { O::operands(ip) };
    regs.set(dst, f(A::from_cell(regs.get(lhs)), B::from_cell(regs.get(rhs))).to_cell());
    // SAFETY: the next instruction is inside the code (the contract above).
    unsafe { ip.add(O::UNITS) }
}

/// Runs a trapping `dst = f(lhs, rhs)` instruction; returns where execution continues.
#[inline]
pub(crate) unsafe fn binary_try<O: Binary, A: FromCell, B: FromCell, R: ToCell>(
    regs: &mut Regs,
    ip: *const u16,
    f: impl FnOnce(A, B) -> Result<R, TrapCode>,
) -> Result<*const u16, TrapCode> {
    // SAFETY: forwarded from the caller.
    let (dst, lhs, rhs) = unsafe { O::operands(ip) };
    regs.set(dst, f(A::from_cell(regs.get(lhs)), B::from_cell(regs.get(rhs)))?.to_cell());
    // SAFETY: the next instruction is inside the code (the contract above).
    Ok(unsafe { ip.add(O::UNITS) })
}

/// Runs a `dst = f(lhs, imm)` instruction; returns where execution continues.
#[inline]
pub(crate) unsafe fn with_imm<O: WithImm, A: FromCell, R: ToCell>(
    regs: &mut Regs,
    ip: *const u16,
    f: impl FnOnce(A, i16) -> R,
) -> *const u16 {
    // SAFETY: forwarded from the caller.
    let (dst, lhs, imm) = unsafe { O::operands(ip) };
    regs.set(dst, f(A::from_cell(regs.get(lhs)), imm).to_cell());
    // SAFETY: the next instruction is inside the code (the contract above).
    unsafe { ip.add(O::UNITS) }
}

/// Where execution continues after conditional branch `O` at `ip`.
///
/// # Safety
/// `ip` points to the start of an `O` in verified code.
#[inline(always)]
unsafe fn branch<O: BranchOffset>(taken: bool, ip: *const u16, units: usize) -> *const u16 {
    // SAFETY (both): the verifier checked that the branch target is an instruction of the code, and that the
    // instruction after a conditional branch exists (the last instruction is a terminator).
    if taken {
        // SAFETY: forwarded from the caller.
        let offset = unsafe { O::offset(ip) };
        unsafe { ip.offset(offset.0 as isize) }
    } else {
        unsafe { ip.add(units) }
    }
}

/// Runs a branch on `f(cond)`; returns where execution continues.
#[inline]
pub(crate) unsafe fn branch1<O: Branch1 + BranchOffset, A: FromCell>(
    regs: &Regs,
    ip: *const u16,
    f: impl FnOnce(A) -> bool,
) -> *const u16 {
    // SAFETY: forwarded from the caller.
    let cond = unsafe { O::operands(ip) };
    // SAFETY: forwarded from the caller.
    unsafe { branch::<O>(f(A::from_cell(regs.get(cond))), ip, <O as Branch1>::UNITS) }
}

/// Runs a branch on `f(lhs, rhs)`; returns where execution continues.
#[inline]
pub(crate) unsafe fn branch2<O: Branch2 + BranchOffset, A: FromCell>(
    regs: &Regs,
    ip: *const u16,
    f: impl FnOnce(A, A) -> bool,
) -> *const u16 {
    // SAFETY: forwarded from the caller.
    let (lhs, rhs) = unsafe { O::operands(ip) };
    let taken = f(A::from_cell(regs.get(lhs)), A::from_cell(regs.get(rhs)));
    // SAFETY: forwarded from the caller.
    unsafe { branch::<O>(taken, ip, <O as Branch2>::UNITS) }
}

/// Runs a branch on `f(lhs, imm)`; returns where execution continues.
#[inline]
pub(crate) unsafe fn branch_imm<O: BranchImm + BranchOffset, A: FromCell>(
    regs: &Regs,
    ip: *const u16,
    f: impl FnOnce(A, i16) -> bool,
) -> *const u16 {
    // SAFETY: forwarded from the caller.
    let (lhs, imm) = unsafe { O::operands(ip) };
    // SAFETY: forwarded from the caller.
    unsafe { branch::<O>(f(A::from_cell(regs.get(lhs)), imm), ip, <O as BranchImm>::UNITS) }
}

/// Runs a load of `N` bytes; returns where execution continues.
#[inline]
pub(crate) unsafe fn load<O: Load, const N: usize, R: ToCell>(
    regs: &mut Regs,
    ip: *const u16,
    data: &[u8],
    f: impl FnOnce([u8; N]) -> R,
) -> Result<*const u16, TrapCode> {
    // SAFETY: forwarded from the caller.
    let (dst, addr, offset) = unsafe { O::operands(ip) };
    let bytes = memory::load::<N>(data, regs.get(addr), offset)?;
    regs.set(dst, f(bytes).to_cell());
    // SAFETY: the next instruction is inside the code (the contract above).
    Ok(unsafe { ip.add(O::UNITS) })
}

/// Runs a store of `N` bytes; returns where execution continues.
#[inline]
pub(crate) unsafe fn store<O: Store, const N: usize>(
    regs: &Regs,
    ip: *const u16,
    data: &mut [u8],
    f: impl FnOnce(u64) -> [u8; N],
) -> Result<*const u16, TrapCode> {
    // SAFETY: forwarded from the caller.
    let (addr, src, offset) = unsafe { O::operands(ip) };
    memory::store(data, regs.get(addr), offset, f(regs.get(src)))?;
    // SAFETY: the next instruction is inside the code (the contract above).
    Ok(unsafe { ip.add(O::UNITS) })
}

/// Runs a store of `N` bytes of an immediate; returns where execution continues.
#[inline]
pub(crate) unsafe fn store_imm<O: StoreImm, const N: usize>(
    regs: &Regs,
    ip: *const u16,
    data: &mut [u8],
    f: impl FnOnce(i16) -> [u8; N],
) -> Result<*const u16, TrapCode> {
    // SAFETY: forwarded from the caller.
    let (addr, value, offset) = unsafe { O::operands(ip) };
    memory::store(data, regs.get(addr), offset, f(value))?;
    // SAFETY: the next instruction is inside the code (the contract above).
    Ok(unsafe { ip.add(O::UNITS) })
}
