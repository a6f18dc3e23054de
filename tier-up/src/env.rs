//! What the translator asks about the runtime: where things live (the context pointer's fields, globals,
//! tables, functions) and how to reach the runtime's helper functions.
//!
//! The translator (`translate/`) says what a wasm instruction means; an [`Environment`] says how this runtime
//! lays out the objects it touches. The runtime implements it in `runtime.rs` for one instance of a store; a
//! test can implement it with fixed answers and translate a function alone.

use ember_core::{FuncType, ValType};

/// A field of the context (`vmctx`) that native code reads.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum VmField {
    /// Address of memory 0's first byte.
    MemBase,
    /// Length of memory 0 in bytes (u64).
    MemLen,
    /// Address of the store's global cells.
    GlobalsBase,
    /// Address of the store's remaining fuel (u64).
    FuelPtr,
    /// Address of the instance's native entry table: one code pointer (or null) per module function.
    FuncPtrs,
    /// Lowest stack pointer native code may run at (below it, calls trap with `call stack exhausted`).
    StackLimit,
    /// Deepest call depth allowed (u64).
    MaxDepth,
    /// A cell through which helpers hand back a value besides their status.
    Scratch,
    /// Address of the instance's table views: per module table, `{ base: *const u64, len: u64 }`.
    Tables,
    /// Address of the store-wide signature id of each store function (u32).
    FuncTypes,
    /// Address of the store-wide instance of each store function (u32).
    FuncInstances,
    /// Address of the store-wide native entry of each store function (pointer, or null).
    FuncCode,
    /// Number of entries in the three store-wide arrays (u64).
    NumFuncs,
}

/// Where a global's value comes from.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum GlobalPlace {
    /// An immutable global: its value, fixed since instantiation, as a 64-bit cell.
    Const(u64),
    /// A mutable global: the byte offset of its 64-bit cell from `GlobalsBase`.
    Cell(i32),
}

/// Runtime helpers native code calls. Each takes the context pointer first and (unless noted) returns a
/// status: 0 to go on, anything else a trap to return with.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Helper {
    /// `(vmctx, store_func: i32, args: ptr, depth: i64) -> status`: call any store function.
    Call,
    /// `(vmctx, table: i32, type_id: i32, elem: i32, args: ptr, depth: i64) -> status`: `call_indirect`.
    CallIndirect,
    /// `(vmctx, delta: i32) -> i32`: `memory.grow` (old size in pages or -1).
    MemoryGrow,
    /// `(vmctx, dst: i32, value: i32, len: i32) -> status`.
    MemoryFill,
    /// `(vmctx, dst: i32, src: i32, len: i32) -> status`.
    MemoryCopy,
    /// `(vmctx, segment: i32, dst: i32, src: i32, len: i32) -> status`.
    MemoryInit,
    /// `(vmctx, segment: i32) -> status`.
    DataDrop,
    /// `(vmctx, table: i32, index: i32) -> status`, the element in `Scratch`.
    TableGet,
    /// `(vmctx, table: i32, index: i32, value: i64) -> status`.
    TableSet,
    /// `(vmctx, table: i32) -> i32`: the size.
    TableSize,
    /// `(vmctx, table: i32, delta: i32, init: i64) -> i32`: old size or -1.
    TableGrow,
    /// `(vmctx, table: i32, dst: i32, value: i64, len: i32) -> status`.
    TableFill,
    /// `(vmctx, dst_table: i32, src_table: i32, dst: i32, src: i32, len: i32) -> status`.
    TableCopy,
    /// `(vmctx, table: i32, segment: i32, dst: i32, src: i32, len: i32) -> status`.
    TableInit,
    /// `(vmctx, segment: i32) -> status`.
    ElemDrop,
}

/// How a called function is reached.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Callee {
    /// Its index in the store.
    pub store_index: u32,
    /// Defined by the instance being compiled: native code may call it directly once it has native code.
    pub local: bool,
}

/// The runtime layout the translator compiles against (Cranelift's `FuncEnvironment` idea, kept small).
pub trait Environment {
    /// The byte offset of a context field.
    fn vmctx_offset(&self, field: VmField) -> i32;
    /// The address of a helper function.
    fn helper(&self, helper: Helper) -> usize;
    /// Whether fuel is metered (native code then charges exactly what the interpreter charges).
    fn fuel(&self) -> bool;
    /// Signature of module function `func`.
    fn func_type(&self, func: u32) -> Option<&FuncType>;
    /// Signature of module type `index`.
    fn type_at(&self, index: u32) -> Option<&FuncType>;
    /// The store-wide id of module type `index` (equal signatures have equal ids).
    fn type_id(&self, index: u32) -> Option<u32>;
    /// How module function `func` is called.
    fn callee(&self, func: u32) -> Option<Callee>;
    /// Where module global `global` lives, and its type.
    fn global(&self, global: u32) -> Option<(GlobalPlace, ValType)>;
    /// The store index of module table `table`.
    fn table(&self, table: u32) -> Option<u32>;
    /// The store index of the instance being compiled.
    fn instance(&self) -> u32;
}
