/* Image filter: a 256 x 256 8-bit image smoothed `n` times by the separable [1 2 1] x [1 2 1] / 16 kernel
 * (rounded), edges clamped. Built twice for wasm: with -msimd128 the rows are filtered 16 pixels at a time with
 * wasm_simd128.h (16-bit lanes), without it one pixel at a time; both compute exactly the same image, and so
 * does the native build (the scalar code). */
#include "bench.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define W 256
#define H 256
static uint8_t img[H][W], out[H][W];
static uint16_t rows[H][W]; /* the horizontal pass: at most 4 * 255 */

/* Horizontal pass of row y: rows[y][x] = img[y][x-1] + 2 img[y][x] + img[y][x+1]. */
static void horizontal(int y) {
    const uint8_t *p = img[y];
    uint16_t *r = rows[y];
    r[0] = (uint16_t)(p[0] * 3 + p[1]);
    int x = 1;
#ifdef __wasm_simd128__
    for (; x + 8 <= W - 1; x += 8) {
        v128_t left = wasm_u16x8_load8x8(p + x - 1);
        v128_t mid = wasm_u16x8_load8x8(p + x);
        v128_t right = wasm_u16x8_load8x8(p + x + 1);
        v128_t sum = wasm_i16x8_add(wasm_i16x8_add(left, right), wasm_i16x8_shl(mid, 1));
        wasm_v128_store(r + x, sum);
    }
#endif
    for (; x < W - 1; x++) r[x] = (uint16_t)(p[x - 1] + 2 * p[x] + p[x + 1]);
    r[W - 1] = (uint16_t)(p[W - 2] + p[W - 1] * 3);
}

/* Vertical pass into out[y]: (rows[y-1] + 2 rows[y] + rows[y+1] + 8) >> 4. */
static void vertical(int y) {
    const uint16_t *a = rows[y == 0 ? 0 : y - 1], *b = rows[y], *c = rows[y == H - 1 ? H - 1 : y + 1];
    uint8_t *o = out[y];
    int x = 0;
#ifdef __wasm_simd128__
    v128_t eight = wasm_i16x8_splat(8);
    for (; x + 16 <= W; x += 16) {
        v128_t lo = wasm_i16x8_add(wasm_i16x8_add(wasm_v128_load(a + x), wasm_v128_load(c + x)),
                                   wasm_i16x8_shl(wasm_v128_load(b + x), 1));
        v128_t hi = wasm_i16x8_add(wasm_i16x8_add(wasm_v128_load(a + x + 8), wasm_v128_load(c + x + 8)),
                                   wasm_i16x8_shl(wasm_v128_load(b + x + 8), 1));
        lo = wasm_u16x8_shr(wasm_i16x8_add(lo, eight), 4);
        hi = wasm_u16x8_shr(wasm_i16x8_add(hi, eight), 4);
        wasm_v128_store(o + x, wasm_u8x16_narrow_i16x8(lo, hi));
    }
#endif
    for (; x < W; x++) o[x] = (uint8_t)((a[x] + 2 * b[x] + c[x] + 8) >> 4);
}

BENCH(blur) {
    uint32_t seed = 7;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) img[y][x] = (uint8_t)(bench_rand(&seed) >> 24);
    for (uint32_t round = 0; round < n; round++) {
        for (int y = 0; y < H; y++) horizontal(y);
        for (int y = 0; y < H; y++) vertical(y);
        /* Feed the result back, with a little noise so that the image does not settle to a constant. */
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) img[y][x] = (uint8_t)(out[y][x] ^ ((x + y + round) & 3));
    }
    uint32_t sum = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) sum = sum * 31 + out[y][x];
    return sum;
}
