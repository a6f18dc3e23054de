//! Startup: bytes to first instruction (compile, instantiate, call `ping`) for a small module (fib) and a large
//! one (zstd, ~450 KB of code), every engine; wasmtime compiles without a code cache. Then a cold short run per
//! workload: bytes to the checksum of one `run(n)` (compile, instantiate, run once), so compilation counts.
//! Last, a huge module (Lua's code repeated to 32 MiB, see `ember_benches::inflate`): bytes to the checksum of a
//! short Lua script (`startup/huge-lua`) and bytes to first instruction (`startup/huge-lua-ping`).

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode};
use ember_benches::engines::{self, Engine};
use ember_benches::{inflate, quick, workloads};

fn startup(c: &mut Criterion) {
    let engines = engines::selected();
    for (label, w) in [("small", workloads::small()), ("large", workloads::large())] {
        let mut group = c.benchmark_group(format!("startup/{label}-{}", w.name));
        if !quick() {
            group
                .sampling_mode(SamplingMode::Flat)
                .sample_size(10)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(3));
        }
        for engine in &engines {
            group.bench_function(engine.name(), |b| {
                b.iter(|| assert_eq!(engine.startup(w.wasm).expect("starts"), 1));
            });
        }
        group.finish();
    }
}

fn cold_run(c: &mut Criterion) {
    let engines = engines::selected();
    // The SIMD workloads are measured for execution only (not every engine runs them).
    for w in workloads::ALL.iter().filter(|w| !w.simd) {
        let n = w.input();
        let expected = (w.native)(n);
        let mut group = c.benchmark_group(format!("cold-run/{}", w.name));
        if !quick() {
            group
                .sampling_mode(SamplingMode::Flat)
                .sample_size(10)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(3));
        }
        for engine in &engines {
            group.bench_function(engine.name(), |b| {
                b.iter(|| {
                    let mut instance = engine.instantiate(w.wasm).expect("instantiates");
                    assert_eq!(instance.run(n).expect("no trap"), expected);
                });
            });
        }
        group.finish();
    }
}

/// The engines of the huge-module groups, in order. wasm3 is left out: its Rust binding links
/// only host functions whose types are known at compile time, so it cannot stub a module's imports
/// generically. `ember-jit` compiles every function it runs before running it, which the cold-run groups show.
/// Between iterations every engine settles (`Engine::settle`, untimed): a compilation `ember-auto-bg` left
/// running when its store dropped would otherwise compete with the next iteration, which a user running
/// one script in a fresh process never sees.
const HUGE_ENGINES: &[&str] = &["ember-interp", "ember-auto", "wasmi", "wasmtime", "ember-auto-bg"];

/// One timed iteration on an engine.
type Measure<'a> = &'a dyn Fn(&dyn Engine);

fn huge(c: &mut Criterion) {
    let lua = &workloads::LUA;
    let wasm = inflate::huge_module(lua.wasm, workloads::huge_code_bytes()).expect("lua.wasm parses");
    eprintln!(
        "startup/huge-{}: {} bytes, {} of code, {} functions",
        lua.name,
        wasm.len(),
        workloads::code_section_len(&wasm),
        inflate::defined_functions(&wasm).expect("the huge module parses"),
    );
    // Lua has no native twin: every engine must return the checksum of Ember's interpreter on the base module.
    let expected = engines::EmberInterp::new()
        .instantiate(lua.wasm)
        .and_then(|mut instance| instance.run(lua.n))
        .expect("lua runs in ember-interp");
    // Ember's default auto mode (background tier-up) too: this is the startup a user gets.
    let mut engines = engines::all();
    engines.push(Box::new(engines::EmberAuto::background()));
    engines.retain(|e| HUGE_ENGINES.contains(&e.name()) && engines::is_selected(e.name()));
    engines.sort_by_key(|e| HUGE_ENGINES.iter().position(|&n| n == e.name()));
    let measures: [(&str, Measure); 2] = [
        ("-ping", &|engine| assert_eq!(engine.startup(&wasm).expect("starts"), 1)),
        ("", &|engine| {
            let mut instance = engine.instantiate(&wasm).expect("instantiates");
            assert_eq!(instance.run(lua.n).expect("no trap"), expected, "{} agrees", engine.name());
        }),
    ];
    for (suffix, measure) in measures {
        let mut group = c.benchmark_group(format!("startup/huge-{}{suffix}", lua.name));
        if !quick() {
            // wasmtime compiles for half a minute per iteration: the fewest samples criterion takes, and no
            // more warm-up than one iteration.
            group
                .sampling_mode(SamplingMode::Flat)
                .sample_size(10)
                .warm_up_time(Duration::from_millis(1))
                .measurement_time(Duration::from_secs(3));
        }
        for engine in &engines {
            group.bench_function(engine.name(), |b| {
                b.iter_batched(|| engine.settle(), |()| measure(engine.as_ref()), BatchSize::PerIteration)
            });
        }
        group.finish();
    }
}

criterion_group!(benches, startup, cold_run, huge);
criterion_main!(benches);
