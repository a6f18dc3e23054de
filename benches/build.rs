//! Compiles the workloads' C natively (`-O2`), the zstd workload against the zstd-sys crate's library.

fn main() {
    let kernels = ["fib", "sieve", "crc32", "matmul", "sort", "nbody", "mandelbrot", "sha256", "coremark", "blur"];
    let mut build = cc::Build::new();
    build.opt_level(2).include("workloads/c");
    for k in kernels {
        build.file(format!("workloads/c/{k}.c"));
    }
    let include = std::env::var("DEP_ZSTD_INCLUDE").expect("zstd-sys exports its include directory");
    build.file("workloads/c/zstd.c").include(include);
    build.compile("ember_bench_native");
    println!("cargo:rerun-if-changed=workloads/c");
}
