//! The workloads' C compiled natively (by `build.rs`, `-O2`): the physical limit every engine is compared to.

// The zstd workload links against the library zstd-sys builds.
use zstd_sys as _;

extern "C" {
    fn bench_fib(n: u32) -> u32;
    fn bench_sieve(n: u32) -> u32;
    fn bench_crc32(n: u32) -> u32;
    fn bench_matmul(n: u32) -> u32;
    fn bench_sort(n: u32) -> u32;
    fn bench_nbody(n: u32) -> u32;
    fn bench_mandelbrot(n: u32) -> u32;
    fn bench_sha256(n: u32) -> u32;
    fn bench_coremark(n: u32) -> u32;
    fn bench_zstd(n: u32) -> u32;
    fn bench_blur(n: u32) -> u32;
}

macro_rules! safe {
    ($($name:ident => $sym:ident),* $(,)?) => {$(
        /// The native build of the workload of the same name.
        pub fn $name(n: u32) -> u32 {
            // SAFETY: the C kernels take any `n` (they clamp it to their buffers) and touch only their own
            // statics or memory they allocate. Kernels with statics are not reentrant, and criterion runs one
            // benchmark at a time on one thread.
            unsafe { $sym(n) }
        }
    )*};
}

safe! {
    fib => bench_fib,
    sieve => bench_sieve,
    crc32 => bench_crc32,
    matmul => bench_matmul,
    sort => bench_sort,
    nbody => bench_nbody,
    mandelbrot => bench_mandelbrot,
    sha256 => bench_sha256,
    coremark => bench_coremark,
    zstd => bench_zstd,
    blur => bench_blur,
}
