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
#[cfg(feature = "simd")]
mod simd;
mod wide;

pub(crate) use basic::*;
pub(crate) use calls::*;
pub(crate) use control::*;
pub(crate) use entities::*;
pub(crate) use memory::*;
pub(crate) use numeric::*;
#[cfg(feature = "simd")]
pub(crate) use simd::*;
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

/// Defines the handlers of one shape invocation, `shape!` below, in one of two forms chosen by the
/// `ember_shared_handlers` cfg (`build.rs`):
/// - separate (hosts, and devices optimised for speed): each instruction has its own handler, which decodes,
///   computes and dispatches (the fastest form: no second dispatch on the opcode);
/// - shared (devices optimised for size, `opt-level = "s"` or `"z"` on `target_os = "none"`): the instructions
///   of one invocation, which have the same operands and differ only in the operation, share one handler that
///   decodes once, selects the operation with a `match` on the opcode and dispatches once. The handler table
///   then holds the same function for all of them (a constant of type [`Handler`](super::dispatch::Handler)
///   per instruction). The separate form costs each instruction its own prologue, decoding and dispatch
///   (30–70 bytes on Cortex-M), the shared one a jump-table entry and its operation.
///
/// `shape! { [Op, ...] fn(cx, ip, sp, mem, i) let pattern = init; Op => { arm } ... }`: `init` runs once
/// with `i` (the operands, decoded as the first op's; every listed op has the same layout: checked at compile
/// time by length and size) in scope, binding `pattern` for the arms; each `arm` evaluates to the handler's
/// continuation. The ops are listed twice (the first list to pick out the first op).
macro_rules! shape {
    (
        [$fop:ident $(, $op:ident)*]
        fn($cx:ident, $ip:ident, $sp:ident, $mem:ident, $i:ident) let $pat:pat = $init:expr;
        $($arm_op:ident => $arm:block)*
    ) => {
        #[cfg(not(ember_shared_handlers))]
        $crate::exec::handlers::handler! {$(
            fn $arm_op($cx, $ip, $sp, $mem) {
                let $i = $crate::ops::op::$arm_op::decode_ptr($ip);
                let $pat = $init;
                $arm
            }
        )*}
        #[cfg(ember_shared_handlers)]
        #[allow(non_upper_case_globals)]
        pub(crate) const $fop: $crate::exec::dispatch::Handler = {
            $crate::exec::handlers::handler! {
                fn shared($cx, $ip, $sp, $mem) {
                    $(
                        const _: () = assert!(
                            $crate::ops::op::$op::UNITS == $crate::ops::op::$fop::UNITS
                                && core::mem::size_of::<$crate::ops::op::$op>()
                                    == core::mem::size_of::<$crate::ops::op::$fop>()
                        );
                    )*
                    let $i = $crate::ops::op::$fop::decode_ptr($ip);
                    let $pat = $init;
                    // The opcode selects the operation.
                    $crate::exec::handlers::shape!(@arms $ip.read(); $($arm_op => $arm)*)
                }
            }
            shared
        };
        $(
            #[cfg(ember_shared_handlers)]
            #[allow(non_upper_case_globals)]
            pub(crate) const $op: $crate::exec::dispatch::Handler = $fop;
        )*
    };
    // `then tail;`: the arms yield a value, and `tail!(Op, i, value, cx, ip, sp, mem)` continues from it (once,
    // in the shared form).
    (
        [$fop:ident $(, $op:ident)*]
        fn($cx:ident, $ip:ident, $sp:ident, $mem:ident, $i:ident) let $pat:pat = $init:expr; then $tail:ident;
        $($arm_op:ident => $arm:block)*
    ) => {
        #[cfg(not(ember_shared_handlers))]
        $crate::exec::handlers::handler! {$(
            fn $arm_op($cx, $ip, $sp, $mem) {
                let $i = $crate::ops::op::$arm_op::decode_ptr($ip);
                let $pat = $init;
                $tail!($arm_op, $i, $arm, $cx, $ip, $sp, $mem)
            }
        )*}
        #[cfg(ember_shared_handlers)]
        #[allow(non_upper_case_globals)]
        pub(crate) const $fop: $crate::exec::dispatch::Handler = {
            $crate::exec::handlers::handler! {
                fn shared($cx, $ip, $sp, $mem) {
                    $(
                        const _: () = assert!(
                            $crate::ops::op::$op::UNITS == $crate::ops::op::$fop::UNITS
                                && core::mem::size_of::<$crate::ops::op::$op>()
                                    == core::mem::size_of::<$crate::ops::op::$fop>()
                        );
                    )*
                    let $i = $crate::ops::op::$fop::decode_ptr($ip);
                    let $pat = $init;
                    let value = $crate::exec::handlers::shape!(@arms $ip.read(); $($arm_op => $arm)*);
                    $tail!($fop, $i, value, $cx, $ip, $sp, $mem)
                }
            }
            shared
        };
        $(
            #[cfg(ember_shared_handlers)]
            #[allow(non_upper_case_globals)]
            pub(crate) const $op: $crate::exec::dispatch::Handler = $fop;
        )*
    };
    (@arms $opcode:expr; $($arm_op:ident => $arm:block)*) => {
        match $opcode {
            $($crate::ops::op::$arm_op::OPCODE => $arm,)*
            // SAFETY: the handler contract: `ip` points to an instruction whose handler this is, and the handler
            // table holds this handler for the listed opcodes only. (Without a default to handle, the `match` is
            // one unchecked jump-table lookup.)
            _ => core::hint::unreachable_unchecked(),
        }
    };
}
pub(crate) use shape;

/// `s[dst] = f(src)` for each `Op => |a: A| f(a)`. The operation becomes `op::Op::eval` (a cell in, the typed
/// result out), which the handler runs and the translator's constant folding evaluates: one definition.
macro_rules! unary {
    ($($op:ident => |$a:ident: $ta:ty| $e:expr;)*) => {
        $(
            impl $crate::ops::op::$op {
                /// The operation on an operand cell.
                #[inline(always)]
                pub(crate) fn eval(cell: u64) -> impl $crate::exec::num::ToNum {
                    let $a = <$ta as $crate::exec::num::FromCell>::from_cell(cell);
                    $e
                }
            }
        )*
        $crate::exec::handlers::shape! {
            [$($op),*]
            fn(cx, ip, sp, mem, i) let src = $crate::exec::handlers::get(sp, i.src);
            $($op => {
                let v = $crate::ops::op::$op::eval(src);
                $crate::exec::handlers::set(sp, i.dst, $crate::exec::num::ToCell::to_cell(v));
                $crate::exec::handlers::step!($op, cx, ip, sp, mem)
            })*
        }
    };
}
pub(crate) use unary;

/// `s[dst] = f(src)` for each `Op => f`, where `f` may trap; `op::Op::eval` as for [`unary!`], with the trap.
#[cfg_attr(not(feature = "float"), allow(unused_macros))] // only float conversions trap this way
macro_rules! unary_try {
    ($($op:ident => $f:path;)*) => {
        $(
            impl $crate::ops::op::$op {
                /// The operation on an operand cell, or its trap.
                #[inline(always)]
                pub(crate) fn eval(cell: u64) -> Result<impl $crate::exec::num::ToNum, ember_core::TrapCode> {
                    $f($crate::exec::num::FromCell::from_cell(cell))
                }
            }
        )*
        $crate::exec::handlers::shape! {
            [$($op),*]
            fn(cx, ip, sp, mem, i) let src = $crate::exec::handlers::get(sp, i.src);
            $($op => {
                match $crate::ops::op::$op::eval(src) {
                    Ok(v) => {
                        $crate::exec::handlers::set(sp, i.dst, $crate::exec::num::ToCell::to_cell(v));
                        $crate::exec::handlers::step!($op, cx, ip, sp, mem)
                    }
                    Err(code) => $crate::exec::dispatch::trap(cx, ip, code),
                }
            })*
        }
    };
}
pub(crate) use unary_try;

/// `s[dst] = f(lhs, rhs)` for each `Op => |a: A, b: B| f(a, b)`; `op::Op::eval` as for [`unary!`].
macro_rules! binary {
    ($($op:ident => |$a:ident: $ta:ty, $b:ident: $tb:ty| $e:expr;)*) => {
        $(
            impl $crate::ops::op::$op {
                /// The operation on operand cells.
                #[inline(always)]
                pub(crate) fn eval(lhs: u64, rhs: u64) -> impl $crate::exec::num::ToNum {
                    let $a = <$ta as $crate::exec::num::FromCell>::from_cell(lhs);
                    let $b = <$tb as $crate::exec::num::FromCell>::from_cell(rhs);
                    $e
                }
            }
        )*
        $crate::exec::handlers::shape! {
            [$($op),*]
            fn(cx, ip, sp, mem, i)
                let (lhs, rhs) = ($crate::exec::handlers::get(sp, i.lhs), $crate::exec::handlers::get(sp, i.rhs));
            $($op => {
                let v = $crate::ops::op::$op::eval(lhs, rhs);
                $crate::exec::handlers::set(sp, i.dst, $crate::exec::num::ToCell::to_cell(v));
                $crate::exec::handlers::step!($op, cx, ip, sp, mem)
            })*
        }
    };
}
pub(crate) use binary;

/// `s[dst] = f(lhs, rhs)` for each `Op => f`, where `f` may trap; `op::Op::eval` as for [`unary_try!`].
macro_rules! binary_try {
    ($($op:ident => $f:path;)*) => {
        $(
            impl $crate::ops::op::$op {
                /// The operation on operand cells, or its trap.
                #[inline(always)]
                pub(crate) fn eval(lhs: u64, rhs: u64) -> Result<impl $crate::exec::num::ToNum, ember_core::TrapCode> {
                    $f($crate::exec::num::FromCell::from_cell(lhs), $crate::exec::num::FromCell::from_cell(rhs))
                }
            }
        )*
        $crate::exec::handlers::shape! {
            [$($op),*]
            fn(cx, ip, sp, mem, i)
                let (lhs, rhs) = ($crate::exec::handlers::get(sp, i.lhs), $crate::exec::handlers::get(sp, i.rhs));
            $($op => {
                match $crate::ops::op::$op::eval(lhs, rhs) {
                    Ok(v) => {
                        $crate::exec::handlers::set(sp, i.dst, $crate::exec::num::ToCell::to_cell(v));
                        $crate::exec::handlers::step!($op, cx, ip, sp, mem)
                    }
                    Err(code) => $crate::exec::dispatch::trap(cx, ip, code),
                }
            })*
        }
    };
}
pub(crate) use binary_try;

/// `s[dst] = f(lhs, imm)` for each `Op => |a: A, imm| f(a, imm)` (`imm` as decoded: `i16` or `u32`).
macro_rules! with_imm {
    ($($op:ident => |$a:ident: $ta:ty, $b:ident| $e:expr;)*) => {
        $crate::exec::handlers::shape! {
            [$($op),*]
            fn(cx, ip, sp, mem, i) let (lhs, imm) = ($crate::exec::handlers::get(sp, i.lhs), i.imm);
            $($op => {
                let $a = <$ta as $crate::exec::num::FromCell>::from_cell(lhs);
                let $b = imm;
                $crate::exec::handlers::set(sp, i.dst, $crate::exec::num::ToCell::to_cell($e));
                $crate::exec::handlers::step!($op, cx, ip, sp, mem)
            })*
        }
    };
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
