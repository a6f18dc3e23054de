//! What the native tier did in one store: which functions tiered up, when, and what it cost.

use std::time::Duration;

/// One function handed to the native tier.
#[derive(Clone, Debug)]
pub struct TierUpEvent {
    /// Its store function index.
    pub func: usize,
    /// Its index in its module.
    pub index: u32,
    /// The loop whose header this code is entered at (on-stack replacement), or `None` for the function's
    /// entry.
    pub at_loop: Option<u32>,
    /// When it was compiled, from the store's first execution with the tier.
    pub at: Duration,
    /// Time spent compiling it.
    pub compile_time: Duration,
    /// Size of its machine code in bytes.
    pub code_size: usize,
    /// Its weighted call/back-edge count when it was handed over.
    pub weight: u64,
}

/// Statistics of the native tier in one store.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Functions compiled, in order.
    pub events: Vec<TierUpEvent>,
    /// Functions that could not be compiled (they stay interpreted), with the reason.
    pub failures: Vec<(usize, String)>,
    /// Time spent in native code entered from outside native code (including whatever it called).
    pub native_time: Duration,
    /// Time spent in executions started through the executor (both tiers).
    pub total_time: Duration,
}

impl Stats {
    /// Total compile time.
    pub fn compile_time(&self) -> Duration {
        self.events.iter().map(|e| e.compile_time).sum()
    }
}
