//! The `ember` facade: the engine newtype and loading modules from text or binary.
#![cfg(feature = "wat")]

use ember::{Config, Engine, Error, Linker, Module, Store, Val};

const ADD_WAT: &str = r#"(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))"#;

#[test]
fn engine_derefs_to_the_core_engine() {
    let mut config = Config::new();
    config.consume_fuel(true);
    let engine = Engine::new(&config);
    assert!(engine.config().get_consume_fuel());
    let copy = engine.clone();
    assert!(format!("{copy:?}").starts_with("Engine("));
    let core: ember::ember_core::Engine = copy.into();
    assert!(core.config().get_consume_fuel());
    assert!(!Engine::default().config().get_consume_fuel());
}

#[test]
fn text_and_binary_modules_run() {
    let engine = Engine::default();
    let binary = wat::parse_str(ADD_WAT).expect("valid text");
    for bytes in [ADD_WAT.as_bytes(), &binary] {
        let module = ember::module_from_bytes_or_wat(&engine, bytes).expect("valid module");
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
        let add = instance.get_func(&store, "add").expect("exported");
        assert_eq!(add.call_to_vec(&mut store, &[Val::I32(40), Val::I32(2)]).expect("no trap"), [Val::I32(42)]);
    }
}

#[test]
fn text_errors_say_where() {
    let engine = Engine::default();
    let text = "(module\n  (func i32.bogus))";
    match ember::module_from_bytes_or_wat(&engine, text.as_bytes()) {
        Err(Error::Invalid { offset, message }) => {
            assert_eq!(offset, text.find("i32.bogus").expect("in the text"));
            assert!(message.contains("line 2, column 9"), "{message}");
        }
        other => panic!("expected a text error, got {other:?}"),
    }
    assert!(matches!(ember::module_from_bytes_or_wat(&engine, b"\xff\xfe"), Err(Error::Invalid { .. })));
    assert!(matches!(Module::new(&engine, b"\0asm\x01\0\0"), Err(Error::Invalid { .. })));
}
