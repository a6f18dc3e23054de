/* Recursion: calls and returns dominate. */
#include "bench.h"

static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

BENCH(fib) { return fib(n); }
