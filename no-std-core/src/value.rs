//! Runtime values as the embedder sees them.

use crate::func::Func;
use crate::global::Global;
use crate::memory::Memory;
use crate::table::Table;
use crate::types::ValType;

/// An opaque host reference carried by `externref` values: a number chosen by the embedder.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct ExternRef(pub u32);

/// A reference value: a function or a host reference, either possibly null.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Ref {
    /// A `funcref`.
    Func(Option<Func>),
    /// An `externref`.
    Extern(Option<ExternRef>),
}

impl Ref {
    /// Whether this is a null reference.
    pub fn is_null(&self) -> bool {
        matches!(self, Ref::Func(None) | Ref::Extern(None))
    }

    /// Encodes the reference in a 64-bit cell: 0 is null, otherwise the index plus one.
    pub fn to_bits(self) -> u64 {
        match self {
            Ref::Func(f) => f.map_or(0, |f| u64::from(f.index()) + 1),
            Ref::Extern(e) => e.map_or(0, |e| u64::from(e.0) + 1),
        }
    }

    /// Decodes a reference of the given type from its 64-bit cell (see [`Ref::to_bits`]).
    pub fn from_bits(ty: ValType, bits: u64) -> Ref {
        let index = bits.checked_sub(1).map(|i| i as u32);
        match ty {
            ValType::ExternRef => Ref::Extern(index.map(ExternRef)),
            _ => Ref::Func(index.map(Func::from_index)),
        }
    }
}

/// A WebAssembly value.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Val {
    /// A 32-bit integer.
    I32(i32),
    /// A 64-bit integer.
    I64(i64),
    /// A 32-bit float, as its bits so that NaN payloads survive.
    F32(u32),
    /// A 64-bit float, as its bits so that NaN payloads survive.
    F64(u64),
    /// A 128-bit vector.
    V128(u128),
    /// A function reference.
    FuncRef(Option<Func>),
    /// A host reference.
    ExternRef(Option<ExternRef>),
}

impl Val {
    /// The type of this value.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FuncRef,
            Val::ExternRef(_) => ValType::ExternRef,
        }
    }

    /// The zero value of a type (null for references).
    pub fn default_for(ty: ValType) -> Val {
        Val::from_bits(ty, 0)
    }

    /// The value's bits as interpreters keep them: a `v128` whole, every other type as its 64-bit cell
    /// encoding (i32 and f32 zero-extended, references as in [`Ref::to_bits`]) zero-extended.
    pub fn to_bits(&self) -> u128 {
        match *self {
            Val::V128(v) => v,
            _ => u128::from(self.low_cell()),
        }
    }

    /// Decodes a value of type `ty` from its bits (see [`Val::to_bits`]; only a `v128` reads past the low 64).
    pub fn from_bits(ty: ValType, bits: u128) -> Val {
        match ty {
            ValType::V128 => Val::V128(bits),
            _ => Val::from_cell(ty, bits as u64),
        }
    }

    /// Writes the value into its [`cells_for`](crate::cells_for)`(self.ty())` cells at the start of `cells`,
    /// low half first (cells that do not fit are left out).
    pub fn write_cells(&self, cells: &mut [u64]) {
        match (*self, cells) {
            (Val::V128(v), [low, high, ..]) => {
                *low = v as u64;
                *high = (v >> 64) as u64;
            }
            (_, [low, ..]) => *low = self.low_cell(),
            (_, []) => {}
        }
    }

    /// Reads a value of type `ty` from its cells at the start of `cells` (see [`Val::write_cells`]; missing
    /// cells read as 0).
    pub fn read_cells(ty: ValType, cells: &[u64]) -> Val {
        let cell = |k: usize| cells.get(k).copied().unwrap_or(0);
        match ty {
            ValType::V128 => Val::V128(u128::from(cell(0)) | (u128::from(cell(1)) << 64)),
            _ => Val::from_cell(ty, cell(0)),
        }
    }

    /// The first cell of the value's encoding (a `v128`'s low half).
    fn low_cell(&self) -> u64 {
        match *self {
            Val::I32(v) => v as u32 as u64,
            Val::I64(v) => v as u64,
            Val::F32(v) => v as u64,
            Val::F64(v) => v,
            Val::V128(v) => v as u64,
            Val::FuncRef(f) => Ref::Func(f).to_bits(),
            Val::ExternRef(e) => Ref::Extern(e).to_bits(),
        }
    }

    /// Decodes a value of a one-cell type from its cell (a `v128` gets the cell as its low half).
    fn from_cell(ty: ValType, bits: u64) -> Val {
        match ty {
            ValType::I32 => Val::I32(bits as u32 as i32),
            ValType::I64 => Val::I64(bits as i64),
            ValType::F32 => Val::F32(bits as u32),
            ValType::F64 => Val::F64(bits),
            ValType::V128 => Val::V128(u128::from(bits)),
            ValType::FuncRef => Val::FuncRef(Ref::from_bits(ty, bits).as_func()),
            ValType::ExternRef => Val::ExternRef(match Ref::from_bits(ty, bits) {
                Ref::Extern(e) => e,
                Ref::Func(_) => None,
            }),
        }
    }

    /// The `i32`, if this is one.
    pub fn i32(&self) -> Option<i32> {
        if let Val::I32(v) = self {
            Some(*v)
        } else {
            None
        }
    }
    /// The `i64`, if this is one.
    pub fn i64(&self) -> Option<i64> {
        if let Val::I64(v) = self {
            Some(*v)
        } else {
            None
        }
    }
    /// The `f32`, if this is one.
    pub fn f32(&self) -> Option<f32> {
        if let Val::F32(v) = self {
            Some(f32::from_bits(*v))
        } else {
            None
        }
    }
    /// The `f64`, if this is one.
    pub fn f64(&self) -> Option<f64> {
        if let Val::F64(v) = self {
            Some(f64::from_bits(*v))
        } else {
            None
        }
    }
    /// The `v128`'s bits, if this is one.
    pub fn v128(&self) -> Option<u128> {
        if let Val::V128(v) = self {
            Some(*v)
        } else {
            None
        }
    }
}

impl Ref {
    fn as_func(self) -> Option<Func> {
        match self {
            Ref::Func(f) => f,
            Ref::Extern(_) => None,
        }
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Val {
        Val::I32(v)
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}
impl From<f32> for Val {
    fn from(v: f32) -> Val {
        Val::F32(v.to_bits())
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::F64(v.to_bits())
    }
}
impl From<u128> for Val {
    fn from(v: u128) -> Val {
        Val::V128(v)
    }
}

impl core::fmt::Display for Val {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Val::I32(v) => write!(f, "{v}"),
            Val::I64(v) => write!(f, "{v}"),
            Val::F32(v) => write!(f, "{}", f32::from_bits(*v)),
            Val::F64(v) => write!(f, "{}", f64::from_bits(*v)),
            Val::V128(v) => write!(f, "{v:#034x}"),
            Val::FuncRef(None) | Val::ExternRef(None) => write!(f, "null"),
            Val::FuncRef(Some(func)) => write!(f, "func:{}", func.index()),
            Val::ExternRef(Some(e)) => write!(f, "extern:{}", e.0),
        }
    }
}

/// Anything an instance can import or export.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A table.
    Table(Table),
    /// A linear memory.
    Memory(Memory),
    /// A global.
    Global(Global),
}

impl Extern {
    /// The function, if this is one.
    pub fn into_func(self) -> Option<Func> {
        if let Extern::Func(f) = self {
            Some(f)
        } else {
            None
        }
    }
    /// The memory, if this is one.
    pub fn into_memory(self) -> Option<Memory> {
        if let Extern::Memory(m) = self {
            Some(m)
        } else {
            None
        }
    }
    /// The table, if this is one.
    pub fn into_table(self) -> Option<Table> {
        if let Extern::Table(t) = self {
            Some(t)
        } else {
            None
        }
    }
    /// The global, if this is one.
    pub fn into_global(self) -> Option<Global> {
        if let Extern::Global(g) = self {
            Some(g)
        } else {
            None
        }
    }
}
