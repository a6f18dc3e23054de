#!/bin/sh
# Builds the WASI test programs into the committed fixtures of tests/wasi/ (so that `cargo test` needs no wasm
# toolchain). Needs Debian's clang, lld, wasi-libc and libclang-rt-dev-wasm32, and rustup. Run from anywhere.
set -eu
cd "$(dirname "$0")"

# C, against wasi-libc.
clang --target=wasm32-wasi -O2 -s -Wall -Werror c/wasi_c.c -o wasi_c.wasm

# Rust, with std for wasm32-wasip1.
rustup target add wasm32-wasip1
(cd rust && cargo build --release --target wasm32-wasip1)
cp rust/target/wasm32-wasip1/release/wasi-rust.wasm wasi_rust.wasm

ls -l ./*.wasm
