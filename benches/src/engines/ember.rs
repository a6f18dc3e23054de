//! Ember's register interpreter (lazy translation, the default configuration).

use super::{err, Engine, Error, Instance, STUB_I32_RESULT};

/// Ember with its register interpreter.
pub struct EmberInterp {
    engine: ember::Engine,
}

impl EmberInterp {
    /// An engine with the default configuration (lazy translation, no fuel).
    pub fn new() -> Self {
        Self::with_engine(ember::Engine::interpreter(&ember::Config::default()))
    }

    /// Wraps an Ember engine of any tier (the adapter is the same for every tier).
    pub(crate) fn with_engine(engine: ember::Engine) -> Self {
        EmberInterp { engine }
    }
}

impl Default for EmberInterp {
    fn default() -> Self {
        Self::new()
    }
}

struct EmberInstance {
    store: ember::Store<()>,
    run: ember::TypedFunc<i32, i32>,
    ping: ember::TypedFunc<(), i32>,
}

impl Engine for EmberInterp {
    fn name(&self) -> &'static str {
        "ember-interp"
    }

    fn instantiate(&self, wasm: &[u8]) -> Result<Box<dyn Instance>, Error> {
        let module = ember::Module::new(&self.engine, wasm).map_err(err)?;
        let mut store = ember::Store::new(&self.engine, ());
        let instance = stub_linker(&self.engine, &module)?.instantiate(&mut store, &module).map_err(err)?;
        if let Ok(init) = instance.get_typed_func::<(), ()>(&store, "_initialize") {
            init.call(&mut store, ()).map_err(err)?;
        }
        let run = instance.get_typed_func(&store, "run").map_err(err)?;
        let ping = instance.get_typed_func(&store, "ping").map_err(err)?;
        Ok(Box::new(EmberInstance { store, run, ping }))
    }
}

impl Instance for EmberInstance {
    fn run(&mut self, n: u32) -> Result<u32, Error> {
        self.run.call(&mut self.store, n as i32).map(|r| r as u32).map_err(err)
    }

    fn ping(&mut self) -> Result<u32, Error> {
        self.ping.call(&mut self.store, ()).map(|r| r as u32).map_err(err)
    }
}

/// A linker that defines every function import of `module` as a stub returning [`STUB_I32_RESULT`] in i32
/// results and zero in the others.
fn stub_linker(engine: &ember::Engine, module: &ember::Module) -> Result<ember::Linker<()>, Error> {
    let mut linker = ember::Linker::new(engine);
    linker.allow_shadowing(true); // a module may import the same function twice
    for import in module.imports() {
        if let ember::ExternType::Func(ty) = &import.ty {
            let result_types = ty.results().to_vec();
            linker
                .func_new(&import.module, &import.name, ty.clone(), move |_, _, results| {
                    for (result, &ty) in results.iter_mut().zip(&result_types) {
                        *result = match ty {
                            ember::ValType::I32 => ember::Val::I32(STUB_I32_RESULT),
                            _ => ember::Val::default_for(ty),
                        };
                    }
                    Ok(())
                })
                .map_err(err)?;
        }
    }
    Ok(linker)
}
