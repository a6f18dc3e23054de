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
