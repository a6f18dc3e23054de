// A WASI test program in C (wasi-libc), driven by tests/wasi.rs: `wasi_c.wasm COMMAND ARGS...`.
// Every command prints what it did; the test compares the output with what it expects.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

extern char **environ;

// Errno names, so that expected outputs do not depend on strerror's wording.
static const char *err_name(int e) {
    switch (e) {
    case 0: return "OK";
    case EACCES: return "EACCES";
    case EBADF: return "EBADF";
    case EEXIST: return "EEXIST";
    case EFAULT: return "EFAULT";
    case EINVAL: return "EINVAL";
    case EISDIR: return "EISDIR";
    case ELOOP: return "ELOOP";
    case ENOENT: return "ENOENT";
    case ENOSYS: return "ENOSYS";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case ENOTDIR: return "ENOTDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EPERM: return "EPERM";
    case EROFS: return "EROFS";
    case EXDEV: return "EXDEV";
    default: return "E?";
    }
}

// Prints `label: OK` or `label: ENAME` for a libc call that returned `r` (negative or NULL on failure).
static void report(const char *label, int ok) { printf("%s: %s\n", label, ok ? "OK" : err_name(errno)); }

static int files(const char *dir) {
    char path[256], path2[256], line[128];
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    FILE *f = fopen(path, "w");
    report("create", f != NULL);
    if (!f) return 1;
    fprintf(f, "first line\nsecond line\n");
    fclose(f);
    f = fopen(path, "a");
    fputs("third line\n", f);
    fclose(f);
    f = fopen(path, "r");
    while (fgets(line, sizeof line, f)) printf("read: %s", line);
    fseek(f, 6, SEEK_SET);
    printf("tell after seek: %ld\n", ftell(f));
    printf("getc: %c\n", fgetc(f));
    fclose(f);
    struct stat st;
    report("stat", stat(path, &st) == 0);
    printf("size: %lld regular: %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
    int fd = open(path, O_RDWR);
    char buf[5] = {0};
    printf("pread: %zd '%.4s'\n", pread(fd, buf, 4, 6), buf);
    printf("pwrite: %zd\n", pwrite(fd, "FIRST", 5, 0));
    printf("ftruncate: %d\n", ftruncate(fd, 11));
    close(fd);
    f = fopen(path, "r");
    fgets(line, sizeof line, f);
    printf("after pwrite+truncate: %s", line);
    fclose(f);
    snprintf(path2, sizeof path2, "%s/sub", dir);
    report("mkdir", mkdir(path2, 0755) == 0);
    report("mkdir again", mkdir(path2, 0755) == 0);
    snprintf(path2, sizeof path2, "%s/sub/moved.txt", dir);
    report("rename", rename(path, path2) == 0);
    report("open old name", open(path, O_RDONLY) >= 0);
    snprintf(path, sizeof path, "%s/sub", dir);
    report("rmdir non-empty", rmdir(path) == 0);
    report("unlink", unlink(path2) == 0);
    report("rmdir", rmdir(path) == 0);
    snprintf(path, sizeof path, "%s/missing.txt", dir);
    report("open missing", fopen(path, "r") != NULL);
    snprintf(path, sizeof path, "%s/kept.txt", dir);
    f = fopen(path, "w");
    fputs("kept\n", f);
    fclose(f);
    return 0;
}

static int list(const char *dir) {
    DIR *d = opendir(dir);
    report("opendir", d != NULL);
    if (!d) return 1;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        const char *type = e->d_type == DT_DIR ? "dir" : e->d_type == DT_REG ? "file" : e->d_type == DT_LNK ? "link" : "other";
        printf("%s %s\n", type, e->d_name);
    }
    closedir(d);
    return 0;
}

static int args(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
    return 0;
}

static int env(int argc, char **argv) {
    int n = 0;
    for (char **e = environ; *e; e++) n++;
    printf("environ: %d entries\n", n);
    for (int i = 2; i < argc; i++) {
        const char *v = getenv(argv[i]);
        printf("%s=%s\n", argv[i], v ? v : "(unset)");
    }
    return 0;
}

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

static int clocks(void) {
    struct timespec real, a, b, res;
    clock_gettime(CLOCK_REALTIME, &real);
    printf("realtime after 2024: %d\n", real.tv_sec > 1704067200);
    printf("time() agrees: %d\n", time(NULL) - real.tv_sec <= 1);
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec nap = {0, 20 * 1000000};
    nanosleep(&nap, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long slept = ns(b) - ns(a);
    printf("monotonic advanced by >= 20ms: %d\n", slept >= 20000000LL);
    printf("monotonic advanced by < 5s: %d\n", slept < 5000000000LL);
    report("clock_getres", clock_getres(CLOCK_MONOTONIC, &res) == 0);
    __wasi_timestamp_t t;
    printf("clock_time_get bad clock: %d\n", __wasi_clock_time_get(99, 1, &t));
    printf("clock_res_get realtime: %d\n", __wasi_clock_res_get(__WASI_CLOCKID_REALTIME, &t));
    return 0;
}

static int randomness(void) {
    unsigned char a[32], b[32], zero[32] = {0};
    report("getentropy", getentropy(a, sizeof a) == 0);
    getentropy(b, sizeof b);
    printf("differ: %d\n", memcmp(a, b, sizeof a) != 0);
    printf("nonzero: %d\n", memcmp(a, zero, sizeof a) != 0);
    return 0;
}

static int input(void) {
    char buf[256];
    size_t total = 0, lines = 0;
    while (fgets(buf, sizeof buf, stdin)) {
        total += strlen(buf);
        lines++;
        for (char *p = buf; *p; p++)
            if (*p >= 'a' && *p <= 'z') *p -= 32;
        printf("> %s", buf);
    }
    printf("%zu bytes, %zu lines\n", total, lines);
    return 0;
}

static int polling(void) {
    struct pollfd p = {.fd = 0, .events = POLLIN};
    int n = poll(&p, 1, 5000);
    printf("poll stdin: %d readable: %d\n", n, (p.revents & POLLIN) != 0);
    char buf[64];
    ssize_t got = read(0, buf, sizeof buf);
    printf("read: %zd\n", got);
    n = poll(NULL, 0, 10);
    printf("poll timeout only: %d\n", n);
    return 0;
}

// Escape attempts beneath the preopen `dir`; `outside` is a host path the program was not granted.
static int escape(const char *dir, const char *outside) {
    char path[512];
    snprintf(path, sizeof path, "%s/../secret.txt", dir);
    report("dotdot read", fopen(path, "r") != NULL);
    report("dotdot write", fopen(path, "w") != NULL);
    snprintf(path, sizeof path, "%s/sub/../../secret.txt", dir);
    report("nested dotdot", fopen(path, "r") != NULL);
    snprintf(path, sizeof path, "%s/secret.txt", outside);
    report("absolute host path", fopen(path, "r") != NULL);
    report("absolute /etc/passwd", fopen("/etc/passwd", "r") != NULL);
    snprintf(path, sizeof path, "%s/link_abs", dir);
    report("symlink absolute read", fopen(path, "r") != NULL);
    report("symlink absolute write", fopen(path, "w") != NULL);
    snprintf(path, sizeof path, "%s/link_rel", dir);
    report("symlink relative read", fopen(path, "r") != NULL);
    report("symlink relative write", fopen(path, "a") != NULL);
    snprintf(path, sizeof path, "%s/dirlink/secret.txt", dir);
    report("symlinked dir", fopen(path, "r") != NULL);
    snprintf(path, sizeof path, "%s/dirlink", dir);
    report("opendir symlinked dir", opendir(path) != NULL);
    snprintf(path, sizeof path, "%s/link_inside", dir);
    report("symlink inside", fopen(path, "r") != NULL);
    snprintf(path, sizeof path, "%s/link_rel", dir);
    report("unlink escaping link", unlink(path) == 0);
    snprintf(path, sizeof path, "%s/../victim", dir);
    report("mkdir outside", mkdir(path, 0755) == 0);
    report("ungranted dir", opendir("/ungranted") != NULL);
    const char *secret = getenv("SECRET");
    printf("SECRET=%s\n", secret ? secret : "(unset)");
    return 0;
}

// The raw import, so that a bad path pointer reaches the host (wasi-libc's wrapper would strlen it first).
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags, int64_t base,
                      int64_t inheriting, int32_t fdflags, int32_t out)
    __attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("path_open")));

static int open_raw(const char *path, uint32_t len) {
    __wasi_fd_t fd;
    return raw_path_open(3, 0, (int32_t)(uintptr_t)path, (int32_t)len, 0, __WASI_RIGHTS_FD_READ, 0, 0,
                         (int32_t)(uintptr_t)&fd);
}

// Calls the WASI functions directly, past wasi-libc's own checks.
static int raw(void) {
    __wasi_fd_t fd;
    printf("path_open inside: %d\n", open_raw("inside.txt", 10));
    printf("path_open absolute: %d\n", open_raw("/etc/passwd", 11));
    printf("path_open dotdot: %d\n", open_raw("../x", 4));
    printf("path_open bad pointer: %d\n", open_raw((const char *)0xfffffff0, 100));
    printf("path_open not UTF-8: %d\n", open_raw("\xff\xfe", 2));
    __wasi_size_t n;
    __wasi_ciovec_t bad = {(const uint8_t *)0xfffffff0, 100};
    printf("fd_write bad buffer: %d\n", __wasi_fd_write(1, &bad, 1, &n));
    printf("fd_write bad iovec array: %d\n", __wasi_fd_write(1, (const __wasi_ciovec_t *)0xfffffffc, 1, &n));
    printf("fd_write bad fd: %d\n", __wasi_fd_write(77, &bad, 0, &n));
    printf("clock_time_get bad out: %d\n",
           __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, (__wasi_timestamp_t *)0xfffffffc));
    printf("random_get bad buffer: %d\n", __wasi_random_get((uint8_t *)0xffffff00, 0x1000));
    printf("sock_accept: %d\n", __wasi_sock_accept(3, 0, &fd));
    printf("path_symlink: %d\n", __wasi_path_symlink("a", 3, "b"));
    printf("sock_shutdown: %d\n", __wasi_sock_shutdown(3, __WASI_SDFLAGS_WR));
    return 0;
}

static int readonly(const char *dir) {
    char path[256], line[64];
    snprintf(path, sizeof path, "%s/kept.txt", dir);
    FILE *f = fopen(path, "r");
    report("read", f != NULL && fgets(line, sizeof line, f) != NULL);
    if (f) printf("content: %s", line);
    report("write existing", fopen(path, "w") != NULL);
    report("append existing", fopen(path, "a") != NULL);
    snprintf(path, sizeof path, "%s/new.txt", dir);
    report("create", fopen(path, "w") != NULL);
    snprintf(path, sizeof path, "%s/newdir", dir);
    report("mkdir", mkdir(path, 0755) == 0);
    snprintf(path, sizeof path, "%s/kept.txt", dir);
    report("unlink", unlink(path) == 0);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: wasi_c COMMAND ARGS...\n");
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "files") && argc == 3) return files(argv[2]);
    if (!strcmp(cmd, "ls") && argc == 3) return list(argv[2]);
    if (!strcmp(cmd, "args")) return args(argc - 1, argv + 1);
    if (!strcmp(cmd, "env")) return env(argc, argv);
    if (!strcmp(cmd, "clock")) return clocks();
    if (!strcmp(cmd, "random")) return randomness();
    if (!strcmp(cmd, "stdin")) return input();
    if (!strcmp(cmd, "poll")) return polling();
    if (!strcmp(cmd, "escape") && argc == 4) return escape(argv[2], argv[3]);
    if (!strcmp(cmd, "raw")) return raw();
    if (!strcmp(cmd, "readonly") && argc == 3) return readonly(argv[2]);
    if (!strcmp(cmd, "exit") && argc == 3) {
        fflush(stdout);
        exit(atoi(argv[2]));
    }
    if (!strcmp(cmd, "trap")) __builtin_trap();
    fprintf(stderr, "unknown command %s\n", cmd);
    return 2;
}
