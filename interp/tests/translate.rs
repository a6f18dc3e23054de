//! Translator tests: the shape of the bytecode for typical wasm patterns.

use ember_core::{Config, Engine, Executor, Func, Module, StoreInner, Trap, Val};
use ember_interp::ops::Instr;
use ember_interp::translate::{translate, TranslateOptions};

struct NoExec;
impl Executor for NoExec {
    fn call(&self, _: &mut StoreInner, _: Func, _: &[Val], _: &mut [Val]) -> Result<(), Trap> {
        Ok(())
    }
}
static NO_EXEC: NoExec = NoExec;

fn listing(wat: &str, func: u32, options: TranslateOptions) -> Vec<String> {
    let engine = Engine::with_executor(&Config::new(), &NO_EXEC);
    let module = Module::new(&engine, &wat::parse_str(wat).unwrap()).unwrap();
    let f = translate(module.info(), func, &options).unwrap();
    let mut pc = 0;
    let mut out = Vec::new();
    while pc < f.code.len() {
        let instr = Instr::decode(&f.code, pc).unwrap();
        out.push(format!("{instr}"));
        pc += instr.units();
    }
    out
}

#[test]
fn local_get_get_op_set_is_one_instruction() {
    let code = listing(
        "(module (func (param i32 i32) (local i32) local.get 0 local.get 1 i32.add local.set 2))",
        0,
        TranslateOptions::default(),
    );
    assert_eq!(code, ["I32Add dst=s2, lhs=s0, rhs=s1", "Return0"]);
}

#[test]
fn compare_and_branch_fuse() {
    let code = listing(
        "(module (func (param i32 i32) (result i32)
            (block (br_if 0 (i32.lt_s (local.get 0) (local.get 1))) (return (i32.const 1)))
            (i32.const 2)))",
        0,
        TranslateOptions::default(),
    );
    assert_eq!(code[0], "BrIfI32LtS lhs=s0, rhs=s1, offset=+9");
}

#[test]
fn small_constants_become_immediates() {
    let code = listing(
        "(module (func (param i32) (result i32) local.get 0 i32.const 1 i32.sub))",
        0,
        TranslateOptions::default(),
    );
    assert_eq!(code[0], "I32AddImm dst=s1, lhs=s0, imm=-1");
}

#[test]
fn fib_listing_is_compact() {
    let code = listing(
        "(module (func $fib (param i32) (result i32)
            (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
              (then (local.get 0))
              (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                             (call $fib (i32.sub (local.get 0) (i32.const 2))))))))",
        0,
        TranslateOptions::default(),
    );
    for line in &code {
        println!("{line}");
    }
    assert!(code[0].starts_with("BrIfI32GeUImm lhs=s0, imm=2"), "{code:?}");
    assert!(code.len() <= 10, "{code:?}");
}

#[test]
fn fuel_segments_are_metered() {
    let code = listing(
        "(module (func (param i32) (loop (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))",
        0,
        TranslateOptions { fuel: true, profile: false },
    );
    assert!(code.iter().filter(|l| l.starts_with("ConsumeFuel")).count() >= 2, "{code:?}");
}

#[test]
#[cfg_attr(miri, ignore = "a 10 000-statement function is too slow under Miri")]
fn long_functions_use_far_branches() {
    // A forward branch over ~40 000 code units cannot use a 16-bit offset.
    let mut body = String::new();
    for _ in 0..10_000 {
        body.push_str("(local.set 1 (i32.add (local.get 1) (local.get 0)))\n");
    }
    let wat = format!(
        "(module (func (param i32) (result i32) (local i32)
            (block (br_if 0 (i32.eqz (local.get 0))) {body})
            (local.get 1)))"
    );
    let code = listing(&wat, 0, TranslateOptions::default());
    assert!(code.iter().any(|l| l.starts_with("BrFar")), "{:?}", &code[..4]);
}

#[test]
#[cfg_attr(miri, ignore = "a 10 000-statement function is too slow under Miri")]
fn far_branches_execute() {
    // Forward and backward branches across ~40 000 code units: a loop whose body is long.
    let mut body = String::new();
    for _ in 0..10_000 {
        body.push_str("(local.set 1 (i32.add (local.get 1) (i32.const 1)))\n");
    }
    let wat = format!(
        "(module (func (export \"f\") (param i32) (result i32) (local i32)
            (block $out
              (loop $again
                (br_if $out (i32.eqz (local.get 0)))
                {body}
                (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                (br $again)))
            (local.get 1)))"
    );
    let engine = Engine::with_executor(&Config::new(), &ember_interp::INTERPRETER);
    let module = Module::new(&engine, &wat::parse_str(&wat).unwrap()).unwrap();
    let mut store = ember_core::Store::new(&engine, ());
    let instance = ember_core::Instance::new(&mut store, &module, &[]).unwrap();
    let f = instance.get_typed_func::<i32, i32>(&store, "f").unwrap();
    assert_eq!(f.call(&mut store, 3).unwrap(), 30_000);
    assert_eq!(f.call(&mut store, 0).unwrap(), 0);
}

/// Runs export `f` of `wat` with one i32 argument.
fn run_i32(wat: &str, arg: i32) -> Result<i32, ember_core::Error> {
    let engine = Engine::with_executor(&Config::new(), &ember_interp::INTERPRETER);
    let module = Module::new(&engine, &wat::parse_str(wat).unwrap()).unwrap();
    let mut store = ember_core::Store::new(&engine, ());
    let instance = ember_core::Instance::new(&mut store, &module, &[]).unwrap();
    let f = instance.get_typed_func::<i32, i32>(&store, "f").unwrap();
    f.call(&mut store, arg)
}

#[test]
fn rotates_and_large_constants_become_immediates() {
    let code = listing(
        "(module (func (param i32 i64) (result i32)
            (i32.rotr (local.get 0) (i32.const 7)) (i64.rotr (local.get 1) (i64.const 1)) drop
            (i32.xor (i32.const 0x12345678)) (i32.sub (i32.const 0x10000))))",
        0,
        TranslateOptions::default(),
    );
    assert_eq!(code[0], "I32RotlImm dst=s2, lhs=s0, imm=25");
    assert_eq!(code[1], "I64RotlImm dst=s3, lhs=s1, imm=63");
    assert_eq!(code[2], "I32XorImm32 dst=s2, lhs=s2, imm=305419896");
    assert_eq!(code[3], "I32AddImm32 dst=s2, lhs=s2, imm=4294901760");
    let wat = "(module (func (export \"f\") (param i32) (result i32)
        (i32.add (i32.rotr (local.get 0) (i32.const 8)) (i32.and (local.get 0) (i32.const 0xffff0000)))))";
    let x = 0x1234_5678_u32;
    let expect = x.rotate_right(8).wrapping_add(x & 0xffff_0000);
    assert_eq!(run_i32(wat, x as i32).unwrap() as u32, expect);
}

#[test]
fn address_arithmetic_fuses_into_loads() {
    let wat = "(module (memory 1) (data (i32.const 0) \"\\01\\02\\03\\04\\05\\06\\07\\08\")
        (func (export \"f\") (param i32) (result i32)
          (i32.add (i32.load offset=1 (i32.add (local.get 0) (i32.const 2)))
                   (i32.load8_u (i32.add (local.get 0) (i32.mul (local.get 0) (i32.const -1)))))))";
    let code = listing(wat, 0, TranslateOptions::default());
    assert_eq!(code[0], "I32LoadAddImm dst=s1, addr=s0, imm=2, offset=1");
    assert_eq!(code[2], "I32Load8UIdx dst=s2, base=s0, index=s3, offset=0");
    assert_eq!(run_i32(wat, 0).unwrap(), 0x0706_0504 + 1);
    // The sums wrap in 32 bits before the static offset is added: -2 + 2 = 0 (not 2^32), x + -x = 0.
    assert_eq!(run_i32(wat, -2).unwrap(), 0x0504_0302 + 1);
    assert_eq!(run_i32(wat, -1).unwrap(), 0x0605_0403 + 1);
    assert!(run_i32(wat, 0x7fff_fffe).is_err());
}

#[test]
fn address_arithmetic_fuses_into_stores() {
    let wat = "(module (memory 1)
        (func (export \"f\") (param i32) (result i32)
          (i32.store offset=4 (i32.add (local.get 0) (i32.const 2)) (local.get 0))
          (i32.store8 (i32.add (local.get 0) (i32.mul (local.get 0) (i32.const -1))) (i32.const 9))
          (i32.add (i32.load (i32.const 0)) (i32.load (i32.const 4)))))";
    let code = listing(wat, 0, TranslateOptions::default());
    assert_eq!(code[0], "I32StoreAddImm addr=s0, imm=2, src=s0, offset=4");
    // x + 2 wraps to 0 for x = -2, so x lands at 4; the byte store writes 9 at x + -x = 0.
    assert_eq!(run_i32(wat, -2).unwrap(), 9 - 2);
    // x + 2 = 2^32 - 4 for x = -6: plus the offset 4, that is 2^32, out of bounds.
    assert!(run_i32(wat, -6).is_err());
}

#[test]
fn constant_operands_are_folded() {
    let code = listing(
        "(module (func (result i32) (i32.mul (i32.add (i32.const 40) (i32.const 2)) (i32.const 1000))))",
        0,
        TranslateOptions::default(),
    );
    assert_eq!(code, ["Const32 dst=s0, value=42000", "Return1 src=s0"]);
    let code = listing(
        "(module (func (result i32) (i64.lt_s (i64.const -1) (i64.extend_i32_u (i32.const -1)))))",
        0,
        TranslateOptions::default(),
    );
    assert_eq!(code, ["Const16 dst=s0, value=1", "Return1 src=s0"]);
    assert_eq!(
        run_i32("(module (func (export \"f\") (param i32) (result i32) (i32.sub (i32.const 5) (i32.const 7))))", 0)
            .unwrap(),
        -2
    );
}

#[test]
fn operations_that_trap_are_not_folded() {
    let wat = "(module (func (export \"f\") (param i32) (result i32) (i32.div_s (i32.const 1) (i32.const 0))))";
    let code = listing(wat, 0, TranslateOptions::default());
    assert!(code.iter().any(|i| i.starts_with("I32DivS")), "{code:?}");
    assert!(run_i32(wat, 0).is_err());
    let wat = "(module (func (export \"f\") (param i32) (result i32) (i32.trunc_f32_s (f32.const nan))))";
    assert!(listing(wat, 0, TranslateOptions::default()).iter().any(|i| i.starts_with("I32TruncF32S")));
    assert!(run_i32(wat, 0).is_err());
}

#[test]
fn folded_floats_keep_the_handlers_bits() {
    // NaN payloads, signed zeros and rounding: the folded value is what the handler computes. (Not NaNs that
    // arithmetic makes: Rust leaves their sign and payload unspecified, and Miri picks them at random.)
    let cases = [
        ("(f32.reinterpret_i32 (i32.const 0x7fa00001))", "f32.abs", "i32.reinterpret_f32"),
        ("(f64.const -0)", "f64.neg", "i64.reinterpret_f64"),
        ("(f32.const 2.5)", "f32.nearest", "i32.reinterpret_f32"),
        ("(f64.const -3.5)", "f64.nearest", "i64.reinterpret_f64"),
        ("(f32.const 0x1.fffffep+127)", "f32.sqrt", "i32.reinterpret_f32"),
    ];
    for (operand, op, out) in cases {
        let wide = out.starts_with("i64");
        let result = if wide { "i64" } else { "i32" };
        let folded = format!("(module (func (export \"f\") (param i32) (result {result}) ({out} ({op} {operand}))))");
        let kept = format!(
            "(module (func (export \"f\") (param i32) (result {result}) (local {ty}) (local.set 1 {operand}) ({out} ({op} (local.get 1)))))",
            ty = if wide { "f64" } else { "f32" }
        );
        let bits = |wat: &str| {
            let engine = Engine::with_executor(&Config::new(), &ember_interp::INTERPRETER);
            let module = Module::new(&engine, &wat::parse_str(wat).unwrap()).unwrap();
            let mut store = ember_core::Store::new(&engine, ());
            let instance = ember_core::Instance::new(&mut store, &module, &[]).unwrap();
            let f = instance.get_func(&store, "f").unwrap();
            let mut out = [Val::I32(0)];
            f.call(&mut store, &[Val::I32(0)], &mut out).unwrap();
            out[0]
        };
        assert_eq!(bits(&folded), bits(&kept), "{op} {operand}");
    }
}

#[test]
fn shift_then_mask_is_one_instruction() {
    let wat = "(module (func (export \"f\") (param i32) (result i32)
        (i32.and (i32.shr_u (local.get 0) (i32.const 12)) (i32.const 0x1ff))))";
    let code = listing(wat, 0, TranslateOptions::default());
    assert_eq!(code, ["I32ShrUAndImm dst=s1, lhs=s0, shift=12, mask=511", "Return1 src=s1"]);
    assert_eq!(run_i32(wat, 0x1234_5678).unwrap(), (0x1234_5678 >> 12) & 0x1ff);
    // A negative mask is sign-extended, as `I32AndImm` does; a shift of 33 is a shift of 1.
    let wat = "(module (func (export \"f\") (param i32) (result i32)
        (i32.and (i32.shr_u (local.get 0) (i32.const 33)) (i32.const -16))))";
    assert!(listing(wat, 0, TranslateOptions::default())[0].starts_with("I32ShrUAndImm"));
    assert_eq!(run_i32(wat, -1).unwrap(), ((u32::MAX >> 1) & !15) as i32);
}

#[test]
fn consecutive_copies_join_but_not_across_a_label() {
    let wat = "(module (func (export \"f\") (param i32) (result i32) (local i32 i32 i32)
        (local.set 1 (local.get 0))
        (local.set 2 (local.get 0))
        (loop $l
          (local.set 3 (local.get 2))
          (local.set 2 (i32.add (local.get 2) (i32.const -1)))
          (br_if $l (local.get 2)))
        (i32.add (local.get 1) (local.get 3))))";
    let code = listing(wat, 0, TranslateOptions::default());
    assert_eq!(code[0], "Copy2 dst=s1, src=s0, dst2=s2, src2=s0");
    // The loop header is a branch target: its first copy stands alone.
    assert_eq!(code[1], "Copy dst=s3, src=s2");
    assert_eq!(run_i32(wat, 5).unwrap(), 5 + 1);
}
