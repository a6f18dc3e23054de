/* Tight integer loop with a table lookup: CRC-32 (IEEE, bytewise table) over n bytes of a 64 KiB buffer. */
#include "bench.h"

#define LEN 65536
static uint8_t data[LEN];
static uint32_t table[256];

BENCH(crc32) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    uint32_t seed = 0x12345678;
    for (uint32_t i = 0; i < LEN; i++) data[i] = (uint8_t)bench_rand(&seed);
    uint32_t crc = 0xFFFFFFFFu;
    for (uint32_t i = 0; i < n; i++) crc = table[(crc ^ data[i & (LEN - 1)]) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}
