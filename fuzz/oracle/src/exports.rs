//! What a module exports, read with wasmparser (independently of any engine under comparison).

use wasmparser::{CompositeInnerType, ExternalKind, Parser, Payload, TypeRef};

use crate::value::DiffValueType;

/// An export the oracle knows how to exercise or compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportItem {
    /// A function with these parameter and result types.
    Func {
        /// Parameter types.
        params: Vec<DiffValueType>,
        /// Result types.
        results: Vec<DiffValueType>,
    },
    /// A global.
    Global,
    /// A memory.
    Memory,
}

/// The module's exports (name and kind), in export order. Functions whose signature uses a type the oracle
/// does not handle, tables and tags are left out. Malformed modules give what was read before the error.
pub fn exports(wasm: &[u8]) -> Vec<(String, ExportItem)> {
    let mut types: Vec<Option<(Vec<DiffValueType>, Vec<DiffValueType>)>> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut out = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let Ok(payload) = payload else { break };
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader.into_iter().flatten() {
                    for sub in group.into_types() {
                        types.push(match &sub.composite_type.inner {
                            CompositeInnerType::Func(f) => {
                                let params: Option<Vec<_>> =
                                    f.params().iter().map(|t| DiffValueType::from_wasmparser(*t)).collect();
                                let results: Option<Vec<_>> =
                                    f.results().iter().map(|t| DiffValueType::from_wasmparser(*t)).collect();
                                params.zip(results)
                            }
                            _ => None,
                        });
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports().flatten() {
                    if let TypeRef::Func(ty) = import.ty {
                        func_types.push(ty);
                    }
                }
            }
            Payload::FunctionSection(reader) => func_types.extend(reader.into_iter().flatten()),
            Payload::ExportSection(reader) => {
                for export in reader.into_iter().flatten() {
                    let item = match export.kind {
                        ExternalKind::Func => {
                            let ty = func_types.get(export.index as usize).and_then(|t| types.get(*t as usize));
                            match ty {
                                Some(Some((params, results))) => {
                                    ExportItem::Func { params: params.clone(), results: results.clone() }
                                }
                                _ => continue,
                            }
                        }
                        ExternalKind::Global => ExportItem::Global,
                        ExternalKind::Memory => ExportItem::Memory,
                        _ => continue,
                    };
                    out.push((export.name.to_string(), item));
                }
            }
            _ => {}
        }
    }
    out
}
