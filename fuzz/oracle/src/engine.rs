//! The interface every engine under comparison implements.

use crate::trap::TrapKind;
use crate::value::DiffValue;

/// Why a module could not be instantiated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstantiateError {
    /// The module was rejected (decoding, validation, an unsupported feature): nothing to compare.
    Rejected(String),
    /// The engine cannot run this valid module (a feature it lacks, a limit of its own), or cannot observe it
    /// the way the comparison needs: a known difference, not a divergence; nothing is compared.
    Unsupported(String),
    /// Instantiation trapped (segment initialisation or the start function): compared like a call's trap.
    Trap(TrapKind),
}

/// A wasm engine the oracle can drive: Ember, wasmi, wasmtime, or any engine you want to test.
///
/// Implement this (and [`DiffInstance`]) for your engine, then hand it to
/// [`compare_module`](crate::compare_module) with Ember as the reference.
pub trait DiffEngine {
    /// A short name for reports, such as `"wasmi"`.
    fn name(&self) -> &str;

    /// Compiles and instantiates `wasm` (a module with no imports) in a fresh store.
    fn instantiate(&mut self, wasm: &[u8]) -> Result<Box<dyn DiffInstance>, InstantiateError>;
}

/// One instance of a module in one engine.
pub trait DiffInstance {
    /// Calls the exported function `name` with `args`. Results are returned with NaNs canonicalised
    /// ([`DiffValue::canonical`]).
    fn call(&mut self, name: &str, args: &[DiffValue]) -> Result<Vec<DiffValue>, TrapKind>;

    /// The current value of the exported global `name`, if there is one.
    fn global(&mut self, name: &str) -> Option<DiffValue>;

    /// Whether [`DiffInstance::global`] can read exported globals; an engine whose API cannot says `false` and
    /// the comparison leaves globals out.
    fn reads_globals(&self) -> bool {
        true
    }

    /// The current contents of the exported memory `name`, if there is one.
    fn memory(&mut self, name: &str) -> Option<Vec<u8>>;
}
