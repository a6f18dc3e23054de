//! Hostile modules in native code end in a clean result, error or spec trap, as in the interpreter: deep
//! nesting, huge branch tables, frames too large to address, recursion through host functions.

use ember_core::{Config, Engine, Error, Linker, Module, Store, StoreLimits, TrapCode, Val};
use ember_tier_up::{Mode, TieredExecutor};

fn engine() -> Engine {
    Engine::with_executor(&Config::new(), TieredExecutor::for_mode(Mode::Jit))
}

fn run(wat: &str, args: &[Val]) -> (Result<Vec<Val>, Error>, ember_tier_up::Stats) {
    let engine = engine();
    let module = Module::new(&engine, &wat::parse_str(wat).expect("valid text")).expect("valid module");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
    let f = instance.get_func(&store, "f").expect("an export f");
    let result = f.call_to_vec(&mut store, args);
    (result, ember_tier_up::stats(store.inner_mut()))
}

#[test]
fn deeply_nested_blocks() {
    let n = 20_000;
    let wat =
        format!("(module (func (export \"f\") (result i32) {} {} (i32.const 7)))", "(block ".repeat(n), ")".repeat(n));
    let (result, stats) = run(&wat, &[]);
    assert_eq!(result.expect("runs"), [Val::I32(7)]);
    assert_eq!(stats.events.len(), 1, "{:?}", stats.failures);
}

#[test]
fn huge_br_table() {
    let targets = "0 ".repeat(100_000);
    let wat = format!(
        "(module (func (export \"f\") (param i32) (result i32) (block (br_table {targets} (local.get 0))) (i32.const 5)))"
    );
    let (result, stats) = run(&wat, &[Val::I32(99_999)]);
    assert_eq!(result.expect("runs"), [Val::I32(5)]);
    assert_eq!(stats.events.len(), 1, "{:?}", stats.failures);
}

#[test]
fn frames_beyond_16_bit_slots_are_a_clean_error() {
    let depth = 70_000;
    let wat = format!(
        "(module (func (export \"f\") (result i32) {} {} (i32.const 3)))",
        "(i32.const 1) ".repeat(depth),
        "drop ".repeat(depth)
    );
    let err = run(&wat, &[]).0.expect_err("the interpreter's translation refuses it first");
    assert!(err.to_string().contains("65536 frame slots"), "{err}");
}

#[test]
fn recursion_through_host_functions_is_bounded() {
    let engine = engine();
    let wasm = wat::parse_str(
        r#"(module
             (import "host" "again" (func $again (param i32) (result i32)))
             (func (export "f") (param i32) (result i32) (call $again (local.get 0))))"#,
    )
    .expect("valid");
    let module = Module::new(&engine, &wasm).expect("valid");
    let mut store = Store::new(&engine, None::<ember_core::Func>);
    store.limiter(StoreLimits { max_host_reentry: 20, ..StoreLimits::default() });
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("host", "again", |mut caller: ember_core::Caller<'_, Option<ember_core::Func>>, n: i32| {
            let f = caller.data().expect("set before the call");
            let mut out = [Val::I32(0)];
            f.call(&mut caller, &[Val::I32(n + 1)], &mut out).map_err(|e| match e {
                Error::Trap(t) => t,
                other => ember_core::Trap::host(other.to_string()),
            })?;
            Ok(out[0].i32().unwrap_or(0))
        })
        .expect("defined");
    let instance = linker.instantiate(&mut store, &module).expect("instantiates");
    let f = instance.get_func(&store, "f").expect("exported");
    *store.data_mut() = Some(f);
    let err = f.call_to_vec(&mut store, &[Val::I32(0)]).expect_err("bounded");
    assert_eq!(err.as_trap().map(|t| t.code()), Some(TrapCode::StackOverflow), "{err}");
}

#[test]
fn growth_past_the_store_budget_returns_minus_one() {
    let engine = engine();
    let wat = r#"(module
      (memory 1)
      (table 0 funcref)
      (func (export "mem") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "tab") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))"#;
    let module = Module::new(&engine, &wat::parse_str(wat).expect("valid text")).expect("valid module");
    let mut store = Store::new(&engine, ());
    store.limiter(StoreLimits { max_store_bytes: 2 * 65536 + 4096, ..StoreLimits::default() });
    let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
    let mem = instance.get_typed_func::<i32, i32>(&store, "mem").expect("mem");
    let tab = instance.get_typed_func::<i32, i32>(&store, "tab").expect("tab");
    assert_eq!(mem.call(&mut store, 1).expect("runs"), 1);
    assert_eq!(mem.call(&mut store, 1).expect("runs"), -1);
    assert_eq!(tab.call(&mut store, 1000).expect("runs"), -1);
    assert_eq!(tab.call(&mut store, 10).expect("runs"), 0);
    let stats = ember_tier_up::stats(store.inner_mut());
    assert_eq!(stats.events.len(), 2, "both ran natively: {:?}", stats.failures);
}
