#!/bin/sh
# Builds the apps for wasm32-unknown-unknown, and the CoreMark-like kernel with clang, and precompiles them with
# `ember compile`. The .wasm and .ebc files are committed, so the firmware builds need no wasm toolchain. Run
# from anywhere.
set -eu
cd "$(dirname "$0")"
rustup target add wasm32-unknown-unknown
cargo build --release
(cd ../.. && cargo build --release --bin ember)
for app in blinky compute trap; do
  cp "target/wasm32-unknown-unknown/release/$app.wasm" "$app.wasm"
  ../../target/release/ember compile "$app.wasm" -o "$app.ebc"
done
# The CoreMark-like kernel of the benchmarks (benches/workloads/c/coremark.c) for the firmware's
# count-instructions: one 64 KiB page and a 2 KiB stack, so that its data fits the boards' small memories.
# Needs clang with the wasm32 target and lld.
clang --target=wasm32 -O2 -nostdlib -ffreestanding -Wl,--no-entry -Wl,--strip-debug -Wl,-z,stack-size=2048 \
  -Wl,--initial-memory=65536 -o coremark.wasm ../../benches/workloads/c/coremark.c ../../benches/workloads/c/mem.c
# count-instructions also runs images with fuel metering (the fuel consumed counts the wasm instructions).
for app in compute coremark; do
  ../../target/release/ember compile "$app.wasm" -o "$app.ebc"
  ../../target/release/ember compile --fuel "$app.wasm" -o "$app.fuel.ebc"
done
ls -l ./*.wasm ./*.ebc
