//! Startup: bytes to first instruction (compile, instantiate, call `ping`) for a small module (fib) and a large
//! one (zstd, ~450 KB of code), every engine; wasmtime compiles without a code cache. Then a cold short run per
//! workload: bytes to the checksum of one `run(n)` (compile, instantiate, run once), so compilation counts.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use ember_benches::{engines, quick, workloads};

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
    for w in workloads::ALL {
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

criterion_group!(benches, startup, cold_run);
criterion_main!(benches);
