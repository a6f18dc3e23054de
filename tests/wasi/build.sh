#!/bin/sh
# Builds the WASI test programs into the committed fixtures of tests/wasi/ (so that `cargo test` needs no wasm
# toolchain). Needs Debian's clang, lld, wasi-libc and libclang-rt-dev-wasm32, rustup, and cargo to fetch the
# lua-src crate. Run from anywhere.
set -eu
cd "$(dirname "$0")"

# C, against wasi-libc.
clang --target=wasm32-wasi -O2 -s -Wall -Werror c/wasi_c.c -o wasi_c.wasm

# Rust, with std for wasm32-wasip1.
rustup target add wasm32-wasip1
(cd rust && cargo build --release --target wasm32-wasip1)
cp rust/target/wasm32-wasip1/release/wasi-rust.wasm wasi_rust.wasm


# Lua 5.4, from the sources vendored by the lua-src crate, with the driver lua/ember_lua.c.
lua_src_version=551.1.0
lua_dir=$(find "${CARGO_HOME:-$HOME/.cargo}/registry/src" -maxdepth 1 -mindepth 1 -type d 2>/dev/null |
  while read -r index; do [ -d "$index/lua-src-$lua_src_version" ] && echo "$index/lua-src-$lua_src_version"; done |
  head -n 1)
if [ -z "$lua_dir" ]; then
  # Fetch the crate into ~/.cargo/registry with a throwaway package that depends on it.
  fetch=$(mktemp -d)
  mkdir -p "$fetch/src" && : > "$fetch/src/lib.rs"
  printf '[package]\nname = "fetch-lua-src"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\nlua-src = "=%s"\n' \
    "$lua_src_version" > "$fetch/Cargo.toml"
  (cd "$fetch" && cargo fetch -q)
  rm -rf "$fetch"
  exec "$0" "$@"
fi
lua="$lua_dir/lua-5.4.9"
# No setjmp/longjmp on WASI: an error ends the program (see lua/ember_lua.c). lua-src's sources already leave
# out what wasi-libc lacks (os.execute, os.tmpname, os.clock, io.popen, io.tmpfile).
# shellcheck disable=SC2046
clang --target=wasm32-wasi -O2 -s -w -Ilua/include -I"$lua" -include ember_lua_throw.h \
  '-DLUAI_THROW(L,c)=ember_lua_throw(L)' '-DLUAI_TRY(L,c,a)={a}' '-Dluai_jmpbuf=int' \
  -D_WASI_EMULATED_SIGNAL \
  $(ls "$lua"/*.c | grep -v -E '/(lua|luac|onelua)\.c$') lua/ember_lua.c \
  -lwasi-emulated-signal -o lua.wasm
ls -l ./*.wasm
