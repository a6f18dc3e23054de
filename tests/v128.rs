//! `v128` values moved through everything that carries values: locals, parameters and results, deep operand
//! stacks mixed with one-cell values, multi-value blocks, loops, ifs and branches, calls and `call_indirect`,
//! globals, host functions (untyped and typed), the public API and precompiled images. Each value has distinct
//! high and low halves, so a lost or swapped cell shows. Every check runs in the interpreter (lazy and eager
//! translation, with fuel) and in the `auto` tier, where functions that use `v128` stay interpreted.
//!
//! Also: instructions that compute on `v128` values run in every configuration (the spec suite's SIMD scripts
//! test them one by one), and images that misuse a two-cell value are refused by the loader.

use ember::{Config, Engine, FuncType, GlobalType, Linker, Module, Mutability, Store, Tier, Trap, Val, ValType};
use ember_interp::code::CompiledFunc;
use ember_interp::image::{self, ImageError};
use ember_interp::ops::{op, Instr, Slot, WideSlot};
use ember_interp::translate::{translate, TranslateOptions};
use ember_interp::verify::VerifyErrorKind;

const A: u128 = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210;
const B: u128 = 0xdead_beef_0bad_f00d_1357_9bdf_2468_ace0;
const C: u128 = 0x8000_0000_0000_0001_7fff_ffff_ffff_fffe;

const MODULE: &str = r#"(module
  (import "host" "mix" (func $mix (param v128 i32 v128) (result i32 v128)))
  (import "host" "rotl" (func $rotl (param i32 v128) (result v128)))
  (import "host" "b" (global $b v128))
  (type $swap3 (func (param v128 i32 v128) (result v128 i32 v128)))
  (global $g (export "g") (mut v128) (v128.const i64x2 0x0123456789abcdef 0x1122334455667788))
  (global $gi (mut i32) (i32.const 7))
  (global $gc v128 (v128.const i32x4 1 2 3 4))
  (global $gcopy v128 (global.get $b))
  (table 2 funcref)
  (elem (i32.const 0) $swap $pick)

  (func (export "id") (param v128) (result v128) (local.get 0))
  (func (export "const") (result v128)
    (v128.const i64x2 0x1111222233334444 0x5555666677778888))
  (func (export "const_small") (result v128) (v128.const i64x2 -1 5))

  ;; locals of every width; results in another order than the parameters
  (func (export "locals") (param i32 v128 i64 v128 f64) (result v128 i32 v128 i64 f64)
    (local $a v128) (local $b i32) (local $c v128) (local $d v128)
    (local.set $a (local.get 1))
    (drop (local.tee $c (local.get 3)))
    (local.set $b (local.get 0))
    (local.get $d) (local.set $a) ;; a zeroed v128 local overwrites $a ...
    (local.set $a (local.get 1))  ;; ... and $a gets parameter 1 back
    (local.get $c) (local.get $b) (local.get $a) (local.get 2) (local.get 4))
  (func (export "zero_local") (result v128 i32) (local v128 i32) (local.get 0) (local.get 1))

  ;; a pending local.get of a v128 local survives a local.set of that local
  (func (export "pending") (param v128 v128) (result v128 v128)
    (local.get 0) (local.set 0 (local.get 1)) (local.get 0))

  (func (export "select") (param v128 v128 i32) (result v128)
    (select (local.get 0) (local.get 1) (local.get 2)))
  (func (export "select_typed") (param v128 v128 i32) (result v128)
    (select (result v128) (local.get 0) (local.get 1) (local.get 2)))
  (func (export "select_deep") (param i64 v128 v128 i32) (result i64 v128 i64)
    (local.get 0)
    (select (result v128) (global.get $g) (local.get 2) (local.get 3))
    (local.get 0))

  ;; a deep operand stack of mixed widths through a block with parameters and a branch
  (func (export "deep") (param v128 i32 i64 f64 v128) (result f64 v128 i64 v128 i32)
    (local.get 3) (local.get 0) (local.get 2) (local.get 4) (local.get 1)
    (block (param f64 v128 i64 v128 i32) (result f64 v128 i64 v128 i32)
      (br_if 0 (i32.eqz (local.get 1)))
      (drop) (drop) (drop) (local.get 2) (local.get 0) (local.get 1)))

  (func $swap (type $swap3) (local.get 2) (local.get 1) (local.get 0))
  (func $pick (type $swap3) (local.get 0) (i32.add (local.get 1) (i32.const 1)) (local.get 2))
  (func (export "call") (param v128 i32 v128) (result v128 i32 v128)
    (call $swap (local.get 0) (local.get 1) (local.get 2)))
  (func (export "call_indirect") (param v128 i32 v128 i32) (result v128 i32 v128)
    (call_indirect (type $swap3) (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  ;; a call whose arguments sit above other values of both widths
  (func (export "call_high") (param v128 i32 v128) (result i64 v128 v128 i32 v128 i32)
    (i64.const -2) (local.get 2) (local.get 0) (local.get 1) (local.get 2)
    (call $swap) (i32.const 9))

  ;; multi-value blocks, ifs and branches carrying v128 values
  (func (export "blocks") (param v128 i32 v128) (result i64 v128 i32 v128)
    (i64.const 99)
    (local.get 0) (local.get 1) (local.get 2)
    (block (param v128 i32 v128) (result v128 i32 v128)
      (br_if 0 (i32.and (local.get 1) (i32.const 1)))
      (call $swap)))
  (func (export "if") (param v128 v128 i32) (result v128 i32)
    (if (result v128 i32) (local.get 2)
      (then (local.get 0) (i32.const 1))
      (else (local.get 1) (i32.const 2))))
  (func (export "if_param") (param v128 v128 i32) (result v128)
    (local.get 0)
    (if (param v128) (result v128) (local.get 2)
      (then)
      (else (drop) (local.get 1))))
  (func (export "br_table") (param v128 v128 i32) (result v128 i32)
    (block $outer (result v128 i32)
      (block $inner (result v128 i32)
        (i64.const 5) (local.get 0) (local.get 2)
        (br_table $inner $outer $outer (local.get 2)))
      (drop) (drop) (local.get 1) (i32.const 100)))
  (func (export "return") (param v128 i32 v128) (result v128 i32)
    (block (result v128)
      (local.get 2)
      (br_if 1 (local.get 0) (local.get 1) (local.get 1)) (drop) (drop))
    (i32.const 0))
  ;; a loop whose parameter is a v128: alternates between the two values n times
  (func (export "loop") (param $a v128) (param $b v128) (param $n i32) (result v128)
    (local.get $a)
    (loop $l (param v128) (result v128)
      (local.set $a)
      (if (i32.eqz (local.get $n)) (then (return (local.get $a))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (local.get $b)
      (local.set $b (local.get $a))
      (br $l)))

  (func (export "global_get") (result v128 i32 v128 v128)
    (global.get $g) (global.get $gi) (global.get $gc) (global.get $gcopy))
  (func (export "global_set") (param v128)
    (global.set $g (local.get 0)) (global.set $gi (i32.const 8)))

  (func (export "host") (param v128 i32 v128) (result i32 v128)
    (call $mix (local.get 0) (local.get 1) (local.get 2)))
  (func (export "host_typed") (param i32 v128) (result v128) (call $rotl (local.get 0) (local.get 1)))
)"#;

/// The configurations every check runs in.
fn engines() -> Vec<(&'static str, Engine)> {
    let mut eager = Config::new();
    eager.eager_translation(true);
    let mut fuel = Config::new();
    fuel.consume_fuel(true);
    let mut auto = Config::new();
    // One call weighs 15: the first call stays interpreted, the next ones ask for native code.
    auto.tier_up_threshold(Some(16)).synchronous_tier_up(true);
    let mut auto_fuel = auto.clone();
    auto_fuel.consume_fuel(true);
    vec![
        ("lazy", Engine::interpreter(&Config::new())),
        ("eager", Engine::interpreter(&eager)),
        ("fuel", Engine::interpreter(&fuel)),
        ("auto", Engine::with_tier(&auto, Tier::Auto)),
        ("auto-fuel", Engine::with_tier(&auto_fuel, Tier::Auto)),
    ]
}

fn linker(engine: &Engine, store: &mut Store<()>) -> Linker<()> {
    let mut linker = Linker::new(engine);
    let ty = GlobalType { content: ValType::V128, mutability: Mutability::Const };
    let b = ember::Global::new(&mut *store, ty, Val::V128(B)).expect("creates");
    linker.define("host", "b", b).expect("defines");
    let ty = FuncType::new([ValType::V128, ValType::I32, ValType::V128], [ValType::I32, ValType::V128]);
    linker
        .func_new("host", "mix", ty, |_, params: &[Val], results: &mut [Val]| {
            let (Val::V128(a), Val::I32(i), Val::V128(b)) = (params[0], params[1], params[2]) else {
                return Err(Trap::host("host mix: wrong argument types"));
            };
            results[0] = Val::I32(i + 1);
            results[1] = Val::V128(a.wrapping_add(b.rotate_left(64)));
            Ok(())
        })
        .expect("defines");
    linker
        .func_wrap("host", "rotl", |_: ember::Caller<'_, ()>, by: i32, v: u128| -> u128 { v.rotate_left(by as u32) })
        .expect("defines");
    linker
}

fn call(store: &mut Store<()>, instance: ember::Instance, name: &str, params: &[Val]) -> Vec<Val> {
    let func = instance.get_func(&*store, name).unwrap_or_else(|| panic!("export {name}"));
    func.call_to_vec(&mut *store, params).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Runs every export with values whose halves differ and checks every bit of every result.
fn check_module(what: &str, engine: &Engine, module: &Module) {
    let mut store = Store::new(engine, ());
    if engine.inner().config().get_consume_fuel() {
        store.set_fuel(u64::MAX / 2).expect("fuel");
    }
    let instance = linker(engine, &mut store).instantiate(&mut store, module).expect("instantiates");
    let (v, i, l, f) = (Val::V128, Val::I32, Val::I64, |x: f64| Val::F64(x.to_bits()));
    // Three rounds: in `auto`, the later ones ask the native tier, which must leave these functions alone.
    for round in 0..3 {
        let at = |name: &str| format!("{what}, round {round}: {name}");
        let mut run = |name: &str, params: &[Val]| call(&mut store, instance, name, params);
        assert_eq!(run("id", &[v(A)]), [v(A)], "{}", at("id"));
        assert_eq!(run("const", &[]), [v(0x5555_6666_7777_8888_1111_2222_3333_4444)], "{}", at("const"));
        assert_eq!(run("const_small", &[]), [v((5u128 << 64) | u128::from(u64::MAX))], "{}", at("const_small"));
        assert_eq!(
            run("locals", &[i(-7), v(A), l(-3), v(B), f(2.5)]),
            [v(B), i(-7), v(A), l(-3), f(2.5)],
            "{}",
            at("locals")
        );
        assert_eq!(run("zero_local", &[]), [v(0), i(0)], "{}", at("zero_local"));
        assert_eq!(run("pending", &[v(A), v(B)]), [v(A), v(B)], "{}", at("pending"));
        for name in ["select", "select_typed"] {
            assert_eq!(run(name, &[v(A), v(B), i(1)]), [v(A)], "{}", at(name));
            assert_eq!(run(name, &[v(A), v(B), i(0)]), [v(B)], "{}", at(name));
        }
        assert_eq!(
            run("deep", &[v(A), i(0), l(5), f(-1.0), v(B)]),
            [f(-1.0), v(A), l(5), v(B), i(0)],
            "{}",
            at("deep")
        );
        assert_eq!(
            run("deep", &[v(A), i(3), l(5), f(-1.0), v(B)]),
            [f(-1.0), v(A), l(5), v(A), i(3)],
            "{}",
            at("deep")
        );
        assert_eq!(run("call", &[v(A), i(4), v(B)]), [v(B), i(4), v(A)], "{}", at("call"));
        assert_eq!(run("call_indirect", &[v(A), i(4), v(B), i(0)]), [v(B), i(4), v(A)], "{}", at("call_indirect"));
        assert_eq!(run("call_indirect", &[v(A), i(4), v(B), i(1)]), [v(A), i(5), v(B)], "{}", at("call_indirect"));
        assert_eq!(run("call_high", &[v(A), i(6), v(B)]), [l(-2), v(B), v(B), i(6), v(A), i(9)], "{}", at("call_high"));
        assert_eq!(run("blocks", &[v(A), i(1), v(B)]), [l(99), v(A), i(1), v(B)], "{}", at("blocks"));
        assert_eq!(run("blocks", &[v(A), i(2), v(B)]), [l(99), v(B), i(2), v(A)], "{}", at("blocks"));
        assert_eq!(run("if", &[v(A), v(B), i(1)]), [v(A), i(1)], "{}", at("if"));
        assert_eq!(run("if", &[v(A), v(B), i(0)]), [v(B), i(2)], "{}", at("if"));
        assert_eq!(run("if_param", &[v(A), v(B), i(1)]), [v(A)], "{}", at("if_param"));
        assert_eq!(run("if_param", &[v(A), v(B), i(0)]), [v(B)], "{}", at("if_param"));
        assert_eq!(run("br_table", &[v(A), v(B), i(0)]), [v(B), i(100)], "{}", at("br_table"));
        assert_eq!(run("br_table", &[v(A), v(B), i(1)]), [v(A), i(1)], "{}", at("br_table"));
        assert_eq!(run("br_table", &[v(A), v(B), i(7)]), [v(A), i(7)], "{}", at("br_table"));
        assert_eq!(run("return", &[v(A), i(1), v(B)]), [v(A), i(1)], "{}", at("return"));
        assert_eq!(run("return", &[v(A), i(0), v(B)]), [v(B), i(0)], "{}", at("return"));
        for n in [0, 1, 2, 7, 100] {
            let expected = if n % 2 == 0 { A } else { B };
            assert_eq!(run("loop", &[v(A), v(B), i(n)]), [v(expected)], "{}", at("loop"));
        }
        let g = 0x1122_3344_5566_7788_0123_4567_89ab_cdef;
        let gc = (4u128 << 96) | (3u128 << 64) | (2u128 << 32) | 1;
        let before = if round == 0 { g } else { C };
        let gi = if round == 0 { 7 } else { 8 };
        assert_eq!(run("global_get", &[]), [v(before), i(gi), v(gc), v(B)], "{}", at("global_get"));
        assert_eq!(run("global_set", &[v(C)]), [], "{}", at("global_set"));
        assert_eq!(run("global_get", &[]), [v(C), i(8), v(gc), v(B)], "{}", at("global_get"));
        assert_eq!(run("host", &[v(A), i(41), v(B)]), [i(42), v(A.wrapping_add(B.rotate_left(64)))], "{}", at("host"));
        assert_eq!(run("host_typed", &[i(72), v(A)]), [v(A.rotate_left(72))], "{}", at("host_typed"));
    }

    // The exported global, through the API; typed calls with `u128`.
    let global = instance.get_global(&store, "g").expect("exported");
    assert_eq!(global.get(&store), Val::V128(C));
    global.set(&mut store, Val::V128(B)).expect("mutable");
    assert_eq!(call(&mut store, instance, "global_get", &[])[0], Val::V128(B));
    let swap = instance.get_typed_func::<(u128, i32, u128), (u128, i32, u128)>(&store, "call").expect("typed");
    assert_eq!(swap.call(&mut store, (A, -1, C)).expect("runs"), (C, -1, A));

    // In `auto`, the functions that use v128 stayed interpreted, each refused with the SIMD reason.
    if let Some(stats) = engine_stats(engine, &mut store) {
        assert!(!stats.is_empty(), "{what}: the native tier was asked about nothing");
        for (func, reason) in stats {
            assert!(reason.contains("v128"), "{what}: function {func} refused for another reason: {reason}");
        }
    }
}

/// The native tier's refusals, when the engine has one.
fn engine_stats(engine: &Engine, store: &mut Store<()>) -> Option<Vec<(usize, String)>> {
    let _ = engine;
    let stats = ember::ember_tier_up::stats(store.inner_mut());
    if stats.events.is_empty() && stats.failures.is_empty() {
        return None;
    }
    Some(stats.failures)
}

#[test]
fn v128_values_move_through_every_carrier() {
    let wasm = wat::parse_str(MODULE).expect("valid text");
    for (name, engine) in engines() {
        let module = Module::new(&engine, &wasm).expect("valid module");
        check_module(name, &engine, &module);
    }
}

#[test]
fn v128_values_move_through_images() {
    let wasm = wat::parse_str(MODULE).expect("valid text");
    for fuel in [false, true] {
        let mut config = Config::new();
        config.consume_fuel(fuel);
        let engine = Engine::interpreter(&config);
        let module = Module::new(&engine, &wasm).expect("valid module");
        let bytes = image::compile(module.info(), &TranslateOptions { fuel, profile: false }).expect("compiles");
        let loaded = image::load(image::leak_aligned(&bytes)).expect("the image loads");
        check_module(if fuel { "image-fuel" } else { "image" }, &engine, &loaded);
    }
}

#[test]
fn frames_count_cells() {
    let engine = Engine::interpreter(&Config::new());
    let wasm = wat::parse_str(MODULE).expect("valid text");
    let module = Module::new(&engine, &wasm).expect("valid module");
    let info = module.info();
    let exports: Vec<(String, u32)> =
        info.exports.iter().filter_map(|e| Some((e.name.to_string(), export_func(&e.index)?))).collect();
    let index = |name: &str| exports.iter().find(|(n, _)| n == name).map(|(_, i)| *i).expect("export");
    let options = TranslateOptions::default();
    // (param i32 v128 i64 v128 f64) + locals v128 i32 v128 v128: 1+2+1+2+1 + 2+1+2+2 cells.
    let locals = translate(info, index("locals"), &options).expect("translates");
    assert_eq!((locals.num_params, locals.num_locals, locals.num_results), (7, 14, 7));
    let id = translate(info, index("id"), &options).expect("translates");
    assert_eq!((id.num_params, id.num_locals, id.num_results), (2, 2, 2));
}

fn export_func(index: &ember_core::ExternIndex) -> Option<u32> {
    match index {
        ember_core::ExternIndex::Func(f) => Some(*f),
        _ => None,
    }
}

/// The SIMD instructions that compute are refused by the translator with their name, never a panic; the
/// module itself is valid.
#[test]
fn computing_simd_instructions_run_in_every_configuration() {
    let byte_add = u128::from_le_bytes(A.to_le_bytes().map(|b| b.wrapping_add(b)));
    let cases = [
        ("(i8x16.add (local.get 0) (local.get 0))", byte_add),
        ("(i32x4.splat (i32.const 1))", 0x0000_0001_0000_0001_0000_0001_0000_0001),
        ("(v128.not (local.get 0))", !A),
        ("(v128.store offset=3 (i32.const 13) (local.get 0)) (v128.load (i32.const 16))", A),
        ("(i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0 (local.get 0) (local.get 0))", A.swap_bytes()),
        ("(f64x2.replace_lane 1 (local.get 0) (f64.const 1))", (A as u64 as u128) | u128::from(1f64.to_bits()) << 64),
    ];
    for (body, expected) in cases {
        let wat = format!(r#"(module (memory 1) (func (export "f") (param v128) (result v128) {body}))"#);
        let wasm = wat::parse_str(&wat).expect("valid text");
        for (config, engine) in engines() {
            let module = Module::new(&engine, &wasm).expect("SIMD validates");
            let mut store = Store::new(&engine, ());
            if engine.inner().config().get_consume_fuel() {
                store.set_fuel(1 << 20).expect("fuel");
            }
            let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
            let f = instance.get_func(&store, "f").expect("export");
            for _ in 0..3 {
                let results = f.call_to_vec(&mut store, &[Val::V128(A)]).expect("runs");
                assert_eq!(results, [Val::V128(expected)], "{config}: {body}");
            }
        }
        // `ember compile` takes it too.
        let info = Module::new(&Engine::interpreter(&Config::new()), &wasm).expect("valid");
        image::compile(info.info(), &TranslateOptions::default()).unwrap_or_else(|e| panic!("{body}: {e}"));
    }
}

#[test]
fn v128_globals_and_values_through_the_api() {
    let engine = Engine::interpreter(&Config::new());
    let mut store = Store::new(&engine, ());
    let ty = GlobalType { content: ValType::V128, mutability: Mutability::Var };
    let global = ember::Global::new(&mut store, ty, Val::V128(A)).expect("creates");
    assert_eq!(global.get(&store), Val::V128(A));
    global.set(&mut store, Val::V128(B)).expect("sets");
    assert_eq!(global.get(&store), Val::V128(B));
    // An imported v128 global is read and written by wasm with all its bits.
    let wasm = wat::parse_str(
        r#"(module (import "env" "g" (global $g (mut v128)))
             (func (export "swap") (param v128) (result v128) (global.get $g) (global.set $g (local.get 0))))"#,
    )
    .expect("valid text");
    let module = Module::new(&engine, &wasm).expect("valid");
    let mut linker = Linker::new(&engine);
    linker.define("env", "g", global).expect("defines");
    let instance = linker.instantiate(&mut store, &module).expect("instantiates");
    assert_eq!(call(&mut store, instance, "swap", &[Val::V128(C)]), [Val::V128(B)]);
    assert_eq!(global.get(&store), Val::V128(C));

    for val in [Val::V128(A), Val::I32(-1), Val::I64(-2), Val::F64(1.5f64.to_bits())] {
        let mut cells = [0u64; 2];
        val.write_cells(&mut cells);
        assert_eq!(Val::read_cells(val.ty(), &cells), val);
        assert_eq!(Val::from_bits(val.ty(), val.to_bits()), val);
    }
    assert_eq!(Val::V128(A).to_bits(), A);
    assert_eq!(ember::cells_for(ValType::V128), 2);
    assert_eq!(ember::cells_for(ValType::F64), 1);
}

// ---- images that misuse a two-cell value ----

const OPTIONS: TranslateOptions = TranslateOptions { fuel: false, profile: false };

fn code_of(module: &Module) -> Vec<CompiledFunc> {
    let info = module.info();
    (info.num_imported_funcs..info.funcs.len() as u32)
        .map(|index| translate(info, index, &OPTIONS).expect("translates"))
        .collect()
}

fn load_with(module: &Module, funcs: &[CompiledFunc]) -> Result<Module, ImageError> {
    let bytes = image::write(module.info(), false, funcs).expect("writes");
    image::load(image::leak_aligned(&bytes))
}

/// `code` with every instruction passed through `edit` (which keeps each instruction's length).
fn rewrite(code: &[u16], mut edit: impl FnMut(Instr) -> Instr) -> Vec<u16> {
    let mut out = Vec::new();
    let mut pc = 0;
    while pc < code.len() {
        let instr = Instr::decode(code, pc).expect("valid code");
        let units = instr.units();
        let edited = edit(instr);
        assert_eq!(edited.units(), units);
        let start = out.len();
        edited.encode(&mut out);
        out.extend_from_slice(&code[pc + (out.len() - start)..pc + units]);
        pc += units;
    }
    out
}

fn edited(func: &CompiledFunc, edit: impl FnMut(Instr) -> Instr) -> CompiledFunc {
    CompiledFunc { code: rewrite(&func.code, edit).into(), ..func.clone() }
}

fn module(wat: &str) -> Module {
    let engine = Engine::interpreter(&Config::new());
    Module::new(&engine, &wat::parse_str(wat).expect("valid text")).expect("valid module")
}

fn code_error(result: Result<Module, ImageError>) -> VerifyErrorKind {
    match result {
        Err(ImageError::Code { error, .. }) => error.kind,
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => panic!("the image was accepted"),
    }
}

const GLOBALS: &str = r#"(module
  (global $v (mut v128) (v128.const i64x2 1 2))
  (global $r (mut funcref) (ref.null func))
  (global $i (mut i64) (i64.const 3))
  (func (export "get") (result v128) (global.get $v))
  (func (export "set") (param v128) (global.set $v (local.get 0)))
  (func (export "set_i") (param i64) (global.set $i (local.get 0))))"#;

/// A 128-bit global access whose second cell is past the frame is refused by the verifier.
#[test]
fn a_wide_slot_past_the_frame_is_refused() {
    let m = module(GLOBALS);
    let funcs = code_of(&m);
    assert!(load_with(&m, &funcs).is_ok(), "the translator's own code loads");
    let mut bad = funcs.clone();
    let frame_size = bad[0].frame_size;
    bad[0] = edited(&funcs[0], |i| match i {
        Instr::GlobalGet128(g) => op::GlobalGet128 { dst: WideSlot(frame_size as u16 - 1), ..g }.into(),
        other => other,
    });
    assert!(matches!(code_error(load_with(&m, &bad)), VerifyErrorKind::SpanOutsideFrame { len: 2, .. }));
    // The same code is refused by the verifier alone (`exec::install` and the translator go through it).
    assert!(ember_interp::verify::verify(&bad[0]).is_err());
}

/// Two cells of computed bits cannot be written into a reference global, nor a v128 global half written,
/// nor a one-cell global read as two.
#[test]
fn globals_are_moved_with_their_own_width() {
    let m = module(GLOBALS);
    let funcs = code_of(&m);
    let (v, r, i) = (0, 1, 2);
    let mut into_ref = funcs.clone();
    into_ref[1] = edited(&funcs[1], |instr| match instr {
        Instr::GlobalSet128(g) => op::GlobalSet128 { global: r, ..g }.into(),
        other => other,
    });
    assert_eq!(code_error(load_with(&m, &into_ref)), VerifyErrorKind::GlobalWidth(r));
    let mut half = funcs.clone();
    half[2] = edited(&funcs[2], |instr| match instr {
        Instr::GlobalSet(g) => op::GlobalSet { global: v, ..g }.into(),
        other => other,
    });
    assert_eq!(code_error(load_with(&m, &half)), VerifyErrorKind::GlobalWidth(v));
    let mut read_wide = funcs.clone();
    read_wide[0] = edited(&funcs[0], |instr| match instr {
        Instr::GlobalGet128(g) => op::GlobalGet128 { global: i, ..g }.into(),
        other => other,
    });
    assert_eq!(code_error(load_with(&m, &read_wide)), VerifyErrorKind::GlobalWidth(i));
}

/// The reference flow lays parameters and results out by cells: a reference parameter after a v128 is at
/// cell 2, and the high half of the v128 (cell 1) is not a reference.
#[test]
fn a_v128_half_is_not_a_reference() {
    let m = module(r#"(module (func (export "f") (param v128 funcref) (result funcref) (local.get 1)))"#);
    let funcs = code_of(&m);
    assert!(load_with(&m, &funcs).is_ok(), "the translator's own code loads");
    let mut bad = funcs.clone();
    bad[0] = edited(&funcs[0], |instr| match instr {
        Instr::Return1(_) => op::Return1 { src: Slot(1) }.into(),
        other => other,
    });
    assert!(matches!(code_error(load_with(&m, &bad)), VerifyErrorKind::UnprovenReference { slot: 1, .. }));
}

/// A header that counts a v128 parameter or result as one cell does not agree with the function's type.
#[test]
fn headers_count_v128_as_two_cells() {
    let m = module(r#"(module (func (export "id") (param v128) (result v128) (local.get 0)))"#);
    let funcs = code_of(&m);
    let mut params = funcs.clone();
    params[0].num_params = 1;
    assert!(load_with(&m, &params).is_err());
    let mut results = funcs.clone();
    results[0].num_results = 1;
    assert!(load_with(&m, &results).is_err());
}
