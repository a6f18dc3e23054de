/* Memory-heavy: n x n (at most 256) 32-bit integer matrix multiply, C = A * B, row by row. */
#include "bench.h"

#define MAX 256
static int32_t a[MAX * MAX], b[MAX * MAX], c[MAX * MAX];

BENCH(matmul) {
    if (n > MAX) n = MAX;
    uint32_t seed = 42;
    for (uint32_t i = 0; i < n * n; i++) {
        a[i] = (int32_t)(bench_rand(&seed) % 100);
        b[i] = (int32_t)(bench_rand(&seed) % 100);
    }
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < n; j++) c[i * n + j] = 0;
        for (uint32_t k = 0; k < n; k++) {
            int32_t aik = a[i * n + k];
            for (uint32_t j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
        }
    }
    uint32_t sum = 0;
    for (uint32_t i = 0; i < n * n; i++) sum = sum * 31 + (uint32_t)c[i];
    return sum;
}
