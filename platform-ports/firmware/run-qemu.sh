#!/usr/bin/env bash
# Builds the example firmware for the three boards, runs each in QEMU and checks what it prints:
#   Cortex-M3 (lm3s6965evb) and Cortex-M0 (micro:bit): precompiled images executed in place from flash;
#   Cortex-M4F (mps2-an386): precompiled images, and the .wasm validated and translated on the device.
# The images are first rebuilt from the committed .wasm with this checkout's `ember compile` (EMBER, default
# ../../target/release/ember), so they always match the interpreter's instruction set.
set -euo pipefail
cd "$(dirname "$0")"
ember=${EMBER:-../../target/release/ember}
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -x "$ember" ] || (cd ../.. && cargo build --release --bin ember)

for app in blinky compute trap; do
  "$ember" compile "../apps/$app.wasm" -o "../apps/$app.ebc"
done

expect() { # transcript line
  grep -qxF "$2" <<<"$1" || fail "missing line: $2"
}

run_board() { # target [features]
  local target=$1 features=${2:-} out status=0
  echo "--- $target ${features:+(features: $features)}"
  cargo build --quiet --release --target "$target" ${features:+--features "$features"}
  out=$(timeout 60 cargo run --quiet --release --target "$target" ${features:+--features "$features"} 2>&1) || status=$?
  printf '%s\n' "$out" | grep -v '^Timer with period zero' | sed 's/^/    /'
  [ "$status" -eq 0 ] || fail "$target exited with status $status"
  expect "$out" "blinky: 6 toggles"
  [ "$(grep -cxF 'led: on' <<<"$out")" -eq 6 ] || fail "expected 3 'led: on' lines per blinky run, 6 in all"
  expect "$out" "compute: crc32 of sorted data = 0xb56bdd69"   # printed through WASI (fd_write)
  expect "$out" "compute: returned 0xb56bdd69"
  expect "$out" "trap: app trapped (trap: out of bounds memory access); firmware keeps running"
  expect "$out" "blinky again: 6 toggles"
}

run_board thumbv7m-none-eabi
run_board thumbv6m-none-eabi
run_board thumbv7em-none-eabihf
run_board thumbv7em-none-eabihf validate
echo "firmware runs passed"
