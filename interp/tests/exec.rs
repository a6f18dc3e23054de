//! Executor tests on hand-assembled bytecode: each test builds a small module with `wat` (bodies are
//! placeholders), instantiates it, and installs hand-written `CompiledFunc`s for its functions.

use std::cell::Cell;
use std::rc::Rc;

use ember_core::{
    AsStore, AsStoreMut, Caller, Config, Engine, Extern, Func, FuncType, Instance, Linker, Module, Store, StoreLimits,
    Trap, TrapCode, Val, ValType,
};
use ember_interp::exec::install;
use ember_interp::operand::{Offset, Slot};
use ember_interp::ops::{op, Instr};
use ember_interp::verify::VerifyErrorKind;
use ember_interp::CompiledFunc;

// ---- assembling ----

const fn s(i: u16) -> Slot {
    Slot(i)
}

/// A bytecode buffer with forward-branch patching.
#[derive(Default)]
struct Asm {
    code: Vec<u16>,
}

impl Asm {
    /// Appends an instruction and returns its position.
    fn emit(&mut self, instr: impl Into<Instr>) -> usize {
        let at = self.code.len();
        instr.into().encode(&mut self.code);
        at
    }
    /// The position of the next instruction.
    fn here(&self) -> usize {
        self.code.len()
    }
    /// Points the branch at `at` (whose offset is its last operand) to `target`.
    fn patch(&mut self, at: usize, target: usize) {
        let instr = Instr::decode(&self.code, at).expect("an instruction");
        let end = at + instr.units();
        let offset = target as i64 - at as i64;
        if let Instr::BrFar(_) = instr {
            self.code[end - 2] = offset as u32 as u16;
            self.code[end - 1] = (offset as u32 >> 16) as u16;
        } else {
            self.code[end - 1] = i16::try_from(offset).expect("a near branch") as u16;
        }
    }
    /// The offset from `at` back to `target`.
    fn back(at: usize, target: usize) -> Offset {
        Offset(i16::try_from(target as i64 - at as i64).expect("a near branch"))
    }
    fn finish(self, params: u16, locals: u32, results: u16, frame: u32) -> Rc<CompiledFunc> {
        Rc::new(CompiledFunc {
            code: self.code.into(),
            num_params: params,
            num_locals: locals,
            num_results: results,
            frame_size: frame,
        })
    }
}

const FWD: Offset = Offset(0);

// ---- setting up ----

fn engine(config: &Config) -> Engine {
    Engine::with_executor(config, &ember_interp::INTERPRETER)
}

struct Env<T: 'static = ()> {
    store: Store<T>,
    instance: Instance,
}

impl<T: 'static> Env<T> {
    /// Instantiates `wat` with `linker` (whose engine is used).
    fn with_linker(linker: &Linker<T>, data: T, wat: &str) -> Env<T> {
        let bytes = wat::parse_str(wat).expect("valid wat");
        let module = Module::new(linker.engine(), &bytes).expect("valid module");
        let mut store = Store::new(linker.engine(), data);
        let instance = linker.instantiate(&mut store, &module).expect("instantiates");
        Env { store, instance }
    }
    /// The store function behind module function `index`.
    fn func(&self, index: usize) -> Func {
        self.store.inner().instance(self.instance).expect("instance in store").funcs[index]
    }
    /// Installs code for module function `index`.
    fn install(&mut self, index: usize, code: Rc<CompiledFunc>) {
        let f = self.func(index);
        install(self.store.inner_mut(), f, code).expect("the code verifies");
    }
    fn call(&mut self, index: usize, params: &[Val]) -> Result<Vec<Val>, Trap> {
        let f = self.func(index);
        f.call_to_vec(&mut self.store, params).map_err(|e| e.as_trap().cloned().expect("a trap"))
    }
}

impl Env<()> {
    fn new(wat: &str) -> Env<()> {
        Env::with_config(&Config::new(), wat)
    }
    fn with_config(config: &Config, wat: &str) -> Env<()> {
        Env::with_linker(&Linker::new(&engine(config)), (), wat)
    }
}

fn trap_code<T>(r: Result<T, Trap>) -> TrapCode {
    match r {
        Ok(_) => panic!("expected a trap"),
        Err(t) => t.code(),
    }
}

fn i32s(v: &[Val]) -> Vec<i32> {
    v.iter().map(|v| v.i32().expect("i32")).collect()
}

// ---- the tests ----

#[test]
fn arithmetic() {
    let mut env = Env::new(
        r#"(module
            (func (param i32 i32) (result i32) unreachable)
            (func (param i64 i64) (result i64) unreachable)
            (func (param f64 f64) (result f64) unreachable))"#,
    );
    // (a + b) * 3 - (a >> 1)
    let mut a = Asm::default();
    a.emit(op::I32Add { dst: s(2), lhs: s(0), rhs: s(1) });
    a.emit(op::I32MulImm { dst: s(2), lhs: s(2), imm: 3 });
    a.emit(op::I32ShrSImm { dst: s(3), lhs: s(0), imm: 1 });
    a.emit(op::I32Sub { dst: s(0), lhs: s(2), rhs: s(3) });
    a.emit(op::Return1 { src: s(0) });
    env.install(0, a.finish(2, 2, 1, 4));
    let want = |x: i32, y: i32| x.wrapping_add(y).wrapping_mul(3).wrapping_sub(x >> 1);
    for (x, y) in [(5, 6), (-8, 2), (i32::MAX, 1), (i32::MIN, -1)] {
        assert_eq!(i32s(&env.call(0, &[Val::I32(x), Val::I32(y)]).unwrap()), [want(x, y)]);
    }

    // rotl(a, b) ^ (a /u 3)
    let mut a = Asm::default();
    a.emit(op::I64Rotl { dst: s(2), lhs: s(0), rhs: s(1) });
    a.emit(op::Const64 { dst: s(3), value: 3 });
    a.emit(op::I64DivU { dst: s(3), lhs: s(0), rhs: s(3) });
    a.emit(op::I64Xor { dst: s(0), lhs: s(2), rhs: s(3) });
    a.emit(op::Return1 { src: s(0) });
    env.install(1, a.finish(2, 2, 1, 4));
    let x = 0x8000_0000_0000_0005u64;
    let want = x.rotate_left(68 % 64) ^ (x / 3);
    assert_eq!(env.call(1, &[Val::I64(x as i64), Val::I64(68)]).unwrap(), [Val::I64(want as i64)]);

    // copysign(nearest(min(a, b)) + sqrt(|a|), b)
    let mut a = Asm::default();
    a.emit(op::F64Min { dst: s(2), lhs: s(0), rhs: s(1) });
    a.emit(op::F64Nearest { dst: s(2), src: s(2) });
    a.emit(op::F64Abs { dst: s(3), src: s(0) });
    a.emit(op::F64Sqrt { dst: s(3), src: s(3) });
    a.emit(op::F64Add { dst: s(2), lhs: s(2), rhs: s(3) });
    a.emit(op::F64Copysign { dst: s(0), lhs: s(2), rhs: s(1) });
    a.emit(op::Return1 { src: s(0) });
    env.install(2, a.finish(2, 2, 1, 4));
    // min(-16, 2.5) = -16; nearest = -16; sqrt(16) = 4 → -12, sign of 2.5 → 12
    assert_eq!(env.call(2, &[Val::from(-16.0f64), Val::from(2.5f64)]).unwrap(), [Val::from(12.0f64)]);
    // min(2.5, 4) = 2.5; nearest = 2 (ties to even); sqrt(2.5)... use 6.25: min(6.25, 4)=4, +2.5 → 6.5, sign -0
    assert_eq!(env.call(2, &[Val::from(6.25f64), Val::from(-0.0f64)]).unwrap(), [Val::from(-0.0f64 - 2.5)]);
}

#[test]
fn conversions_and_i32_results_zero_the_high_half() {
    let mut env = Env::new(
        r#"(module
            (func (param i32) (result i64) unreachable)
            (func (param f64) (result i32) unreachable)
            (func (param f32) (result i64) unreachable))"#,
    );
    // i32.sub leaves a clean i32 cell: reading it as i64 (extend_u) must see zero high bits.
    let mut a = Asm::default();
    a.emit(op::Const32 { dst: s(1), value: 1 });
    a.emit(op::I32Sub { dst: s(1), lhs: s(0), rhs: s(1) });
    a.emit(op::I64ExtendI32U { dst: s(0), src: s(1) });
    a.emit(op::Return1 { src: s(0) });
    env.install(0, a.finish(1, 1, 1, 2));
    assert_eq!(env.call(0, &[Val::I32(0)]).unwrap(), [Val::I64(0xffff_ffff)]);

    let mut a = Asm::default();
    a.emit(op::I32TruncF64S { dst: s(0), src: s(0) });
    a.emit(op::Return1 { src: s(0) });
    env.install(1, a.finish(1, 1, 1, 1));
    assert_eq!(env.call(1, &[Val::from(-7.9f64)]).unwrap(), [Val::I32(-7)]);
    assert_eq!(trap_code(env.call(1, &[Val::from(f64::NAN)])), TrapCode::BadConversionToInteger);
    assert_eq!(trap_code(env.call(1, &[Val::from(3e9f64)])), TrapCode::IntegerOverflow);

    let mut a = Asm::default();
    a.emit(op::I64TruncSatF32U { dst: s(0), src: s(0) });
    a.emit(op::Return1 { src: s(0) });
    env.install(2, a.finish(1, 1, 1, 1));
    assert_eq!(env.call(2, &[Val::from(-5.0f32)]).unwrap(), [Val::I64(0)]);
    assert_eq!(env.call(2, &[Val::from(f32::INFINITY)]).unwrap(), [Val::I64(-1)]);
    assert_eq!(env.call(2, &[Val::from(f32::NAN)]).unwrap(), [Val::I64(0)]);
}

/// `sum(n) = n + (n-1) + ... + 1` with a loop.
#[test]
fn loops_and_branches() {
    let mut env = Env::new(r#"(module (func (param i32) (result i32) unreachable))"#);
    let mut a = Asm::default();
    let top = a.here();
    let exit = a.emit(op::BrIfEqz { cond: s(0), offset: FWD });
    a.emit(op::I32Add { dst: s(1), lhs: s(1), rhs: s(0) });
    a.emit(op::I32AddImm { dst: s(0), lhs: s(0), imm: -1 });
    let br = a.here();
    a.emit(op::Br { offset: Asm::back(br, top) });
    let end = a.here();
    a.patch(exit, end);
    a.emit(op::Return1 { src: s(1) });
    env.install(0, a.finish(1, 2, 1, 2));
    assert_eq!(i32s(&env.call(0, &[Val::I32(100)]).unwrap()), [5050]);
    assert_eq!(i32s(&env.call(0, &[Val::I32(0)]).unwrap()), [0]);
}

#[test]
fn br_table_and_select() {
    let mut env = Env::new(r#"(module (func (param i32) (result i32) unreachable))"#);
    // switch (i) { 0 => 10, 1 => 11, default => select(i > 5, 99, 12) }
    let mut a = Asm::default();
    let t = a.emit(op::BrTable { index: s(0), len: 2 });
    let targets_at = a.here();
    for _ in 0..3 {
        a.code.extend([0, 0]);
    }
    let mut arms = Vec::new();
    for v in [10, 11] {
        arms.push(a.here());
        a.emit(op::Const32 { dst: s(0), value: v });
        a.emit(op::Return1 { src: s(0) });
    }
    arms.push(a.here());
    a.emit(op::I32GtSImm { dst: s(1), lhs: s(0), imm: 5 });
    a.emit(op::Const32 { dst: s(2), value: 99 });
    a.emit(op::Const32 { dst: s(3), value: 12 });
    a.emit(op::Select { dst: s(0), cond: s(1), if_true: s(2), if_false: s(3) });
    a.emit(op::Return1 { src: s(0) });
    for (k, arm) in arms.into_iter().enumerate() {
        let offset = (arm - t) as u32;
        a.code[targets_at + 2 * k] = offset as u16;
        a.code[targets_at + 2 * k + 1] = (offset >> 16) as u16;
    }
    env.install(0, a.finish(1, 1, 1, 4));
    let r: Vec<i32> =
        [0, 1, 2, 3, 6, -1].iter().map(|&i| env.call(0, &[Val::I32(i)]).unwrap()[0].i32().unwrap()).collect();
    assert_eq!(r, [10, 11, 12, 12, 99, 12]);
}

fn fib_code() -> Rc<CompiledFunc> {
    // fib(n) = n < 2 ? n : fib(n - 1) + fib(n - 2); slots: s0 = n, s1 = fib(n - 1), s2 = call area.
    let mut a = Asm::default();
    let rec = a.emit(op::BrIfI32GeSImm { lhs: s(0), imm: 2, offset: FWD });
    a.emit(op::Return1 { src: s(0) });
    let l = a.here();
    a.patch(rec, l);
    a.emit(op::I32AddImm { dst: s(2), lhs: s(0), imm: -1 });
    a.emit(op::Call { func: 0, args: s(2) });
    a.emit(op::Copy { dst: s(1), src: s(2) });
    a.emit(op::I32AddImm { dst: s(2), lhs: s(0), imm: -2 });
    a.emit(op::Call { func: 0, args: s(2) });
    a.emit(op::I32Add { dst: s(0), lhs: s(1), rhs: s(2) });
    a.emit(op::Return1 { src: s(0) });
    a.finish(1, 1, 1, 3)
}

#[test]
fn recursive_fib() {
    let mut env = Env::new(r#"(module (func (param i32) (result i32) unreachable))"#);
    env.install(0, fib_code());
    let (n, want) = if cfg!(miri) { (10, 55) } else { (20, 6765) };
    assert_eq!(i32s(&env.call(0, &[Val::I32(n)]).unwrap()), [want]);
}

#[test]
fn multi_value_return_and_locals_are_zeroed() {
    let mut env = Env::new(
        r#"(module
            (func (param i32) (result i32 i64 i32) unreachable)
            (func (param i32) (result i32 i64 i32) unreachable))"#,
    );
    // f0(x) = (x, local1 (zero), x + 1) but first dirty the slots a callee frame will reuse.
    let mut a = Asm::default();
    a.emit(op::ConstI64S32 { dst: s(2), value: -2i32 as u32 });
    a.emit(op::I32AddImm { dst: s(3), lhs: s(0), imm: 1 });
    a.emit(op::Copy { dst: s(4), src: s(0) });
    a.emit(op::Copy { dst: s(5), src: s(1) });
    a.emit(op::Copy { dst: s(6), src: s(3) });
    a.emit(op::ReturnSpan { src: s(4), len: 3 });
    env.install(0, a.finish(1, 2, 3, 7));
    // f1(x): fill its slots 1..5 with junk, then call f0 with args at s1 and return what it returns.
    let mut a = Asm::default();
    for k in 1..6 {
        a.emit(op::Const64 { dst: s(k), value: 0xdead_beef_dead_beef });
    }
    a.emit(op::Copy { dst: s(1), src: s(0) });
    a.emit(op::Call { func: 0, args: s(1) });
    a.emit(op::CopySpan { dst: s(0), src: s(1), len: 3 });
    a.emit(op::ReturnSpan { src: s(0), len: 3 });
    env.install(1, a.finish(1, 1, 3, 8));
    assert_eq!(env.call(1, &[Val::I32(41)]).unwrap(), [Val::I32(41), Val::I64(0), Val::I32(42)]);
}

#[test]
fn integer_traps() {
    let mut env = Env::new(
        r#"(module
            (func (param i32 i32) (result i32) unreachable)
            (func (param i64 i64) (result i64) unreachable)
            (func unreachable))"#,
    );
    let mut a = Asm::default();
    a.emit(op::I32DivS { dst: s(0), lhs: s(0), rhs: s(1) });
    a.emit(op::Return1 { src: s(0) });
    env.install(0, a.finish(2, 2, 1, 2));
    assert_eq!(i32s(&env.call(0, &[Val::I32(-7), Val::I32(2)]).unwrap()), [-3]);
    assert_eq!(trap_code(env.call(0, &[Val::I32(1), Val::I32(0)])), TrapCode::IntegerDivisionByZero);
    assert_eq!(trap_code(env.call(0, &[Val::I32(i32::MIN), Val::I32(-1)])), TrapCode::IntegerOverflow);

    let mut a = Asm::default();
    a.emit(op::I64RemS { dst: s(0), lhs: s(0), rhs: s(1) });
    a.emit(op::Return1 { src: s(0) });
    env.install(1, a.finish(2, 2, 1, 2));
    assert_eq!(env.call(1, &[Val::I64(i64::MIN), Val::I64(-1)]).unwrap(), [Val::I64(0)]);
    assert_eq!(trap_code(env.call(1, &[Val::I64(1), Val::I64(0)])), TrapCode::IntegerDivisionByZero);

    let mut a = Asm::default();
    a.emit(op::Unreachable {});
    env.install(2, a.finish(0, 0, 0, 0));
    let err = env.call(2, &[]).unwrap_err();
    assert_eq!(err.code(), TrapCode::Unreachable);
    assert_eq!(err.to_string(), "unreachable");
}

#[test]
fn memory_loads_stores_and_bounds() {
    let mut env = Env::new(
        r#"(module
            (memory 1 2)
            (data (i32.const 0) "hello")
            (func (param i32) (result i32) unreachable)
            (func (param i32 i64) unreachable)
            (func (param i32) (result i64) unreachable)
            (func (param i32) (result i32) unreachable))"#,
    );
    // f0(addr) = i32.load8_u(addr + 1)
    let mut a = Asm::default();
    a.emit(op::I32Load8U { dst: s(0), addr: s(0), offset: 1 });
    a.emit(op::Return1 { src: s(0) });
    env.install(0, a.finish(1, 1, 1, 1));
    assert_eq!(i32s(&env.call(0, &[Val::I32(0)]).unwrap()), [b'e' as i32]);
    assert_eq!(i32s(&env.call(0, &[Val::I32(65534)]).unwrap()), [0]);
    assert_eq!(trap_code(env.call(0, &[Val::I32(65535)])), TrapCode::MemoryOutOfBounds);
    assert_eq!(trap_code(env.call(0, &[Val::I32(-1)])), TrapCode::MemoryOutOfBounds);

    // f1(addr, v): i64.store(addr + 65528, v); f2(addr) = i64.load(addr + 65528)
    let mut a = Asm::default();
    a.emit(op::I64Store { addr: s(0), src: s(1), offset: 65528 });
    a.emit(op::Return0 {});
    env.install(1, a.finish(2, 2, 0, 2));
    let mut a = Asm::default();
    a.emit(op::I64Load { dst: s(0), addr: s(0), offset: 65528 });
    a.emit(op::Return1 { src: s(0) });
    env.install(2, a.finish(1, 1, 1, 1));
    env.call(1, &[Val::I32(0), Val::I64(-0x0123_4567_89ab_cdef)]).unwrap();
    assert_eq!(env.call(2, &[Val::I32(0)]).unwrap(), [Val::I64(-0x0123_4567_89ab_cdef)]);
    assert_eq!(trap_code(env.call(1, &[Val::I32(1), Val::I64(7)])), TrapCode::MemoryOutOfBounds);
    // A failed store writes nothing.
    assert_eq!(env.call(2, &[Val::I32(0)]).unwrap(), [Val::I64(-0x0123_4567_89ab_cdef)]);

    // f3(delta) = memory.grow(delta), then the new size is visible to loads
    let mut a = Asm::default();
    a.emit(op::MemoryGrow { dst: s(0), delta: s(0) });
    a.emit(op::Return1 { src: s(0) });
    env.install(3, a.finish(1, 1, 1, 1));
    assert_eq!(i32s(&env.call(3, &[Val::I32(1)]).unwrap()), [1]);
    assert_eq!(i32s(&env.call(3, &[Val::I32(1)]).unwrap()), [-1]);
    assert_eq!(i32s(&env.call(3, &[Val::I32(0)]).unwrap()), [2]);
    assert_eq!(i32s(&env.call(0, &[Val::I32(65535)]).unwrap()), [0]);
}

#[test]
fn bulk_memory() {
    let mut env = Env::new(
        r#"(module
            (memory 1)
            (data (i32.const 0) "hello")
            (data "abc")
            (func (param i32 i32 i32) unreachable)
            (func (param i32 i32 i32) unreachable)
            (func (param i32 i32 i32) unreachable)
            (func unreachable)
            (func (param i32) (result i32) unreachable))"#,
    );
    let three = |i: Instr| {
        let mut a = Asm::default();
        a.emit(i);
        a.emit(op::Return0 {});
        a.finish(3, 3, 0, 3)
    };
    env.install(0, three(op::MemoryFill { dst: s(0), value: s(1), len: s(2) }.into()));
    env.install(1, three(op::MemoryCopy { dst: s(0), src: s(1), len: s(2) }.into()));
    env.install(2, three(op::MemoryInit { data: 1, dst: s(0), src: s(1), len: s(2) }.into()));
    let mut a = Asm::default();
    a.emit(op::DataDrop { data: 1 });
    a.emit(op::Return0 {});
    env.install(3, a.finish(0, 0, 0, 0));
    let mut a = Asm::default();
    a.emit(op::I32Load { dst: s(0), addr: s(0), offset: 0 });
    a.emit(op::Return1 { src: s(0) });
    env.install(4, a.finish(1, 1, 1, 1));
    let word = |env: &mut Env, at: i32| env.call(4, &[Val::I32(at)]).unwrap()[0].i32().unwrap().to_le_bytes();
    let args = |a: i32, b: i32, c: i32| [Val::I32(a), Val::I32(b), Val::I32(c)];

    // Overlapping copy forward: "hello" → "hhello"
    env.call(1, &args(1, 0, 5)).unwrap();
    assert_eq!(&word(&mut env, 0), b"hhel");
    env.call(0, &args(2, b'z' as i32, 2)).unwrap();
    assert_eq!(&word(&mut env, 0), b"hhzz");
    env.call(2, &args(100, 1, 2)).unwrap();
    assert_eq!(&word(&mut env, 100)[..2], b"bc");
    // Whole range checked first: nothing written when out of bounds.
    assert_eq!(trap_code(env.call(0, &args(65535, 1, 2))), TrapCode::MemoryOutOfBounds);
    assert_eq!(word(&mut env, 65532), [0; 4]);
    assert_eq!(trap_code(env.call(1, &args(0, 65535, 2))), TrapCode::MemoryOutOfBounds);
    assert_eq!(trap_code(env.call(2, &args(0, 2, 2))), TrapCode::MemoryOutOfBounds);
    // Zero-length operations at the very end are fine, one past the end is not.
    env.call(0, &args(65536, 0, 0)).unwrap();
    assert_eq!(trap_code(env.call(0, &args(65537, 0, 0))), TrapCode::MemoryOutOfBounds);
    env.call(1, &args(65536, 65536, 0)).unwrap();
    assert_eq!(trap_code(env.call(1, &args(65537, 0, 0))), TrapCode::MemoryOutOfBounds);
    env.call(2, &args(0, 3, 0)).unwrap();
    assert_eq!(trap_code(env.call(2, &args(0, 4, 0))), TrapCode::MemoryOutOfBounds);
    // After data.drop the segment is empty.
    env.call(3, &[]).unwrap();
    env.call(2, &args(0, 0, 0)).unwrap();
    assert_eq!(trap_code(env.call(2, &args(0, 0, 1))), TrapCode::MemoryOutOfBounds);
}

#[test]
fn globals() {
    let mut env = Env::new(
        r#"(module
            (global (mut i64) (i64.const 7))
            (func (param i64) (result i64) unreachable))"#,
    );
    // old = g; g = old + x; return old
    let mut a = Asm::default();
    a.emit(op::GlobalGet { dst: s(1), global: 0 });
    a.emit(op::I64Add { dst: s(2), lhs: s(1), rhs: s(0) });
    a.emit(op::GlobalSet { global: 0, src: s(2) });
    a.emit(op::Return1 { src: s(1) });
    env.install(0, a.finish(1, 1, 1, 3));
    assert_eq!(env.call(0, &[Val::I64(5)]).unwrap(), [Val::I64(7)]);
    assert_eq!(env.call(0, &[Val::I64(0)]).unwrap(), [Val::I64(12)]);
}

const INDIRECT: &str = r#"(module
    (type $ii (func (param i32) (result i32)))
    (table 4 funcref)
    (elem (i32.const 0) $double $other)
    (func $double (type $ii) unreachable)
    (func $other (param i64) (result i64) unreachable)
    (func $dispatch (param i32 i32) (result i32) unreachable))"#;

#[test]
fn call_indirect() {
    let mut env = Env::new(INDIRECT);
    let mut a = Asm::default();
    a.emit(op::I32Add { dst: s(0), lhs: s(0), rhs: s(0) });
    a.emit(op::Return1 { src: s(0) });
    env.install(0, a.finish(1, 1, 1, 1));
    let mut a = Asm::default();
    a.emit(op::Copy { dst: s(2), src: s(0) });
    a.emit(op::CallIndirect { ty: 0, table: 0, index: s(1), args: s(2) });
    a.emit(op::Return1 { src: s(2) });
    env.install(2, a.finish(2, 2, 1, 3));
    let call = |env: &mut Env, i: i32| env.call(2, &[Val::I32(21), Val::I32(i)]);
    assert_eq!(i32s(&call(&mut env, 0).unwrap()), [42]);
    assert_eq!(trap_code(call(&mut env, 1)), TrapCode::IndirectCallTypeMismatch);
    assert_eq!(trap_code(call(&mut env, 2)), TrapCode::UninitializedElement);
    assert_eq!(trap_code(call(&mut env, 4)), TrapCode::UndefinedElement);
    assert_eq!(trap_code(call(&mut env, -1)), TrapCode::UndefinedElement);
}

#[test]
fn table_instructions() {
    let mut env = Env::new(
        r#"(module
            (table $t 2 10 funcref)
            (table $u 3 funcref)
            (elem $e func $f0 $f1)
            (func $f0 (param i32) (result i32) unreachable)
            (func $f1 (param i32) (result i32) unreachable))"#,
    );
    let f0 = env.func(0).index() as u64 + 1;
    let f1 = env.func(1).index() as u64 + 1;
    // f0(k): a script of table operations selected by k, returning an i32 (or a funcref's bits as i32).
    let mut a = Asm::default();
    let mut cases = Vec::new();
    let t = a.emit(op::BrTable { index: s(0), len: 6 });
    let targets = a.here();
    a.code.extend([0u16; 14]);
    // 0: table.init $t 0..2 from $e, then table.get $t 1 → f1 bits
    cases.push(a.here());
    a.emit(op::Const32 { dst: s(1), value: 0 });
    a.emit(op::Const32 { dst: s(2), value: 2 });
    a.emit(op::TableInit { table: 0, elem: 0, dst: s(1), src: s(1), len: s(2) });
    a.emit(op::Const32 { dst: s(1), value: 1 });
    a.emit(op::TableGet { dst: s(0), table: 0, index: s(1) });
    a.emit(op::Return1 { src: s(0) });
    // 1: table.grow $t by 3 with ref.func 0 → old size
    cases.push(a.here());
    a.emit(op::RefFunc { dst: s(1), func: 0 });
    a.emit(op::Const32 { dst: s(2), value: 3 });
    a.emit(op::TableGrow { dst: s(0), table: 0, init: s(1), delta: s(2) });
    a.emit(op::Return1 { src: s(0) });
    // 2: table.size $t
    cases.push(a.here());
    a.emit(op::TableSize { dst: s(0), table: 0 });
    a.emit(op::Return1 { src: s(0) });
    // 3: table.copy $u[0..2] = $t[0..2]; table.get $u 1
    cases.push(a.here());
    a.emit(op::Const32 { dst: s(1), value: 0 });
    a.emit(op::Const32 { dst: s(2), value: 2 });
    a.emit(op::TableCopy { dst_table: 1, src_table: 0, dst: s(1), src: s(1), len: s(2) });
    a.emit(op::Const32 { dst: s(1), value: 1 });
    a.emit(op::TableGet { dst: s(0), table: 1, index: s(1) });
    a.emit(op::Return1 { src: s(0) });
    // 4: table.fill $u 1..3 with null; table.set $u 0 null; table.get $u 0
    cases.push(a.here());
    a.emit(op::Const32 { dst: s(1), value: 1 });
    a.emit(op::Const32 { dst: s(2), value: 0 });
    a.emit(op::Const32 { dst: s(3), value: 2 });
    a.emit(op::TableFill { table: 1, dst: s(1), value: s(2), len: s(3) });
    a.emit(op::Const32 { dst: s(1), value: 0 });
    a.emit(op::TableSet { table: 1, index: s(1), value: s(2) });
    a.emit(op::TableGet { dst: s(0), table: 1, index: s(1) });
    a.emit(op::Return1 { src: s(0) });
    // 5: elem.drop 0; table.init $t 0..1 → trap
    cases.push(a.here());
    a.emit(op::ElemDrop { elem: 0 });
    a.emit(op::Const32 { dst: s(1), value: 0 });
    a.emit(op::Const32 { dst: s(2), value: 1 });
    a.emit(op::TableInit { table: 0, elem: 0, dst: s(1), src: s(1), len: s(2) });
    a.emit(op::Return1 { src: s(0) });
    // 6 (default): table.get $t 100 → trap
    cases.push(a.here());
    a.emit(op::Const32 { dst: s(1), value: 100 });
    a.emit(op::TableGet { dst: s(0), table: 0, index: s(1) });
    a.emit(op::Return1 { src: s(0) });
    for (k, at) in cases.into_iter().enumerate() {
        let off = (at - t) as u32;
        a.code[targets + 2 * k] = off as u16;
        a.code[targets + 2 * k + 1] = (off >> 16) as u16;
    }
    env.install(0, a.finish(1, 1, 1, 4));
    let mut run = |k: i32| env.call(0, &[Val::I32(k)]);
    assert_eq!(i32s(&run(0).unwrap()), [f1 as i32]);
    assert_eq!(i32s(&run(1).unwrap()), [2]);
    assert_eq!(i32s(&run(2).unwrap()), [5]);
    assert_eq!(i32s(&run(3).unwrap()), [f1 as i32]);
    assert_eq!(i32s(&run(4).unwrap()), [0]);
    assert_eq!(trap_code(run(5)), TrapCode::TableOutOfBounds);
    assert_eq!(trap_code(run(6)), TrapCode::TableOutOfBounds);
    // Growing past the maximum (10) gives -1.
    assert_eq!(i32s(&run(1).unwrap()), [5]);
    assert_eq!(i32s(&run(1).unwrap()), [-1]);
    let _ = f0;
}

#[test]
fn infinite_recursion_traps_with_a_small_depth_limit() {
    let mut env = Env::new(r#"(module (func unreachable) (func (param i32) (result i32) unreachable))"#);
    env.store.limiter(StoreLimits { max_call_depth: 1000, ..StoreLimits::default() });
    let mut a = Asm::default();
    a.emit(op::Call { func: 0, args: s(0) });
    a.emit(op::Return0 {});
    env.install(0, a.finish(0, 0, 0, 1));
    env.install(1, fib_code_at(1));
    let err = env.call(0, &[]).unwrap_err();
    assert_eq!(err.code(), TrapCode::StackOverflow);
    assert_eq!(err.to_string(), "call stack exhausted");
    // The store is usable afterwards.
    assert_eq!(i32s(&env.call(1, &[Val::I32(10)]).unwrap()), [55]);
    // Recursion deeper than the limit traps, recursion within it works.
    assert_eq!(trap_code(env.call(1, &[Val::I32(1001)])), TrapCode::StackOverflow);
}

/// Like [`fib_code`], as module function `index`.
fn fib_code_at(index: u16) -> Rc<CompiledFunc> {
    let code = fib_code();
    let mut c = code.code.to_vec();
    let mut pc = 0;
    while pc < c.len() {
        let i = Instr::decode(&c, pc).unwrap();
        if let Instr::Call(call) = i {
            let mut out = Vec::new();
            op::Call { func: index, ..call }.encode(&mut out);
            c[pc..pc + out.len()].copy_from_slice(&out);
        }
        pc += i.units();
    }
    Rc::new(CompiledFunc { code: c.into(), ..(*code).clone() })
}

#[test]
#[cfg_attr(miri, ignore = "100 000 frames take too long under Miri")]
fn infinite_recursion_traps_with_the_default_limits() {
    let mut env = Env::new(r#"(module (func (param i32) unreachable))"#);
    // Each call moves the frame up by one slot, so the value stack grows too.
    let mut a = Asm::default();
    a.emit(op::Copy { dst: s(1), src: s(0) });
    a.emit(op::Call { func: 0, args: s(1) });
    a.emit(op::Return0 {});
    env.install(0, a.finish(1, 1, 0, 2));
    assert_eq!(trap_code(env.call(0, &[Val::I32(0)])), TrapCode::StackOverflow);
}

#[test]
fn value_stack_limit() {
    let mut env = Env::new(r#"(module (func unreachable))"#);
    env.store.limiter(StoreLimits { max_value_stack: 10_000, ..StoreLimits::default() });
    let mut a = Asm::default();
    a.emit(op::Call { func: 0, args: s(500) });
    a.emit(op::Return0 {});
    env.install(0, a.finish(0, 0, 0, 501));
    assert_eq!(trap_code(env.call(0, &[])), TrapCode::StackOverflow);
    // A frame larger than the whole stack traps on entry.
    let mut a = Asm::default();
    a.emit(op::Return0 {});
    env.install(0, a.finish(0, 0, 0, 10_001));
    assert_eq!(trap_code(env.call(0, &[])), TrapCode::StackOverflow);
}

#[test]
fn fuel() {
    let mut config = Config::new();
    config.consume_fuel(true);
    let mut env = Env::with_config(&config, r#"(module (func) (func))"#);
    let mut a = Asm::default();
    a.emit(op::ConsumeFuel { amount: 5 });
    a.emit(op::Return0 {});
    env.install(0, a.finish(0, 0, 0, 0));
    let mut a = Asm::default();
    let top = a.emit(op::ConsumeFuel { amount: 3 });
    let br = a.here();
    a.emit(op::Br { offset: Asm::back(br, top) });
    env.install(1, a.finish(0, 0, 0, 0));

    env.store.set_fuel(12).unwrap();
    env.call(0, &[]).unwrap();
    env.call(0, &[]).unwrap();
    assert_eq!(env.store.get_fuel().unwrap(), 2);
    assert_eq!(trap_code(env.call(0, &[])), TrapCode::OutOfFuel);
    assert_eq!(env.store.get_fuel().unwrap(), 0);

    env.store.set_fuel(1000).unwrap();
    let err = env.call(1, &[]).unwrap_err();
    assert_eq!(err.code(), TrapCode::OutOfFuel);
    assert_eq!(err.to_string(), "all fuel consumed");
}

#[test]
fn host_functions() {
    let mut linker = Linker::<Vec<i32>>::new(&engine(&Config::new()));
    let ty = FuncType::new([ValType::I32], [ValType::I32]);
    linker
        .func_new("env", "double_and_log", ty.clone(), |mut caller, params, results| {
            let v = params[0].i32().unwrap();
            caller.data_mut().push(v);
            results[0] = Val::I32(v * 2);
            Ok(())
        })
        .unwrap();
    linker.func_new("env", "fail", ty, |_caller, _params, _results| Err(Trap::host("no thanks"))).unwrap();
    let mut env = Env::with_linker(
        &linker,
        Vec::new(),
        r#"(module
            (import "env" "double_and_log" (func (param i32) (result i32)))
            (import "env" "fail" (func (param i32) (result i32)))
            (func (param i32) (result i32) unreachable)
            (func (param i32) (result i32) unreachable))"#,
    );
    // f2(x) = double(x + 1) + x
    let mut a = Asm::default();
    a.emit(op::I32AddImm { dst: s(1), lhs: s(0), imm: 1 });
    a.emit(op::Call { func: 0, args: s(1) });
    a.emit(op::I32Add { dst: s(0), lhs: s(1), rhs: s(0) });
    a.emit(op::Return1 { src: s(0) });
    env.install(2, a.finish(1, 1, 1, 2));
    let mut a = Asm::default();
    a.emit(op::Call { func: 1, args: s(0) });
    a.emit(op::Return1 { src: s(0) });
    env.install(3, a.finish(1, 1, 1, 1));
    assert_eq!(i32s(&env.call(2, &[Val::I32(10)]).unwrap()), [32]);
    assert_eq!(i32s(&env.call(2, &[Val::I32(-1)]).unwrap()), [-1]);
    assert_eq!(env.store.data(), &[11, 0]);
    let err = env.call(3, &[Val::I32(1)]).unwrap_err();
    assert_eq!(err.code(), TrapCode::HostError);
    assert_eq!(err.detail(), Some("no thanks"));
    // Host functions called directly from the embedder.
    assert_eq!(i32s(&env.call(0, &[Val::I32(4)]).unwrap()), [8]);
}

/// `f(n) = n == 0 ? 0 : host(n - 1) + 1` where `host(n)` calls the export `f(n)` again: wasm and host frames
/// alternate, `n` levels deep.
fn reentrant_env(calls: Rc<Cell<u32>>) -> Env {
    let mut linker = Linker::<()>::new(&engine(&Config::new()));
    let ty = FuncType::new([ValType::I32], [ValType::I32]);
    linker
        .func_new("env", "host", ty, move |mut caller: Caller<'_, ()>, params, results| {
            calls.set(calls.get() + 1);
            let f = caller.get_export("f").and_then(Extern::into_func).unwrap();
            f.call(&mut caller, params, results).map_err(|e| e.as_trap().cloned().unwrap())
        })
        .unwrap();
    let mut env = Env::with_linker(
        &linker,
        (),
        r#"(module
            (import "env" "host" (func (param i32) (result i32)))
            (func (export "f") (param i32) (result i32) unreachable))"#,
    );
    let mut a = Asm::default();
    let rec = a.emit(op::BrIfI32NeImm { lhs: s(0), imm: 0, offset: FWD });
    a.emit(op::Return1 { src: s(0) });
    let l = a.here();
    a.patch(rec, l);
    a.emit(op::I32AddImm { dst: s(1), lhs: s(0), imm: -1 });
    a.emit(op::Call { func: 0, args: s(1) });
    a.emit(op::I32AddImm { dst: s(0), lhs: s(1), imm: 1 });
    a.emit(op::Return1 { src: s(0) });
    env.install(1, a.finish(1, 1, 1, 2));
    env
}

#[test]
fn host_functions_can_call_back_into_wasm() {
    let calls = Rc::new(Cell::new(0));
    let mut env = reentrant_env(calls.clone());
    assert_eq!(i32s(&env.call(1, &[Val::I32(20)]).unwrap()), [20]);
    assert_eq!(calls.get(), 20);
    assert_eq!(i32s(&env.call(1, &[Val::I32(0)]).unwrap()), [0]);
}

#[test]
fn host_reentry_is_bounded() {
    // Unoptimised builds use a few tens of KiB of host stack per nesting level (optimised ones about 1.5
    // KiB): give the full 100 levels room.
    let worker = std::thread::Builder::new().stack_size(32 << 20).spawn(|| {
        let calls = Rc::new(Cell::new(0));
        let mut env = reentrant_env(calls.clone());
        // A trap, not a host stack overflow; and the store still works afterwards.
        assert_eq!(trap_code(env.call(1, &[Val::I32(100_000)])), TrapCode::StackOverflow);
        assert_eq!(calls.get(), StoreLimits::default().max_host_reentry);
        let r = env.call(1, &[Val::I32(5)]);
        assert_eq!(i32s(&r.unwrap()), [5]);
    });
    worker.unwrap().join().unwrap();
}

#[test]
fn calls_across_instances_use_the_callee_instance() {
    let engine = engine(&Config::new());
    let mut store = Store::new(&engine, ());
    let a_bytes = wat::parse_str(
        r#"(module (memory (export "m") 1) (data (i32.const 8) "\2a")
            (func (export "peek") (param i32) (result i32) unreachable))"#,
    )
    .unwrap();
    let a_mod = Module::new(&engine, &a_bytes).unwrap();
    let a = Instance::new(&mut store, &a_mod, &[]).unwrap();
    let peek = a.get_func(&store, "peek").unwrap();
    let b_bytes = wat::parse_str(
        r#"(module (import "a" "peek" (func (param i32) (result i32)))
            (memory 1)
            (func (param i32) (result i32) unreachable))"#,
    )
    .unwrap();
    let b_mod = Module::new(&engine, &b_bytes).unwrap();
    let b = Instance::new(&mut store, &b_mod, &[Extern::Func(peek)]).unwrap();

    let mut c = Asm::default();
    c.emit(op::I32Load8U { dst: s(0), addr: s(0), offset: 0 });
    c.emit(op::Return1 { src: s(0) });
    install(store.inner_mut(), peek, c.finish(1, 1, 1, 1)).unwrap();
    // b's function: peek(x) + load8(x) from b's own (zero) memory
    let mut c = Asm::default();
    c.emit(op::Copy { dst: s(1), src: s(0) });
    c.emit(op::Call { func: 0, args: s(1) });
    c.emit(op::I32Load8U { dst: s(0), addr: s(0), offset: 0 });
    c.emit(op::I32Add { dst: s(0), lhs: s(0), rhs: s(1) });
    c.emit(op::Return1 { src: s(0) });
    let f = store.inner().instance(b).expect("instance in store").funcs[1];
    install(store.inner_mut(), f, c.finish(1, 1, 1, 2)).unwrap();
    assert_eq!(f.call_to_vec(&mut store, &[Val::I32(8)]).unwrap(), [Val::I32(42)]);
}

#[test]
fn missing_code_is_a_clean_trap() {
    let mut env = Env::new(r#"(module (func (result i32) i32.const 1))"#);
    // No installed code: the function is translated, or (while the translator cannot) the call traps with a
    // message; it never panics.
    match env.call(0, &[]) {
        Ok(v) => assert_eq!(i32s(&v), [1]),
        Err(t) => assert_eq!(t.code(), TrapCode::HostError),
    }
}

#[test]
fn corrupt_code_is_rejected_or_a_clean_trap() {
    let mut env = Env::new(r#"(module (func))"#);
    let f = env.func(0);
    // Code the verifier rejects is not installed: an unknown opcode, running off the end, branching past it.
    let bad = [
        Rc::new(CompiledFunc {
            code: vec![u16::MAX].into(),
            num_params: 0,
            num_locals: 0,
            num_results: 0,
            frame_size: 0,
        }),
        Asm::default().finish(0, 0, 0, 0),
        {
            let mut a = Asm::default();
            a.emit(op::Br { offset: Offset(1000) });
            a.finish(0, 0, 0, 0)
        },
    ];
    for code in bad {
        let err = install(env.store.inner_mut(), f, code).unwrap_err();
        assert!(err.to_string().starts_with("invalid bytecode: "), "{err}");
    }
    // The function still has no code of its own: it is translated from the module.
    env.call(0, &[]).unwrap();
    // Indices into the module are checked against it when code is installed.
    let mut a = Asm::default();
    a.emit(op::Call { func: 7, args: s(0) });
    a.emit(op::Return0 {});
    let err = install(env.store.inner_mut(), f, a.finish(0, 0, 0, 1)).unwrap_err();
    assert!(matches!(err.kind, VerifyErrorKind::ModuleIndex { field: "func", index: 7 }), "{err}");
    env.call(0, &[]).unwrap();
}

/// The translator's output under every configuration: lazy and eager translation, fuel, tier-up profiling.
#[test]
fn translated_code_under_every_configuration() {
    const WAT: &str = r#"(module
        (func $fac (export "fac") (param i64) (result i64)
            (if (result i64) (i64.le_s (local.get 0) (i64.const 1))
                (then (i64.const 1))
                (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
        (func (export "sum") (param i32) (result i32) (local i32)
            (block (loop
                (br_if 1 (i32.eqz (local.get 0)))
                (local.set 1 (i32.add (local.get 1) (local.get 0)))
                (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                (br 0)))
            (local.get 1)))"#;
    let mut configs = Vec::new();
    for k in 0..4 {
        let mut c = Config::new();
        c.eager_translation(k & 1 != 0);
        c.consume_fuel(k == 2);
        c.tier_up_threshold((k == 3).then_some(10));
        configs.push(c);
    }
    for config in &configs {
        let mut env = Env::with_config(config, WAT);
        if config.get_consume_fuel() {
            env.store.set_fuel(1_000_000).unwrap();
        }
        assert_eq!(env.call(0, &[Val::I64(20)]).unwrap(), [Val::I64(2_432_902_008_176_640_000)]);
        assert_eq!(i32s(&env.call(1, &[Val::I32(1000)]).unwrap()), [500_500]);
        if config.get_consume_fuel() {
            let left = env.store.get_fuel().unwrap();
            assert!(left < 1_000_000, "fuel was consumed");
            env.store.set_fuel(10).unwrap();
            assert_eq!(trap_code(env.call(1, &[Val::I32(1000)])), TrapCode::OutOfFuel);
        }
    }
}

/// A host function replaces the code of the function that called it and of that function's caller, which is
/// suspended in a frame: both finish with the code they started with (which the interpreter keeps alive until
/// the execution ends), and the next call runs the new code. Run under Miri, this also checks that no frame
/// outlives the code it points to.
#[test]
fn code_replaced_while_running_finishes_with_the_old_code() {
    let mut linker = Linker::<()>::new(&engine(&Config::new()));
    let ty = FuncType::new([], []);
    linker
        .func_new("env", "swap", ty, |mut caller: Caller<'_, ()>, _params, _results| {
            let instance = caller.instance().expect("called from wasm");
            for (index, value) in [(1, 1000), (2, 2000)] {
                let f = caller.as_inner().instance(instance).expect("instance").funcs[index];
                let mut a = Asm::default();
                a.emit(op::Const16 { dst: s(0), value });
                a.emit(op::Return1 { src: s(0) });
                install(caller.as_inner_mut(), f, a.finish(0, 0, 1, 1)).expect("the code verifies");
            }
            Ok(())
        })
        .unwrap();
    let mut env = Env::with_linker(
        &linker,
        (),
        r#"(module
            (import "env" "swap" (func $swap))
            (func $outer (export "outer") (result i32) (i32.add (call $mid) (i32.const 100)))
            (func $mid (result i32) (call $swap) (i32.const 7)))"#,
    );
    // `outer` calls `mid` in place (a frame holds `outer`'s code), `mid` calls the host, which replaces both.
    assert_eq!(i32s(&env.call(1, &[]).unwrap()), [107]);
    assert_eq!(i32s(&env.call(1, &[]).unwrap()), [1000]);
    assert_eq!(i32s(&env.call(2, &[]).unwrap()), [2000]);
}
