#!/usr/bin/env bash
# Counts the Arm instructions Ember executes per executed wasm instruction on the Cortex-M boards, with both
# dispatch backends: builds the `count-instructions` firmware (src/bin/count-instructions.rs) for each target
# and backend, runs it in QEMU with `-icount shift=0` (1 ns of virtual time per guest instruction, timed by
# SysTick) and prints a table. The M0 (thumbv6m) runs only the portable loop: threaded dispatch is not
# possible on Thumb-1 (see interp/build.rs).
#
# The images are first rebuilt from the committed .wasm with this checkout's `ember compile` (EMBER, default
# ../../target/release/ember), plain and with fuel metering (`--fuel`: the fuel consumed counts the wasm
# instructions). Each backend builds in its own target directory (target/count-loop, target/count-threaded),
# as EMBER_DISPATCH decides at build time.
set -euo pipefail
cd "$(dirname "$0")"
ember=${EMBER:-../../target/release/ember}
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -x "$ember" ] || (cd ../.. && cargo build --release --bin ember)

for app in compute coremark; do
  "$ember" compile "../apps/$app.wasm" -o "../apps/$app.ebc"
  "$ember" compile --fuel "../apps/$app.wasm" -o "../apps/$app.fuel.ebc"
done

qemu_args() { # target
  case $1 in
    thumbv7m-none-eabi) echo "-cpu cortex-m3 -machine lm3s6965evb" ;;
    thumbv7em-none-eabihf) echo "-cpu cortex-m4 -machine mps2-an386" ;;
    thumbv6m-none-eabi) echo "-cpu cortex-m0 -machine microbit" ;;
  esac
}

# ratio PREFIX TEXT: the first number with two decimals on the line of TEXT holding PREFIX
ratio() { grep -F "$1" <<<"$2" | head -1 | sed -E 's/.*: ([0-9]+\.[0-9]+).*/\1/'; }

rows=()
run() { # target dispatch
  local target=$1 dispatch=$2 dir=target/count-$2 out status=0
  echo "--- $target, dispatch $dispatch" >&2
  EMBER_DISPATCH=$dispatch CARGO_TARGET_DIR=$dir cargo build --quiet --release --target "$target" \
    --bin count-instructions
  # shellcheck disable=SC2046
  out=$(timeout 300 qemu-system-arm $(qemu_args "$target") -nographic -semihosting-config enable=on,target=native \
    -icount shift=0 -kernel "$dir/$target/release/count-instructions" 2>&1) || status=$?
  printf '%s\n' "$out" | grep -v '^Timer with period zero' | sed 's/^/    /' >&2
  [ "$status" -eq 0 ] || fail "$target ($dispatch) exited with status $status"
  grep -qF "dispatch $dispatch" <<<"$out" || fail "$target: built with the wrong dispatch backend"
  rows+=("| $target | $dispatch | $(ratio 'compute: instructions per' "$out") | $(ratio 'coremark: instructions per' "$out") \
| $(ratio 'compute: with fuel' "$out") | $(ratio 'coremark: with fuel' "$out") \
| $(grep -F 'host call' <<<"$out" | sed -E 's/.*: ([0-9.]+) arm.*/\1/') |")
}

run thumbv7em-none-eabihf threaded
run thumbv7em-none-eabihf loop
run thumbv7m-none-eabi threaded
run thumbv7m-none-eabi loop
run thumbv6m-none-eabi loop

echo
echo "Arm instructions per executed wasm instruction (QEMU -icount shift=0; $(qemu-system-arm --version | head -1))"
echo
echo "| target | dispatch | compute | coremark | compute, fuel metered | coremark, fuel metered | host call (Arm instructions) |"
echo "|---|---|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
