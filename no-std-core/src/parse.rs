//! Decoding and validating a module binary with wasmparser (feature `validate`).

use alloc::borrow::ToOwned;
use alloc::string::ToString;
use alloc::vec::Vec;

use wasmparser::{
    BinaryReaderError, CompositeInnerType, DataKind, ElementItems, ElementKind, ExternalKind, Operator, Parser,
    Payload, TableInit, TypeRef, ValidPayload, Validator, WasmFeatures,
};

use crate::bodies::BodyValidator;
use crate::const_expr::{ConstExpr, ConstOp};
use crate::engine::Engine;
use crate::error::Error;
use crate::module::{
    DataSegment, ElementSegment, ElementSegmentKind, Export, ExternIndex, FuncBody, Import, Module, ModuleInfo,
};
use crate::types::{ExternType, FuncType, GlobalType, MemoryType, Mutability, TableType, ValType};

/// The proposals Ember validates: WebAssembly 2.0, with fixed-width and relaxed SIMD under the `simd` feature
/// (which the interpreter and the native tier run); without it, SIMD modules are refused here.
pub fn supported_features() -> WasmFeatures {
    if cfg!(feature = "simd") {
        WasmFeatures::WASM2 | WasmFeatures::RELAXED_SIMD
    } else {
        WasmFeatures::WASM2 & !(WasmFeatures::SIMD | WasmFeatures::RELAXED_SIMD)
    }
}

fn invalid(e: BinaryReaderError) -> Error {
    Error::Invalid { offset: e.offset() as usize, message: e.message().to_string() }
}

fn unsupported(what: &str) -> Error {
    Error::Unsupported(what.to_owned())
}

pub(crate) fn val_type(ty: wasmparser::ValType) -> Result<ValType, Error> {
    Ok(match ty {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::V128 => ValType::V128,
        wasmparser::ValType::Ref(r) if r.is_func_ref() => ValType::FuncRef,
        wasmparser::ValType::Ref(r) if r.is_extern_ref() => ValType::ExternRef,
        wasmparser::ValType::Ref(_) => return Err(unsupported("reference types beyond funcref and externref")),
    })
}

fn ref_type(ty: wasmparser::RefType) -> Result<ValType, Error> {
    val_type(wasmparser::ValType::Ref(ty))
}

fn table_type(t: &wasmparser::TableType) -> Result<TableType, Error> {
    Ok(TableType { element: ref_type(t.element_type)?, min: t.initial, max: t.maximum })
}

fn memory_type(m: &wasmparser::MemoryType) -> MemoryType {
    MemoryType { min: m.initial, max: m.maximum, memory64: m.memory64, shared: m.shared }
}

fn global_type(g: &wasmparser::GlobalType) -> Result<GlobalType, Error> {
    Ok(GlobalType {
        content: val_type(g.content_type)?,
        mutability: if g.mutable { Mutability::Var } else { Mutability::Const },
    })
}

fn const_expr(expr: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr, Error> {
    let mut ops = Vec::new();
    let mut reader = expr.get_operators_reader();
    while !reader.eof() {
        let op = match reader.read().map_err(invalid)? {
            Operator::I32Const { value } => ConstOp::I32(value),
            Operator::I64Const { value } => ConstOp::I64(value),
            Operator::F32Const { value } => ConstOp::F32(value.bits()),
            Operator::F64Const { value } => ConstOp::F64(value.bits()),
            #[cfg(feature = "simd")]
            Operator::V128Const { value } => ConstOp::V128(value.i128() as u128),
            Operator::RefNull { .. } => ConstOp::RefNull,
            Operator::RefFunc { function_index } => ConstOp::RefFunc(function_index),
            Operator::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
            Operator::I32Add => ConstOp::I32Add,
            Operator::I32Sub => ConstOp::I32Sub,
            Operator::I32Mul => ConstOp::I32Mul,
            Operator::I64Add => ConstOp::I64Add,
            Operator::I64Sub => ConstOp::I64Sub,
            Operator::I64Mul => ConstOp::I64Mul,
            Operator::End => break,
            _ => return Err(unsupported("constant expression instruction")),
        };
        ops.push(op);
    }
    Ok(ConstExpr { ops })
}

impl Module {
    /// Decodes and validates a module binary. Every function body is validated now (on several threads for a
    /// large module, see [`Config::validation_threads`](crate::Config::validation_threads)); translation to
    /// bytecode happens later (lazily, on first call, unless the engine asks for eager translation).
    pub fn new(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
        let mut bodies = BodyValidator::new(engine.config().get_validation_threads());
        let decoded = decode(bytes, &mut bodies);
        // Bodies gathered before a decoding error come first: the error is the one met first in the binary.
        bodies.finish().map_err(invalid)?;
        decoded
    }

    /// Checks that `bytes` is a valid module without keeping anything.
    pub fn validate(engine: &Engine, bytes: &[u8]) -> Result<(), Error> {
        Module::new(engine, bytes).map(|_| ())
    }
}

/// Decodes `bytes` and validates everything but the function bodies, which go to `bodies`.
fn decode<'a>(bytes: &'a [u8], bodies: &mut BodyValidator<'a>) -> Result<Module, Error> {
    let mut info = ModuleInfo::default();
    let mut validator = Validator::new_with_features(supported_features());
    let base = bytes.as_ptr() as usize;

    // Decode with the same features as we validate: the reader's defaults include memory64, under which
    // 32-bit memory limits would be decoded as 64-bit LEB128s and overlong encodings accepted.
    let mut parser = Parser::new(0);
    parser.set_features(supported_features());
    for payload in parser.parse_all(bytes) {
        let payload = payload.map_err(invalid)?;
        if let ValidPayload::Func(to_validate, body) = validator.payload(&payload).map_err(invalid)? {
            let range = body.range();
            bodies.push(to_validate, body).map_err(invalid)?;
            info.bodies.push(FuncBody { range: range.start as usize..range.end as usize });
        }
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader {
                    for sub in group.map_err(invalid)?.into_types() {
                        let CompositeInnerType::Func(f) = &sub.composite_type.inner else {
                            return Err(unsupported("non-function types (GC proposal)"));
                        };
                        let params = f.params().iter().map(|t| val_type(*t)).collect::<Result<Vec<_>, _>>()?;
                        let results = f.results().iter().map(|t| val_type(*t)).collect::<Result<Vec<_>, _>>()?;
                        info.types.push(FuncType::new(params, results));
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(invalid)?;
                    let ty = match import.ty {
                        TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                            info.funcs.push(t);
                            info.num_imported_funcs += 1;
                            let ty = info.types.get(t as usize).cloned();
                            ExternType::Func(ty.ok_or_else(|| unsupported("function import type"))?)
                        }
                        TypeRef::Table(t) => {
                            let t = table_type(&t)?;
                            info.tables.push(t);
                            info.num_imported_tables += 1;
                            ExternType::Table(t)
                        }
                        TypeRef::Memory(m) => {
                            let m = memory_type(&m);
                            info.memories.push(m);
                            info.num_imported_memories += 1;
                            ExternType::Memory(m)
                        }
                        TypeRef::Global(g) => {
                            let g = global_type(&g)?;
                            info.globals.push(g);
                            info.num_imported_globals += 1;
                            ExternType::Global(g)
                        }
                        TypeRef::Tag(_) => return Err(unsupported("exception tags")),
                    };
                    info.imports.push(Import { module: import.module.into(), name: import.name.into(), ty });
                }
            }
            Payload::FunctionSection(reader) => {
                for t in reader {
                    info.funcs.push(t.map_err(invalid)?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table.map_err(invalid)?;
                    info.tables.push(table_type(&table.ty)?);
                    info.table_inits.push(match &table.init {
                        TableInit::RefNull => None,
                        TableInit::Expr(e) => Some(const_expr(e)?),
                    });
                }
            }
            Payload::MemorySection(reader) => {
                for m in reader {
                    info.memories.push(memory_type(&m.map_err(invalid)?));
                }
            }
            Payload::GlobalSection(reader) => {
                for g in reader {
                    let g = g.map_err(invalid)?;
                    info.globals.push(global_type(&g.ty)?);
                    info.global_inits.push(const_expr(&g.init_expr)?);
                }
            }
            Payload::ExportSection(reader) => {
                for e in reader {
                    let e = e.map_err(invalid)?;
                    let index = match e.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => ExternIndex::Func(e.index),
                        ExternalKind::Table => ExternIndex::Table(e.index),
                        ExternalKind::Memory => ExternIndex::Memory(e.index),
                        ExternalKind::Global => ExternIndex::Global(e.index),
                        ExternalKind::Tag => return Err(unsupported("exception tags")),
                    };
                    info.exports.push(Export { name: e.name.into(), index });
                }
            }
            Payload::StartSection { func, .. } => info.start = Some(func),
            Payload::ElementSection(reader) => {
                for elem in reader {
                    let elem = elem.map_err(invalid)?;
                    let kind = match elem.kind {
                        ElementKind::Passive => ElementSegmentKind::Passive,
                        ElementKind::Declared => ElementSegmentKind::Declared,
                        ElementKind::Active { table_index, offset_expr } => ElementSegmentKind::Active {
                            table: table_index.unwrap_or(0),
                            offset: const_expr(&offset_expr)?,
                        },
                    };
                    let (ty, items) = match elem.items {
                        ElementItems::Functions(funcs) => {
                            let mut items = Vec::new();
                            for f in funcs {
                                items.push(ConstExpr { ops: alloc::vec![ConstOp::RefFunc(f.map_err(invalid)?)] });
                            }
                            (ValType::FuncRef, items)
                        }
                        ElementItems::Expressions(ty, exprs) => {
                            let mut items = Vec::new();
                            for e in exprs {
                                items.push(const_expr(&e.map_err(invalid)?)?);
                            }
                            (ref_type(ty)?, items)
                        }
                    };
                    info.elements.push(ElementSegment { kind, ty, items });
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data.map_err(invalid)?;
                    let start = data.data.as_ptr() as usize - base;
                    let active = match data.kind {
                        DataKind::Passive => None,
                        DataKind::Active { memory_index, offset_expr } => {
                            Some((memory_index, const_expr(&offset_expr)?))
                        }
                    };
                    info.datas.push(DataSegment { active, bytes: start..start + data.data.len() });
                }
            }
            Payload::CodeSectionStart { unchecked_range, .. } => {
                info.code_section = unchecked_range.start as usize..unchecked_range.end as usize;
                bodies.code_section(unchecked_range.end.saturating_sub(unchecked_range.start));
            }
            Payload::CustomSection(reader) => {
                if let wasmparser::KnownCustom::Name(names) = reader.as_known() {
                    // The name section is optional debug data: a malformed one is ignored, not an error.
                    for name in names.into_iter().flatten() {
                        match name {
                            wasmparser::Name::Module { name, .. } => info.name = Some(name.into()),
                            wasmparser::Name::Function(map) => {
                                for naming in map.into_iter().flatten() {
                                    info.func_names.push((naming.index, naming.name.into()));
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if info.funcs.len() != info.num_imported_funcs as usize + info.bodies.len() {
        return Err(Error::Invalid { offset: bytes.len(), message: "function and code section mismatch".into() });
    }
    info.func_names.sort_by_key(|(index, _)| *index);
    info.func_names.dedup_by_key(|(index, _)| *index);
    info.bytes = bytes.into();
    Ok(Module::from_info(info))
}
