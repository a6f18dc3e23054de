//! wasmi 2.x with its default configuration (lazy translation).

use super::{err, Engine, Error, Instance, STUB_I32_RESULT};

/// wasmi, the register-machine interpreter.
pub struct Wasmi {
    engine: wasmi::Engine,
}

impl Wasmi {
    /// An engine with wasmi's default configuration.
    pub fn new() -> Self {
        Wasmi { engine: wasmi::Engine::default() }
    }
}

impl Default for Wasmi {
    fn default() -> Self {
        Self::new()
    }
}

struct WasmiInstance {
    store: wasmi::Store<()>,
    run: wasmi::TypedFunc<i32, i32>,
    ping: wasmi::TypedFunc<(), i32>,
}

impl Engine for Wasmi {
    fn name(&self) -> &'static str {
        "wasmi"
    }

    fn instantiate(&self, wasm: &[u8]) -> Result<Box<dyn Instance>, Error> {
        let module = wasmi::Module::new(&self.engine, wasm).map_err(err)?;
        let mut store = wasmi::Store::new(&self.engine, ());
        let instance = stub_linker(&self.engine, &module)?.instantiate_and_start(&mut store, &module).map_err(err)?;
        if let Ok(init) = instance.get_typed_func::<(), ()>(&store, "_initialize") {
            init.call(&mut store, ()).map_err(err)?;
        }
        let run = instance.get_typed_func(&store, "run").map_err(err)?;
        let ping = instance.get_typed_func(&store, "ping").map_err(err)?;
        Ok(Box::new(WasmiInstance { store, run, ping }))
    }
}

impl Instance for WasmiInstance {
    fn run(&mut self, n: u32) -> Result<u32, Error> {
        self.run.call(&mut self.store, n as i32).map(|r| r as u32).map_err(err)
    }

    fn ping(&mut self) -> Result<u32, Error> {
        self.ping.call(&mut self.store, ()).map(|r| r as u32).map_err(err)
    }
}

/// A linker that defines every function import of `module` as a stub returning [`STUB_I32_RESULT`] in i32
/// results and zero in the others.
fn stub_linker(engine: &wasmi::Engine, module: &wasmi::Module) -> Result<wasmi::Linker<()>, Error> {
    let mut linker = wasmi::Linker::new(engine);
    linker.allow_shadowing(true); // a module may import the same function twice
    for import in module.imports() {
        if let wasmi::ExternType::Func(ty) = import.ty() {
            let result_types = ty.results().to_vec();
            linker
                .func_new(import.module(), import.name(), ty.clone(), move |_, _, results| {
                    for (result, &ty) in results.iter_mut().zip(&result_types) {
                        *result = match ty {
                            wasmi::ValType::I32 => wasmi::Val::I32(STUB_I32_RESULT),
                            _ => wasmi::Val::default_for_ty(ty),
                        };
                    }
                    Ok(())
                })
                .map_err(err)?;
        }
    }
    Ok(linker)
}
