//! Wasm values as text, the way `ember run --invoke` takes its arguments: integers in decimal (with a sign) or
//! `0x` hex, in the signed or unsigned range of the type; floats in Rust's syntax plus `inf`, `nan` and
//! `nan:0xPAYLOAD`; a `v128` as one unsigned 128-bit integer (decimal or `0x` hex, lane 0 in the low bits, as
//! `Val::V128` holds it, and as results are printed) or as a lane shape and its lanes, lane 0 first, separated by
//! spaces or commas, each lane written as a scalar of its type (`i32x4 1 2 3 -1`, `f32x4 1.5 nan inf -0`,
//! `i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15`); references as `null` (or an extern reference's number). Shared by the CLI and the tools
//! that compare engines, so that the same text means the same value everywhere.

use crate::{Val, ValType};

/// Parses a command-line argument as a value of type `ty`.
pub fn parse_val(text: &str, ty: ValType) -> Option<Val> {
    Some(match ty {
        ValType::I32 => Val::I32(parse_int(text, i128::from(i32::MIN), i128::from(u32::MAX))? as i32),
        ValType::I64 => Val::I64(parse_int(text, i128::from(i64::MIN), i128::from(u64::MAX))? as i64),
        ValType::F32 => Val::F32(match nan_bits(text, 23)? {
            Some(bits) => bits as u32,
            None => parse_float::<f32>(text)?.to_bits(),
        }),
        ValType::F64 => Val::F64(match nan_bits(text, 52)? {
            Some(bits) => bits,
            None => parse_float::<f64>(text)?.to_bits(),
        }),
        ValType::V128 => Val::V128(match parse_lanes(text) {
            Some(lanes) => lanes?,
            None => parse_int_u128(text)?,
        }),
        ValType::FuncRef => match text {
            "null" => Val::FuncRef(None),
            _ => return None,
        },
        ValType::ExternRef => match text {
            "null" => Val::ExternRef(None),
            _ => Val::ExternRef(Some(crate::ExternRef(parse_int(text, 0, i128::from(u32::MAX))? as u32))),
        },
    })
}

/// An integer in `min..=max` (decimal with optional sign, or `0x` hex), as its two's-complement bits.
pub fn parse_int(text: &str, min: i128, max: i128) -> Option<i128> {
    let text = text.replace('_', "");
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(&text)),
    };
    let magnitude = match digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        Some(hex) if !hex.is_empty() && !hex.starts_with(['+', '-']) => u128::from_str_radix(hex, 16).ok()?,
        Some(_) => return None,
        None if digits.bytes().all(|b| b.is_ascii_digit()) && !digits.is_empty() => digits.parse::<u128>().ok()?,
        None => return None,
    };
    let magnitude = i128::try_from(magnitude).ok()?;
    let value = if negative { -magnitude } else { magnitude };
    (min..=max).contains(&value).then_some(value)
}

/// A `v128` as one 128-bit integer: decimal or `0x` hex.
pub fn parse_int_u128(text: &str) -> Option<u128> {
    let text = text.replace('_', "");
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u128::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// A `v128` written as a lane shape and its lanes (`i32x4 1 2 3 4`): `None` if `text` does not start with a
/// shape, `Some(None)` if the lanes are not right for it.
fn parse_lanes(text: &str) -> Option<Option<u128>> {
    let mut words = text.split([' ', ',']).filter(|w| !w.is_empty());
    let shape = words.next()?;
    let (count, bits) = match shape {
        "i8x16" => (16, 8),
        "i16x8" => (8, 16),
        "i32x4" | "f32x4" => (4, 32),
        "i64x2" | "f64x2" => (2, 64),
        _ => return None,
    };
    let mut value = 0u128;
    let mut lanes = 0;
    for (i, lane) in words.enumerate() {
        if i >= count {
            return Some(None);
        }
        lanes += 1;
        let lane_bits = match (shape, bits) {
            ("f32x4", _) => match parse_val(lane, ValType::F32)? {
                Val::F32(b) => u128::from(b),
                _ => return Some(None),
            },
            ("f64x2", _) => match parse_val(lane, ValType::F64)? {
                Val::F64(b) => u128::from(b),
                _ => return Some(None),
            },
            (_, bits) => {
                let min = -(1i128 << (bits - 1));
                let max = (1i128 << bits) - 1;
                let Some(v) = parse_int(lane, min, max) else { return Some(None) };
                (v as u128) & ((1u128 << bits) - 1)
            }
        };
        value |= lane_bits << (i * bits);
    }
    Some((lanes == count).then_some(value))
}

/// `nan:0xPAYLOAD` or `-nan:0xPAYLOAD` (as `format_val` prints NaNs) as the bits of an f32 (`mantissa_bits`
/// 23) or f64 (52): `Some(None)` if `text` is not of that form, `None` if the payload is invalid.
fn nan_bits(text: &str, mantissa_bits: u32) -> Option<Option<u64>> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let Some(payload) = rest.strip_prefix("nan:0x") else { return Some(None) };
    let payload = u64::from_str_radix(&payload.replace('_', ""), 16).ok()?;
    let mantissa_mask = (1u64 << mantissa_bits) - 1;
    if payload == 0 || payload & !mantissa_mask != 0 {
        return None;
    }
    let exponent_bits = if mantissa_bits == 23 { 8 } else { 11 };
    let exponent = ((1u64 << exponent_bits) - 1) << mantissa_bits;
    let sign = u64::from(negative) << (mantissa_bits + exponent_bits);
    Some(Some(sign | exponent | payload))
}

/// A float in Rust's syntax (`inf`, `nan`, exponents), with `_` separators and a leading `+` allowed.
pub fn parse_float<F: std::str::FromStr>(text: &str) -> Option<F> {
    let text = text.replace('_', "");
    match text.as_str() {
        "" => None,
        // Rust spells these `inf`/`NaN`; accept a leading `+` too.
        _ => text.strip_prefix('+').unwrap_or(&text).parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_arguments() {
        assert_eq!(parse_val("-1", ValType::I32), Some(Val::I32(-1)));
        assert_eq!(parse_val("0xffffffff", ValType::I32), Some(Val::I32(-1)));
        assert_eq!(parse_val("4294967295", ValType::I32), Some(Val::I32(-1)));
        assert_eq!(parse_val("4294967296", ValType::I32), None);
        assert_eq!(parse_val("-2147483649", ValType::I32), None);
        assert_eq!(parse_val("18446744073709551615", ValType::I64), Some(Val::I64(-1)));
        assert_eq!(parse_val("-0x10", ValType::I64), Some(Val::I64(-16)));
        assert_eq!(parse_val("", ValType::I32), None);
        assert_eq!(parse_val("0x", ValType::I32), None);
        assert_eq!(parse_val("0x+5", ValType::I32), None);
        assert_eq!(parse_val("1.5", ValType::I32), None);
    }

    #[test]
    fn v128_arguments() {
        let v128 = |text| parse_val(text, ValType::V128);
        assert_eq!(v128("0x0102"), Some(Val::V128(0x0102)));
        assert_eq!(v128("i32x4 1 2 3 -1"), Some(Val::V128(0xffff_ffff_0000_0003_0000_0002_0000_0001)));
        assert_eq!(v128("i64x2,0x10,-1"), Some(Val::V128(u128::from(u64::MAX) << 64 | 0x10)));
        assert_eq!(
            v128("i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 255"),
            Some(Val::V128(0xff0e_0d0c_0b0a_0908_0706_0504_0302_0100))
        );
        assert_eq!(v128("f32x4 1 0 0 -0"), Some(Val::V128(0x8000_0000_0000_0000_0000_0000_3f80_0000)));
        assert_eq!(v128("f64x2 nan 1"), Some(Val::V128(0x3ff0_0000_0000_0000_7ff8_0000_0000_0000)));
        assert_eq!(v128("i16x8 1 2 3"), None, "too few lanes");
        assert_eq!(v128("i8x16 256 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"), None, "a lane out of range");
        assert_eq!(v128("i32x4 1 2 3 x"), None);
    }
}
