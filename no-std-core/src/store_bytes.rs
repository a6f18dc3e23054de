//! The store's memory budget (`StoreLimits::max_store_bytes`) and what each object costs against it.
//!
//! Counted: linear memories (the bytes they are given), tables (8 bytes per element), globals and wasm
//! functions (the size of their store entries), and each instance's own vectors (its index spaces, the
//! passive element segments it keeps for `table.init`, one flag per data segment). Data segments are not
//! copied (they stay in the module's bytes, shared by all its instances) and are not counted; neither are host
//! functions nor the executor's translated code.

use alloc::boxed::Box;
use core::mem::size_of;

use crate::error::Error;
use crate::func::{Func, FuncEntity};
use crate::global::{Global, GlobalEntity};
use crate::instance::InstanceEntity;
use crate::memory::{Memory, PAGE_SIZE};
use crate::module::{ElementSegmentKind, ModuleInfo};
use crate::table::Table;
use crate::types::MemoryType;

/// Bytes a store holds against its budget. Only a store makes one, and every allocation a module can size
/// (instantiation, `memory.grow`, `table.grow`) is charged to it before it is made.
#[derive(Debug)]
pub struct StoreBytes {
    used: usize,
    limit: usize,
}

impl StoreBytes {
    /// An empty budget of `limit` bytes.
    pub(crate) fn new(limit: usize) -> StoreBytes {
        StoreBytes { used: 0, limit }
    }
    /// Bytes charged so far.
    pub fn used(&self) -> usize {
        self.used
    }
    /// The budget (`StoreLimits::max_store_bytes`).
    pub fn limit(&self) -> usize {
        self.limit
    }
    /// Bytes that may still be charged.
    pub fn available(&self) -> usize {
        self.limit.saturating_sub(self.used)
    }
    /// Changes the budget; what is charged already stays charged.
    pub(crate) fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
    }
    /// Charges `bytes` if the budget has room; charges nothing and returns `false` otherwise.
    pub(crate) fn try_charge(&mut self, bytes: usize) -> bool {
        if bytes > self.available() {
            return false;
        }
        self.used += bytes;
        true
    }
    /// [`StoreBytes::try_charge`], failing with an [`Error::Limit`] that names `what` needed the bytes.
    pub(crate) fn charge(&mut self, bytes: usize, what: &dyn core::fmt::Display) -> Result<(), Error> {
        if self.try_charge(bytes) {
            return Ok(());
        }
        Err(self.over_budget(bytes, what))
    }
    /// The error for `what` needing `bytes` more than the budget has left.
    pub(crate) fn over_budget(&self, bytes: usize, what: &dyn core::fmt::Display) -> Error {
        Error::Limit(alloc::format!(
            "{what} needs {bytes} bytes; the store's memory budget has {} of {} bytes left",
            self.available(),
            self.limit
        ))
    }
    /// Gives back `bytes` charged earlier.
    pub(crate) fn release(&mut self, bytes: usize) {
        self.used = self.used.saturating_sub(bytes);
    }
}

/// The store entry of a global.
pub(crate) const GLOBAL_BYTES: usize = size_of::<GlobalEntity>();
/// The store entry of a wasm function.
pub(crate) const FUNC_BYTES: usize = size_of::<FuncEntity>();
/// One table element.
const ELEMENT_BYTES: usize = size_of::<u64>();

/// Bytes of a table of `elements` elements, if they fit in `usize`.
pub(crate) fn table_bytes(elements: u64) -> Option<usize> {
    usize::try_from(elements).ok()?.checked_mul(ELEMENT_BYTES)
}

/// Bytes given to a new memory of type `ty` under a per-memory byte limit (saturating).
pub(crate) fn memory_bytes(ty: &MemoryType, limit_bytes: usize) -> usize {
    usize::try_from(ty.min).ok().and_then(|p| p.checked_mul(PAGE_SIZE)).unwrap_or(usize::MAX).min(limit_bytes)
}

/// Sizes of an instance's own vectors, in elements.
struct InstanceShape {
    types: usize,
    externs: usize,
    datas: usize,
    segments: usize,
    kept_elements: usize,
}

impl InstanceShape {
    fn bytes(&self) -> usize {
        let handle = size_of::<Func>().max(size_of::<Table>()).max(size_of::<Memory>()).max(size_of::<Global>());
        size_of::<InstanceEntity>()
            .saturating_add(self.types.saturating_mul(size_of::<u32>()))
            .saturating_add(self.externs.saturating_mul(handle))
            .saturating_add(self.datas)
            .saturating_add(self.segments.saturating_mul(size_of::<Box<[u64]>>()))
            .saturating_add(self.kept_elements.saturating_mul(ELEMENT_BYTES))
    }
}

/// Bytes of an instance's own vectors (not of the objects they name), as charged when it joins the store.
pub(crate) fn instance_bytes(entity: &InstanceEntity) -> usize {
    InstanceShape {
        types: entity.type_ids.len(),
        externs: entity.funcs.len() + entity.tables.len() + entity.memories.len() + entity.globals.len(),
        datas: entity.data_dropped.len(),
        segments: entity.elements.len(),
        kept_elements: entity.elements.iter().map(|e| e.len()).fold(0, usize::saturating_add),
    }
    .bytes()
}

/// At most what instantiating `info` charges, given the store's per-memory byte limit (saturating): what
/// [`instance_bytes`] will charge, plus its functions, globals, tables and memories.
pub(crate) fn instantiation_bytes(info: &ModuleInfo, max_memory_bytes: usize) -> usize {
    // Passive segments are kept; active ones too if initialisation traps before reaching them.
    let kept_elements = info
        .elements
        .iter()
        .filter(|s| !matches!(s.kind, ElementSegmentKind::Declared))
        .map(|s| s.items.len())
        .fold(0, usize::saturating_add);
    let shape = InstanceShape {
        types: info.types.len(),
        externs: info.funcs.len() + info.tables.len() + info.memories.len() + info.globals.len(),
        datas: info.datas.len(),
        segments: info.elements.len(),
        kept_elements,
    };
    let defined_funcs = info.funcs.len().saturating_sub(info.num_imported_funcs as usize);
    let defined_globals = info.globals.len().saturating_sub(info.num_imported_globals as usize);
    let tables = info
        .tables
        .get(info.num_imported_tables as usize..)
        .unwrap_or(&[])
        .iter()
        .map(|t| table_bytes(t.min).unwrap_or(usize::MAX))
        .fold(0, usize::saturating_add);
    let memories = info
        .memories
        .get(info.num_imported_memories as usize..)
        .unwrap_or(&[])
        .iter()
        .map(|m| memory_bytes(m, max_memory_bytes))
        .fold(0, usize::saturating_add);
    shape
        .bytes()
        .saturating_add(defined_funcs.saturating_mul(FUNC_BYTES))
        .saturating_add(defined_globals.saturating_mul(GLOBAL_BYTES))
        .saturating_add(tables)
        .saturating_add(memories)
}
