//! A decoded, validated module: everything instantiation and translation need, with no parser attached.

use alloc::string::String;
use alloc::vec::Vec;
use core::any::Any;
use core::ops::Range;

use crate::const_expr::ConstExpr;
use crate::slice::OwnedOrStatic;
use crate::types::{ExternType, FuncType, GlobalType, MemoryType, TableType, ValType};
use crate::Shared;

/// What a module imports.
#[derive(Clone, Debug)]
pub struct Import {
    /// Module name.
    pub module: String,
    /// Field name.
    pub name: String,
    /// Expected type.
    pub ty: ExternType,
}

/// An index into one of a module's index spaces.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ExternIndex {
    /// Function index.
    Func(u32),
    /// Table index.
    Table(u32),
    /// Memory index.
    Memory(u32),
    /// Global index.
    Global(u32),
}

/// What a module exports.
#[derive(Clone, Debug)]
pub struct Export {
    /// Export name.
    pub name: String,
    /// The exported item.
    pub index: ExternIndex,
}

/// Where an element segment goes.
#[derive(Clone, Debug)]
pub enum ElementSegmentKind {
    /// Copied into a table at instantiation, then dropped.
    Active {
        /// Table index.
        table: u32,
        /// Offset expression.
        offset: ConstExpr,
    },
    /// Available to `table.init` until `elem.drop`.
    Passive,
    /// Only declares functions for `ref.func`; dropped at instantiation.
    Declared,
}

/// An element segment.
#[derive(Clone, Debug)]
pub struct ElementSegment {
    /// Where it goes.
    pub kind: ElementSegmentKind,
    /// Reference type of the items.
    pub ty: ValType,
    /// One constant expression per item.
    pub items: Vec<ConstExpr>,
}

/// A data segment.
#[derive(Clone, Debug)]
pub struct DataSegment {
    /// `Some((memory, offset))` for an active segment, `None` for a passive one.
    pub active: Option<(u32, ConstExpr)>,
    /// The bytes, as a range of the module's binary.
    pub bytes: Range<usize>,
}

/// A defined function's body: its range in the module's binary.
#[derive(Clone, Debug)]
pub struct FuncBody {
    /// Byte range of the body (locals and code) in the module's binary.
    pub range: Range<usize>,
}

/// Everything known about a module after decoding and validation.
///
/// Index spaces (functions, tables, memories, globals) list imports first, as in the spec.
#[derive(Debug, Default)]
pub struct ModuleInfo {
    /// The module's name from the name section, if any.
    pub name: Option<String>,
    /// Function names from the name section, as `(function index, name)` sorted by index.
    pub func_names: Vec<(u32, String)>,
    /// Function signatures, by type index.
    pub types: Vec<FuncType>,
    /// Imports, in order.
    pub imports: Vec<Import>,
    /// Type index of every function.
    pub funcs: Vec<u32>,
    /// Number of imported functions (the first entries of `funcs`).
    pub num_imported_funcs: u32,
    /// Every table's type.
    pub tables: Vec<TableType>,
    /// Initialiser of each defined table (`None`: null).
    pub table_inits: Vec<Option<ConstExpr>>,
    /// Number of imported tables.
    pub num_imported_tables: u32,
    /// Every memory's type.
    pub memories: Vec<MemoryType>,
    /// Number of imported memories.
    pub num_imported_memories: u32,
    /// Every global's type.
    pub globals: Vec<GlobalType>,
    /// Initialiser of each defined global.
    pub global_inits: Vec<ConstExpr>,
    /// Number of imported globals.
    pub num_imported_globals: u32,
    /// Exports, in order.
    pub exports: Vec<Export>,
    /// The start function, if any.
    pub start: Option<u32>,
    /// Element segments.
    pub elements: Vec<ElementSegment>,
    /// Data segments.
    pub datas: Vec<DataSegment>,
    /// Bodies of the defined functions.
    pub bodies: Vec<FuncBody>,
    /// Byte range of the code section (for size ratios).
    pub code_section: Range<usize>,
    /// The module's binary (for a precompiled image: the image, borrowed in place).
    pub bytes: OwnedOrStatic<u8>,
    /// Code compiled ahead of time for the module's executor (from a precompiled image), if any: the executor
    /// downcasts it to its own type and uses it instead of translating.
    pub precompiled: Option<Shared<dyn Any + Send + Sync>>,
}

impl ModuleInfo {
    /// The name-section name of function `func`, if it has one.
    pub fn func_name(&self, func: u32) -> Option<&str> {
        let at = self.func_names.binary_search_by_key(&func, |(index, _)| *index).ok()?;
        Some(self.func_names[at].1.as_str())
    }

    /// The signature of function `func`.
    pub fn func_type(&self, func: u32) -> Option<&FuncType> {
        self.types.get(*self.funcs.get(func as usize)? as usize)
    }
}

/// A validated module, ready to be instantiated in any store of its engine. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Module {
    info: Shared<ModuleInfo>,
}

impl Module {
    /// Wraps decoded module information (from the parser or a precompiled image).
    pub fn from_info(info: ModuleInfo) -> Module {
        Module { info: Shared::new(info) }
    }
    /// The decoded module.
    pub fn info(&self) -> &ModuleInfo {
        &self.info
    }
    /// The shared handle to the decoded module.
    pub fn shared_info(&self) -> &Shared<ModuleInfo> {
        &self.info
    }
    /// Imports with their types.
    pub fn imports(&self) -> impl Iterator<Item = &Import> {
        self.info.imports.iter()
    }
    /// Exports with their types.
    pub fn exports(&self) -> impl Iterator<Item = (&str, ExternType)> + '_ {
        self.info.exports.iter().filter_map(move |e| {
            let info = &*self.info;
            let ty = match e.index {
                ExternIndex::Func(i) => ExternType::Func(info.func_type(i)?.clone()),
                ExternIndex::Table(i) => ExternType::Table(*info.tables.get(i as usize)?),
                ExternIndex::Memory(i) => ExternType::Memory(*info.memories.get(i as usize)?),
                ExternIndex::Global(i) => ExternType::Global(*info.globals.get(i as usize)?),
            };
            Some((e.name.as_str(), ty))
        })
    }
    /// Whether two handles refer to the same module.
    pub fn same(a: &Module, b: &Module) -> bool {
        Shared::ptr_eq(&a.info, &b.info)
    }
}
