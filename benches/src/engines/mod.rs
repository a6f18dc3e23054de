//! One adapter per engine behind one trait, and the list every benchmark iterates over.
//!
//! Adding an engine is one file here and one entry in
//! [`all`]: every criterion group, the report and the charts pick it up by name.

mod ember;
mod ember_tiers;
mod wasm3;
mod wasmi;
mod wasmtime;

pub use self::ember::EmberInterp;
pub use self::ember_tiers::{EmberAuto, EmberJit};
pub use self::wasm3::Wasm3;
pub use self::wasmi::Wasmi;
pub use self::wasmtime::Wasmtime;

/// An error from an engine, as text (each engine has its own error type).
pub type Error = String;

/// A WebAssembly engine that can run the workloads.
pub trait Engine {
    /// The name in benchmark ids, tables and charts (`ember-interp`, `wasmi`, ...).
    fn name(&self) -> &'static str;

    /// Compiles and instantiates `wasm` (calling `_initialize` if exported), ready for hot calls of `run`.
    fn instantiate(&self, wasm: &[u8]) -> Result<Box<dyn Instance>, Error>;

    /// Bytes to first instruction: compile, instantiate and call `ping`, then drop it all. Returns `ping`'s
    /// result (1).
    fn startup(&self, wasm: &[u8]) -> Result<u32, Error> {
        self.instantiate(wasm)?.ping()
    }
}

/// An instantiated workload module.
pub trait Instance {
    /// Calls the exported `run(n)` and returns its checksum.
    fn run(&mut self, n: u32) -> Result<u32, Error>;

    /// Calls the exported `ping()`, which returns 1 at once.
    fn ping(&mut self) -> Result<u32, Error>;
}

/// Every engine, in report order; Ember's tiers first.
pub fn all() -> Vec<Box<dyn Engine>> {
    vec![
        Box::new(EmberInterp::new()),
        Box::new(EmberAuto::new()),
        Box::new(EmberJit::new()),
        Box::new(Wasmi::new()),
        Box::new(Wasm3::new()),
        Box::new(Wasmtime::new()),
    ]
}

/// The engines whose names are listed in `EMBER_BENCH_ENGINES` (comma-separated), or all of them.
pub fn selected() -> Vec<Box<dyn Engine>> {
    match std::env::var("EMBER_BENCH_ENGINES") {
        Ok(list) => all().into_iter().filter(|e| list.split(',').any(|n| n.trim() == e.name())).collect(),
        Err(_) => all(),
    }
}

/// Turns any displayable error into an [`Error`].
pub(crate) fn err(e: impl std::fmt::Display) -> Error {
    e.to_string()
}
