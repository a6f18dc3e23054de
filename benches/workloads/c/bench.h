/* Shared by every workload: the entry-point macro and a tiny deterministic random generator.
 *
 * Each workload defines `uint32_t bench_NAME(uint32_t n)` with BENCH(NAME): `n` sizes the work and the result
 * is a checksum, so every engine's answer can be compared with native code. In wasm the entry point is
 * exported as `run`, next to `ping` (returns at once) that startup benchmarks call as the first instruction. */
#ifndef EMBER_BENCH_H
#define EMBER_BENCH_H

#include <stdint.h>
#include <stddef.h>

#ifdef __wasm__
#define BENCH(name)                                                                \
    __attribute__((export_name("ping"))) uint32_t bench_ping(void) { return 1; } \
    __attribute__((export_name("run"))) uint32_t bench_##name(uint32_t n)
#else
#define BENCH(name) uint32_t bench_##name(uint32_t n)
#endif

/* xorshift32: the same stream natively and in wasm. */
static inline uint32_t bench_rand(uint32_t *state) {
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

#endif
