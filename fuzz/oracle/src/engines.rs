//! The engines the differential target compares with Ember's interpreter, one entry per adapter.
//!
//! Ember's tier-up engines (the JIT alone, and interpreter-then-JIT with a threshold chosen by the fuzzer) are
//! meant to become two more entries here once that crate exists: an adapter each, nothing else changes.

use crate::engine::DiffEngine;
use crate::ember::EmberEngine;
use crate::wasmi::WasmiEngine;

/// An engine the differential target can compare Ember's interpreter with.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum EngineKind {
    /// Ember's interpreter with eager translation: checks that lazy and eager translation agree.
    EmberEager,
    /// wasmi.
    Wasmi,
    /// wasmtime (Cranelift), with the `wasmtime` feature.
    #[cfg(feature = "wasmtime")]
    Wasmtime,
}

/// Every engine this build can compare with, in a fixed order (the fuzzer picks by index).
pub const ENGINES: &[EngineKind] = &[
    EngineKind::EmberEager,
    EngineKind::Wasmi,
    #[cfg(feature = "wasmtime")]
    EngineKind::Wasmtime,
];

impl EngineKind {
    /// A new engine of this kind.
    pub fn build(self) -> Box<dyn DiffEngine> {
        match self {
            EngineKind::EmberEager => {
                let mut config = ember::Config::new();
                config.eager_translation(true);
                Box::new(EmberEngine::new(&config, None))
            }
            EngineKind::Wasmi => Box::new(WasmiEngine::new()),
            #[cfg(feature = "wasmtime")]
            EngineKind::Wasmtime => Box::new(crate::wasmtime::WasmtimeEngine::new()),
        }
    }
}
