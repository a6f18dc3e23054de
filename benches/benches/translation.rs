//! Translation speed: Ember's translator over every defined function of a module already decoded and
//! validated, next to Ember's and wasmi's whole compile (decode + validate + eager translation). Criterion
//! reports throughput in wasm code bytes; `report` turns it into ns per wasm code byte.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use ember_benches::{quick, workloads};
use ember_interp::translate::{translate, TranslateOptions};

fn translate_all(info: &ember::ModuleInfo) -> usize {
    let first = info.num_imported_funcs;
    let mut units = 0;
    for i in 0..info.bodies.len() as u32 {
        units += translate(info, first + i, &TranslateOptions::default()).expect("translates").code_bytes();
    }
    units
}

fn translation(c: &mut Criterion) {
    let ember_engine = ember::Engine::default();
    let mut eager = ember::Config::default();
    eager.eager_translation(true);
    let ember_eager = ember::Engine::new(&eager);
    let mut wasmi_config = wasmi::Config::default();
    wasmi_config.compilation_mode(wasmi::CompilationMode::Eager);
    let wasmi_eager = wasmi::Engine::new(&wasmi_config);

    let targets: &[&workloads::Workload] =
        if quick() { &[workloads::small()] } else { &[workloads::large(), workloads::by_name("coremark").unwrap()] };
    for w in targets {
        let mut group = c.benchmark_group(format!("translation/{}", w.name));
        group.throughput(Throughput::Bytes(w.code_bytes() as u64));
        if !quick() {
            group
                .sampling_mode(SamplingMode::Flat)
                .sample_size(10)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(3));
        }
        let module = ember::Module::new(&ember_engine, w.wasm).expect("valid");
        group.bench_function("ember-translate", |b| b.iter(|| translate_all(module.info())));
        group.bench_function("ember-compile-eager", |b| {
            b.iter(|| {
                let module = ember::Module::new(&ember_eager, w.wasm).expect("valid");
                let mut store = ember::Store::new(&ember_eager, ());
                ember::Linker::new(&ember_eager).instantiate(&mut store, &module).expect("instantiates")
            })
        });
        group.bench_function("wasmi-compile-eager", |b| {
            b.iter(|| {
                let module = wasmi::Module::new(&wasmi_eager, w.wasm).expect("valid");
                let mut store = wasmi::Store::new(&wasmi_eager, ());
                wasmi::Linker::<()>::new(&wasmi_eager).instantiate_and_start(&mut store, &module).expect("instantiates")
            })
        });
        group.finish();
    }
}

criterion_group!(benches, translation);
criterion_main!(benches);
