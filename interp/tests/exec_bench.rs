//! Timings of the executor on the compiled kernels of `tests/programs/` (run them in release builds):
//!
//! ```text
//! cargo test --release -p ember-interp --test exec_bench -- --ignored --nocapture
//! EMBER_BENCH=fib_rec=30,sieve cargo test --release -p ember-interp --test exec_bench -- --ignored --nocapture
//! ```
//!
//! Prints the best of a few runs per kernel; checks nothing but that the kernels do not trap.

use std::time::{Duration, Instant};

use ember_core::{Config, Engine, Instance, Module, Store, Val};

static WASM: &[u8] = include_bytes!("../../tests/programs/ember_test_programs.wasm");

/// Kernel exports (`i32 -> i32`) with an argument that runs for a while.
const KERNELS: &[(&str, i32)] = &[
    ("fib_rec", 27),
    ("sieve", 2_000_000),
    ("crc32", 2_000_000),
    ("matmul", 120),
    ("int64_mix", 200_000),
    ("sha256_bench", 300),
    ("sort_bench", 100_000),
    ("mandelbrot", 200),
    ("nbody", 100_000),
    ("matmul_f64", 100),
    ("float_mix", 200_000),
    ("stack_vm", 2_000),
    ("tokenize", 1_000_000),
    ("dyn_dispatch", 200_000),
    ("collections", 50_000),
];

#[test]
#[ignore = "a benchmark: run in release with --ignored --nocapture"]
fn kernels() {
    let only = std::env::var("EMBER_BENCH").ok();
    let engine = Engine::with_executor(&Config::new(), &ember_interp::INTERPRETER);
    let module = Module::new(&engine, WASM).expect("the fixture validates");
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).expect("the fixture has no imports");
    let mut total = Duration::ZERO;
    for &(name, default_arg) in KERNELS {
        // `EMBER_BENCH=name` or `name=arg`, comma-separated.
        let arg = match only.as_deref() {
            None => default_arg,
            Some(o) => match o.split(',').map(|k| k.split_once('=').unwrap_or((k, ""))).find(|(k, _)| *k == name) {
                None => continue,
                Some((_, arg)) => arg.parse().unwrap_or(default_arg),
            },
        };
        let func = instance.get_func(&store, name).expect("an export");
        let mut best = Duration::MAX;
        for _ in 0..3 {
            let start = Instant::now();
            let r = func.call_to_vec(&mut store, &[Val::I32(arg)]);
            best = best.min(start.elapsed());
            if let Err(e) = r {
                panic!("{name}({arg}): {e}");
            }
        }
        total += best;
        println!("{name:>14}({arg}): {:>9.2} ms", best.as_secs_f64() * 1e3);
    }
    println!("{:>14}: {:>9.2} ms", "total", total.as_secs_f64() * 1e3);
}
