//! A map of an image's fields: walks the format (documented in `ember_interp::image`) the way the loader
//! reads it and records where each count, index, tag and function header is, so that mutations can change
//! one field at a time instead of random bytes.

use super::layout::{Space, OPS};

/// What a field of the structure holds.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Class {
    /// The number of entries that follow (a section's, a type's, a constant expression's...).
    Count,
    /// An index into an index space.
    Index(Space),
    /// A tag byte: a flag, a kind, a value type, a mutability.
    Tag,
    /// A number: a limit, a constant.
    Number,
}

/// One field of the structure.
#[derive(Copy, Clone, Debug)]
pub struct StructField {
    /// Byte offset in the image.
    pub at: usize,
    /// Width in bytes (1, 4 or 8).
    pub width: usize,
    /// What it holds.
    pub class: Class,
}

/// Where one function's code is.
#[derive(Copy, Clone, Debug)]
pub struct FuncCode {
    /// Byte offset of its header: `num_params: u16`, `num_results: u16`, `num_locals: u32`, `frame_size: u32`,
    /// the unit count `u32`.
    pub header: usize,
    /// Byte offset of its first code unit.
    pub code: usize,
    /// Number of code units.
    pub units: usize,
}

/// Byte offsets of a function header's fields, relative to [`FuncCode::header`].
pub mod header {
    /// `num_params: u16`.
    pub const NUM_PARAMS: usize = 0;
    /// `num_results: u16`.
    pub const NUM_RESULTS: usize = 2;
    /// `num_locals: u32`.
    pub const NUM_LOCALS: usize = 4;
    /// `frame_size: u32`.
    pub const FRAME_SIZE: usize = 8;
    /// Number of code units, `u32`.
    pub const UNITS: usize = 12;
}

/// One instruction of a function's code.
#[derive(Copy, Clone, Debug)]
pub struct Instr {
    /// Position (in code units) in the function's code.
    pub pc: usize,
    /// Opcode.
    pub opcode: u16,
    /// Total length in code units (with `BrTable`'s targets).
    pub units: usize,
}

/// The fields of an image that decodes.
#[derive(Clone, Debug, Default)]
pub struct ImageMap {
    /// Counts, indices, tags and numbers of the structure before the code.
    pub fields: Vec<StructField>,
    /// Every defined function's code.
    pub funcs: Vec<FuncCode>,
    /// The size of each index space, by [`space_slot`].
    pub sizes: [u32; 7],
}

/// The position of `space` in [`ImageMap::sizes`].
pub fn space_slot(space: Space) -> usize {
    match space {
        Space::Type => 0,
        Space::Func => 1,
        Space::Table => 2,
        Space::Memory => 3,
        Space::Global => 4,
        Space::Elem => 5,
        Space::Data => 6,
    }
}

impl ImageMap {
    /// The number of entries of `space`.
    pub fn size(&self, space: Space) -> u32 {
        self.sizes[space_slot(space)]
    }
}

/// Reads `u16` little-endian at `at`.
pub fn get16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

/// Reads `u32` little-endian at `at`.
pub fn get32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Writes `v` little-endian at `at`, `width` bytes (1, 2, 4 or 8) of it.
pub fn put(b: &mut [u8], at: usize, width: usize, v: u64) {
    b[at..at + width].copy_from_slice(&v.to_le_bytes()[..width]);
}

struct Walker<'a> {
    b: &'a [u8],
    pos: usize,
    map: ImageMap,
}

impl Walker<'_> {
    fn take(&mut self, n: usize) -> Option<usize> {
        let at = self.pos;
        let end = at.checked_add(n).filter(|&e| e <= self.b.len())?;
        self.pos = end;
        Some(at)
    }
    fn field(&mut self, width: usize, class: Class) -> Option<u64> {
        let at = self.take(width)?;
        self.map.fields.push(StructField { at, width, class });
        let mut v = [0u8; 8];
        v[..width].copy_from_slice(&self.b[at..at + width]);
        Some(u64::from_le_bytes(v))
    }
    fn count(&mut self) -> Option<u32> {
        self.field(4, Class::Count).map(|v| v as u32)
    }
    fn tag(&mut self) -> Option<u8> {
        self.field(1, Class::Tag).map(|v| v as u8)
    }
    fn index(&mut self, space: Space) -> Option<u32> {
        self.field(4, Class::Index(space)).map(|v| v as u32)
    }
    fn string(&mut self) -> Option<()> {
        let len = self.count()? as usize;
        self.take(len).map(drop)
    }
    fn func_type(&mut self) -> Option<()> {
        for _ in 0..2 {
            for _ in 0..self.count()? {
                self.tag()?;
            }
        }
        Some(())
    }
    fn limits(&mut self) -> Option<()> {
        let flags = self.tag()?;
        self.field(8, Class::Number)?;
        if flags & 1 != 0 {
            self.field(8, Class::Number)?;
        }
        Some(())
    }
    fn table_type(&mut self) -> Option<()> {
        self.tag()?;
        self.limits()
    }
    fn global_type(&mut self) -> Option<()> {
        self.tag()?;
        self.tag().map(drop)
    }
    fn const_expr(&mut self) -> Option<()> {
        for _ in 0..self.count()? {
            match self.tag()? {
                0 | 2 => drop(self.field(4, Class::Number)?),
                5 => drop(self.index(Space::Func)?),
                6 => drop(self.index(Space::Global)?),
                1 | 3 => drop(self.field(8, Class::Number)?),
                4 | 7..=12 => {}
                _ => return None,
            }
        }
        Some(())
    }
}

/// Walks `image` as the loader reads it; `None` if it does not decode (the header is not checked).
pub fn map(image: &[u8]) -> Option<ImageMap> {
    let mut w = Walker { b: image, pos: ember::ember_interp::image::HEADER_LEN, map: ImageMap::default() };
    if w.tag()? != 0 {
        w.string()?;
    }
    for _ in 0..w.count()? {
        w.index(Space::Func)?;
        w.string()?;
    }
    let types = w.count()?;
    for _ in 0..types {
        w.func_type()?;
    }
    let (mut tables, mut memories, mut globals) = (0, 0, 0);
    for _ in 0..w.count()? {
        w.string()?;
        w.string()?;
        match w.tag()? {
            0 => w.func_type()?,
            1 => w.table_type()?,
            2 => w.limits()?,
            3 => w.global_type()?,
            _ => return None,
        }
    }
    let funcs = w.count()?;
    for _ in 0..funcs {
        w.index(Space::Type)?;
    }
    w.count()?;
    for _ in 0..w.count()? {
        tables += 1;
        w.table_type()?;
    }
    w.count()?;
    for _ in 0..w.count()? {
        if w.tag()? != 0 {
            w.const_expr()?;
        }
    }
    for _ in 0..w.count()? {
        memories += 1;
        w.limits()?;
    }
    w.count()?;
    for _ in 0..w.count()? {
        globals += 1;
        w.global_type()?;
    }
    w.count()?;
    for _ in 0..w.count()? {
        w.const_expr()?;
    }
    for _ in 0..w.count()? {
        w.string()?;
        let space = match w.tag()? {
            0 => Space::Func,
            1 => Space::Table,
            2 => Space::Memory,
            3 => Space::Global,
            _ => return None,
        };
        w.index(space)?;
    }
    if w.tag()? != 0 {
        w.index(Space::Func)?;
    }
    let elems = w.count()?;
    for _ in 0..elems {
        match w.tag()? {
            0 => {
                w.index(Space::Table)?;
                w.const_expr()?;
            }
            1 | 2 => {}
            _ => return None,
        }
        w.tag()?;
        for _ in 0..w.count()? {
            w.const_expr()?;
        }
    }
    let datas = w.count()?;
    for _ in 0..datas {
        if w.tag()? != 0 {
            w.index(Space::Memory)?;
            w.const_expr()?;
        }
        let len = w.count()? as usize;
        w.take(len)?;
    }
    for _ in 0..w.count()? {
        let header = w.take(16)?;
        if w.pos & 1 != 0 {
            w.take(1)?;
        }
        let units = get32(image, header + header::UNITS) as usize;
        let code = w.take(units.checked_mul(2)?)?;
        w.map.funcs.push(FuncCode { header, code, units });
    }
    if w.pos != image.len() {
        return None;
    }
    w.map.sizes = [types, funcs, tables, memories, globals, elems, datas];
    Some(w.map)
}

/// The code unit at position `pc` of `func`.
pub fn unit(image: &[u8], func: &FuncCode, pc: usize) -> u16 {
    get16(image, func.code + 2 * pc)
}

/// The instructions of `func`'s code, in order; `None` if it is not a sequence of whole, known instructions.
pub fn instructions(image: &[u8], func: &FuncCode) -> Option<Vec<Instr>> {
    let mut out = Vec::new();
    let mut pc = 0;
    while pc < func.units {
        let opcode = unit(image, func, pc);
        let layout = OPS.get(usize::from(opcode))?;
        let mut units = layout.units();
        if layout.name == "BrTable" {
            if pc + units > func.units {
                return None;
            }
            let len = u32::from(unit(image, func, pc + 2)) | u32::from(unit(image, func, pc + 3)) << 16;
            units = units.checked_add((len as usize).checked_add(1)?.checked_mul(2)?)?;
        }
        if units > func.units - pc {
            return None;
        }
        out.push(Instr { pc, opcode, units });
        pc += units;
    }
    Some(out)
}
