//! The oracle API used as documented: wasmi is the engine under test, Ember's interpreter the reference.

use arbitrary::Unstructured;
use ember_fuzz::{
    compare_module, plan_calls, Call, DiffEngine, DiffInstance, DiffValue, EmberEngine, InstantiateError, TrapKind,
    WasmiEngine, ENGINES,
};

fn wasm(text: &str) -> Vec<u8> {
    wat::parse_str(text).expect("test modules are valid text")
}

fn call(name: &str, args: &[DiffValue]) -> Call {
    Call { name: name.into(), args: args.to_vec() }
}

const MODULE: &str = r#"
(module
  (memory (export "mem") 1 2)
  (global $g (export "g") (mut i32) (i32.const 0))
  (table 2 funcref)
  (elem (i32.const 0) $add)
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)) (global.set $g (local.get 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "nan") (param f32) (result f32) (f32.add (local.get 0) (f32.const 1)))
  (func (export "indirect") (param i32) (result i32) (call_indirect (param i32 i32) (result i32)
     (i32.const 1) (i32.const 2) (local.get 0)))
  (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func $rec (export "rec") (param i32) (result i32) (call $rec (i32.add (local.get 0) (i32.const 1)))))
"#;

/// Calls to [`MODULE`] that reach results, every kind of trap and changes of state: 13 calls, 7 of them traps
/// (the second `indirect` reaches a null entry).
fn calls_on_module() -> Vec<Call> {
    vec![
        call("add", &[DiffValue::I32(2), DiffValue::I32(3)]),
        call("store", &[DiffValue::I32(8), DiffValue::I32(77)]),
        call("store", &[DiffValue::I32(65535), DiffValue::I32(1)]),
        call("div", &[DiffValue::I32(1), DiffValue::I32(0)]),
        call("div", &[DiffValue::I32(i32::MIN), DiffValue::I32(-1)]),
        call("nan", &[DiffValue::F32(0x7fa0_0001)]),
        call("indirect", &[DiffValue::I32(0)]),
        call("indirect", &[DiffValue::I32(1)]),
        call("indirect", &[DiffValue::I32(5)]),
        call("trunc", &[DiffValue::F64(0x7ff8_0000_0000_0000)]),
        call("trunc", &[DiffValue::F64(0x4415_af1d_78b5_8c40)]),
        call("grow", &[DiffValue::I32(1)]),
        call("grow", &[DiffValue::I32(1)]),
    ]
}

#[test]
fn wasmi_agrees_with_ember_on_results_traps_and_state() {
    let calls = calls_on_module();
    let agreement =
        compare_module(&mut EmberEngine::interpreter(), &mut WasmiEngine::new(), &wasm(MODULE), &calls).unwrap();
    assert_eq!((agreement.calls, agreement.traps, agreement.stack_overflow), (13, 7, false));
}

/// wasm3 under test (with the `wasm3` feature): the same calls agree; its exported global is not read (its API
/// cannot), a recorded wasm3 bug is a divergence, and a module using a feature it lacks is a known difference.
#[cfg(feature = "wasm3")]
#[test]
fn wasm3_agrees_with_ember_on_results_traps_and_memory() {
    use ember_fuzz::Wasm3Engine;
    // All but the null entry (a recorded wasm3 bug, below), then a recursion deep enough to exhaust its stack.
    let null_entry = call("indirect", &[DiffValue::I32(1)]);
    let mut calls: Vec<Call> = calls_on_module().into_iter().filter(|c| *c != null_entry).collect();
    calls.push(call("rec", &[DiffValue::I32(0)]));
    let agreement =
        compare_module(&mut EmberEngine::interpreter(), &mut Wasm3Engine::new(), &wasm(MODULE), &calls).unwrap();
    assert_eq!((agreement.calls, agreement.traps, agreement.stack_overflow), (12, 6, true));

    // wasm3 0.4.7 sizes the table by its element segments (fuzz/regressions/wasm3-table-size-ignored.wast):
    // entry 1 is null in a table of 2, wasm3 finds no entry 1 at all.
    let divergence =
        compare_module(&mut EmberEngine::interpreter(), &mut Wasm3Engine::new(), &wasm(MODULE), &[null_entry])
            .unwrap_err();
    assert_eq!(
        (divergence.reference.as_str(), divergence.other.as_str()),
        ("Err(IndirectCallToNull)", "Err(TableOutOfBounds)")
    );

    let wrong = [call("add", &[DiffValue::I32(2), DiffValue::I32(3)])];
    let other =
        wasm(r#"(module (func (export "add") (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1))))"#);
    let mut engine = Wasm3Engine::new();
    let ember = EmberEngine::interpreter().instantiate(&wasm(MODULE)).ok().unwrap().call("add", &wrong[0].args);
    let wasm3 = engine.instantiate(&other).ok().unwrap().call("add", &wrong[0].args);
    assert_ne!(ember, wasm3, "a different module gives a different answer: the adapter reads real results");

    let multi_value = wasm(r#"(module (func (export "two") (result i32 i32) (i32.const 1) (i32.const 2)))"#);
    let two = [call("two", &[])];
    let agreement = compare_module(&mut EmberEngine::interpreter(), &mut engine, &multi_value, &two).unwrap();
    assert!(agreement.unsupported);
}

#[test]
fn stack_exhaustion_is_allowed_and_reported() {
    let calls = [call("add", &[DiffValue::I32(1), DiffValue::I32(1)]), call("rec", &[DiffValue::I32(0)])];
    let agreement =
        compare_module(&mut EmberEngine::interpreter(), &mut WasmiEngine::new(), &wasm(MODULE), &calls).unwrap();
    assert!(agreement.stack_overflow);
    assert_eq!(agreement.calls, 1);
}

#[test]
fn modules_the_reference_rejects_are_not_compared() {
    let agreement = compare_module(&mut EmberEngine::interpreter(), &mut WasmiEngine::new(), b"\0asm", &[]).unwrap();
    assert!(agreement.rejected);
}

#[test]
fn instantiation_traps_are_compared() {
    let module = wasm(r#"(module (memory 1) (data (i32.const 65535) "ab"))"#);
    let agreement = compare_module(&mut EmberEngine::interpreter(), &mut WasmiEngine::new(), &module, &[]).unwrap();
    assert_eq!(agreement.calls, 0);
}

/// An engine under test with a bug: `i32` results are off by one.
struct OffByOne(WasmiEngine);

struct OffByOneInstance(Box<dyn DiffInstance>);

impl DiffEngine for OffByOne {
    fn name(&self) -> &str {
        "off-by-one"
    }
    fn instantiate(&mut self, wasm: &[u8]) -> Result<Box<dyn DiffInstance>, InstantiateError> {
        Ok(Box::new(OffByOneInstance(self.0.instantiate(wasm)?)))
    }
}

impl DiffInstance for OffByOneInstance {
    fn call(&mut self, name: &str, args: &[DiffValue]) -> Result<Vec<DiffValue>, TrapKind> {
        let results = self.0.call(name, args)?;
        Ok(results.into_iter().map(|v| if let DiffValue::I32(x) = v { DiffValue::I32(x + 1) } else { v }).collect())
    }
    fn global(&mut self, name: &str) -> Option<DiffValue> {
        self.0.global(name)
    }
    fn memory(&mut self, name: &str) -> Option<Vec<u8>> {
        self.0.memory(name)
    }
}

#[test]
fn a_buggy_engine_is_caught() {
    let calls = [call("add", &[DiffValue::I32(2), DiffValue::I32(3)])];
    let divergence =
        compare_module(&mut EmberEngine::interpreter(), &mut OffByOne(WasmiEngine::new()), &wasm(MODULE), &calls)
            .unwrap_err();
    assert!(divergence.to_string().contains("Ok([I32(5)])"), "{divergence}");
}

/// Deterministic pseudo-random bytes (xorshift), so the test explores the same modules every run.
fn bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[test]
fn generated_modules_agree_on_every_engine() {
    let mut compared = 0;
    for seed in 0..150 {
        let data = bytes(seed, 4096);
        let mut u = Unstructured::new(&data);
        for kind in ENGINES {
            let Ok(module) = kind.module(&mut u) else { continue };
            let Ok(calls) = plan_calls(&mut u, &module, 3) else { continue };
            let outcome = compare_module(&mut EmberEngine::interpreter(), kind.build().as_mut(), &module, &calls);
            if let Err(d) = outcome {
                let path = std::env::temp_dir().join(format!("ember-fuzz-seed{seed}.wasm"));
                std::fs::write(&path, &module).ok();
                panic!("seed {seed}, {kind:?}: {d} (module written to {})", path.display());
            }
        }
        compared += 1;
    }
    assert!(compared > 100, "only {compared} modules generated");
}

/// Ember's native tiers (the JIT alone, interpreter-then-JIT at thresholds 0 to 3) agree with its interpreter
/// on the fixed-seed modules.
#[cfg(feature = "tier-up")]
#[test]
fn generated_modules_agree_on_the_native_tiers() {
    let tiers = [
        ember_fuzz::EngineKind::EmberJit,
        ember_fuzz::EngineKind::EmberAuto(0),
        ember_fuzz::EngineKind::EmberAuto(1),
        ember_fuzz::EngineKind::EmberAuto(2),
        ember_fuzz::EngineKind::EmberAuto(3),
    ];
    let mut calls_agreed = 0;
    for seed in 1000..1100 {
        let data = bytes(seed, 4096);
        let mut u = Unstructured::new(&data);
        let Ok(module) = ember_fuzz::EngineKind::EmberJit.module(&mut u) else { continue };
        let Ok(calls) = plan_calls(&mut u, &module, 3) else { continue };
        for kind in tiers {
            match compare_module(&mut EmberEngine::interpreter(), kind.build().as_mut(), &module, &calls) {
                Ok(agreement) => calls_agreed += agreement.calls,
                Err(d) => {
                    let path = std::env::temp_dir().join(format!("ember-fuzz-tier-seed{seed}.wasm"));
                    std::fs::write(&path, &module).ok();
                    panic!("seed {seed}, {kind:?}: {d} (module written to {})", path.display());
                }
            }
        }
    }
    assert!(calls_agreed > 100, "only {calls_agreed} calls compared");
}
