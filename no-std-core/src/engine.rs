//! The engine: configuration plus the executor that runs code.

use crate::config::Config;
use crate::error::{Error, Trap};
use crate::func::Func;
use crate::instance::Instance;
use crate::store::StoreInner;
use crate::value::Val;
use crate::Shared;

/// Runs wasm functions. Implemented by the register interpreter (`ember-interp`) and the tiers layered on it.
///
/// The store has already checked argument count and types, and reserved `results` with the callee's arity.
pub trait Executor: Sync {
    /// Calls `func` (wasm or host) with `params`, and writes its results into `results`.
    fn call(&self, store: &mut StoreInner, func: Func, params: &[Val], results: &mut [Val]) -> Result<(), Trap>;

    /// Called once a new instance is fully initialised, before its start function runs: the place for eager
    /// translation. The default does nothing.
    fn instantiated(&self, _store: &mut StoreInner, _instance: Instance) -> Result<(), Error> {
        Ok(())
    }
}

/// Configuration and executor shared by stores and modules. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    config: Shared<Config>,
    executor: &'static dyn Executor,
}

impl Engine {
    /// An engine with this configuration that runs code with `executor`.
    pub fn with_executor(config: &Config, executor: &'static dyn Executor) -> Engine {
        Engine { config: Shared::new(config.clone()), executor }
    }
    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// The executor.
    pub fn executor(&self) -> &'static dyn Executor {
        self.executor
    }
}

impl core::fmt::Debug for Engine {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Engine").field("config", &self.config).finish_non_exhaustive()
    }
}
