//! The operator-by-operator translation: what each wasm instruction becomes.

use ember_core::Error;
use wasmparser::{BlockType, MemArg, Operator};

use ember_core::ValType;

use super::control::{BlockSig, Compare, Cond, ControlKind, Rhs};
use super::{Const, Operand, Translator};
use crate::exec::num::{Evaluated, Num};
use crate::ops::{op, Instr, Slot, WideSlot};

/// A two-operand instruction: how to emit it, and its semantics for constant operands.
#[derive(Copy, Clone)]
struct Binary {
    make: fn(Slot, Slot, Slot) -> Instr,
    fold: Fold2,
}
type BinaryImm = fn(Slot, Slot, i16) -> Instr;
type BinaryImm32 = fn(Slot, Slot, u32) -> Instr;
/// A one-operand instruction: how to emit it, and its semantics for a constant operand.
#[derive(Copy, Clone)]
struct Unary {
    make: fn(Slot, Slot) -> Instr,
    fold: Fold1,
}
/// An instruction's semantics (`op::X::eval`, what its handler runs) on operand cells; `None` if it traps.
type Fold1 = fn(u64) -> Option<Num>;
/// As [`Fold1`], for two operands.
type Fold2 = fn(u64, u64) -> Option<Num>;

macro_rules! bin {
    ($name:ident) => {
        Binary {
            make: |dst, lhs, rhs| op::$name { dst, lhs, rhs }.into(),
            fold: |a, b| Evaluated::value(op::$name::eval(a, b)),
        }
    };
}
macro_rules! imm {
    ($name:ident) => {
        Some((|dst, lhs, imm| op::$name { dst, lhs, imm }.into()) as BinaryImm)
    };
}
macro_rules! imm32 {
    ($name:ident) => {
        (|dst, lhs, imm| op::$name { dst, lhs, imm }.into()) as BinaryImm32
    };
}
macro_rules! un {
    ($name:ident) => {
        Unary { make: |dst, src| op::$name { dst, src }.into(), fold: |a| Evaluated::value(op::$name::eval(a)) }
    };
}

/// A load with the short (16-bit offset) form when the offset fits, else the wide one.
macro_rules! load {
    ($t:ident, $memarg:expr, $narrow:ident, $wide:ident) => {
        $t.load($memarg, |dst, addr, offset| match u16::try_from(offset) {
            Ok(offset) => op::$narrow { dst, addr, offset }.into(),
            Err(_) => op::$wide { dst, addr, offset }.into(),
        })?
    };
    ($t:ident, $memarg:expr, $narrow:ident, $wide:ident, $add_imm:ident, $idx:ident) => {{
        // `address_add` takes the addition back out of the code: only ask for it when a fused form can hold
        // the offset, or the wide form would load from the addition's operand instead of its result.
        let fused = match u16::try_from(memory_offset(&$memarg)?) {
            Ok(offset) => $t.address_add().map(|add| (offset, add)),
            Err(_) => None,
        };
        match fused {
            Some((offset, AddressAdd::Imm(addr, imm))) => {
                let dst = $t.push_temp();
                $t.emit_result(op::$add_imm { dst, addr, imm, offset }, dst, None);
            }
            Some((offset, AddressAdd::Index(base, index))) => {
                let dst = $t.push_temp();
                $t.emit_result(op::$idx { dst, base, index, offset }, dst, None);
            }
            None => load!($t, $memarg, $narrow, $wide),
        }
    }};
}

/// The address computation just before a load, taken back so that the load can do it.
enum AddressAdd {
    /// `s[addr] + imm`
    Imm(Slot, i16),
    /// `s[base] + s[index]`
    Index(Slot, Slot),
}

/// A store: of a small constant with the immediate form, else with the short (16-bit offset) form when the
/// offset fits, else the wide one.
macro_rules! store {
    ($t:ident, $memarg:expr, $narrow:ident, $wide:ident, $imm:ident) => {{
        let offset = memory_offset(&$memarg)?;
        match ($t.const_at(0).or($t.zero_float_at(0)), u16::try_from(offset)) {
            (Some(value), Ok(offset)) => {
                $t.pop();
                let addr = $t.pop_slot();
                $t.emit(op::$imm { addr, value, offset });
            }
            _ => $t.store($memarg, |addr, src, offset| match u16::try_from(offset) {
                Ok(offset) => op::$narrow { addr, src, offset }.into(),
                Err(_) => op::$wide { addr, src, offset }.into(),
            })?,
        }
    }};
}
/// A store that also takes over the address addition just before it when it can.
macro_rules! store_add {
    ($t:ident, $memarg:expr, $narrow:ident, $wide:ident, $imm:ident, $add_imm:ident, $idx:ident) => {{
        let offset = memory_offset(&$memarg)?;
        let short = u16::try_from(offset).ok();
        let pending = matches!($t.stack.last(), Some(Operand::Local(_)) | Some(Operand::Temp));
        if let (Some(offset), true, None) = (short, pending, $t.const_at(0).or($t.zero_float_at(0))) {
            let depth = $t.stack.len() - 1;
            let value = $t.pop();
            let src = $t.slot_of(value, depth);
            match $t.address_add() {
                Some(AddressAdd::Imm(addr, imm)) => {
                    $t.emit(op::$add_imm { addr, imm, src, offset });
                }
                Some(AddressAdd::Index(base, index)) => {
                    $t.emit(op::$idx { base, index, src, offset });
                }
                None => {
                    let addr = $t.pop_slot();
                    $t.emit(op::$narrow { addr, src, offset });
                }
            }
        } else {
            store!($t, $memarg, $narrow, $wide, $imm)
        }
    }};
}

/// The semantics of comparison `cond` (of i64s if `wide`), for constant folding.
fn compare_fold(wide: bool, cond: Cond) -> Fold2 {
    use Cond::*;
    macro_rules! fold {
        ($name:ident) => {
            |a, b| Evaluated::value(op::$name::eval(a, b))
        };
    }
    match (wide, cond) {
        (false, Eq) => fold!(I32Eq),
        (false, Ne) => fold!(I32Ne),
        (false, LtS) => fold!(I32LtS),
        (false, LtU) => fold!(I32LtU),
        (false, GtS) => fold!(I32GtS),
        (false, GtU) => fold!(I32GtU),
        (false, LeS) => fold!(I32LeS),
        (false, LeU) => fold!(I32LeU),
        (false, GeS) => fold!(I32GeS),
        (false, GeU) => fold!(I32GeU),
        (true, Eq) => fold!(I64Eq),
        (true, Ne) => fold!(I64Ne),
        (true, LtS) => fold!(I64LtS),
        (true, LtU) => fold!(I64LtU),
        (true, GtS) => fold!(I64GtS),
        (true, GtU) => fold!(I64GtU),
        (true, LeS) => fold!(I64LeS),
        (true, LeU) => fold!(I64LeU),
        (true, GeS) => fold!(I64GeS),
        (true, GeU) => fold!(I64GeU),
    }
}

fn compare_instr(wide: bool, cond: Cond, dst: Slot, lhs: Slot, rhs: Rhs) -> Instr {
    use Cond::*;
    match (wide, rhs) {
        (false, Rhs::Slot(rhs)) => match cond {
            Eq => op::I32Eq { dst, lhs, rhs }.into(),
            Ne => op::I32Ne { dst, lhs, rhs }.into(),
            LtS => op::I32LtS { dst, lhs, rhs }.into(),
            LtU => op::I32LtU { dst, lhs, rhs }.into(),
            GtS => op::I32GtS { dst, lhs, rhs }.into(),
            GtU => op::I32GtU { dst, lhs, rhs }.into(),
            LeS => op::I32LeS { dst, lhs, rhs }.into(),
            LeU => op::I32LeU { dst, lhs, rhs }.into(),
            GeS => op::I32GeS { dst, lhs, rhs }.into(),
            GeU => op::I32GeU { dst, lhs, rhs }.into(),
        },
        (false, Rhs::Imm(imm)) => match cond {
            Eq => op::I32EqImm { dst, lhs, imm }.into(),
            Ne => op::I32NeImm { dst, lhs, imm }.into(),
            LtS => op::I32LtSImm { dst, lhs, imm }.into(),
            LtU => op::I32LtUImm { dst, lhs, imm }.into(),
            GtS => op::I32GtSImm { dst, lhs, imm }.into(),
            GtU => op::I32GtUImm { dst, lhs, imm }.into(),
            LeS => op::I32LeSImm { dst, lhs, imm }.into(),
            LeU => op::I32LeUImm { dst, lhs, imm }.into(),
            GeS => op::I32GeSImm { dst, lhs, imm }.into(),
            GeU => op::I32GeUImm { dst, lhs, imm }.into(),
        },
        (true, Rhs::Slot(rhs)) => match cond {
            Eq => op::I64Eq { dst, lhs, rhs }.into(),
            Ne => op::I64Ne { dst, lhs, rhs }.into(),
            LtS => op::I64LtS { dst, lhs, rhs }.into(),
            LtU => op::I64LtU { dst, lhs, rhs }.into(),
            GtS => op::I64GtS { dst, lhs, rhs }.into(),
            GtU => op::I64GtU { dst, lhs, rhs }.into(),
            LeS => op::I64LeS { dst, lhs, rhs }.into(),
            LeU => op::I64LeU { dst, lhs, rhs }.into(),
            GeS => op::I64GeS { dst, lhs, rhs }.into(),
            GeU => op::I64GeU { dst, lhs, rhs }.into(),
        },
        (true, Rhs::Imm(imm)) => match cond {
            Eq => op::I64EqImm { dst, lhs, imm }.into(),
            Ne => op::I64NeImm { dst, lhs, imm }.into(),
            LtS => op::I64LtSImm { dst, lhs, imm }.into(),
            LtU => op::I64LtUImm { dst, lhs, imm }.into(),
            GtS => op::I64GtSImm { dst, lhs, imm }.into(),
            GtU => op::I64GtUImm { dst, lhs, imm }.into(),
            LeS => op::I64LeSImm { dst, lhs, imm }.into(),
            LeU => op::I64LeUImm { dst, lhs, imm }.into(),
            GeS => op::I64GeSImm { dst, lhs, imm }.into(),
            GeU => op::I64GeUImm { dst, lhs, imm }.into(),
        },
    }
}

impl<'a> Translator<'a> {
    fn const_at(&self, from_top: usize) -> Option<i16> {
        match self.stack.get(self.stack.len().checked_sub(from_top + 1)?)? {
            Operand::Const(c) => c.as_i16(),
            _ => None,
        }
    }

    /// The i32 constant `from_top` entries below the top of the stack, if it is one.
    fn const32_at(&self, from_top: usize) -> Option<u32> {
        match self.stack.get(self.stack.len().checked_sub(from_top + 1)?)? {
            Operand::Const(Const::I32(c)) => Some(*c as u32),
            _ => None,
        }
    }

    /// A commutative i32 operator with 16-bit and 32-bit immediate forms for a constant operand.
    fn binary_imm32(&mut self, make: Binary, make_imm: Option<BinaryImm>, make_imm32: BinaryImm32) {
        if self.fold2(make.fold) {
            return;
        }
        if self.const_at(0).is_some() || self.const_at(1).is_some() {
            return self.binary_imm(make, make_imm, true);
        }
        if let Some(imm) = self.const32_at(0) {
            self.pop();
            let lhs = self.pop_slot();
            let dst = self.push_temp();
            self.emit_result(make_imm32(dst, lhs, imm), dst, None);
        } else if let Some(imm) = self.const32_at(1) {
            let rhs = self.pop_slot();
            self.pop();
            let dst = self.push_temp();
            self.emit_result(make_imm32(dst, rhs, imm), dst, None);
        } else {
            self.binary(make)
        }
    }

    /// A rotate right by a constant as a rotate left by its negation (`mask` = bits - 1).
    fn rotr(&mut self, make: Binary, rotl_imm: BinaryImm, mask: i64) {
        if self.fold2(make.fold) {
            return;
        }
        let count = match self.stack.last() {
            Some(Operand::Const(Const::I32(c))) => Some(i64::from(*c)),
            Some(Operand::Const(Const::I64(c))) => Some(*c),
            _ => None,
        };
        if let Some(count) = count {
            self.pop();
            let lhs = self.pop_slot();
            let dst = self.push_temp();
            self.emit_result(rotl_imm(dst, lhs, (count.wrapping_neg() & mask) as i16), dst, None);
        } else {
            self.binary(make)
        }
    }

    /// 0 if the entry `from_top` below the top is a float constant +0.0 (stored as zero bits).
    fn zero_float_at(&self, from_top: usize) -> Option<i16> {
        match self.stack.get(self.stack.len().checked_sub(from_top + 1)?)? {
            Operand::Const(Const::F32(0) | Const::F64(0)) => Some(0),
            _ => None,
        }
    }

    /// Constant folding: if the top of the stack is a constant, replaces it with `fold` of it and answers
    /// `true`; `false` (nothing changed) if it is not a constant or the operation would trap.
    fn fold1(&mut self, fold: Fold1) -> bool {
        let Some(&Operand::Const(a)) = self.stack.last() else { return false };
        let Some(value) = fold(a.cell()) else { return false };
        self.pop();
        self.push(Operand::Const(value.into()));
        true
    }

    /// Constant folding of the top two entries, as [`Self::fold1`].
    fn fold2(&mut self, fold: Fold2) -> bool {
        let [.., Operand::Const(a), Operand::Const(b)] = self.stack[..] else { return false };
        let Some(value) = fold(a.cell(), b.cell()) else { return false };
        self.pop();
        self.pop();
        self.push(Operand::Const(value.into()));
        true
    }

    fn unary(&mut self, make: Unary) {
        if self.fold1(make.fold) {
            return;
        }
        let src = self.pop_slot();
        let dst = self.push_temp();
        self.emit_result((make.make)(dst, src), dst, None);
    }

    fn binary(&mut self, make: Binary) {
        if self.fold2(make.fold) {
            return;
        }
        let rhs = self.pop_slot();
        let lhs = self.pop_slot();
        let dst = self.push_temp();
        self.emit_result((make.make)(dst, lhs, rhs), dst, None);
    }

    /// A binary operator with an immediate form for a small constant right operand (or left, if commutative).
    fn binary_imm(&mut self, make: Binary, make_imm: Option<BinaryImm>, commutative: bool) {
        if self.fold2(make.fold) {
            return;
        }
        if let Some(make_imm) = make_imm {
            if let Some(imm) = self.const_at(0) {
                self.pop();
                let lhs = self.pop_slot();
                let dst = self.push_temp();
                self.emit_result(make_imm(dst, lhs, imm), dst, None);
                return;
            }
            if let (true, Some(imm)) = (commutative, self.const_at(1)) {
                let rhs = self.pop_slot();
                self.pop();
                let dst = self.push_temp();
                self.emit_result(make_imm(dst, rhs, imm), dst, None);
                return;
            }
        }
        self.binary(make)
    }

    /// `x - c` as `x + (-c)` when `-c` fits the immediate.
    fn sub(&mut self, make: Binary, add_imm: Option<BinaryImm>) {
        if self.fold2(make.fold) {
            return;
        }
        let negated = self.const_at(0).and_then(|c| c.checked_neg());
        if let (Some(imm), Some(add_imm)) = (negated, add_imm) {
            self.pop();
            let lhs = self.pop_slot();
            let dst = self.push_temp();
            self.emit_result(add_imm(dst, lhs, imm), dst, None);
        } else {
            self.binary(make)
        }
    }

    fn compare(&mut self, wide: bool, cond: Cond) {
        if self.fold2(compare_fold(wide, cond)) {
            return;
        }
        let (cond, lhs, rhs) = if let Some(imm) = self.const_at(0) {
            self.pop();
            (cond, self.pop_slot(), Rhs::Imm(imm))
        } else if let Some(imm) = self.const_at(1) {
            let rhs = self.pop_slot();
            self.pop();
            (cond.swap(), rhs, Rhs::Imm(imm))
        } else {
            let rhs = self.pop_slot();
            (cond, self.pop_slot(), Rhs::Slot(rhs))
        };
        let dst = self.push_temp();
        let compare = Compare { wide, cond, lhs, rhs };
        self.emit_result(compare_instr(wide, cond, dst, lhs, rhs), dst, Some(compare));
    }

    /// `i32.and` with a small constant mask of the result of the `i32.shr_u` by a constant just emitted (and
    /// used nowhere else): replaces that instruction with one `I32ShrUAndImm`. Whether it did.
    fn shift_then_mask(&mut self) -> bool {
        let (Some(mask), Some(last)) = (self.const_at(0), self.last) else { return false };
        let Some(depth) = self.stack.len().checked_sub(2) else { return false };
        if self.stack[depth] != Operand::Temp || last.dst != self.canonical(depth) {
            return false;
        }
        let Some(Instr::I32ShrUImm(shr)) = Instr::decode(&self.code, last.start) else { return false };
        self.code.truncate(last.start);
        self.last = None;
        self.pop();
        self.pop();
        let dst = self.push_temp();
        self.emit_result(op::I32ShrUAndImm { dst, lhs: shr.lhs, shift: shr.imm, mask }, dst, None);
        true
    }

    /// If the top of the stack is the result of the `i32.add` just emitted (and of nothing else), removes that
    /// instruction and pops the value: the caller computes the sum itself.
    fn address_add(&mut self) -> Option<AddressAdd> {
        let depth = self.stack.len().checked_sub(1)?;
        let last = self.last?;
        if self.stack.last() != Some(&Operand::Temp) || last.dst != self.canonical(depth) {
            return None;
        }
        let add = match Instr::decode(&self.code, last.start)? {
            Instr::I32AddImm(a) => AddressAdd::Imm(a.lhs, a.imm),
            Instr::I32Add(a) => AddressAdd::Index(a.lhs, a.rhs),
            _ => return None,
        };
        self.code.truncate(last.start);
        self.last = None;
        self.pop();
        Some(add)
    }

    fn load(&mut self, memarg: MemArg, make: fn(Slot, Slot, u32) -> Instr) -> Result<(), Error> {
        let offset = memory_offset(&memarg)?;
        let addr = self.pop_slot();
        let dst = self.push_temp();
        self.emit_result(make(dst, addr, offset), dst, None);
        Ok(())
    }

    fn store(&mut self, memarg: MemArg, make: fn(Slot, Slot, u32) -> Instr) -> Result<(), Error> {
        let offset = memory_offset(&memarg)?;
        let src = self.pop_slot();
        let addr = self.pop_slot();
        self.emit(make(addr, src, offset));
        Ok(())
    }

    /// A call of a function of type `ty` (`None`: out of range, which validation rules out): the arguments are
    /// materialised in consecutive cells, where the callee's frame starts and its results come back.
    fn call(&mut self, ty: Option<&'a ember_core::FuncType>, make: impl FnOnce(Slot) -> Instr) {
        let (params, results) = ty.map_or((&[][..], &[][..]), |t| (t.params(), t.results()));
        self.materialize_top(params.len());
        let base = self.stack.len().saturating_sub(params.len());
        let args = self.canonical(base);
        self.truncate(base);
        self.emit(make(args));
        for &ty in results {
            self.push(Operand::temp(ty));
        }
    }

    /// A block's signature and its numbers of parameters and results.
    fn block_sig(&self, ty: BlockType) -> (BlockSig, usize, usize) {
        let sig = match ty {
            BlockType::Empty => BlockSig::Empty,
            BlockType::Type(t) => BlockSig::One(value_type(t)),
            BlockType::FuncType(i) => BlockSig::Type(i),
        };
        let (params, results) = self.sig_types(sig);
        (sig, params.len(), results.len())
    }

    /// `select`: of two `v128` values, one `Select` per cell (each reads its cells before writing the low
    /// cell, whose sources are at or above it, or are locals).
    fn select(&mut self) {
        let cond = self.pop_slot();
        let wide = self.stack.last().is_some_and(|o| o.is_wide());
        let if_false = self.pop_slot();
        let if_true = self.pop_slot();
        if wide {
            let dst = self.push_temp2();
            let high = |s: Slot| Slot(s.0.wrapping_add(1));
            self.emit(op::Select { dst, cond, if_true, if_false });
            self.emit(op::Select { dst: high(dst), cond, if_true: high(if_true), if_false: high(if_false) });
        } else {
            let dst = self.push_temp();
            self.emit_result(op::Select { dst, cond, if_true, if_false }, dst, None);
        }
    }

    /// `global.get`: two cells for a `v128` global.
    fn global_get(&mut self, global: u32) {
        if self.global_is_wide(global) {
            let dst = self.push_temp2();
            self.emit(op::GlobalGet128 { dst: WideSlot(dst.0), global });
        } else {
            let dst = self.push_temp();
            self.emit_result(op::GlobalGet { dst, global }, dst, None);
        }
    }

    /// `global.set`: two cells for a `v128` global.
    fn global_set(&mut self, global: u32) {
        let src = self.pop_slot();
        if self.global_is_wide(global) {
            self.emit(op::GlobalSet128 { global, src: WideSlot(src.0) });
        } else {
            self.emit(op::GlobalSet { global, src });
        }
    }

    fn global_is_wide(&self, global: u32) -> bool {
        self.module.globals.get(global as usize).is_some_and(|g| g.content == ValType::V128)
    }

    /// `v128.const`: written into its two cells at once (there are no pending 128-bit constants).
    #[cfg(feature = "simd")]
    fn v128_const(&mut self, value: u128) {
        let dst = self.push_temp2();
        self.emit_const(dst, Const::I64(value as u64 as i64));
        self.emit_const(Slot(dst.0.wrapping_add(1)), Const::I64((value >> 64) as u64 as i64));
        self.last = None;
    }

    /// Translates one operator.
    pub(super) fn visit(&mut self, operator: Operator<'_>) -> Result<(), Error> {
        use Operator as O;
        if self.unreachable {
            self.skip_unreachable(&operator);
            return Ok(());
        }
        self.fuel_count += 1;
        match operator {
            // ---- control ----
            O::Unreachable => {
                self.emit(op::Unreachable {});
                self.unreachable = true;
            }
            O::Nop => {}
            O::Block { blockty } => {
                let (sig, p, r) = self.block_sig(blockty);
                self.open(ControlKind::Block, sig, p, r);
            }
            O::Loop { blockty } => {
                let (sig, p, r) = self.block_sig(blockty);
                self.open(ControlKind::Loop, sig, p, r);
            }
            O::If { blockty } => {
                let (sig, p, r) = self.block_sig(blockty);
                self.open(ControlKind::If, sig, p, r);
            }
            O::Else => self.else_(),
            O::End => self.end(),
            O::Br { relative_depth } => self.br(relative_depth),
            O::BrIf { relative_depth } => self.br_if(relative_depth),
            O::BrTable { targets } => {
                let default = targets.default();
                let list = targets.targets().collect::<Result<alloc::vec::Vec<u32>, _>>().map_err(super::invalid)?;
                self.br_table(&list, default);
            }
            O::Return => self.return_(),
            O::Call { function_index } => {
                let ty = self.module.func_type(function_index);
                self.call(ty, |args| match u16::try_from(function_index) {
                    Ok(func) => op::Call { func, args }.into(),
                    Err(_) => op::CallWide { func: function_index, args }.into(),
                });
            }
            O::CallIndirect { type_index, table_index } => {
                let index = self.pop_slot();
                let ty = self.module.types.get(type_index as usize);
                self.call(ty, |args| op::CallIndirect { ty: type_index, table: table_index, index, args }.into());
            }
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } | O::TypedSelectMulti { .. } => self.select(),

            // ---- variables ----
            O::LocalGet { local_index } => self.local_get(local_index),
            O::LocalSet { local_index } => self.local_set(local_index),
            O::LocalTee { local_index } => {
                self.local_set(local_index);
                self.local_get(local_index);
            }
            O::GlobalGet { global_index } => self.global_get(global_index),
            O::GlobalSet { global_index } => self.global_set(global_index),

            // ---- tables and references ----
            O::TableGet { table } => {
                let index = self.pop_slot();
                let dst = self.push_temp();
                self.emit_result(op::TableGet { dst, table, index }, dst, None);
            }
            O::TableSet { table } => {
                let value = self.pop_slot();
                let index = self.pop_slot();
                self.emit(op::TableSet { table, index, value });
            }
            O::TableSize { table } => {
                let dst = self.push_temp();
                self.emit_result(op::TableSize { dst, table }, dst, None);
            }
            O::TableGrow { table } => {
                let delta = self.pop_slot();
                let init = self.pop_slot();
                let dst = self.push_temp();
                self.emit_result(op::TableGrow { dst, table, init, delta }, dst, None);
            }
            O::TableFill { table } => {
                let len = self.pop_slot();
                let value = self.pop_slot();
                let dst = self.pop_slot();
                self.emit(op::TableFill { table, dst, value, len });
            }
            O::TableCopy { dst_table, src_table } => {
                let len = self.pop_slot();
                let src = self.pop_slot();
                let dst = self.pop_slot();
                self.emit(op::TableCopy { dst_table, src_table, dst, src, len });
            }
            O::TableInit { elem_index, table } => {
                let len = self.pop_slot();
                let src = self.pop_slot();
                let dst = self.pop_slot();
                self.emit(op::TableInit { table, elem: elem_index, dst, src, len });
            }
            O::ElemDrop { elem_index } => {
                self.emit(op::ElemDrop { elem: elem_index });
            }
            O::RefNull { .. } => self.push(Operand::Const(Const::I32(0))),
            O::RefIsNull => self.unary(un!(I64Eqz)),
            O::RefFunc { function_index } => {
                let dst = self.push_temp();
                self.emit_result(op::RefFunc { dst, func: function_index }, dst, None);
            }

            // ---- memory ----
            O::I32Load { memarg } | O::F32Load { memarg } => {
                load!(self, memarg, I32Load, I32LoadWide, I32LoadAddImm, I32LoadIdx)
            }
            O::I64Load { memarg } | O::F64Load { memarg } => {
                load!(self, memarg, I64Load, I64LoadWide, I64LoadAddImm, I64LoadIdx)
            }
            O::I32Load8S { memarg } => {
                load!(self, memarg, I32Load8S, I32Load8SWide)
            }
            O::I32Load8U { memarg } => {
                load!(self, memarg, I32Load8U, I32Load8UWide, I32Load8UAddImm, I32Load8UIdx)
            }
            O::I32Load16S { memarg } => {
                load!(self, memarg, I32Load16S, I32Load16SWide)
            }
            O::I32Load16U { memarg } => {
                load!(self, memarg, I32Load16U, I32Load16UWide)
            }
            O::I64Load8S { memarg } => {
                load!(self, memarg, I64Load8S, I64Load8SWide)
            }
            O::I64Load8U { memarg } => {
                load!(self, memarg, I64Load8U, I64Load8UWide)
            }
            O::I64Load16S { memarg } => {
                load!(self, memarg, I64Load16S, I64Load16SWide)
            }
            O::I64Load16U { memarg } => {
                load!(self, memarg, I64Load16U, I64Load16UWide)
            }
            O::I64Load32S { memarg } => {
                load!(self, memarg, I64Load32S, I64Load32SWide)
            }
            O::I64Load32U { memarg } => {
                load!(self, memarg, I64Load32U, I64Load32UWide)
            }
            O::I32Store { memarg } | O::F32Store { memarg } | O::I64Store32 { memarg } => {
                store_add!(self, memarg, I32Store, I32StoreWide, I32StoreImm, I32StoreAddImm, I32StoreIdx)
            }
            O::I64Store { memarg } | O::F64Store { memarg } => {
                store_add!(self, memarg, I64Store, I64StoreWide, I64StoreImm, I64StoreAddImm, I64StoreIdx)
            }
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => {
                store_add!(self, memarg, Store8, Store8Wide, Store8Imm, Store8AddImm, Store8Idx)
            }
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => {
                store!(self, memarg, Store16, Store16Wide, Store16Imm)
            }
            O::MemorySize { mem } => {
                check_memory(mem)?;
                let dst = self.push_temp();
                self.emit_result(op::MemorySize { dst }, dst, None);
            }
            O::MemoryGrow { mem } => {
                check_memory(mem)?;
                let delta = self.pop_slot();
                let dst = self.push_temp();
                self.emit_result(op::MemoryGrow { dst, delta }, dst, None);
            }
            O::MemoryFill { mem } => {
                check_memory(mem)?;
                let len = self.pop_slot();
                let value = self.pop_slot();
                let dst = self.pop_slot();
                self.emit(op::MemoryFill { dst, value, len });
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                check_memory(dst_mem)?;
                check_memory(src_mem)?;
                let len = self.pop_slot();
                let src = self.pop_slot();
                let dst = self.pop_slot();
                self.emit(op::MemoryCopy { dst, src, len });
            }
            O::MemoryInit { data_index, mem } => {
                check_memory(mem)?;
                let len = self.pop_slot();
                let src = self.pop_slot();
                let dst = self.pop_slot();
                self.emit(op::MemoryInit { data: data_index, dst, src, len });
            }
            O::DataDrop { data_index } => {
                self.emit(op::DataDrop { data: data_index });
            }

            // ---- constants ----
            O::I32Const { value } => self.push(Operand::Const(Const::I32(value))),
            O::I64Const { value } => self.push(Operand::Const(Const::I64(value))),
            O::F32Const { value } => self.push(Operand::Const(Const::F32(value.bits()))),
            O::F64Const { value } => self.push(Operand::Const(Const::F64(value.bits()))),
            #[cfg(feature = "simd")]
            O::V128Const { value } => self.v128_const(value.i128() as u128),

            // ---- i32 ----
            O::I32Eqz => self.unary(un!(I32Eqz)),
            O::I32Eq => self.compare(false, Cond::Eq),
            O::I32Ne => self.compare(false, Cond::Ne),
            O::I32LtS => self.compare(false, Cond::LtS),
            O::I32LtU => self.compare(false, Cond::LtU),
            O::I32GtS => self.compare(false, Cond::GtS),
            O::I32GtU => self.compare(false, Cond::GtU),
            O::I32LeS => self.compare(false, Cond::LeS),
            O::I32LeU => self.compare(false, Cond::LeU),
            O::I32GeS => self.compare(false, Cond::GeS),
            O::I32GeU => self.compare(false, Cond::GeU),
            O::I32Clz => self.unary(un!(I32Clz)),
            O::I32Ctz => self.unary(un!(I32Ctz)),
            O::I32Popcnt => self.unary(un!(I32Popcnt)),
            O::I32Add => self.binary_imm32(bin!(I32Add), imm!(I32AddImm), imm32!(I32AddImm32)),
            O::I32Sub => match self.const32_at(0) {
                Some(c) if self.const_at(0).and_then(|c| c.checked_neg()).is_none() => {
                    self.pop();
                    let lhs = self.pop_slot();
                    let dst = self.push_temp();
                    self.emit_result(Instr::from(op::I32AddImm32 { dst, lhs, imm: c.wrapping_neg() }), dst, None);
                }
                _ => self.sub(bin!(I32Sub), imm!(I32AddImm)),
            },
            O::I32Mul => self.binary_imm(bin!(I32Mul), imm!(I32MulImm), true),
            O::I32DivS => self.binary(bin!(I32DivS)),
            O::I32DivU => self.binary(bin!(I32DivU)),
            O::I32RemS => self.binary(bin!(I32RemS)),
            O::I32RemU => self.binary(bin!(I32RemU)),
            O::I32And => {
                if !self.shift_then_mask() {
                    self.binary_imm32(bin!(I32And), imm!(I32AndImm), imm32!(I32AndImm32));
                }
            }
            O::I32Or => self.binary_imm32(bin!(I32Or), imm!(I32OrImm), imm32!(I32OrImm32)),
            O::I32Xor => self.binary_imm32(bin!(I32Xor), imm!(I32XorImm), imm32!(I32XorImm32)),
            O::I32Shl => self.binary_imm(bin!(I32Shl), imm!(I32ShlImm), false),
            O::I32ShrS => self.binary_imm(bin!(I32ShrS), imm!(I32ShrSImm), false),
            O::I32ShrU => self.binary_imm(bin!(I32ShrU), imm!(I32ShrUImm), false),
            O::I32Rotl => self.binary_imm(bin!(I32Rotl), imm!(I32RotlImm), false),
            O::I32Rotr => self.rotr(bin!(I32Rotr), |dst, lhs, imm| op::I32RotlImm { dst, lhs, imm }.into(), 31),

            // ---- i64 ----
            O::I64Eqz => self.unary(un!(I64Eqz)),
            O::I64Eq => self.compare(true, Cond::Eq),
            O::I64Ne => self.compare(true, Cond::Ne),
            O::I64LtS => self.compare(true, Cond::LtS),
            O::I64LtU => self.compare(true, Cond::LtU),
            O::I64GtS => self.compare(true, Cond::GtS),
            O::I64GtU => self.compare(true, Cond::GtU),
            O::I64LeS => self.compare(true, Cond::LeS),
            O::I64LeU => self.compare(true, Cond::LeU),
            O::I64GeS => self.compare(true, Cond::GeS),
            O::I64GeU => self.compare(true, Cond::GeU),
            O::I64Clz => self.unary(un!(I64Clz)),
            O::I64Ctz => self.unary(un!(I64Ctz)),
            O::I64Popcnt => self.unary(un!(I64Popcnt)),
            O::I64Add => self.binary_imm(bin!(I64Add), imm!(I64AddImm), true),
            O::I64Sub => self.sub(bin!(I64Sub), imm!(I64AddImm)),
            O::I64Mul => self.binary_imm(bin!(I64Mul), imm!(I64MulImm), true),
            O::I64DivS => self.binary(bin!(I64DivS)),
            O::I64DivU => self.binary(bin!(I64DivU)),
            O::I64RemS => self.binary(bin!(I64RemS)),
            O::I64RemU => self.binary(bin!(I64RemU)),
            O::I64And => self.binary_imm(bin!(I64And), imm!(I64AndImm), true),
            O::I64Or => self.binary_imm(bin!(I64Or), imm!(I64OrImm), true),
            O::I64Xor => self.binary_imm(bin!(I64Xor), imm!(I64XorImm), true),
            O::I64Shl => self.binary_imm(bin!(I64Shl), imm!(I64ShlImm), false),
            O::I64ShrS => self.binary_imm(bin!(I64ShrS), imm!(I64ShrSImm), false),
            O::I64ShrU => self.binary_imm(bin!(I64ShrU), imm!(I64ShrUImm), false),
            O::I64Rotl => self.binary_imm(bin!(I64Rotl), imm!(I64RotlImm), false),
            O::I64Rotr => self.rotr(bin!(I64Rotr), |dst, lhs, imm| op::I64RotlImm { dst, lhs, imm }.into(), 63),

            // ---- f32 ----
            O::F32Eq => self.binary(bin!(F32Eq)),
            O::F32Ne => self.binary(bin!(F32Ne)),
            O::F32Lt => self.binary(bin!(F32Lt)),
            O::F32Gt => self.binary(bin!(F32Gt)),
            O::F32Le => self.binary(bin!(F32Le)),
            O::F32Ge => self.binary(bin!(F32Ge)),
            O::F32Abs => self.unary(un!(F32Abs)),
            O::F32Neg => self.unary(un!(F32Neg)),
            O::F32Ceil => self.unary(un!(F32Ceil)),
            O::F32Floor => self.unary(un!(F32Floor)),
            O::F32Trunc => self.unary(un!(F32Trunc)),
            O::F32Nearest => self.unary(un!(F32Nearest)),
            O::F32Sqrt => self.unary(un!(F32Sqrt)),
            O::F32Add => self.binary(bin!(F32Add)),
            O::F32Sub => self.binary(bin!(F32Sub)),
            O::F32Mul => self.binary(bin!(F32Mul)),
            O::F32Div => self.binary(bin!(F32Div)),
            O::F32Min => self.binary(bin!(F32Min)),
            O::F32Max => self.binary(bin!(F32Max)),
            O::F32Copysign => self.binary(bin!(F32Copysign)),

            // ---- f64 ----
            O::F64Eq => self.binary(bin!(F64Eq)),
            O::F64Ne => self.binary(bin!(F64Ne)),
            O::F64Lt => self.binary(bin!(F64Lt)),
            O::F64Gt => self.binary(bin!(F64Gt)),
            O::F64Le => self.binary(bin!(F64Le)),
            O::F64Ge => self.binary(bin!(F64Ge)),
            O::F64Abs => self.unary(un!(F64Abs)),
            O::F64Neg => self.unary(un!(F64Neg)),
            O::F64Ceil => self.unary(un!(F64Ceil)),
            O::F64Floor => self.unary(un!(F64Floor)),
            O::F64Trunc => self.unary(un!(F64Trunc)),
            O::F64Nearest => self.unary(un!(F64Nearest)),
            O::F64Sqrt => self.unary(un!(F64Sqrt)),
            O::F64Add => self.binary(bin!(F64Add)),
            O::F64Sub => self.binary(bin!(F64Sub)),
            O::F64Mul => self.binary(bin!(F64Mul)),
            O::F64Div => self.binary(bin!(F64Div)),
            O::F64Min => self.binary(bin!(F64Min)),
            O::F64Max => self.binary(bin!(F64Max)),
            O::F64Copysign => self.binary(bin!(F64Copysign)),

            // ---- conversions ----
            O::I32WrapI64 => self.unary(un!(I32WrapI64)),
            O::I32TruncF32S => self.unary(un!(I32TruncF32S)),
            O::I32TruncF32U => self.unary(un!(I32TruncF32U)),
            O::I32TruncF64S => self.unary(un!(I32TruncF64S)),
            O::I32TruncF64U => self.unary(un!(I32TruncF64U)),
            O::I64ExtendI32S => self.unary(un!(I64ExtendI32S)),
            O::I64ExtendI32U => self.unary(un!(I64ExtendI32U)),
            O::I64TruncF32S => self.unary(un!(I64TruncF32S)),
            O::I64TruncF32U => self.unary(un!(I64TruncF32U)),
            O::I64TruncF64S => self.unary(un!(I64TruncF64S)),
            O::I64TruncF64U => self.unary(un!(I64TruncF64U)),
            O::F32ConvertI32S => self.unary(un!(F32ConvertI32S)),
            O::F32ConvertI32U => self.unary(un!(F32ConvertI32U)),
            O::F32ConvertI64S => self.unary(un!(F32ConvertI64S)),
            O::F32ConvertI64U => self.unary(un!(F32ConvertI64U)),
            O::F32DemoteF64 => self.unary(un!(F32DemoteF64)),
            O::F64ConvertI32S => self.unary(un!(F64ConvertI32S)),
            O::F64ConvertI32U => self.unary(un!(F64ConvertI32U)),
            O::F64ConvertI64S => self.unary(un!(F64ConvertI64S)),
            O::F64ConvertI64U => self.unary(un!(F64ConvertI64U)),
            O::F64PromoteF32 => self.unary(un!(F64PromoteF32)),
            // Reinterpretations keep the bits: the value stays where it is.
            O::I32ReinterpretF32 | O::I64ReinterpretF64 | O::F32ReinterpretI32 | O::F64ReinterpretI64 => {}
            O::I32Extend8S => self.unary(un!(I32Extend8S)),
            O::I32Extend16S => self.unary(un!(I32Extend16S)),
            O::I64Extend8S => self.unary(un!(I64Extend8S)),
            O::I64Extend16S => self.unary(un!(I64Extend16S)),
            O::I64Extend32S => self.unary(un!(I64Extend32S)),
            O::I32TruncSatF32S => self.unary(un!(I32TruncSatF32S)),
            O::I32TruncSatF32U => self.unary(un!(I32TruncSatF32U)),
            O::I32TruncSatF64S => self.unary(un!(I32TruncSatF64S)),
            O::I32TruncSatF64U => self.unary(un!(I32TruncSatF64U)),
            O::I64TruncSatF32S => self.unary(un!(I64TruncSatF32S)),
            O::I64TruncSatF32U => self.unary(un!(I64TruncSatF32U)),
            O::I64TruncSatF64S => self.unary(un!(I64TruncSatF64S)),
            O::I64TruncSatF64U => self.unary(un!(I64TruncSatF64U)),

            other => {
                #[cfg(feature = "simd")]
                if self.simd(&other)? {
                    return Ok(());
                }
                return Err(unsupported(&other));
            }
        }
        Ok(())
    }
}

/// The error for an instruction the translator does not handle: the SIMD instructions other than
/// `v128.const` (which only move values are translated), named as in the text format where the name can be
/// derived (`i8x16.add`), and anything else by its decoded form.
#[cold]
fn unsupported(operator: &Operator<'_>) -> Error {
    let debug = alloc::format!("{operator:?}");
    let name = debug.split([' ', '{', '(']).next().unwrap_or_default();
    const SHAPES: [&str; 7] = ["V128", "I8x16", "I16x8", "I32x4", "I64x2", "F32x4", "F64x2"];
    match SHAPES.iter().find(|shape| name.starts_with(*shape)) {
        Some(shape) => {
            let mut text = shape.to_ascii_lowercase();
            text.push('.');
            for (k, c) in name[shape.len()..].chars().enumerate() {
                if c.is_ascii_uppercase() && k > 0 {
                    text.push('_');
                }
                text.push(c.to_ascii_lowercase());
            }
            Error::Unsupported(alloc::format!("SIMD instruction `{text}` is not supported yet"))
        }
        None => Error::Unsupported(alloc::format!("instruction {debug}")),
    }
}

/// An ember value type for a wasmparser one (only the number of cells it takes matters to the translator).
fn value_type(ty: wasmparser::ValType) -> ValType {
    match ty {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::V128 => ValType::V128,
        wasmparser::ValType::Ref(r) if r.is_extern_ref() => ValType::ExternRef,
        wasmparser::ValType::Ref(_) => ValType::FuncRef,
    }
}

fn check_memory(mem: u32) -> Result<(), Error> {
    if mem == 0 {
        Ok(())
    } else {
        Err(Error::Unsupported("multiple memories".into()))
    }
}

pub(super) fn memory_offset(memarg: &MemArg) -> Result<u32, Error> {
    match memarg.target {
        wasmparser::MemArgTarget::Memory(mem) => check_memory(mem)?,
        wasmparser::MemArgTarget::Array(_) => return Err(Error::Unsupported("GC array accesses".into())),
    }
    u32::try_from(memarg.offset).map_err(|_| Error::Unsupported("64-bit memory offsets".into()))
}
