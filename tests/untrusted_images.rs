//! Precompiled images as an attacker would write them: each test builds an image with Ember's own writer,
//! rewrites one thing the translator would never produce, and checks that the loader refuses it (or, where
//! the image is harmless, that it runs inside its sandbox). Each case broke out of the sandbox before the
//! loader checked it.

use ember::{Config, Engine, Linker, Module, Store, Val};
use ember_core::{ConstExpr, ConstOp, ModuleInfo};
use ember_interp::code::CompiledFunc;
use ember_interp::image::{self, ImageError};
use ember_interp::ops::{op, Instr};
use ember_interp::translate::{translate, TranslateOptions};
use ember_interp::verify::{VerifyErrorKind, MAX_FRAME_SIZE};

const OPTIONS: TranslateOptions = TranslateOptions { fuel: false, profile: false };

/// The translated code of every defined function of `module`.
fn code_of(module: &Module) -> Vec<CompiledFunc> {
    let info = module.info();
    (info.num_imported_funcs..info.funcs.len() as u32)
        .map(|index| translate(info, index, &OPTIONS).expect("translates"))
        .collect()
}

/// Loads an image of `module` with the code `funcs` (written by `image::write`, so length and checksum are
/// right and only the checks of the structure and code stand in the way).
fn load_with(module: &Module, funcs: &[CompiledFunc]) -> Result<Module, ImageError> {
    let bytes = image::write(module.info(), false, funcs).expect("writes");
    image::load(image::leak_aligned(&bytes))
}

/// `code` with every instruction passed through `edit` (which must keep each instruction's length, so that
/// branch offsets stay right).
fn rewrite(code: &[u16], mut edit: impl FnMut(Instr) -> Instr) -> Vec<u16> {
    let mut out = Vec::new();
    let mut pc = 0;
    while pc < code.len() {
        let instr = Instr::decode(code, pc).expect("valid code");
        let units = instr.units();
        let edited = edit(instr);
        assert_eq!(edited.units(), units, "an edit must keep the instruction's length");
        let start = out.len();
        edited.encode(&mut out);
        // `BrTable`'s targets follow the instruction.
        out.extend_from_slice(&code[pc + (out.len() - start)..pc + units]);
        pc += units;
    }
    out
}

fn with_code(func: &CompiledFunc, code: Vec<u16>) -> CompiledFunc {
    CompiledFunc { code: code.into(), ..func.clone() }
}

fn module(wat: &str) -> (Engine, Module) {
    let engine = Engine::interpreter(&Config::new());
    let module = Module::new(&engine, &wat::parse_str(wat).expect("valid text")).expect("valid module");
    (engine, module)
}

fn code_error(result: Result<Module, ImageError>) -> VerifyErrorKind {
    match result {
        Err(ImageError::Code { error, .. }) => error.kind,
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => panic!("the image was accepted"),
    }
}

/// A frame larger than 16-bit slots can address made every slot operand "inside the frame"; on a 32-bit
/// target the executor's `base + frame_size` then wrapped and passed its bounds checks.
#[test]
fn frames_beyond_what_slots_address_are_refused() {
    let (_, m) = module(
        r#"(module (func (export "f") (param i32) (result i32) (local i64)
             (i32.add (local.get 0) (i32.const 1))))"#,
    );
    let funcs = code_of(&m);
    for frame_size in [MAX_FRAME_SIZE + 1, 0x8000_0000, u32::MAX] {
        let mut huge = funcs.clone();
        huge[0].frame_size = frame_size;
        huge[0].num_locals = huge[0].num_locals.max(2);
        assert!(
            matches!(code_error(load_with(&m, &huge)), VerifyErrorKind::Header { .. }),
            "frame of {frame_size} slots"
        );
    }
    // The largest frame slots can address still loads and runs.
    let mut largest = funcs.clone();
    largest[0].frame_size = MAX_FRAME_SIZE;
    let loaded = load_with(&m, &largest).expect("a frame of 2^16 slots is fine");
    let engine = Engine::interpreter(&Config::new());
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &loaded).expect("instantiates");
    let f = instance.get_typed_func::<i32, i32>(&store, "f").expect("export");
    assert_eq!(f.call(&mut store, 41).expect("runs"), 42);
}

/// `global.set` of an immutable global: validation refuses it in wasm, the loader in images.
#[test]
fn setting_an_immutable_global_is_refused() {
    let (_, m) = module(
        r#"(module
             (global $fixed (export "fixed") i32 (i32.const 7))
             (global $var (mut i32) (i32.const 0))
             (func (export "f") (global.set $var (i32.const 99))))"#,
    );
    let mut funcs = code_of(&m);
    let code = rewrite(&funcs[0].code, |instr| match instr {
        Instr::GlobalSet(set) => Instr::GlobalSet(op::GlobalSet { global: 0, ..set }),
        other => other,
    });
    funcs[0] = with_code(&funcs[0], code);
    assert_eq!(code_error(load_with(&m, &funcs)), VerifyErrorKind::ImmutableGlobal(0));
}

/// A module whose code puts a reference to its own function in its table and calls through it: the shape an
/// attacker rewrites to reach another instance's function.
const TABLE_USER: &str = r#"(module
  (type $t (func (result i32)))
  (table $tab 1 funcref)
  (global $g (mut funcref) (ref.null func))
  (func $own (result i32) (i32.const 1))
  (elem declare func $own)
  (func (export "through_table") (result i32)
    (table.set $tab (i32.const 0) (ref.func $own))
    (call_indirect (type $t) (i32.const 0)))
  (func (export "through_global") (result i32)
    (global.set $g (ref.func $own))
    (table.set $tab (i32.const 0) (global.get $g))
    (call_indirect (type $t) (i32.const 0)))
  (func (export "returned") (result funcref)
    (ref.func $own)))"#;

/// Another app in the same store, with a function it never exports.
const VICTIM: &str = r#"(module
  (func $secret (result i32) (i32.const 1234))
  (func (export "harmless") (result i32) (i32.const 0))
  (func (export "use_secret") (result i32) (call $secret)))"#;

/// `RefFunc` replaced by a constant of the same length: the bits of a reference to any store function.
fn forge_ref_func(code: &[u16], bits: u32) -> Vec<u16> {
    rewrite(code, |instr| match instr {
        Instr::RefFunc(r) => Instr::Const32(op::Const32 { dst: r.dst, value: bits }),
        other => other,
    })
}

#[test]
fn forged_function_references_are_refused() {
    let (engine, m) = module(TABLE_USER);
    let funcs = code_of(&m);
    // The untouched image loads and runs.
    let loaded = load_with(&m, &funcs).expect("the translator's code loads");
    let mut store = Store::new(&engine, ());
    let victim = Module::new(&engine, &wat::parse_str(VICTIM).expect("valid")).expect("valid");
    Linker::new(&engine).instantiate(&mut store, &victim).expect("victim instantiates");
    let app = Linker::new(&engine).instantiate(&mut store, &loaded).expect("app instantiates");
    for name in ["through_table", "through_global"] {
        let f = app.get_typed_func::<(), i32>(&store, name).expect("export");
        assert_eq!(f.call(&mut store, ()).expect("runs"), 1, "{name}");
    }
    // Store function 0 is the victim's `$secret`: its reference is 1.
    for (index, what) in [(1, "a table element"), (2, "a global's value"), (3, "a returned reference")] {
        let mut forged = funcs.clone();
        forged[index] = with_code(&funcs[index], forge_ref_func(&funcs[index].code, 1));
        match code_error(load_with(&m, &forged)) {
            VerifyErrorKind::UnprovenReference { what: found, .. } => assert_eq!(found, what),
            other => panic!("function {index}: refused for another reason: {other:?}"),
        }
    }
}

/// Computed bits (here an `i32.add` result) are no reference either, even when moved through locals.
#[test]
fn computed_bits_stored_as_references_are_refused() {
    let (_, m) = module(
        r#"(module
             (table $tab 1 funcref)
             (func $own)
             (elem declare func $own)
             (func (export "f") (param i32) (local funcref)
               (local.set 1 (ref.func $own))
               (table.set $tab (local.get 0) (local.get 1))))"#,
    );
    let funcs = code_of(&m);
    load_with(&m, &funcs).expect("the translator's code loads");
    // Make the value copied into the local come from the i32 parameter instead of `ref.func`.
    let mut forged = funcs.clone();
    let code = rewrite(&funcs[1].code, |instr| match instr {
        Instr::RefFunc(r) => Instr::Const32(op::Const32 { dst: r.dst, value: 5 }),
        other => other,
    });
    forged[1] = with_code(&funcs[1], code);
    assert!(matches!(code_error(load_with(&m, &forged)), VerifyErrorKind::UnprovenReference { .. }));
    // Nonzero constants are refused; zero is null, which any reference place accepts.
    let mut null = funcs.clone();
    null[1] = with_code(&funcs[1], forge_ref_func(&funcs[1].code, 0));
    load_with(&m, &null).expect("null is a reference");
}

/// A rewrite of one instruction.
type Edit = fn(Instr) -> Instr;

/// References of one type must not reach a place of the other: an `externref` is a number the host chose,
/// which as a `funcref` would name a store function.
#[test]
fn references_cannot_change_type_through_tables() {
    let (_, m) = module(
        r#"(module
             (type $t (func))
             (table $funcs 2 funcref)
             (table $externs 2 externref)
             (elem $fs func 0)
             (elem $xs externref (ref.null extern))
             (func (export "copy") (table.copy $funcs $funcs (i32.const 0) (i32.const 1) (i32.const 1)))
             (func (export "init") (table.init $funcs $fs (i32.const 0) (i32.const 0) (i32.const 1)))
             (func (export "call") (call_indirect $funcs (type $t) (i32.const 0))))"#,
    );
    let funcs = code_of(&m);
    load_with(&m, &funcs).expect("the translator's code loads");
    let edits: [(usize, Edit); 3] = [
        (0, |instr| match instr {
            Instr::TableCopy(c) => Instr::TableCopy(op::TableCopy { src_table: 1, ..c }),
            other => other,
        }),
        (1, |instr| match instr {
            Instr::TableInit(i) => Instr::TableInit(op::TableInit { elem: 1, ..i }),
            other => other,
        }),
        (2, |instr| match instr {
            Instr::CallIndirect(c) => Instr::CallIndirect(op::CallIndirect { table: 1, ..c }),
            other => other,
        }),
    ];
    for (index, edit) in edits {
        let mut bad = funcs.clone();
        bad[index] = with_code(&funcs[index], rewrite(&funcs[index].code, edit));
        assert!(matches!(code_error(load_with(&m, &bad)), VerifyErrorKind::TableType { .. }), "function {index}");
    }
}

/// Operands that name module entities the module does not have are refused at load, not found at run time.
#[test]
fn module_indices_out_of_range_are_refused() {
    let (_, m) = module(r#"(module (global $g (mut i32) (i32.const 0)) (func (global.set $g (i32.const 1))))"#);
    let funcs = code_of(&m);
    let mut bad = funcs.clone();
    let code = rewrite(&funcs[0].code, |instr| match instr {
        Instr::GlobalSet(set) => Instr::GlobalSet(op::GlobalSet { global: 9, ..set }),
        other => other,
    });
    bad[0] = with_code(&funcs[0], code);
    assert!(matches!(code_error(load_with(&m, &bad)), VerifyErrorKind::ModuleIndex { index: 9, .. }));
}

/// The translator's own image of the app runs beside the victim and reaches only its own function.
#[test]
fn a_translated_image_runs_beside_other_apps() {
    let (engine, m) = module(TABLE_USER);
    let loaded = load_with(&m, &code_of(&m)).expect("loads");
    let mut store = Store::new(&engine, ());
    let victim = Module::new(&engine, &wat::parse_str(VICTIM).expect("valid")).expect("valid");
    let victim = Linker::new(&engine).instantiate(&mut store, &victim).expect("victim instantiates");
    let app = Linker::new(&engine).instantiate(&mut store, &loaded).expect("app instantiates");
    let returned = app.get_func(&store, "returned").expect("export").call_to_vec(&mut store, &[]).expect("runs");
    let Val::FuncRef(Some(f)) = returned[0] else { panic!("a function reference: {returned:?}") };
    assert_eq!(f.call_to_vec(&mut store, &[]).expect("runs"), vec![Val::I32(1)]);
    let secret = victim.get_typed_func::<(), i32>(&store, "use_secret").expect("export");
    assert_eq!(secret.call(&mut store, ()).expect("runs"), 1234);
}

/// `info` with other global initialisers.
fn with_global_inits(info: &ModuleInfo, global_inits: Vec<ConstExpr>) -> ModuleInfo {
    ModuleInfo {
        name: info.name.clone(),
        func_names: info.func_names.clone(),
        types: info.types.clone(),
        imports: info.imports.clone(),
        funcs: info.funcs.clone(),
        num_imported_funcs: info.num_imported_funcs,
        tables: info.tables.clone(),
        table_inits: info.table_inits.clone(),
        num_imported_tables: info.num_imported_tables,
        memories: info.memories.clone(),
        num_imported_memories: info.num_imported_memories,
        globals: info.globals.clone(),
        global_inits,
        num_imported_globals: info.num_imported_globals,
        exports: info.exports.clone(),
        start: info.start,
        elements: info.elements.clone(),
        datas: info.datas.clone(),
        bodies: info.bodies.clone(),
        code_section: info.code_section.clone(),
        bytes: info.bytes.clone(),
        precompiled: None,
    }
}

/// A reference global must start out as a reference: an integer constant would be a forged one.
#[test]
fn constant_expressions_are_typed() {
    let (_, m) = module(
        r#"(module
             (type $t (func))
             (table 1 funcref)
             (global $f (mut funcref) (ref.null func))
             (global $n i64 (i64.const 5))
             (func (export "call") (table.set (i32.const 0) (global.get $f))
               (call_indirect (type $t) (i32.const 0))))"#,
    );
    let funcs = code_of(&m);
    let info = m.info();
    let forged = [
        vec![ConstExpr { ops: vec![ConstOp::I64(1)] }, info.global_inits[1].clone()],
        vec![ConstExpr { ops: vec![ConstOp::RefFunc(7)] }, info.global_inits[1].clone()],
        vec![ConstExpr { ops: vec![ConstOp::GlobalGet(1)] }, info.global_inits[1].clone()],
        vec![info.global_inits[0].clone(), ConstExpr { ops: vec![ConstOp::I64(1), ConstOp::I32Add] }],
    ];
    for inits in forged {
        let bytes = image::write(&with_global_inits(info, inits.clone()), false, &funcs).expect("writes");
        assert!(matches!(image::load(image::leak_aligned(&bytes)), Err(ImageError::Inconsistent(_))), "{inits:?}");
    }
    let bytes = image::write(&with_global_inits(info, info.global_inits.clone()), false, &funcs).expect("writes");
    image::load(image::leak_aligned(&bytes)).expect("the module's own initialisers load");
}

/// An image marked as metering fuel must not loop without consuming it: under a fuel limit a loop whose
/// header charges nothing would spin forever (on a device: the firmware never gets control back).
#[test]
fn loops_in_metered_images_consume_fuel() {
    let (_, m) = module(
        r#"(module (func (export "spin") (param i32)
             (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))"#,
    );
    let options = TranslateOptions { fuel: true, profile: false };
    let funcs: Vec<CompiledFunc> = vec![translate(m.info(), 0, &options).expect("translates")];
    let load = |funcs: &[CompiledFunc]| {
        let bytes = image::write(m.info(), true, funcs).expect("writes");
        image::load(image::leak_aligned(&bytes))
    };
    let loaded = load(&funcs).expect("the translator's metered code loads");
    let engine = Engine::interpreter(Config::new().consume_fuel(true));
    let mut store = Store::new(&engine, ());
    store.set_fuel(1000).expect("fuel on");
    let instance = Linker::new(&engine).instantiate(&mut store, &loaded).expect("instantiates");
    let spin = instance.get_typed_func::<i32, ()>(&store, "spin").expect("export");
    match spin.call(&mut store, -1) {
        Err(ember::Error::Trap(trap)) => assert_eq!(trap.code(), ember::TrapCode::OutOfFuel),
        other => panic!("expected to run out of fuel: {other:?}"),
    }
    // The same code with every charge set to 0: the loop header charges nothing.
    let free = rewrite(&funcs[0].code, |instr| match instr {
        Instr::ConsumeFuel(_) => Instr::ConsumeFuel(op::ConsumeFuel { amount: 0 }),
        other => other,
    });
    let unmetered = [with_code(&funcs[0], free)];
    assert_eq!(code_error(load(&unmetered)), VerifyErrorKind::UnmeteredLoop);
}

/// `Copy2` writes two slots: the reference flow follows both. Its second copy, rewritten to move an integer
/// where the translator moved a reference, must not pass as a reference.
#[test]
fn both_copies_of_a_copy2_carry_what_they_move() {
    let (_, m) = module(
        r#"(module
             (table $tab 1 funcref)
             (func $own)
             (elem declare func $own)
             (func (export "f") (param i32 funcref) (local i32 funcref)
               (local.set 2 (local.get 0))
               (local.set 3 (local.get 1))
               (table.set $tab (local.get 2) (local.get 3))))"#,
    );
    let funcs = code_of(&m);
    assert!(matches!(Instr::decode(&funcs[1].code, 0), Some(Instr::Copy2(_))), "the two local.sets are one Copy2");
    load_with(&m, &funcs).expect("the translator's code loads");
    let mut forged = funcs.clone();
    let code = rewrite(&funcs[1].code, |instr| match instr {
        Instr::Copy2(c) => Instr::Copy2(op::Copy2 { src2: c.src, ..c }),
        other => other,
    });
    forged[1] = with_code(&funcs[1], code);
    assert!(matches!(code_error(load_with(&m, &forged)), VerifyErrorKind::UnprovenReference { .. }));
}
