#!/usr/bin/env bash
# A RUSTC_WRAPPER for fuzz campaigns (`campaign.sh` sets it): compiles the peer engines (wasmtime, wasmi) and
# Cranelift without libFuzzer's coverage instrumentation, every other crate as cargo-fuzz asks.
#
# Why: after every run libFuzzer scans all coverage counters and every instrumented comparison calls into its
# tracing hooks; with wasmtime and Cranelift instrumented that overhead took about half of `differential`'s time,
# and their coverage only steers the fuzzer towards the peers' code. Ember's own crates (and wasmparser and
# wasm-smith) stay instrumented, so the search is guided by Ember's code. Cranelift is Ember's native code
# generator too: Ember's translation to Cranelift IR (ember-tier-up) stays instrumented, Cranelift itself does
# not. Someone fuzzing a peer with Ember as the oracle wants the peer's coverage: `INSTRUMENT_PEERS=1
# campaign.sh ...` leaves this wrapper out.
rustc=$1
shift
crate=
previous=
for arg in "$@"; do
    [ "$previous" = --crate-name ] && crate=$arg
    previous=$arg
done
case $crate in
    wasmtime* | cranelift* | wasmi* | pulley* | regalloc2) ;;
    *) exec "$rustc" "$@" ;;
esac
kept=()
for arg in "$@"; do
    case $arg in
        -Cpasses=sancov-module | -Cllvm-args=-sanitizer-coverage-*) ;;
        *) kept+=("$arg") ;;
    esac
done
exec "$rustc" "${kept[@]}"
