//! The store's memory budget (`StoreLimits::max_store_bytes`) and the per-module table and memory counts.

use ember::{Config, Engine, Error, Linker, Module, Ref, Store, StoreLimits, Table, TableType, Val, ValType};

fn module(engine: &Engine, wat: &str) -> Module {
    Module::new(engine, &wat::parse_str(wat).expect("valid text")).expect("valid module")
}

fn new_store(engine: &Engine, limits: StoreLimits) -> Store<()> {
    let mut store = Store::new(engine, ());
    store.limiter(limits);
    store
}

fn budget(bytes: usize) -> StoreLimits {
    StoreLimits { max_store_bytes: bytes, ..StoreLimits::default() }
}

#[test]
fn instantiation_past_the_budget_is_refused_before_allocating() {
    let engine = Engine::new(&Config::new());
    let mut store = new_store(&engine, budget(1 << 20));
    // 200 000 elements of 8 bytes: 1.6 MB, over a 1 MiB budget.
    let big = module(&engine, "(module (table 200000 funcref) (memory 1))");
    let err = Linker::new(&engine).instantiate(&mut store, &big).unwrap_err();
    assert!(matches!(err, Error::Limit(_)), "{err}");
    assert!(err.to_string().contains("memory budget"), "{err}");
    assert_eq!(store.bytes().used(), 0, "nothing was allocated");

    // 100 000 elements and a page fit, and are charged.
    let small = module(&engine, "(module (table 100000 funcref) (memory 1))");
    Linker::new(&engine).instantiate(&mut store, &small).unwrap();
    assert!(store.bytes().used() >= 800_000 + 65536, "{:?}", store.bytes());
    // A second one does not fit next to the first.
    let err = Linker::new(&engine).instantiate(&mut store, &small).unwrap_err();
    assert!(matches!(err, Error::Limit(_)), "{err}");
}

const GROWER: &str = r#"(module
  (memory (export "memory") 1)
  (table 0 funcref)
  (func (export "mem") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "tab") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))"#;

#[test]
fn growth_past_the_budget_returns_minus_one() {
    let engine = Engine::new(&Config::new());
    let mut store = new_store(&engine, budget(3 * 65536 + 8192));
    let instance = Linker::new(&engine).instantiate(&mut store, &module(&engine, GROWER)).unwrap();
    let mem = instance.get_typed_func::<i32, i32>(&store, "mem").unwrap();
    let tab = instance.get_typed_func::<i32, i32>(&store, "tab").unwrap();
    assert_eq!(mem.call(&mut store, 1).unwrap(), 1);
    assert_eq!(mem.call(&mut store, 1).unwrap(), 2);
    assert_eq!(mem.call(&mut store, 1).unwrap(), -1, "a fourth page is over the budget");

    let room = i32::try_from(store.bytes().available() / 8).unwrap();
    assert_eq!(tab.call(&mut store, room + 1).unwrap(), -1);
    assert_eq!(tab.call(&mut store, room).unwrap(), 0);
    assert_eq!(tab.call(&mut store, 1).unwrap(), -1);
    assert!(store.bytes().available() < 8);

    // The embedding API is held to the same budget.
    let memory = instance.get_memory(&store, "memory").unwrap();
    assert!(matches!(memory.grow(&mut store, 1), Err(Error::Limit(_))));
    // Raising the budget lets the module grow again.
    store.limiter(budget(4 * 65536 + 8192 + 64));
    assert_eq!(mem.call(&mut store, 1).unwrap(), 3);
    assert_eq!(tab.call(&mut store, 8).unwrap(), room);
}

#[test]
fn dropped_element_segments_go_back_to_the_budget() {
    let engine = Engine::new(&Config::new());
    let items = "$f ".repeat(1000);
    let wat = format!(r#"(module (func $f) (elem $e func {items}) (func (export "drop") (elem.drop $e)))"#);
    let mut store = new_store(&engine, StoreLimits::default());
    let instance = Linker::new(&engine).instantiate(&mut store, &module(&engine, &wat)).unwrap();
    let before = store.bytes().used();
    instance.get_func(&store, "drop").unwrap().call(&mut store, &[], &mut []).unwrap();
    assert_eq!(before - store.bytes().used(), 8000);
}

#[test]
fn too_many_tables_or_memories_are_refused() {
    let engine = Engine::new(&Config::new());
    let tables = |n: usize| module(&engine, &format!("(module {})", "(table 1 funcref) ".repeat(n)));
    let mut store = new_store(&engine, StoreLimits::default());
    assert_eq!(StoreLimits::default().max_tables_per_module, 100);
    Linker::new(&engine).instantiate(&mut store, &tables(100)).unwrap();
    let err = Linker::new(&engine).instantiate(&mut store, &tables(101)).unwrap_err();
    assert_eq!(err.to_string(), "limit exceeded: the module has 101 tables; at most 100 are allowed");

    // Imported tables and memories count too.
    let limits = StoreLimits { max_tables_per_module: 1, max_memories_per_module: 0, ..StoreLimits::default() };
    let mut store = new_store(&engine, limits);
    let table = Table::new(&mut store, TableType { element: ValType::FuncRef, min: 1, max: None }, Ref::Func(None));
    let mut linker = Linker::new(&engine);
    linker.define("m", "t", table.unwrap()).unwrap();
    let wat = r#"(module (import "m" "t" (table 1 funcref)) (table 1 funcref))"#;
    let err = linker.instantiate(&mut store, &module(&engine, wat)).unwrap_err();
    assert!(err.to_string().contains("2 tables; at most 1"), "{err}");
    let err = Linker::new(&engine).instantiate(&mut store, &module(&engine, "(module (memory 0))")).unwrap_err();
    assert!(err.to_string().contains("1 memories; at most 0"), "{err}");
}

#[test]
fn huge_null_tables_fit_the_default_budget() {
    let engine = Engine::new(&Config::new());
    let wat = format!(
        r#"(module {} (func (export "f") (result i32) (table.size 9)))"#,
        "(table 10000000 funcref) ".repeat(10)
    );
    let mut store = new_store(&engine, StoreLimits::default());
    let instance = Linker::new(&engine).instantiate(&mut store, &module(&engine, &wat)).unwrap();
    let f = instance.get_func(&store, "f").unwrap();
    assert_eq!(f.call_to_vec(&mut store, &[]).unwrap(), [Val::I32(10_000_000)]);
    assert!(store.bytes().used() >= 800_000_000);
}

#[test]
fn the_check_before_instantiation_matches_what_is_charged() {
    let engine = Engine::new(&Config::new());
    let wat = r#"(module
      (type (func)) (func $f) (func) (global i32 (i32.const 1)) (global (mut i64) (i64.const 2))
      (table 1000 funcref) (memory 2) (data "x") (elem func $f $f))"#;
    let m = module(&engine, wat);
    let mut store = new_store(&engine, StoreLimits::default());
    Linker::new(&engine).instantiate(&mut store, &m).unwrap();
    let exact = store.bytes().used();
    assert!(exact > 8000 + 2 * 65536, "{exact}");
    // Exactly that budget is enough; a byte less is refused before anything is allocated.
    let mut store = new_store(&engine, budget(exact));
    Linker::new(&engine).instantiate(&mut store, &m).unwrap();
    assert_eq!(store.bytes().available(), 0);
    let mut store = new_store(&engine, budget(exact - 1));
    assert!(matches!(Linker::new(&engine).instantiate(&mut store, &m), Err(Error::Limit(_))));
    assert_eq!(store.bytes().used(), 0);
}
