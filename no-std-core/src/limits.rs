//! Resource limits of a store, set by the embedder.

/// Upper bounds on what wasm code in one [`Store`](crate::Store) may use.
///
/// The defaults suit a desktop host; an embedded target lowers them to fit its RAM.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct StoreLimits {
    /// Largest size any one linear memory may reach, in 64 KiB pages (65536 pages = 4 GiB).
    pub max_memory_pages: u64,
    /// Most bytes any one linear memory is given, even below one 64 KiB page (for devices): a memory declared
    /// larger is cut short, accesses past the limit trap with `out of bounds memory access`, and it cannot
    /// grow. Default: no limit.
    pub max_memory_bytes: usize,
    /// Largest number of elements any one table may hold.
    pub max_table_elements: u64,
    /// Most bytes the whole store may hold in what wasm modules can size: linear memories (their bytes),
    /// tables (8 bytes per element), globals, functions, instances' index vectors and the passive element
    /// segments kept for `table.init` (see [`StoreBytes`](crate::StoreBytes) for what is counted). Instantiation
    /// that would go past it fails with [`Error::Limit`](crate::Error::Limit); `memory.grow` and `table.grow`
    /// past it return -1. Not counted: host functions, module bytes (shared by every instance) and the
    /// executor's translated code. Default: 8 GiB (all of the address space on 32-bit targets).
    pub max_store_bytes: usize,
    /// Most tables (imported and defined) one instance may have; more fail instantiation. Default: 100.
    pub max_tables_per_module: usize,
    /// Most memories (imported and defined) one instance may have; more fail instantiation. Default: 100.
    pub max_memories_per_module: usize,
    /// Most instances the store may hold.
    pub max_instances: usize,
    /// Most memories, tables or globals each the store may hold.
    pub max_entities: usize,
    /// Most 64-bit value-stack slots one execution may use across all its frames.
    pub max_value_stack: usize,
    /// Deepest nesting of wasm calls; deeper recursion traps with `call stack exhausted`.
    pub max_call_depth: usize,
    /// Deepest nesting of host functions calling back into wasm (each level uses host stack: about 1.3 KiB in
    /// optimised builds, ~27 KiB in debug builds); deeper nesting traps with `call stack exhausted`.
    pub max_host_reentry: u32,
}

impl Default for StoreLimits {
    fn default() -> Self {
        StoreLimits {
            max_memory_pages: 65536,
            max_memory_bytes: usize::MAX,
            max_table_elements: 10_000_000,
            // Room for a full 4 GiB memory and as much again in tables; a bound, not a reservation.
            max_store_bytes: usize::try_from(8u64 << 30).unwrap_or(usize::MAX),
            // As many as validation allowed in earlier wasmparser versions (and as wasmtime then did); real
            // programs use one or two tables.
            max_tables_per_module: 100,
            // Validation's own ceiling (wasmparser's `MAX_WASM_MEMORIES`); without multi-memory it is one.
            max_memories_per_module: 100,
            max_instances: 10_000,
            max_entities: 100_000,
            // 1 Mi slots = 8 MiB of value stack; wasm3 and wasmi default to similar budgets.
            max_value_stack: 1 << 20,
            // Deep enough for recursive real programs, shallow enough to stop runaway recursion quickly.
            max_call_depth: 100_000,
            max_host_reentry: 100,
        }
    }
}
