//! The engines the differential target compares with Ember's interpreter, one entry per adapter.
//!
//! With the `tier-up` feature the list includes Ember's native tiers: the JIT alone, and interpreter-then-JIT
//! with synchronous tier-up at thresholds 0 to 3 (the fuzzer picks the entry, and so the threshold).

use crate::ember::EmberEngine;
use arbitrary::Unstructured;

use crate::engine::DiffEngine;
use crate::smith::{ember_config, module_from_config};
use crate::wasmi::WasmiEngine;

/// An engine the differential target can compare Ember's interpreter with.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum EngineKind {
    /// Ember's interpreter with eager translation: checks that lazy and eager translation agree.
    EmberEager,
    /// Ember's interpreter with fuel metering and a budget that never runs out: metering must not change
    /// results.
    EmberFuel,
    /// Ember's interpreter with tier-up profiling on (a threshold of 1, no higher tier plugged in): profiling
    /// must not change results.
    EmberProfiled,
    /// Ember's native tier alone (Cranelift), with the `tier-up` feature.
    #[cfg(feature = "tier-up")]
    EmberJit,
    /// Ember's interpreter tiering up to native code at this threshold, synchronously, with the `tier-up`
    /// feature.
    #[cfg(feature = "tier-up")]
    EmberAuto(u32),
    /// wasmi.
    Wasmi,
    /// wasmtime (Cranelift), with the `wasmtime` feature.
    #[cfg(feature = "wasmtime")]
    Wasmtime,
    /// wasm3 0.4.7 (the C interpreter), with the `wasm3` feature.
    #[cfg(feature = "wasm3")]
    Wasm3,
}

/// Every engine this build can compare with, in a fixed order (the fuzzer picks by index; see
/// [`engines_from_env`] to narrow the choice for a campaign).
pub const ENGINES: &[EngineKind] = &[
    EngineKind::EmberEager,
    EngineKind::EmberFuel,
    EngineKind::EmberProfiled,
    #[cfg(feature = "tier-up")]
    EngineKind::EmberJit,
    #[cfg(feature = "tier-up")]
    EngineKind::EmberAuto(0),
    #[cfg(feature = "tier-up")]
    EngineKind::EmberAuto(1),
    #[cfg(feature = "tier-up")]
    EngineKind::EmberAuto(2),
    #[cfg(feature = "tier-up")]
    EngineKind::EmberAuto(3),
    EngineKind::Wasmi,
    #[cfg(feature = "wasmtime")]
    EngineKind::Wasmtime,
    #[cfg(feature = "wasm3")]
    EngineKind::Wasm3,
];

impl EngineKind {
    /// Whether modules for this engine should be generated without wasm-smith's trap guards
    /// (`disallow_traps`). wasmi 2.0.0 miscompiles the guard wasm-smith puts around divisors,
    /// `select(1, x, i32.eqz(x))` stored back into `x`, when a value sits below it on the stack (see
    /// `fuzz/regressions/wasmi-select-eqz.wast`); without the guards it is rarely generated.
    pub fn avoid_trap_guards(self) -> bool {
        matches!(self, EngineKind::Wasmi)
    }

    /// A module for comparing this engine with Ember, drawn from the fuzzer's bytes: [`ember_config`] bounded,
    /// termination ensured, trap guards left out where [`EngineKind::avoid_trap_guards`] says so.
    pub fn module(self, u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
        let mut config = ember_config(u, true)?;
        if self.avoid_trap_guards() {
            config.disallow_traps = false;
        }
        #[cfg(feature = "wasm3")]
        if self == EngineKind::Wasm3 {
            crate::wasm3::Wasm3Engine::config(&mut config);
        }
        let wasm = module_from_config(u, config, true)?;
        if !self.avoids_known_bugs(&wasm) {
            return Err(arbitrary::Error::IncorrectFormat);
        }
        Ok(wasm)
    }

    /// Whether `wasm` stays clear of this engine's recorded bugs that can be recognised in a module (wasm3's,
    /// `crate::wasm3::avoids_known_bugs`), so that a divergence found on it is news. The bugs themselves are
    /// recorded in `fuzz/regressions/`.
    pub fn avoids_known_bugs(self, wasm: &[u8]) -> bool {
        match self {
            #[cfg(feature = "wasm3")]
            EngineKind::Wasm3 => crate::wasm3::avoids_known_bugs(wasm),
            _ => {
                let _ = wasm;
                true
            }
        }
    }

    /// A new engine of this kind.
    pub fn build(self) -> Box<dyn DiffEngine> {
        match self {
            EngineKind::EmberEager => {
                let mut config = ember::Config::new();
                config.eager_translation(true);
                Box::new(EmberEngine::new(&config, None))
            }
            EngineKind::EmberFuel => {
                let mut config = ember::Config::new();
                config.consume_fuel(true);
                Box::new(EmberEngine::new(&config, Some(u64::MAX)))
            }
            EngineKind::EmberProfiled => {
                let mut config = ember::Config::new();
                config.tier_up_threshold(Some(1));
                Box::new(EmberEngine::new(&config, None))
            }
            #[cfg(feature = "tier-up")]
            EngineKind::EmberJit => Box::new(EmberEngine::jit()),
            #[cfg(feature = "tier-up")]
            EngineKind::EmberAuto(threshold) => Box::new(EmberEngine::auto(threshold)),
            EngineKind::Wasmi => Box::new(WasmiEngine::new()),
            #[cfg(feature = "wasmtime")]
            EngineKind::Wasmtime => Box::new(crate::wasmtime::WasmtimeEngine::new()),
            #[cfg(feature = "wasm3")]
            EngineKind::Wasm3 => Box::new(crate::wasm3::Wasm3Engine::new()),
        }
    }
}

/// The engines a fuzz campaign compares with: [`ENGINES`], or only those named (as [`EngineKind::name`] gives
/// them) in the comma-separated `EMBER_FUZZ_ENGINES` variable, such as `EMBER_FUZZ_ENGINES=wasm3` for a
/// campaign against one peer. Unknown names are an error, so a typo cannot turn a campaign into another.
pub fn engines_from_env() -> Result<Vec<EngineKind>, String> {
    let Ok(list) = std::env::var("EMBER_FUZZ_ENGINES") else { return Ok(ENGINES.to_vec()) };
    let mut chosen = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let kind = ENGINES.iter().copied().find(|k| k.name() == name).ok_or_else(|| {
            let known: Vec<String> = ENGINES.iter().map(|k| k.name()).collect();
            format!("EMBER_FUZZ_ENGINES: unknown engine {name:?}; this build has {}", known.join(", "))
        })?;
        chosen.push(kind);
    }
    if chosen.is_empty() {
        return Err("EMBER_FUZZ_ENGINES names no engine".into());
    }
    Ok(chosen)
}

impl EngineKind {
    /// The engine's name in reports, on `ember-compare`'s command line and in `EMBER_FUZZ_ENGINES`.
    pub fn name(self) -> String {
        match self {
            EngineKind::EmberEager => "ember-eager".into(),
            EngineKind::EmberFuel => "ember-fuel".into(),
            EngineKind::EmberProfiled => "ember-profiled".into(),
            #[cfg(feature = "tier-up")]
            EngineKind::EmberJit => "ember-jit".into(),
            #[cfg(feature = "tier-up")]
            EngineKind::EmberAuto(threshold) => format!("ember-auto{threshold}"),
            EngineKind::Wasmi => "wasmi".into(),
            #[cfg(feature = "wasmtime")]
            EngineKind::Wasmtime => "wasmtime".into(),
            #[cfg(feature = "wasm3")]
            EngineKind::Wasm3 => "wasm3".into(),
        }
    }
}
