#!/usr/bin/env bash
# A fuzzing campaign for one target: a release build without sanitizer (the fast configuration; the CI
# smoke runs and `--dev` campaigns keep AddressSanitizer), at `nice -n 19` so it only takes idle CPU.
#
#   fuzz/campaign.sh TARGET [RUNS] [-- libFuzzer flags...]
#
# Stops after RUNS executions (default 10 million) or at the first finding, keeps the corpus in
# fuzz/corpus/TARGET (the committed seeds, fuzz/seeds/TARGET, are read too, never written), and appends a line
# with the execution count, rate and outcome to fuzz/campaign.log (not committed; docs/fuzzing.md records the
# campaigns). Builds with the `wasmtime` feature, so that the `differential` target compares Ember with
# wasmtime too (every target shares one build); `FEATURES=wasm3` (or `FEATURES=wasmtime,wasm3`) builds in wasm3
# instead, and `EMBER_FUZZ_ENGINES=wasm3` narrows `differential` to one peer:
# `FEATURES=wasm3 EMBER_FUZZ_ENGINES=wasm3 fuzz/campaign.sh differential 1000000`. The peer engines and
# Cranelift are built without coverage instrumentation (`rustc-peers-uninstrumented.sh` says why), into
# target/campaign; `INSTRUMENT_PEERS=1` instruments them too, into target/.
set -uo pipefail

# The whole script is one function, read before it runs: editing this file while a campaign runs (hours)
# cannot change what the running one does next.
campaign() {
    cd "$(dirname "$0")"
    target=${1:?usage: campaign.sh TARGET [RUNS] [-- libFuzzer flags]}
    runs=${2:-10000000}
    shift $(($# < 2 ? $# : 2))
    [ "${1:-}" = "--" ] && shift
    mkdir -p "corpus/$target" "artifacts/$target" logs
    log="logs/$target-$(date -u +%Y%m%dT%H%M%SZ).log"
    build=()
    if [ -z "${INSTRUMENT_PEERS:-}" ]; then
        export RUSTC_WRAPPER="$PWD/rustc-peers-uninstrumented.sh"
        build=(--target-dir target/campaign)
    fi
    # libFuzzer reads every corpus folder given and writes new inputs to the first one only.
    corpora=("corpus/$target")
    [ -d "seeds/$target" ] && corpora+=("seeds/$target")
    started=$(date +%s)
    nice -n 19 cargo +nightly fuzz run -O -s none --features "${FEATURES:-wasmtime}" "${build[@]}" "$target" "${corpora[@]}" -- \
        -runs="$runs" -timeout=30 -print_final_stats=1 "$@" >"$log" 2>&1
    status=$?
    seconds=$(($(date +%s) - started))
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$')
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$')
    if [ "$status" = 0 ]; then
        outcome="no finding"
    elif grep -q 'libFuzzer: run interrupted' "$log"; then
        outcome="interrupted, no finding"
    else
        outcome="stopped with status $status, see $log"
    fi
    echo "$(date -u +%F) $target execs=${execs:-?} execs/s=${rate:-?} seconds=$seconds $outcome" | tee -a campaign.log
    return "$status"
}
campaign "$@"
exit
