#!/usr/bin/env bash
# The `image` fuzz target on a 32-bit target, i686-unknown-linux-gnu, with AddressSanitizer: a 32-bit `usize`
# as on Cortex-M, where frame and stack arithmetic that cannot overflow on x86-64 wraps.
#
#   fuzz/i686.sh build
#   fuzz/i686.sh run [CORPUS] [-- libFuzzer flags]     builds first if needed
#
# The build is a release build with debug assertions (the executor's frame checks and overflow checks on);
# `FUZZ_PROFILE=--dev` builds without optimisation instead (quicker to build, as in CI), `FUZZ_PROFILE=-O`
# without debug assertions (as a device runs it: memory errors surface as AddressSanitizer reports).
#
# Rust ships no AddressSanitizer runtime for i686, so the build links LLVM's (`-Zexternal-clangrt` and the
# runtime archives of the `libclang-rt-19-dev` package; another LLVM's runtime works with
# `CLANG_RT_DIR=/usr/lib/llvm-N/lib/clang/N/lib/linux`). libFuzzer also needs the 32-bit C and C++ runtimes
# (`gcc-multilib`, `g++-multilib`) and the nightly `i686-unknown-linux-gnu` standard library
# (`rustup target add i686-unknown-linux-gnu --toolchain nightly`). The build leaves out the native tiers
# (`--no-default-features`): the target runs the interpreter only.
set -euo pipefail
cd "$(dirname "$0")"
command=${1:?usage: i686.sh build|run [flags]}
shift
rt=${CLANG_RT_DIR:-/usr/lib/llvm-19/lib/clang/19/lib/linux}
if [ ! -e "$rt/libclang_rt.asan-i386.a" ]; then
    echo "no 32-bit AddressSanitizer runtime in $rt (apt-get install libclang-rt-19-dev, or set CLANG_RT_DIR)" >&2
    exit 1
fi
export RUSTFLAGS="-Zexternal-clangrt -Clink-arg=-Wl,--whole-archive -Clink-arg=$rt/libclang_rt.asan-i386.a \
-Clink-arg=$rt/libclang_rt.asan_cxx-i386.a -Clink-arg=-Wl,--no-whole-archive"
read -r -a profile <<<"${FUZZ_PROFILE:--O -a}"
exec cargo +nightly fuzz "$command" "${profile[@]}" --target i686-unknown-linux-gnu --no-default-features image "$@"
