//! Ember's native tier: hot wasm functions compiled to machine code by Cranelift, mixed freely with the
//! register interpreter.
//!
//! - [`translate`]: a wasm function body → Cranelift IR, against an [`env::Environment`] that says how the
//!   runtime lays things out.
//! - [`code`]: executable (W^X) memory for compiled code.
//! - [`runtime`]: per-store state, entering native code, the helpers native code calls.
//! - [`executor`]: [`TieredExecutor`], the `ember_core::Executor` with modes `interp | auto | jit`.
//!
//! The calling convention between tiers, the context layout, and how traps and fuel match the interpreter
//! are described in `docs/architecture.md` ("The native tier").
#![warn(missing_docs)]

pub mod code;
pub mod env;
pub mod executor;
pub mod runtime;
pub mod stats;
pub mod status;
pub mod translate;

pub use executor::{Mode, TieredExecutor, AUTO, DEFAULT_THRESHOLD, INTERP, JIT};
pub use runtime::background_jobs;
pub use stats::{Stats, TierUpEvent};

/// The native tier's statistics for a store (empty when it never ran code with a native mode).
pub fn stats(store: &mut ember_core::StoreInner) -> Stats {
    runtime::state(store).stats.clone()
}
