/* A CoreMark-like mixed workload: per iteration a linked-list walk (find, reverse, merge sort), small 16-bit
 * matrix operations, a state machine scanning numbers in text, and a CRC-16 over all results. Written after
 * CoreMark's structure, not its code; the numbers are not CoreMark scores. */
#include "bench.h"

/* ---- CRC-16 (CCITT, bitwise) ---- */
static uint16_t crc16(uint16_t crc, uint32_t value) {
    for (int i = 0; i < 32; i++) {
        uint16_t bit = (uint16_t)(((value >> i) ^ crc) & 1);
        crc >>= 1;
        if (bit) crc ^= 0x8408;
    }
    return crc;
}

/* ---- linked list ---- */
#define NODES 64
struct node {
    struct node *next;
    int16_t value, index;
};
static struct node pool[NODES];

static struct node *list_build(uint32_t *seed) {
    struct node *head = 0;
    for (int i = NODES - 1; i >= 0; i--) {
        pool[i].value = (int16_t)(bench_rand(seed) & 0x7fff);
        pool[i].index = (int16_t)i;
        pool[i].next = head;
        head = &pool[i];
    }
    return head;
}

static struct node *list_reverse(struct node *list) {
    struct node *prev = 0;
    while (list) {
        struct node *next = list->next;
        list->next = prev;
        prev = list;
        list = next;
    }
    return prev;
}

static struct node *list_find(struct node *list, int16_t value) {
    while (list && (list->value & 0xff) != value) list = list->next;
    return list;
}

static int cmp(const struct node *a, const struct node *b, int by_index) {
    return by_index ? a->index - b->index : a->value - b->value;
}

/* Bottom-up merge sort of a singly linked list (as in CoreMark). */
static struct node *list_sort(struct node *list, int by_index) {
    for (int insize = 1;; insize *= 2) {
        struct node *p = list, *tail = 0;
        list = 0;
        int merges = 0;
        while (p) {
            merges++;
            struct node *q = p;
            int psize = 0;
            for (int i = 0; i < insize && q; i++) psize++, q = q->next;
            int qsize = insize;
            while (psize > 0 || (qsize > 0 && q)) {
                struct node *e;
                if (psize == 0) e = q, q = q->next, qsize--;
                else if (qsize == 0 || !q) e = p, p = p->next, psize--;
                else if (cmp(p, q, by_index) <= 0) e = p, p = p->next, psize--;
                else e = q, q = q->next, qsize--;
                if (tail) tail->next = e;
                else list = e;
                tail = e;
            }
            p = q;
        }
        tail->next = 0;
        if (merges <= 1) return list;
    }
}

static uint16_t bench_list(uint32_t *seed, uint16_t crc) {
    struct node *list = list_build(seed);
    for (int16_t v = 0; v < 32; v++) {
        struct node *found = list_find(list, v);
        crc = crc16(crc, found ? (uint32_t)found->index : 0xffff);
    }
    list = list_reverse(list);
    list = list_sort(list, 0);
    for (struct node *p = list; p; p = p->next) crc = crc16(crc, (uint32_t)p->value);
    list = list_sort(list, 1);
    crc = crc16(crc, (uint32_t)list->value);
    return crc;
}

/* ---- matrix ---- */
#define N 12
static int16_t ma[N * N], mb[N * N];
static int32_t mc[N * N];

static uint16_t bench_matrix(uint32_t *seed, uint16_t crc) {
    for (int i = 0; i < N * N; i++) {
        ma[i] = (int16_t)(bench_rand(seed) & 0xff);
        mb[i] = (int16_t)(bench_rand(seed) & 0xff);
    }
    int16_t k = (int16_t)(bench_rand(seed) & 0xf);
    for (int i = 0; i < N * N; i++) ma[i] += k;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int32_t sum = 0;
            for (int x = 0; x < N; x++) sum += (int32_t)ma[i * N + x] * mb[x * N + j];
            mc[i * N + j] = sum;
        }
    int32_t acc = 0;
    for (int i = 0; i < N * N; i++) acc += (mc[i] >> 2) > 1000 ? 1 : mc[i] & 7;
    crc = crc16(crc, (uint32_t)acc);
    for (int i = 0; i < N * N; i++) mc[i] = (int32_t)ma[i] * k;
    for (int i = 0; i < N * N; i++) crc = crc16(crc, (uint32_t)mc[i]);
    return crc;
}

/* ---- state machine over text: integers, decimals, exponents, invalid tokens ---- */
enum state { START, INT, FRAC, EXP, EXP_INT, INVALID, STATES };
#define TEXT 256
static char text[TEXT];

static enum state step(enum state s, char c) {
    int digit = c >= '0' && c <= '9';
    switch (s) {
    case START: return digit ? INT : c == '.' ? FRAC : INVALID;
    case INT: return digit ? INT : c == '.' ? FRAC : c == 'e' ? EXP : INVALID;
    case FRAC: return digit ? FRAC : c == 'e' ? EXP : INVALID;
    case EXP: return digit || c == '-' ? EXP_INT : INVALID;
    case EXP_INT: return digit ? EXP_INT : INVALID;
    default: return INVALID;
    }
}

static uint16_t bench_state(uint32_t *seed, uint16_t crc) {
    static const char alphabet[] = "0123456789012345.e-x";
    for (int i = 0; i < TEXT; i++) {
        uint32_t r = bench_rand(seed);
        text[i] = (r & 7) == 0 ? ',' : alphabet[(r >> 3) % 20];
    }
    uint32_t final_counts[STATES] = {0}, transitions = 0;
    enum state s = START;
    for (int i = 0; i < TEXT; i++) {
        if (text[i] == ',') {
            final_counts[s]++;
            s = START;
            continue;
        }
        enum state next = step(s, text[i]);
        transitions += next != s;
        s = next;
    }
    for (int i = 0; i < STATES; i++) crc = crc16(crc, final_counts[i]);
    return crc16(crc, transitions);
}

BENCH(coremark) {
    uint32_t seed = 0x5eed;
    uint16_t crc = 0;
    for (uint32_t i = 0; i < n; i++) {
        crc = bench_list(&seed, crc);
        crc = bench_matrix(&seed, crc);
        crc = bench_state(&seed, crc);
    }
    return crc;
}
