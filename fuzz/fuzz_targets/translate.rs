//! Valid modules within Ember's features (wasm-smith, with imports) always load, and translating every function to register
//! bytecode never panics and always succeeds (plain, with fuel metering, with tier-up profiling), eagerly at
//! instantiation too.
#![no_main]

use arbitrary::Unstructured;
use ember::ember_interp::translate::{translate_verified, TranslateOptions};
use ember::{Config, Engine, Error, Instance, Module, Store};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(mut smith) = ember_fuzz::ember_config(&mut u, false) else { return };
    // Imports shift the function and global index spaces the translator resolves.
    smith.max_imports = u.int_in_range(0..=10).unwrap_or(0);
    let Ok(wasm) = ember_fuzz::module_from_config(&mut u, smith, false) else { return };
    let options = TranslateOptions { fuel: u.arbitrary().unwrap_or(false), profile: u.arbitrary().unwrap_or(false) };
    let mut config = Config::new();
    // Small store limits: a start function may grow memory without bound (these modules have no maximum),
    // which is not what this target is about.
    config
        .eager_translation(true)
        .consume_fuel(options.fuel)
        .limits(ember_fuzz::EmberEngine::small_limits(64, 10_000, 1000));
    if options.profile {
        config.tier_up_threshold(Some(1000));
    }
    let engine = Engine::new(&config);
    let module = match Module::new(&engine, &wasm) {
        Ok(module) => module,
        Err(e) => panic!("a valid module within Ember's features was rejected: {e}"),
    };
    let info = module.info();
    let defined = info.bodies.len() as u32;
    for index in info.num_imported_funcs..info.num_imported_funcs + defined {
        if let Err(e) = translate_verified(info, index, &options) {
            panic!("function {index} failed to translate: {e}");
        }
    }
    // Instantiation runs the start function, which may loop forever (these modules have no termination
    // guards): only under fuel.
    if info.start.is_some() && !options.fuel {
        return;
    }
    let mut store = Store::new(&engine, ());
    if options.fuel {
        let _ = store.set_fuel(1_000_000);
    }
    // Eager translation runs once the instance is initialised; segments may trap or exceed limits first, and
    // modules with imports fail to link (their functions were translated above).
    match Instance::new(&mut store, &module, &[]) {
        Ok(_) | Err(Error::Trap(_)) | Err(Error::Limit(_)) | Err(Error::Link(_)) => {}
        Err(e) => panic!("instantiation failed: {e}"),
    }
});
