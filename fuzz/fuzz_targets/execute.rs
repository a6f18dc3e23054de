//! Generated modules (wasm-smith, termination ensured) run under fuel and small store limits: every export is
//! called with arbitrary arguments, and the only failures are clean traps.
#![no_main]

use arbitrary::Unstructured;
use ember::{Config, Engine, Error, Instance, Module, Store, Val, ValType};
use ember_fuzz::{plan_calls, DiffValue, EmberEngine};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(wasm) = ember_fuzz::ember_module(&mut u, false, true) else { return };
    let Ok(calls) = plan_calls(&mut u, &wasm, 3) else { return };
    let mut config = Config::new();
    config
        .consume_fuel(true)
        .eager_translation(u.arbitrary().unwrap_or(false))
        .limits(EmberEngine::small_limits(64, 10_000, 1000));
    let engine = Engine::new(&config);
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
        let args: Vec<Val> = call.args.iter().map(to_val).collect();
        match func.call_to_vec(&mut store, &args) {
            Ok(_) | Err(Error::Trap(_)) => {}
            Err(e) => panic!("call {:?} failed without a trap: {e}", call.name),
        }
        // Each call gets a fresh budget, so a call that ran out does not starve the next.
        store.set_fuel(100_000).expect("fuel is on");
    }
});

fn to_val(v: &DiffValue) -> Val {
    match *v {
        DiffValue::I32(x) => Val::I32(x),
        DiffValue::I64(x) => Val::I64(x),
        DiffValue::F32(x) => Val::F32(x),
        DiffValue::F64(x) => Val::F64(x),
        DiffValue::FuncRef { .. } => Val::default_for(ValType::FuncRef),
        DiffValue::ExternRef { .. } => Val::default_for(ValType::ExternRef),
    }
}
