//! One handler per instruction, named after it (`handlers::I32Add` runs `I32Add`). [`dispatch`](super::dispatch)
//! builds its handler table from the op table, so an instruction without a handler here does not compile.
//!
//! Every handler has the contract of [`Handler`](super::dispatch::Handler): `ip` points to an instruction of
//! that kind in verified code, `sp` is its function's frame and `mem` is memory 0 as loaded. From it:
//! - the instruction's operands are inside the code (verified code is a sequence of whole instructions), so
//!   `op::X::decode_ptr(ip)` reads only code;
//! - every slot operand is inside the frame (the verifier checks each against `frame_size`), so [`get`] and
//!   [`set`] stay inside the value stack;
//! - the next instruction (`ip + UNITS`) exists after every instruction that is not a terminator (the last
//!   instruction of verified code is one), and every branch target is the start of an instruction.
//!
//! The handlers are written with the shapes below (`unary!`, `binary!`, `load!`...), which decode, compute and
//! dispatch; the semantics they compute come from `num` and `memory`.

use super::dispatch::{defect, Ctx, Done, Ip, Mem0, Sp};
use crate::operand::Slot;

mod basic;
mod calls;
mod control;
mod entities;
mod memory;
mod numeric;
mod wide;

pub(crate) use basic::*;
pub(crate) use calls::*;
pub(crate) use control::*;
pub(crate) use entities::*;
pub(crate) use memory::*;
pub(crate) use numeric::*;
pub(crate) use wide::*;

/// `s[slot]`.
///
/// # Safety
/// `slot` is an operand of the verified code running in frame `sp` (so it is inside the frame).
#[inline(always)]
pub(crate) unsafe fn get(sp: Sp, slot: Slot) -> u64 {
    // SAFETY: the verifier proved `slot < frame_size`, and the frame holds `frame_size` slots.
    unsafe { sp.add(slot.idx()).read() }
}

/// `s[slot] = value`.
///
/// # Safety
/// As for [`get`].
#[inline(always)]
pub(crate) unsafe fn set(sp: Sp, slot: Slot, value: u64) {
    // SAFETY: the verifier proved `slot < frame_size`, and the frame holds `frame_size` slots.
    unsafe { sp.add(slot.idx()).write(value) }
}

/// Defines handlers: `handler! { fn Name(cx, ip, sp, mem) { body } }`, the body ending in `next(...)`, `exit`,
/// `trap` or `defect`. The body runs under the handler contract (see the module documentation), which is what
/// makes its operand decoding, slot accesses and moves of `ip` sound: SAFETY for the `unsafe` block around it.
macro_rules! handler {
    ($( $(#[doc = $doc:literal])* fn $name:ident($cx:ident, $ip:ident, $sp:ident, $mem:ident) $body:block )*) => {$(
        $(#[doc = $doc])*
        #[allow(non_snake_case, unused_variables, unused_unsafe, clippy::missing_safety_doc)]
        pub(crate) unsafe fn $name(
            $cx: &mut $crate::exec::dispatch::Ctx<'_>,
            $ip: $crate::exec::dispatch::Ip,
            $sp: $crate::exec::dispatch::Sp,
            $mem: $crate::exec::dispatch::Mem0,
        ) -> $crate::exec::dispatch::Done {
            // SAFETY: the handler contract (module documentation of `handlers`).
            unsafe { $body }
        }
    )*};
}
pub(crate) use handler;

/// Goes on after the `$op` at `$ip` (which is not a terminator).
macro_rules! step {
    ($op:ident, $cx:ident, $ip:ident, $sp:ident, $mem:ident) => {
        $crate::exec::dispatch::next($cx, $ip.add($crate::ops::op::$op::UNITS), $sp, $mem)
    };
}
pub(crate) use step;

/// The handler of instructions the build cannot run: float arithmetic without the `float` feature, which the
/// verifier refuses, so this is never reached. One shared function, so those instructions cost nothing.
#[cfg_attr(feature = "float", allow(dead_code))]
pub(crate) unsafe fn no_float(cx: &mut Ctx<'_>, ip: Ip, _sp: Sp, _mem: Mem0) -> Done {
    defect(cx, ip, "floating-point instruction")
}

/// `s[dst] = f(src)` for each `Op => |a: A| f(a)`. The operation becomes `op::Op::eval` (a cell in, the typed
/// result out), which the handler runs and the translator's constant folding evaluates: one definition.
macro_rules! unary {
    ($($op:ident => |$a:ident: $ta:ty| $e:expr;)*) => {$(
        impl $crate::ops::op::$op {
            /// The operation on an operand cell.
            #[inline(always)]
            pub(crate) fn eval(cell: u64) -> impl $crate::exec::num::ToNum {
                let $a = <$ta as $crate::exec::num::FromCell>::from_cell(cell);
                $e
            }
        }
        $crate::exec::handlers::handler! {
            fn $op(cx, ip, sp, mem) {
                let i = $crate::ops::op::$op::decode_ptr(ip);
                let v = $crate::ops::op::$op::eval($crate::exec::handlers::get(sp, i.src));
                $crate::exec::handlers::set(sp, i.dst, $crate::exec::num::ToCell::to_cell(v));
                $crate::exec::handlers::step!($op, cx, ip, sp, mem)
            }
        }
    )*};
}
pub(crate) use unary;

/// `s[dst] = f(src)` for each `Op => f`, where `f` may trap; `op::Op::eval` as for [`unary!`], with the trap.
#[cfg_attr(not(feature = "float"), allow(unused_macros))] // only float conversions trap this way
macro_rules! unary_try {
    ($($op:ident => $f:path;)*) => {$(
        impl $crate::ops::op::$op {
            /// The operation on an operand cell, or its trap.
            #[inline(always)]
            pub(crate) fn eval(cell: u64) -> Result<impl $crate::exec::num::ToNum, ember_core::TrapCode> {
                $f($crate::exec::num::FromCell::from_cell(cell))
            }
        }
        $crate::exec::handlers::handler! {
            fn $op(cx, ip, sp, mem) {
                let i = $crate::ops::op::$op::decode_ptr(ip);
                match $crate::ops::op::$op::eval($crate::exec::handlers::get(sp, i.src)) {
                    Ok(v) => {
                        $crate::exec::handlers::set(sp, i.dst, $crate::exec::num::ToCell::to_cell(v));
                        $crate::exec::handlers::step!($op, cx, ip, sp, mem)
                    }
                    Err(code) => $crate::exec::dispatch::trap(cx, ip, code),
                }
            }
        }
    )*};
}
pub(crate) use unary_try;

/// `s[dst] = f(lhs, rhs)` for each `Op => |a: A, b: B| f(a, b)`; `op::Op::eval` as for [`unary!`].
macro_rules! binary {
    ($($op:ident => |$a:ident: $ta:ty, $b:ident: $tb:ty| $e:expr;)*) => {$(
        impl $crate::ops::op::$op {
            /// The operation on operand cells.
            #[inline(always)]
            pub(crate) fn eval(lhs: u64, rhs: u64) -> impl $crate::exec::num::ToNum {
                let $a = <$ta as $crate::exec::num::FromCell>::from_cell(lhs);
                let $b = <$tb as $crate::exec::num::FromCell>::from_cell(rhs);
                $e
            }
        }
        $crate::exec::handlers::handler! {
            fn $op(cx, ip, sp, mem) {
                let i = $crate::ops::op::$op::decode_ptr(ip);
                let v = $crate::ops::op::$op::eval(
                    $crate::exec::handlers::get(sp, i.lhs),
                    $crate::exec::handlers::get(sp, i.rhs),
                );
                $crate::exec::handlers::set(sp, i.dst, $crate::exec::num::ToCell::to_cell(v));
                $crate::exec::handlers::step!($op, cx, ip, sp, mem)
            }
        }
    )*};
}
pub(crate) use binary;

/// `s[dst] = f(lhs, rhs)` for each `Op => f`, where `f` may trap; `op::Op::eval` as for [`unary_try!`].
macro_rules! binary_try {
    ($($op:ident => $f:path;)*) => {$(
        impl $crate::ops::op::$op {
            /// The operation on operand cells, or its trap.
            #[inline(always)]
            pub(crate) fn eval(lhs: u64, rhs: u64) -> Result<impl $crate::exec::num::ToNum, ember_core::TrapCode> {
                $f($crate::exec::num::FromCell::from_cell(lhs), $crate::exec::num::FromCell::from_cell(rhs))
            }
        }
        $crate::exec::handlers::handler! {
            fn $op(cx, ip, sp, mem) {
                let i = $crate::ops::op::$op::decode_ptr(ip);
                let v = $crate::ops::op::$op::eval(
                    $crate::exec::handlers::get(sp, i.lhs),
                    $crate::exec::handlers::get(sp, i.rhs),
                );
                match v {
                    Ok(v) => {
                        $crate::exec::handlers::set(sp, i.dst, $crate::exec::num::ToCell::to_cell(v));
                        $crate::exec::handlers::step!($op, cx, ip, sp, mem)
                    }
                    Err(code) => $crate::exec::dispatch::trap(cx, ip, code),
                }
            }
        }
    )*};
}
pub(crate) use binary_try;

/// `s[dst] = f(lhs, imm)` for each `Op => |a: A, imm| f(a, imm)` (`imm` as decoded: `i16` or `u32`).
macro_rules! with_imm {
    ($($op:ident => |$a:ident: $ta:ty, $b:ident| $e:expr;)*) => {$(
        $crate::exec::handlers::handler! {
            fn $op(cx, ip, sp, mem) {
                let i = $crate::ops::op::$op::decode_ptr(ip);
                let $a = <$ta as $crate::exec::num::FromCell>::from_cell($crate::exec::handlers::get(sp, i.lhs));
                let $b = i.imm;
                $crate::exec::handlers::set(sp, i.dst, $crate::exec::num::ToCell::to_cell($e));
                $crate::exec::handlers::step!($op, cx, ip, sp, mem)
            }
        }
    )*};
}
pub(crate) use with_imm;

/// Float arithmetic: as the shapes above with the `float` feature; without it, the shared [`no_float`]
/// handler (the verifier refuses these instructions, and the soft-float routines stay out of the build).
#[cfg(feature = "float")]
macro_rules! float {
    ($shape:ident { $($t:tt)* }) => { $crate::exec::handlers::$shape! { $($t)* } };
}
#[cfg(not(feature = "float"))]
macro_rules! float {
    (binary { $($op:ident => $e:expr;)* }) => {$(
        pub(crate) use $crate::exec::handlers::no_float as $op;
        impl $crate::ops::op::$op {
            /// Not computed in this build.
            #[allow(dead_code)]
            pub(crate) fn eval(_lhs: u64, _rhs: u64) -> $crate::exec::num::NotInThisBuild {
                $crate::exec::num::NotInThisBuild
            }
        }
    )*};
    ($unary:ident { $($op:ident => $e:expr;)* }) => {$(
        pub(crate) use $crate::exec::handlers::no_float as $op;
        impl $crate::ops::op::$op {
            /// Not computed in this build.
            #[allow(dead_code)]
            pub(crate) fn eval(_cell: u64) -> $crate::exec::num::NotInThisBuild {
                $crate::exec::num::NotInThisBuild
            }
        }
    )*};
}
pub(crate) use float;
