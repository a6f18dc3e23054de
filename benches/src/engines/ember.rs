//! Ember's register interpreter (lazy translation, the default configuration).

use super::{err, Engine, Error, Instance};

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
        let instance = ember::Linker::new(&self.engine).instantiate(&mut store, &module).map_err(err)?;
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
