//! Linear memory 0: making it readable through an export, and hashing it.
//!
//! The engines' adapters read memories by export name, so a module whose memory 0 is not exported gets an
//! extra export of it (a name no module uses) before it runs on the built-in engines.

use wasmparser::{ExternalKind, Parser, Payload, TypeRef};

/// The name given to memory 0 when the module does not export it.
const EXTRA_EXPORT: &str = "ember-compare:memory-0";

/// `wasm` with memory 0 exported, and the export's name; `wasm` unchanged and `None` when the module has no
/// memory or cannot be read (the engines then reject it themselves).
pub fn export_memory0(wasm: &[u8]) -> (Vec<u8>, Option<String>) {
    let mut has_memory = false;
    for payload in Parser::new(0).parse_all(wasm) {
        let Ok(payload) = payload else { return (wasm.to_vec(), None) };
        match payload {
            Payload::ImportSection(reader) => {
                let imports = reader.into_imports().flatten();
                has_memory |= imports.into_iter().any(|i| matches!(i.ty, TypeRef::Memory(_)));
            }
            Payload::MemorySection(reader) => has_memory |= reader.count() > 0,
            Payload::ExportSection(reader) => {
                for export in reader.into_iter().flatten() {
                    if export.kind == ExternalKind::Memory && export.index == 0 {
                        return (wasm.to_vec(), Some(export.name.to_string()));
                    }
                }
            }
            _ => {}
        }
    }
    if !has_memory {
        return (wasm.to_vec(), None);
    }
    match with_extra_export(wasm) {
        Some(rewritten) => (rewritten, Some(EXTRA_EXPORT.to_string())),
        None => (wasm.to_vec(), None),
    }
}

/// FNV-1a over the memory's bytes, with its size in pages: `1p 0123456789abcdef`.
pub fn describe(memory: &[u8]) -> String {
    let hash = memory.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3));
    format!("{}p {hash:016x}", memory.len() / 65536)
}

/// Sections that come after the export section, by id (start, element, code, data, data count).
const AFTER_EXPORTS: [u8; 5] = [8, 9, 10, 11, 12];

/// `wasm` with an export of memory 0 named [`EXTRA_EXPORT`]: appended to the export section, or in a new
/// one where the export section belongs. `None` if the sections cannot be walked.
fn with_extra_export(wasm: &[u8]) -> Option<Vec<u8>> {
    let mut entry = Vec::new();
    leb(&mut entry, EXTRA_EXPORT.len() as u64);
    entry.extend_from_slice(EXTRA_EXPORT.as_bytes());
    entry.push(0x02); // memory
    leb(&mut entry, 0);

    let mut out = wasm.get(..8)?.to_vec();
    let mut at = 8;
    let mut done = false;
    while at < wasm.len() {
        let id = *wasm.get(at)?;
        let (size, size_len) = read_leb(wasm.get(at + 1..)?)?;
        let start = at + 1 + size_len;
        let end = start.checked_add(usize::try_from(size).ok()?)?;
        let contents = wasm.get(start..end)?;
        if !done && id == 7 {
            let (count, count_len) = read_leb(contents)?;
            let mut section = Vec::new();
            leb(&mut section, count + 1);
            section.extend_from_slice(contents.get(count_len..)?);
            section.extend_from_slice(&entry);
            push_section(&mut out, 7, &section);
            done = true;
        } else {
            if !done && AFTER_EXPORTS.contains(&id) {
                push_section(&mut out, 7, &[&[1u8][..], &entry].concat());
                done = true;
            }
            out.extend_from_slice(wasm.get(at..end)?);
        }
        at = end;
    }
    if !done {
        push_section(&mut out, 7, &[&[1u8][..], &entry].concat());
    }
    Some(out)
}

fn push_section(out: &mut Vec<u8>, id: u8, contents: &[u8]) {
    out.push(id);
    leb(out, contents.len() as u64);
    out.extend_from_slice(contents);
}

fn leb(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// An unsigned LEB128 of at most 5 bytes (sizes and counts are u32) and its length.
fn read_leb(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, byte) in bytes.iter().take(5).enumerate() {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export_name(text: &str) -> Option<String> {
        let wasm = wat::parse_str(text).expect("valid text");
        let (rewritten, name) = export_memory0(&wasm);
        wasmparser::validate(&rewritten).expect("the rewritten module is valid");
        name
    }

    #[test]
    fn memory_0_gets_an_export_when_it_has_none() {
        assert_eq!(export_name("(module (memory (export \"m\") 1))").as_deref(), Some("m"));
        assert_eq!(export_name("(module (memory 1))").as_deref(), Some(EXTRA_EXPORT));
        let with_code =
            "(module (memory 1) (func (export \"f\") (result i32) (i32.const 1)) (data (i32.const 0) \"x\"))";
        assert_eq!(export_name(with_code).as_deref(), Some(EXTRA_EXPORT));
        assert_eq!(export_name("(module (func (export \"f\")))"), None);
    }

    #[test]
    fn hashes_tell_contents_apart() {
        assert_ne!(describe(&[0; 65536]), describe(&[1; 65536]));
        assert!(describe(&[0; 65536]).starts_with("1p "));
    }
}
