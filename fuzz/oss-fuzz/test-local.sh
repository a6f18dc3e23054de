#!/usr/bin/env bash
# Runs build.sh outside OSS-Fuzz, with the variables OSS-Fuzz sets (SRC, OUT, WORK, SANITIZER=address, CFLAGS,
# CXXFLAGS, RUSTFLAGS) pointing at temporary folders and this checkout, then runs every target it produced on
# its seed corpus for a few seconds, with its .options and .dict as ClusterFuzz would. Fails on a missing
# binary, seed corpus or options file and on any run that does not end cleanly.
#
#   fuzz/oss-fuzz/test-local.sh [SECONDS]      (default 5 seconds per target)
#
# Needs nightly and cargo-fuzz. The build goes to fuzz/target/ (release, AddressSanitizer, debug assertions),
# like `cargo +nightly fuzz build -O --debug-assertions`; KEEP=1 keeps the temporary folders.
set -euo pipefail

seconds=${1:-5}
repo=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ember-oss-fuzz.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT

export EMBER_SRC=$repo SRC=$repo OUT=$tmp/out WORK=$tmp/work
export SANITIZER=address
# OSS-Fuzz's flags for C and C++ code, without its sanitizer ones (-fsanitize=address,fuzzer-no-link) and with
# `-g` for clang's `-gline-tables-only`, which GCC refuses: the only C++ built here is libFuzzer itself
# (libfuzzer-sys, which adds -fsanitize=address), by whatever compiler is installed.
export CFLAGS="-O1 -fno-omit-frame-pointer -g -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
export CXXFLAGS="$CFLAGS"
# OSS-Fuzz's RUSTFLAGS also carry -Zsanitizer=$SANITIZER, which cargo-fuzz adds itself for the address build; and
# OSS-Fuzz links its own libFuzzer (CUSTOM_LIBFUZZER_PATH), where this build compiles libfuzzer-sys's.
export RUSTFLAGS="--cfg fuzzing -Cdebuginfo=1 -Cforce-frame-pointers"
export RUSTUP_TOOLCHAIN=${RUSTUP_TOOLCHAIN:-nightly}
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}
mkdir -p "$OUT" "$WORK"

started=$(date +%s)
bash "$repo/fuzz/oss-fuzz/build.sh"
echo "build: $(($(date +%s) - started)) s"

targets=()
for source in "$repo"/fuzz/fuzz_targets/*.rs; do
    targets+=("$(basename "$source" .rs)")
done
[ "${#targets[@]}" -gt 0 ] || { echo "no fuzz targets found" >&2; exit 1; }

summary=()
for target in "${targets[@]}"; do
    for file in "$target" "${target}_seed_corpus.zip" "$target.options"; do
        [ -s "$OUT/$file" ] || { echo "missing \$OUT/$file" >&2; exit 1; }
    done
    [ -x "$OUT/$target" ] || { echo "\$OUT/$target is not executable" >&2; exit 1; }
    # ClusterFuzz unpacks the seed corpus and passes the options file's [libfuzzer] keys as flags.
    corpus=$WORK/corpus/$target
    mkdir -p "$corpus" "$WORK/artifacts/$target"
    unzip -q -o "$OUT/${target}_seed_corpus.zip" -d "$corpus"
    seeds=$(find "$corpus" -type f | wc -l)
    [ "$seeds" -gt 0 ] || { echo "$target: empty seed corpus" >&2; exit 1; }
    flags=()
    while IFS= read -r line; do
        case "$line" in
            *=*) flags+=("-$(echo "${line%%=*}" | tr -d ' ')=$(echo "${line#*=}" | tr -d ' ')") ;;
        esac
    done < <(sed -n '/^\[libfuzzer\]/,/^\[/p' "$OUT/$target.options")
    [ -f "$OUT/$target.dict" ] && flags+=("-dict=$OUT/$target.dict")
    log=$WORK/$target.log
    echo "== $target: $seeds seeds, ${flags[*]}, $seconds s"
    if ! "$OUT/$target" "$corpus" "${flags[@]}" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 \
        -print_final_stats=1 -artifact_prefix="$WORK/artifacts/$target/" >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        echo "$target: run failed (log above; KEEP=1 keeps $WORK)" >&2
        exit 1
    fi
    grep -q 'Done [0-9]* runs' "$log" || { tail -n 20 "$log" >&2; echo "$target: no final line" >&2; exit 1; }
    if [ -f "$OUT/$target.dict" ] && ! grep -q 'Dictionary: [1-9][0-9]* entries' "$log"; then
        echo "$target: dictionary not loaded" >&2
        exit 1
    fi
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    summary+=("$target: $execs executions in $seconds s from $seeds seeds")
    echo "${summary[-1]}"
done
echo "ok: ${#targets[@]} targets built and run"
printf '  %s\n' "${summary[@]}"
