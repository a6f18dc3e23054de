#!/usr/bin/env bash
# Builds the workloads' wasm into benches/wasm/ (committed, so running the benchmarks needs no C compiler for
# wasm). Needs clang with the wasm32 target and lld; the zstd workload also needs wasi-libc
# (`clang --target=wasm32-wasi`) and the zstd sources, taken from the zstd-sys crate that benches/ depends on;
# the lua workload needs wasi-libc's emulated signals and the Lua sources of the lua-src crate (a dev-dependency);
# the sqlite workload, SQLite's amalgamation from the libsqlite3-sys crate (an optional dependency, never built).
set -euo pipefail
cd "$(dirname "$0")"
out=../wasm
mkdir -p "$out"

# Kernels: freestanding, no libc, memory functions from mem.c.
for k in fib sieve crc32 matmul sort nbody mandelbrot sha256 coremark blur; do
  clang --target=wasm32 -O2 -nostdlib -ffreestanding -Wl,--no-entry -Wl,--strip-debug \
    -Wl,-z,stack-size=65536 -o "$out/$k.wasm" "c/$k.c" c/mem.c
done

# The directory of a crate that benches/ depends on, in Cargo's registry.
crate_dir() {
  (cd .. && cargo metadata --all-features --format-version 1) | python3 -c '
import json, os, sys
print(os.path.dirname(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == sys.argv[1])))' "$1"
}

# zstd: the library's C sources from the zstd-sys crate.
lib=$(crate_dir zstd-sys)/zstd/lib
clang --target=wasm32-wasi -O2 -mexec-model=reactor -Wl,--strip-debug \
  -DZSTD_DISABLE_ASM -DZSTD_TRACE=0 -DDEBUGLEVEL=0 -DZSTD_LEGACY_SUPPORT=0 -DXXH_NAMESPACE=ZSTD_ \
  -I"$lib" -I"$lib/common" -o "$out/zstd.wasm" \
  c/zstd.c "$lib"/common/*.c "$lib"/compress/*.c "$lib"/decompress/*.c

# lua: Lua 5.4 from the lua-src crate, as a reactor. No setjmp/longjmp on WASI: lua-shim/setjmp.h provides the
# type and a Lua error traps (see c/lua.c). lua.c, luac.c and onelua.c are programs, not library sources.
lua=$(crate_dir lua-src)/lua-5.4.9
# shellcheck disable=SC2046
clang --target=wasm32-wasi -O2 -mexec-model=reactor -Wl,--strip-debug -w -Ic/lua-shim -I"$lua" \
  '-DLUAI_THROW(L,c)=__builtin_trap()' '-DLUAI_TRY(L,c,a)={a}' '-Dluai_jmpbuf=int' -D_WASI_EMULATED_SIGNAL \
  -o "$out/lua.wasm" c/lua.c $(ls "$lua"/*.c | grep -v -E '/(lua|luac|onelua)\.c$') -lwasi-emulated-signal

# SIMD: the image filter with wasm_simd128.h (its scalar twin is blur.wasm, above), and zstd built with
# -msimd128 (the compiler's vectorised loops in a real library).
clang --target=wasm32 -O2 -msimd128 -nostdlib -ffreestanding -Wl,--no-entry -Wl,--strip-debug \
  -Wl,-z,stack-size=65536 -o "$out/blur-simd.wasm" c/blur.c c/mem.c
clang --target=wasm32-wasi -O2 -msimd128 -mexec-model=reactor -Wl,--strip-debug \
  -DZSTD_DISABLE_ASM -DZSTD_TRACE=0 -DDEBUGLEVEL=0 -DZSTD_LEGACY_SUPPORT=0 -DXXH_NAMESPACE=ZSTD_ \
  -I"$lib" -I"$lib/common" -o "$out/zstd-simd.wasm" \
  c/zstd.c "$lib"/common/*.c "$lib"/compress/*.c "$lib"/decompress/*.c

ls -l "$out"

# sqlite: SQLite's amalgamation from the libsqlite3-sys crate, as a reactor with no file system (see c/sqlite.c).
sqlite=$(crate_dir libsqlite3-sys)/sqlite3
clang --target=wasm32-wasi -O2 -mexec-model=reactor -Wl,--strip-debug -w -I"$sqlite" \
  -DSQLITE_OS_OTHER=1 -DSQLITE_THREADSAFE=0 -DSQLITE_TEMP_STORE=3 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_WAL \
  -DSQLITE_DEFAULT_MEMSTATUS=0 -DSQLITE_OMIT_DEPRECATED -DSQLITE_OMIT_SHARED_CACHE -DSQLITE_OMIT_PROGRESS_CALLBACK \
  -o "$out/sqlite.wasm" c/sqlite.c "$sqlite/sqlite3.c"
