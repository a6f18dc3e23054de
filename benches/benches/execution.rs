//! Execution: one criterion group per workload, every engine (and native code) calling `run(n)` on an
//! instantiated module that has already run once (so lazy translators have translated what runs).

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
            let mut instance =
                engine.instantiate(w.wasm).unwrap_or_else(|e| panic!("{} {}: {e}", engine.name(), w.name));
            let got = instance.run(n).unwrap_or_else(|e| panic!("{} {}: {e}", engine.name(), w.name));
            assert_eq!(got, expected, "{} computes {}({n}) like native code", engine.name(), w.name);
            group.bench_function(engine.name(), |b| b.iter(|| instance.run(n).expect("no trap")));
        }
        group.bench_function("native", |b| b.iter(|| (w.native)(std::hint::black_box(n))));
        group.finish();
    }
}

criterion_group!(benches, execution);
criterion_main!(benches);
