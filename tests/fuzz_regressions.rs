//! Every module the fuzzers found a bug with, minimised, with the behaviour Ember must show.
//!
//! Each `fuzz/regressions/*.wast` script holds a module and assertions on it (`assert_return`, `assert_trap`,
//! `assert_exhaustion`, `assert_invalid`, `assert_malformed`, `invoke`), and runs under three configurations:
//! lazy translation, eager translation, and fuel metering; with the `tier-up` feature also under the native
//! tier alone (`jit`) and interpreter-then-JIT with synchronous tier-up at threshold 1 (`auto`). See docs/fuzzing.md for how findings become scripts.

use std::path::{Path, PathBuf};

use ember::{Config, Engine, Error, Instance, Linker, Module, Store, Val};
use wast::core::{WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastRet};

fn scripts() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wast"))
        .collect();
    scripts.sort();
    scripts
}

fn engines() -> Vec<(&'static str, Engine)> {
    let mut eager = Config::new();
    eager.eager_translation(true);
    let mut fuel = Config::new();
    fuel.consume_fuel(true);
    #[allow(unused_mut)]
    let mut engines = vec![
        ("lazy", Engine::interpreter(&Config::new())),
        ("eager", Engine::interpreter(&eager)),
        ("fuel", Engine::interpreter(&fuel)),
    ];
    #[cfg(feature = "tier-up")]
    {
        let mut auto = Config::new();
        auto.tier_up_threshold(Some(1));
        auto.synchronous_tier_up(true);
        engines.push(("jit", Engine::with_tier(&Config::new(), ember::Tier::Jit)));
        engines.push(("auto", Engine::with_tier(&auto, ember::Tier::Auto)));
    }
    engines
}

#[test]
fn fuzz_regressions() {
    let mut failures = Vec::new();
    let mut checks = 0;
    for path in scripts() {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for (config, engine) in engines() {
            match run(&engine, &text) {
                Ok(n) => checks += n,
                Err(e) => failures.push(format!("{} ({config}): {e}", path.display())),
            }
        }
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
    assert!(checks > 0, "no regression checks ran");
}

/// Runs one script; returns the number of directives checked or the first failure (with its line).
fn run(engine: &Engine, text: &str) -> Result<usize, String> {
    let buffer = ParseBuffer::new(text).map_err(|e| e.to_string())?;
    let script = parser::parse::<Wast<'_>>(&buffer).map_err(|e| e.to_string())?;
    let mut store = Store::new(engine, ());
    if engine.config().get_consume_fuel() {
        store.set_fuel(u64::MAX).map_err(|e| e.to_string())?;
    }
    let mut instance: Option<Instance> = None;
    let mut checks = 0;
    for directive in script.directives {
        let line = directive.span().linecol_in(text).0 + 1;
        let at = |e: String| format!("line {line}: {e}");
        match directive {
            WastDirective::Module(mut module) => {
                let module = compile(engine, &mut module).map_err(|e| at(format!("module: {e}")))?;
                instance = Some(Linker::new(engine).instantiate(&mut store, &module).map_err(|e| at(e.to_string()))?);
            }
            WastDirective::AssertInvalid { mut module, .. } | WastDirective::AssertMalformed { mut module, .. } => {
                if compile(engine, &mut module).is_ok() {
                    return Err(at("the module loaded but must be rejected".into()));
                }
            }
            WastDirective::Invoke(invoke) => {
                invoke_export(&mut store, instance, WastExecute::Invoke(invoke)).map_err(|e| at(e.to_string()))?;
            }
            WastDirective::AssertReturn { exec, results, .. } => {
                let got = invoke_export(&mut store, instance, exec).map_err(|e| at(e.to_string()))?;
                let ok = got.len() == results.len() && got.iter().zip(&results).all(|(v, r)| ret_matches(r, v));
                if !ok {
                    return Err(at(format!("expected {results:?}, got {got:?}")));
                }
            }
            WastDirective::AssertTrap { exec, message, .. } => {
                expect_trap(invoke_export(&mut store, instance, exec), message).map_err(at)?;
            }
            WastDirective::AssertExhaustion { call, message, .. } => {
                let outcome = invoke_export(&mut store, instance, WastExecute::Invoke(call));
                expect_trap(outcome, message).map_err(at)?;
            }
            other => return Err(at(format!("directive {other:?} is not supported here"))),
        }
        checks += 1;
    }
    Ok(checks)
}

fn expect_trap(outcome: Result<Vec<Val>, Error>, expected: &str) -> Result<(), String> {
    match &outcome {
        Err(Error::Trap(trap))
            if trap.code().message().starts_with(expected) || expected.starts_with(trap.code().message()) =>
        {
            Ok(())
        }
        _ => Err(format!("expected trap `{expected}`, got {outcome:?}")),
    }
}

fn compile(engine: &Engine, module: &mut QuoteWat<'_>) -> Result<Module, String> {
    let bytes = module.encode().map_err(|e| e.to_string())?;
    Module::new(engine, &bytes).map_err(|e| e.to_string())
}

/// Runs an `invoke`, or instantiates a module (`assert_trap (module ...)`: a trap in its segments or start).
fn invoke_export(store: &mut Store<()>, instance: Option<Instance>, exec: WastExecute<'_>) -> Result<Vec<Val>, Error> {
    let invoke = match exec {
        WastExecute::Invoke(invoke) => invoke,
        WastExecute::Wat(wast::Wat::Module(mut module)) => {
            let bytes = module.encode().map_err(|e| Error::Usage(e.to_string()))?;
            let module = Module::new(store.engine(), &bytes)?;
            Linker::new(store.engine()).instantiate(&mut *store, &module)?;
            return Ok(Vec::new());
        }
        _ => return Err(Error::Usage("only `invoke` and modules are supported".into())),
    };
    let instance = instance.ok_or_else(|| Error::Usage("no module instantiated".into()))?;
    let func = instance
        .get_func(&*store, invoke.name)
        .ok_or_else(|| Error::Usage(format!("no exported function {:?}", invoke.name)))?;
    let args = invoke.args.iter().map(arg_val).collect::<Result<Vec<_>, _>>()?;
    func.call_to_vec(store, &args)
}

fn arg_val(arg: &WastArg<'_>) -> Result<Val, Error> {
    Ok(match arg {
        WastArg::Core(WastArgCore::I32(v)) => Val::I32(*v),
        WastArg::Core(WastArgCore::I64(v)) => Val::I64(*v),
        WastArg::Core(WastArgCore::F32(v)) => Val::F32(v.bits),
        WastArg::Core(WastArgCore::F64(v)) => Val::F64(v.bits),
        other => return Err(Error::Usage(format!("unsupported argument {other:?}"))),
    })
}

/// Exact comparison for numbers (NaNs as `nan:canonical` or `nan:arithmetic`), null-ness for references.
fn ret_matches(expected: &WastRet<'_>, val: &Val) -> bool {
    use wast::core::NanPattern::{ArithmeticNan, CanonicalNan, Value};
    let WastRet::Core(expected) = expected else { return false };
    match (expected, val) {
        (WastRetCore::I32(e), Val::I32(v)) => e == v,
        (WastRetCore::I64(e), Val::I64(v)) => e == v,
        (WastRetCore::F32(Value(e)), Val::F32(v)) => e.bits == *v,
        (WastRetCore::F32(CanonicalNan), Val::F32(v)) => v & 0x7fff_ffff == 0x7fc0_0000,
        (WastRetCore::F32(ArithmeticNan), Val::F32(v)) => v & 0x7fc0_0000 == 0x7fc0_0000,
        (WastRetCore::F64(Value(e)), Val::F64(v)) => e.bits == *v,
        (WastRetCore::F64(CanonicalNan), Val::F64(v)) => v & (u64::MAX >> 1) == 0x7ff8_0000_0000_0000,
        (WastRetCore::F64(ArithmeticNan), Val::F64(v)) => v & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        (WastRetCore::RefNull(_), Val::FuncRef(f)) => f.is_none(),
        (WastRetCore::RefNull(_), Val::ExternRef(e)) => e.is_none(),
        (WastRetCore::RefFunc(_), Val::FuncRef(f)) => f.is_some(),
        _ => false,
    }
}
