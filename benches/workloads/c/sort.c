/* Memory-heavy: quicksort (median of three, insertion sort below 16) of n (at most 1M) random integers. */
#include "bench.h"

#define MAX (1u << 20)
static uint32_t v[MAX];

static void insertion(uint32_t *x, int32_t len) {
    for (int32_t i = 1; i < len; i++) {
        uint32_t key = x[i];
        int32_t j = i - 1;
        while (j >= 0 && x[j] > key) {
            x[j + 1] = x[j];
            j--;
        }
        x[j + 1] = key;
    }
}

static void quicksort(uint32_t *x, int32_t len) {
    while (len > 16) {
        uint32_t p0 = x[0], p1 = x[len / 2], p2 = x[len - 1];
        uint32_t pivot = p0 < p1 ? (p1 < p2 ? p1 : (p0 < p2 ? p2 : p0)) : (p0 < p2 ? p0 : (p1 < p2 ? p2 : p1));
        int32_t i = 0, j = len - 1;
        for (;;) {
            while (x[i] < pivot) i++;
            while (x[j] > pivot) j--;
            if (i >= j) break;
            uint32_t t = x[i];
            x[i] = x[j];
            x[j] = t;
            i++;
            j--;
        }
        /* Recurse into the smaller part, loop on the larger. */
        if (j + 1 < len - j - 1) {
            quicksort(x, j + 1);
            x += j + 1;
            len -= j + 1;
        } else {
            quicksort(x + j + 1, len - j - 1);
            len = j + 1;
        }
    }
    insertion(x, len);
}

BENCH(sort) {
    if (n > MAX) n = MAX;
    uint32_t seed = 7;
    for (uint32_t i = 0; i < n; i++) v[i] = bench_rand(&seed);
    quicksort(v, (int32_t)n);
    uint32_t sum = 0;
    for (uint32_t i = 0; i < n; i++) sum = sum * 31 + v[i] + (i > 0 && v[i - 1] > v[i] ? 0x80000000u : 0);
    return sum;
}
