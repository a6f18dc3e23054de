/* Tight integer loop over a byte array: the sieve of Eratosthenes up to n (at most 4M), counting primes. */
#include "bench.h"

#define MAX (1u << 22)
static uint8_t composite[MAX];

BENCH(sieve) {
    if (n > MAX) n = MAX;
    for (uint32_t i = 0; i < n; i++) composite[i] = 0;
    uint32_t count = 0;
    for (uint32_t i = 2; i < n; i++) {
        if (composite[i]) continue;
        count++;
        for (uint32_t j = i + i; j < n; j += i) composite[j] = 1;
    }
    return count;
}
