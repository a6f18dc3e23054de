//! Engine-neutral values, with NaNs canonicalised so that engines free to pick NaN bits compare equal.

use arbitrary::{Result, Unstructured};

/// The type of a [`DiffValue`]: the value types of WebAssembly 2.0 without SIMD.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum DiffValueType {
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `funcref`.
    FuncRef,
    /// `externref`.
    ExternRef,
}

impl DiffValueType {
    /// Converts a wasmparser value type; `None` for types the oracle does not compare (v128, GC references).
    pub fn from_wasmparser(ty: wasmparser::ValType) -> Option<DiffValueType> {
        Some(match ty {
            wasmparser::ValType::I32 => DiffValueType::I32,
            wasmparser::ValType::I64 => DiffValueType::I64,
            wasmparser::ValType::F32 => DiffValueType::F32,
            wasmparser::ValType::F64 => DiffValueType::F64,
            wasmparser::ValType::Ref(r) if r.is_func_ref() => DiffValueType::FuncRef,
            wasmparser::ValType::Ref(r) if r.is_extern_ref() => DiffValueType::ExternRef,
            _ => return None,
        })
    }
}

/// A value as the oracle compares it.
///
/// Floats are kept as bits, with every NaN replaced by the canonical NaN of its width (the spec lets engines
/// choose NaN payloads). References are compared by null-ness only: function indices are engine-internal, and
/// the oracle only passes null `externref`s in.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum DiffValue {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`'s bits.
    F32(u32),
    /// An `f64`'s bits.
    F64(u64),
    /// A `funcref`: whether it is null.
    FuncRef {
        /// Whether the reference is null.
        null: bool,
    },
    /// An `externref`: whether it is null.
    ExternRef {
        /// Whether the reference is null.
        null: bool,
    },
}

/// The canonical `f32` NaN's bits.
pub const CANONICAL_NAN_F32: u32 = 0x7fc0_0000;
/// The canonical `f64` NaN's bits.
pub const CANONICAL_NAN_F64: u64 = 0x7ff8_0000_0000_0000;

impl DiffValue {
    /// An `f32` from its bits, NaNs canonicalised.
    pub fn f32(bits: u32) -> DiffValue {
        DiffValue::F32(if f32::from_bits(bits).is_nan() { CANONICAL_NAN_F32 } else { bits })
    }

    /// An `f64` from its bits, NaNs canonicalised.
    pub fn f64(bits: u64) -> DiffValue {
        DiffValue::F64(if f64::from_bits(bits).is_nan() { CANONICAL_NAN_F64 } else { bits })
    }

    /// This value with its NaN canonicalised (values built with [`DiffValue::f32`]/[`DiffValue::f64`] already
    /// are).
    pub fn canonical(self) -> DiffValue {
        match self {
            DiffValue::F32(bits) => DiffValue::f32(bits),
            DiffValue::F64(bits) => DiffValue::f64(bits),
            other => other,
        }
    }

    /// The value's type.
    pub fn ty(&self) -> DiffValueType {
        match self {
            DiffValue::I32(_) => DiffValueType::I32,
            DiffValue::I64(_) => DiffValueType::I64,
            DiffValue::F32(_) => DiffValueType::F32,
            DiffValue::F64(_) => DiffValueType::F64,
            DiffValue::FuncRef { .. } => DiffValueType::FuncRef,
            DiffValue::ExternRef { .. } => DiffValueType::ExternRef,
        }
    }

    /// An argument of type `ty` drawn from the fuzzer's bytes: integers and float bit patterns biased towards
    /// edge cases; references are null.
    pub fn arbitrary_of_type(u: &mut Unstructured<'_>, ty: DiffValueType) -> Result<DiffValue> {
        Ok(match ty {
            DiffValueType::I32 => DiffValue::I32(pick(u, &[0, 1, -1, i32::MIN, i32::MAX])?),
            DiffValueType::I64 => DiffValue::I64(pick(u, &[0, 1, -1, i64::MIN, i64::MAX])?),
            DiffValueType::F32 => DiffValue::F32(pick(
                u,
                &[0, 0x8000_0000, 0x3f80_0000, 0x7f80_0000, 0xff80_0000, CANONICAL_NAN_F32, 0x7fa0_0001, 0x4f00_0000],
            )?),
            DiffValueType::F64 => DiffValue::F64(pick(
                u,
                &[0, 1 << 63, 0x3ff0_0000_0000_0000, 0x7ff0_0000_0000_0000, CANONICAL_NAN_F64, 0x43e0_0000_0000_0000],
            )?),
            DiffValueType::FuncRef => DiffValue::FuncRef { null: true },
            DiffValueType::ExternRef => DiffValue::ExternRef { null: true },
        })
    }

    /// The zero value of `ty` (null for references).
    pub fn zero(ty: DiffValueType) -> DiffValue {
        match ty {
            DiffValueType::I32 => DiffValue::I32(0),
            DiffValueType::I64 => DiffValue::I64(0),
            DiffValueType::F32 => DiffValue::F32(0),
            DiffValueType::F64 => DiffValue::F64(0),
            DiffValueType::FuncRef => DiffValue::FuncRef { null: true },
            DiffValueType::ExternRef => DiffValue::ExternRef { null: true },
        }
    }
}

/// One of a few interesting values half the time, any value otherwise.
fn pick<'a, T: arbitrary::Arbitrary<'a> + Copy>(u: &mut Unstructured<'a>, special: &[T]) -> Result<T> {
    if u.arbitrary()? {
        Ok(*u.choose(special)?)
    } else {
        u.arbitrary()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nans_are_canonicalised() {
        assert_eq!(DiffValue::f32(0x7fa0_0001), DiffValue::F32(CANONICAL_NAN_F32));
        assert_eq!(DiffValue::f32(0xffc0_0000), DiffValue::F32(CANONICAL_NAN_F32));
        assert_eq!(DiffValue::f64(0xfff8_0000_0000_0001), DiffValue::F64(CANONICAL_NAN_F64));
        assert_eq!(DiffValue::f32(0x3f80_0000), DiffValue::F32(0x3f80_0000));
        assert_eq!(DiffValue::F64(0x7ff0_0000_0000_0001).canonical(), DiffValue::F64(CANONICAL_NAN_F64));
    }
}
