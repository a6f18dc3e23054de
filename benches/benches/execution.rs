//! Execution: one criterion group per workload, every engine (and native code) calling `run(n)` on an
//! instantiated module that has already run once (so lazy translators have translated what runs). Then a
//! real programs without a native twin: the Lua 5.4 interpreter running a script (`execution/lua`) and SQLite
//! running queries on an in-memory database (`execution/sqlite`), where the engines' results are checked against
//! each other.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use ember_benches::{engines, quick, workloads};

fn execution(c: &mut Criterion) {
    let engines = engines::selected();
    for w in workloads::ALL {
        let n = w.input();
        let expected = (w.native)(n);
        let mut group = c.benchmark_group(format!("execution/{}", w.name));
        if !quick() {
            group
                .sampling_mode(SamplingMode::Flat)
                .sample_size(20)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(3));
        }
        for engine in &engines {
            let mut instance = match engine.instantiate(w.wasm) {
                Ok(instance) => instance,
                // wasm3 has no SIMD.
                Err(e) if w.simd => {
                    eprintln!("{} {}: not measured: {e}", engine.name(), w.name);
                    continue;
                }
                Err(e) => panic!("{} {}: {e}", engine.name(), w.name),
            };
            let got = instance.run(n).unwrap_or_else(|e| panic!("{} {}: {e}", engine.name(), w.name));
            assert_eq!(got, expected, "{} computes {}({n}) like native code", engine.name(), w.name);
            group.bench_function(engine.name(), |b| b.iter(|| instance.run(n).expect("no trap")));
        }
        group.bench_function("native", |b| b.iter(|| (w.native)(std::hint::black_box(n))));
        group.finish();
    }
    real_program(c, &workloads::LUA, if quick() { 1 } else { LUA_ROUNDS });
    // One round is ~150 ms in the interpreter; the smoke run only checks that every engine loads it and agrees.
    real_program(c, &workloads::SQLITE, if quick() { 0 } else { 1 });
}

/// Rounds of the Lua script per measured call: tens of milliseconds in an interpreter.
const LUA_ROUNDS: u32 = 3;

/// A long run of a real program: every engine runs `program`'s `run(n)` and must agree with the first.
fn real_program(c: &mut Criterion, program: &workloads::Runtime, n: u32) {
    let engines = engines::selected();
    let mut group = c.benchmark_group(format!("execution/{}", program.name));
    if !quick() {
        group
            .sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(5));
    }
    let mut expected = None;
    for engine in &engines {
        // wasm3's adapter cannot stub WASI imports; an engine that cannot load the program is left out.
        let mut instance = match engine.instantiate(program.wasm) {
            Ok(instance) => instance,
            Err(e) => {
                eprintln!("{} {}: not measured: {e}", engine.name(), program.name);
                continue;
            }
        };
        let got = instance.run(n).unwrap_or_else(|e| panic!("{} {}: {e}", engine.name(), program.name));
        let reference = *expected.get_or_insert(got);
        assert_eq!(got, reference, "{} computes {}({n}) like the first engine", engine.name(), program.name);
        group.bench_function(engine.name(), |b| b.iter(|| instance.run(n).expect("no trap")));
    }
    group.finish();
}

criterion_group!(benches, execution);
criterion_main!(benches);
