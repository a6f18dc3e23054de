//! WebAssembly types: values, functions, memories, tables, globals.

use alloc::boxed::Box;
use core::fmt;

/// The type of a value.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE float.
    F32,
    /// 64-bit IEEE float.
    F64,
    /// 128-bit vector (SIMD).
    V128,
    /// Nullable function reference.
    FuncRef,
    /// Nullable host reference.
    ExternRef,
}

impl ValType {
    /// Whether this is a reference type.
    pub fn is_ref(&self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
    }

    /// The number of 64-bit cells a value of this type occupies: see [`cells_for`].
    #[inline(always)]
    pub const fn cells(self) -> u32 {
        cells_for(self)
    }
}

/// The number of 64-bit cells a value of type `ty` occupies wherever values are kept as cells (interpreter
/// frames, globals, the argument and result cells of host and native calls): 2 for `v128` (low half first),
/// 1 for every other type.
#[inline(always)]
pub const fn cells_for(ty: ValType) -> u32 {
    match ty {
        ValType::V128 => 2,
        _ => 1,
    }
}

/// The number of cells the values of `types` occupy laid out one after the other (see [`cells_for`]).
#[inline]
pub fn cells_of(types: &[ValType]) -> usize {
    types.iter().map(|&t| cells_for(t) as usize).sum()
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        })
    }
}

/// A function signature.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncType {
    params: Box<[ValType]>,
    results: Box<[ValType]>,
}

impl FuncType {
    /// A signature with these parameter and result types.
    pub fn new(params: impl IntoIterator<Item = ValType>, results: impl IntoIterator<Item = ValType>) -> Self {
        FuncType { params: params.into_iter().collect(), results: results.into_iter().collect() }
    }
    /// The parameter types.
    pub fn params(&self) -> &[ValType] {
        &self.params
    }
    /// The result types.
    pub fn results(&self) -> &[ValType] {
        &self.results
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(func")?;
        if !self.params.is_empty() {
            f.write_str(" (param")?;
            for p in self.params.iter() {
                write!(f, " {p}")?;
            }
            f.write_str(")")?;
        }
        if !self.results.is_empty() {
            f.write_str(" (result")?;
            for r in self.results.iter() {
                write!(f, " {r}")?;
            }
            f.write_str(")")?;
        }
        f.write_str(")")
    }
}

/// Size limits and index type of a linear memory, in 64 KiB pages.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct MemoryType {
    /// Initial size in pages.
    pub min: u64,
    /// Maximum size in pages, if bounded.
    pub max: Option<u64>,
    /// Whether addresses are 64-bit (memory64).
    pub memory64: bool,
    /// Whether the memory may be shared between threads.
    pub shared: bool,
}

/// Element type and size limits of a table.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct TableType {
    /// Reference type of the elements.
    pub element: ValType,
    /// Initial number of elements.
    pub min: u64,
    /// Maximum number of elements, if bounded.
    pub max: Option<u64>,
}

/// Whether a global may be written after instantiation.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Mutability {
    /// Immutable.
    Const,
    /// Mutable.
    Var,
}

/// Value type and mutability of a global.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct GlobalType {
    /// Type of the value.
    pub content: ValType,
    /// Mutability.
    pub mutability: Mutability,
}

/// The type of an import or export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExternType {
    /// A function with this signature.
    Func(FuncType),
    /// A table.
    Table(TableType),
    /// A memory.
    Memory(MemoryType),
    /// A global.
    Global(GlobalType),
}

impl ExternType {
    /// A short name of the kind: `func`, `table`, `memory` or `global`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            ExternType::Func(_) => "func",
            ExternType::Table(_) => "table",
            ExternType::Memory(_) => "memory",
            ExternType::Global(_) => "global",
        }
    }
}

/// Whether limits `(min, max)` of an import candidate match the limits required by an import (spec "limits
/// matching": at least as large a minimum, and a maximum that is no larger).
pub(crate) fn limits_match(actual: (u64, Option<u64>), required: (u64, Option<u64>)) -> bool {
    if actual.0 < required.0 {
        return false;
    }
    match (actual.1, required.1) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(a), Some(r)) => a <= r,
    }
}
