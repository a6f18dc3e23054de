//! Branches, fuel and loop profiling.
//!
//! A conditional branch reads its offset only when it is taken. (Reading it with the other operands lets LLVM
//! compute `taken ? ip + offset : ip + UNITS` with a conditional move, which makes the next instruction's
//! address wait for the comparison instead of being predicted.) The offset is the instruction's last unit.

use ember_core::TrapCode;

use super::{get, handler, step};
use crate::exec::dispatch::{exit, next, trap, Exit};
use crate::exec::num::FromCell;
use crate::operand::{FarOffset, Operand};
use crate::ops::op;

/// Goes on at the branch target of the conditional branch `$op` at `$ip` if `$taken`, else after it.
macro_rules! branch_if {
    ($op:ident, $i:ident, $taken:expr, $cx:ident, $ip:ident, $sp:ident, $mem:ident) => {
        if $taken {
            let offset = $ip.add(op::$op::UNITS - 1).cast::<i16>().read();
            next($cx, $ip.offset(isize::from(offset)), $sp, $mem)
        } else {
            step!($op, $cx, $ip, $sp, $mem)
        }
    };
}

/// Branch if `f(s[cond])`.
macro_rules! branch1 {
    ($($op:ident => |$a:ident: $ta:ty| $e:expr;)*) => {
        super::shape! {
            [$($op),*]
            fn(cx, ip, sp, mem, i) let cond = get(sp, i.cond); then branch_if;
            $($op => { let $a = <$ta as FromCell>::from_cell(cond); $e })*
        }
    };
}

/// Branch if `f(s[lhs], s[rhs])`.
macro_rules! branch2 {
    ($($op:ident => |$a:ident: $ta:ty, $b:ident| $e:expr;)*) => {
        super::shape! {
            [$($op),*]
            fn(cx, ip, sp, mem, i) let (lhs, rhs) = (get(sp, i.lhs), get(sp, i.rhs)); then branch_if;
            $($op => {
                let $a = <$ta as FromCell>::from_cell(lhs);
                let $b = <$ta as FromCell>::from_cell(rhs);
                $e
            })*
        }
    };
}

/// Branch if `f(s[lhs], imm)`.
macro_rules! branch_imm {
    ($($op:ident => |$a:ident: $ta:ty, $b:ident| $e:expr;)*) => {
        super::shape! {
            [$($op),*]
            fn(cx, ip, sp, mem, i) let (lhs, imm) = (get(sp, i.lhs), i.imm); then branch_if;
            $($op => { let $a = <$ta as FromCell>::from_cell(lhs); let $b = imm; $e })*
        }
    };
}

handler! {
    /// Trap: `unreachable`.
    fn Unreachable(cx, ip, sp, mem) {
        trap(cx, ip, TrapCode::Unreachable)
    }

    /// Jump by a 16-bit offset.
    fn Br(cx, ip, sp, mem) {
        let i = op::Br::decode_ptr(ip);
        next(cx, ip.offset(isize::from(i.offset.0)), sp, mem)
    }

    /// Jump by a 32-bit offset.
    fn BrFar(cx, ip, sp, mem) {
        let i = op::BrFar::decode_ptr(ip);
        next(cx, ip.offset(i.offset.0 as isize), sp, mem)
    }

    /// Jump to target `min(s[index], len)` of the table after the instruction.
    fn BrTable(cx, ip, sp, mem) {
        let i = op::BrTable::decode_ptr(ip);
        let target = (get(sp, i.index) as u32).min(i.len) as usize;
        // The verifier checked that the `len + 1` targets after the instruction are inside the code.
        let offset = FarOffset::read_ptr(ip.add(op::BrTable::UNITS + 2 * target));
        next(cx, ip.offset(offset.0 as isize), sp, mem)
    }

    /// Take `amount` fuel, or trap.
    fn ConsumeFuel(cx, ip, sp, mem) {
        let i = op::ConsumeFuel::decode_ptr(ip);
        match cx.objects.consume_fuel(u64::from(i.amount)) {
            Ok(()) => step!(ConsumeFuel, cx, ip, sp, mem),
            Err(code) => trap(cx, ip, code),
        }
    }

    /// Count a pass through a loop header; every `loop_sample` passes, leave to sample the loop for tier-up.
    fn ProfileLoop(cx, ip, sp, mem) {
        let after = ip.add(op::ProfileLoop::UNITS);
        cx.loop_budget = cx.loop_budget.wrapping_sub(1);
        if cx.loop_budget == 0 {
            core::hint::cold_path();
            return exit(cx, after, Exit::LoopSample);
        }
        next(cx, after, sp, mem)
    }
}

branch1! {
    BrIfNez => |c: u32| c != 0;
    BrIfEqz => |c: u32| c == 0;
    BrIfNez64 => |c: u64| c != 0;
    BrIfEqz64 => |c: u64| c == 0;
}

branch2! {
    BrIfI32Eq => |a: u32, b| a == b;
    BrIfI32Ne => |a: u32, b| a != b;
    BrIfI32LtS => |a: i32, b| a < b;
    BrIfI32LtU => |a: u32, b| a < b;
    BrIfI32GtS => |a: i32, b| a > b;
    BrIfI32GtU => |a: u32, b| a > b;
    BrIfI32LeS => |a: i32, b| a <= b;
    BrIfI32LeU => |a: u32, b| a <= b;
    BrIfI32GeS => |a: i32, b| a >= b;
    BrIfI32GeU => |a: u32, b| a >= b;
}

branch2! {
    BrIfI64Eq => |a: u64, b| a == b;
    BrIfI64Ne => |a: u64, b| a != b;
    BrIfI64LtS => |a: i64, b| a < b;
    BrIfI64LtU => |a: u64, b| a < b;
    BrIfI64GtS => |a: i64, b| a > b;
    BrIfI64GtU => |a: u64, b| a > b;
    BrIfI64LeS => |a: i64, b| a <= b;
    BrIfI64LeU => |a: u64, b| a <= b;
    BrIfI64GeS => |a: i64, b| a >= b;
    BrIfI64GeU => |a: u64, b| a >= b;
}

branch_imm! {
    BrIfI32EqImm => |a: i32, b| a == i32::from(b);
    BrIfI32NeImm => |a: i32, b| a != i32::from(b);
    BrIfI32LtSImm => |a: i32, b| a < i32::from(b);
    BrIfI32LtUImm => |a: u32, b| a < i32::from(b) as u32;
    BrIfI32GtSImm => |a: i32, b| a > i32::from(b);
    BrIfI32GtUImm => |a: u32, b| a > i32::from(b) as u32;
    BrIfI32LeSImm => |a: i32, b| a <= i32::from(b);
    BrIfI32LeUImm => |a: u32, b| a <= i32::from(b) as u32;
    BrIfI32GeSImm => |a: i32, b| a >= i32::from(b);
    BrIfI32GeUImm => |a: u32, b| a >= i32::from(b) as u32;
}
