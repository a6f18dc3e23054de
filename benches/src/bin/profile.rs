//! A target for valgrind: `profile WORKLOAD ENGINE RUNS` instantiates the workload on the engine, runs it once
//! (so lazy translation is done) and then RUNS more times. Under `valgrind --tool=cachegrind --cache-sim=no`, the
//! difference between RUNS=2 and RUNS=1 is the instruction count of one hot run (see `profile.sh`).
//!
//! `profile WORKLOAD translate RUNS` runs Ember's translator RUNS times over every defined function instead.
//! `profile WORKLOAD code-bytes` prints the size of its code section; `profile WORKLOAD wasm-ops` prints how
//! many wasm instructions one run executes (Ember's fuel counter).

use ember_benches::{engines, workloads};
use ember_interp::translate::{translate, TranslateOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [workload, engine, rest @ ..] = args.as_slice() else {
        eprintln!("usage: profile WORKLOAD (ENGINE|native|translate) RUNS | profile WORKLOAD (wasm-ops|code-bytes)");
        std::process::exit(2);
    };
    let w = workloads::by_name(workload).unwrap_or_else(|| panic!("no workload {workload}"));
    let n = w.input();
    if engine == "code-bytes" {
        println!("{}", w.code_bytes());
        return;
    }
    if engine == "wasm-ops" {
        println!("{}", wasm_ops(w.wasm, n));
        return;
    }
    let runs: u32 = rest.first().map(|r| r.parse().expect("RUNS is a number")).unwrap_or(1);
    if engine == "translate" {
        let module = ember::Module::new(&ember::Engine::default(), w.wasm).expect("valid");
        let info = module.info();
        for _ in 0..runs {
            for i in 0..info.bodies.len() as u32 {
                let index = info.num_imported_funcs + i;
                std::hint::black_box(translate(info, index, &TranslateOptions::default()).expect("translates"));
            }
        }
        return;
    }
    if engine == "native" {
        for _ in 0..=runs {
            std::hint::black_box((w.native)(std::hint::black_box(n)));
        }
        return;
    }
    let mut all = engines::all();
    all.push(Box::new(engines::EmberAuto::profiled_only()));
    let engine = all.into_iter().find(|e| e.name() == engine).unwrap_or_else(|| panic!("no engine {engine}"));
    let mut instance = engine.instantiate(w.wasm).expect("instantiates");
    for _ in 0..=runs {
        instance.run(n).expect("runs");
    }
}

/// Wasm instructions executed by one run: Ember charges one unit of fuel per wasm instruction.
fn wasm_ops(wasm: &[u8], n: u32) -> u64 {
    let mut config = ember::Config::default();
    config.consume_fuel(true);
    let engine = ember::Engine::new(&config);
    let module = ember::Module::new(&engine, wasm).expect("valid");
    let mut store = ember::Store::new(&engine, ());
    store.set_fuel(u64::MAX).expect("fuel is on");
    let instance = ember::Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
    if let Ok(init) = instance.get_typed_func::<(), ()>(&store, "_initialize") {
        init.call(&mut store, ()).expect("initializes");
    }
    let run = instance.get_typed_func::<i32, i32>(&store, "run").expect("run");
    let before = store.get_fuel().expect("fuel is on");
    run.call(&mut store, n as i32).expect("runs");
    before - store.get_fuel().expect("fuel is on")
}
