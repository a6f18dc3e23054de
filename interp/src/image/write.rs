//! Writing images: translate every function of a validated module and serialise what running it needs.

use alloc::string::String;
use alloc::vec::Vec;

use ember_core::{
    ConstExpr, ElementSegmentKind, Error, ExternIndex, ExternType, FuncType, GlobalType, MemoryType, ModuleInfo,
    Mutability, TableType, ValType,
};

use super::codec::*;
use super::{crc32, FLAG_FUEL, HEADER_LEN, MAGIC, VERSION};
use crate::code::CompiledFunc;
use crate::ops::Opcode;
use crate::translate::{translate, TranslateOptions};

/// Translates every defined function of `module` (decoded and validated) with `options` and returns the image.
/// Only `options.fuel` is recorded (profiling code is never written).
pub fn compile(module: &ModuleInfo, options: &TranslateOptions) -> Result<Vec<u8>, Error> {
    let options = TranslateOptions { fuel: options.fuel, profile: false };
    let defined = module.num_imported_funcs..module.funcs.len() as u32;
    let funcs = defined.map(|index| translate(module, index, &options)).collect::<Result<Vec<_>, _>>()?;
    write(module, options.fuel, &funcs)
}

/// Writes an image of `module` whose defined functions have the code `funcs` (in module order), marked as
/// metering fuel or not: for tools that produce or rewrite bytecode. Nothing is checked here; the loader
/// checks everything again.
pub fn write(module: &ModuleInfo, fuel: bool, funcs: &[CompiledFunc]) -> Result<Vec<u8>, Error> {
    let mut w = Writer { out: Vec::new() };
    w.out.extend_from_slice(&MAGIC);
    w.u16(VERSION);
    w.u16(if fuel { FLAG_FUEL } else { 0 });
    w.u32(Opcode::FINGERPRINT);
    w.u32(0); // length, patched below
    w.u32(0); // checksum, patched below
    debug_assert_eq!(w.out.len(), HEADER_LEN);

    // Names.
    w.opt_str(module.name.as_deref());
    w.count(module.func_names.len())?;
    for (index, name) in &module.func_names {
        w.u32(*index);
        w.str(name)?;
    }
    // Types.
    w.count(module.types.len())?;
    for ty in &module.types {
        w.func_type(ty)?;
    }
    // Imports.
    w.count(module.imports.len())?;
    for import in &module.imports {
        w.str(&import.module)?;
        w.str(&import.name)?;
        match &import.ty {
            ExternType::Func(ty) => {
                w.u8(EXTERN_FUNC);
                w.func_type(ty)?;
            }
            ExternType::Table(ty) => {
                w.u8(EXTERN_TABLE);
                w.table_type(ty);
            }
            ExternType::Memory(ty) => {
                w.u8(EXTERN_MEMORY);
                w.memory_type(ty);
            }
            ExternType::Global(ty) => {
                w.u8(EXTERN_GLOBAL);
                w.global_type(ty);
            }
        }
    }
    // Functions.
    w.count(module.funcs.len())?;
    for ty in &module.funcs {
        w.u32(*ty);
    }
    w.u32(module.num_imported_funcs);
    // Tables.
    w.count(module.tables.len())?;
    for ty in &module.tables {
        w.table_type(ty);
    }
    w.u32(module.num_imported_tables);
    w.count(module.table_inits.len())?;
    for init in &module.table_inits {
        match init {
            Some(e) => {
                w.u8(1);
                w.const_expr(e)?;
            }
            None => w.u8(0),
        }
    }
    // Memories.
    w.count(module.memories.len())?;
    for ty in &module.memories {
        w.memory_type(ty);
    }
    w.u32(module.num_imported_memories);
    // Globals.
    w.count(module.globals.len())?;
    for ty in &module.globals {
        w.global_type(ty);
    }
    w.u32(module.num_imported_globals);
    w.count(module.global_inits.len())?;
    for init in &module.global_inits {
        w.const_expr(init)?;
    }
    // Exports.
    w.count(module.exports.len())?;
    for export in &module.exports {
        w.str(&export.name)?;
        let (kind, index) = match export.index {
            ExternIndex::Func(i) => (EXTERN_FUNC, i),
            ExternIndex::Table(i) => (EXTERN_TABLE, i),
            ExternIndex::Memory(i) => (EXTERN_MEMORY, i),
            ExternIndex::Global(i) => (EXTERN_GLOBAL, i),
        };
        w.u8(kind);
        w.u32(index);
    }
    // Start.
    match module.start {
        Some(start) => {
            w.u8(1);
            w.u32(start);
        }
        None => w.u8(0),
    }
    // Element segments.
    w.count(module.elements.len())?;
    for seg in &module.elements {
        match &seg.kind {
            ElementSegmentKind::Active { table, offset } => {
                w.u8(0);
                w.u32(*table);
                w.const_expr(offset)?;
            }
            ElementSegmentKind::Passive => w.u8(1),
            ElementSegmentKind::Declared => w.u8(2),
        }
        w.u8(valtype_byte(seg.ty));
        w.count(seg.items.len())?;
        for item in &seg.items {
            w.const_expr(item)?;
        }
    }
    // Data segments.
    w.count(module.datas.len())?;
    for seg in &module.datas {
        match &seg.active {
            Some((memory, offset)) => {
                w.u8(1);
                w.u32(*memory);
                w.const_expr(offset)?;
            }
            None => w.u8(0),
        }
        let bytes = module.bytes.get(seg.bytes.clone()).ok_or_else(|| Error::Usage("data out of range".into()))?;
        w.count(bytes.len())?;
        w.out.extend_from_slice(bytes);
    }
    // Code.
    w.count(funcs.len())?;
    for func in funcs {
        w.u16(func.num_params);
        w.u16(func.num_results);
        w.u32(func.num_locals);
        w.u32(func.frame_size);
        w.count(func.code.len())?;
        if w.out.len() & 1 != 0 {
            w.u8(0);
        }
        for unit in func.code.iter() {
            w.u16(*unit);
        }
    }

    let len = u32::try_from(w.out.len()).map_err(|_| too_large())?;
    w.out[12..16].copy_from_slice(&len.to_le_bytes());
    let crc = crc32(&w.out[HEADER_LEN..]);
    w.out[16..20].copy_from_slice(&crc.to_le_bytes());
    Ok(w.out)
}

fn too_large() -> Error {
    Error::Unsupported(String::from("module too large for an image"))
}

struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn u8(&mut self, v: u8) {
        self.out.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    fn count(&mut self, n: usize) -> Result<(), Error> {
        self.u32(u32::try_from(n).map_err(|_| too_large())?);
        Ok(())
    }
    fn str(&mut self, s: &str) -> Result<(), Error> {
        self.count(s.len())?;
        self.out.extend_from_slice(s.as_bytes());
        Ok(())
    }
    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) if u32::try_from(s.len()).is_ok() => {
                self.u8(1);
                self.u32(s.len() as u32);
                self.out.extend_from_slice(s.as_bytes());
            }
            _ => self.u8(0),
        }
    }
    fn valtypes(&mut self, types: &[ValType]) -> Result<(), Error> {
        self.count(types.len())?;
        for t in types {
            self.u8(valtype_byte(*t));
        }
        Ok(())
    }
    fn func_type(&mut self, ty: &FuncType) -> Result<(), Error> {
        self.valtypes(ty.params())?;
        self.valtypes(ty.results())
    }
    fn limits(&mut self, flags: u8, min: u64, max: Option<u64>) {
        self.u8(flags | u8::from(max.is_some()));
        self.u64(min);
        if let Some(max) = max {
            self.u64(max);
        }
    }
    fn table_type(&mut self, ty: &TableType) {
        self.u8(valtype_byte(ty.element));
        self.limits(0, ty.min, ty.max);
    }
    fn memory_type(&mut self, ty: &MemoryType) {
        self.limits(u8::from(ty.memory64) << 1 | u8::from(ty.shared) << 2, ty.min, ty.max);
    }
    fn global_type(&mut self, ty: &GlobalType) {
        self.u8(valtype_byte(ty.content));
        self.u8(u8::from(ty.mutability == Mutability::Var));
    }
    fn const_expr(&mut self, e: &ConstExpr) -> Result<(), Error> {
        self.count(e.ops.len())?;
        for op in &e.ops {
            let (tag, v) = const_op_parts(*op);
            self.u8(tag);
            match const_tag_operand_bytes(tag) {
                Some(4) => self.u32(v as u32),
                Some(8) => self.u64(v as u64),
                Some(16) => {
                    self.u64(v as u64);
                    self.u64((v >> 64) as u64);
                }
                _ => {}
            }
        }
        Ok(())
    }
}
