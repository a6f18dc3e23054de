#!/usr/bin/env bash
# Machine instructions per executed wasm instruction, per engine and workload, from cachegrind instruction
# counts (repeatable, unlike timings on a busy machine). Usage: ./profile.sh [WORKLOAD...]
# Needs valgrind; builds the `profile` binary in release mode. Writes cachegrind.out.* files to target/profile/.
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --bin profile -q
bin=target/release/profile
out=target/profile
mkdir -p "$out"
engines=${ENGINES:-"ember-interp wasmi wasm3 native"}
workloads=${*:-"fib sieve crc32 matmul sort nbody mandelbrot sha256 coremark zstd"}

instructions() { # WORKLOAD ENGINE RUNS -> total instructions
  local file="$out/cachegrind.out.$1.$2.$3"
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$file" "$bin" "$1" "$2" "$3" 2>/dev/null
  awk '/^summary:/ { print $2 }' "$file"
}

printf '| workload | wasm instructions |'; for e in $engines; do printf ' %s |' "$e"; done; echo
printf '|---|---:|'; for e in $engines; do printf -- '---:|'; done; echo
for w in $workloads; do
  ops=$("$bin" "$w" wasm-ops)
  printf '| %s | %s |' "$w" "$ops"
  for e in $engines; do
    one=$(instructions "$w" "$e" 1)
    two=$(instructions "$w" "$e" 2)
    printf ' %.1f |' "$(echo "($two - $one) / $ops" | bc -l)"
  done
  echo
done

# Ember's translator: instructions per byte of wasm code (two translations minus one, over the code section).
if [ -z "${SKIP_TRANSLATE:-}" ]; then
  echo
  echo '| module | wasm code bytes | translator instructions / wasm byte |'
  echo '|---|---:|---:|'
  for w in zstd coremark; do
    one=$(instructions "$w" translate 1)
    two=$(instructions "$w" translate 2)
    bytes=$("$bin" "$w" code-bytes)
    printf '| %s | %s | %.0f |\n' "$w" "$bytes" "$(echo "($two - $one) / $bytes" | bc -l)"
  done
fi
