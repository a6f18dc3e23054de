//! The translator alone: a fixed [`Environment`] stands in for the runtime, and the Cranelift IR it makes is
//! checked with Cranelift's verifier and by what it contains.

use cranelift_codegen::settings;
use ember_core::{FuncType, ValType};
use ember_tier_up::env::{Callee, Environment, GlobalPlace, Helper, VmField};
use ember_tier_up::translate::{translate_function, Entry};

/// A runtime layout with fixed answers: fields 8 bytes apart, every helper at a recognisable address.
struct FakeEnv {
    types: Vec<FuncType>,
    func_types: Vec<u32>,
    fuel: bool,
}

impl Environment for FakeEnv {
    fn vmctx_offset(&self, field: VmField) -> i32 {
        8 * field as i32
    }
    fn helper(&self, helper: Helper) -> usize {
        0x1000 + helper as usize
    }
    fn fuel(&self) -> bool {
        self.fuel
    }
    fn func_type(&self, func: u32) -> Option<&FuncType> {
        self.types.get(*self.func_types.get(func as usize)? as usize)
    }
    fn type_at(&self, index: u32) -> Option<&FuncType> {
        self.types.get(index as usize)
    }
    fn type_id(&self, index: u32) -> Option<u32> {
        Some(index + 100)
    }
    fn callee(&self, func: u32) -> Option<Callee> {
        Some(Callee { store_index: func + 50, local: func > 0 })
    }
    fn global(&self, global: u32) -> Option<(GlobalPlace, ValType)> {
        match global {
            0 => Some((GlobalPlace::Cell(16), ValType::I32)),
            1 => Some((GlobalPlace::Const(42), ValType::I64)),
            _ => None,
        }
    }
    fn table(&self, table: u32) -> Option<u32> {
        Some(table + 7)
    }
    fn instance(&self) -> u32 {
        3
    }
}

const MODULE: &str = r#"(module
  (import "host" "f" (func $host (param i32) (result i32)))
  (memory 1)
  (table 2 funcref)
  (global $g (mut i32) (i32.const 0))
  (global $k i64 (i64.const 42))
  (type $t (func (param i32) (result i32)))
  (func $f (param i32) (result i32 i64)
    (global.set $g (i32.load offset=4 (local.get 0)))
    (i32.store8 (local.get 0) (call $host (global.get $g)))
    (loop $l (br_if $l (i32.eqz (call_indirect (type $t) (local.get 0) (i32.const 1)))))
    (i32.div_s (local.get 0) (i32.const 3))
    (global.get $k)))"#;

fn translate(fuel: bool) -> String {
    translate_text(MODULE, 1, fuel)
}

/// The Cranelift IR of function `func` of the module `text`.
fn translate_text(text: &str, func: u32, fuel: bool) -> String {
    translate_entry(text, func, fuel, Entry::Function)
}

/// The Cranelift IR of function `func` of the module `text`, entered at `entry`.
fn translate_entry(text: &str, func: u32, fuel: bool, entry: Entry) -> String {
    let info = ember_core::Module::new(
        &ember_core::Engine::with_executor(&ember_core::Config::new(), &ember_interp::INTERPRETER),
        &wat::parse_str(text).expect("valid text"),
    )
    .expect("valid module");
    let info = info.info();
    let env = FakeEnv { types: info.types.clone(), func_types: info.funcs.clone(), fuel };
    let isa = cranelift_native::builder()
        .expect("a host Cranelift supports")
        .finish(settings::Flags::new(settings::builder()))
        .expect("an ISA");
    let func = translate_function(info, func, &env, isa.frontend_config(), entry).expect("translates");
    cranelift_codegen::verify_function(&func, &*isa).expect("valid Cranelift IR");
    func.display().to_string()
}

#[test]
fn translation_follows_the_environment() {
    let clif = translate(false);
    // Bounds-checked memory access: the length at `MemLen`'s offset, the base at `MemBase`'s.
    assert!(clif.contains(&format!("+{}", 8 * VmField::MemLen as i32)), "{clif}");
    // The mutable global through its cell, the immutable one as a constant.
    assert!(clif.contains("+16"), "{clif}");
    assert!(clif.contains("iconst.i64 42"), "{clif}");
    // The import through the `Call` helper with its store index, `call_indirect` with the table's store
    // index and the signature id.
    assert!(clif.contains(&format!("iconst.i64 {}", 0x1000 + Helper::Call as usize)), "{clif}");
    assert!(clif.contains(&format!("iconst.i64 {}", 0x1000 + Helper::CallIndirect as usize)), "{clif}");
    assert!(clif.contains("iconst.i32 50"), "{clif}");
    assert!(clif.contains("iconst.i32 7"), "{clif}");
    assert!(clif.contains("iconst.i32 100"), "{clif}");
    // No fuel without metering.
    assert!(!clif.contains(&format!("+{}]", 8 * VmField::FuelPtr as i32)), "{clif}");
}

#[test]
fn fuel_metering_adds_charges() {
    let plain = translate(false);
    let metered = translate(true);
    let loads = |s: &str| s.matches(&format!("+{}", 8 * VmField::FuelPtr as i32)).count();
    assert_eq!(loads(&plain), 0);
    // Function entry, loop header, after `br_if`, after the loop's `end`: one charge each.
    assert_eq!(loads(&metered), 4, "{metered}");
}

#[test]
fn an_address_is_bounds_checked_once_per_straight_path() {
    let text = r#"(module (memory 1)
      (func (param i32)
        ;; a[0] += a[2]: the store reuses the check of the wider load (end 12 covers end 4).
        (i32.store (local.get 0) (i32.add (i32.load (local.get 0)) (i32.load offset=8 (local.get 0))))
        ;; Still the same path: covered.
        (i32.store offset=4 (local.get 0) (i32.const 1))
        ;; After a loop header (a block with two predecessors) nothing is known: checked again.
        (loop (i32.store (local.get 0) (i32.const 2)))
        ;; Another address value: checked.
        (i32.store (i32.const 64) (i32.const 3))))"#;
    let clif = translate_text(text, 0, false);
    // A bounds check loads the memory length.
    let checks = clif.matches(&format!("v0+{}\n", 8 * VmField::MemLen as i32)).count();
    assert_eq!(checks, 4, "{clif}");
}

#[test]
fn the_loop_entry_branches_to_every_loop() {
    let text = r#"(module
      (func (param i32)
        (loop $a (br_if $a (local.get 0)))
        (block $skip (br $skip) (loop $dead (br $dead)))
        (loop $b (br_if $b (local.get 0)))))"#;
    let clif = translate_entry(text, 0, false, Entry::Loops);
    // The loop's ordinal is a fourth parameter; one table entry per loop of the body, the dead one included
    // (it traps), and the default (no such loop) traps too.
    assert!(clif.contains("(i64, i64, i64, i32) -> i32"), "{clif}");
    let table = clif.lines().find(|l| l.contains("br_table")).unwrap_or_else(|| panic!("no br_table: {clif}"));
    assert_eq!(table.matches("block").count(), 4, "default and three loops: {table}");
    assert!(!translate_text(text, 0, false).contains("br_table"));
}
