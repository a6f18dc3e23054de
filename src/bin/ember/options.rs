//! Parsing of option values: counts and sizes.

use std::ffi::OsString;

use ember::PAGE_SIZE;

use crate::Failure;

pub(crate) fn string_value(value: OsString, option: &str) -> Result<String, Failure> {
    value.into_string().map_err(|_| Failure::Usage(format!("{option}: the value is not UTF-8")))
}

/// A non-negative integer option (decimal, or hex with `0x`; `_` separators allowed).
pub(crate) fn parse_count(value: &OsString, option: &str) -> Result<u64, Failure> {
    let text = value.to_str().unwrap_or_default().replace('_', "");
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    };
    parsed
        .ok_or_else(|| Failure::Usage(format!("{option}: `{}` is not a non-negative integer", value.to_string_lossy())))
}

/// `--max-memory`: a page count, or a byte size with a unit; in bytes.
pub(crate) fn parse_memory_size(value: &OsString) -> Result<u64, Failure> {
    let bad = || {
        Failure::Usage(format!(
            "--max-memory: `{}` is neither a page count nor a size like 64MiB",
            value.to_string_lossy()
        ))
    };
    let text = value.to_str().ok_or_else(bad)?.trim().replace('_', "");
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let number: u64 = digits.parse().map_err(|_| bad())?;
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" => PAGE_SIZE as u64,
        "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        "t" | "tb" => 1_000_000_000_000,
        "tib" => 1 << 40,
        _ => return Err(bad()),
    };
    number.checked_mul(multiplier).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_sizes() {
        let bytes = |s: &str| parse_memory_size(&OsString::from(s)).ok();
        assert_eq!(bytes("16"), Some(16 << 16));
        assert_eq!(bytes("64MiB"), Some(64 << 20));
        assert_eq!(bytes("64KiB"), Some(1 << 16));
        assert_eq!(bytes("100000B"), Some(100_000));
        assert_eq!(bytes("1GiB"), Some(1 << 30));
        assert_eq!(bytes("64 MiB"), Some(64 << 20));
        assert_eq!(bytes("lots"), None);
        assert_eq!(bytes("99999999999999999999TiB"), None);
        assert_eq!(bytes("281474976710656"), None);
    }
}
