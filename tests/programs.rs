//! Ember on code compiled by a real compiler: the Rust kernels of `tests/programs/` (SHA-256, deflate through
//! `miniz_oxide`, pdqsort and driftsort, f64 simulations, i128 arithmetic, B-trees and hash maps, `core::fmt`,
//! trait objects, a lexer and a bytecode VM), built by rustc for wasm32-unknown-unknown into the committed
//! `tests/programs/ember_test_programs.wasm` (rebuild with `tests/programs/build.sh`).
//!
//! Every export is compared with the same kernel source compiled natively into this test
//! (`tests/programs/src/kernels.rs`). The `miniz_oxide` exports are compared with the table of
//! `tests/programs/src/expected.rs`, which the fixture's own native `cargo test` checks against `miniz_oxide`.
//!
//! Sizes are small: Ember is an interpreter and this runs in debug builds.

use ember::{Config, Engine, Instance, Linker, Module, Store};

#[path = "programs/src/kernels.rs"]
mod kernels;

#[path = "programs/src/expected.rs"]
mod expected;

/// The fixture module, built by `tests/programs/build.sh`.
static WASM: &[u8] = include_bytes!("programs/ember_test_programs.wasm");

/// The module under test: [`WASM`], or the file named by `EMBER_TEST_PROGRAMS` (another build of the same
/// crate, e.g. `cargo build --target wasm32-unknown-unknown` at another opt-level, to try other code shapes).
fn wasm() -> &'static [u8] {
    static OVERRIDE: std::sync::OnceLock<Option<Vec<u8>>> = std::sync::OnceLock::new();
    OVERRIDE
        .get_or_init(|| {
            let path = std::env::var_os("EMBER_TEST_PROGRAMS")?;
            Some(std::fs::read(&path).unwrap_or_else(|e| panic!("EMBER_TEST_PROGRAMS={path:?}: {e}")))
        })
        .as_deref()
        .unwrap_or(WASM)
}

/// A kernel export's name, its native twin and the arguments to try.
type Kernel = (&'static str, fn(i32) -> i32, &'static [i32]);

/// Every `i32 -> i32` kernel export.
const KERNELS: &[Kernel] = &[
    ("sha256_bench", kernels::sha256_bench, &[0, 1, 3, 20]),
    ("sort_bench", kernels::sort_bench, &[0, 1, 2, 17, 300, 5_000]),
    ("mandelbrot", kernels::mandelbrot, &[1, 3, 16, 64]),
    ("nbody", kernels::nbody, &[0, 1, 100, 1_000]),
    ("matmul_f64", kernels::matmul_f64, &[0, 1, 12, 32]),
    ("float_mix", kernels::float_mix, &[0, 1, 200, 2_000]),
    ("fib_rec", kernels::fib_rec, &[0, 1, 2, 18, 24]),
    ("sieve", kernels::sieve, &[0, 1, 2, 100, 10_000, 100_000]),
    ("crc32", kernels::crc32, &[0, 1, 5_000, 50_000]),
    ("matmul", kernels::matmul, &[0, 1, 16, 40]),
    ("int64_mix", kernels::int64_mix, &[0, 1, 100, 2_000]),
    ("linked_list", kernels::linked_list, &[0, 1, 500, 5_000]),
    ("stack_vm", kernels::stack_vm, &[0, 1, 2, 60, 200]),
    ("tokenize", kernels::tokenize, &[0, 1, 3_000, 30_000]),
    ("dyn_dispatch", kernels::dyn_dispatch, &[0, 1, 200, 2_000]),
    ("collections", kernels::collections, &[0, 1, 500, 5_000]),
    ("format_text", kernels::format_text, &[0, 1, 12, 100]),
];

/// Lengths from [`expected::COMPRESS`] to run.
const COMPRESS_LENS: &[i32] = &[0, 1, 1000, 4096, 20_000];

/// The fixture's exports that are not `i32 -> i32` kernels (checked by [`memory_buffers`]).
const OTHER_EXPORTS: &[&str] = &["memory", "buffer_alloc", "buffer_free", "buffer_digest", "__data_end", "__heap_base"];

fn instantiate(config: &Config) -> (Module, Store<()>, Instance) {
    let engine = Engine::new(config);
    let module = Module::new(&engine, wasm()).expect("the fixture module validates");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("the fixture has no imports");
    (module, store, instance)
}

/// Calls `name(arg)`; the error's text if it trapped or failed.
fn call(store: &mut Store<()>, instance: &Instance, name: &str, arg: i32) -> Result<i32, String> {
    let func = instance
        .get_typed_func::<i32, i32>(&*store, name)
        .map_err(|e| format!("{name} is not an (i32) -> i32 export: {e:?}"))?;
    func.call(&mut *store, arg).map_err(|e| format!("{e:?}"))
}

/// Runs `kernels` with their arguments in one instance and the deflate exports with `compress_lens`;
/// returns one line per mismatch or trap.
fn check(config: &Config, kernels: &[Kernel], compress_lens: &[i32]) -> Vec<String> {
    let (_module, mut store, instance) = instantiate(config);
    let mut failures = Vec::new();
    for &(name, native, args) in kernels {
        for &arg in args {
            let expected = native(arg);
            let start = std::time::Instant::now();
            let result = call(&mut store, &instance, name, arg);
            println!("{name}({arg}): {:?}", start.elapsed());
            match result {
                Ok(got) if got == expected => {}
                Ok(got) => failures.push(format!("{name}({arg}) = {got:#x}, native {expected:#x}")),
                Err(e) => failures.push(format!("{name}({arg}) failed: {e}")),
            }
        }
    }
    for &(len, roundtrip, levels) in expected::COMPRESS.iter().filter(|c| compress_lens.contains(&c.0)) {
        for (name, expected) in [("compress_roundtrip", roundtrip), ("compress_levels", levels)] {
            let start = std::time::Instant::now();
            let result = call(&mut store, &instance, name, len);
            println!("{name}({len}): {:?}", start.elapsed());
            match result {
                Ok(got) if got == expected => {}
                Ok(got) => failures.push(format!("{name}({len}) = {got:#x}, native {expected:#x}")),
                Err(e) => failures.push(format!("{name}({len}) failed: {e}")),
            }
        }
    }
    failures
}

fn assert_no_failures(failures: Vec<String>) {
    assert!(failures.is_empty(), "{} failure(s):\n  {}", failures.len(), failures.join("\n  "));
}

#[test]
fn exports_and_no_imports() {
    let engine = Engine::default();
    let module = Module::new(&engine, wasm()).expect("the fixture module validates");
    assert_eq!(module.imports().count(), 0, "the fixture must be self-contained");
    let mut names: Vec<&str> = module.exports().map(|(name, _)| name).collect();
    names.sort_unstable();
    let mut known: Vec<&str> = KERNELS
        .iter()
        .map(|k| k.0)
        .chain(["compress_roundtrip", "compress_levels"])
        .chain(OTHER_EXPORTS.iter().copied())
        .collect();
    known.sort_unstable();
    assert_eq!(names, known, "every export of the fixture is tested (update KERNELS after rebuilding it)");
}

#[test]
fn kernels_match_native() {
    assert_no_failures(check(&Config::default(), KERNELS, &[]));
}

#[test]
fn deflate_roundtrip_matches_native() {
    assert_no_failures(check(&Config::default(), &[], COMPRESS_LENS));
}

#[test]
fn eager_translation() {
    let mut config = Config::default();
    config.eager_translation(true);
    // The smaller arguments of every kernel: eager translation changes when functions are translated, not what
    // they compute, so this mostly checks that translating all 190-odd functions up front works.
    let small: Vec<Kernel> = KERNELS.iter().map(|&(name, f, args)| (name, f, &args[..args.len() - 1])).collect();
    assert_no_failures(check(&config, &small, &[0, 1000]));
}

/// Larger inputs, for release builds: `cargo test --release --test programs -- --ignored`.
#[test]
#[ignore = "slow in debug builds"]
fn larger_sizes() {
    let larger: &[Kernel] = &[
        ("sha256_bench", kernels::sha256_bench, &[500]),
        ("sort_bench", kernels::sort_bench, &[200_000]),
        ("mandelbrot", kernels::mandelbrot, &[400]),
        ("nbody", kernels::nbody, &[100_000]),
        ("matmul_f64", kernels::matmul_f64, &[120]),
        ("float_mix", kernels::float_mix, &[200_000]),
        ("fib_rec", kernels::fib_rec, &[30]),
        ("sieve", kernels::sieve, &[5_000_000]),
        ("crc32", kernels::crc32, &[2_000_000]),
        ("matmul", kernels::matmul, &[150]),
        ("int64_mix", kernels::int64_mix, &[200_000]),
        ("linked_list", kernels::linked_list, &[300_000]),
        ("stack_vm", kernels::stack_vm, &[5_000]),
        ("tokenize", kernels::tokenize, &[1_000_000]),
        ("dyn_dispatch", kernels::dyn_dispatch, &[100_000]),
        ("collections", kernels::collections, &[100_000]),
        ("format_text", kernels::format_text, &[5_000]),
    ];
    assert_no_failures(check(&Config::default(), larger, &[]));
}

/// The host writes input into linear memory and reads results back: buffers from the guest's allocator
/// (`std`'s dlmalloc, growing memory), a digest written by the guest, and reuse after `buffer_free`.
#[test]
fn memory_buffers() {
    let (_module, mut store, instance) = instantiate(&Config::default());
    let memory = instance.get_memory(&store, "memory").expect("the fixture exports its memory");
    let alloc = instance.get_typed_func::<i32, i32>(&store, "buffer_alloc").unwrap();
    let free = instance.get_typed_func::<(i32, i32), ()>(&store, "buffer_free").unwrap();
    let digest = instance.get_typed_func::<(i32, i32, i32), i32>(&store, "buffer_digest").unwrap();

    let pages_before = memory.size(&store);
    for (round, len) in [0usize, 1, 55, 56, 64, 1000, 200_000].into_iter().enumerate() {
        let data = kernels::random_bytes(len, 0xb0f + round as u32);
        let ptr = alloc.call(&mut store, len as i32).expect("buffer_alloc");
        let out = alloc.call(&mut store, 32).expect("buffer_alloc");
        assert!(ptr > 0 && out > 0, "allocation failed: {ptr:#x}, {out:#x}");
        let end = ptr as usize + len;
        assert!(end <= memory.data(&store).len(), "buffer {ptr:#x}+{len} outside memory");
        assert!(memory.data(&store)[ptr as usize..end].iter().all(|&b| b == 0), "buffer_alloc zeroes");
        memory.write(&mut store, ptr as usize, &data).expect("write the input");
        let crc = digest.call(&mut store, (ptr, len as i32, out)).expect("buffer_digest");
        assert_eq!(crc as u32, kernels::crc32_of(&data), "crc32 of {len} bytes");
        let mut got = [0u8; 32];
        memory.read(&store, out as usize, &mut got).expect("read the digest");
        assert_eq!(got, kernels::sha256(&data), "sha256 of {len} bytes");
        free.call(&mut store, (ptr, len as i32)).expect("buffer_free");
        free.call(&mut store, (out, 32)).expect("buffer_free");
    }
    assert!(memory.size(&store) > pages_before, "a 200 KB buffer grows memory");
    // Freed memory is reused: the allocator does not grow memory for the same sizes again.
    let pages = memory.size(&store);
    for _ in 0..3 {
        let ptr = alloc.call(&mut store, 200_000).unwrap();
        free.call(&mut store, (ptr, 200_000)).unwrap();
    }
    assert_eq!(memory.size(&store), pages);
}

/// Known SHA-256 digests, so a bug shared by the native and the wasm build of the kernel cannot hide.
#[test]
fn native_sha256_is_sha256() {
    let hex = |d: [u8; 32]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
    assert_eq!(hex(kernels::sha256(b"")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_eq!(hex(kernels::sha256(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_eq!(
        hex(kernels::sha256(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    );
    assert_eq!(kernels::crc32_of(b"123456789"), 0xcbf4_3926);
    assert_eq!(kernels::sieve(100), 25);
    assert_eq!(kernels::fib_rec(20), 6765);
}

/// Bytecode size against wasm size on real compiler output: the sum of every defined function's translated
/// code over the size of the code section. Prints the ratio; the bound is the compactness goal.
#[test]
fn bytecode_size_ratio() {
    let engine = Engine::default();
    let module = Module::new(&engine, wasm()).expect("the fixture module validates");
    let info = module.info();
    let options = Default::default();
    let mut bytecode = 0usize;
    let mut largest = (0usize, 0u32);
    for func in info.num_imported_funcs..info.funcs.len() as u32 {
        let compiled = ember_interp::translate::translate(info, func, &options)
            .unwrap_or_else(|e| panic!("function {func} does not translate: {e:?}"));
        bytecode += compiled.code_bytes();
        largest = largest.max((compiled.code_bytes(), func));
    }
    let wasm = info.code_section.len();
    let ratio = bytecode as f64 / wasm as f64;
    println!(
        "bytecode size ratio: {bytecode} bytes of bytecode / {wasm} bytes of wasm code = {ratio:.3} \
         ({} functions; largest: function {} with {} bytes)",
        info.bodies.len(),
        largest.1,
        largest.0
    );
    assert!(ratio <= 1.5, "bytecode is {ratio:.3}x the wasm code section (the goal is at most 1.5)");
}
