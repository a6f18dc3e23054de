//! Ember's benchmark suite: the workloads (C compiled to wasm, and the same C compiled natively), and one
//! adapter per engine so that every criterion group runs all engines side by side on the same bytes.
//!
//! `cargo bench` (from `benches/`) runs three harnesses: `execution` (hot calls on an instantiated module),
//! `startup` (bytes to first instruction) and `translation` (Ember's translator and peers' compilers per wasm
//! code byte). `cargo run --release --bin bytecode-size` prints Ember's bytecode size per wasm byte, and
//! `cargo run --release --bin report` turns criterion's JSON into the tables and SVG charts of
//! `docs/benchmarks.md`. With `EMBER_BENCH_QUICK=1` every workload runs on a tiny input (CI's smoke run).
#![warn(missing_docs)]

pub mod engines;
pub mod native;
pub mod workloads;

/// Whether the quick mode is on (`EMBER_BENCH_QUICK` set to anything but `0`): tiny inputs, for smoke runs.
pub fn quick() -> bool {
    std::env::var_os("EMBER_BENCH_QUICK").is_some_and(|v| v != "0")
}
