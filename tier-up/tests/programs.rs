//! The Rust kernels of `tests/programs/` (real compiler output: SHA-256, deflate, sorts, f64 simulations,
//! i128, collections, `core::fmt`, trait objects, a bytecode VM) in native code (`jit`) and mixed with the
//! interpreter (`auto`), each result compared with the same kernel compiled natively into this test.

use ember_core::{Config, Engine, Instance, Linker, Module, Store};
use ember_tier_up::{Mode, TieredExecutor};

#[path = "../../tests/programs/src/kernels.rs"]
mod kernels;

#[path = "../../tests/programs/src/expected.rs"]
mod expected;

static WASM: &[u8] = include_bytes!("../../tests/programs/ember_test_programs.wasm");

/// A kernel export's name, its native twin and the arguments to try.
type Kernel = (&'static str, fn(i32) -> i32, &'static [i32]);

/// Kernel exports, their native twins, and arguments small enough for debug builds.
const KERNELS: &[Kernel] = &[
    ("sha256_bench", kernels::sha256_bench, &[0, 3, 20]),
    ("sort_bench", kernels::sort_bench, &[0, 17, 5_000]),
    ("mandelbrot", kernels::mandelbrot, &[1, 16]),
    ("nbody", kernels::nbody, &[0, 100]),
    ("matmul_f64", kernels::matmul_f64, &[1, 12]),
    ("float_mix", kernels::float_mix, &[1, 2_000]),
    ("fib_rec", kernels::fib_rec, &[0, 18]),
    ("sieve", kernels::sieve, &[2, 10_000]),
    ("crc32", kernels::crc32, &[1, 5_000]),
    ("matmul", kernels::matmul, &[1, 16]),
    ("int64_mix", kernels::int64_mix, &[1, 2_000]),
    ("linked_list", kernels::linked_list, &[1, 5_000]),
    ("stack_vm", kernels::stack_vm, &[2, 60]),
    ("tokenize", kernels::tokenize, &[1, 3_000]),
    ("dyn_dispatch", kernels::dyn_dispatch, &[1, 2_000]),
    ("collections", kernels::collections, &[1, 5_000]),
    ("format_text", kernels::format_text, &[1, 100]),
];

fn check(mode: Mode, config: &Config) {
    let engine = Engine::with_executor(config, TieredExecutor::for_mode(mode));
    let module = Module::new(&engine, WASM).expect("the fixture validates");
    let mut store = Store::new(&engine, ());
    let instance: Instance = Linker::new(&engine).instantiate(&mut store, &module).expect("no imports");
    let mut failures = Vec::new();
    for &(name, native, args) in KERNELS {
        let func = instance.get_typed_func::<i32, i32>(&store, name).expect("an i32 -> i32 export");
        for &arg in args {
            match func.call(&mut store, arg) {
                Ok(got) if got == native(arg) => {}
                other => failures.push(format!("{name}({arg}) = {other:?}, native {}", native(arg))),
            }
        }
    }
    for &(len, roundtrip, levels) in expected::COMPRESS.iter().filter(|c| [0, 1000].contains(&c.0)) {
        for (name, expected) in [("compress_roundtrip", roundtrip), ("compress_levels", levels)] {
            let func = instance.get_typed_func::<i32, i32>(&store, name).expect("an export");
            match func.call(&mut store, len) {
                Ok(got) if got == expected => {}
                other => failures.push(format!("{name}({len}) = {other:?}, native {expected}")),
            }
        }
    }
    let stats = ember_tier_up::stats(store.inner_mut());
    assert!(failures.is_empty(), "{mode:?}: {} failure(s):\n  {}", failures.len(), failures.join("\n  "));
    assert!(stats.failures.is_empty(), "{mode:?}: not compiled: {:?}", stats.failures);
    if mode == Mode::Jit {
        assert!(!stats.events.is_empty(), "{mode:?}: nothing compiled");
    }
}

#[test]
fn kernels_in_native_code() {
    check(Mode::Jit, &Config::new());
}

#[test]
fn kernels_mixed_with_the_interpreter_and_compiled_in_the_background() {
    let mut config = Config::new();
    config.tier_up_threshold(Some(200));
    check(Mode::Auto, &config);
}
