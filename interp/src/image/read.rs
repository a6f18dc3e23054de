//! Loading images: check the header, decode the structure, check that it hangs together, verify every
//! function's code, and borrow code and data in place.

use alloc::string::String;
use alloc::vec::Vec;

use ember_core::{
    ConstExpr, DataSegment, ElementSegment, ElementSegmentKind, Export, ExternIndex, ExternType, FuncType, GlobalType,
    Import, MemoryType, Module, ModuleInfo, Mutability, OwnedOrStatic, Shared, TableType, ValType,
};

use super::codec::*;
use super::{crc32, ImageError, Precompiled, FLAG_FUEL, HEADER_LEN, MAGIC, VERSION};
use crate::code::CompiledFunc;
use crate::ops::Opcode;
use crate::verify::verify;

/// Builds a runnable module from an image. The image is borrowed for good: code and data segments are used
/// in place. `image` must start at an even address ([`include_image!`](crate::include_image) makes sure of
/// it). Instantiate the result with a `Linker` of an engine whose fuel setting matches the image's.
pub fn load(image: &'static [u8]) -> Result<Module, ImageError> {
    let fuel = check_header(image)?;
    let mut r = Reader { bytes: image, pos: HEADER_LEN };
    let mut info = ModuleInfo { bytes: OwnedOrStatic::Static(image), ..ModuleInfo::default() };
    let funcs = read_structure(&mut r, &mut info)?;
    if r.pos != image.len() {
        return Err(r.malformed("bytes after the code section"));
    }
    check_consistency(&info, &funcs, fuel)?;
    info.precompiled = Some(Shared::new(Precompiled { fuel, funcs }));
    Ok(Module::from_info(info))
}

/// Checks magic, version, instruction table, alignment, length and checksum; returns the fuel flag.
fn check_header(image: &[u8]) -> Result<bool, ImageError> {
    if image.len() < HEADER_LEN || image[..4] != MAGIC {
        return Err(ImageError::BadMagic);
    }
    let word = |at: usize| u32::from_le_bytes([image[at], image[at + 1], image[at + 2], image[at + 3]]);
    let version = u16::from_le_bytes([image[4], image[5]]);
    if version != VERSION {
        return Err(ImageError::UnsupportedVersion(version));
    }
    let flags = u16::from_le_bytes([image[6], image[7]]);
    if word(8) != Opcode::FINGERPRINT {
        return Err(ImageError::WrongInstructionSet { image: word(8), ours: Opcode::FINGERPRINT });
    }
    if image.as_ptr() as usize & 1 != 0 {
        return Err(ImageError::Misaligned);
    }
    if word(12) as usize != image.len() {
        return Err(ImageError::Length { declared: u64::from(word(12)), actual: image.len() });
    }
    let actual = crc32(&image[HEADER_LEN..]);
    if word(16) != actual {
        return Err(ImageError::Checksum { declared: word(16), actual });
    }
    if flags & !FLAG_FUEL != 0 {
        return Err(ImageError::Malformed { offset: 6, what: "unknown flags" });
    }
    Ok(flags & FLAG_FUEL != 0)
}

/// Decodes every section into `info`; returns the code of the defined functions.
fn read_structure(r: &mut Reader, info: &mut ModuleInfo) -> Result<Vec<CompiledFunc>, ImageError> {
    if r.u8()? != 0 {
        info.name = Some(r.string()?);
    }
    for _ in 0..r.u32()? {
        let index = r.u32()?;
        let name = r.string()?;
        push(&mut info.func_names, (index, name))?;
    }
    for _ in 0..r.u32()? {
        let ty = r.func_type()?;
        push(&mut info.types, ty)?;
    }
    for _ in 0..r.u32()? {
        let module = r.string()?;
        let name = r.string()?;
        let ty = match r.u8()? {
            EXTERN_FUNC => ExternType::Func(r.func_type()?),
            EXTERN_TABLE => ExternType::Table(r.table_type()?),
            EXTERN_MEMORY => ExternType::Memory(r.memory_type()?),
            EXTERN_GLOBAL => ExternType::Global(r.global_type()?),
            _ => return Err(r.malformed("bad import kind")),
        };
        push(&mut info.imports, Import { module, name, ty })?;
    }
    for _ in 0..r.u32()? {
        let ty = r.u32()?;
        push(&mut info.funcs, ty)?;
    }
    info.num_imported_funcs = r.u32()?;
    for _ in 0..r.u32()? {
        let ty = r.table_type()?;
        push(&mut info.tables, ty)?;
    }
    info.num_imported_tables = r.u32()?;
    for _ in 0..r.u32()? {
        let init = if r.u8()? != 0 { Some(r.const_expr()?) } else { None };
        push(&mut info.table_inits, init)?;
    }
    for _ in 0..r.u32()? {
        let ty = r.memory_type()?;
        push(&mut info.memories, ty)?;
    }
    info.num_imported_memories = r.u32()?;
    for _ in 0..r.u32()? {
        let ty = r.global_type()?;
        push(&mut info.globals, ty)?;
    }
    info.num_imported_globals = r.u32()?;
    for _ in 0..r.u32()? {
        let init = r.const_expr()?;
        push(&mut info.global_inits, init)?;
    }
    for _ in 0..r.u32()? {
        let name = r.string()?;
        let kind = r.u8()?;
        let i = r.u32()?;
        let index = match kind {
            EXTERN_FUNC => ExternIndex::Func(i),
            EXTERN_TABLE => ExternIndex::Table(i),
            EXTERN_MEMORY => ExternIndex::Memory(i),
            EXTERN_GLOBAL => ExternIndex::Global(i),
            _ => return Err(r.malformed("bad export kind")),
        };
        push(&mut info.exports, Export { name, index })?;
    }
    if r.u8()? != 0 {
        info.start = Some(r.u32()?);
    }
    for _ in 0..r.u32()? {
        let kind = match r.u8()? {
            0 => {
                let table = r.u32()?;
                ElementSegmentKind::Active { table, offset: r.const_expr()? }
            }
            1 => ElementSegmentKind::Passive,
            2 => ElementSegmentKind::Declared,
            _ => return Err(r.malformed("bad element segment kind")),
        };
        let ty = r.valtype()?;
        let mut items = Vec::new();
        for _ in 0..r.u32()? {
            push(&mut items, r.const_expr()?)?;
        }
        push(&mut info.elements, ElementSegment { kind, ty, items })?;
    }
    for _ in 0..r.u32()? {
        let active = if r.u8()? != 0 {
            let memory = r.u32()?;
            Some((memory, r.const_expr()?))
        } else {
            None
        };
        let len = r.u32()? as usize;
        let start = r.pos;
        r.take(len)?;
        push(&mut info.datas, DataSegment { active, bytes: start..start + len })?;
    }
    let mut funcs = Vec::new();
    for _ in 0..r.u32()? {
        let num_params = r.u16()?;
        let num_results = r.u16()?;
        let num_locals = r.u32()?;
        let frame_size = r.u32()?;
        let units = r.u32()? as usize;
        if r.pos & 1 != 0 {
            r.take(1)?;
        }
        let code = r.code(units)?;
        push(&mut funcs, CompiledFunc { code, num_params, num_locals, num_results, frame_size })?;
    }
    Ok(funcs)
}

/// Checks everything instantiation and execution take for granted of a module that passed validation (and that
/// an image could get wrong), and verifies every function's code.
fn check_consistency(info: &ModuleInfo, funcs: &[CompiledFunc], fuel: bool) -> Result<(), ImageError> {
    use ImageError::Inconsistent;
    let num_types = info.types.len();
    if info.funcs.iter().any(|&t| t as usize >= num_types) {
        return Err(Inconsistent("function type index out of range"));
    }
    let imported = |k: u8| {
        info.imports
            .iter()
            .filter(|i| {
                k == match i.ty {
                    ExternType::Func(_) => EXTERN_FUNC,
                    ExternType::Table(_) => EXTERN_TABLE,
                    ExternType::Memory(_) => EXTERN_MEMORY,
                    ExternType::Global(_) => EXTERN_GLOBAL,
                }
            })
            .count()
    };
    let counts = [
        (imported(EXTERN_FUNC), info.num_imported_funcs, info.funcs.len()),
        (imported(EXTERN_TABLE), info.num_imported_tables, info.tables.len()),
        (imported(EXTERN_MEMORY), info.num_imported_memories, info.memories.len()),
        (imported(EXTERN_GLOBAL), info.num_imported_globals, info.globals.len()),
    ];
    if counts.iter().any(|&(imports, declared, total)| imports != declared as usize || imports > total) {
        return Err(Inconsistent("import counts disagree"));
    }
    // Each import's type is the type of its index-space entry.
    let (mut f, mut t, mut m, mut g) = (0usize, 0usize, 0usize, 0usize);
    for import in &info.imports {
        let same = match &import.ty {
            ExternType::Func(ty) => {
                f += 1;
                info.func_type(f as u32 - 1) == Some(ty)
            }
            ExternType::Table(ty) => {
                t += 1;
                info.tables.get(t - 1) == Some(ty)
            }
            ExternType::Memory(ty) => {
                m += 1;
                info.memories.get(m - 1) == Some(ty)
            }
            ExternType::Global(ty) => {
                g += 1;
                info.globals.get(g - 1) == Some(ty)
            }
        };
        if !same {
            return Err(Inconsistent("an import's type differs from its index space entry"));
        }
    }
    if info.table_inits.len() != info.tables.len() - info.num_imported_tables as usize
        || info.global_inits.len() != info.globals.len() - info.num_imported_globals as usize
    {
        return Err(Inconsistent("initialiser counts disagree"));
    }
    for export in &info.exports {
        let ok = match export.index {
            ExternIndex::Func(i) => (i as usize) < info.funcs.len(),
            ExternIndex::Table(i) => (i as usize) < info.tables.len(),
            ExternIndex::Memory(i) => (i as usize) < info.memories.len(),
            ExternIndex::Global(i) => (i as usize) < info.globals.len(),
        };
        if !ok {
            return Err(Inconsistent("export index out of range"));
        }
    }
    if info.start.is_some_and(|s| info.func_type(s).is_none_or(|ty| !ty.params().is_empty())) {
        return Err(Inconsistent("bad start function"));
    }
    for seg in &info.elements {
        if let ElementSegmentKind::Active { table, .. } = seg.kind {
            if table as usize >= info.tables.len() {
                return Err(Inconsistent("element segment table out of range"));
            }
        }
    }
    if info.datas.iter().any(|d| d.active.as_ref().is_some_and(|(m, _)| *m as usize >= info.memories.len())) {
        return Err(Inconsistent("data segment memory out of range"));
    }
    super::const_types::check(info)?;
    if funcs.len() != info.funcs.len() - info.num_imported_funcs as usize {
        return Err(Inconsistent("code count differs from the number of defined functions"));
    }
    for (index, func) in (info.num_imported_funcs..).zip(funcs) {
        let ty = info.func_type(index).ok_or(Inconsistent("function type index out of range"))?;
        // The header counts cells (a `v128` takes two), as frames are laid out.
        if usize::from(func.num_params) != ember_core::cells_of(ty.params())
            || usize::from(func.num_results) != ember_core::cells_of(ty.results())
        {
            return Err(Inconsistent("a function's code disagrees with its type"));
        }
        verify(func).map_err(|error| ImageError::Code { func: index, error })?;
        super::ref_flow::check(info, index, func, fuel).map_err(|error| ImageError::Code { func: index, error })?;
    }
    Ok(())
}

/// A cursor over the image; every read is bounds-checked.
struct Reader {
    bytes: &'static [u8],
    pos: usize,
}

impl Reader {
    fn malformed(&self, what: &'static str) -> ImageError {
        ImageError::Malformed { offset: self.pos, what }
    }
    fn take(&mut self, n: usize) -> Result<&'static [u8], ImageError> {
        let bytes = self.bytes;
        let end = self.pos.checked_add(n).filter(|&e| e <= bytes.len()).ok_or_else(|| self.malformed("truncated"))?;
        let out = &bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], ImageError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }
    fn u8(&mut self) -> Result<u8, ImageError> {
        Ok(self.array::<1>()?[0])
    }
    fn u16(&mut self) -> Result<u16, ImageError> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    fn u32(&mut self) -> Result<u32, ImageError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64, ImageError> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    fn string(&mut self) -> Result<String, ImageError> {
        let len = self.u32()? as usize;
        let bytes = self.take(len)?;
        core::str::from_utf8(bytes).map(String::from).map_err(|_| self.malformed("name is not UTF-8"))
    }
    fn valtype(&mut self) -> Result<ValType, ImageError> {
        let byte = self.u8()?;
        valtype_of(byte).ok_or_else(|| self.malformed("bad value type"))
    }
    fn valtypes(&mut self) -> Result<Vec<ValType>, ImageError> {
        let mut out = Vec::new();
        for _ in 0..self.u32()? {
            push(&mut out, self.valtype()?)?;
        }
        Ok(out)
    }
    fn func_type(&mut self) -> Result<FuncType, ImageError> {
        let params = self.valtypes()?;
        let results = self.valtypes()?;
        Ok(FuncType::new(params, results))
    }
    /// Limits: flags byte (bit 0: has a maximum; bits 1, 2: the caller's), minimum, maximum.
    fn limits(&mut self) -> Result<(u8, u64, Option<u64>), ImageError> {
        let flags = self.u8()?;
        let min = self.u64()?;
        let max = if flags & 1 != 0 { Some(self.u64()?) } else { None };
        if flags & !0b111 != 0 || max.is_some_and(|max| max < min) {
            return Err(self.malformed("bad limits"));
        }
        Ok((flags, min, max))
    }
    fn table_type(&mut self) -> Result<TableType, ImageError> {
        let element = self.valtype()?;
        let (flags, min, max) = self.limits()?;
        if flags & 0b110 != 0 || !element.is_ref() {
            return Err(self.malformed("bad table type"));
        }
        Ok(TableType { element, min, max })
    }
    fn memory_type(&mut self) -> Result<MemoryType, ImageError> {
        let (flags, min, max) = self.limits()?;
        Ok(MemoryType { min, max, memory64: flags & 2 != 0, shared: flags & 4 != 0 })
    }
    fn global_type(&mut self) -> Result<GlobalType, ImageError> {
        let content = self.valtype()?;
        let mutability = match self.u8()? {
            0 => Mutability::Const,
            1 => Mutability::Var,
            _ => return Err(self.malformed("bad mutability")),
        };
        Ok(GlobalType { content, mutability })
    }
    fn const_expr(&mut self) -> Result<ConstExpr, ImageError> {
        let mut ops = Vec::new();
        for _ in 0..self.u32()? {
            let tag = self.u8()?;
            let v = match const_tag_operand_bytes(tag) {
                Some(4) => u128::from(self.u32()?),
                Some(8) => u128::from(self.u64()?),
                Some(16) => u128::from(self.u64()?) | (u128::from(self.u64()?) << 64),
                Some(_) => 0,
                None => return Err(self.malformed("bad constant expression")),
            };
            push(&mut ops, const_op_of(tag, v).ok_or_else(|| self.malformed("bad constant expression"))?)?;
        }
        Ok(ConstExpr { ops })
    }
    /// `units` code units at the current (even) position, borrowed in place on little-endian targets.
    fn code(&mut self, units: usize) -> Result<OwnedOrStatic<u16>, ImageError> {
        let len = units.checked_mul(2).ok_or_else(|| self.malformed("code too long"))?;
        let bytes = self.take(len)?;
        #[cfg(target_endian = "little")]
        {
            if bytes.as_ptr() as usize & 1 != 0 {
                return Err(ImageError::Misaligned);
            }
            // SAFETY: `bytes` is `2 * units` bytes of the `'static` image, immutable for the program's lifetime;
            // its start is 2-byte aligned (checked just above), as `u16` requires; every bit pattern is a valid
            // `u16`, and on a little-endian target the units read exactly as the writer wrote them.
            let units: &'static [u16] = unsafe { core::slice::from_raw_parts(bytes.as_ptr().cast::<u16>(), units) };
            Ok(OwnedOrStatic::Static(units))
        }
        #[cfg(target_endian = "big")]
        {
            Ok(bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect::<Vec<u16>>().into())
        }
    }
}

/// `items.push(item)`, failing instead of aborting when the allocator refuses: the image decides how many items
/// there are (a byte of the image can become a much larger entry), so loading it must not exhaust memory fatally.
fn push<T>(items: &mut Vec<T>, item: T) -> Result<(), ImageError> {
    items.try_reserve(1).map_err(|_| ImageError::OutOfMemory)?;
    items.push(item);
    Ok(())
}
