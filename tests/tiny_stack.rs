//! The threaded dispatch backend keeps the host stack flat: every handler ends by jumping to the next one.
//! If a handler stopped doing that (a change that makes LLVM emit a real call), each instruction it runs
//! would take host stack, and these long runs would overflow the small thread stack they get here.
//!
//! Meaningful in optimised builds, where the threaded backend is chosen (`cargo test --release --test
//! tiny_stack`, and CI's runs with the interpreter optimised); in debug builds the portable loop runs the same
//! programs.

use ember::{Config, Engine, Linker, Module, Store, Val};

/// The host stack the runs get: far less than a handler that does not jump would need (millions of
/// instructions run), and enough for translation and the run loop.
const STACK: usize = 256 * 1024;

/// Runs export `f` of `wat` with `args` on a thread with a [`STACK`]-byte stack.
fn run_on_tiny_stack(wat: &'static str, args: Vec<Val>) -> Vec<Val> {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let engine = Engine::interpreter(&Config::new());
            let module = Module::new(&engine, &wat::parse_str(wat).expect("valid text")).expect("valid module");
            let mut store = Store::new(&engine, ());
            let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
            let f = instance.get_func(&store, "f").expect("an export f");
            f.call_to_vec(&mut store, &args).expect("runs")
        })
        .expect("spawns")
        .join()
        .expect("no stack overflow")
}

/// Every family of handlers in one long loop: arithmetic with and without immediates, i64 and float,
/// compare-and-branch, `br_table`, `select`, loads and stores in every form, globals, direct and indirect
/// calls and returns, bulk memory, `memory.size`/`grow`, tables.
const MIXED: &str = r#"
(module
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) $sq $inc)
  (global $g (mut i64) (i64.const 0))
  (type $un (func (param i32) (result i32)))
  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $pair (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
  (func (export "f") (param $n i32) (result i64)
    (local $i i32) (local $acc i64) (local $x f64) (local $a i32) (local $b i32)
    (loop $top
      ;; i32 and i64 arithmetic, immediates, conversions
      (local.set $a (i32.xor (i32.shl (local.get $i) (i32.const 3)) (i32.rotl (local.get $i) (local.get $i))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.and (local.get $a) (i32.const 0xff)))))
      (local.set $x (f64.add (local.get $x) (f64.convert_i32_u (i32.rem_u (local.get $i) (i32.const 7)))))
      ;; memory: stores and loads, plain, fused with the address arithmetic, narrow and wide
      (i32.store offset=8 (i32.and (local.get $i) (i32.const 0xfff)) (local.get $a))
      (i64.store (i32.add (i32.and (local.get $i) (i32.const 0xff)) (i32.const 16)) (local.get $acc))
      (i32.store8 (i32.add (i32.const 4096) (i32.and (local.get $i) (i32.const 63))) (local.get $i))
      (local.set $b (i32.add (i32.load offset=8 (i32.and (local.get $i) (i32.const 0xfff)))
                             (i32.load8_u (i32.add (i32.const 4096) (i32.and (local.get $i) (i32.const 63))))))
      (local.set $acc (i64.add (local.get $acc) (i64.load (i32.add (i32.and (local.get $i) (i32.const 0xff)) (i32.const 16)))))
      ;; calls: direct, indirect, multi-value
      (local.set $b (i32.add (local.get $b) (call $inc (local.get $i))))
      (local.set $b (i32.add (local.get $b)
        (call_indirect (type $un) (local.get $i) (i32.and (local.get $i) (i32.const 1)))))
      (call $pair (local.get $a) (local.get $b))
      (local.set $a) (local.set $b)
      ;; br_table and select
      (block $z (block $y (block $x
        (br_table $x $y $z (i32.rem_u (local.get $i) (i32.const 3))))
        (local.set $a (i32.const 1)) (br $z))
        (local.set $a (select (local.get $a) (local.get $b) (local.get $i))))
      ;; globals
      (global.set $g (i64.add (global.get $g) (i64.extend_i32_s (local.get $a))))
      ;; bulk memory and sizes, now and then
      (if (i32.eqz (i32.and (local.get $i) (i32.const 0x3ff)))
        (then
          (memory.fill (i32.const 8192) (local.get $i) (i32.const 64))
          (memory.copy (i32.const 9000) (i32.const 8192) (i32.const 64))
          (drop (memory.grow (i32.const 0)))
          (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (memory.size))))
          (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (table.size))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $top (i32.lt_u (local.get $i) (local.get $n))))
    (i64.add (i64.add (local.get $acc) (global.get $g)) (i64.trunc_f64_s (local.get $x)))))
"#;

#[test]
fn a_long_run_of_every_handler_family_keeps_the_host_stack_flat() {
    let n = 300_000; // about 25 M instructions
    let small = run_on_tiny_stack(MIXED, vec![Val::I32(1_000)]);
    let large = run_on_tiny_stack(MIXED, vec![Val::I32(n)]);
    assert_ne!(small, large);
    assert!(matches!(large[..], [Val::I64(v)] if v > 0));
}

/// Deep recursion: wasm calls do not recurse on the host stack either, in either backend.
const RECURSION: &str = r#"
(module
  (func $down (export "f") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1))))))))
"#;

#[test]
fn deep_wasm_recursion_runs_on_a_tiny_host_stack() {
    assert_eq!(run_on_tiny_stack(RECURSION, vec![Val::I32(50_000)]), [Val::I32(50_000)]);
}

#[test]
fn optimised_builds_run_the_threaded_backend() {
    // Optimised builds for x86-64 and AArch64 take the threaded backend (see interp/build.rs): this test
    // catches a build that silently falls back to the loop, which these tests would not.
    // `EMBER_EXPECT_DISPATCH` names the backend a CI step means to test.
    let backend = ember::ember_interp::exec::DISPATCH_BACKEND;
    if let Ok(expected) = std::env::var("EMBER_EXPECT_DISPATCH") {
        assert_eq!(backend, expected);
    }
    let threaded_target = cfg!(any(target_arch = "x86_64", target_arch = "aarch64"));
    if threaded_target && !cfg!(debug_assertions) {
        assert_eq!(backend, "threaded");
    }
}
