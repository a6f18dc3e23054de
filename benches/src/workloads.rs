//! The workloads: committed wasm (built by `workloads/build.sh`), their input sizes and native twins.

use crate::native;

/// One benchmark program: an exported `run(n) -> checksum` in wasm and the same C function compiled natively.
pub struct Workload {
    /// Short name, used as the criterion group name.
    pub name: &'static str,
    /// What the workload stresses.
    pub shape: &'static str,
    /// The module (exports `run`, `ping` and `memory`).
    pub wasm: &'static [u8],
    /// The input for the measured runs (sized so one run of the interpreter takes ~1-50 ms).
    pub n: u32,
    /// The input for quick smoke runs.
    pub quick_n: u32,
    /// The same kernel compiled natively.
    pub native: fn(u32) -> u32,
    /// Built with `-msimd128`: engines without SIMD (wasm3) are left out.
    pub simd: bool,
}

impl Workload {
    /// The input to use now: `quick_n` in quick mode, else `n`.
    pub fn input(&self) -> u32 {
        if crate::quick() {
            self.quick_n
        } else {
            self.n
        }
    }

    /// Size of the module's code section in bytes (the denominator of per-wasm-byte measures).
    pub fn code_bytes(&self) -> usize {
        code_section_len(self.wasm)
    }
}

macro_rules! workload {
    ($name:literal, $shape:literal, $n:expr, $quick:expr, $native:path) => {
        workload!($name, $shape, $n, $quick, $native, false)
    };
    ($name:literal, $shape:literal, $n:expr, $quick:expr, $native:path, $simd:expr) => {
        Workload {
            name: $name,
            shape: $shape,
            wasm: include_bytes!(concat!("../wasm/", $name, ".wasm")),
            n: $n,
            quick_n: $quick,
            native: $native,
            simd: $simd,
        }
    };
}

/// Every execution workload, in report order.
pub static ALL: &[Workload] = &[
    workload!("fib", "recursion", 27, 10, native::fib),
    workload!("sieve", "integer loop", 1_000_000, 1000, native::sieve),
    workload!("crc32", "integer loop, table", 1_000_000, 1000, native::crc32),
    workload!("matmul", "memory, i32", 96, 8, native::matmul),
    workload!("sort", "memory, branches", 100_000, 100, native::sort),
    workload!("nbody", "float", 20_000, 10, native::nbody),
    workload!("mandelbrot", "float", 200, 8, native::mandelbrot),
    workload!("sha256", "hash", 200_000, 256, native::sha256),
    workload!("coremark", "mixed", 60, 1, native::coremark),
    workload!("zstd", "large program", 100_000, 1000, native::zstd),
    // SIMD: the image filter written with wasm_simd128.h and its scalar twin, and zstd built with -msimd128.
    workload!("blur", "image filter, scalar", 4, 1, native::blur),
    workload!("blur-simd", "image filter, SIMD", 4, 1, native::blur, true),
    workload!("zstd-simd", "large program, -msimd128", 100_000, 1000, native::zstd, true),
];

/// A program without a native twin, measured by startup only: engines' checksums are checked against each
/// other.
pub struct Runtime {
    /// Short name, used in criterion group names.
    pub name: &'static str,
    /// The module (a WASI reactor exporting `run`, `ping` and `memory`).
    pub wasm: &'static [u8],
    /// `run`'s input for a short script (a few milliseconds of work in an interpreter).
    pub n: u32,
}

/// Lua 5.4 as a WASI reactor (`workloads/c/lua.c`): `run(n)` runs a short script of `n` rounds in a fresh Lua
/// state. The base of the huge startup module (see [`crate::inflate`]).
pub static LUA: Runtime = Runtime { name: "lua", wasm: include_bytes!("../wasm/lua.wasm"), n: 1 };

/// SQLite 3.46 as a reactor with an in-memory database and no imports (`workloads/c/sqlite.c`): `run(n)` runs
/// `n` rounds of inserts, an index, joins, aggregates, an update and a delete.
pub static SQLITE: Runtime = Runtime { name: "sqlite", wasm: include_bytes!("../wasm/sqlite.wasm"), n: 1 };

/// The code-section size of the huge startup module: 32 MiB, or 1 MiB in quick mode.
pub fn huge_code_bytes() -> usize {
    if crate::quick() {
        1 << 20
    } else {
        32 << 20
    }
}

/// Looks a workload up by name.
pub fn by_name(name: &str) -> Option<&'static Workload> {
    ALL.iter().find(|w| w.name == name)
}

/// The small module of the startup measures.
pub fn small() -> &'static Workload {
    by_name("fib").expect("fib is a workload")
}

/// The large module of the startup measures.
pub fn large() -> &'static Workload {
    by_name("zstd").expect("zstd is a workload")
}

/// The length of the code section (id 10) of a wasm binary; 0 if it has none.
pub fn code_section_len(wasm: &[u8]) -> usize {
    fn leb(bytes: &[u8], pos: &mut usize) -> usize {
        let (mut value, mut shift) = (0usize, 0);
        loop {
            let byte = bytes[*pos];
            *pos += 1;
            value |= usize::from(byte & 0x7f) << shift;
            shift += 7;
            if byte < 0x80 {
                return value;
            }
        }
    }
    let mut pos = 8;
    while pos < wasm.len() {
        let id = wasm[pos];
        pos += 1;
        let size = leb(wasm, &mut pos);
        if id == 10 {
            return size;
        }
        pos += size;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_workload_has_code_and_a_distinct_name() {
        for (i, w) in ALL.iter().enumerate() {
            assert!(w.code_bytes() > 0, "{} has a code section", w.name);
            assert!(w.quick_n <= w.n, "{}: quick input is smaller", w.name);
            assert!(ALL[..i].iter().all(|v| v.name != w.name), "{} is listed once", w.name);
        }
        assert!(large().code_bytes() > 100 * small().code_bytes());
    }
}
