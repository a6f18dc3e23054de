//! `v128` values in the interpreter: two-cell frames, the 128-bit global instructions and host calls, run
//! through the executor (this file also runs under Miri, which checks the handlers' cell accesses). The
//! workspace's `tests/v128.rs` covers every carrier in every configuration.

use ember_core::{Config, Engine, FuncType, Linker, Module, Store, Trap, Val, ValType};
use ember_interp::ops::{Instr, WideSlot};
use ember_interp::translate::{translate, TranslateOptions};

const A: u128 = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210;
const B: u128 = 0xdead_beef_0bad_f00d_1357_9bdf_2468_ace0;

#[test]
fn v128_frames_globals_and_host_calls() {
    let wat = r#"(module
      (import "host" "swap" (func $swap (param v128 i32) (result i32 v128)))
      (global $g (mut v128) (v128.const i64x2 -1 2))
      (func $pass (param i64 v128 i32 v128) (result v128 i64 v128 i32)
        (local.get 3) (local.get 0) (local.get 1) (local.get 2))
      (func (export "run") (param v128 i32 v128) (result v128 i32 v128 i64 v128)
        (local $old v128) (local $host v128)
        (local.set $old (global.get $g))
        (global.set $g (local.get 2))
        (i64.const 7) (local.get 0) (local.get 1) (local.get $old)
        (call $pass)
        (drop) (drop) (drop) (drop)
        (call $swap (local.get 0) (local.get 1))
        (local.set $host)
        (drop)
        (block (result v128 i32 v128 i64 v128)
          (local.get $old) (local.get 1) (global.get $g) (i64.const 9) (local.get $host)
          (br_if 0 (local.get 1))
          (unreachable))))"#;
    let engine = Engine::with_executor(&Config::new(), &ember_interp::INTERPRETER);
    let module = Module::new(&engine, &wat::parse_str(wat).expect("valid text")).expect("valid");
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let ty = FuncType::new([ValType::V128, ValType::I32], [ValType::I32, ValType::V128]);
    linker
        .func_new("host", "swap", ty, |_, params: &[Val], results: &mut [Val]| {
            let (Val::V128(v), Val::I32(i)) = (params[0], params[1]) else {
                return Err(Trap::host("wrong argument types"));
            };
            results[0] = Val::I32(i + 1);
            results[1] = Val::V128(v.rotate_left(64));
            Ok(())
        })
        .expect("defines");
    let instance = linker.instantiate(&mut store, &module).expect("instantiates");
    let run = instance.get_func(&store, "run").expect("export");
    let results = run.call_to_vec(&mut store, &[Val::V128(A), Val::I32(5), Val::V128(B)]).expect("runs");
    let old = (2u128 << 64) | u128::from(u64::MAX);
    assert_eq!(results, [Val::V128(old), Val::I32(5), Val::V128(B), Val::I64(9), Val::V128(A.rotate_left(64))]);

    // The global moves with the 128-bit instructions, each naming the first of two cells.
    let code = translate(module.info(), 2, &TranslateOptions::default()).expect("translates");
    let mut pc = 0;
    let mut wide = Vec::new();
    while let Some(instr) = Instr::decode(&code.code, pc) {
        match instr {
            Instr::GlobalGet128(i) => wide.push(i.dst),
            Instr::GlobalSet128(i) => wide.push(i.src),
            _ => {}
        }
        pc += instr.units();
    }
    assert_eq!(wide.len(), 3);
    assert!(wide.iter().all(|&WideSlot(s)| u32::from(s) + 1 < code.frame_size));
    // (param v128 i32 v128) + two v128 locals: 2 + 1 + 2 + 2 + 2 cells.
    assert_eq!((code.num_params, code.num_locals, code.num_results), (5, 9, 8));
}
