#!/bin/sh
# Builds the fixture module and copies it to tests/programs/ember_test_programs.wasm (committed, so the
# tests of the root crate need no wasm toolchain). Run from anywhere.
set -eu
cd "$(dirname "$0")"
rustup target add wasm32-unknown-unknown
cargo build --release --target wasm32-unknown-unknown
cp target/wasm32-unknown-unknown/release/ember_test_programs.wasm ember_test_programs.wasm
ls -l ember_test_programs.wasm
