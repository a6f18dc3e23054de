//! The SIMD instructions (`simd` feature): a `v128` operand is a [`WideSlot`], two cells (low half first).
//! The semantics are those of [`simd`](crate::exec::simd); the shapes below decode, compute and dispatch.

use ember_core::TrapCode;

use super::memory::{read, write};
use super::{get, set, shape, step};
use crate::exec::dispatch::{trap, Ctx, Ip, Mem0, Sp};
use crate::exec::memory::effective;
use crate::exec::num::{self, ToCell};
use crate::exec::simd::{self as v, Lane};
use crate::operand::WideSlot;
use crate::ops::op;

/// `s[slot .. slot+2]` as one value.
///
/// # Safety
/// `slot` is a [`WideSlot`] operand of the verified code running in frame `sp` (the verifier proved
/// `slot + 1 < frame_size`).
#[inline(always)]
unsafe fn get128(sp: Sp, slot: WideSlot) -> u128 {
    // SAFETY: both cells are inside the frame (the verifier's `WideSlot` check), which is inside the stack.
    let (low, high) = unsafe { (sp.add(slot.idx()).read(), sp.add(slot.idx() + 1).read()) };
    u128::from(low) | u128::from(high) << 64
}

/// `s[slot .. slot+2] = value`.
///
/// # Safety
/// As for [`get128`].
#[inline(always)]
unsafe fn set128(sp: Sp, slot: WideSlot, value: u128) {
    // SAFETY: both cells are inside the frame (the verifier's `WideSlot` check), which is inside the stack.
    unsafe {
        sp.add(slot.idx()).write(value as u64);
        sp.add(slot.idx() + 1).write((value >> 64) as u64);
    }
}

/// Defines, for each `Op => body`, `op::Op::run(ip, sp)`, which decodes the instruction at `ip` into `i` and
/// runs `body` in frame `sp`, and the handler, which calls it and goes on. `run` is never inlined: lane code
/// keeps arrays on the stack, and a handler whose stack objects escape into calls cannot end in a jump to the
/// next handler (the threaded backend needs every handler to), whatever the optimiser makes of the lanes.
macro_rules! compute {
    ($ip:ident, $sp:ident, $i:ident; $($op:ident => $body:block)*) => {
        $(
            impl op::$op {
                /// Runs the instruction at `ip` in frame `sp` (out of line: see `compute!`).
                ///
                /// # Safety
                /// The handler contract (module documentation of `handlers`).
                #[inline(never)]
                unsafe fn run($ip: Ip, $sp: Sp) {
                    // SAFETY: the handler contract: `ip` points to this instruction of verified code, whose slot
                    // operands are inside frame `sp`.
                    unsafe {
                        let $i = Self::decode_ptr($ip);
                        $body
                    }
                }
            }
        )*
        shape! {
            [$($op),*]
            fn(cx, ip, sp, mem, _i) let () = ();
            $($op => {
                op::$op::run(ip, sp);
                step!($op, cx, ip, sp, mem)
            })*
        }
    };
}

/// As [`compute!`] for memory accesses: `op::Op::run(cx, mem, ip, sp)` returns whether the access was inside
/// memory 0, and the handler traps if it was not.
macro_rules! access {
    ($cx:ident, $mem:ident, $ip:ident, $sp:ident, $i:ident; $($op:ident => $body:block)*) => {
        $(
            impl op::$op {
                /// Runs the instruction at `ip` in frame `sp`; whether its access was in bounds (out of line: see
                /// `compute!`).
                ///
                /// # Safety
                /// The handler contract (module documentation of `handlers`).
                #[inline(never)]
                unsafe fn run($cx: &Ctx<'_>, $mem: Mem0, $ip: Ip, $sp: Sp) -> bool {
                    // SAFETY: the handler contract: `ip` points to this instruction of verified code, whose slot
                    // operands are inside frame `sp`, and `mem` is memory 0 as loaded.
                    unsafe {
                        let $i = Self::decode_ptr($ip);
                        $body
                    }
                }
            }
        )*
        shape! {
            [$($op),*]
            fn(cx, ip, sp, mem, _i) let () = ();
            $($op => {
                if op::$op::run(cx, mem, ip, sp) {
                    step!($op, cx, ip, sp, mem)
                } else {
                    trap(cx, ip, TrapCode::MemoryOutOfBounds)
                }
            })*
        }
    };
}

/// `s[dst..dst+2] = f(s[src..src+2])` for each `Op => f(a)`.
macro_rules! unary {
    (|$a:ident| $($op:ident => $e:expr;)*) => {
        compute! { ip, sp, i; $($op => {
            let $a = get128(sp, i.src);
            set128(sp, i.dst, $e);
        })* }
    };
}

/// `s[dst..dst+2] = f(s[lhs..lhs+2], s[rhs..rhs+2])` for each `Op => f(a, b)`.
macro_rules! binary {
    (|$a:ident, $b:ident| $($op:ident => $e:expr;)*) => {
        compute! { ip, sp, i; $($op => {
            let ($a, $b) = (get128(sp, i.lhs), get128(sp, i.rhs));
            set128(sp, i.dst, $e);
        })* }
    };
}

/// `s[dst..dst+2] = f(a, b, c)`, each a `v128` operand, for each `Op => f(a, b, c)`.
macro_rules! ternary {
    (|$a:ident, $b:ident, $c:ident| $($op:ident => $e:expr;)*) => {
        compute! { ip, sp, i; $($op => {
            let ($a, $b, $c) = (get128(sp, i.a), get128(sp, i.b), get128(sp, i.c));
            set128(sp, i.dst, $e);
        })* }
    };
}

/// `s[dst..dst+2] = f(s[lhs..lhs+2], s[rhs] as u32)` for each `Op => f(a, n)` (shifts).
macro_rules! shift {
    (|$a:ident, $n:ident| $($op:ident => $e:expr;)*) => {
        compute! { ip, sp, i; $($op => {
            let ($a, $n) = (get128(sp, i.lhs), get(sp, i.rhs) as u32);
            set128(sp, i.dst, $e);
        })* }
    };
}

/// `s[dst] = f(s[src..src+2])`, a scalar, for each `Op => f(a)`.
macro_rules! reduce {
    (|$a:ident| $($op:ident => $e:expr;)*) => {
        compute! { ip, sp, i; $($op => {
            let $a = get128(sp, i.src);
            set(sp, i.dst, ToCell::to_cell($e));
        })* }
    };
}

/// `s[dst] = f(s[src..src+2], lane)` for each `Op => f(a, lane)` (extract lane).
macro_rules! extract {
    (|$a:ident, $l:ident| $($op:ident => $e:expr;)*) => {
        compute! { ip, sp, i; $($op => {
            let ($a, $l) = (get128(sp, i.src), i.lane);
            set(sp, i.dst, ToCell::to_cell($e));
        })* }
    };
}

/// `s[dst..dst+2] = f(s[src..src+2], s[value], lane)` for each `Op => f(a, x, lane)`.
macro_rules! replace {
    (|$a:ident, $x:ident, $l:ident| $($op:ident => $e:expr;)*) => {
        compute! { ip, sp, i; $($op => {
            let ($a, $x, $l) = (get128(sp, i.src), get(sp, i.value), i.lane);
            set128(sp, i.dst, $e);
        })* }
    };
}

/// `s[dst..dst+2] = f(s[src])` for each `Op => f(x)` (splat).
macro_rules! from_scalar {
    (|$x:ident| $($op:ident => $e:expr;)*) => {
        compute! { ip, sp, i; $($op => {
            let $x = get(sp, i.src);
            set128(sp, i.dst, $e);
        })* }
    };
}

/// `s[dst..dst+2] = f(N bytes at ea)` for each `Op: N => f(bytes)`.
macro_rules! load {
    (|$b:ident| $($op:ident: $n:literal => $e:expr;)*) => {
        access! { cx, mem, ip, sp, i; $($op => {
            match read::<$n>(cx, mem, effective(get(sp, i.addr), i.offset)) {
                Some($b) => {
                    set128(sp, i.dst, $e);
                    true
                }
                None => false,
            }
        })* }
    };
}

/// Load lane: `s[dst..dst+2] = s[src..src+2]` with lane `lane` replaced by the `N` bytes at `ea`.
macro_rules! load_lane {
    ($($op:ident: $t:ty, $n:literal;)*) => {
        access! { cx, mem, ip, sp, i; $($op => {
            match read::<$n>(cx, mem, effective(get(sp, i.addr), i.offset)) {
                Some(b) => {
                    let value = v::replace::<$t, { 16 / $n }>(get128(sp, i.src), i.lane, <$t>::from_le_bytes(b));
                    set128(sp, i.dst, value);
                    true
                }
                None => false,
            }
        })* }
    };
}

/// Store lane: the `N`-byte lane `lane` of `s[src..src+2]` stored at `ea`.
macro_rules! store_lane {
    ($($op:ident: $t:ty, $n:literal;)*) => {
        access! { cx, mem, ip, sp, i; $($op => {
            let lane = v::extract::<$t, { 16 / $n }>(get128(sp, i.src), i.lane);
            write(cx, mem, effective(get(sp, i.addr), i.offset), lane.to_le_bytes()).is_some()
        })* }
    };
}

/// The lanes of `N` bytes, each widened by `f` (`v128.load8x8_s` ...).
#[inline(always)]
fn extend<T: Lane, W: Lane, const H: usize>(bytes: [u8; 8], f: impl Fn(T) -> W) -> u128 {
    v::join::<W, H>(core::array::from_fn(|i| f(T::read(&bytes[i * T::BYTES..]))))
}

load! {
    |b|
    V128Load: 16 => u128::from_le_bytes(b);
    V128Load8x8S: 8 => extend::<i8, i16, 8>(b, i16::from);
    V128Load8x8U: 8 => extend::<u8, u16, 8>(b, u16::from);
    V128Load16x4S: 8 => extend::<i16, i32, 4>(b, i32::from);
    V128Load16x4U: 8 => extend::<u16, u32, 4>(b, u32::from);
    V128Load32x2S: 8 => extend::<i32, i64, 2>(b, i64::from);
    V128Load32x2U: 8 => extend::<u32, u64, 2>(b, u64::from);
    V128Load8Splat: 1 => v::splat::<u8, 16>(b[0]);
    V128Load16Splat: 2 => v::splat::<u16, 8>(u16::from_le_bytes(b));
    V128Load32Splat: 4 => v::splat::<u32, 4>(u32::from_le_bytes(b));
    V128Load64Splat: 8 => v::splat::<u64, 2>(u64::from_le_bytes(b));
    V128Load32Zero: 4 => u128::from(u32::from_le_bytes(b));
    V128Load64Zero: 8 => u128::from(u64::from_le_bytes(b));
}

access! { cx, mem, ip, sp, i;
    V128Store => { write(cx, mem, effective(get(sp, i.addr), i.offset), get128(sp, i.src).to_le_bytes()).is_some() }
}

load_lane! {
    V128Load8Lane: u8, 1;
    V128Load16Lane: u16, 2;
    V128Load32Lane: u32, 4;
    V128Load64Lane: u64, 8;
}

store_lane! {
    V128Store8Lane: u8, 1;
    V128Store16Lane: u16, 2;
    V128Store32Lane: u32, 4;
    V128Store64Lane: u64, 8;
}

compute! { ip, sp, i;
    I8x16Shuffle => {
        let lanes = u128::from(i.lanes_low) | u128::from(i.lanes_high) << 64;
        set128(sp, i.dst, v::shuffle(get128(sp, i.lhs), get128(sp, i.rhs), lanes));
    }
}

extract! {
    |a, l|
    I8x16ExtractLaneS => i32::from(v::extract::<i8, 16>(a, l));
    I8x16ExtractLaneU => u32::from(v::extract::<u8, 16>(a, l));
    I16x8ExtractLaneS => i32::from(v::extract::<i16, 8>(a, l));
    I16x8ExtractLaneU => u32::from(v::extract::<u16, 8>(a, l));
    I32x4ExtractLane => v::extract::<u32, 4>(a, l);
    I64x2ExtractLane => v::extract::<u64, 2>(a, l);
}

replace! {
    |a, x, l|
    I8x16ReplaceLane => v::replace::<u8, 16>(a, l, x as u8);
    I16x8ReplaceLane => v::replace::<u16, 8>(a, l, x as u16);
    I32x4ReplaceLane => v::replace::<u32, 4>(a, l, x as u32);
    I64x2ReplaceLane => v::replace::<u64, 2>(a, l, x);
}

from_scalar! {
    |x|
    I8x16Splat => v::splat::<u8, 16>(x as u8);
    I16x8Splat => v::splat::<u16, 8>(x as u16);
    I32x4Splat => v::splat::<u32, 4>(x as u32);
    I64x2Splat => v::splat::<u64, 2>(x);
}

reduce! {
    |a|
    V128AnyTrue => (a != 0) as u32;
    I8x16AllTrue => v::all_true::<u8, 16>(a);
    I8x16Bitmask => v::bitmask::<u8, 16>(a);
    I16x8AllTrue => v::all_true::<u16, 8>(a);
    I16x8Bitmask => v::bitmask::<u16, 8>(a);
    I32x4AllTrue => v::all_true::<u32, 4>(a);
    I32x4Bitmask => v::bitmask::<u32, 4>(a);
    I64x2AllTrue => v::all_true::<u64, 2>(a);
    I64x2Bitmask => v::bitmask::<u64, 2>(a);
}

shift! {
    |a, n|
    I8x16Shl => v::map::<u8, 16>(a, |x| x.wrapping_shl(n));
    I8x16ShrS => v::map::<i8, 16>(a, |x| x.wrapping_shr(n));
    I8x16ShrU => v::map::<u8, 16>(a, |x| x.wrapping_shr(n));
    I16x8Shl => v::map::<u16, 8>(a, |x| x.wrapping_shl(n));
    I16x8ShrS => v::map::<i16, 8>(a, |x| x.wrapping_shr(n));
    I16x8ShrU => v::map::<u16, 8>(a, |x| x.wrapping_shr(n));
    I32x4Shl => v::map::<u32, 4>(a, |x| x.wrapping_shl(n));
    I32x4ShrS => v::map::<i32, 4>(a, |x| x.wrapping_shr(n));
    I32x4ShrU => v::map::<u32, 4>(a, |x| x.wrapping_shr(n));
    I64x2Shl => v::map::<u64, 2>(a, |x| x.wrapping_shl(n));
    I64x2ShrS => v::map::<i64, 2>(a, |x| x.wrapping_shr(n));
    I64x2ShrU => v::map::<u64, 2>(a, |x| x.wrapping_shr(n));
}

ternary! {
    |a, b, c|
    V128Bitselect => v::bitselect(a, b, c);
    F32x4RelaxedMadd => v::zip::<f32, 4>(v::zip::<f32, 4>(a, b, |x, y| x * y), c, |x, y| x + y);
    F32x4RelaxedNmadd => v::zip::<f32, 4>(v::zip::<f32, 4>(a, b, |x, y| -x * y), c, |x, y| x + y);
    F64x2RelaxedMadd => v::zip::<f64, 2>(v::zip::<f64, 2>(a, b, |x, y| x * y), c, |x, y| x + y);
    F64x2RelaxedNmadd => v::zip::<f64, 2>(v::zip::<f64, 2>(a, b, |x, y| -x * y), c, |x, y| x + y);
    I32x4RelaxedDotI8x16I7x16AddS => v::dot_i8x16_add(a, b, c);
}

unary! {
    |a|
    V128Not => !a;
    I8x16Abs => v::map::<i8, 16>(a, i8::wrapping_abs);
    I8x16Neg => v::map::<i8, 16>(a, i8::wrapping_neg);
    I8x16Popcnt => v::map::<u8, 16>(a, |x| x.count_ones() as u8);
    I16x8ExtAddPairwiseI8x16S => v::pairwise::<i8, i16, 16, 8>(a, |x, y| i16::from(x) + i16::from(y));
    I16x8ExtAddPairwiseI8x16U => v::pairwise::<u8, u16, 16, 8>(a, |x, y| u16::from(x) + u16::from(y));
    I16x8Abs => v::map::<i16, 8>(a, i16::wrapping_abs);
    I16x8Neg => v::map::<i16, 8>(a, i16::wrapping_neg);
    I16x8ExtendLowI8x16S => v::widen::<i8, i16, 16, 8>(a, false, i16::from);
    I16x8ExtendHighI8x16S => v::widen::<i8, i16, 16, 8>(a, true, i16::from);
    I16x8ExtendLowI8x16U => v::widen::<u8, u16, 16, 8>(a, false, u16::from);
    I16x8ExtendHighI8x16U => v::widen::<u8, u16, 16, 8>(a, true, u16::from);
    I32x4ExtAddPairwiseI16x8S => v::pairwise::<i16, i32, 8, 4>(a, |x, y| i32::from(x) + i32::from(y));
    I32x4ExtAddPairwiseI16x8U => v::pairwise::<u16, u32, 8, 4>(a, |x, y| u32::from(x) + u32::from(y));
    I32x4Abs => v::map::<i32, 4>(a, i32::wrapping_abs);
    I32x4Neg => v::map::<i32, 4>(a, i32::wrapping_neg);
    I32x4ExtendLowI16x8S => v::widen::<i16, i32, 8, 4>(a, false, i32::from);
    I32x4ExtendHighI16x8S => v::widen::<i16, i32, 8, 4>(a, true, i32::from);
    I32x4ExtendLowI16x8U => v::widen::<u16, u32, 8, 4>(a, false, u32::from);
    I32x4ExtendHighI16x8U => v::widen::<u16, u32, 8, 4>(a, true, u32::from);
    I64x2Abs => v::map::<i64, 2>(a, i64::wrapping_abs);
    I64x2Neg => v::map::<i64, 2>(a, i64::wrapping_neg);
    I64x2ExtendLowI32x4S => v::widen::<i32, i64, 4, 2>(a, false, i64::from);
    I64x2ExtendHighI32x4S => v::widen::<i32, i64, 4, 2>(a, true, i64::from);
    I64x2ExtendLowI32x4U => v::widen::<u32, u64, 4, 2>(a, false, u64::from);
    I64x2ExtendHighI32x4U => v::widen::<u32, u64, 4, 2>(a, true, u64::from);
    // Sign operations on floats are bit operations: NaN payloads are kept.
    F32x4Abs => v::map::<u32, 4>(a, |x| x & 0x7fff_ffff);
    F32x4Neg => v::map::<u32, 4>(a, |x| x ^ 0x8000_0000);
    F64x2Abs => v::map::<u64, 2>(a, |x| x & 0x7fff_ffff_ffff_ffff);
    F64x2Neg => v::map::<u64, 2>(a, |x| x ^ 0x8000_0000_0000_0000);
}

// Float rounding and conversions.
unary! {
    |a|
    F32x4Ceil => v::map::<f32, 4>(a, num::f32_ceil);
    F32x4Floor => v::map::<f32, 4>(a, num::f32_floor);
    F32x4Trunc => v::map::<f32, 4>(a, num::f32_trunc);
    F32x4Nearest => v::map::<f32, 4>(a, num::f32_nearest);
    F32x4Sqrt => v::map::<f32, 4>(a, num::f32_sqrt);
    F64x2Ceil => v::map::<f64, 2>(a, num::f64_ceil);
    F64x2Floor => v::map::<f64, 2>(a, num::f64_floor);
    F64x2Trunc => v::map::<f64, 2>(a, num::f64_trunc);
    F64x2Nearest => v::map::<f64, 2>(a, num::f64_nearest);
    F64x2Sqrt => v::map::<f64, 2>(a, num::f64_sqrt);
    I32x4TruncSatF32x4S => v::join::<i32, 4>(v::lanes::<f32, 4>(a).map(|x| x as i32));
    I32x4TruncSatF32x4U => v::join::<u32, 4>(v::lanes::<f32, 4>(a).map(|x| x as u32));
    F32x4ConvertI32x4S => v::join::<f32, 4>(v::lanes::<i32, 4>(a).map(|x| x as f32));
    F32x4ConvertI32x4U => v::join::<f32, 4>(v::lanes::<u32, 4>(a).map(|x| x as f32));
    I32x4TruncSatF64x2SZero => v::narrow_zero::<f64, i32, 2, 4>(a, |x| x as i32);
    I32x4TruncSatF64x2UZero => v::narrow_zero::<f64, u32, 2, 4>(a, |x| x as u32);
    F64x2ConvertLowI32x4S => v::widen::<i32, f64, 4, 2>(a, false, f64::from);
    F64x2ConvertLowI32x4U => v::widen::<u32, f64, 4, 2>(a, false, f64::from);
    F32x4DemoteF64x2Zero => v::narrow_zero::<f64, f32, 2, 4>(a, num::f32_demote);
    F64x2PromoteLowF32x4 => v::widen::<f32, f64, 4, 2>(a, false, num::f64_promote);
}

binary! {
    |a, b|
    I8x16Swizzle => v::swizzle(a, b);
    V128And => a & b;
    V128AndNot => a & !b;
    V128Or => a | b;
    V128Xor => a ^ b;
}

// Comparisons: all ones in a lane for true.
binary! {
    |a, b|
    I8x16Eq => v::compare::<u8, u8, 16>(a, b, |x, y| x == y);
    I8x16Ne => v::compare::<u8, u8, 16>(a, b, |x, y| x != y);
    I8x16LtS => v::compare::<i8, u8, 16>(a, b, |x, y| x < y);
    I8x16LtU => v::compare::<u8, u8, 16>(a, b, |x, y| x < y);
    I8x16GtS => v::compare::<i8, u8, 16>(a, b, |x, y| x > y);
    I8x16GtU => v::compare::<u8, u8, 16>(a, b, |x, y| x > y);
    I8x16LeS => v::compare::<i8, u8, 16>(a, b, |x, y| x <= y);
    I8x16LeU => v::compare::<u8, u8, 16>(a, b, |x, y| x <= y);
    I8x16GeS => v::compare::<i8, u8, 16>(a, b, |x, y| x >= y);
    I8x16GeU => v::compare::<u8, u8, 16>(a, b, |x, y| x >= y);
    I16x8Eq => v::compare::<u16, u16, 8>(a, b, |x, y| x == y);
    I16x8Ne => v::compare::<u16, u16, 8>(a, b, |x, y| x != y);
    I16x8LtS => v::compare::<i16, u16, 8>(a, b, |x, y| x < y);
    I16x8LtU => v::compare::<u16, u16, 8>(a, b, |x, y| x < y);
    I16x8GtS => v::compare::<i16, u16, 8>(a, b, |x, y| x > y);
    I16x8GtU => v::compare::<u16, u16, 8>(a, b, |x, y| x > y);
    I16x8LeS => v::compare::<i16, u16, 8>(a, b, |x, y| x <= y);
    I16x8LeU => v::compare::<u16, u16, 8>(a, b, |x, y| x <= y);
    I16x8GeS => v::compare::<i16, u16, 8>(a, b, |x, y| x >= y);
    I16x8GeU => v::compare::<u16, u16, 8>(a, b, |x, y| x >= y);
    I32x4Eq => v::compare::<u32, u32, 4>(a, b, |x, y| x == y);
    I32x4Ne => v::compare::<u32, u32, 4>(a, b, |x, y| x != y);
    I32x4LtS => v::compare::<i32, u32, 4>(a, b, |x, y| x < y);
    I32x4LtU => v::compare::<u32, u32, 4>(a, b, |x, y| x < y);
    I32x4GtS => v::compare::<i32, u32, 4>(a, b, |x, y| x > y);
    I32x4GtU => v::compare::<u32, u32, 4>(a, b, |x, y| x > y);
    I32x4LeS => v::compare::<i32, u32, 4>(a, b, |x, y| x <= y);
    I32x4LeU => v::compare::<u32, u32, 4>(a, b, |x, y| x <= y);
    I32x4GeS => v::compare::<i32, u32, 4>(a, b, |x, y| x >= y);
    I32x4GeU => v::compare::<u32, u32, 4>(a, b, |x, y| x >= y);
    I64x2Eq => v::compare::<u64, u64, 2>(a, b, |x, y| x == y);
    I64x2Ne => v::compare::<u64, u64, 2>(a, b, |x, y| x != y);
    I64x2LtS => v::compare::<i64, u64, 2>(a, b, |x, y| x < y);
    I64x2GtS => v::compare::<i64, u64, 2>(a, b, |x, y| x > y);
    I64x2LeS => v::compare::<i64, u64, 2>(a, b, |x, y| x <= y);
    I64x2GeS => v::compare::<i64, u64, 2>(a, b, |x, y| x >= y);
    F32x4Eq => v::compare::<f32, u32, 4>(a, b, |x, y| x == y);
    F32x4Ne => v::compare::<f32, u32, 4>(a, b, |x, y| x != y);
    F32x4Lt => v::compare::<f32, u32, 4>(a, b, |x, y| x < y);
    F32x4Gt => v::compare::<f32, u32, 4>(a, b, |x, y| x > y);
    F32x4Le => v::compare::<f32, u32, 4>(a, b, |x, y| x <= y);
    F32x4Ge => v::compare::<f32, u32, 4>(a, b, |x, y| x >= y);
    F64x2Eq => v::compare::<f64, u64, 2>(a, b, |x, y| x == y);
    F64x2Ne => v::compare::<f64, u64, 2>(a, b, |x, y| x != y);
    F64x2Lt => v::compare::<f64, u64, 2>(a, b, |x, y| x < y);
    F64x2Gt => v::compare::<f64, u64, 2>(a, b, |x, y| x > y);
    F64x2Le => v::compare::<f64, u64, 2>(a, b, |x, y| x <= y);
    F64x2Ge => v::compare::<f64, u64, 2>(a, b, |x, y| x >= y);
}

binary! {
    |a, b|
    I8x16NarrowI16x8S => v::narrow::<i16, i8, 8, 16>(a, b, v::sat_i16_i8);
    I8x16NarrowI16x8U => v::narrow::<i16, u8, 8, 16>(a, b, v::sat_i16_u8);
    I8x16Add => v::zip::<u8, 16>(a, b, u8::wrapping_add);
    I8x16AddSatS => v::zip::<i8, 16>(a, b, i8::saturating_add);
    I8x16AddSatU => v::zip::<u8, 16>(a, b, u8::saturating_add);
    I8x16Sub => v::zip::<u8, 16>(a, b, u8::wrapping_sub);
    I8x16SubSatS => v::zip::<i8, 16>(a, b, i8::saturating_sub);
    I8x16SubSatU => v::zip::<u8, 16>(a, b, u8::saturating_sub);
    I8x16MinS => v::zip::<i8, 16>(a, b, i8::min);
    I8x16MinU => v::zip::<u8, 16>(a, b, u8::min);
    I8x16MaxS => v::zip::<i8, 16>(a, b, i8::max);
    I8x16MaxU => v::zip::<u8, 16>(a, b, u8::max);
    I8x16AvgrU => v::zip::<u8, 16>(a, b, v::avgr_u8);
    I16x8Q15MulrSatS => v::zip::<i16, 8>(a, b, v::q15mulr_sat);
    I16x8NarrowI32x4S => v::narrow::<i32, i16, 4, 8>(a, b, v::sat_i32_i16);
    I16x8NarrowI32x4U => v::narrow::<i32, u16, 4, 8>(a, b, v::sat_i32_u16);
    I16x8Add => v::zip::<u16, 8>(a, b, u16::wrapping_add);
    I16x8AddSatS => v::zip::<i16, 8>(a, b, i16::saturating_add);
    I16x8AddSatU => v::zip::<u16, 8>(a, b, u16::saturating_add);
    I16x8Sub => v::zip::<u16, 8>(a, b, u16::wrapping_sub);
    I16x8SubSatS => v::zip::<i16, 8>(a, b, i16::saturating_sub);
    I16x8SubSatU => v::zip::<u16, 8>(a, b, u16::saturating_sub);
    I16x8Mul => v::zip::<u16, 8>(a, b, u16::wrapping_mul);
    I16x8MinS => v::zip::<i16, 8>(a, b, i16::min);
    I16x8MinU => v::zip::<u16, 8>(a, b, u16::min);
    I16x8MaxS => v::zip::<i16, 8>(a, b, i16::max);
    I16x8MaxU => v::zip::<u16, 8>(a, b, u16::max);
    I16x8AvgrU => v::zip::<u16, 8>(a, b, v::avgr_u16);
    I16x8ExtMulLowI8x16S => v::widen2::<i8, i16, 16, 8>(a, b, false, |x, y| i16::from(x) * i16::from(y));
    I16x8ExtMulHighI8x16S => v::widen2::<i8, i16, 16, 8>(a, b, true, |x, y| i16::from(x) * i16::from(y));
    I16x8ExtMulLowI8x16U => v::widen2::<u8, u16, 16, 8>(a, b, false, |x, y| u16::from(x) * u16::from(y));
    I16x8ExtMulHighI8x16U => v::widen2::<u8, u16, 16, 8>(a, b, true, |x, y| u16::from(x) * u16::from(y));
    I32x4Add => v::zip::<u32, 4>(a, b, u32::wrapping_add);
    I32x4Sub => v::zip::<u32, 4>(a, b, u32::wrapping_sub);
    I32x4Mul => v::zip::<u32, 4>(a, b, u32::wrapping_mul);
    I32x4MinS => v::zip::<i32, 4>(a, b, i32::min);
    I32x4MinU => v::zip::<u32, 4>(a, b, u32::min);
    I32x4MaxS => v::zip::<i32, 4>(a, b, i32::max);
    I32x4MaxU => v::zip::<u32, 4>(a, b, u32::max);
    I32x4DotI16x8S => v::dot_i16x8(a, b);
    I32x4ExtMulLowI16x8S => v::widen2::<i16, i32, 8, 4>(a, b, false, |x, y| i32::from(x) * i32::from(y));
    I32x4ExtMulHighI16x8S => v::widen2::<i16, i32, 8, 4>(a, b, true, |x, y| i32::from(x) * i32::from(y));
    I32x4ExtMulLowI16x8U => v::widen2::<u16, u32, 8, 4>(a, b, false, |x, y| u32::from(x) * u32::from(y));
    I32x4ExtMulHighI16x8U => v::widen2::<u16, u32, 8, 4>(a, b, true, |x, y| u32::from(x) * u32::from(y));
    I64x2Add => v::zip::<u64, 2>(a, b, u64::wrapping_add);
    I64x2Sub => v::zip::<u64, 2>(a, b, u64::wrapping_sub);
    I64x2Mul => v::zip::<u64, 2>(a, b, u64::wrapping_mul);
    I64x2ExtMulLowI32x4S => v::widen2::<i32, i64, 4, 2>(a, b, false, |x, y| i64::from(x) * i64::from(y));
    I64x2ExtMulHighI32x4S => v::widen2::<i32, i64, 4, 2>(a, b, true, |x, y| i64::from(x) * i64::from(y));
    I64x2ExtMulLowI32x4U => v::widen2::<u32, u64, 4, 2>(a, b, false, |x, y| u64::from(x) * u64::from(y));
    I64x2ExtMulHighI32x4U => v::widen2::<u32, u64, 4, 2>(a, b, true, |x, y| u64::from(x) * u64::from(y));
    I16x8RelaxedDotI8x16I7x16S => v::dot_i8x16(a, b);
}

binary! {
    |a, b|
    F32x4Add => v::zip::<f32, 4>(a, b, |x, y| x + y);
    F32x4Sub => v::zip::<f32, 4>(a, b, |x, y| x - y);
    F32x4Mul => v::zip::<f32, 4>(a, b, |x, y| x * y);
    F32x4Div => v::zip::<f32, 4>(a, b, |x, y| x / y);
    F32x4Min => v::zip::<f32, 4>(a, b, num::f32_min);
    F32x4Max => v::zip::<f32, 4>(a, b, num::f32_max);
    F32x4PMin => v::zip::<f32, 4>(a, b, v::pmin);
    F32x4PMax => v::zip::<f32, 4>(a, b, v::pmax);
    F64x2Add => v::zip::<f64, 2>(a, b, |x, y| x + y);
    F64x2Sub => v::zip::<f64, 2>(a, b, |x, y| x - y);
    F64x2Mul => v::zip::<f64, 2>(a, b, |x, y| x * y);
    F64x2Div => v::zip::<f64, 2>(a, b, |x, y| x / y);
    F64x2Min => v::zip::<f64, 2>(a, b, num::f64_min);
    F64x2Max => v::zip::<f64, 2>(a, b, num::f64_max);
    F64x2PMin => v::zip::<f64, 2>(a, b, v::pmin);
    F64x2PMax => v::zip::<f64, 2>(a, b, v::pmax);
}
