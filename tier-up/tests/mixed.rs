//! Mixed-mode corners: recursion across tiers, traps unwinding through interpreted and native frames, tier-up
//! of a function already on the stack, fuel running out inside native code, stack exhaustion, host calls and
//! cross-instance calls from native code.

use ember_core::{
    Config, Engine, Error, Func, FuncType, Instance, Linker, Module, Store, StoreLimits, TrapCode, Val, ValType,
};
use ember_tier_up::{Mode, TieredExecutor};

fn engine(mode: Mode, config: &Config) -> Engine {
    Engine::with_executor(config, TieredExecutor::for_mode(mode))
}

fn instantiate(engine: &Engine, wat: &str) -> (Store<()>, Instance) {
    let module = Module::new(engine, &wat::parse_str(wat).expect("valid text")).expect("valid module");
    let mut store = Store::new(engine, ());
    let instance = Linker::new(engine).instantiate(&mut store, &module).expect("instantiates");
    (store, instance)
}

fn call(store: &mut Store<()>, instance: Instance, name: &str, args: &[Val]) -> Result<Vec<Val>, Error> {
    let f = instance.get_func(&*store, name).expect("exported");
    f.call_to_vec(&mut *store, args)
}

fn trap_code(e: Error) -> TrapCode {
    match e.as_trap() {
        Some(t) => t.code(),
        None => panic!("expected a trap, got {e:?}"),
    }
}

const EVEN_ODD: &str = r#"(module
  (func $even (export "even") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 1))
      (else (call $odd (i32.sub (local.get 0) (i32.const 1))))))
  (func $odd (export "odd") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (call $even (i32.sub (local.get 0) (i32.const 1))))))
  (func (export "even_or_trap") (param i32) (result i32)
    (if (i32.eq (local.get 0) (i32.const 0)) (then unreachable))
    (call $odd_or_trap (i32.sub (local.get 0) (i32.const 1))))
  (func $odd_or_trap (param i32) (result i32)
    (if (i32.eq (local.get 0) (i32.const 0)) (then (i32.div_u (i32.const 1) (local.get 0)) drop))
    (call 2 (i32.sub (local.get 0) (i32.const 1))))
  (func $fib (export "fib") (param i64) (result i64)
    (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
      (then (local.get 0))
      (else (i64.add (call $fib (i64.sub (local.get 0) (i64.const 1)))
                     (call $fib (i64.sub (local.get 0) (i64.const 2))))))))"#;

/// A threshold at which a function's first call is interpreted and its second native.
fn second_call_native() -> Config {
    let mut config = Config::new();
    config.tier_up_threshold(Some(16)).synchronous_tier_up(true);
    config
}

#[test]
fn jit_compiles_everything_it_runs() {
    let (mut store, instance) = instantiate(&engine(Mode::Jit, &Config::new()), EVEN_ODD);
    assert_eq!(call(&mut store, instance, "fib", &[Val::I64(20)]).expect("runs"), [Val::I64(6765)]);
    let stats = ember_tier_up::stats(store.inner_mut());
    assert_eq!(stats.events.len(), 1, "fib compiled once: {stats:?}");
    assert!(stats.failures.is_empty(), "{:?}", stats.failures);
}

#[test]
fn recursion_across_tiers() {
    // even(1000): the outer frames are interpreted (first calls), the inner ones native, and native code
    // calls back into the interpreter for functions not compiled yet.
    let (mut store, instance) = instantiate(&engine(Mode::Auto, &second_call_native()), EVEN_ODD);
    assert_eq!(call(&mut store, instance, "even", &[Val::I32(1000)]).expect("runs"), [Val::I32(1)]);
    assert_eq!(call(&mut store, instance, "odd", &[Val::I32(777)]).expect("runs"), [Val::I32(1)]);
    assert_eq!(call(&mut store, instance, "fib", &[Val::I64(15)]).expect("runs"), [Val::I64(610)]);
    let stats = ember_tier_up::stats(store.inner_mut());
    assert_eq!(stats.events.len(), 3, "even, odd and fib tiered up: {stats:?}");
}

#[test]
fn traps_unwind_through_mixed_frames() {
    for mode in [Mode::Interp, Mode::Auto, Mode::Jit] {
        let (mut store, instance) = instantiate(&engine(mode, &second_call_native()), EVEN_ODD);
        let e = call(&mut store, instance, "even_or_trap", &[Val::I32(100)]).expect_err("traps");
        assert_eq!(trap_code(e), TrapCode::Unreachable, "{mode:?}");
        let e = call(&mut store, instance, "even_or_trap", &[Val::I32(101)]).expect_err("traps");
        assert_eq!(trap_code(e), TrapCode::IntegerDivisionByZero, "{mode:?}");
        // The store is fine afterwards.
        assert_eq!(call(&mut store, instance, "even", &[Val::I32(10)]).expect("runs"), [Val::I32(1)], "{mode:?}");
    }
}

#[test]
fn function_on_the_stack_tiers_up() {
    // `count` runs interpreted (first call) while it calls itself: the nested calls run native code, then the
    // interpreted frame resumes.
    let wat = r#"(module
      (global $g (mut i32) (i32.const 0))
      (func $count (export "count") (param i32) (result i32)
        (global.set $g (i32.add (global.get $g) (i32.const 1)))
        (if (result i32) (i32.eqz (local.get 0))
          (then (global.get $g))
          (else (i32.add (call $count (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))))"#;
    let (mut store, instance) = instantiate(&engine(Mode::Auto, &second_call_native()), wat);
    assert_eq!(call(&mut store, instance, "count", &[Val::I32(50)]).expect("runs"), [Val::I32(101)]);
    assert_eq!(ember_tier_up::stats(store.inner_mut()).events.len(), 1);
}

/// Programs whose fuel use is compared between the tiers.
const FUEL_PROGRAMS: &str = r#"(module
  (memory 1)
  (func $sum (export "sum") (param i32) (result i32) (local i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $next)))
    (local.get 1))
  (func $branchy (export "branchy") (param i32) (result i32) (local i32)
    (loop $l
      (block $a (block $b (block $c
        (br_table $a $b $c (i32.rem_u (local.get 0) (i32.const 3))))
        (local.set 1 (i32.add (local.get 1) (i32.const 1))))
        (if (i32.and (local.get 0) (i32.const 1))
          (then (local.set 1 (i32.mul (local.get 1) (i32.const 3))))
          (else (nop))))
      (i32.store (i32.const 8) (local.get 1))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0)))
    (i32.add (local.get 1) (call $sum (i32.const 3))))
  (func (export "calls") (param i32) (result i32)
    (block (result i32)
      (drop (call $sum (local.get 0)))
      (call $branchy (local.get 0)))))"#;

fn run_with_fuel(mode: Mode, name: &str, arg: i32, fuel: u64) -> (Result<Vec<Val>, TrapCode>, u64) {
    let mut config = second_call_native();
    config.consume_fuel(true);
    let (mut store, instance) = instantiate(&engine(mode, &config), FUEL_PROGRAMS);
    // Warm up so that `auto` has tiered up, then measure a fresh budget.
    store.set_fuel(u64::MAX).expect("fuel on");
    for _ in 0..3 {
        let _ = call(&mut store, instance, name, &[Val::I32(arg)]);
    }
    store.set_fuel(fuel).expect("fuel on");
    let outcome = call(&mut store, instance, name, &[Val::I32(arg)]).map_err(trap_code);
    (outcome, store.get_fuel().expect("fuel on"))
}

#[test]
fn fuel_matches_the_interpreter_and_runs_out_inside_native_code() {
    for (name, arg) in [("sum", 7), ("branchy", 9), ("calls", 5)] {
        let (full, left) = run_with_fuel(Mode::Interp, name, arg, 1_000_000);
        let used = 1_000_000 - left;
        assert!(full.is_ok() && used > 0);
        // Budgets from nothing to enough (every third one, and the last few): same result, same fuel left, in
        // all tiers.
        for fuel in (0..=used).filter(|f| f % 3 == 0 || *f + 3 > used) {
            let expected = run_with_fuel(Mode::Interp, name, arg, fuel);
            for mode in [Mode::Jit, Mode::Auto] {
                assert_eq!(
                    run_with_fuel(mode, name, arg, fuel),
                    expected,
                    "{name}({arg}) with {fuel} fuel in {mode:?}"
                );
            }
        }
        assert_eq!(run_with_fuel(Mode::Jit, name, arg, used - 1).0, Err(TrapCode::OutOfFuel));
    }
}

#[test]
fn deep_recursion_is_stack_exhaustion() {
    let wat = r#"(module
      (func $down (export "down") (param i64) (result i64)
        (i64.add (call $down (i64.add (local.get 0) (i64.const 1))) (i64.const 1))))"#;
    for mode in [Mode::Interp, Mode::Auto, Mode::Jit] {
        let (mut store, instance) = instantiate(&engine(mode, &second_call_native()), wat);
        let e = call(&mut store, instance, "down", &[Val::I64(0)]).expect_err("recursion never ends");
        assert_eq!(trap_code(e), TrapCode::StackOverflow, "{mode:?}");
    }
    // The call-depth limit holds in native code too.
    let mut config = second_call_native();
    config.limits(StoreLimits { max_call_depth: 50, ..StoreLimits::default() });
    let wat = r#"(module
      (func $depth (export "depth") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
          (else (call $depth (i32.sub (local.get 0) (i32.const 1)))))))"#;
    for mode in [Mode::Interp, Mode::Auto, Mode::Jit] {
        let (mut store, instance) = instantiate(&engine(mode, &config), wat);
        assert!(call(&mut store, instance, "depth", &[Val::I32(40)]).is_ok(), "{mode:?}");
        let e = call(&mut store, instance, "depth", &[Val::I32(60)]).expect_err("too deep");
        assert_eq!(trap_code(e), TrapCode::StackOverflow, "{mode:?}");
        assert!(call(&mut store, instance, "depth", &[Val::I32(48)]).is_ok(), "{mode:?}");
    }
}

#[test]
fn native_code_calls_hosts_and_other_instances() {
    let engine = engine(Mode::Jit, &Config::new());
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let ty = FuncType::new([ValType::I32], [ValType::I32]);
    let double = Func::new(&mut store, ty, |_caller, params: &[Val], results: &mut [Val]| {
        results[0] = Val::I32(params[0].i32().unwrap_or(0) * 2);
        Ok(())
    });
    linker.define("host", "double", double).expect("defined");
    let lib = r#"(module
      (import "host" "double" (func $double (param i32) (result i32)))
      (table (export "table") 2 funcref)
      (elem (i32.const 0) $quad $fail)
      (func $quad (param i32) (result i32) (call $double (call $double (local.get 0))))
      (func $fail (param i32) (result i32) (i32.div_s (local.get 0) (i32.const 0))))"#;
    let lib = Module::new(&engine, &wat::parse_str(lib).expect("valid")).expect("valid");
    let lib = linker.instantiate(&mut store, &lib).expect("instantiates");
    linker.instance(&store, "lib", lib).expect("defined");
    let app = r#"(module
      (import "lib" "table" (table 2 funcref))
      (type $t (func (param i32) (result i32)))
      (func (export "go") (param i32 i32) (result i32)
        (call_indirect (type $t) (local.get 0) (local.get 1))))"#;
    let app = Module::new(&engine, &wat::parse_str(app).expect("valid")).expect("valid");
    let app = linker.instantiate(&mut store, &app).expect("instantiates");
    assert_eq!(call(&mut store, app, "go", &[Val::I32(5), Val::I32(0)]).expect("runs"), [Val::I32(20)]);
    let e = call(&mut store, app, "go", &[Val::I32(5), Val::I32(1)]).expect_err("traps");
    assert_eq!(trap_code(e), TrapCode::IntegerDivisionByZero);
    let e = call(&mut store, app, "go", &[Val::I32(5), Val::I32(2)]).expect_err("traps");
    assert_eq!(trap_code(e), TrapCode::UndefinedElement);
}

#[test]
fn background_compilation_takes_over_while_the_interpreter_runs() {
    let mut config = Config::new();
    config.tier_up_threshold(Some(16));
    let (mut store, instance) = instantiate(&engine(Mode::Auto, &config), EVEN_ODD);
    // Results are right whichever tier runs each call; within a few seconds the worker's code is taken.
    let start = std::time::Instant::now();
    loop {
        assert_eq!(call(&mut store, instance, "fib", &[Val::I64(12)]).expect("runs"), [Val::I64(144)]);
        let stats = ember_tier_up::stats(store.inner_mut());
        assert!(stats.failures.is_empty(), "{:?}", stats.failures);
        if !stats.events.is_empty() {
            break;
        }
        assert!(start.elapsed().as_secs() < 60, "the worker's code was never taken");
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert_eq!(call(&mut store, instance, "fib", &[Val::I64(20)]).expect("runs"), [Val::I64(6765)]);
}

#[test]
fn a_long_loop_called_once_moves_to_native_code() {
    // `main` is called once and loops: on-stack replacement enters native code at the loop header with the
    // interpreter's locals and operand stack (here a value below the loop: the 1000 added at the end).
    let wat = r#"(module
      (memory 1)
      (func (export "main") (param i32) (result i32) (local i32 i32)
        (i32.const 1000)
        (loop $l
          (local.set 1 (i32.add (local.get 1) (local.get 0)))
          (i32.store (i32.const 16) (local.get 1))
          (local.set 2 (i32.add (local.get 2) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get 2) (i32.const 100000))))
        (i32.add (i32.load (i32.const 16)))))"#;
    for mode in [Mode::Interp, Mode::Auto] {
        let (mut store, instance) = instantiate(&engine(mode, &second_call_native()), wat);
        assert_eq!(call(&mut store, instance, "main", &[Val::I32(3)]).expect("runs"), [Val::I32(301_000)], "{mode:?}");
        let stats = ember_tier_up::stats(store.inner_mut());
        if mode == Mode::Auto {
            assert_eq!(stats.events.len(), 1, "{stats:?}");
            assert_eq!(stats.events[0].at_loop, Some(0));
        }
    }
}

#[test]
fn a_host_panic_passes_native_frames_and_reaches_the_caller() {
    let engine = engine(Mode::Jit, &Config::new());
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let boom = Func::new(&mut store, FuncType::new([], []), |_caller, _: &[Val], _: &mut [Val]| panic!("boom"));
    linker.define("host", "boom", boom).expect("defined");
    let wat = r#"(module (import "host" "boom" (func $boom))
      (func $inner (call $boom))
      (func (export "go") (call $inner)))"#;
    let module = Module::new(&engine, &wat::parse_str(wat).expect("valid")).expect("valid");
    let instance = linker.instantiate(&mut store, &module).expect("instantiates");
    let go = instance.get_func(&store, "go").expect("exported");
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| go.call(&mut store, &[], &mut [])));
    let payload = caught.expect_err("the host's panic reaches the caller");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
}

#[test]
fn deep_recursion_on_a_small_thread_stack_is_stack_exhaustion() {
    // Native code recurses on the host stack: on a thread whose whole stack is smaller than the native
    // budget (1 MiB), the limit must come from the thread's real stack, or the recursion overflows it and the
    // process aborts. (320 KiB leaves room for the synchronous Cranelift compile of a debug build.)
    let wat = r#"(module
      (func $down (export "down") (param i64) (result i64)
        (i64.add (call $down (i64.add (local.get 0) (i64.const 1))) (i64.const 1))))"#;
    let mut config = second_call_native();
    config.limits(StoreLimits { max_call_depth: 1_000_000, ..StoreLimits::default() });
    for stack in [320 << 10, 768 << 10] {
        let config = config.clone();
        let outcome = std::thread::Builder::new()
            .stack_size(stack)
            .spawn(move || {
                let (mut store, instance) = instantiate(&engine(Mode::Jit, &config), wat);
                call(&mut store, instance, "down", &[Val::I64(0)]).map_err(trap_code)
            })
            .expect("a thread")
            .join()
            .expect("no panic");
        assert_eq!(outcome, Err(TrapCode::StackOverflow), "{stack} byte stack");
    }
}

#[test]
fn on_stack_replacement_enters_at_any_loop_of_one_compilation() {
    // Loop 0 is short; a loop in unreachable code is not numbered (by either translator) but has an entry
    // block; loop 1 is long and gets hot, with a value (7) below it on the operand stack. One compilation of
    // the function's loop entry serves any of its loops: the interpreter enters it at loop 1.
    let wat = r#"(module
      (func (export "main") (param i32) (result i32) (local i32 i32)
        (loop $a
          (local.set 2 (i32.add (local.get 2) (i32.const 1)))
          (br_if $a (i32.lt_u (local.get 2) (i32.const 3))))
        (block $skip (br $skip) (loop $dead (br $dead)))
        (i32.const 7)
        (block $out
          (loop $b
            (local.set 1 (i32.add (local.get 1) (local.get 0)))
            (local.set 2 (i32.add (local.get 2) (i32.const 1)))
            (br_if $out (i32.ge_u (local.get 2) (i32.const 100003)))
            (br $b)))
        (i32.add (local.get 1))))"#;
    for mode in [Mode::Interp, Mode::Auto] {
        let (mut store, instance) = instantiate(&engine(mode, &second_call_native()), wat);
        assert_eq!(call(&mut store, instance, "main", &[Val::I32(3)]).expect("runs"), [Val::I32(300_007)], "{mode:?}");
        let stats = ember_tier_up::stats(store.inner_mut());
        if mode == Mode::Auto {
            assert_eq!(stats.events.len(), 1, "{stats:?}");
            assert_eq!(stats.events[0].at_loop, Some(1));
        }
    }
}

#[test]
fn values_below_a_loop_entered_by_on_stack_replacement_reach_every_join() {
    // A value sits below an `if` whose true arm holds a hot loop, and below a `block` whose end is reached
    // both around and through a hot loop. The loop-entry compilation carries the stack through the loop
    // headers, so after each join the value must come from both paths (it once came from the loop's header
    // alone, which the other path bypasses: invalid IR, and the function stayed interpreted).
    let wat = r#"(module
      (func (export "f") (param i32 i32) (result i64)
        (i64.const 7)
        (if (result i64) (local.get 0)
          (then
            (loop $l
              (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
              (br_if $l (local.get 1)))
            (i64.const 1))
          (else (i64.const 2)))
        (i64.add)
        (block $b (result i64)
          (drop (br_if $b (i64.const 10) (i32.eqz (local.get 0))))
          (loop $m
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (br_if $m (i32.lt_u (local.get 1) (i32.const 100000))))
          (i64.const 20))
        (i64.add)))"#;
    for mode in [Mode::Interp, Mode::Auto] {
        let (mut store, instance) = instantiate(&engine(mode, &second_call_native()), wat);
        let f = |store: &mut Store<()>, a: i32, b: i32| call(store, instance, "f", &[Val::I32(a), Val::I32(b)]);
        assert_eq!(f(&mut store, 1, 100_000).expect("runs"), [Val::I64(28)], "{mode:?}");
        assert_eq!(f(&mut store, 0, 5).expect("runs"), [Val::I64(19)], "{mode:?}");
        let stats = ember_tier_up::stats(store.inner_mut());
        assert!(stats.failures.is_empty(), "{:?}", stats.failures);
        if mode == Mode::Auto {
            assert!(stats.events.iter().any(|e| e.at_loop.is_some()), "{stats:?}");
        }
    }
}

/// The module the `execute` fuzz target found the bug above with (its loop 3, in an `if`'s true arm, carried
/// the `i64.const` below the outer loops; the false arm and the code after the `if` used it).
const FUZZ_LOOP_ENTRY: &str = r#"(module
  (type (;0;) (func (result i32)))
  (global (;0;) (mut i64) i64.const 0)
  (export "Af" (func 0))
  (export "" (func 0))
  (export "2" (func 0))
  (export "3" (func 0))
  (export "4" (func 0))
  (export "5" (func 0))
  (export "fff" (func 0))
  (export "\u{1}\u{0}" (func 0))
  (export "8" (global 0))
  (func (;0;) (type 0) (result i32)
    (local i64 i64)
    loop ;; label = @1
      i64.const -137438953473
      loop (result i64) ;; label = @2
        block (result i64) ;; label = @3
          local.get 1
          i64.eqz
          i32.eqz
          i32.eqz
          i32.clz
          i32.eqz
          i32.eqz
          i32.eqz
          i32.eqz
          i32.eqz
          i32.eqz
          i32.eqz
          i32.eqz
          br_if 1 (;@2;)
          loop ;; label = @4
            i32.const 1515870810
            br_if 0 (;@4;)
            i32.const 1515859290
            br_if 0 (;@4;)
            i32.const 1515870810
            br_if 0 (;@4;)
            i32.const 1515870810
            br_if 0 (;@4;)
            i32.const 1515870810
            if (result i64) ;; label = @5
              i64.const -33
              local.set 1
              i64.const -33
              local.set 0
              loop ;; label = @6
                i32.const 1515870810
                br_if 4 (;@2;)
                i32.const 1515870810
                call 0
                i32.ctz
                i32.clz
                i32.clz
                i32.clz
                i32.clz
                i32.le_u
                unreachable
              end
              unreachable
            else
              i64.const -6944656592455360550
            end
            global.get 0
            i64.xor
            global.set 0
          end
          i64.const 8796093022208
        end
      end
      global.get 0
      i64.xor
      global.set 0
      global.get 0
      i64.xor
      global.set 0
    end
    i32.const -1616928865
  )
)"#;

#[test]
fn the_fuzzers_loop_entry_module_compiles_and_runs_out_of_fuel_alike() {
    let mut outcomes = Vec::new();
    for mode in [Mode::Interp, Mode::Auto] {
        let mut config = second_call_native();
        config.consume_fuel(true);
        let (mut store, instance) = instantiate(&engine(mode, &config), FUZZ_LOOP_ENTRY);
        store.set_fuel(1_000_000).expect("fuel is on");
        let result = call(&mut store, instance, "Af", &[]).map_err(trap_code);
        let stats = ember_tier_up::stats(store.inner_mut());
        assert!(stats.failures.is_empty(), "{:?}", stats.failures);
        if mode == Mode::Auto {
            assert!(stats.events.iter().any(|e| e.at_loop.is_some()), "{stats:?}");
        }
        outcomes.push((result, store.get_fuel().expect("fuel is on")));
    }
    assert_eq!(outcomes[0], outcomes[1]);
    assert_eq!(outcomes[0].0, Err(TrapCode::OutOfFuel));
}
