//! Engine-wide settings. Every knob lives here, with the reason for its default.

use crate::limits::StoreLimits;

/// Settings shared by every store of an [`Engine`](crate::Engine).
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub(crate) consume_fuel: bool,
    /// Lazy by default: start-up cost stays proportional to the code that actually runs.
    pub(crate) eager_translation: bool,
    pub(crate) limits: StoreLimits,
    pub(crate) tier_up_threshold: Option<u32>,
    /// Off by default: a hot function compiles on a worker thread while the interpreter keeps running it, so a
    /// long compile never stalls the program. On for tests that need to know when code turns native.
    pub(crate) synchronous_tier_up: bool,
    /// `None` by default: a large module's function bodies are validated on as many threads as the host has
    /// cores (validation is most of the time to load a module; `no_std` builds always use one thread).
    pub(crate) validation_threads: Option<usize>,
}

impl Config {
    /// Default settings: no fuel, lazy translation, default store limits.
    pub fn new() -> Self {
        Self::default()
    }
    /// Meter execution with fuel: one unit per wasm instruction; running out traps with `all fuel consumed`.
    pub fn consume_fuel(&mut self, on: bool) -> &mut Self {
        self.consume_fuel = on;
        self
    }
    /// Translate every function when it is first needed (`false`, the default) or all at instantiation.
    pub fn eager_translation(&mut self, on: bool) -> &mut Self {
        self.eager_translation = on;
        self
    }
    /// Default limits for new stores (a store can still change its own).
    pub fn limits(&mut self, limits: StoreLimits) -> &mut Self {
        self.limits = limits;
        self
    }
    /// Weighted call/back-edge count after which a function is handed to a higher tier, if one is plugged in.
    pub fn tier_up_threshold(&mut self, threshold: Option<u32>) -> &mut Self {
        self.tier_up_threshold = threshold;
        self
    }
    /// Compile hot functions on the calling thread, before their next call (deterministic), instead of on a
    /// worker thread while the interpreter goes on running them (the default).
    pub fn synchronous_tier_up(&mut self, on: bool) -> &mut Self {
        self.synchronous_tier_up = on;
        self
    }
    /// Threads that validate the function bodies of a large module (`None`, the default: one per core of the
    /// host; `Some(1)`: only the calling thread). Small modules and `no_std` builds use the calling thread.
    pub fn validation_threads(&mut self, threads: Option<usize>) -> &mut Self {
        self.validation_threads = threads;
        self
    }
    /// Threads that validate a large module's function bodies (`None`: one per core).
    pub fn get_validation_threads(&self) -> Option<usize> {
        self.validation_threads
    }
    /// Whether hot functions are compiled on the calling thread.
    pub fn get_synchronous_tier_up(&self) -> bool {
        self.synchronous_tier_up
    }
    /// Whether fuel metering is on.
    pub fn get_consume_fuel(&self) -> bool {
        self.consume_fuel
    }
    /// Whether functions are translated eagerly.
    pub fn get_eager_translation(&self) -> bool {
        self.eager_translation
    }
    /// The default store limits.
    pub fn get_limits(&self) -> &StoreLimits {
        &self.limits
    }
    /// The tier-up threshold, if any.
    pub fn get_tier_up_threshold(&self) -> Option<u32> {
        self.tier_up_threshold
    }
}
