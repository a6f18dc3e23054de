//! Numeric semantics the hardware does not give directly: trapping integer division, wasm float `min`/`max`,
//! rounding (through `libm`, so `no_std` targets get the same results), and float-to-int conversions.

// Without the `float` feature the float instructions are compiled out, and their helpers here go unused.
#![cfg_attr(not(feature = "float"), allow(dead_code))]

use ember_core::TrapCode;

/// Reading a value of this type from a 64-bit slot cell (i32/f32 use the low 32 bits).
pub(crate) trait FromCell {
    /// Decodes the value.
    fn from_cell(cell: u64) -> Self;
}

/// Writing a value of this type to a 64-bit slot cell (i32/f32/bool zero the high 32 bits).
pub(crate) trait ToCell {
    /// Encodes the value.
    fn to_cell(self) -> u64;
}

macro_rules! cell_int {
    ($($t:ty => $via:ty),*) => {$(
        impl FromCell for $t {
            #[inline(always)]
            fn from_cell(cell: u64) -> Self {
                cell as $via as $t
            }
        }
        impl ToCell for $t {
            #[inline(always)]
            fn to_cell(self) -> u64 {
                self as $via as u64
            }
        }
    )*};
}
cell_int!(i32 => u32, u32 => u32, i64 => u64, u64 => u64);

impl FromCell for f32 {
    #[inline(always)]
    fn from_cell(cell: u64) -> Self {
        f32::from_bits(cell as u32)
    }
}
impl ToCell for f32 {
    #[inline(always)]
    fn to_cell(self) -> u64 {
        u64::from(self.to_bits())
    }
}
impl FromCell for f64 {
    #[inline(always)]
    fn from_cell(cell: u64) -> Self {
        f64::from_bits(cell)
    }
}
impl ToCell for f64 {
    #[inline(always)]
    fn to_cell(self) -> u64 {
        self.to_bits()
    }
}
impl ToCell for bool {
    #[inline(always)]
    fn to_cell(self) -> u64 {
        u64::from(self)
    }
}

/// A value as an operator's semantics computed it, with its width: what constant folding keeps (the cell
/// alone does not say whether it is 32 or 64 bits wide, or a float).
#[derive(Copy, Clone, Debug, PartialEq)]
pub(crate) enum Num {
    /// An i32 (also a comparison's result).
    I32(u32),
    /// An i64.
    I64(u64),
    /// An f32's bits.
    F32(u32),
    /// An f64's bits.
    F64(u64),
}

/// A result type of an operator's semantics: its cell ([`ToCell`]) and its typed value ([`Num`]).
pub(crate) trait ToNum: ToCell {
    /// The value with its width.
    fn to_num(self) -> Num;
}

/// What an operator's `eval` returns: a value, a trap, or nothing this build can compute.
pub(crate) trait Evaluated {
    /// The value, if the operation gives one (not a trap) in this build.
    fn value(self) -> Option<Num>;
}

macro_rules! to_num {
    ($($t:ty => |$v:ident| $num:expr),*) => {$(
        impl ToNum for $t {
            #[inline(always)]
            fn to_num(self) -> Num {
                let $v = self;
                $num
            }
        }
    )*};
}
to_num!(
    u32 => |v| Num::I32(v),
    i32 => |v| Num::I32(v as u32),
    bool => |v| Num::I32(u32::from(v)),
    u64 => |v| Num::I64(v),
    i64 => |v| Num::I64(v as u64),
    f32 => |v| Num::F32(v.to_bits()),
    f64 => |v| Num::F64(v.to_bits())
);

impl<T: ToNum> Evaluated for T {
    #[inline(always)]
    fn value(self) -> Option<Num> {
        Some(self.to_num())
    }
}

impl<T: ToNum> Evaluated for Result<T, TrapCode> {
    #[inline(always)]
    fn value(self) -> Option<Num> {
        self.ok().map(ToNum::to_num)
    }
}

/// The `eval` of an instruction this build does not run (float arithmetic without the `float` feature).
#[cfg_attr(feature = "float", allow(dead_code))]
pub(crate) struct NotInThisBuild;

impl Evaluated for NotInThisBuild {
    fn value(self) -> Option<Num> {
        None
    }
}

// ---- integer division ----

macro_rules! int_div {
    ($t:ty, $div_s:ident, $div_u:ident, $rem_s:ident, $rem_u:ident, $u:ty) => {
        /// Signed division: traps on a zero divisor and on `MIN / -1`.
        #[inline(always)]
        pub(crate) fn $div_s(a: $t, b: $t) -> Result<$t, TrapCode> {
            if b == 0 {
                return Err(TrapCode::IntegerDivisionByZero);
            }
            a.checked_div(b).ok_or(TrapCode::IntegerOverflow)
        }
        /// Unsigned division: traps on a zero divisor.
        #[inline(always)]
        pub(crate) fn $div_u(a: $u, b: $u) -> Result<$u, TrapCode> {
            a.checked_div(b).ok_or(TrapCode::IntegerDivisionByZero)
        }
        /// Signed remainder: traps on a zero divisor; `MIN % -1 == 0`.
        #[inline(always)]
        pub(crate) fn $rem_s(a: $t, b: $t) -> Result<$t, TrapCode> {
            if b == 0 {
                return Err(TrapCode::IntegerDivisionByZero);
            }
            Ok(a.wrapping_rem(b))
        }
        /// Unsigned remainder: traps on a zero divisor.
        #[inline(always)]
        pub(crate) fn $rem_u(a: $u, b: $u) -> Result<$u, TrapCode> {
            a.checked_rem(b).ok_or(TrapCode::IntegerDivisionByZero)
        }
    };
}
int_div!(i32, i32_div_s, i32_div_u, i32_rem_s, i32_rem_u, u32);
int_div!(i64, i64_div_s, i64_div_u, i64_rem_s, i64_rem_u, u64);

// ---- floats ----

macro_rules! float_ops {
    ($t:ty, $bits:ty, $quiet:expr, $sign:expr,
     $min:ident, $max:ident, $copysign:ident, $ceil:ident, $floor:ident, $trunc:ident, $nearest:ident, $sqrt:ident,
     $lceil:path, $lfloor:path, $ltrunc:path, $lrint:path, $lsqrt:path) => {
        /// Wasm `min`: NaN if either operand is NaN, and `-0 < +0`.
        #[inline(always)]
        pub(crate) fn $min(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                // Arithmetic on a NaN yields a quiet NaN with a propagated payload: an arithmetic NaN.
                a + b
            } else if a == b {
                // Equal values differ at most in the sign of zero: the negative one wins.
                <$t>::from_bits(a.to_bits() | b.to_bits())
            } else if a < b {
                a
            } else {
                b
            }
        }
        /// Wasm `max`: NaN if either operand is NaN, and `-0 < +0`.
        #[inline(always)]
        pub(crate) fn $max(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                a + b
            } else if a == b {
                <$t>::from_bits(a.to_bits() & b.to_bits())
            } else if a > b {
                a
            } else {
                b
            }
        }
        /// Magnitude of `a` with the sign of `b` (bit operation: NaN payloads are kept).
        #[inline(always)]
        pub(crate) fn $copysign(a: $bits, b: $bits) -> $bits {
            (a & !$sign) | (b & $sign)
        }
        /// Round up.
        #[inline]
        pub(crate) fn $ceil(x: $t) -> $t {
            unary(x, $lceil)
        }
        /// Round down.
        #[inline]
        pub(crate) fn $floor(x: $t) -> $t {
            unary(x, $lfloor)
        }
        /// Round toward zero.
        #[inline]
        pub(crate) fn $trunc(x: $t) -> $t {
            unary(x, $ltrunc)
        }
        /// Round to nearest, ties to even.
        #[inline]
        pub(crate) fn $nearest(x: $t) -> $t {
            unary(x, $lrint)
        }
        /// Square root.
        #[inline]
        pub(crate) fn $sqrt(x: $t) -> $t {
            unary(x, $lsqrt)
        }
        impl Quiet for $t {
            #[inline(always)]
            fn quiet(self) -> Self {
                <$t>::from_bits(self.to_bits() | $quiet)
            }
        }
    };
}

/// Quieting a NaN: the spec wants an arithmetic NaN (quiet bit set) from every float operation on a NaN.
pub(crate) trait Quiet: Copy {
    /// The value with its quiet bit set (only meaningful for NaNs).
    fn quiet(self) -> Self;
}

/// Applies a `libm` rounding function, making sure a NaN comes back quiet whatever `libm` does with it.
#[inline(always)]
fn unary<T: Quiet + PartialEq>(x: T, f: fn(T) -> T) -> T {
    #[allow(clippy::eq_op)]
    let is_nan = x != x;
    if is_nan {
        x.quiet()
    } else {
        f(x)
    }
}

/// Rounding to an integral value: `libm`'s functions, except in size-optimised bare-metal builds (the
/// `ember_shared_handlers` cfg of `build.rs`), where one routine per width serves all four directions: on a core
/// without double-precision hardware, `libm`'s eight are separate integer routines of 60–250 bytes each. Only
/// finite and infinite values reach these (`unary` handles NaNs).
#[cfg(not(ember_shared_handlers))]
mod round {
    pub(crate) use libm::{ceil, ceilf, floor, floorf, rint, rintf, trunc, truncf};
}

#[cfg(ember_shared_handlers)]
mod round {
    pub(crate) use super::round_bits::{ceil, ceilf, floor, floorf, rint, rintf, trunc, truncf};
}

/// Rounding on the bits (see `round`); compiled for tests too, which hold it to `libm`'s results.
#[cfg(any(ember_shared_handlers, test))]
#[cfg_attr(not(ember_shared_handlers), allow(dead_code))]
mod round_bits {
    /// Which way a value between two integers goes.
    #[derive(Clone, Copy)]
    pub(crate) enum Mode {
        Ceil,
        Floor,
        Trunc,
        /// To nearest, ties to even.
        Nearest,
    }

    macro_rules! round {
        ($t:ty, $bits:ty, $frac_bits:expr, $round:ident, $ceil:ident, $floor:ident, $trunc:ident, $rint:ident) => {
            /// `x` rounded to an integral value in direction `mode`, on its bits.
            #[inline(never)]
            pub(crate) fn $round(x: $t, mode: Mode) -> $t {
                const FRAC: u32 = $frac_bits;
                const SIGN: $bits = 1 << (<$bits>::BITS - 1);
                const BIAS: i32 = (1 << (<$bits>::BITS - FRAC - 2)) - 1;
                const ONE: $bits = (BIAS as $bits) << FRAC;
                const HALF: $bits = ((BIAS - 1) as $bits) << FRAC;
                let bits = x.to_bits();
                let negative = bits & SIGN != 0;
                let exp = ((bits & !SIGN) >> FRAC) as i32 - BIAS;
                if exp >= FRAC as i32 {
                    // Integral already (or infinite).
                    return x;
                }
                let magnitude = bits & !SIGN;
                let (kept, unit, rest, odd) = if exp < 0 {
                    // |x| < 1: ±0 or ±1, and 0 is even.
                    if magnitude == 0 {
                        return x;
                    }
                    (bits & SIGN, ONE, magnitude, false)
                } else {
                    let unit: $bits = 1 << (FRAC - exp as u32);
                    let rest = bits & (unit - 1);
                    if rest == 0 {
                        return x;
                    }
                    // `unit` is the bit of the integer part's ones (for `exp == 0`, the exponent's lowest bit,
                    // which is set: the integer part is 1).
                    (bits & !(unit - 1), unit, rest, bits & unit != 0)
                };
                // `rest` is the fraction below the integer part in units of `unit` (for |x| < 1, `magnitude`
                // against `HALF`, 0.5's bits).
                let half = if exp < 0 { HALF } else { unit / 2 };
                let away = match mode {
                    Mode::Ceil => !negative,
                    Mode::Floor => negative,
                    Mode::Trunc => false,
                    Mode::Nearest => rest > half || (rest == half && odd),
                };
                // Adding `unit` carries into the exponent where the integer part doubles: still exact.
                <$t>::from_bits(if away { kept + unit } else { kept })
            }
            pub(crate) fn $ceil(x: $t) -> $t {
                $round(x, Mode::Ceil)
            }
            pub(crate) fn $floor(x: $t) -> $t {
                $round(x, Mode::Floor)
            }
            pub(crate) fn $trunc(x: $t) -> $t {
                $round(x, Mode::Trunc)
            }
            pub(crate) fn $rint(x: $t) -> $t {
                $round(x, Mode::Nearest)
            }
        };
    }
    round!(f32, u32, 23, round_f32, ceilf, floorf, truncf, rintf);
    round!(f64, u64, 52, round_f64, ceil, floor, trunc, rint);

    #[cfg(test)]
    mod tests {
        /// Against `libm` on values around every exponent, with fractions at, near and off the halves. (Not
        /// under Miri: safe code only, and slow there.)
        #[test]
        #[cfg_attr(miri, ignore)]
        fn rounds_as_libm_does() {
            let fractions = [0.0, 0.1, 0.25, 0.49999, 0.5, 0.50001, 0.75, 0.99999];
            for e in -30..60 {
                for f in fractions {
                    for base in [1.0f64, 1.5, 1.25, 1.75, 3.0] {
                        for sign in [1.0, -1.0] {
                            let x = sign * (base * 2f64.powi(e) + f);
                            for (ours, theirs) in [
                                (super::ceil(x), libm::ceil(x)),
                                (super::floor(x), libm::floor(x)),
                                (super::trunc(x), libm::trunc(x)),
                                (super::rint(x), libm::rint(x)),
                            ] {
                                assert_eq!(ours.to_bits(), theirs.to_bits(), "{x}");
                            }
                            let y = x as f32;
                            for (ours, theirs) in [
                                (super::ceilf(y), libm::ceilf(y)),
                                (super::floorf(y), libm::floorf(y)),
                                (super::truncf(y), libm::truncf(y)),
                                (super::rintf(y), libm::rintf(y)),
                            ] {
                                assert_eq!(ours.to_bits(), theirs.to_bits(), "{y}");
                            }
                        }
                    }
                }
            }
            for x in [
                0.0f64,
                -0.0,
                0.5,
                -0.5,
                1.5,
                2.5,
                -2.5,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::MIN_POSITIVE,
                4503599627370495.5,
                4503599627370497.0,
            ] {
                assert_eq!(super::rint(x).to_bits(), libm::rint(x).to_bits(), "{x}");
                assert_eq!(super::ceil(x).to_bits(), libm::ceil(x).to_bits(), "{x}");
                assert_eq!(super::floor(x).to_bits(), libm::floor(x).to_bits(), "{x}");
            }
        }
    }
}

/// Square roots: `libm`'s (hardware instructions where it has them), and on hard-float Arm the FPU's
/// single-precision one, which `libm` does not use there (its integer routine costs ~300 bytes of flash).
#[cfg(not(miri))]
mod sqrt {
    pub(crate) use libm::sqrt;
    #[cfg(not(all(target_arch = "arm", target_abi = "eabihf")))]
    pub(crate) use libm::sqrtf;

    /// `VSQRT.F32`: the correctly rounded IEEE square root, in every FPU a hard-float Arm target has (VFPv2
    /// and later: Cortex-M4F, M7, M33, Cortex-A).
    #[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
    #[inline]
    pub(crate) fn sqrtf(x: f32) -> f32 {
        let root: u32;
        // SAFETY: the hard-float ABI guarantees the FPU these instructions need. (Rust offers no class of FPU
        // registers on single-precision-only cores, so the value goes through `s0`, which is saved and restored
        // on the stack around it: no register but the output changes, and the stack is left as it was.)
        unsafe {
            core::arch::asm!(
                "vpush {{s0}}",
                "vmov s0, {x}",
                "vsqrt.f32 s0, s0",
                "vmov {root}, s0",
                "vpop {{s0}}",
                x = in(reg) x.to_bits(),
                root = lateout(reg) root,
                options(pure, nomem),
            );
        }
        f32::from_bits(root)
    }
}

/// Square roots under Miri, which cannot run `libm`'s x86 inline assembly: `std`'s, the same correctly rounded
/// IEEE operation.
#[cfg(miri)]
mod sqrt {
    extern crate std;
    pub(crate) fn sqrt(x: f64) -> f64 {
        std::primitive::f64::sqrt(x)
    }
    pub(crate) fn sqrtf(x: f32) -> f32 {
        std::primitive::f32::sqrt(x)
    }
}

float_ops!(
    f32,
    u32,
    0x0040_0000,
    0x8000_0000,
    f32_min,
    f32_max,
    f32_copysign,
    f32_ceil,
    f32_floor,
    f32_trunc,
    f32_nearest,
    f32_sqrt,
    round::ceilf,
    round::floorf,
    round::truncf,
    round::rintf,
    sqrt::sqrtf
);
float_ops!(
    f64,
    u64,
    0x0008_0000_0000_0000,
    0x8000_0000_0000_0000,
    f64_min,
    f64_max,
    f64_copysign,
    f64_ceil,
    f64_floor,
    f64_trunc,
    f64_nearest,
    f64_sqrt,
    round::ceil,
    round::floor,
    round::trunc,
    round::rint,
    sqrt::sqrt
);

/// `f32.demote_f64`: a NaN stays a NaN with its quiet bit set.
#[inline(always)]
pub(crate) fn f32_demote(x: f64) -> f32 {
    if x.is_nan() {
        (x as f32).quiet()
    } else {
        x as f32
    }
}

/// `f64.promote_f32`: a NaN stays a NaN with its quiet bit set.
#[inline(always)]
pub(crate) fn f64_promote(x: f32) -> f64 {
    if x.is_nan() {
        f64::from(x).quiet()
    } else {
        f64::from(x)
    }
}

// ---- float to int, trapping ----

/// Float-to-int conversions that trap: `invalid conversion to integer` on NaN, `integer overflow` when the
/// truncated value does not fit. The bounds are exclusive and exactly representable in the source type.
macro_rules! trunc_trapping {
    ($($name:ident: $f:ty => $i:ty, $lo:expr, $hi:expr;)*) => {$(
        #[doc = concat!("`", stringify!($i), ".trunc_", stringify!($f), "`, trapping.")]
        #[inline(always)]
        pub(crate) fn $name(x: $f) -> Result<$i, TrapCode> {
            if x.is_nan() {
                return Err(TrapCode::BadConversionToInteger);
            }
            if x > $lo && x < $hi {
                Ok(x as $i)
            } else {
                Err(TrapCode::IntegerOverflow)
            }
        }
    )*};
}

trunc_trapping! {
    i32_trunc_f32_s: f32 => i32, -2147483904.0f32, 2147483648.0f32;
    i32_trunc_f32_u: f32 => u32, -1.0f32, 4294967296.0f32;
    i32_trunc_f64_s: f64 => i32, -2147483649.0f64, 2147483648.0f64;
    i32_trunc_f64_u: f64 => u32, -1.0f64, 4294967296.0f64;
    i64_trunc_f32_s: f32 => i64, -9223373136366403584.0f32, 9223372036854775808.0f32;
    i64_trunc_f32_u: f32 => u64, -1.0f32, 18446744073709551616.0f32;
    i64_trunc_f64_s: f64 => i64, -9223372036854777856.0f64, 9223372036854775808.0f64;
    i64_trunc_f64_u: f64 => u64, -1.0f64, 18446744073709551616.0f64;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_max_zero_and_nan() {
        assert_eq!(f32_min(0.0, -0.0).to_bits(), (-0.0f32).to_bits());
        assert_eq!(f32_min(-0.0, 0.0).to_bits(), (-0.0f32).to_bits());
        assert_eq!(f32_max(-0.0, 0.0).to_bits(), 0.0f32.to_bits());
        assert_eq!(f64_max(0.0, -0.0).to_bits(), 0.0f64.to_bits());
        assert!(f32_min(f32::NAN, 1.0).is_nan());
        assert!(f64_max(1.0, f64::NAN).is_nan());
        assert_eq!(f64_min(1.0, 2.0), 1.0);
        assert_eq!(f64_max(1.0, 2.0), 2.0);
    }

    #[test]
    fn rounding() {
        assert_eq!(f32_nearest(2.5), 2.0);
        assert_eq!(f32_nearest(3.5), 4.0);
        assert_eq!(f64_nearest(-0.5).to_bits(), (-0.0f64).to_bits());
        assert_eq!(f64_ceil(-0.5).to_bits(), (-0.0f64).to_bits());
        assert_eq!(f64_floor(-0.5), -1.0);
        assert_eq!(f32_trunc(-1.7), -1.0);
        let snan = f32::from_bits(0x7fa0_0000);
        assert_eq!(f32_ceil(snan).to_bits() & 0x0040_0000, 0x0040_0000);
        assert_eq!(f64_sqrt(4.0), 2.0);
    }

    #[test]
    fn trapping_truncation() {
        assert_eq!(i32_trunc_f32_s(-2147483648.0), Ok(i32::MIN));
        assert_eq!(i32_trunc_f32_s(2147483648.0), Err(TrapCode::IntegerOverflow));
        assert_eq!(i32_trunc_f64_s(-2147483648.9), Ok(i32::MIN));
        assert_eq!(i32_trunc_f64_s(-2147483649.0), Err(TrapCode::IntegerOverflow));
        assert_eq!(i32_trunc_f64_u(-0.9), Ok(0));
        assert_eq!(i32_trunc_f64_u(4294967295.9), Ok(u32::MAX));
        assert_eq!(i32_trunc_f32_u(f32::NAN), Err(TrapCode::BadConversionToInteger));
        assert_eq!(i64_trunc_f64_s(-9223372036854775808.0), Ok(i64::MIN));
        assert_eq!(i64_trunc_f32_s(-9223372036854775808.0), Ok(i64::MIN));
        assert_eq!(i64_trunc_f64_s(9223372036854775808.0), Err(TrapCode::IntegerOverflow));
        assert_eq!(i64_trunc_f64_u(18446744073709549568.0), Ok(18446744073709549568));
        assert_eq!(i64_trunc_f32_u(-1.0), Err(TrapCode::IntegerOverflow));
        assert_eq!(i32_div_s(i32::MIN, -1), Err(TrapCode::IntegerOverflow));
        assert_eq!(i32_rem_s(i32::MIN, -1), Ok(0));
        assert_eq!(i64_div_u(1, 0), Err(TrapCode::IntegerDivisionByZero));
    }
}
