//! Values as text: arguments parsed by type, results printed for people and for command engines.

use ember::text::{parse_float, parse_int};
use ember::{Val, ValType};
use ember_fuzz::{DiffValue, DiffValueType};

/// Parses a command-line argument as a value of type `ty`, as `ember run --invoke` does (`ember::text`):
/// integers in decimal (with a sign) or `0x` hex, in the signed or unsigned range of the type; floats in Rust's
/// syntax plus `inf`, `nan` and `nan:0xPAYLOAD`; references only as `null`.
pub fn parse_arg(text: &str, ty: DiffValueType) -> Option<DiffValue> {
    let val_type = match ty {
        DiffValueType::I32 => ValType::I32,
        DiffValueType::I64 => ValType::I64,
        DiffValueType::F32 => ValType::F32,
        DiffValueType::F64 => ValType::F64,
        DiffValueType::FuncRef => ValType::FuncRef,
        DiffValueType::ExternRef => ValType::ExternRef,
    };
    Some(match ember::text::parse_val(text, val_type)? {
        Val::I32(x) => DiffValue::I32(x),
        Val::I64(x) => DiffValue::I64(x),
        Val::F32(bits) => DiffValue::F32(bits),
        Val::F64(bits) => DiffValue::F64(bits),
        Val::FuncRef(None) => DiffValue::FuncRef { null: true },
        Val::ExternRef(None) => DiffValue::ExternRef { null: true },
        // Only null references can be passed to every engine.
        Val::FuncRef(Some(_)) | Val::ExternRef(Some(_)) | Val::V128(_) => return None,
    })
}

/// A value for a table: `42:i32`, `1.5:f32`, `nan:f64`, `null:funcref`.
pub fn show(value: &DiffValue) -> String {
    match value {
        DiffValue::I32(x) => format!("{x}:i32"),
        DiffValue::I64(x) => format!("{x}:i64"),
        DiffValue::F32(bits) => format!("{}:f32", decimal_f32(*bits)),
        DiffValue::F64(bits) => format!("{}:f64", decimal_f64(*bits)),
        DiffValue::FuncRef { null } => format!("{}:funcref", if *null { "null" } else { "ref" }),
        DiffValue::ExternRef { null } => format!("{}:externref", if *null { "null" } else { "ref" }),
    }
}

/// A list of values for a table, `(none)` when empty.
pub fn show_all(values: &[DiffValue]) -> String {
    if values.is_empty() {
        return "(none)".into();
    }
    values.iter().map(show).collect::<Vec<_>>().join(" ")
}

/// A value as a command engine gets it: decimal text (integers signed; floats `1.5`, `-0`, `inf`, `nan`;
/// references `null`).
pub fn decimal(value: &DiffValue) -> String {
    match value {
        DiffValue::I32(x) => x.to_string(),
        DiffValue::I64(x) => x.to_string(),
        DiffValue::F32(bits) => decimal_f32(*bits),
        DiffValue::F64(bits) => decimal_f64(*bits),
        DiffValue::FuncRef { .. } | DiffValue::ExternRef { .. } => "null".into(),
    }
}

fn decimal_f32(bits: u32) -> String {
    let x = f32::from_bits(bits);
    if x.is_nan() {
        if bits >> 31 == 1 { "-nan" } else { "nan" }.into()
    } else {
        x.to_string()
    }
}

fn decimal_f64(bits: u64) -> String {
    let x = f64::from_bits(bits);
    if x.is_nan() {
        if bits >> 63 == 1 { "-nan" } else { "nan" }.into()
    } else {
        x.to_string()
    }
}

/// Whether a number a command engine printed matches the result `expected` (see the help text's rules).
pub fn token_matches(token: &str, expected: &DiffValue) -> bool {
    match *expected {
        DiffValue::I32(x) => int_matches(token, u128::from(x as u32), 32),
        DiffValue::I64(x) => int_matches(token, u128::from(x as u64), 64),
        DiffValue::F32(bits) => float_matches(token, f64::from(f32::from_bits(bits)), |t| {
            parse_float::<f32>(t).map(|f| f.to_bits() == bits)
        }),
        DiffValue::F64(bits) => {
            float_matches(token, f64::from_bits(bits), |t| parse_float::<f64>(t).map(|f| f.to_bits() == bits))
        }
        DiffValue::FuncRef { .. } | DiffValue::ExternRef { .. } => false,
    }
}

fn int_matches(token: &str, bits: u128, width: u32) -> bool {
    let Some(value) = parse_int(token, i128::MIN / 2, i128::MAX / 2) else { return false };
    let mask = (1u128 << width) - 1;
    (value as u128) & mask == bits && value >= -(1i128 << (width - 1)) && value < (1i128 << width)
}

/// A float token matches `expected` when both are NaN, when it parses to the same bits (`exact`), or when
/// `expected` rounded to the token's number of significant digits equals the token.
fn float_matches(token: &str, expected: f64, exact: impl Fn(&str) -> Option<bool>) -> bool {
    let Some(value) = parse_float::<f64>(token) else { return false };
    if value.is_nan() || expected.is_nan() {
        return value.is_nan() && expected.is_nan();
    }
    if exact(token) == Some(true) {
        return true;
    }
    let digits = significant_digits(token);
    if digits == 0 || digits >= 17 || !expected.is_finite() {
        return false;
    }
    format!("{:.*e}", digits - 1, expected).parse::<f64>().is_ok_and(|rounded| rounded == value)
}

/// The significant digits of a decimal token's mantissa (`0.0250` has 3).
fn significant_digits(token: &str) -> usize {
    let mantissa = token.split(['e', 'E']).next().unwrap_or("");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').len()
}

/// Whether `word`, stripped of a type suffix and punctuation, is a number; the number's text if so.
pub fn numeric_token(word: &str) -> Option<&str> {
    let word = word.split(':').next().unwrap_or(word);
    let word = word.trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | '{' | '}' | ';' | '"' | '\''));
    let is_int = parse_int(word, i128::MIN / 2, i128::MAX / 2).is_some();
    let is_float = parse_float::<f64>(word).is_some();
    (is_int || is_float).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_parse_by_type() {
        assert_eq!(parse_arg("-1", DiffValueType::I32), Some(DiffValue::I32(-1)));
        assert_eq!(parse_arg("0xffffffff", DiffValueType::I32), Some(DiffValue::I32(-1)));
        assert_eq!(parse_arg("4294967296", DiffValueType::I32), None);
        assert_eq!(parse_arg("-0x10", DiffValueType::I64), Some(DiffValue::I64(-16)));
        assert_eq!(parse_arg("1.5", DiffValueType::I32), None);
        assert_eq!(parse_arg("1.5", DiffValueType::F32), Some(DiffValue::F32(0x3fc0_0000)));
        assert_eq!(parse_arg("nan:0x200000", DiffValueType::F32), Some(DiffValue::F32(0x7fa0_0000)));
        assert_eq!(parse_arg("nan:0x800000", DiffValueType::F32), None);
        assert_eq!(parse_arg("null", DiffValueType::FuncRef), Some(DiffValue::FuncRef { null: true }));
        assert_eq!(parse_arg("", DiffValueType::F64), None);
    }

    #[test]
    fn printed_numbers_match_liberally() {
        assert!(token_matches("42", &DiffValue::I32(42)));
        assert!(token_matches("0x2a", &DiffValue::I32(42)));
        assert!(token_matches("4294967295", &DiffValue::I32(-1)));
        assert!(token_matches("-1", &DiffValue::I32(-1)));
        assert!(!token_matches("7", &DiffValue::I32(42)));
        assert!(!token_matches("8589934591", &DiffValue::I32(-1)));
        assert!(token_matches("0.3333333", &DiffValue::F64((1.0f64 / 3.0).to_bits())));
        assert!(token_matches("0.333333", &DiffValue::F32((1.0f32 / 3.0).to_bits())));
        assert!(token_matches("1.5", &DiffValue::F32(1.5f32.to_bits())));
        assert!(token_matches("nan", &DiffValue::F32(0x7fc0_0000)));
        assert!(!token_matches("0.3334", &DiffValue::F64((1.0f64 / 3.0).to_bits())));
        assert!(!token_matches("1", &DiffValue::F64(1.5f64.to_bits())));
    }

    #[test]
    fn numeric_tokens_drop_type_suffixes() {
        assert_eq!(numeric_token("0x2a:i32"), Some("0x2a"));
        assert_eq!(numeric_token("1.500000:f32"), Some("1.500000"));
        assert_eq!(numeric_token("Result:"), None);
        assert_eq!(numeric_token("(7)"), Some("7"));
    }
}
