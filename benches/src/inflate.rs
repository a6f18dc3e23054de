//! The huge module of the startup benchmark: a real program whose code is repeated until its code section
//! reaches a target size.
//!
//! The goal it serves is startup on a language runtime of tens of MB compiled to WASI. No such module can be
//! fetched or built on the benchmark machine (no network for binaries, and the C programs at hand compile to
//! well under 1 MB), and files over ~1 MB are not committed. So the benchmark generates one from a committed
//! module: [`huge_module`] appends copies of every defined function body of the base module (Lua 5.4, see
//! `workloads/c/lua.c`) with the same types, until the code section reaches the target. It is Lua's real code
//! repeated: a synthetic stand-in, with the same mix of function sizes and instructions as a real runtime but
//! none of the extra variety. The copies are never called (their calls still refer to the original functions,
//! so they validate unchanged); an engine pays for them only if it does work per byte of code at load time,
//! which is what the benchmark measures.

use std::ops::Range;

use wasm_encoder::{CodeSection, FunctionSection, RawSection};
use wasmparser::{BinaryReaderError, Parser, Payload};

/// Section ids that [`huge_module`] rewrites; every other section is copied byte for byte.
const FUNCTION_SECTION: u8 = 3;
const CODE_SECTION: u8 = 10;

/// Returns `base` with its defined functions repeated until the code section holds at least
/// `target_code_bytes` bytes (whole copies of the set of bodies: the code section ends up less than one copy
/// above the target). The function section grows to match; every other section, custom sections included, is
/// kept byte for byte and in order. With a target no larger than `base`'s code section, the result is `base`.
///
/// Errors if `base` does not parse.
pub fn huge_module(base: &[u8], target_code_bytes: usize) -> Result<Vec<u8>, BinaryReaderError> {
    let parts = BaseModule::parse(base)?;
    let copies = parts.extra_copies_for(target_code_bytes);

    let mut module = wasm_encoder::Module::new();
    for &(id, ref range) in &parts.sections {
        match id {
            FUNCTION_SECTION => {
                let mut functions = FunctionSection::new();
                for _ in 0..=copies {
                    for &ty in &parts.types {
                        functions.function(ty);
                    }
                }
                module.section(&functions);
            }
            CODE_SECTION => {
                let mut code = CodeSection::new();
                for _ in 0..=copies {
                    for body in &parts.bodies {
                        code.raw(&base[body.clone()]);
                    }
                }
                module.section(&code);
            }
            _ => {
                module.section(&RawSection { id, data: &base[range.clone()] });
            }
        }
    }
    Ok(module.finish())
}

/// The number of functions a module defines (imports excluded). Errors if `wasm` does not parse.
pub fn defined_functions(wasm: &[u8]) -> Result<usize, BinaryReaderError> {
    Ok(BaseModule::parse(wasm)?.types.len())
}

/// What [`huge_module`] needs of the base module: its sections in order, and its defined functions.
struct BaseModule {
    /// Every section's id and the byte range of its contents (after the id and size).
    sections: Vec<(u8, Range<usize>)>,
    /// The type index of each defined function.
    types: Vec<u32>,
    /// The byte range of each function body (locals and code, without its size prefix).
    bodies: Vec<Range<usize>>,
}

impl BaseModule {
    fn parse(base: &[u8]) -> Result<Self, BinaryReaderError> {
        let mut parts = BaseModule { sections: Vec::new(), types: Vec::new(), bodies: Vec::new() };
        for payload in Parser::new(0).parse_all(base) {
            let payload = payload?;
            match &payload {
                Payload::FunctionSection(reader) => {
                    for ty in reader.clone() {
                        parts.types.push(ty?);
                    }
                }
                Payload::CodeSectionEntry(body) => parts.bodies.push(usize_range(body.range())),
                _ => {}
            }
            if let Some((id, range)) = payload.as_section() {
                parts.sections.push((id, usize_range(range)));
            }
        }
        Ok(parts)
    }

    /// How many copies of the bodies to add after the originals for the code section to reach `target`.
    fn extra_copies_for(&self, target: usize) -> usize {
        let bodies: usize = self.bodies.iter().map(|b| leb128_len(b.len()) + b.len()).sum();
        let original = leb128_len(self.bodies.len()) + bodies;
        if bodies == 0 || target <= original {
            return 0;
        }
        // The function count's own LEB128 grows by a byte or two; whole copies absorb that.
        (target - original).div_ceil(bodies)
    }
}

fn usize_range(range: Range<u64>) -> Range<usize> {
    range.start as usize..range.end as usize
}

/// Bytes in the unsigned LEB128 encoding of `value`.
fn leb128_len(mut value: usize) -> usize {
    let mut len = 1;
    while value >= 0x80 {
        value >>= 7;
        len += 1;
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engines::{EmberInterp, Engine};
    use crate::workloads::{self, code_section_len};

    /// Every section but the function and code sections, as (id, contents).
    fn other_sections(wasm: &[u8]) -> Vec<(u8, Vec<u8>)> {
        let parts = BaseModule::parse(wasm).expect("parses");
        parts
            .sections
            .into_iter()
            .filter(|(id, _)| *id != FUNCTION_SECTION && *id != CODE_SECTION)
            .map(|(id, range)| (id, wasm[range].to_vec()))
            .collect()
    }

    #[test]
    fn the_inflated_lua_validates_and_has_the_copies_and_the_other_sections_unchanged() {
        let base = workloads::LUA.wasm;
        let base_code = code_section_len(base);
        let target = 3 * base_code - 8; // just under three copies' worth (the count's LEB128 is shared)
        let huge = huge_module(base, target).expect("lua parses");
        wasmparser::Validator::new().validate_all(&huge).expect("the inflated module validates");

        let base_functions = defined_functions(base).expect("parses");
        let huge_parts = BaseModule::parse(&huge).expect("parses");
        assert_eq!(huge_parts.types.len(), 3 * base_functions, "the originals and two copies");
        assert_eq!(huge_parts.bodies.len(), huge_parts.types.len());
        let code = code_section_len(&huge);
        assert!((target..target + base_code).contains(&code), "code section of {code} bytes");
        assert_eq!(other_sections(&huge), other_sections(base));
    }

    #[test]
    fn a_target_below_the_base_gives_the_base_back() {
        let base = workloads::LUA.wasm;
        assert_eq!(huge_module(base, 0).expect("lua parses"), base);
        assert_eq!(huge_module(base, code_section_len(base)).expect("lua parses"), base);
    }

    #[test]
    fn the_inflated_lua_runs_the_script_with_the_same_checksum() {
        let base = workloads::LUA.wasm;
        let huge = huge_module(base, 2 * code_section_len(base) + 1).expect("lua parses");
        let engine = EmberInterp::new();
        let mut original = engine.instantiate(base).expect("lua instantiates");
        let mut inflated = engine.instantiate(&huge).expect("the inflated lua instantiates");
        let checksum = original.run(1).expect("no trap");
        assert!(checksum < 0xbad0_0000, "the script's checks pass ({checksum:#x})");
        assert_eq!(inflated.run(1).expect("no trap"), checksum);
        assert_eq!(inflated.ping().expect("no trap"), 1);
    }
}
