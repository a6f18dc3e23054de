//! wasmtime with Cranelift (default optimisation, no code cache, single-threaded compilation).

use super::{err, Engine, Error, Instance};

/// wasmtime, the Cranelift JIT/AOT compiler.
pub struct Wasmtime {
    engine: wasmtime::Engine,
}

impl Wasmtime {
    /// An engine with wasmtime's default configuration (the crate is built without the `cache` feature).
    pub fn new() -> Self {
        Wasmtime { engine: wasmtime::Engine::default() }
    }
}

impl Default for Wasmtime {
    fn default() -> Self {
        Self::new()
    }
}

struct WasmtimeInstance {
    store: wasmtime::Store<()>,
    run: wasmtime::TypedFunc<i32, i32>,
    ping: wasmtime::TypedFunc<(), i32>,
}

impl Engine for Wasmtime {
    fn name(&self) -> &'static str {
        "wasmtime"
    }

    fn instantiate(&self, wasm: &[u8]) -> Result<Box<dyn Instance>, Error> {
        let module = wasmtime::Module::new(&self.engine, wasm).map_err(err)?;
        let mut store = wasmtime::Store::new(&self.engine, ());
        let instance = wasmtime::Instance::new(&mut store, &module, &[]).map_err(err)?;
        if let Ok(init) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
            init.call(&mut store, ()).map_err(err)?;
        }
        let run = instance.get_typed_func(&mut store, "run").map_err(err)?;
        let ping = instance.get_typed_func(&mut store, "ping").map_err(err)?;
        Ok(Box::new(WasmtimeInstance { store, run, ping }))
    }
}

impl Instance for WasmtimeInstance {
    fn run(&mut self, n: u32) -> Result<u32, Error> {
        self.run.call(&mut self.store, n as i32).map(|r| r as u32).map_err(err)
    }

    fn ping(&mut self) -> Result<u32, Error> {
        self.ping.call(&mut self.store, ()).map(|r| r as u32).map_err(err)
    }
}
