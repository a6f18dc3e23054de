//! The same generated module and calls on Ember's interpreter (the reference) and on another engine chosen by
//! the fuzzer (Ember with eager translation, Ember's native tiers, wasmi, wasmtime with the `wasmtime` feature):
//! results, traps, exported globals and memories must agree. Stack exhaustion may differ; such runs are counted
//! and reported every 2^k executions on stderr.
#![no_main]

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use arbitrary::Unstructured;
use ember_fuzz::{compare_module, plan_calls, EmberEngine, ENGINES};
use libfuzzer_sys::fuzz_target;

static RUNS: AtomicU64 = AtomicU64::new(0);
static COMPARED: AtomicU64 = AtomicU64::new(0);
static CALLS: AtomicU64 = AtomicU64::new(0);
static TRAPS: AtomicU64 = AtomicU64::new(0);
static STACK_OVERFLOWS: AtomicU64 = AtomicU64::new(0);

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(kind) = u.choose(ENGINES) else { return };
    let Ok(wasm) = kind.module(&mut u) else { return };
    let Ok(calls) = plan_calls(&mut u, &wasm, 3) else { return };
    let mut other = kind.build();
    match compare_module(&mut EmberEngine::interpreter(), other.as_mut(), &wasm, &calls) {
        Ok(agreement) => {
            COMPARED.fetch_add(u64::from(!agreement.rejected), Relaxed);
            CALLS.fetch_add(agreement.calls as u64, Relaxed);
            TRAPS.fetch_add(agreement.traps as u64, Relaxed);
            STACK_OVERFLOWS.fetch_add(u64::from(agreement.stack_overflow), Relaxed);
        }
        Err(divergence) => panic!("Ember vs {}: {divergence}", other.name()),
    }
    let runs = RUNS.fetch_add(1, Relaxed) + 1;
    if runs.is_power_of_two() && runs >= 1024 {
        eprintln!(
            "differential: {runs} runs, {} modules compared, {} calls agreed ({} traps), {} stack-exhaustion \
             differences allowed",
            COMPARED.load(Relaxed),
            CALLS.load(Relaxed),
            TRAPS.load(Relaxed),
            STACK_OVERFLOWS.load(Relaxed)
        );
    }
});
