//! The same generated module and calls on Ember's interpreter (the reference) and on another engine chosen by
//! the fuzzer (Ember with eager translation, Ember's native tiers, wasmi, wasmtime with the `wasmtime` feature,
//! wasm3 with the `wasm3` feature; `EMBER_FUZZ_ENGINES` narrows the choice):
//! results, traps, exported globals and memories must agree. Stack exhaustion may differ; such runs are counted
//! and reported every 2^k executions on stderr.
//!
//! A panic inside a peer engine (wasmi, wasmtime, wasm3's Rust bindings) is that engine's bug, not Ember's: it is
//! counted and reported, and the campaign goes on. A panic anywhere else (Ember) is a finding.
#![no_main]

use std::panic::{self, AssertUnwindSafe, PanicHookInfo};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Once, OnceLock};

use arbitrary::Unstructured;
use ember_fuzz::{compare_module, engines_from_env, plan_calls, EmberEngine, EngineKind};
use libfuzzer_sys::fuzz_target;

static RUNS: AtomicU64 = AtomicU64::new(0);
static COMPARED: AtomicU64 = AtomicU64::new(0);
static CALLS: AtomicU64 = AtomicU64::new(0);
static TRAPS: AtomicU64 = AtomicU64::new(0);
static STACK_OVERFLOWS: AtomicU64 = AtomicU64::new(0);
static PEER_PANICS: AtomicU64 = AtomicU64::new(0);
static UNSUPPORTED: AtomicU64 = AtomicU64::new(0);

/// The engines to compare with: every one built in, or those `EMBER_FUZZ_ENGINES` names (a campaign against one
/// peer: `EMBER_FUZZ_ENGINES=wasm3`).
fn engines() -> &'static [EngineKind] {
    static ENGINES: OnceLock<Vec<EngineKind>> = OnceLock::new();
    ENGINES.get_or_init(|| {
        // A misnamed engine is a mistake in the campaign's setup, not a finding: say so and stop.
        engines_from_env().unwrap_or_else(|message| {
            eprintln!("differential: {message}");
            std::process::exit(2)
        })
    })
}

/// Whether a panic was raised in a peer engine's own code: a source file of one of its crates (`wasmi-2.0.0/`,
/// `wasmi_core-*/`, `wasmtime-*/`, `wasm3-*/`; not the oracle's adapters, `oracle/src/wasmi.rs`).
fn in_peer_engine(info: &PanicHookInfo<'_>) -> bool {
    let peers = ["/wasmi-", "/wasmi_", "/wasmtime-", "/wasm3-"];
    info.location().is_some_and(|l| peers.iter().any(|peer| l.file().contains(peer)))
}

/// Lets panics of peer engines unwind (to be caught and counted) and hands every other panic to the hook
/// already installed (libFuzzer's, which aborts: a finding).
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let finding = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if in_peer_engine(info) {
                eprintln!("differential: a peer engine panicked (its bug, not Ember's): {info}");
            } else {
                finding(info);
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(kind) = u.choose(engines()) else { return };
    let Ok(wasm) = kind.module(&mut u) else { return };
    let Ok(calls) = plan_calls(&mut u, &wasm, 3) else { return };
    let mut other = kind.build();
    install_panic_hook();
    let compared = panic::catch_unwind(AssertUnwindSafe(|| {
        compare_module(&mut EmberEngine::interpreter(), other.as_mut(), &wasm, &calls)
    }));
    let Ok(compared) = compared else {
        // Only a peer engine's panic gets here (any other aborted in the hook).
        PEER_PANICS.fetch_add(1, Relaxed);
        return;
    };
    match compared {
        Ok(agreement) => {
            COMPARED.fetch_add(u64::from(!agreement.rejected && !agreement.unsupported), Relaxed);
            UNSUPPORTED.fetch_add(u64::from(agreement.unsupported), Relaxed);
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
             differences allowed, {} peer-engine panics, {} modules a peer does not support",
            COMPARED.load(Relaxed),
            CALLS.load(Relaxed),
            TRAPS.load(Relaxed),
            STACK_OVERFLOWS.load(Relaxed),
            PEER_PANICS.load(Relaxed),
            UNSUPPORTED.load(Relaxed)
        );
    }
});
