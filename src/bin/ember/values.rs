//! Wasm values on the command line: parsing arguments and printing results so that they parse back.

use ember::{Val, ValType};

/// Parses a command-line argument as a value of type `ty`.
pub(crate) fn parse_val(text: &str, ty: ValType) -> Option<Val> {
    Some(match ty {
        ValType::I32 => Val::I32(parse_int(text, i64::from(i32::MIN), i128::from(u32::MAX))? as i32),
        ValType::I64 => Val::I64(parse_int(text, i64::MIN, i128::from(u64::MAX))? as i64),
        ValType::F32 => Val::F32(match nan_bits(text, 23)? {
            Some(bits) => bits as u32,
            None => parse_float::<f32>(text)?.to_bits(),
        }),
        ValType::F64 => Val::F64(match nan_bits(text, 52)? {
            Some(bits) => bits,
            None => parse_float::<f64>(text)?.to_bits(),
        }),
        ValType::V128 => Val::V128(parse_int_u128(text)?),
        ValType::FuncRef => match text {
            "null" => Val::FuncRef(None),
            _ => return None,
        },
        ValType::ExternRef => match text {
            "null" => Val::ExternRef(None),
            _ => Val::ExternRef(Some(ember::ExternRef(parse_int(text, 0, i128::from(u32::MAX))? as u32))),
        },
    })
}

/// An integer in `min..=max` (decimal with optional sign, or `0x` hex), as its two's-complement bits.
pub(crate) fn parse_int(text: &str, min: i64, max: i128) -> Option<i128> {
    let text = text.replace('_', "");
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(&text)),
    };
    let magnitude = match digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        Some(hex) if !hex.is_empty() => u128::from_str_radix(hex, 16).ok()?,
        Some(_) => return None,
        None if digits.bytes().all(|b| b.is_ascii_digit()) && !digits.is_empty() => digits.parse::<u128>().ok()?,
        None => return None,
    };
    let magnitude = i128::try_from(magnitude).ok()?;
    let value = if negative { -magnitude } else { magnitude };
    (i128::from(min)..=max).contains(&value).then_some(value)
}

pub(crate) fn parse_int_u128(text: &str) -> Option<u128> {
    let text = text.replace('_', "");
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u128::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// `nan:0xPAYLOAD` or `-nan:0xPAYLOAD` (as `format_val` prints NaNs) as the bits of an f32 (`mantissa_bits`
/// 23) or f64 (52): `Some(None)` if `text` is not of that form, `None` if the payload is invalid.
pub(crate) fn nan_bits(text: &str, mantissa_bits: u32) -> Option<Option<u64>> {
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

pub(crate) fn parse_float<F: std::str::FromStr>(text: &str) -> Option<F> {
    let text = text.replace('_', "");
    match text.as_str() {
        "" => None,
        // Rust spells these `inf`/`NaN`; accept a leading `+` too.
        _ => text.strip_prefix('+').unwrap_or(&text).parse().ok(),
    }
}

/// Prints a value so that it parses back to the same bits (NaN payloads included).
pub(crate) fn format_val(val: &Val) -> String {
    match *val {
        Val::F32(bits) => {
            let x = f32::from_bits(bits);
            let payload = bits & 0x007f_ffff;
            format_float(x.is_nan(), bits >> 31 == 1, payload == 0x0040_0000, u64::from(payload), || {
                format_finite(f64::from(x), &x.to_string(), &format!("{x:e}"))
            })
        }
        Val::F64(bits) => {
            let x = f64::from_bits(bits);
            let payload = bits & 0x000f_ffff_ffff_ffff;
            format_float(x.is_nan(), bits >> 63 == 1, payload == 0x0008_0000_0000_0000, payload, || {
                format_finite(x, &x.to_string(), &format!("{x:e}"))
            })
        }
        other => other.to_string(),
    }
}

pub(crate) fn format_float(
    nan: bool,
    negative: bool,
    canonical: bool,
    payload: u64,
    finite: impl Fn() -> String,
) -> String {
    let sign = if negative { "-" } else { "" };
    match (nan, canonical) {
        (true, true) => format!("{sign}nan"),
        (true, false) => format!("{sign}nan:{payload:#x}"),
        (false, _) => finite(),
    }
}

/// Plain notation for ordinary magnitudes, scientific notation for very large or small ones.
pub(crate) fn format_finite(x: f64, plain: &str, scientific: &str) -> String {
    if x.is_infinite() {
        return if x < 0.0 { "-inf".into() } else { "inf".into() };
    }
    let magnitude = x.abs();
    if magnitude == 0.0 || (1e-5..1e16).contains(&magnitude) {
        plain.to_string()
    } else {
        scientific.to_string()
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
        assert_eq!(parse_val("1.5", ValType::I32), None);
    }

    #[test]
    fn float_arguments_and_results_round_trip() {
        for text in ["1.5", "-0", "inf", "-inf", "nan", "3.4028235e38", "1e-40"] {
            let v = parse_val(text, ValType::F32).expect(text);
            let back = parse_val(&format_val(&v), ValType::F32).expect(text);
            assert_eq!(v, back, "{text}");
        }
        assert_eq!(format_val(&Val::F32(0x7fc0_0000)), "nan");
        assert_eq!(format_val(&Val::F32(0xffc0_0000)), "-nan");
        assert_eq!(format_val(&Val::F32(0x7f80_0001)), "nan:0x1");
        for bits in [0x7f80_0001u32, 0xffa0_0000, 0x7fc0_0000, 0xffc0_0000] {
            assert_eq!(parse_val(&format_val(&Val::F32(bits)), ValType::F32), Some(Val::F32(bits)));
        }
        for bits in [0x7ff0_0000_0000_0001u64, 0xfff4_0000_0000_0000, 0x7ff8_0000_0000_0000] {
            assert_eq!(parse_val(&format_val(&Val::F64(bits)), ValType::F64), Some(Val::F64(bits)));
        }
        assert_eq!(parse_val("nan:0x0", ValType::F32), None);
        assert_eq!(parse_val("nan:0x800000", ValType::F32), None);
        assert_eq!(format_val(&Val::F64(f64::NEG_INFINITY.to_bits())), "-inf");
        assert_eq!(format_val(&Val::F64(1e300f64.to_bits())), "1e300");
        assert_eq!(format_val(&Val::F64(0.1f64.to_bits())), "0.1");
    }
}
