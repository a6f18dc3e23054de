//! SIMD semantics on 128-bit values (`u128`, lane 0 in the low bits, as wasm's little-endian lane order).
//!
//! Portable scalar code: a value is split into an array of lanes, the operation runs lane by lane, and the lanes
//! are joined again. Every target builds it (and the tests run it); on x86-64 and AArch64 the compiler turns
//! most of these loops into the platform's vector instructions. Float operations use the scalar routines of
//! [`num`](super::num), so a lane computes what the scalar instruction computes.
//!
//! Relaxed SIMD is deterministic in Ember, and the native tier makes the same choice: every relaxed
//! instruction computes what its non-relaxed counterpart does (`relaxed_swizzle` is `swizzle`,
//! `relaxed_trunc` is `trunc_sat`, `relaxed_laneselect` is `bitselect`, `relaxed_min`/`max` are
//! `min`/`max`, `relaxed_q15mulr_s` is `q15mulr_sat_s`); `relaxed_madd`/`nmadd` round after the multiply
//! and after the add (not fused); the `i7x16` dot products treat both operands' bytes as signed and wrap.

/// One lane type: how it is read from and written to little-endian bytes.
pub(crate) trait Lane: Copy {
    /// The lane's width in bytes.
    const BYTES: usize;
    /// The lane at the start of `bytes`.
    fn read(bytes: &[u8]) -> Self;
    /// Writes the lane at the start of `bytes`.
    fn write(self, bytes: &mut [u8]);
}

macro_rules! int_lanes {
    ($($t:ty),*) => {$(
        impl Lane for $t {
            const BYTES: usize = core::mem::size_of::<$t>();
            #[inline(always)]
            fn read(bytes: &[u8]) -> Self {
                let mut b = [0u8; core::mem::size_of::<$t>()];
                b.copy_from_slice(&bytes[..Self::BYTES]);
                <$t>::from_le_bytes(b)
            }
            #[inline(always)]
            fn write(self, bytes: &mut [u8]) {
                bytes[..Self::BYTES].copy_from_slice(&self.to_le_bytes());
            }
        }
    )*};
}
int_lanes!(i8, u8, i16, u16, i32, u32, i64, u64);

impl Lane for f32 {
    const BYTES: usize = 4;
    #[inline(always)]
    fn read(bytes: &[u8]) -> Self {
        f32::from_bits(u32::read(bytes))
    }
    #[inline(always)]
    fn write(self, bytes: &mut [u8]) {
        self.to_bits().write(bytes)
    }
}

impl Lane for f64 {
    const BYTES: usize = 8;
    #[inline(always)]
    fn read(bytes: &[u8]) -> Self {
        f64::from_bits(u64::read(bytes))
    }
    #[inline(always)]
    fn write(self, bytes: &mut [u8]) {
        self.to_bits().write(bytes)
    }
}

/// The `N` lanes of type `T` of `v` (`N * T::BYTES == 16`).
#[inline(always)]
pub(crate) fn lanes<T: Lane, const N: usize>(v: u128) -> [T; N] {
    let bytes = v.to_le_bytes();
    core::array::from_fn(|i| T::read(&bytes[i * T::BYTES..]))
}

/// The value of lanes `l` (`N * T::BYTES == 16`).
#[inline(always)]
pub(crate) fn join<T: Lane, const N: usize>(l: [T; N]) -> u128 {
    let mut bytes = [0u8; 16];
    for (i, x) in l.into_iter().enumerate() {
        x.write(&mut bytes[i * T::BYTES..]);
    }
    u128::from_le_bytes(bytes)
}

/// `f` of every lane.
#[inline(always)]
pub(crate) fn map<T: Lane, const N: usize>(v: u128, f: impl Fn(T) -> T) -> u128 {
    join::<T, N>(lanes::<T, N>(v).map(f))
}

/// `f` of every pair of lanes.
#[inline(always)]
pub(crate) fn zip<T: Lane, const N: usize>(a: u128, b: u128, f: impl Fn(T, T) -> T) -> u128 {
    let (a, b) = (lanes::<T, N>(a), lanes::<T, N>(b));
    join::<T, N>(core::array::from_fn(|i| f(a[i], b[i])))
}

/// A lane type that holds comparison results: all ones for true, zero for false.
pub(crate) trait Mask: Lane {
    /// The mask for `b`.
    fn mask(b: bool) -> Self;
}

macro_rules! masks {
    ($($t:ty),*) => {$(
        impl Mask for $t {
            #[inline(always)]
            fn mask(b: bool) -> Self {
                (0 as $t).wrapping_sub(b as $t)
            }
        }
    )*};
}
masks!(u8, u16, u32, u64);

/// Lane-wise comparison of lanes `T`, giving masks `M` of the same width.
#[inline(always)]
pub(crate) fn compare<T: Lane, M: Mask, const N: usize>(a: u128, b: u128, f: impl Fn(T, T) -> bool) -> u128 {
    let (a, b) = (lanes::<T, N>(a), lanes::<T, N>(b));
    join::<M, N>(core::array::from_fn(|i| M::mask(f(a[i], b[i]))))
}

/// `f` of each lane of `v`'s low (`high` false) or high half, widened to the lane type `W`.
#[inline(always)]
pub(crate) fn widen<T: Lane, W: Lane, const N: usize, const H: usize>(v: u128, high: bool, f: impl Fn(T) -> W) -> u128 {
    let l = lanes::<T, N>(v);
    let at = if high { H } else { 0 };
    join::<W, H>(core::array::from_fn(|i| f(l[at + i])))
}

/// `f` of each lane pair `(a, b)` from the low (`high` false) or high halves, widened to `W` (`extmul`).
#[inline(always)]
pub(crate) fn widen2<T: Lane, W: Lane, const N: usize, const H: usize>(
    a: u128,
    b: u128,
    high: bool,
    f: impl Fn(T, T) -> W,
) -> u128 {
    let (a, b) = (lanes::<T, N>(a), lanes::<T, N>(b));
    let at = if high { H } else { 0 };
    join::<W, H>(core::array::from_fn(|i| f(a[at + i], b[at + i])))
}

/// `f` of each of the `N` lanes of `v`, as the low `N` of `H` lanes of type `W`, the others zero
/// (`trunc_sat_f64x2_s_zero`, `demote_f64x2_zero`).
#[inline(always)]
pub(crate) fn narrow_zero<T: Lane, W: Lane + Default, const N: usize, const H: usize>(
    v: u128,
    f: impl Fn(T) -> W,
) -> u128 {
    let l = lanes::<T, N>(v);
    join::<W, H>(core::array::from_fn(|i| if i < N { f(l[i]) } else { W::default() }))
}

/// `f` of each pair of adjacent lanes `(v[2i], v[2i+1])`, as lane `i` of type `W` (`extadd_pairwise`).
#[inline(always)]
pub(crate) fn pairwise<T: Lane, W: Lane, const N: usize, const H: usize>(v: u128, f: impl Fn(T, T) -> W) -> u128 {
    let l = lanes::<T, N>(v);
    join::<W, H>(core::array::from_fn(|i| f(l[2 * i], l[2 * i + 1])))
}

/// The lanes of `a` then of `b`, each narrowed to `W` by `f` (`narrow`).
#[inline(always)]
pub(crate) fn narrow<T: Lane, W: Lane, const H: usize, const N: usize>(a: u128, b: u128, f: impl Fn(T) -> W) -> u128 {
    let (a, b) = (lanes::<T, H>(a), lanes::<T, H>(b));
    join::<W, N>(core::array::from_fn(|i| f(if i < H { a[i] } else { b[i - H] })))
}

/// `v` with every lane equal to `x`.
#[inline(always)]
pub(crate) fn splat<T: Lane, const N: usize>(x: T) -> u128 {
    join::<T, N>([x; N])
}

/// Lane `lane % N` of `v`.
#[inline(always)]
pub(crate) fn extract<T: Lane, const N: usize>(v: u128, lane: u16) -> T {
    lanes::<T, N>(v)[usize::from(lane) % N]
}

/// `v` with lane `lane % N` replaced by `x`.
#[inline(always)]
pub(crate) fn replace<T: Lane, const N: usize>(v: u128, lane: u16, x: T) -> u128 {
    let mut l = lanes::<T, N>(v);
    l[usize::from(lane) % N] = x;
    join::<T, N>(l)
}

/// 1 if every lane is non-zero, else 0.
#[inline(always)]
pub(crate) fn all_true<T: Lane + PartialEq + Default, const N: usize>(v: u128) -> u32 {
    lanes::<T, N>(v).iter().all(|&x| x != T::default()) as u32
}

/// The lanes' top bits, lane `i` in bit `i`.
#[inline(always)]
pub(crate) fn bitmask<T: Lane, const N: usize>(v: u128) -> u32 {
    let bits = T::BYTES * 8;
    (0..N).fold(0, |mask, i| mask | (((v >> (i * bits + bits - 1)) & 1) as u32) << i)
}

/// `bitselect`: bits of `a` where `c` is 1, of `b` where it is 0.
#[inline(always)]
pub(crate) fn bitselect(a: u128, b: u128, c: u128) -> u128 {
    (a & c) | (b & !c)
}

/// `i8x16.swizzle`: byte `i` is byte `s[i]` of `a`, or 0 if `s[i] >= 16`.
#[inline(always)]
pub(crate) fn swizzle(a: u128, s: u128) -> u128 {
    let (a, s) = (a.to_le_bytes(), s.to_le_bytes());
    u128::from_le_bytes(core::array::from_fn(|i| a.get(usize::from(s[i])).copied().unwrap_or(0)))
}

/// `i8x16.shuffle`: byte `i` is byte `lanes[i] % 32` of the 32 bytes `a ++ b`.
#[inline(always)]
pub(crate) fn shuffle(a: u128, b: u128, lanes: u128) -> u128 {
    let (a, b, l) = (a.to_le_bytes(), b.to_le_bytes(), lanes.to_le_bytes());
    u128::from_le_bytes(core::array::from_fn(|i| {
        let k = usize::from(l[i] & 31);
        if k < 16 {
            a[k]
        } else {
            b[k - 16]
        }
    }))
}

/// `avgr_u`: the rounded-up average.
macro_rules! avgr {
    ($name:ident, $t:ty, $w:ty) => {
        #[inline(always)]
        pub(crate) fn $name(a: $t, b: $t) -> $t {
            ((<$w>::from(a) + <$w>::from(b) + 1) >> 1) as $t
        }
    };
}
avgr!(avgr_u8, u8, u16);
avgr!(avgr_u16, u16, u32);

/// `i16x8.q15mulr_sat_s`: the rounded Q15 product, saturated.
#[inline(always)]
pub(crate) fn q15mulr_sat(a: i16, b: i16) -> i16 {
    ((i32::from(a) * i32::from(b) + 0x4000) >> 15).clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16
}

/// `i32x4.dot_i16x8_s`: lane `i` is `a[2i] * b[2i] + a[2i+1] * b[2i+1]`, wrapping.
#[inline(always)]
pub(crate) fn dot_i16x8(a: u128, b: u128) -> u128 {
    let (a, b) = (lanes::<i16, 8>(a), lanes::<i16, 8>(b));
    join::<i32, 4>(core::array::from_fn(|i| {
        (i32::from(a[2 * i]) * i32::from(b[2 * i])).wrapping_add(i32::from(a[2 * i + 1]) * i32::from(b[2 * i + 1]))
    }))
}

/// `i16x8.relaxed_dot_i8x16_i7x16_s`: lane `i` is `a[2i] * b[2i] + a[2i+1] * b[2i+1]` of signed bytes, wrapping.
#[inline(always)]
pub(crate) fn dot_i8x16(a: u128, b: u128) -> u128 {
    let (a, b) = (lanes::<i8, 16>(a), lanes::<i8, 16>(b));
    join::<i16, 8>(core::array::from_fn(|i| {
        (i16::from(a[2 * i]) * i16::from(b[2 * i])).wrapping_add(i16::from(a[2 * i + 1]) * i16::from(b[2 * i + 1]))
    }))
}

/// `i32x4.relaxed_dot_i8x16_i7x16_add_s`: lane `i` is the sum of the four products `a[4i+j] * b[4i+j]` of
/// signed bytes, plus `c[i]`, wrapping.
#[inline(always)]
pub(crate) fn dot_i8x16_add(a: u128, b: u128, c: u128) -> u128 {
    let (a, b, c) = (lanes::<i8, 16>(a), lanes::<i8, 16>(b), lanes::<i32, 4>(c));
    join::<i32, 4>(core::array::from_fn(|i| {
        (0..4).fold(c[i], |sum, j| sum.wrapping_add(i32::from(a[4 * i + j]) * i32::from(b[4 * i + j])))
    }))
}

/// Saturating narrowing of a signed lane to `$w`'s range (`narrow_s`, `narrow_u`).
macro_rules! saturate {
    ($name:ident, $t:ty, $w:ty) => {
        #[inline(always)]
        pub(crate) fn $name(x: $t) -> $w {
            x.clamp(<$w>::MIN as $t, <$w>::MAX as $t) as $w
        }
    };
}
saturate!(sat_i16_i8, i16, i8);
saturate!(sat_i16_u8, i16, u8);
saturate!(sat_i32_i16, i32, i16);
saturate!(sat_i32_u16, i32, u16);

/// `pmin`: `b < a ? b : a`.
#[inline(always)]
pub(crate) fn pmin<T: PartialOrd>(a: T, b: T) -> T {
    if b < a {
        b
    } else {
        a
    }
}

/// `pmax`: `a < b ? b : a`.
#[inline(always)]
pub(crate) fn pmax<T: PartialOrd>(a: T, b: T) -> T {
    if a < b {
        b
    } else {
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: u128 = 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100;

    #[test]
    fn lanes_are_little_endian() {
        assert_eq!(lanes::<u8, 16>(V)[0], 0);
        assert_eq!(lanes::<u8, 16>(V)[15], 15);
        assert_eq!(lanes::<u16, 8>(V)[1], 0x0302);
        assert_eq!(lanes::<u32, 4>(V)[3], 0x0f0e_0d0c);
        assert_eq!(join::<u64, 2>(lanes::<u64, 2>(V)), V);
        assert_eq!(extract::<u8, 16>(V, 17), 1, "lanes are taken modulo the lane count");
        assert_eq!(replace::<u16, 8>(0, 7, 0xabcd), 0xabcd << 112);
    }

    #[test]
    fn integer_lanes() {
        let a = splat::<i8, 16>(-128);
        assert_eq!(map::<i8, 16>(a, i8::wrapping_abs), a);
        assert_eq!(zip::<i8, 16>(a, splat::<i8, 16>(-1), i8::saturating_add), a);
        assert_eq!(compare::<i8, u8, 16>(a, 0, |x, y| x < y), u128::MAX);
        assert_eq!(bitmask::<i8, 16>(a), 0xffff);
        assert_eq!(bitmask::<i32, 4>(1u128 << 127), 0b1000);
        assert_eq!(all_true::<u16, 8>(splat::<u16, 8>(1)), 1);
        assert_eq!(all_true::<u16, 8>(replace::<u16, 8>(u128::MAX, 3, 0)), 0);
        assert_eq!(q15mulr_sat(i16::MIN, i16::MIN), i16::MAX);
        assert_eq!(avgr_u8(255, 254), 255);
        assert_eq!(sat_i16_u8(-5), 0);
        assert_eq!(sat_i16_u8(300), 255);
        assert_eq!(dot_i16x8(splat::<i16, 8>(i16::MIN), splat::<i16, 8>(i16::MIN)), splat::<i32, 4>(i32::MIN));
    }

    #[test]
    fn byte_permutations() {
        assert_eq!(swizzle(V, splat::<u8, 16>(16)), 0);
        assert_eq!(swizzle(V, V), V);
        assert_eq!(shuffle(V, !V, splat::<u8, 16>(16)), splat::<u8, 16>(0xff));
        assert_eq!(shuffle(V, 0, V | splat::<u8, 16>(0x20)), V, "lane indices are taken modulo 32");
    }

    #[test]
    fn widening() {
        let v = join::<i8, 16>(core::array::from_fn(|i| -(i as i8)));
        assert_eq!(
            lanes::<i16, 8>(widen::<i8, i16, 16, 8>(v, true, i16::from)),
            core::array::from_fn(|i| -8 - i as i16)
        );
        assert_eq!(lanes::<i16, 8>(pairwise::<i8, i16, 16, 8>(v, |a, b| i16::from(a) + i16::from(b)))[1], -5);
        assert_eq!(narrow::<i16, i8, 8, 16>(splat::<i16, 8>(1000), splat::<i16, 8>(-1000), sat_i16_i8), {
            let mut l = [127i8; 16];
            l[8..].fill(-128);
            join::<i8, 16>(l)
        });
    }
}
