//! Ember's tiered engines: `ember-auto` (the interpreter, with hot functions and loops compiled by Cranelift)
//! and `ember-jit` (every function compiled by Cranelift before its first call).

use super::ember::EmberInterp;
use super::{Engine, Error, Instance};

/// Ember in `auto` mode: starts in the interpreter (lazy translation), compiles hot functions and hot loops
/// (on-stack replacement) to native code. Tier-up is synchronous, so after the first run the hot code is
/// native and the execution harness measures the steady state.
pub struct EmberAuto {
    inner: EmberInterp,
}

impl EmberAuto {
    /// An engine in `auto` mode with the default threshold and synchronous tier-up.
    pub fn new() -> Self {
        let mut config = ember::Config::default();
        config.synchronous_tier_up(true);
        EmberAuto { inner: EmberInterp::with_engine(ember::Engine::with_tier(&config, ember::Tier::Auto)) }
    }
}

impl Default for EmberAuto {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine for EmberAuto {
    fn name(&self) -> &'static str {
        "ember-auto"
    }

    fn instantiate(&self, wasm: &[u8]) -> Result<Box<dyn Instance>, Error> {
        self.inner.instantiate(wasm)
    }
}

/// Ember in `jit` mode: every function is compiled by Cranelift before its first call (lazily, per function).
pub struct EmberJit {
    inner: EmberInterp,
}

impl EmberJit {
    /// An engine in `jit` mode.
    pub fn new() -> Self {
        let config = ember::Config::default();
        EmberJit { inner: EmberInterp::with_engine(ember::Engine::with_tier(&config, ember::Tier::Jit)) }
    }
}

impl Default for EmberJit {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine for EmberJit {
    fn name(&self) -> &'static str {
        "ember-jit"
    }

    fn instantiate(&self, wasm: &[u8]) -> Result<Box<dyn Instance>, Error> {
        self.inner.instantiate(wasm)
    }
}
