//! Hostile modules end in a clean error or a spec trap, never a crash: deep nesting, huge tables of branch
//! targets, frames too large to address, runaway recursion through host functions, memory exhaustion.

use ember::{Config, Engine, Error, Linker, Module, Store, StoreLimits, TrapCode, Val};

fn engine(eager: bool) -> Engine {
    let mut config = Config::new();
    config.eager_translation(eager);
    Engine::new(&config)
}

fn run(engine: &Engine, wat: &str, args: &[Val]) -> Result<Vec<Val>, Error> {
    let module = Module::new(engine, &wat::parse_str(wat).expect("test modules are valid text"))?;
    let mut store = Store::new(engine, ());
    let instance = Linker::new(engine).instantiate(&mut store, &module)?;
    let f = instance.get_func(&store, "f").expect("an export f");
    f.call_to_vec(&mut store, args)
}

#[test]
fn deeply_nested_blocks() {
    let n = 50_000;
    let wat =
        format!("(module (func (export \"f\") (result i32) {} {} (i32.const 7)))", "(block ".repeat(n), ")".repeat(n));
    assert_eq!(run(&engine(false), &wat, &[]).unwrap(), [Val::I32(7)]);
}

#[test]
fn huge_br_table() {
    let targets = "0 ".repeat(100_000);
    let wat = format!(
        "(module (func (export \"f\") (param i32) (result i32) (block (br_table {targets} (local.get 0))) (i32.const 5)))"
    );
    assert_eq!(run(&engine(false), &wat, &[Val::I32(99_999)]).unwrap(), [Val::I32(5)]);
}

#[test]
fn frames_beyond_16_bit_slots_are_a_clean_error() {
    let depth = 70_000;
    let wat = format!(
        "(module (func (export \"f\") (result i32) {} {} (i32.const 3)))",
        "(i32.const 1) ".repeat(depth),
        "drop ".repeat(depth)
    );
    // Lazily: the first call traps with the translator's reason.
    let err = run(&engine(false), &wat, &[]).unwrap_err();
    assert!(err.to_string().contains("65536 frame slots"), "{err}");
    // Eagerly: instantiation fails with it.
    let err = run(&engine(true), &wat, &[]).unwrap_err();
    assert!(err.to_string().contains("65536 frame slots"), "{err}");
}

#[test]
fn recursion_through_host_functions_is_bounded() {
    let engine = engine(false);
    let wasm = wat::parse_str(
        r#"(module
             (import "host" "again" (func $again (param i32) (result i32)))
             (func (export "f") (param i32) (result i32) (call $again (local.get 0))))"#,
    )
    .unwrap();
    let module = Module::new(&engine, &wasm).unwrap();
    let mut store = Store::new(&engine, None::<ember::Func>);
    store.limiter(StoreLimits { max_host_reentry: 20, ..StoreLimits::default() });
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("host", "again", |mut caller: ember::Caller<'_, Option<ember::Func>>, n: i32| {
            let f = caller.data().expect("set before the call");
            let mut out = [Val::I32(0)];
            f.call(&mut caller, &[Val::I32(n + 1)], &mut out).map_err(|e| match e {
                Error::Trap(t) => t,
                other => ember::Trap::host(other.to_string()),
            })?;
            Ok(out[0].i32().unwrap_or(0))
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let f = instance.get_func(&store, "f").unwrap();
    *store.data_mut() = Some(f);
    let err = f.call_to_vec(&mut store, &[Val::I32(0)]).unwrap_err();
    assert_eq!(err.as_trap().map(|t| t.code()), Some(TrapCode::StackOverflow), "{err}");
}

#[test]
fn memory_exhaustion_fails_cleanly() {
    let engine = engine(false);
    // A declared minimum beyond the store's limit is an error, not an allocation attempt.
    let module = Module::new(&engine, &wat::parse_str("(module (memory 70000 70000))").unwrap());
    assert!(
        module.is_err() || {
            let mut store = Store::new(&engine, ());
            store.limiter(StoreLimits { max_memory_pages: 1024, ..StoreLimits::default() });
            Linker::new(&engine).instantiate(&mut store, &module.unwrap()).is_err()
        }
    );
    // memory.grow past the limit returns -1 and the module keeps running.
    let wat = "(module (memory 1) (func (export \"f\") (param i32) (result i32) (memory.grow (local.get 0))))";
    let module = Module::new(&engine, &wat::parse_str(wat).unwrap()).unwrap();
    let mut store = Store::new(&engine, ());
    store.limiter(StoreLimits { max_memory_pages: 16, ..StoreLimits::default() });
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let f = instance.get_typed_func::<i32, i32>(&store, "f").unwrap();
    assert_eq!(f.call(&mut store, 100).unwrap(), -1);
    assert_eq!(f.call(&mut store, 15).unwrap(), 1);
    assert_eq!(f.call(&mut store, 1).unwrap(), -1);
}
