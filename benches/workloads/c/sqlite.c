/* A database as a workload: SQLite 3.46 (the amalgamation shipped in the libsqlite3-sys crate) as a WASI
 * reactor. `run(n)` opens an in-memory database and runs `n` rounds of a small order-processing schema: a
 * prepared INSERT of a few thousand rows inside a transaction, an index, point and range lookups through it,
 * a join with GROUP BY and ORDER BY, a LIKE scan, an UPDATE and a DELETE; every result is folded into a 32-bit
 * checksum. `ping()` returns 1 at once.
 *
 * Built with SQLITE_OS_OTHER: no file system, so the only VFS is the one below, which opens no files (the
 * database and its temporary tables live in memory, SQLITE_TEMP_STORE=3) and answers randomness and time with
 * fixed values, so the run is deterministic and needs no WASI calls. Failures return SQLITE_FAILED + the step
 * that failed. */
#include <stdint.h>
#include <string.h>

#include "sqlite3.h"

enum { SQLITE_FAILED = 0xE2000000u };

/* ---- a VFS with no files ---- */

static int no_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags) {
    (void)vfs, (void)name, (void)flags, (void)out_flags;
    file->pMethods = 0;
    return SQLITE_CANTOPEN;
}
static int no_delete(sqlite3_vfs *vfs, const char *name, int sync) {
    (void)vfs, (void)name, (void)sync;
    return SQLITE_IOERR_DELETE;
}
static int no_access(sqlite3_vfs *vfs, const char *name, int flags, int *result) {
    (void)vfs, (void)name, (void)flags;
    *result = 0;
    return SQLITE_OK;
}
static int full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out) {
    (void)vfs;
    sqlite3_snprintf(n, out, "%s", name);
    return SQLITE_OK;
}
static int fixed_randomness(sqlite3_vfs *vfs, int n, char *out) {
    (void)vfs;
    for (int i = 0; i < n; i++) out[i] = (char)(i * 37 + 11);
    return n;
}
static int no_sleep(sqlite3_vfs *vfs, int microseconds) {
    (void)vfs;
    return microseconds;
}
static int fixed_time(sqlite3_vfs *vfs, double *now) {
    (void)vfs;
    *now = 2461000.5; /* a Julian day in 2026 */
    return SQLITE_OK;
}
static int fixed_time64(sqlite3_vfs *vfs, sqlite3_int64 *now) {
    (void)vfs;
    *now = (sqlite3_int64)2461000 * 86400000 + 43200000;
    return SQLITE_OK;
}
static int no_error(sqlite3_vfs *vfs, int n, char *out) {
    (void)vfs;
    if (n > 0) out[0] = 0;
    return 0;
}

static sqlite3_vfs memory_only = {
    .iVersion = 2,
    .szOsFile = sizeof(sqlite3_file),
    .mxPathname = 64,
    .zName = "memory-only",
    .xOpen = no_open,
    .xDelete = no_delete,
    .xAccess = no_access,
    .xFullPathname = full_pathname,
    .xRandomness = fixed_randomness,
    .xSleep = no_sleep,
    .xCurrentTime = fixed_time,
    .xGetLastError = no_error,
    .xCurrentTimeInt64 = fixed_time64,
};

int sqlite3_os_init(void) { return sqlite3_vfs_register(&memory_only, 1); }
int sqlite3_os_end(void) { return SQLITE_OK; }

/* ---- the workload ---- */

static uint32_t h;
static void mix(uint32_t v) { h = h * 31u + v; }
static void mix_text(const unsigned char *s) {
    if (!s) return mix(7);
    while (*s) mix(*s++);
}

/* Runs `sql`, folding every column of every row into the checksum; 0 on success. */
static int query(sqlite3 *db, const char *sql) {
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, 0) != SQLITE_OK) return 1;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int columns = sqlite3_column_count(stmt);
        for (int c = 0; c < columns; c++) {
            switch (sqlite3_column_type(stmt, c)) {
            case SQLITE_INTEGER: mix((uint32_t)sqlite3_column_int64(stmt, c)); break;
            case SQLITE_FLOAT: mix((uint32_t)(int64_t)(sqlite3_column_double(stmt, c) * 100.0)); break;
            case SQLITE_TEXT: mix_text(sqlite3_column_text(stmt, c)); break;
            default: mix(5); break;
            }
        }
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? 0 : 1;
}

static uint32_t seed;
static uint32_t rand31(void) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 1) & 0x7fffffff;
}

static const char *const cities[] = {"Lisbon", "Oslo", "Turin", "Kyoto", "Quito", "Perth", "Lagos", "Cork"};

static uint32_t round_of(int round) {
    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) return SQLITE_FAILED + 1;
    const char *schema =
        "CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT, city TEXT, credit REAL);"
        "CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER, item TEXT, qty INTEGER, price REAL,"
        " day INTEGER);";
    if (sqlite3_exec(db, schema, 0, 0, 0) != SQLITE_OK) return SQLITE_FAILED + 2;
    seed = 42u + (uint32_t)round;
    sqlite3_exec(db, "BEGIN", 0, 0, 0);
    sqlite3_stmt *ins;
    if (sqlite3_prepare_v2(db, "INSERT INTO customer VALUES(?1, ?2, ?3, ?4)", -1, &ins, 0) != SQLITE_OK)
        return SQLITE_FAILED + 3;
    char name[32];
    for (int i = 1; i <= 400; i++) {
        sqlite3_snprintf(sizeof name, name, "cust%04d-%x", i, rand31() % 4096);
        sqlite3_bind_int(ins, 1, i);
        sqlite3_bind_text(ins, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 3, cities[rand31() % 8], -1, SQLITE_STATIC);
        sqlite3_bind_double(ins, 4, (double)(rand31() % 100000) / 100.0);
        if (sqlite3_step(ins) != SQLITE_DONE) return SQLITE_FAILED + 4;
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    if (sqlite3_prepare_v2(db, "INSERT INTO orders(customer, item, qty, price, day) VALUES(?1, ?2, ?3, ?4, ?5)",
                           -1, &ins, 0) != SQLITE_OK)
        return SQLITE_FAILED + 5;
    char item[24];
    for (int i = 0; i < 4000; i++) {
        sqlite3_snprintf(sizeof item, item, "item-%03d", rand31() % 300);
        sqlite3_bind_int(ins, 1, 1 + (int)(rand31() % 400));
        sqlite3_bind_text(ins, 2, item, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(ins, 3, 1 + (int)(rand31() % 9));
        sqlite3_bind_double(ins, 4, (double)(rand31() % 5000) / 100.0);
        sqlite3_bind_int(ins, 5, (int)(rand31() % 365));
        if (sqlite3_step(ins) != SQLITE_DONE) return SQLITE_FAILED + 6;
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    sqlite3_exec(db, "COMMIT", 0, 0, 0);
    static const char *const queries[] = {
        "CREATE INDEX orders_customer ON orders(customer, day)",
        "SELECT count(*), sum(qty), round(sum(qty * price), 2) FROM orders",
        "SELECT c.city, count(*), sum(o.qty), round(avg(o.price), 2) FROM orders o JOIN customer c"
        " ON c.id = o.customer GROUP BY c.city ORDER BY 4 DESC, 1",
        "SELECT o.id, o.item, o.day FROM orders o WHERE o.customer = 17 AND o.day BETWEEN 30 AND 200 ORDER BY o.day",
        "SELECT item, sum(qty) AS n FROM orders GROUP BY item ORDER BY n DESC, item LIMIT 15",
        "SELECT name, credit FROM customer WHERE name LIKE '%-a%' ORDER BY credit DESC LIMIT 20",
        "UPDATE orders SET price = price * 0.9 WHERE day < 60",
        "DELETE FROM orders WHERE qty = 1 AND price > 40",
        "SELECT customer, count(*), max(day) FROM orders WHERE customer IN"
        " (SELECT id FROM customer WHERE credit > 500) GROUP BY customer HAVING count(*) > 12 ORDER BY customer",
        "SELECT count(*), round(sum(qty * price), 2) FROM orders",
    };
    for (unsigned q = 0; q < sizeof queries / sizeof queries[0]; q++)
        if (query(db, queries[q])) return SQLITE_FAILED + 16 + q;
    sqlite3_close(db);
    return 0;
}

__attribute__((export_name("run"))) uint32_t run(uint32_t n) {
    h = 0;
    for (uint32_t round = 0; round < n; round++) {
        uint32_t failed = round_of((int)round);
        if (failed) return failed;
    }
    return h;
}

__attribute__((export_name("ping"))) uint32_t ping(void) { return 1; }
