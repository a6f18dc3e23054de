//! Integer-only builds: without the `float` feature (for cores without an FPU, such as the Cortex-M0) the
//! verifier refuses instructions that compute on floats, so the executor can leave them and the soft-float
//! routines out; everything else, float loads, stores and reinterpretations included, runs as usual.
//!
//! These tests hold in both builds: `cargo test -p ember-interp --test integer_only`, and (in CI)
//! `cargo test -p ember-interp --no-default-features --features translate --test integer_only`.

use ember_core::{Config, Engine, Instance, Module, Store, Val};
use ember_interp::operand::Slot;
use ember_interp::ops::{op, Instr, Opcode};
use ember_interp::verify::{verify, VerifyErrorKind};
use ember_interp::CompiledFunc;

const FLOAT: bool = cfg!(feature = "float");

fn verify_one(instr: Instr) -> Result<(), ember_interp::verify::VerifyError> {
    let mut code = Vec::new();
    instr.encode(&mut code);
    Instr::from(op::Return1 { src: Slot(0) }).encode(&mut code);
    verify(&CompiledFunc { code: code.into(), num_params: 1, num_locals: 1, num_results: 1, frame_size: 2 })
}

#[test]
fn float_instructions_verify_only_with_the_float_feature() {
    for instr in [
        Instr::from(op::F32Add { dst: Slot(1), lhs: Slot(0), rhs: Slot(0) }),
        op::F64Sqrt { dst: Slot(1), src: Slot(0) }.into(),
        op::I32TruncF64S { dst: Slot(1), src: Slot(0) }.into(),
        op::I64TruncSatF32U { dst: Slot(1), src: Slot(0) }.into(),
        op::F64ConvertI64U { dst: Slot(1), src: Slot(0) }.into(),
    ] {
        let result = verify_one(instr);
        assert_eq!(result.is_ok(), FLOAT, "{instr}: {result:?}");
        if let Err(e) = result {
            assert_eq!((e.pc, e.kind.clone()), (Some(0), VerifyErrorKind::FloatUnsupported), "{e}");
            assert!(e.to_string().contains("no floating point"), "{e}");
        }
    }
    // Loads and constants only move a float's bits.
    verify_one(op::I64Load { dst: Slot(1), addr: Slot(0), offset: 0 }.into()).unwrap();
    verify_one(op::Const32 { dst: Slot(1), value: 0x3f80_0000 }.into()).unwrap();
}

#[test]
fn the_float_instructions_are_the_ones_named_after_f32_and_f64() {
    // SIMD instructions (named after their lane shape, `F32x4Add`) are counted apart: they come with the
    // `simd` feature, which brings `float`.
    let lanes = |name: &str| ["x16", "x8", "x4", "x2"].iter().any(|shape| name.contains(shape));
    let floats: Vec<&str> =
        Opcode::ALL.iter().filter(|op| op.computes_on_floats()).map(|op| op.name()).filter(|n| !lanes(n)).collect();
    // 20 each for f32 and f64 (comparisons, arithmetic, rounding, sign), 10 int-to-float conversions and
    // promotions, 16 float-to-int truncations (trapping and saturating).
    assert_eq!(floats.len(), 66, "{floats:?}");
    assert!(floats.iter().all(|name| name.contains("F32") || name.contains("F64")));
    assert!(!Opcode::I32Add.computes_on_floats() && !Opcode::I64Load.computes_on_floats());
}

const WAT: &str = r#"(module
  (memory 1)
  (func (export "sum") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (local.get 0)))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 1))
  ;; Float values moved, never computed on: stored, loaded back and reinterpreted.
  (func (export "bits") (param i32) (result i32)
    (f32.store (i32.const 8) (f32.reinterpret_i32 (local.get 0)))
    (i32.reinterpret_f32 (f32.load (i32.const 8))))
  (func (export "half") (param f32) (result f32) (f32.mul (local.get 0) (f32.const 0.5))))"#;

#[test]
fn integer_code_runs_and_float_code_is_refused_in_an_integer_only_build() {
    let mut config = Config::new();
    config.eager_translation(false);
    let engine = Engine::with_executor(&config, &ember_interp::INTERPRETER);
    let module = Module::new(&engine, &wat::parse_str(WAT).unwrap()).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let mut call = |name: &str, arg: Val| {
        let f = instance.get_func(&store, name).unwrap();
        f.call_to_vec(&mut store, &[arg])
    };
    assert_eq!(call("sum", Val::I32(100)).unwrap(), [Val::I32(5050)]);
    assert_eq!(call("bits", Val::I32(0x7fa0_0001)).unwrap(), [Val::I32(0x7fa0_0001)]);
    let half = call("half", Val::F32(3.0f32.to_bits()));
    assert_eq!(half.is_ok(), FLOAT, "{half:?}");
    match half {
        Ok(results) => assert_eq!(results, [Val::F32(1.5f32.to_bits())]),
        Err(e) => assert!(e.to_string().contains("no floating point"), "{e}"),
    }
}
