//! `StoreLimits::max_memory_bytes`: linear memories smaller than a 64 KiB page, for devices.

use ember::{Config, Engine, Linker, Module, Store, StoreLimits, Val};

const APP: &str = r#"(module
  (memory (export "memory") 1)
  (data (i32.const 100) "ok")
  (func (export "poke") (param i32) (result i32) (i32.store (local.get 0) (i32.const 7)) (i32.load (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (result i32) (memory.grow (i32.const 1)))
  (func (export "grow0") (result i32) (memory.grow (i32.const 0))))"#;

fn store_with(bytes: usize) -> (Store<()>, ember::Instance) {
    let mut config = Config::new();
    config.limits(StoreLimits { max_memory_bytes: bytes, ..StoreLimits::default() });
    let engine = Engine::new(&config);
    let module = Module::new(&engine, &wat::parse_str(APP).expect("valid")).expect("valid");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
    (store, instance)
}

fn call(store: &mut Store<()>, instance: &ember::Instance, name: &str, args: &[Val]) -> Result<i32, String> {
    let f = instance.get_func(&*store, name).expect("export");
    let mut out = [Val::I32(0)];
    f.call(&mut *store, args, &mut out).map_err(|e| e.to_string())?;
    Ok(out[0].i32().expect("i32"))
}

#[test]
fn a_memory_cut_to_4_kib_traps_past_it() {
    let (mut store, instance) = store_with(4096);
    let memory = instance.get_memory(&store, "memory").expect("memory");
    assert_eq!(memory.data(&store).len(), 4096);
    assert_eq!(&memory.data(&store)[100..102], b"ok");
    assert_eq!(call(&mut store, &instance, "poke", &[Val::I32(4092)]), Ok(7));
    let trap = call(&mut store, &instance, "poke", &[Val::I32(4093)]).expect_err("past the limit");
    assert!(trap.contains("out of bounds memory access"), "{trap}");
    assert_eq!(call(&mut store, &instance, "size", &[]), Ok(1));
    assert_eq!(call(&mut store, &instance, "grow", &[]), Ok(-1));
    assert_eq!(call(&mut store, &instance, "grow0", &[]), Ok(1));
}

#[test]
fn data_past_the_limit_fails_instantiation_cleanly() {
    let mut config = Config::new();
    config.limits(StoreLimits { max_memory_bytes: 64, ..StoreLimits::default() });
    let engine = Engine::new(&config);
    let module = Module::new(&engine, &wat::parse_str(APP).expect("valid")).expect("valid");
    let mut store = Store::new(&engine, ());
    let err = Linker::new(&engine).instantiate(&mut store, &module).expect_err("data does not fit");
    assert!(err.to_string().contains("out of bounds memory access"), "{err}");
}

#[test]
fn without_the_limit_memories_are_whole_pages() {
    let (mut store, instance) = store_with(usize::MAX);
    assert_eq!(call(&mut store, &instance, "poke", &[Val::I32(65532)]), Ok(7));
    assert_eq!(call(&mut store, &instance, "grow", &[]), Ok(1));
    assert_eq!(call(&mut store, &instance, "size", &[]), Ok(2));
}
