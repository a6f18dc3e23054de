#!/bin/sh
# Builds the apps for wasm32-unknown-unknown and precompiles them with `ember compile`. The .wasm and .ebc
# files are committed, so the firmware builds need no wasm toolchain. Run from anywhere.
set -eu
cd "$(dirname "$0")"
rustup target add wasm32-unknown-unknown
cargo build --release
(cd ../.. && cargo build --release --bin ember)
for app in blinky compute trap; do
  cp "target/wasm32-unknown-unknown/release/$app.wasm" "$app.wasm"
  ../../target/release/ember compile "$app.wasm" -o "$app.ebc"
done
ls -l ./*.wasm ./*.ebc
