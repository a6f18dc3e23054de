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

    /// Waits until work the engine left running in the background after an iteration (compilations still
    /// queued when the store was dropped) is done, so that it does not slow the next iteration down. Called
    /// between iterations, outside the timing. Most engines leave nothing behind.
    fn settle(&self) {}
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
        Box::new(Wasmtime::pulley()),
    ]
}

/// The engines whose names are listed in `EMBER_BENCH_ENGINES` (comma-separated), or all of them.
pub fn selected() -> Vec<Box<dyn Engine>> {
    all().into_iter().filter(|e| is_selected(e.name())).collect()
}

/// Whether the engine `name` is listed in `EMBER_BENCH_ENGINES` (comma-separated), or that variable is unset.
pub fn is_selected(name: &str) -> bool {
    match std::env::var("EMBER_BENCH_ENGINES") {
        Ok(list) => list.split(',').any(|n| n.trim() == name),
        Err(_) => true,
    }
}

/// What a stubbed import returns in an i32 result: WASI's `EBADF` (bad file descriptor), so that wasi-libc
/// sees a failed call rather than a success with unset outputs. Every other result is zero.
///
/// Each adapter defines every function import of a module as a stub of its signature: the workloads call none
/// of them in their measured paths (see `workloads/c/lua.c`), and stubs keep the engines' own WASI
/// implementations (which differ in cost) out of the measure. `EBADF` rather than `ENOSYS` because wasi-libc's
/// start-up code asks `fd_prestat_get` for preopened directories until it answers `EBADF` and exits on any
/// other error: the stubs behave like a WASI host with no file descriptors at all.
pub(crate) const STUB_I32_RESULT: i32 = 8;

/// Turns any displayable error into an [`Error`].
pub(crate) fn err(e: impl std::fmt::Display) -> Error {
    e.to_string()
}
