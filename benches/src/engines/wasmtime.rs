//! wasmtime with Cranelift (default optimisation, no code cache, single-threaded compilation), and Pulley,
//! wasmtime's portable interpreter: Cranelift compiles to Pulley bytecode instead of machine code.

use super::{err, Engine, Error, Instance, STUB_I32_RESULT};

/// wasmtime, the Cranelift JIT/AOT compiler, or its Pulley interpreter.
pub struct Wasmtime {
    engine: wasmtime::Engine,
    name: &'static str,
}

impl Wasmtime {
    /// An engine with wasmtime's default configuration (the crate is built without the `cache` feature).
    pub fn new() -> Self {
        Wasmtime { engine: wasmtime::Engine::default(), name: "wasmtime" }
    }

    /// wasmtime's Pulley interpreter (`pulley64`, or `pulley32` on 32-bit hosts), otherwise with the default
    /// configuration.
    pub fn pulley() -> Self {
        let target = if cfg!(target_pointer_width = "64") { "pulley64" } else { "pulley32" };
        let mut config = wasmtime::Config::new();
        config.target(target).expect("wasmtime is built with the `pulley` feature");
        let engine = wasmtime::Engine::new(&config).expect("a Pulley engine");
        Wasmtime { engine, name: "pulley" }
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
        self.name
    }

    fn instantiate(&self, wasm: &[u8]) -> Result<Box<dyn Instance>, Error> {
        let module = wasmtime::Module::new(&self.engine, wasm).map_err(err)?;
        let mut store = wasmtime::Store::new(&self.engine, ());
        let instance = stub_linker(&self.engine, &module)?.instantiate(&mut store, &module).map_err(err)?;
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

/// A linker that defines every function import of `module` as a stub returning [`STUB_I32_RESULT`] in i32
/// results and zero in the others.
fn stub_linker(engine: &wasmtime::Engine, module: &wasmtime::Module) -> Result<wasmtime::Linker<()>, Error> {
    let mut linker = wasmtime::Linker::new(engine);
    linker.allow_shadowing(true); // a module may import the same function twice
    for import in module.imports() {
        if let wasmtime::ExternType::Func(ty) = import.ty() {
            let result_types: Vec<wasmtime::ValType> = ty.results().collect();
            linker
                .func_new(import.module(), import.name(), ty, move |_, _, results| {
                    for (result, ty) in results.iter_mut().zip(&result_types) {
                        *result = match ty {
                            wasmtime::ValType::I32 => wasmtime::Val::I32(STUB_I32_RESULT),
                            // Numbers and vectors have a zero; a reference result gets null.
                            ty => wasmtime::Val::default_for_ty(ty).unwrap_or(wasmtime::Val::null_func_ref()),
                        };
                    }
                    Ok(())
                })
                .map_err(err)?;
        }
    }
    Ok(linker)
}
