#!/bin/bash -eu
# Builds Ember's fuzz targets the way OSS-Fuzz and ClusterFuzzLite expect (their Rust convention): every
# target of fuzz/fuzz_targets/ as a libFuzzer binary in $OUT, with $OUT/TARGET_seed_corpus.zip (from
# fuzz/seeds/TARGET/), $OUT/TARGET.options and, for the targets that read raw WebAssembly, $OUT/TARGET.dict.
#
# Inside gcr.io/oss-fuzz-base/base-builder-rust the environment gives $SRC, $OUT, $SANITIZER, $CFLAGS,
# $CXXFLAGS and $RUSTFLAGS, nightly is the default toolchain, and the image's `cargo` wrapper turns
# `cargo fuzz build` into a coverage build when SANITIZER=coverage. Outside it, set the same variables
# (fuzz/oss-fuzz/test-local.sh does, with RUSTUP_TOOLCHAIN=nightly).
#
#   EMBER_SRC            the checkout (default: $SRC/ember)
#   EMBER_FUZZ_FEATURES  extra cargo features of the fuzz targets, e.g. `wasmtime` (default: none; the
#                        default features, Ember's native tiers, are always in)
#
# The default build compares Ember with its own configurations, its native tiers and wasmi in `differential`;
# wasmtime is left out (its build and Cranelift's twice would double the build time and the binary size).

set -euo pipefail   # also when run as `bash build.sh`, which ignores the flags of the first line

root=${EMBER_SRC:-$SRC/ember}
: "${OUT:?OUT must name the output folder}"
sanitizer=${SANITIZER:-address}
features=${EMBER_FUZZ_FEATURES:-}
here="$root/fuzz/oss-fuzz"

cd "$root/fuzz"

# cargo-fuzz's --sanitizer knows address, leak, memory and thread; OSS-Fuzz's other configurations
# (undefined, coverage, introspector...) build without one (coverage is handled by the image's cargo wrapper).
case "$sanitizer" in
    address | leak | memory | thread) cargo_sanitizer=$sanitizer ;;
    *) cargo_sanitizer=none ;;
esac

args=(-O --debug-assertions --sanitizer "$cargo_sanitizer")
[ -n "$features" ] && args+=(--features "$features")
cargo fuzz build "${args[@]}"

bin_dir=target/x86_64-unknown-linux-gnu/release
mkdir -p "$OUT"
targets=()
for source in fuzz_targets/*.rs; do
    targets+=("$(basename "$source" .rs)")
done
for target in "${targets[@]}"; do
    cp "$bin_dir/$target" "$OUT/$target"
    if [ -d "seeds/$target" ]; then
        rm -f "$OUT/${target}_seed_corpus.zip"
        (cd "seeds/$target" && zip -q -j -r "$OUT/${target}_seed_corpus.zip" .)
    fi
    cp "$here/fuzz.options" "$OUT/$target.options"
done
# Only `validate` reads raw WebAssembly bytes (in half of its inputs); the other targets read bytes that
# wasm-smith or the image harness turn into choices, where a dictionary of wasm tokens does not help.
cp "$here/wasm.dict" "$OUT/validate.dict"
echo "built ${targets[*]} into $OUT (sanitizer $cargo_sanitizer${features:+, features $features})"
