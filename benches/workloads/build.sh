#!/usr/bin/env bash
# Builds the workloads' wasm into benches/wasm/ (committed, so running the benchmarks needs no C compiler for
# wasm). Needs clang with the wasm32 target and lld; the zstd workload also needs wasi-libc
# (`clang --target=wasm32-wasi`) and the zstd sources, taken from the zstd-sys crate that benches/ depends on.
set -euo pipefail
cd "$(dirname "$0")"
out=../wasm
mkdir -p "$out"

# Kernels: freestanding, no libc, memory functions from mem.c.
for k in fib sieve crc32 matmul sort nbody mandelbrot sha256 coremark; do
  clang --target=wasm32 -O2 -nostdlib -ffreestanding -Wl,--no-entry -Wl,--strip-debug \
    -Wl,-z,stack-size=65536 -o "$out/$k.wasm" "c/$k.c" c/mem.c
done

# zstd: the library's C sources from the zstd-sys crate in Cargo's registry.
manifest=$(cd .. && cargo metadata --format-version 1 | python3 -c '
import json, sys
print(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "zstd-sys"))')
lib=$(dirname "$manifest")/zstd/lib
clang --target=wasm32-wasi -O2 -mexec-model=reactor -Wl,--strip-debug \
  -DZSTD_DISABLE_ASM -DZSTD_TRACE=0 -DDEBUGLEVEL=0 -DZSTD_LEGACY_SUPPORT=0 -DXXH_NAMESPACE=ZSTD_ \
  -I"$lib" -I"$lib/common" -o "$out/zstd.wasm" \
  c/zstd.c "$lib"/common/*.c "$lib"/compress/*.c "$lib"/decompress/*.c

ls -l "$out"
