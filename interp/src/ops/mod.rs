//! The register bytecode: one table lists every instruction, and everything else is generated from it.
//!
//! # Encoding
//! Code is a sequence of 16-bit units. An instruction is its opcode unit followed by its operands in the
//! order listed: a [`Slot`], `u16`, `i16` or near branch [`Offset`] takes one unit, a `u32` or [`FarOffset`]
//! two (low half first), a `u64` four. `BrTable` alone is followed by a variable part (its targets). Every
//! immediate `imm` is an `i16` sign-extended to the operation's width. Common cases get the short forms (16-bit
//! branch offsets, memory offsets and constants); the rarer large values use `BrFar`, the `...Wide` loads and
//! stores, and `Const32`/`Const64`. A function whose branches do not all fit 16 bits is translated with
//! `BrFar` for every branch.
//!
//! # Semantics
//! `s[x]` is frame slot `x`: a 64-bit cell at `value_stack[frame_base + x]`. A frame holds the function's
//! parameters (slots `0..params`), its other locals (zeroed on entry), then its operand-stack temporaries,
//! each value taking [`cells_for`](ember_core::cells_for) its type consecutive cells: two for a `v128` (low
//! half first, named by a [`WideSlot`] where one instruction moves both), one for every other type.
//! i32 and f32 values live in the low 32 bits of a cell: readers ignore the high bits, writers of i32/f32
//! results zero them. References are 0 for null, else the store index plus one. Branch offsets are relative to
//! the first unit of the branching instruction. Every instruction reads all its operands before it writes its
//! destination, so a destination may equal an operand (the translator relies on this when it retargets a
//! result straight into a local).
//!
//! Calls pass arguments in place: the caller puts them in consecutive cells starting at `args`, and the
//! callee's frame starts there, so its parameters are slots `0..n` (`n` cells). On return the callee has
//! written its results to its slots `0..m`, which are the caller's `args..args + m`. So a `Slot` operand named `args` is
//! where the callee's frame starts rather than a slot that is read or written: it may equal the caller's frame
//! size (a call without arguments or results from a full operand stack), which the verifier allows.

use alloc::vec::Vec;
use core::fmt;

pub use crate::operand::{FarOffset, Offset, Operand, Slot, WideSlot};

mod simd_table;

/// Invokes `$mac!` with the whole instruction table. Each entry: `#[cfg(...)]` (`all()`, or `feature = "simd"`
/// for the SIMD instructions of `ops/simd_table.rs`, which come last), doc comment, name, named typed operands.
#[macro_export]
macro_rules! for_each_op {
    ($mac:ident) => {
        $crate::for_each_simd_op! { $mac [
            // ---- moves and constants ----
            /// `s[dst] = s[src]`
            Copy { dst: Slot, src: Slot }
            /// `s[dst] = s[src]`, then `s[dst2] = s[src2]` (two `Copy`s in one dispatch)
            Copy2 { dst: Slot, src: Slot, dst2: Slot, src2: Slot }
            /// `s[dst .. dst+len] = s[src .. src+len]` (as `memmove`)
            CopySpan { dst: Slot, src: Slot, len: u16 }
            /// `s[dst] = value` sign-extended to 32 bits, then zero-extended (small i32 constants, f32 +0.0)
            Const16 { dst: Slot, value: i16 }
            /// `s[dst] = value` zero-extended (i32, f32 bits)
            Const32 { dst: Slot, value: u32 }
            /// `s[dst] = value` sign-extended to 64 bits (small i64 constants)
            ConstI64S32 { dst: Slot, value: u32 }
            /// `s[dst] = value` (i64, f64 bits)
            Const64 { dst: Slot, value: u64 }
            /// `s[dst] = s[cond] as i32 != 0 ? s[if_true] : s[if_false]`
            Select { dst: Slot, cond: Slot, if_true: Slot, if_false: Slot }

            // ---- control ----
            /// Trap with `unreachable`.
            Unreachable {}
            /// Jump by `offset`.
            Br { offset: Offset }
            /// Jump by a 32-bit `offset` (functions whose branches do not fit 16 bits).
            BrFar { offset: FarOffset }
            /// Jump by `offset` if `s[cond] as i32 != 0`.
            BrIfNez { cond: Slot, offset: Offset }
            /// Jump by `offset` if `s[cond] as i32 == 0`.
            BrIfEqz { cond: Slot, offset: Offset }
            /// Jump by `offset` if `s[cond] as i64 != 0`.
            BrIfNez64 { cond: Slot, offset: Offset }
            /// Jump by `offset` if `s[cond] as i64 == 0`.
            BrIfEqz64 { cond: Slot, offset: Offset }
            /// Jump by `offset` if `s[lhs] == s[rhs]` (i32).
            BrIfI32Eq { lhs: Slot, rhs: Slot, offset: Offset }
            /// Jump by `offset` if `s[lhs] != s[rhs]` (i32).
            BrIfI32Ne { lhs: Slot, rhs: Slot, offset: Offset }
            /// Jump by `offset` if `s[lhs] < s[rhs]` (i32 signed).
            BrIfI32LtS { lhs: Slot, rhs: Slot, offset: Offset }
            /// Jump by `offset` if `s[lhs] < s[rhs]` (i32 unsigned).
            BrIfI32LtU { lhs: Slot, rhs: Slot, offset: Offset }
            /// Jump by `offset` if `s[lhs] > s[rhs]` (i32 signed).
            BrIfI32GtS { lhs: Slot, rhs: Slot, offset: Offset }
            /// Jump by `offset` if `s[lhs] > s[rhs]` (i32 unsigned).
            BrIfI32GtU { lhs: Slot, rhs: Slot, offset: Offset }
            /// Jump by `offset` if `s[lhs] <= s[rhs]` (i32 signed).
            BrIfI32LeS { lhs: Slot, rhs: Slot, offset: Offset }
            /// Jump by `offset` if `s[lhs] <= s[rhs]` (i32 unsigned).
            BrIfI32LeU { lhs: Slot, rhs: Slot, offset: Offset }
            /// Jump by `offset` if `s[lhs] >= s[rhs]` (i32 signed).
            BrIfI32GeS { lhs: Slot, rhs: Slot, offset: Offset }
            /// Jump by `offset` if `s[lhs] >= s[rhs]` (i32 unsigned).
            BrIfI32GeU { lhs: Slot, rhs: Slot, offset: Offset }
            /// Jump by `offset` if `s[lhs] == imm` (i32, `imm` sign-extended).
            BrIfI32EqImm { lhs: Slot, imm: i16, offset: Offset }
            /// Jump by `offset` if `s[lhs] != imm` (i32).
            BrIfI32NeImm { lhs: Slot, imm: i16, offset: Offset }
            /// Jump by `offset` if `s[lhs] < imm` (i32 signed).
            BrIfI32LtSImm { lhs: Slot, imm: i16, offset: Offset }
            /// Jump by `offset` if `s[lhs] < imm` (i32 unsigned; `imm` sign-extended then unsigned).
            BrIfI32LtUImm { lhs: Slot, imm: i16, offset: Offset }
            /// Jump by `offset` if `s[lhs] > imm` (i32 signed).
            BrIfI32GtSImm { lhs: Slot, imm: i16, offset: Offset }
            /// Jump by `offset` if `s[lhs] > imm` (i32 unsigned).
            BrIfI32GtUImm { lhs: Slot, imm: i16, offset: Offset }
            /// Jump by `offset` if `s[lhs] <= imm` (i32 signed).
            BrIfI32LeSImm { lhs: Slot, imm: i16, offset: Offset }
            /// Jump by `offset` if `s[lhs] <= imm` (i32 unsigned).
            BrIfI32LeUImm { lhs: Slot, imm: i16, offset: Offset }
            /// Jump by `offset` if `s[lhs] >= imm` (i32 signed).
            BrIfI32GeSImm { lhs: Slot, imm: i16, offset: Offset }
            /// Jump by `offset` if `s[lhs] >= imm` (i32 unsigned).
            BrIfI32GeUImm { lhs: Slot, imm: i16, offset: Offset }
            /// Jump by `offset` if `s[lhs] == s[rhs]` (i64).
            BrIfI64Eq { lhs: Slot, rhs: Slot, offset: Offset }
            /// Jump by `offset` if `s[lhs] != s[rhs]` (i64).
            BrIfI64Ne { lhs: Slot, rhs: Slot, offset: Offset }
            /// Jump by `offset` if `s[lhs] < s[rhs]` (i64 signed).
            BrIfI64LtS { lhs: Slot, rhs: Slot, offset: Offset }
            /// Jump by `offset` if `s[lhs] < s[rhs]` (i64 unsigned).
            BrIfI64LtU { lhs: Slot, rhs: Slot, offset: Offset }
            /// Jump by `offset` if `s[lhs] > s[rhs]` (i64 signed).
            BrIfI64GtS { lhs: Slot, rhs: Slot, offset: Offset }
            /// Jump by `offset` if `s[lhs] > s[rhs]` (i64 unsigned).
            BrIfI64GtU { lhs: Slot, rhs: Slot, offset: Offset }
            /// Jump by `offset` if `s[lhs] <= s[rhs]` (i64 signed).
            BrIfI64LeS { lhs: Slot, rhs: Slot, offset: Offset }
            /// Jump by `offset` if `s[lhs] <= s[rhs]` (i64 unsigned).
            BrIfI64LeU { lhs: Slot, rhs: Slot, offset: Offset }
            /// Jump by `offset` if `s[lhs] >= s[rhs]` (i64 signed).
            BrIfI64GeS { lhs: Slot, rhs: Slot, offset: Offset }
            /// Jump by `offset` if `s[lhs] >= s[rhs]` (i64 unsigned).
            BrIfI64GeU { lhs: Slot, rhs: Slot, offset: Offset }
            /// Followed by `len + 1` [`FarOffset`]s: jump by target `min(s[index] as u32, len)` (the last is
            /// the default).
            BrTable { index: Slot, len: u32 }
            /// Return with no results.
            Return0 {}
            /// Return with one result: `s[0] = s[src]`, then return.
            Return1 { src: Slot }
            /// Return with `len` results: `s[0..len] = s[src..src+len]`, then return.
            ReturnSpan { src: Slot, len: u16 }
            /// Call function `func` of this instance's function index space (imported or defined).
            Call { func: u16, args: Slot }
            /// `Call` with a 32-bit function index.
            CallWide { func: u32, args: Slot }
            /// Call `table[s[index] as u32]`, checking its signature against module type `ty`.
            CallIndirect { ty: u32, table: u32, index: Slot, args: Slot }
            /// Subtract `amount` from the store's fuel; trap with `all fuel consumed` if there is not enough.
            ConsumeFuel { amount: u32 }
            /// Mark a loop header and count a pass through it for tier-up's loop sampling (emitted only when a tier-up
            /// threshold is set).
            ProfileLoop {}

            // ---- globals, references, tables ----
            /// `s[dst] = global[global]`
            GlobalGet { dst: Slot, global: u32 }
            /// `global[global] = s[src]`
            GlobalSet { global: u32, src: Slot }
            /// `s[dst] = ` reference to this instance's function `func`
            RefFunc { dst: Slot, func: u32 }
            /// `s[dst] = table[s[index] as u32]`, trap `out of bounds table access`
            TableGet { dst: Slot, table: u32, index: Slot }
            /// `table[s[index] as u32] = s[value]`, trap `out of bounds table access`
            TableSet { table: u32, index: Slot, value: Slot }
            /// `s[dst] = size of table`
            TableSize { dst: Slot, table: u32 }
            /// `s[dst] = ` old size, or -1: grow by `s[delta]` elements set to `s[init]`
            TableGrow { dst: Slot, table: u32, init: Slot, delta: Slot }
            /// Fill `s[len]` elements from `s[dst]` with `s[value]`
            TableFill { table: u32, dst: Slot, value: Slot, len: Slot }
            /// Copy `s[len]` elements from `src_table[s[src]..]` to `dst_table[s[dst]..]`
            TableCopy { dst_table: u32, src_table: u32, dst: Slot, src: Slot, len: Slot }
            /// Copy `s[len]` items of element segment `elem` from `s[src]` into `table` at `s[dst]`
            TableInit { table: u32, elem: u32, dst: Slot, src: Slot, len: Slot }
            /// Drop element segment `elem`
            ElemDrop { elem: u32 }

            // ---- memory (memory 0; addresses are i32, effective address = addr + offset) ----
            /// `s[dst] = ` i32 at `s[addr] + offset`
            I32Load { dst: Slot, addr: Slot, offset: u16 }
            /// `s[dst] = ` i64 at `s[addr] + offset`
            I64Load { dst: Slot, addr: Slot, offset: u16 }
            /// `s[dst] = ` i8 sign-extended to i32
            I32Load8S { dst: Slot, addr: Slot, offset: u16 }
            /// `s[dst] = ` u8 zero-extended to i32
            I32Load8U { dst: Slot, addr: Slot, offset: u16 }
            /// `s[dst] = ` i16 sign-extended to i32
            I32Load16S { dst: Slot, addr: Slot, offset: u16 }
            /// `s[dst] = ` u16 zero-extended to i32
            I32Load16U { dst: Slot, addr: Slot, offset: u16 }
            /// `s[dst] = ` i8 sign-extended to i64
            I64Load8S { dst: Slot, addr: Slot, offset: u16 }
            /// `s[dst] = ` u8 zero-extended to i64
            I64Load8U { dst: Slot, addr: Slot, offset: u16 }
            /// `s[dst] = ` i16 sign-extended to i64
            I64Load16S { dst: Slot, addr: Slot, offset: u16 }
            /// `s[dst] = ` u16 zero-extended to i64
            I64Load16U { dst: Slot, addr: Slot, offset: u16 }
            /// `s[dst] = ` i32 sign-extended to i64
            I64Load32S { dst: Slot, addr: Slot, offset: u16 }
            /// `s[dst] = ` u32 zero-extended to i64
            I64Load32U { dst: Slot, addr: Slot, offset: u16 }
            /// Store the low 32 bits of `s[src]` (also f32.store)
            I32Store { addr: Slot, src: Slot, offset: u16 }
            /// Store the 64 bits of `s[src]` (also f64.store)
            I64Store { addr: Slot, src: Slot, offset: u16 }
            /// Store the low 8 bits
            Store8 { addr: Slot, src: Slot, offset: u16 }
            /// Store the low 16 bits
            Store16 { addr: Slot, src: Slot, offset: u16 }
            // ---- loads fused with the address arithmetic before them (`i32.add` wraps, then `offset` adds) ----
            /// `s[dst] = ` i32 at `(s[addr] + imm) as u32 + offset` (`imm` sign-extended, the sum wraps)
            I32LoadAddImm { dst: Slot, addr: Slot, imm: i16, offset: u16 }
            /// `s[dst] = ` i64 at `(s[addr] + imm) as u32 + offset`
            I64LoadAddImm { dst: Slot, addr: Slot, imm: i16, offset: u16 }
            /// `s[dst] = ` u8 zero-extended to i32 at `(s[addr] + imm) as u32 + offset`
            I32Load8UAddImm { dst: Slot, addr: Slot, imm: i16, offset: u16 }
            /// `s[dst] = ` i32 at `(s[base] + s[index]) as u32 + offset` (the sum wraps)
            I32LoadIdx { dst: Slot, base: Slot, index: Slot, offset: u16 }
            /// `s[dst] = ` i64 at `(s[base] + s[index]) as u32 + offset`
            I64LoadIdx { dst: Slot, base: Slot, index: Slot, offset: u16 }
            /// `s[dst] = ` u8 zero-extended to i32 at `(s[base] + s[index]) as u32 + offset`
            I32Load8UIdx { dst: Slot, base: Slot, index: Slot, offset: u16 }
            /// Store the low 32 bits of `s[src]` at `(s[addr] + imm) as u32 + offset`
            I32StoreAddImm { addr: Slot, imm: i16, src: Slot, offset: u16 }
            /// Store the 64 bits of `s[src]` at `(s[addr] + imm) as u32 + offset`
            I64StoreAddImm { addr: Slot, imm: i16, src: Slot, offset: u16 }
            /// Store the low 8 bits of `s[src]` at `(s[addr] + imm) as u32 + offset`
            Store8AddImm { addr: Slot, imm: i16, src: Slot, offset: u16 }
            /// Store the low 32 bits of `s[src]` at `(s[base] + s[index]) as u32 + offset`
            I32StoreIdx { base: Slot, index: Slot, src: Slot, offset: u16 }
            /// Store the 64 bits of `s[src]` at `(s[base] + s[index]) as u32 + offset`
            I64StoreIdx { base: Slot, index: Slot, src: Slot, offset: u16 }
            /// Store the low 8 bits of `s[src]` at `(s[base] + s[index]) as u32 + offset`
            Store8Idx { base: Slot, index: Slot, src: Slot, offset: u16 }
            // ---- the same with 32-bit static offsets ----
            /// `s[dst] = ` i32 at `s[addr] + offset` (32-bit offset)
            I32LoadWide { dst: Slot, addr: Slot, offset: u32 }
            /// `s[dst] = ` i64 at `s[addr] + offset` (32-bit offset)
            I64LoadWide { dst: Slot, addr: Slot, offset: u32 }
            /// `s[dst] = ` i8 sign-extended to i32 (32-bit offset)
            I32Load8SWide { dst: Slot, addr: Slot, offset: u32 }
            /// `s[dst] = ` u8 zero-extended to i32 (32-bit offset)
            I32Load8UWide { dst: Slot, addr: Slot, offset: u32 }
            /// `s[dst] = ` i16 sign-extended to i32 (32-bit offset)
            I32Load16SWide { dst: Slot, addr: Slot, offset: u32 }
            /// `s[dst] = ` u16 zero-extended to i32 (32-bit offset)
            I32Load16UWide { dst: Slot, addr: Slot, offset: u32 }
            /// `s[dst] = ` i8 sign-extended to i64 (32-bit offset)
            I64Load8SWide { dst: Slot, addr: Slot, offset: u32 }
            /// `s[dst] = ` u8 zero-extended to i64 (32-bit offset)
            I64Load8UWide { dst: Slot, addr: Slot, offset: u32 }
            /// `s[dst] = ` i16 sign-extended to i64 (32-bit offset)
            I64Load16SWide { dst: Slot, addr: Slot, offset: u32 }
            /// `s[dst] = ` u16 zero-extended to i64 (32-bit offset)
            I64Load16UWide { dst: Slot, addr: Slot, offset: u32 }
            /// `s[dst] = ` i32 sign-extended to i64 (32-bit offset)
            I64Load32SWide { dst: Slot, addr: Slot, offset: u32 }
            /// `s[dst] = ` u32 zero-extended to i64 (32-bit offset)
            I64Load32UWide { dst: Slot, addr: Slot, offset: u32 }
            /// Store the low 32 bits of `s[src]` (also f32.store) (32-bit offset)
            I32StoreWide { addr: Slot, src: Slot, offset: u32 }
            /// Store the 64 bits of `s[src]` (also f64.store) (32-bit offset)
            I64StoreWide { addr: Slot, src: Slot, offset: u32 }
            /// Store the low 8 bits (32-bit offset)
            Store8Wide { addr: Slot, src: Slot, offset: u32 }
            /// Store the low 16 bits (32-bit offset)
            Store16Wide { addr: Slot, src: Slot, offset: u32 }
            /// Store the low 32 bits of `imm` (sign-extended) at `s[addr] + offset`
            I32StoreImm { addr: Slot, value: i16, offset: u16 }
            /// Store `imm` sign-extended to 64 bits at `s[addr] + offset`
            I64StoreImm { addr: Slot, value: i16, offset: u16 }
            /// Store the low 8 bits of `imm` at `s[addr] + offset`
            Store8Imm { addr: Slot, value: i16, offset: u16 }
            /// Store the low 16 bits of `imm` at `s[addr] + offset`
            Store16Imm { addr: Slot, value: i16, offset: u16 }
            /// `s[dst] = ` memory size in pages
            MemorySize { dst: Slot }
            /// `s[dst] = ` old size in pages, or -1: grow by `s[delta]` pages
            MemoryGrow { dst: Slot, delta: Slot }
            /// Fill `s[len]` bytes at `s[dst]` with the byte `s[value]`
            MemoryFill { dst: Slot, value: Slot, len: Slot }
            /// Copy `s[len]` bytes from `s[src]` to `s[dst]` (overlap allowed)
            MemoryCopy { dst: Slot, src: Slot, len: Slot }
            /// Copy `s[len]` bytes of data segment `data` from `s[src]` to memory at `s[dst]`
            MemoryInit { data: u32, dst: Slot, src: Slot, len: Slot }
            /// Drop data segment `data`
            DataDrop { data: u32 }

            // ---- i32 ----
            /// `s[dst] = s[src] == 0`
            I32Eqz { dst: Slot, src: Slot }
            /// `s[dst] = s[lhs] == s[rhs]`
            I32Eq { dst: Slot, lhs: Slot, rhs: Slot }
            /// `s[dst] = s[lhs] != s[rhs]`
            I32Ne { dst: Slot, lhs: Slot, rhs: Slot }
            /// signed `<`
            I32LtS { dst: Slot, lhs: Slot, rhs: Slot }
            /// unsigned `<`
            I32LtU { dst: Slot, lhs: Slot, rhs: Slot }
            /// signed `>`
            I32GtS { dst: Slot, lhs: Slot, rhs: Slot }
            /// unsigned `>`
            I32GtU { dst: Slot, lhs: Slot, rhs: Slot }
            /// signed `<=`
            I32LeS { dst: Slot, lhs: Slot, rhs: Slot }
            /// unsigned `<=`
            I32LeU { dst: Slot, lhs: Slot, rhs: Slot }
            /// signed `>=`
            I32GeS { dst: Slot, lhs: Slot, rhs: Slot }
            /// unsigned `>=`
            I32GeU { dst: Slot, lhs: Slot, rhs: Slot }
            /// count leading zeros
            I32Clz { dst: Slot, src: Slot }
            /// count trailing zeros
            I32Ctz { dst: Slot, src: Slot }
            /// population count
            I32Popcnt { dst: Slot, src: Slot }
            /// wrapping add
            I32Add { dst: Slot, lhs: Slot, rhs: Slot }
            /// wrapping sub
            I32Sub { dst: Slot, lhs: Slot, rhs: Slot }
            /// wrapping mul
            I32Mul { dst: Slot, lhs: Slot, rhs: Slot }
            /// signed division; traps on zero and overflow
            I32DivS { dst: Slot, lhs: Slot, rhs: Slot }
            /// unsigned division; traps on zero
            I32DivU { dst: Slot, lhs: Slot, rhs: Slot }
            /// signed remainder; traps on zero (`MIN % -1 == 0`)
            I32RemS { dst: Slot, lhs: Slot, rhs: Slot }
            /// unsigned remainder; traps on zero
            I32RemU { dst: Slot, lhs: Slot, rhs: Slot }
            /// bitwise and
            I32And { dst: Slot, lhs: Slot, rhs: Slot }
            /// bitwise or
            I32Or { dst: Slot, lhs: Slot, rhs: Slot }
            /// bitwise xor
            I32Xor { dst: Slot, lhs: Slot, rhs: Slot }
            /// shift left (count mod 32)
            I32Shl { dst: Slot, lhs: Slot, rhs: Slot }
            /// arithmetic shift right
            I32ShrS { dst: Slot, lhs: Slot, rhs: Slot }
            /// logical shift right
            I32ShrU { dst: Slot, lhs: Slot, rhs: Slot }
            /// rotate left
            I32Rotl { dst: Slot, lhs: Slot, rhs: Slot }
            /// rotate right
            I32Rotr { dst: Slot, lhs: Slot, rhs: Slot }
            /// `s[dst] = s[lhs] + imm` (imm sign-extended)
            I32AddImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] * imm`
            I32MulImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] & imm`
            I32AndImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] | imm`
            I32OrImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] ^ imm`
            I32XorImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] << (imm & 31)`
            I32ShlImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] >> (imm & 31)` (signed)
            I32ShrSImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] >> (imm & 31)` (unsigned)
            I32ShrUImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = (s[lhs] as u32 >> (shift % 32)) & mask` (mask sign-extended): a bit field, as
            /// `I32ShrUImm` then `I32AndImm` compute it
            I32ShrUAndImm { dst: Slot, lhs: Slot, shift: i16, mask: i16 }
            /// `s[dst] = s[lhs].rotate_left(imm & 31)` (`rotr` by `c` is `rotl` by `-c`)
            I32RotlImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] + imm` (32-bit immediate)
            I32AddImm32 { dst: Slot, lhs: Slot, imm: u32 }
            /// `s[dst] = s[lhs] & imm` (32-bit immediate)
            I32AndImm32 { dst: Slot, lhs: Slot, imm: u32 }
            /// `s[dst] = s[lhs] | imm` (32-bit immediate)
            I32OrImm32 { dst: Slot, lhs: Slot, imm: u32 }
            /// `s[dst] = s[lhs] ^ imm` (32-bit immediate)
            I32XorImm32 { dst: Slot, lhs: Slot, imm: u32 }
            /// `s[dst] = s[lhs] == imm`
            I32EqImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] != imm`
            I32NeImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] < imm` (signed)
            I32LtSImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] < imm` (unsigned)
            I32LtUImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] > imm` (signed)
            I32GtSImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] > imm` (unsigned)
            I32GtUImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] <= imm` (signed)
            I32LeSImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] <= imm` (unsigned)
            I32LeUImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] >= imm` (signed)
            I32GeSImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] >= imm` (unsigned)
            I32GeUImm { dst: Slot, lhs: Slot, imm: i16 }

            // ---- i64 ----
            /// `s[dst] = s[src] == 0` (i32 result)
            I64Eqz { dst: Slot, src: Slot }
            /// `==` (i32 result)
            I64Eq { dst: Slot, lhs: Slot, rhs: Slot }
            /// `!=`
            I64Ne { dst: Slot, lhs: Slot, rhs: Slot }
            /// signed `<`
            I64LtS { dst: Slot, lhs: Slot, rhs: Slot }
            /// unsigned `<`
            I64LtU { dst: Slot, lhs: Slot, rhs: Slot }
            /// signed `>`
            I64GtS { dst: Slot, lhs: Slot, rhs: Slot }
            /// unsigned `>`
            I64GtU { dst: Slot, lhs: Slot, rhs: Slot }
            /// signed `<=`
            I64LeS { dst: Slot, lhs: Slot, rhs: Slot }
            /// unsigned `<=`
            I64LeU { dst: Slot, lhs: Slot, rhs: Slot }
            /// signed `>=`
            I64GeS { dst: Slot, lhs: Slot, rhs: Slot }
            /// unsigned `>=`
            I64GeU { dst: Slot, lhs: Slot, rhs: Slot }
            /// count leading zeros
            I64Clz { dst: Slot, src: Slot }
            /// count trailing zeros
            I64Ctz { dst: Slot, src: Slot }
            /// population count
            I64Popcnt { dst: Slot, src: Slot }
            /// wrapping add
            I64Add { dst: Slot, lhs: Slot, rhs: Slot }
            /// wrapping sub
            I64Sub { dst: Slot, lhs: Slot, rhs: Slot }
            /// wrapping mul
            I64Mul { dst: Slot, lhs: Slot, rhs: Slot }
            /// signed division; traps on zero and overflow
            I64DivS { dst: Slot, lhs: Slot, rhs: Slot }
            /// unsigned division; traps on zero
            I64DivU { dst: Slot, lhs: Slot, rhs: Slot }
            /// signed remainder; traps on zero
            I64RemS { dst: Slot, lhs: Slot, rhs: Slot }
            /// unsigned remainder; traps on zero
            I64RemU { dst: Slot, lhs: Slot, rhs: Slot }
            /// bitwise and
            I64And { dst: Slot, lhs: Slot, rhs: Slot }
            /// bitwise or
            I64Or { dst: Slot, lhs: Slot, rhs: Slot }
            /// bitwise xor
            I64Xor { dst: Slot, lhs: Slot, rhs: Slot }
            /// shift left (count mod 64)
            I64Shl { dst: Slot, lhs: Slot, rhs: Slot }
            /// arithmetic shift right
            I64ShrS { dst: Slot, lhs: Slot, rhs: Slot }
            /// logical shift right
            I64ShrU { dst: Slot, lhs: Slot, rhs: Slot }
            /// rotate left
            I64Rotl { dst: Slot, lhs: Slot, rhs: Slot }
            /// rotate right
            I64Rotr { dst: Slot, lhs: Slot, rhs: Slot }
            /// `s[dst] = s[lhs] + imm` (imm sign-extended to 64 bits)
            I64AddImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] * imm`
            I64MulImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] & imm`
            I64AndImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] | imm`
            I64OrImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] ^ imm`
            I64XorImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] << (imm & 63)`
            I64ShlImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] >> (imm & 63)` (signed)
            I64ShrSImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] >> (imm & 63)` (unsigned)
            I64ShrUImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs].rotate_left(imm & 63)` (`rotr` by `c` is `rotl` by `-c`)
            I64RotlImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] == imm` (i32 result)
            I64EqImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] != imm`
            I64NeImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] < imm` (signed)
            I64LtSImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] < imm` (unsigned)
            I64LtUImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] > imm` (signed)
            I64GtSImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] > imm` (unsigned)
            I64GtUImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] <= imm` (signed)
            I64LeSImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] <= imm` (unsigned)
            I64LeUImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] >= imm` (signed)
            I64GeSImm { dst: Slot, lhs: Slot, imm: i16 }
            /// `s[dst] = s[lhs] >= imm` (unsigned)
            I64GeUImm { dst: Slot, lhs: Slot, imm: i16 }

            // ---- f32 ----
            /// `==` (i32 result)
            F32Eq { dst: Slot, lhs: Slot, rhs: Slot }
            /// `!=`
            F32Ne { dst: Slot, lhs: Slot, rhs: Slot }
            /// `<`
            F32Lt { dst: Slot, lhs: Slot, rhs: Slot }
            /// `>`
            F32Gt { dst: Slot, lhs: Slot, rhs: Slot }
            /// `<=`
            F32Le { dst: Slot, lhs: Slot, rhs: Slot }
            /// `>=`
            F32Ge { dst: Slot, lhs: Slot, rhs: Slot }
            /// absolute value (clears the sign bit)
            F32Abs { dst: Slot, src: Slot }
            /// negation (flips the sign bit)
            F32Neg { dst: Slot, src: Slot }
            /// round up
            F32Ceil { dst: Slot, src: Slot }
            /// round down
            F32Floor { dst: Slot, src: Slot }
            /// round toward zero
            F32Trunc { dst: Slot, src: Slot }
            /// round to nearest, ties to even
            F32Nearest { dst: Slot, src: Slot }
            /// square root
            F32Sqrt { dst: Slot, src: Slot }
            /// add
            F32Add { dst: Slot, lhs: Slot, rhs: Slot }
            /// sub
            F32Sub { dst: Slot, lhs: Slot, rhs: Slot }
            /// mul
            F32Mul { dst: Slot, lhs: Slot, rhs: Slot }
            /// div
            F32Div { dst: Slot, lhs: Slot, rhs: Slot }
            /// wasm `min` (NaN-propagating, -0 < +0)
            F32Min { dst: Slot, lhs: Slot, rhs: Slot }
            /// wasm `max`
            F32Max { dst: Slot, lhs: Slot, rhs: Slot }
            /// magnitude of lhs, sign of rhs
            F32Copysign { dst: Slot, lhs: Slot, rhs: Slot }

            // ---- f64 ----
            /// `==` (i32 result)
            F64Eq { dst: Slot, lhs: Slot, rhs: Slot }
            /// `!=`
            F64Ne { dst: Slot, lhs: Slot, rhs: Slot }
            /// `<`
            F64Lt { dst: Slot, lhs: Slot, rhs: Slot }
            /// `>`
            F64Gt { dst: Slot, lhs: Slot, rhs: Slot }
            /// `<=`
            F64Le { dst: Slot, lhs: Slot, rhs: Slot }
            /// `>=`
            F64Ge { dst: Slot, lhs: Slot, rhs: Slot }
            /// absolute value
            F64Abs { dst: Slot, src: Slot }
            /// negation
            F64Neg { dst: Slot, src: Slot }
            /// round up
            F64Ceil { dst: Slot, src: Slot }
            /// round down
            F64Floor { dst: Slot, src: Slot }
            /// round toward zero
            F64Trunc { dst: Slot, src: Slot }
            /// round to nearest, ties to even
            F64Nearest { dst: Slot, src: Slot }
            /// square root
            F64Sqrt { dst: Slot, src: Slot }
            /// add
            F64Add { dst: Slot, lhs: Slot, rhs: Slot }
            /// sub
            F64Sub { dst: Slot, lhs: Slot, rhs: Slot }
            /// mul
            F64Mul { dst: Slot, lhs: Slot, rhs: Slot }
            /// div
            F64Div { dst: Slot, lhs: Slot, rhs: Slot }
            /// wasm `min`
            F64Min { dst: Slot, lhs: Slot, rhs: Slot }
            /// wasm `max`
            F64Max { dst: Slot, lhs: Slot, rhs: Slot }
            /// magnitude of lhs, sign of rhs
            F64Copysign { dst: Slot, lhs: Slot, rhs: Slot }

            // ---- conversions (reinterpretations are plain copies) ----
            /// i64 -> i32 (low 32 bits)
            I32WrapI64 { dst: Slot, src: Slot }
            /// f32 -> i32 signed, trapping
            I32TruncF32S { dst: Slot, src: Slot }
            /// f32 -> i32 unsigned, trapping
            I32TruncF32U { dst: Slot, src: Slot }
            /// f64 -> i32 signed, trapping
            I32TruncF64S { dst: Slot, src: Slot }
            /// f64 -> i32 unsigned, trapping
            I32TruncF64U { dst: Slot, src: Slot }
            /// i32 -> i64 sign-extended
            I64ExtendI32S { dst: Slot, src: Slot }
            /// i32 -> i64 zero-extended
            I64ExtendI32U { dst: Slot, src: Slot }
            /// f32 -> i64 signed, trapping
            I64TruncF32S { dst: Slot, src: Slot }
            /// f32 -> i64 unsigned, trapping
            I64TruncF32U { dst: Slot, src: Slot }
            /// f64 -> i64 signed, trapping
            I64TruncF64S { dst: Slot, src: Slot }
            /// f64 -> i64 unsigned, trapping
            I64TruncF64U { dst: Slot, src: Slot }
            /// i32 signed -> f32
            F32ConvertI32S { dst: Slot, src: Slot }
            /// i32 unsigned -> f32
            F32ConvertI32U { dst: Slot, src: Slot }
            /// i64 signed -> f32
            F32ConvertI64S { dst: Slot, src: Slot }
            /// i64 unsigned -> f32
            F32ConvertI64U { dst: Slot, src: Slot }
            /// f64 -> f32
            F32DemoteF64 { dst: Slot, src: Slot }
            /// i32 signed -> f64
            F64ConvertI32S { dst: Slot, src: Slot }
            /// i32 unsigned -> f64
            F64ConvertI32U { dst: Slot, src: Slot }
            /// i64 signed -> f64
            F64ConvertI64S { dst: Slot, src: Slot }
            /// i64 unsigned -> f64
            F64ConvertI64U { dst: Slot, src: Slot }
            /// f32 -> f64
            F64PromoteF32 { dst: Slot, src: Slot }
            /// sign-extend the low 8 bits (i32)
            I32Extend8S { dst: Slot, src: Slot }
            /// sign-extend the low 16 bits (i32)
            I32Extend16S { dst: Slot, src: Slot }
            /// sign-extend the low 8 bits (i64)
            I64Extend8S { dst: Slot, src: Slot }
            /// sign-extend the low 16 bits (i64)
            I64Extend16S { dst: Slot, src: Slot }
            /// sign-extend the low 32 bits (i64)
            I64Extend32S { dst: Slot, src: Slot }
            /// f32 -> i32 signed, saturating
            I32TruncSatF32S { dst: Slot, src: Slot }
            /// f32 -> i32 unsigned, saturating
            I32TruncSatF32U { dst: Slot, src: Slot }
            /// f64 -> i32 signed, saturating
            I32TruncSatF64S { dst: Slot, src: Slot }
            /// f64 -> i32 unsigned, saturating
            I32TruncSatF64U { dst: Slot, src: Slot }
            /// f32 -> i64 signed, saturating
            I64TruncSatF32S { dst: Slot, src: Slot }
            /// f32 -> i64 unsigned, saturating
            I64TruncSatF32U { dst: Slot, src: Slot }
            /// f64 -> i64 signed, saturating
            I64TruncSatF64S { dst: Slot, src: Slot }
            /// f64 -> i64 unsigned, saturating
            I64TruncSatF64U { dst: Slot, src: Slot }

            // ---- 128-bit values (two cells: low half, then high half) ----
            /// `s[dst .. dst+2] = global[global]` (a `v128` global: its two cells)
            GlobalGet128 { dst: WideSlot, global: u32 }
            /// `global[global] = s[src .. src+2]` (a `v128` global: its two cells)
            GlobalSet128 { global: u32, src: WideSlot }
        ] }
    };
}

/// Checks one operand: [`Operand::verify`], except that a call's `args` (a [`Slot`]) is the start of the
/// callee's frame, which may be the first slot past the caller's frame.
macro_rules! verify_field {
    ($op:ident, $cx:ident, args) => {
        $cx.frame_base($op.args, "args")?
    };
    ($op:ident, $cx:ident, $field:ident) => {
        $op.$field.verify($cx, stringify!($field))?
    };
}

/// Where the operand named `dst` is, in units from the opcode (0: the instruction has none), with bit 7 set if
/// it is a [`WideSlot`] (two cells). `names`, `units` and `wide` are the instruction's operands in order.
const fn dst_at(names: &[&str], units: &[usize], wide: &[bool]) -> u8 {
    let mut at = 1;
    let mut k = 0;
    while k < names.len() {
        let name = names[k].as_bytes();
        if name.len() == 3 && name[0] == b'd' && name[1] == b's' && name[2] == b't' {
            return at as u8 | if wide[k] { 0x80 } else { 0 };
        }
        at += units[k];
        k += 1;
    }
    0
}

/// Where the branch offset operand is, in units from the opcode, with bit 7 set for a [`FarOffset`] (0: the
/// instruction has none). `kinds` are the operands' [`Operand::BRANCH`], `units` their lengths.
const fn branch_at(kinds: &[u8], units: &[usize]) -> u8 {
    let mut at = 1;
    let mut k = 0;
    while k < kinds.len() {
        match kinds[k] {
            1 => return at as u8,
            2 => return at as u8 | 0x80,
            _ => {}
        }
        at += units[k];
        k += 1;
    }
    0
}

/// An instruction's operands for [`Opcode::verify_operands`]: one entry per operand, its kind in the high byte
/// (`KIND_*`) and for a checked one the index of its name in the table of names below, `KIND_END` after the
/// last.
type Layout = [u16; MAX_OPERANDS];
/// The most operands an instruction has.
const MAX_OPERANDS: usize = 5;
const KIND_SHIFT: u16 = 8;
const NAME_MASK: u16 = (1 << KIND_SHIFT) - 1;
const KIND_END: u8 = 0;
/// A [`Slot`]: inside the frame.
const KIND_SLOT: u8 = 1;
/// A call's `args` (a [`Slot`]): the start of the callee's frame, which may be the first slot past the caller's.
const KIND_ARGS: u8 = 2;
/// An [`Offset`]: a branch.
const KIND_OFFSET: u8 = 3;
/// A [`FarOffset`]: a branch.
const KIND_FAR_OFFSET: u8 = 4;
/// A [`WideSlot`]: both its cells inside the frame.
const KIND_WIDE_SLOT: u8 = 5;
/// Unchecked operands of one, two and four units (immediates and indices the executor checks itself).
const KIND_UNITS_1: u8 = 6;
const KIND_UNITS_2: u8 = 7;
const KIND_UNITS_4: u8 = 8;

/// An operand's kind (`KIND_*`), from its name and its [`Operand`] constants: what [`Operand::verify`] (and
/// `verify_field!` for `args`) checks of it.
const fn field_kind(name: &str, slot: bool, wide_slot: bool, branch: u8, units: usize) -> u8 {
    if wide_slot {
        KIND_WIDE_SLOT
    } else if slot && str_eq(name, "args") {
        KIND_ARGS
    } else if slot {
        KIND_SLOT
    } else if branch == 1 {
        KIND_OFFSET
    } else if branch == 2 {
        KIND_FAR_OFFSET
    } else {
        match units {
            1 => KIND_UNITS_1,
            2 => KIND_UNITS_2,
            4 => KIND_UNITS_4,
            _ => panic!("an operand of an unexpected length"),
        }
    }
}

/// The length in units of an operand of kind `kind` (not `KIND_END`).
#[inline]
fn kind_units(kind: u8) -> u8 {
    match kind {
        KIND_FAR_OFFSET | KIND_UNITS_2 => 2,
        KIND_UNITS_4 => 4,
        _ => 1,
    }
}

/// Whether a kind is checked (and its name kept for the error message).
const fn kind_is_checked(kind: u8) -> bool {
    kind >= KIND_SLOT && kind <= KIND_WIDE_SLOT
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The distinct names of checked operands (the first `N`) and how many there are (`N` may be too large: the
/// first pass counts).
const fn field_names<const N: usize>(fields: &[&[(&'static str, u8)]]) -> ([&'static str; N], usize) {
    let mut names = [""; N];
    let mut len = 0;
    let mut op = 0;
    while op < fields.len() {
        let mut k = 0;
        while k < fields[op].len() {
            let (name, kind) = fields[op][k];
            if kind_is_checked(kind) && name_index(&names, len, name) == len {
                if len < N {
                    names[len] = name;
                }
                len += 1;
            }
            k += 1;
        }
        op += 1;
    }
    assert!(len <= NAME_MASK as usize + 1, "too many operand names for the layout table");
    (names, len)
}

/// Where `name` is among `names[..len]`; `len` if it is not.
const fn name_index(names: &[&str], len: usize, name: &str) -> usize {
    let mut i = 0;
    while i < len && i < names.len() {
        if str_eq(names[i], name) {
            return i;
        }
        i += 1;
    }
    len
}

/// The distinct layouts (the first `L`), how many there are, and each instruction's layout (`L` may be too
/// large: the first pass counts).
const fn layouts<const N: usize, const L: usize>(
    fields: &[&[(&str, u8)]],
    names: &[&str; N],
) -> ([Layout; L], usize, [u8; Opcode::ALL.len()]) {
    let mut table = [[KIND_END as u16; MAX_OPERANDS]; L];
    let mut len = 0;
    let mut of = [0u8; Opcode::ALL.len()];
    let mut op = 0;
    while op < fields.len() {
        assert!(fields[op].len() <= MAX_OPERANDS, "an instruction with more operands than the layout table holds");
        let mut layout = [KIND_END as u16; MAX_OPERANDS];
        let mut k = 0;
        while k < fields[op].len() {
            let (name, kind) = fields[op][k];
            let index = if kind_is_checked(kind) { name_index(names, N, name) } else { 0 };
            layout[k] = (kind as u16) << KIND_SHIFT | index as u16;
            k += 1;
        }
        let mut found = 0;
        while found < len && found < L && !layout_eq(&table[found], &layout) {
            found += 1;
        }
        if found == len {
            if len < L {
                table[len] = layout;
            }
            len += 1;
        }
        assert!(found < 256, "too many layouts for a byte");
        of[op] = found as u8;
        op += 1;
    }
    (table, len, of)
}

const fn layout_eq(a: &Layout, b: &Layout) -> bool {
    let mut i = 0;
    while i < MAX_OPERANDS {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether an instruction's name contains `F32` or `F64` (see [`Opcode::computes_on_floats`]).
const fn names_a_float_type(name: &str) -> bool {
    let b = name.as_bytes();
    let mut i = 0;
    while i + 3 <= b.len() {
        if b[i] == b'F' && ((b[i + 1] == b'3' && b[i + 2] == b'2') || (b[i + 1] == b'6' && b[i + 2] == b'4')) {
            return true;
        }
        i += 1;
    }
    false
}

macro_rules! define_ops {
    ($( #[cfg($cfg:meta)] $(#[doc = $doc:literal])* $name:ident { $($field:ident : $ty:ty),* $(,)? } )*) => {
        /// Every instruction's opcode.
        #[repr(u16)]
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
        pub enum Opcode {
            $( #[cfg($cfg)] $(#[doc = $doc])* $name, )*
        }

        impl Opcode {
            /// All opcodes, in numbering order.
            pub const ALL: &'static [Opcode] = &[$(#[cfg($cfg)] Opcode::$name),*];

            /// A hash of the whole table (names, order, operand types): precompiled images record it, so that
            /// code is never run by an interpreter that numbers or encodes instructions differently.
            pub const FINGERPRINT: u32 = crate::image::fnv1a(
                concat!($(stringify!($name), $(":", stringify!($field), stringify!($ty),)* ";",)*).as_bytes(),
            );

            /// The opcode with this number, if any.
            pub fn from_u16(unit: u16) -> Option<Opcode> {
                Self::ALL.get(unit as usize).copied()
            }

            /// The instruction's name as the disassembler prints it.
            pub fn name(self) -> &'static str {
                match self { $(#[cfg($cfg)] Opcode::$name => stringify!($name),)* }
            }

            /// Whether the instruction computes on floats (arithmetic, comparisons, conversions: every
            /// instruction named after `F32` or `F64`). Builds without the `float` feature refuse these at
            /// verification, which leaves the soft-float routines out of the binary. Float loads, stores and
            /// reinterpretations move bits and are not among them.
            pub fn computes_on_floats(self) -> bool {
                const FLOAT: &[bool] = &[$(#[cfg($cfg)] names_a_float_type(stringify!($name))),*];
                FLOAT[self as usize]
            }

            /// The slot written through the `dst` operand of the instruction at `code[pc]`, whose opcode this
            /// is and which fits in the code, if it has such an operand. (For the table and memory bulk
            /// operations `dst` is an index that is only read; calls write the callee's frame from `args`, and
            /// `CopySpan` a span: not covered.) A table lookup, not a decoder per instruction: it serves the
            /// image checks on devices, where code size counts.
            pub fn dst_slot(self, code: &[u16], pc: usize) -> Option<Slot> {
                match Self::DST_AT[self as usize] & 0x7f {
                    0 => None,
                    at => code.get(pc + usize::from(at)).map(|&unit| Slot(unit)),
                }
            }

            /// The cells written from [`Opcode::dst_slot`]: 2 if it is a [`WideSlot`] (a `v128`), else 1.
            pub fn dst_cells(self) -> usize {
                if Self::DST_AT[self as usize] & 0x80 != 0 { 2 } else { 1 }
            }

            /// Per opcode: [`dst_at`].
            const DST_AT: &[u8] = &[$(#[cfg($cfg)] dst_at(
                &[$(stringify!($field)),*],
                &[$(<$ty as Operand>::UNITS),*],
                &[$(<$ty as Operand>::WIDE_SLOT),*],
            )),*];

            /// The branch offset operand of the instruction at `code[pc]`, whose opcode this is and which fits
            /// in the code, if it has one (`BrTable`'s targets follow the instruction and are not operands). A
            /// table lookup, like [`Opcode::dst_slot`].
            pub fn branch_offset(self, code: &[u16], pc: usize) -> Option<i64> {
                const BRANCH_AT: &[u8] = &[$(#[cfg($cfg)] branch_at(&[$(<$ty as Operand>::BRANCH),*], &[$(<$ty as Operand>::UNITS),*])),*];
                let at = pc + usize::from(BRANCH_AT[self as usize] & 0x7f);
                match BRANCH_AT[self as usize] {
                    0 => None,
                    far if far & 0x80 != 0 => code.get(at..at + 2).map(|_| i64::from(FarOffset::read(code, at).0)),
                    _ => code.get(at).map(|&unit| i64::from(unit as i16)),
                }
            }

            /// Length of the fixed part of the instruction in code units.
            pub fn units(self) -> usize {
                match self { $(#[cfg($cfg)] Opcode::$name => op::$name::UNITS,)* }
            }

            /// Checks every operand of the instruction at `code[pc]`, whose opcode this is, with
            /// [`Operand::verify`], and returns the length of its fixed part; `None` if that does not fit in the
            /// code. Generated from the table, so every instruction is covered.
            pub fn verify_operands(
                self,
                code: &[u16],
                pc: usize,
                cx: &mut crate::verify::Checker,
            ) -> Option<Result<usize, crate::verify::VerifyError>> {
                // One length check for every instruction (`units` is a table lookup), rather than one per arm.
                let units = self.units();
                if code.len().checked_sub(pc)? < units {
                    return None;
                }
                // The operands' checks, driven by the instruction's layout (the kinds and names of its operands)
                // from a table: the ~290 instructions have about 40 different layouts, so a table of layouts
                // serves them in a fraction of the flash that a `match` with an arm per instruction takes.
                const FIELDS: &[&[(&str, u8)]] = &[$(#[cfg($cfg)] &[$((
                    stringify!($field),
                    field_kind(
                        stringify!($field),
                        <$ty as Operand>::SLOT,
                        <$ty as Operand>::WIDE_SLOT,
                        <$ty as Operand>::BRANCH,
                        <$ty as Operand>::UNITS,
                    ),
                )),*]),*];
                const NAMES_LEN: usize = field_names::<{ NAME_MASK as usize + 1 }>(FIELDS).1;
                const NAMES: [&str; NAMES_LEN] = field_names::<NAMES_LEN>(FIELDS).0;
                const LAYOUTS_LEN: usize = layouts::<NAMES_LEN, { Opcode::ALL.len() }>(FIELDS, &NAMES).1;
                const LAYOUTS: ([Layout; LAYOUTS_LEN], usize, [u8; Opcode::ALL.len()]) =
                    layouts::<NAMES_LEN, LAYOUTS_LEN>(FIELDS, &NAMES);
                static LAYOUT_TABLE: [Layout; LAYOUTS_LEN] = LAYOUTS.0;
                static LAYOUT_OF: [u8; Opcode::ALL.len()] = LAYOUTS.2;
                let mut at = pc + 1;
                for &field in &LAYOUT_TABLE[usize::from(LAYOUT_OF[self as usize])] {
                    let name = NAMES[usize::from(field & NAME_MASK)];
                    let kind = (field >> KIND_SHIFT) as u8;
                    let verified = match kind {
                        KIND_END => break,
                        KIND_SLOT => cx.slot(Slot(code[at]), name),
                        KIND_WIDE_SLOT => cx.wide_slot(WideSlot(code[at]), name),
                        KIND_ARGS => cx.frame_base(Slot(code[at]), name),
                        KIND_OFFSET => cx.branch(i64::from(Offset::read(code, at).0), name),
                        KIND_FAR_OFFSET => cx.branch(i64::from(FarOffset::read(code, at).0), name),
                        _ => Ok(()),
                    };
                    if let Err(e) = verified {
                        return Some(Err(e));
                    }
                    at += usize::from(kind_units(kind));
                }
                Some(Ok(units))
            }
        }

        /// One struct per instruction, with its decoder and encoder.
        pub mod op {
            #[allow(unused_imports)]
            use super::{FarOffset, Offset, Operand, Slot, WideSlot};
            use alloc::vec::Vec;
            $(
                $(#[doc = $doc])*
                #[cfg($cfg)]
                #[derive(Copy, Clone, Debug, PartialEq, Eq)]
                pub struct $name { $(#[allow(missing_docs)] pub $field: $ty),* }

                #[cfg($cfg)]
                impl $name {
                    /// The opcode unit.
                    pub const OPCODE: u16 = super::Opcode::$name as u16;
                    /// Length in code units (the fixed part, for `BrTable`).
                    pub const UNITS: usize = 1 $(+ <$ty as Operand>::UNITS)*;

                    /// Decodes the operands of the instruction starting at `code[pc]`.
                    ///
                    /// # Panics
                    /// If the instruction does not fit in `code`. (Checked once, for the whole instruction: the
                    /// operand reads from the fixed-length slice then need no checks of their own.)
                    #[inline(always)]
                    #[allow(unused_variables, unused_mut, unused_assignments)]
                    pub fn decode(code: &[u16], pc: usize) -> Self {
                        let code = &code[pc..pc + Self::UNITS];
                        let mut at = 1;
                        $(
                            let $field = <$ty as Operand>::read(code, at);
                            at += <$ty as Operand>::UNITS;
                        )*
                        $name { $($field),* }
                    }

                    /// Decodes the operands of the instruction starting at `code[pc]`, without bounds checks.
                    ///
                    /// # Safety
                    /// `pc + UNITS <= code.len()`: true of every instruction of code that passed
                    /// [`verify`](crate::verify::verify) (the code is a sequence of whole instructions).
                    #[inline(always)]
                    pub unsafe fn decode_unchecked(code: &[u16], pc: usize) -> Self {
                        debug_assert!(pc + Self::UNITS <= code.len());
                        // SAFETY: `code[pc..pc + UNITS]` is in bounds (the caller's contract).
                        unsafe { Self::decode_ptr(code.as_ptr().add(pc)) }
                    }

                    /// Decodes the operands of the instruction whose opcode unit `ip` points to, without bounds
                    /// checks.
                    ///
                    /// # Safety
                    /// `ip` is valid for reading `UNITS` code units.
                    #[inline(always)]
                    #[allow(unused_variables)]
                    pub unsafe fn decode_ptr(ip: *const u16) -> Self {
                        let mut _at = 1;
                        $(
                            // SAFETY: `_at + UNITS <= Self::UNITS` units from `ip` are readable (the caller's
                            // contract).
                            let $field = unsafe { <$ty as Operand>::read_ptr(ip.add(_at)) };
                            _at += <$ty as Operand>::UNITS;
                        )*
                        $name { $($field),* }
                    }

                    /// Appends the instruction to `out`.
                    pub fn encode(&self, out: &mut Vec<u16>) {
                        out.push(Self::OPCODE);
                        $( self.$field.write(out); )*
                    }

                    /// Checks every operand with [`Operand::verify`].
                    #[inline]
                    pub fn verify_operands(
                        &self,
                        cx: &mut crate::verify::Checker,
                    ) -> Result<(), crate::verify::VerifyError> {
                        $( verify_field!(self, cx, $field); )*
                        let _ = cx;
                        Ok(())
                    }
                }

                #[cfg($cfg)]
                impl From<$name> for super::Instr {
                    fn from(op: $name) -> super::Instr {
                        super::Instr::$name(op)
                    }
                }
            )*
        }

        /// Any instruction: for the translator's bookkeeping, the disassembler and image checks.
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        pub enum Instr {
            $( #[cfg($cfg)] $(#[doc = $doc])* $name(op::$name), )*
        }

        impl Instr {
            /// Appends the instruction to `out`.
            pub fn encode(&self, out: &mut Vec<u16>) {
                match self { $(#[cfg($cfg)] Instr::$name(op) => op.encode(out),)* }
            }

            /// Decodes the instruction at `code[pc]`; `None` if the opcode is unknown or it does not fit.
            pub fn decode(code: &[u16], pc: usize) -> Option<Instr> {
                let opcode = Opcode::from_u16(*code.get(pc)?)?;
                if pc + opcode.units() > code.len() {
                    return None;
                }
                Some(match opcode { $(#[cfg($cfg)] Opcode::$name => Instr::$name(op::$name::decode(code, pc)),)* })
            }

            /// The opcode.
            pub fn opcode(&self) -> Opcode {
                match self { $(#[cfg($cfg)] Instr::$name(_) => Opcode::$name,)* }
            }

            /// Writes `Name a, b, c` (operands in table order).
            pub fn fmt_operands(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $(#[cfg($cfg)] Instr::$name(_op) => {
                        f.write_str(stringify!($name))?;
                        let mut _first = true;
                        $(
                            f.write_str(if _first { " " } else { ", " })?;
                            _first = false;
                            write!(f, "{}={}", stringify!($field), _op.$field)?;
                        )*
                        Ok(())
                    })*
                }
            }
        }
    };
}

for_each_op!(define_ops);

impl fmt::Display for Instr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_operands(f)
    }
}

impl Opcode {
    /// The opcode of the instruction at `code[pc]` and the instruction's total length in code units (with
    /// `BrTable`'s targets), without decoding its operands; `None` if the opcode is unknown or the fixed part
    /// does not fit. For walking code on a device: it does not pull in [`Instr::decode`].
    pub fn with_units_at(code: &[u16], pc: usize) -> Option<(Opcode, usize)> {
        let opcode = Opcode::from_u16(*code.get(pc)?)?;
        let units = opcode.units();
        if pc + units > code.len() {
            return None;
        }
        Some(match opcode {
            Opcode::BrTable => (opcode, units + 2 * (op::BrTable::decode(code, pc).len as usize + 1)),
            _ => (opcode, units),
        })
    }
}

impl Instr {
    /// Total length in code units, including `BrTable`'s targets.
    pub fn units(&self) -> usize {
        match self {
            Instr::BrTable(t) => op::BrTable::UNITS + 2 * (t.len as usize + 1),
            other => other.opcode().units(),
        }
    }
}
