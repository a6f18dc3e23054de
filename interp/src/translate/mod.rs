//! Translation of wasm function bodies into register bytecode (one pass over wasmparser's operators).

use ember_core::{Error, ModuleInfo};

use crate::code::CompiledFunc;

/// What the translator should emit besides the function's own semantics.
#[derive(Copy, Clone, Debug, Default)]
pub struct TranslateOptions {
    /// Emit `ConsumeFuel` at the start of every straight-line block (fuel metering).
    pub fuel: bool,
    /// Emit `ProfileLoop` at loop headers (tier-up profiling).
    pub profile: bool,
}

/// Translates function `func_index` (an index in the module's function index space; must be a defined
/// function, not an import) of a validated module.
pub fn translate(module: &ModuleInfo, func_index: u32, options: &TranslateOptions) -> Result<CompiledFunc, Error> {
    let _ = (module, func_index, options);
    Err(Error::Unsupported("translator not yet written".into()))
}
