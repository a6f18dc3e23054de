//! Ember's tiered engines: `ember-auto` (the interpreter, with hot functions and loops compiled by Cranelift)
//! and `ember-jit` (every function compiled by Cranelift before its first call).

use super::ember::EmberInterp;
use super::{Engine, Error, Instance};

/// Ember in `auto` mode: starts in the interpreter (lazy translation), compiles hot functions and hot loops
/// (on-stack replacement) to native code. `ember-auto` tiers up synchronously, so after the first run the hot
/// code is native and the execution harness measures the steady state; `ember-auto-bg` is Ember's default,
/// compilation on a background thread while the interpreter keeps running.
pub struct EmberAuto {
    inner: EmberInterp,
    name: &'static str,
}

impl EmberAuto {
    /// An engine in `auto` mode with the default threshold and synchronous tier-up (`ember-auto`).
    pub fn new() -> Self {
        Self::with_synchronous_tier_up(true, "ember-auto")
    }

    /// An engine in `auto` mode with Ember's default configuration: background tier-up (`ember-auto-bg`). Not
    /// in [`super::all`]: the startup harness measures it on the huge module only. A dropped store's queued
    /// compilations are skipped, but the one running when it dropped finishes: [`Engine::settle`] waits for it.
    pub fn background() -> Self {
        Self::with_synchronous_tier_up(false, "ember-auto-bg")
    }

    /// The interpreter with tier-up profiling on and a threshold no function reaches (`ember-profiled`): what
    /// profiling costs the interpreter. Not in [`super::all`]; `profile.sh` measures it.
    pub fn profiled_only() -> Self {
        let mut config = ember::Config::default();
        config.tier_up_threshold(Some(u32::MAX));
        let inner = EmberInterp::with_engine(ember::Engine::with_tier(&config, ember::Tier::Auto));
        EmberAuto { inner, name: "ember-profiled" }
    }

    fn with_synchronous_tier_up(synchronous: bool, name: &'static str) -> Self {
        let mut config = ember::Config::default();
        config.synchronous_tier_up(synchronous);
        let inner = EmberInterp::with_engine(ember::Engine::with_tier(&config, ember::Tier::Auto));
        EmberAuto { inner, name }
    }
}

impl Default for EmberAuto {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine for EmberAuto {
    fn name(&self) -> &'static str {
        self.name
    }

    fn instantiate(&self, wasm: &[u8]) -> Result<Box<dyn Instance>, Error> {
        self.inner.instantiate(wasm)
    }

    fn settle(&self) {
        while ember::ember_tier_up::background_jobs() > 0 {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
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
