//! Images at the interpreter's level: code borrowed in place from the image runs (also under Miri, which
//! checks the in-place view of the image's bytes as code units).

use ember_core::{Config, Engine, Linker, Store, Val};
use ember_interp::image;
use ember_interp::translate::TranslateOptions;

#[test]
fn code_runs_in_place_from_the_image() {
    let wasm = wat::parse_str(
        r#"(module
             (memory 1)
             (data (i32.const 8) "\05\07")
             (func $sum (export "sum") (param i32) (result i32) (local i32)
               (block (loop
                 (br_if 1 (i32.eqz (local.get 0)))
                 (local.set 1 (i32.add (local.get 1) (local.get 0)))
                 (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                 (br 0)))
               (i32.add (local.get 1) (i32.load8_u (i32.const 9)))))"#,
    )
    .expect("valid text");
    let engine = Engine::with_executor(&Config::default(), &ember_interp::INTERPRETER);
    let module = ember_core::Module::new(&engine, &wasm).expect("valid");
    let bytes = image::compile(module.info(), &TranslateOptions::default()).expect("compiles");
    // Kept in a static, as flash is (and so that Miri sees the leaked copy as still reachable).
    static FLASH: std::sync::OnceLock<&'static [u8]> = std::sync::OnceLock::new();
    let flash = *FLASH.get_or_init(|| image::leak_aligned(&bytes));
    let loaded = image::load(flash).expect("loads");

    // The code is the image's own bytes, not a copy.
    let pre = loaded.info().precompiled.as_ref().and_then(|p| p.downcast_ref::<image::Precompiled>());
    let code = &pre.expect("precompiled code").funcs[0].code;
    assert!(flash.as_ptr_range().contains(&code.as_ptr().cast::<u8>()));

    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &loaded).expect("instantiates");
    let sum = instance.get_func(&store, "sum").expect("export");
    let mut out = [Val::I32(0)];
    sum.call(&mut store, &[Val::I32(10)], &mut out).expect("runs");
    assert_eq!(out[0], Val::I32(62));
}
