//! Wasm values on the command line: results printed so that they parse back (`ember::text` parses).

use ember::Val;
#[cfg(test)]
use ember::{text::parse_val, ValType};

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
