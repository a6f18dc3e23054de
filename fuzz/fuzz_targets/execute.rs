//! Generated modules (wasm-smith; loops and recursion bounded by a fuel global or not, as the input says) run
//! under fuel and small store limits in a tier the input picks: the interpreter (lazy or eager translation),
//! the native tier alone, or the interpreter tiering up (synchronously at thresholds 0-3, or in the background
//! at the default threshold). Every export is called with arbitrary arguments, and the only failures are clean
//! traps: runaway loops and recursion end on fuel or stack exhaustion in every tier.
#![no_main]

use arbitrary::Unstructured;
use ember::{Config, Engine, Error, Instance, Module, Store, Val};
use ember_fuzz::{plan_calls, EmberEngine};
use libfuzzer_sys::fuzz_target;

/// The tiers a run can use, picked by the input. Native tiers are a quarter of runs: compiling costs more than
/// interpreting a small module, and the interpreter is what devices run.
#[cfg(feature = "tier-up")]
const TIERS: &[Option<ember::Tier>] = &[None, None, None, Some(ember::Tier::Jit), Some(ember::Tier::Auto)];
#[cfg(not(feature = "tier-up"))]
const TIERS: &[Option<()>] = &[None];

/// An engine for `config` in the tier the input picks.
fn engine(u: &mut Unstructured<'_>, config: &mut Config) -> Engine {
    match *u.choose(TIERS).unwrap_or(&None) {
        None => Engine::interpreter(config),
        #[cfg(feature = "tier-up")]
        Some(tier) => {
            if tier == ember::Tier::Auto {
                // Synchronous at a small threshold (deterministic, compiles while frames are live), or in the
                // background at the default one (what `ember run` does).
                let threshold: u8 = u.int_in_range(0..=4).unwrap_or(4);
                if threshold < 4 {
                    config.tier_up_threshold(Some(threshold.into())).synchronous_tier_up(true);
                }
            }
            Engine::with_tier(config, tier)
        }
        #[cfg(not(feature = "tier-up"))]
        Some(()) => Engine::interpreter(config),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let terminating = u.ratio(3, 4).unwrap_or(true);
    let Ok(wasm) = ember_fuzz::ember_module(&mut u, false, terminating) else { return };
    let Ok(calls) = plan_calls(&mut u, &wasm, 3) else { return };
    let mut config = Config::new();
    config
        .consume_fuel(true)
        .eager_translation(u.arbitrary().unwrap_or(false))
        .limits(EmberEngine::small_limits(64, 10_000, 1000));
    let engine = engine(&mut u, &mut config);
    let module = Module::new(&engine, &wasm).expect("wasm-smith modules within Ember's features load");
    let mut store = Store::new(&engine, ());
    store.set_fuel(100_000).expect("fuel is on");
    let instance = match Instance::new(&mut store, &module, &[]) {
        Ok(instance) => instance,
        Err(Error::Trap(_)) | Err(Error::Limit(_)) => return,
        Err(e) => panic!("instantiation failed: {e}"),
    };
    for call in calls {
        let Some(func) = instance.get_func(&store, &call.name) else { panic!("export {:?} is missing", call.name) };
        let args: Vec<Val> = call.args.iter().map(|a| a.to_ember()).collect();
        match func.call_to_vec(&mut store, &args) {
            Ok(_) | Err(Error::Trap(_)) => {}
            Err(e) => panic!("call {:?} failed without a trap: {e}", call.name),
        }
        // Each call gets a fresh budget, so a call that ran out does not starve the next.
        store.set_fuel(100_000).expect("fuel is on");
    }
    // Background compilations of this run's functions finish while its store is alive, so that a translator
    // or Cranelift failure on the worker thread is reported with the input that caused it.
    #[cfg(feature = "tier-up")]
    while ember::ember_tier_up::background_jobs() > 0 {
        std::thread::yield_now();
    }
});
