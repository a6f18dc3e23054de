//! Large modules validate their function bodies on several threads: the outcome (the module, or the error of
//! the first invalid body in module order) must be the same as on one thread.

use ember::{Config, Engine, Error, Linker, Module, Store, Val};

/// Function bodies in the generated modules: enough code (about 400 KiB) to take the multi-threaded path.
const FUNCS: usize = 4000;

/// A module of `FUNCS` functions, each returning its index plus a long chain of arithmetic; `broken` maps a
/// function index to a body that replaces the valid one.
fn module(broken: &[(usize, &str)]) -> Vec<u8> {
    let mut wat = String::from("(module\n");
    for i in 0..FUNCS {
        let body = match broken.iter().find(|(at, _)| *at == i) {
            Some((_, body)) => body.to_string(),
            None => {
                let mut b = format!("i32.const {i}");
                for k in 0..24 {
                    b.push_str(&format!(" i32.const {k} i32.add i32.const 0 i32.xor"));
                }
                b
            }
        };
        wat.push_str(&format!("  (func (export \"f{i}\") (result i32) {body})\n"));
    }
    wat.push(')');
    wat::parse_str(&wat).expect("the generator writes well-formed text")
}

fn engine(threads: usize) -> Engine {
    let mut config = Config::new();
    config.validation_threads(Some(threads));
    Engine::interpreter(&config)
}

fn error_text(bytes: &[u8], threads: usize) -> String {
    match Module::new(&engine(threads), bytes) {
        Ok(_) => panic!("an invalid module validated on {threads} threads"),
        Err(e @ Error::Invalid { .. }) => e.to_string(),
        Err(e) => panic!("not a validation error: {e}"),
    }
}

#[test]
fn a_large_valid_module_loads_and_runs_on_any_number_of_threads() {
    let bytes = module(&[]);
    assert!(bytes.len() > 300 << 10, "the module must be large enough for parallel validation");
    // 0 * 24 + sum(0..24) = 276 added to each function's index.
    for threads in [1, 2, 4, 7] {
        let engine = engine(threads);
        let module = Module::new(&engine, &bytes).expect("valid");
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
        for i in [0, 1, FUNCS / 2, FUNCS - 1] {
            let f = instance.get_func(&store, &format!("f{i}")).expect("exported");
            let got = f.call_to_vec(&mut store, &[]).expect("no trap");
            assert_eq!(got, [Val::I32(i as i32 + 276)], "f{i} on {threads} threads");
        }
    }
}

#[test]
fn the_first_invalid_body_in_module_order_is_reported() {
    // Two different errors, the later one in a body validated early by some thread.
    let bytes = module(&[(2999, "i64.const 1"), (1700, "local.get 5"), (3500, "i32.const 1 i32.const 2")]);
    let expected = error_text(&bytes, 1);
    assert!(expected.contains("local"), "the first error is the unknown local: {expected}");
    for threads in [2, 3, 4, 8] {
        for _ in 0..5 {
            assert_eq!(error_text(&bytes, threads), expected, "{threads} threads");
        }
    }
}

#[test]
fn an_invalid_body_comes_before_a_later_decoding_error() {
    let mut bytes = module(&[(3900, "f32.const 1")]);
    // A custom section whose name runs past the end of the module: malformed, after the code section.
    bytes.extend_from_slice(&[0, 5, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    let expected = error_text(&bytes, 1);
    assert!(expected.contains("type mismatch"), "the body's error comes first: {expected}");
    for threads in [2, 4] {
        assert_eq!(error_text(&bytes, threads), expected, "{threads} threads");
    }
}
