//! Loading arbitrary bytes never panics, and Ember accepts exactly what wasmparser's validator accepts with
//! Ember's features. Half the inputs are raw bytes, half are wasm-smith modules using any proposal (which Ember
//! must reject cleanly when it does not support it).
#![no_main]

use arbitrary::Unstructured;
use ember::ember_core::supported_features;
use ember::{Engine, Error, Module};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let generated;
    let wasm: &[u8] = if mode & 1 == 0 {
        rest
    } else {
        let mut u = Unstructured::new(rest);
        let Ok(module) = u.arbitrary::<wasm_smith::Module>() else { return };
        generated = module.to_bytes();
        &generated
    };
    let engine = Engine::default();
    let ember = Module::new(&engine, wasm);
    let reference = wasmparser::Validator::new_with_features(supported_features()).validate_all(wasm);
    match (&ember, &reference) {
        (Ok(_), Ok(_)) | (Err(Error::Invalid { .. }), Err(_)) => {}
        _ => panic!("Ember: {:?}\nwasmparser: {:?}", ember.map(|_| "valid"), reference.map(|_| "valid")),
    }
});
