//! The bytecode verifier: one linear pass that proves the facts the executor relies on instead of checking
//! them on every instruction.
//!
//! [`verify`] accepts a [`CompiledFunc`] only if
//!
//! - its header is consistent: `num_params <= num_locals <= frame_size <= MAX_FRAME_SIZE` (2^16 slots: what
//!   a 16-bit [`Slot`] operand can address, so that a frame's size added to any base in the value stack fits
//!   a `usize` on every target, 32-bit ones included);
//! - its code is a sequence of whole instructions: every opcode is known, every instruction (with `BrTable`'s
//!   targets) fits in the code;
//! - every [`Slot`] operand is `< frame_size` (a call's `args`, where the callee's frame starts, is
//!   `<= frame_size`), and the slot spans of `CopySpan` (`src + len`, `dst + len`) and
//!   `ReturnSpan` (`src + len`, and `len` for the results written from slot 0) are `<= frame_size`; both
//!   cells of a [`WideSlot`](crate::operand::WideSlot) operand (a 128-bit value) are `< frame_size`;
//! - every branch target (near [`Offset`](crate::operand::Offset), [`FarOffset`], every `BrTable` entry) is
//!   the first unit of an instruction of the code;
//! - the last instruction is a terminator (`Return0`, `Return1`, `ReturnSpan`, `Br`, `BrFar`, `BrTable`,
//!   `Unreachable`), so execution cannot run past the end: it starts at unit 0, every other instruction
//!   continues at the next one, which exists, and every jump lands on an instruction.
//!
//! The per-operand checks are [`Operand::verify`], called for every operand of every instruction by code
//! generated from the instruction table (`Opcode::verify_operands`), so a new instruction is covered without
//! touching this file. Indices into the instance (functions, globals, tables, types, segments) are not the
//! code's business: the executor checks them when it uses them, and code that does not come from the
//! translator (images, `install`) is also checked against its module (`image::check_code`).
//!
//! The translator verifies everything it produces; [`install`](crate::exec::install) verifies code from
//! elsewhere. The executor only runs a [`VerifiedFunc`].

use alloc::rc::Rc;
use alloc::vec::Vec;
use core::fmt;

use ember_core::ValType;

use crate::code::CompiledFunc;
use crate::operand::{FarOffset, Operand, Slot};
use crate::ops::{op, Opcode};

/// The largest frame verified code may declare: 2^16 slots, one past the highest 16-bit [`Slot`]. A larger
/// frame could not be addressed by its own code anyway; the bound keeps every `base + frame_size` far from
/// wrapping a 32-bit `usize`.
pub const MAX_FRAME_SIZE: u32 = 1 << 16;

/// Why [`verify`] rejected a function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyError {
    /// Code position (in units) of the offending instruction; `None` for the header.
    pub pc: Option<usize>,
    /// The offending instruction, when its opcode is known.
    pub opcode: Option<Opcode>,
    /// What is wrong.
    pub kind: VerifyErrorKind,
}

/// What [`verify`] found wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyErrorKind {
    /// The header breaks `num_params <= num_locals <= frame_size <= MAX_FRAME_SIZE`.
    Header {
        /// `num_params`.
        num_params: u16,
        /// `num_locals`.
        num_locals: u32,
        /// `frame_size`.
        frame_size: u32,
    },
    /// There is no code (it must at least end with a terminator).
    Empty,
    /// A unit where an instruction starts is not an opcode.
    UnknownOpcode(u16),
    /// The instruction needs more units than the code has left.
    Truncated {
        /// Units the instruction needs (for `BrTable`, with its targets).
        needs: u64,
        /// Units left from its start.
        left: usize,
    },
    /// A slot operand is outside the frame.
    SlotOutsideFrame {
        /// The operand.
        field: &'static str,
        /// Its slot.
        slot: u16,
        /// The frame size.
        frame_size: u32,
    },
    /// A span of slots `start..start + len` is not inside the frame.
    SpanOutsideFrame {
        /// The operand starting the span.
        field: &'static str,
        /// First slot.
        start: u16,
        /// Number of slots.
        len: u16,
        /// The frame size.
        frame_size: u32,
    },
    /// A branch target is outside the code.
    BranchOutsideCode {
        /// The operand (`targets` for a `BrTable` entry).
        field: &'static str,
        /// The target position.
        target: i64,
        /// Length of the code.
        code_len: usize,
    },
    /// A branch target is inside an instruction, not at its start.
    BranchIntoInstruction {
        /// The operand (`targets` for a `BrTable` entry).
        field: &'static str,
        /// The target position.
        target: usize,
    },
    /// The last instruction is not a return, branch or `Unreachable`: execution could run past the end.
    MissingTerminator,
    /// Image code names an index its module does not have.
    ModuleIndex {
        /// The operand.
        field: &'static str,
        /// The index.
        index: u32,
    },
    /// Image code sets an immutable global.
    ImmutableGlobal(u32),
    /// A global is moved with the wrong width: `GlobalGet`/`GlobalSet` on a `v128` global, or
    /// `GlobalGet128`/`GlobalSet128` on any other.
    GlobalWidth(u32),
    /// Image code would move references between places of different reference types (or call through a
    /// table that is not a `funcref` table).
    TableType {
        /// The operand naming the mismatched table or segment.
        field: &'static str,
    },
    /// Image code stores, passes or returns a slot as a reference that it cannot be shown to hold: the bits
    /// may have been computed rather than handed out by the store.
    UnprovenReference {
        /// The slot.
        slot: u32,
        /// The reference type expected there.
        expected: ValType,
        /// Where the reference was going.
        what: &'static str,
    },
    /// The allocator refused the memory verification needs (it grows with the code's size and branches).
    OutOfMemory,
    /// The reference-flow analysis of image code did not settle within its pass limit, or the allocator
    /// refused the memory for its states.
    FlowTooComplex,
    /// Code that should meter fuel has a backward branch to an instruction that consumes none: a loop that
    /// could run forever under a fuel limit.
    UnmeteredLoop,
    /// The instruction computes on floats, and this build has no floating point (ember-interp without its
    /// `float` feature; see [`Opcode::computes_on_floats`]).
    FloatUnsupported,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid bytecode: ")?;
        match (self.pc, self.opcode) {
            #[cfg(feature = "opcode-names")]
            (Some(pc), Some(op)) => write!(f, "at unit {pc} ({}): ", op.name())?,
            #[cfg(not(feature = "opcode-names"))]
            (Some(pc), Some(op)) => write!(f, "at unit {pc} (opcode {}): ", op as u16)?,
            (Some(pc), None) => write!(f, "at unit {pc}: ")?,
            _ => {}
        }
        match &self.kind {
            VerifyErrorKind::Header { num_params, num_locals, frame_size } => write!(
                f,
                "the frame layout needs num_params <= num_locals <= frame_size <= {MAX_FRAME_SIZE}, \
                 got {num_params}, {num_locals}, {frame_size}"
            ),
            VerifyErrorKind::Empty => {
                f.write_str("the code is empty (it must end with a return, branch or unreachable)")
            }
            VerifyErrorKind::UnknownOpcode(unit) => write!(f, "unknown opcode {unit}"),
            VerifyErrorKind::Truncated { needs, left } => {
                write!(f, "the instruction needs {needs} code units, only {left} are left")
            }
            VerifyErrorKind::SlotOutsideFrame { field, slot, frame_size } => {
                write!(f, "operand `{field}` is slot {slot}, outside the frame of {frame_size} slots")
            }
            VerifyErrorKind::SpanOutsideFrame { field, start, len, frame_size } => write!(
                f,
                "operand `{field}` spans slots {start}..{}, outside the frame of {frame_size} slots",
                u32::from(*start) + u32::from(*len)
            ),
            VerifyErrorKind::BranchOutsideCode { field, target, code_len } => {
                write!(f, "branch `{field}` targets unit {target}, outside the code ({code_len} units)")
            }
            VerifyErrorKind::BranchIntoInstruction { field, target } => {
                write!(f, "branch `{field}` targets unit {target}, which is inside an instruction")
            }
            VerifyErrorKind::ModuleIndex { field, index } => {
                write!(f, "operand `{field}` is {index}, which the module does not have")
            }
            VerifyErrorKind::ImmutableGlobal(global) => write!(f, "global {global} is immutable"),
            VerifyErrorKind::GlobalWidth(global) => {
                write!(f, "global {global} is moved with the wrong width (v128 takes the 128-bit instructions)")
            }
            VerifyErrorKind::TableType { field } => {
                write!(f, "operand `{field}` has another reference type than the table it meets")
            }
            VerifyErrorKind::UnprovenReference { slot, expected, what } => write!(
                f,
                "slot {slot} is used as {what} of type {expected:?} but may hold bits that are not such a reference"
            ),
            VerifyErrorKind::OutOfMemory => f.write_str("not enough memory to verify the code"),
            VerifyErrorKind::UnmeteredLoop => {
                f.write_str("a backward branch lands where no fuel is consumed: the loop would not be metered")
            }
            VerifyErrorKind::FlowTooComplex => {
                f.write_str("the reference-flow analysis needs more passes (nested loops) or memory than it allows")
            }
            VerifyErrorKind::FloatUnsupported => f.write_str(
                "a floating-point instruction, and this build of Ember has no floating point \
                 (ember-interp's `float` feature is off)",
            ),
            VerifyErrorKind::MissingTerminator => f.write_str(
                "the last instruction is not a return, branch or unreachable: execution could run past the end",
            ),
        }
    }
}

impl core::error::Error for VerifyError {}

/// A forward branch, checked once every instruction start is known.
#[derive(Copy, Clone, Debug)]
struct Pending {
    target: usize,
    pc: usize,
    opcode: Opcode,
    field: &'static str,
}

/// A verification in progress, as [`Operand::verify`] sees it: the instruction being checked, the frame
/// size, and the instruction starts found so far.
#[derive(Debug)]
pub struct Checker {
    frame_size: u32,
    code_len: usize,
    /// Start of the instruction being checked.
    pc: usize,
    opcode: Opcode,
    /// Bit `i` is set if an instruction starts at unit `i` (final below `pc`).
    starts: Vec<u64>,
    /// Branches to units above the current instruction.
    forward: Vec<Pending>,
}

impl Checker {
    /// An error about the instruction being checked.
    #[cold]
    fn error(&self, kind: VerifyErrorKind) -> VerifyError {
        VerifyError { pc: Some(self.pc), opcode: Some(self.opcode), kind }
    }

    fn is_start(&self, unit: usize) -> bool {
        self.starts[unit / 64] & (1 << (unit % 64)) != 0
    }

    /// Checks that `slot` is inside the frame.
    #[inline]
    pub(crate) fn slot(&mut self, slot: Slot, field: &'static str) -> Result<(), VerifyError> {
        if u32::from(slot.0) < self.frame_size {
            Ok(())
        } else {
            Err(self.error(VerifyErrorKind::SlotOutsideFrame { field, slot: slot.0, frame_size: self.frame_size }))
        }
    }

    /// Checks a [`WideSlot`](crate::operand::WideSlot): both its cells, `slot` and `slot + 1`, are inside the
    /// frame (computed in `u32`: no wrap even with a 32-bit `usize`).
    #[inline]
    pub(crate) fn wide_slot(&mut self, slot: crate::operand::WideSlot, field: &'static str) -> Result<(), VerifyError> {
        if u32::from(slot.0) + 1 < self.frame_size {
            Ok(())
        } else {
            Err(self.error(VerifyErrorKind::SpanOutsideFrame {
                field,
                start: slot.0,
                len: 2,
                frame_size: self.frame_size,
            }))
        }
    }

    /// Checks a call's `args`, where the callee's frame starts: at most the frame size (calls from a full
    /// frame pass nothing in place). The executor never reads or writes the caller's frame through it.
    #[inline]
    pub(crate) fn frame_base(&mut self, args: Slot, field: &'static str) -> Result<(), VerifyError> {
        if u32::from(args.0) <= self.frame_size {
            Ok(())
        } else {
            Err(self.error(VerifyErrorKind::SlotOutsideFrame { field, slot: args.0, frame_size: self.frame_size }))
        }
    }

    /// Checks that slots `start..start + len` are inside the frame.
    fn span(&mut self, start: Slot, len: u16, field: &'static str) -> Result<(), VerifyError> {
        if u32::from(start.0) + u32::from(len) <= self.frame_size {
            Ok(())
        } else {
            Err(self.error(VerifyErrorKind::SpanOutsideFrame {
                field,
                start: start.0,
                len,
                frame_size: self.frame_size,
            }))
        }
    }

    /// Checks a branch by `offset` units from the current instruction: inside the code, and (now for a
    /// backward branch, at the end for a forward one) at the start of an instruction.
    #[inline]
    pub(crate) fn branch(&mut self, offset: i64, field: &'static str) -> Result<(), VerifyError> {
        let target = self.pc as i64 + offset;
        if target < 0 || target >= self.code_len as i64 {
            return Err(self.error(VerifyErrorKind::BranchOutsideCode { field, target, code_len: self.code_len }));
        }
        let target = target as usize;
        if target > self.pc {
            // Fallible growth: the code (which may be an image's) decides how many forward branches there are,
            // and an allocation failure must be an error, not an abort.
            if self.forward.len() == self.forward.capacity()
                && self.forward.try_reserve(self.forward.len().max(16)).is_err()
            {
                return Err(self.error(VerifyErrorKind::OutOfMemory));
            }
            self.forward.push(Pending { target, pc: self.pc, opcode: self.opcode, field });
        } else if !self.is_start(target) {
            return Err(self.error(VerifyErrorKind::BranchIntoInstruction { field, target }));
        }
        Ok(())
    }
}

impl Checker {
    /// The checks of `CopySpan`, `Return1`, `ReturnSpan` and `BrTable` beyond their operands: spans inside the
    /// frame, a slot 0 to return in, the table of targets. Returns the instruction's length (with the table).
    #[inline(never)]
    fn check_special(&mut self, code: &[u16], pc: usize) -> Result<usize, VerifyError> {
        match self.opcode {
            Opcode::CopySpan => {
                let i = op::CopySpan::decode(code, pc);
                self.span(i.src, i.len, "src")?;
                self.span(i.dst, i.len, "dst")?;
            }
            Opcode::Return1 => self.slot(Slot(0), "result")?,
            Opcode::ReturnSpan => {
                let i = op::ReturnSpan::decode(code, pc);
                self.span(i.src, i.len, "src")?;
                self.span(Slot(0), i.len, "results")?;
            }
            Opcode::BrTable => {
                let i = op::BrTable::decode(code, pc);
                let needs = op::BrTable::UNITS as u64 + 2 * (u64::from(i.len) + 1);
                let left = code.len() - pc;
                if needs > left as u64 {
                    return Err(self.error(VerifyErrorKind::Truncated { needs, left }));
                }
                let table = pc + op::BrTable::UNITS;
                for k in 0..=i.len as usize {
                    FarOffset::read(code, table + 2 * k).verify(self, "targets")?;
                }
                return Ok(needs as usize);
            }
            _ => {}
        }
        Ok(self.opcode.units())
    }
}

/// Whether execution never continues after the instruction with the next one.
pub fn is_terminator(opcode: Opcode) -> bool {
    matches!(
        opcode,
        Opcode::Return0
            | Opcode::Return1
            | Opcode::ReturnSpan
            | Opcode::Br
            | Opcode::BrFar
            | Opcode::BrTable
            | Opcode::Unreachable
    )
}

/// Checks that the executor may run `func` without checking its frame accesses, operand decoding or control
/// flow (see the [module documentation](self) for the list of facts). Linear in the code size.
pub fn verify(func: &CompiledFunc) -> Result<(), VerifyError> {
    if u32::from(func.num_params) > func.num_locals
        || func.num_locals > func.frame_size
        || func.frame_size > MAX_FRAME_SIZE
    {
        return Err(VerifyError {
            pc: None,
            opcode: None,
            kind: VerifyErrorKind::Header {
                num_params: func.num_params,
                num_locals: func.num_locals,
                frame_size: func.frame_size,
            },
        });
    }
    let code = &func.code[..];
    if code.is_empty() {
        return Err(VerifyError { pc: None, opcode: None, kind: VerifyErrorKind::Empty });
    }
    let mut cx = Checker {
        frame_size: func.frame_size,
        code_len: code.len(),
        pc: 0,
        opcode: Opcode::Unreachable,
        starts: Vec::new(),
        forward: Vec::new(),
    };
    let words = code.len().div_ceil(64);
    if cx.starts.try_reserve_exact(words).is_err() {
        return Err(VerifyError { pc: None, opcode: None, kind: VerifyErrorKind::OutOfMemory });
    }
    cx.starts.resize(words, 0);
    let mut pc = 0;
    while pc < code.len() {
        let unit = code[pc];
        let Some(opcode) = Opcode::from_u16(unit) else {
            return Err(VerifyError { pc: Some(pc), opcode: None, kind: VerifyErrorKind::UnknownOpcode(unit) });
        };
        cx.pc = pc;
        cx.opcode = opcode;
        // The executor's float arms are compiled out without the `float` feature.
        if !cfg!(feature = "float") && opcode.computes_on_floats() {
            return Err(cx.error(VerifyErrorKind::FloatUnsupported));
        }
        cx.starts[pc / 64] |= 1 << (pc % 64);
        let left = code.len() - pc;
        let mut units = match opcode.verify_operands(code, pc, &mut cx) {
            Some(checked) => checked?,
            None => return Err(cx.error(VerifyErrorKind::Truncated { needs: opcode.units() as u64, left })),
        };
        if matches!(opcode, Opcode::CopySpan | Opcode::Return1 | Opcode::ReturnSpan | Opcode::BrTable) {
            units = cx.check_special(code, pc)?;
        }
        pc += units;
    }
    if !is_terminator(cx.opcode) {
        return Err(cx.error(VerifyErrorKind::MissingTerminator));
    }
    for p in &cx.forward {
        if !cx.is_start(p.target) {
            let kind = VerifyErrorKind::BranchIntoInstruction { field: p.field, target: p.target };
            return Err(VerifyError { pc: Some(p.pc), opcode: Some(p.opcode), kind });
        }
    }
    Ok(())
}

/// A function whose code passed [`verify`]: the only form in which the executor takes code. It cannot be
/// changed afterwards (the code is shared, immutably, behind an `Rc`).
#[derive(Clone, Debug)]
pub struct VerifiedFunc(Rc<CompiledFunc>);

impl VerifiedFunc {
    /// Verifies `func`.
    pub fn new(func: Rc<CompiledFunc>) -> Result<VerifiedFunc, VerifyError> {
        verify(&func)?;
        Ok(VerifiedFunc(func))
    }

    /// The verified function.
    #[inline(always)]
    pub fn func(&self) -> &CompiledFunc {
        &self.0
    }

    /// The function, no longer marked as verified.
    pub fn into_inner(self) -> Rc<CompiledFunc> {
        self.0
    }
}

impl VerifiedFunc {
    /// Whether both are the same code (not just equal code).
    #[inline]
    pub(crate) fn same(&self, other: &VerifiedFunc) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// A plain pointer to the code, for the executor's frames (see [`CodeRef`]).
    #[inline(always)]
    pub(crate) fn code_ref(&self) -> CodeRef {
        // `Rc::as_ptr` (not `&*rc`): the pointer keeps the provenance of the whole allocation, which
        // `CodeRef::to_owned` needs to reach the reference count.
        let ptr = Rc::as_ptr(&self.0).cast_mut();
        // SAFETY: a pointer into a live `Rc` is not null.
        CodeRef(unsafe { core::ptr::NonNull::new_unchecked(ptr) })
    }
}

/// A pointer to verified code, without ownership: what the executor's frames and running position hold, so
/// that calls and returns move no reference counts. Valid while the interpreter's state keeps the code alive
/// (its cache entry, or its list of retired code while executions are in progress: see
/// `exec::state::ExecState::retired`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct CodeRef(core::ptr::NonNull<CompiledFunc>);

impl CodeRef {
    /// The code.
    ///
    /// # Safety
    /// The code is still alive: the state that made this `CodeRef` keeps it (the invariant above).
    #[inline(always)]
    pub(crate) unsafe fn get<'a>(self) -> &'a CompiledFunc {
        // SAFETY: the pointer came from a live `Rc<CompiledFunc>` (`code_ref`), which the caller says is
        // still alive; the code is never mutated.
        unsafe { self.0.as_ref() }
    }

    /// An owned handle to the code (a reference-count increment).
    ///
    /// # Safety
    /// As for [`CodeRef::get`].
    pub(crate) unsafe fn to_owned(self) -> VerifiedFunc {
        let ptr = self.0.as_ptr().cast_const();
        // SAFETY: `ptr` came from `Rc::as_ptr` of a live `Rc` (the caller's contract), so
        // incrementing its count and taking one handle back is balanced. Only `VerifiedFunc`s make `CodeRef`s,
        // so the code passed verification.
        unsafe {
            Rc::increment_strong_count(ptr);
            VerifiedFunc(Rc::from_raw(ptr))
        }
    }
}

impl core::ops::Deref for VerifiedFunc {
    type Target = CompiledFunc;
    #[inline(always)]
    fn deref(&self) -> &CompiledFunc {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Opcode::verify_operands` (driven by the table of layouts) checks what the instructions' own
    /// `verify_operands` (generated per instruction) check, with the same errors, for every instruction.
    /// (Not under Miri: safe code only, and ~60 000 checks take Miri 10-17 minutes.)
    #[test]
    #[cfg_attr(miri, ignore)]
    fn layout_table_checks_as_the_instructions_do() {
        macro_rules! per_instruction {
            ($( #[cfg($cfg:meta)] $(#[doc = $doc:literal])* $name:ident { $($field:ident : $ty:ty),* $(,)? } )*) => {
                fn per_instruction(opcode: Opcode, code: &[u16], cx: &mut Checker) -> Result<usize, VerifyError> {
                    match opcode {
                        $(#[cfg($cfg)] Opcode::$name => op::$name::decode(code, 0).verify_operands(cx).map(|()| op::$name::UNITS),)*
                    }
                }
            };
        }
        crate::for_each_op!(per_instruction);

        let checker = |opcode, frame_size, code_len| Checker {
            frame_size,
            code_len,
            pc: 0,
            opcode,
            starts: alloc::vec![u64::MAX; 8],
            forward: Vec::new(),
        };
        let values = [0u16, 1, 2, 3, 4, 7, 8, 100, 0x7fff, 0x8000, 0xfffe, 0xffff];
        for &opcode in Opcode::ALL {
            let units = opcode.units();
            for frame_size in [0, 1, 4, 8, 300] {
                for (k, _) in values.iter().enumerate() {
                    let mut code = alloc::vec![opcode as u16];
                    code.extend((1..units).map(|u| values[(k + u * 5) % values.len()]));
                    code.extend([0; 4]);
                    let mut a = checker(opcode, frame_size, code.len());
                    let mut b = checker(opcode, frame_size, code.len());
                    let by_table = opcode.verify_operands(&code, 0, &mut a).expect("fits");
                    let by_instruction = per_instruction(opcode, &code, &mut b);
                    assert_eq!(by_table, by_instruction, "{opcode:?} {code:?} frame {frame_size}");
                    assert_eq!(
                        alloc::format!("{:?}", a.forward),
                        alloc::format!("{:?}", b.forward),
                        "{opcode:?} {code:?}"
                    );
                }
            }
        }
    }
}
