/* A large real program: zstd 1.5 (the C sources shipped in the zstd-sys crate) compresses n bytes of generated
 * text at level 3 and decompresses them again; the result folds the compressed size with a checksum of the
 * round trip. In wasm it runs against wasi-libc (malloc only: no WASI imports). */
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "zstd.h"

static void fill_text(uint8_t *dst, uint32_t len) {
    static const char *const words[] = {
        "the ", "register ", "interpreter ", "translates ", "each ", "function ", "lazily ", "into ",
        "bytecode ", "whose ", "operands ", "are ", "frame ", "slots; ", "branches ", "resolve ",
        "offsets. ", "memory ", "grows ", "by ", "pages ", "of ", "64 ", "KiB, ", "and ", "traps ",
        "carry ", "codes.\n", "a ", "store ", "holds ", "instances ",
    };
    uint32_t seed = 2024, pos = 0;
    while (pos < len) {
        const char *w = words[bench_rand(&seed) & 31];
        while (*w && pos < len) dst[pos++] = (uint8_t)*w++;
    }
}

BENCH(zstd) {
    size_t bound = ZSTD_compressBound(n);
    uint8_t *input = malloc(n), *packed = malloc(bound), *output = malloc(n);
    if (!input || !packed || !output) return 0;
    fill_text(input, n);
    size_t packed_len = ZSTD_compress(packed, bound, input, n, 3);
    uint32_t result = 0;
    if (!ZSTD_isError(packed_len)) {
        size_t out_len = ZSTD_decompress(output, n, packed, packed_len);
        uint32_t sum = (uint32_t)packed_len;
        if (ZSTD_isError(out_len) || out_len != n || memcmp(input, output, n) != 0) sum = 0;
        for (uint32_t i = 0; i < n && sum; i += 61) sum = sum * 31 + output[i];
        result = sum;
    }
    free(input);
    free(packed);
    free(output);
    return result;
}
