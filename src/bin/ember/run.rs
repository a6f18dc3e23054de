//! `ember run`: instantiate a module and call its entry point or an export.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use ember::{Config, Engine, Linker, Module, StoreLimits};
use ember_wasi::WasiCtx;

use crate::options::{parse_count, parse_memory_size, string_value};
use crate::tier::TierOptions;
use ember::text::parse_val;

use crate::values::format_val;
use crate::wasi::{imports_wasi, WasiOptions};
use crate::{ember_failure, out, Failure};

pub(crate) fn help() -> String {
    HELP.replace("{TIER}", &crate::tier::help())
}

const HELP: &str = "\
ember run: instantiate a module and call `_start`, or the export named by --invoke

Usage: ember run [OPTIONS] FILE [WASI OPTIONS] [--] [ARGS...]

FILE is a wasm binary, WebAssembly text, or a precompiled image from `ember compile`.

Options come before FILE; the WASI options may also follow it, up to `--`. Everything else after FILE is an
argument of the WASI program, or of the function called by --invoke.

Options:
  --invoke NAME          call the exported function NAME with ARGS and print its results, one per line
                         (i32/i64: decimal or 0x hex; f32/f64: decimal, inf, -inf, nan, nan:0xPAYLOAD;
                         v128: one 128-bit integer, decimal or 0x hex, lane 0 in the low bits (printed as
                         0x and 32 hex digits); funcref/externref: null, or a number for an externref)
  --fuel N               meter execution: trap with `all fuel consumed` after N units (one per instruction)
  --max-memory SIZE      most memory the program may take: its linear memories, tables and instance
                         state together (so a memory stays a little short of SIZE); SIZE is a number of
                         64 KiB pages, or a size such as 64MiB, 512KiB, 1GiB, 100000B
  --max-stack N          deepest nesting of wasm calls before `call stack exhausted`
  --eager                translate every function at instantiation instead of on first call
{TIER}  -h, --help             show this help

WASI options (for modules importing `wasi_snapshot_preview1`; nothing is granted unless named here):
  --dir HOST[::GUEST]    grant the host directory HOST, seen by the program as GUEST (default: HOST as
                         written); nothing outside it is reachable, through `..`, absolute paths or symlinks
  --dir-ro HOST[::GUEST] the same, read-only: creating, writing, renaming or removing fails with EROFS
  --env NAME=VALUE       set an environment variable of the program (`--env NAME`: the host's value)
  --inherit-env          give the program all of Ember's environment variables
Stdin, stdout and stderr are the program's. Its exit status (`proc_exit`) is Ember's.

Without --invoke, the module's `_start` export is called if it has one; otherwise instantiating it (which
runs its start function) is all that happens.

Exit status: 0 success, 1 error (an internal error of Ember too), 2 usage error, 134 trap; a WASI program's
own status when it exits.
";

/// Options of `ember run`.
#[derive(Default)]
pub(crate) struct RunOptions {
    invoke: Option<String>,
    fuel: Option<u64>,
    max_memory_bytes: Option<u64>,
    max_stack: Option<usize>,
    eager: bool,
    wasi: WasiOptions,
    tier: TierOptions,
}

pub(crate) fn run(args: Vec<OsString>) -> Result<(), Failure> {
    use lexopt::prelude::*;

    let mut parser = lexopt::Parser::from_args(args);
    let mut options = RunOptions::default();
    let mut file = None;
    while let Some(arg) = parser.next()? {
        match arg {
            Long("invoke") => options.invoke = Some(string_value(parser.value()?, "--invoke")?),
            Long("fuel") => options.fuel = Some(parse_count(&parser.value()?, "--fuel")?),
            Long("max-memory") => options.max_memory_bytes = Some(parse_memory_size(&parser.value()?)?),
            Long("max-stack") => {
                let n = parse_count(&parser.value()?, "--max-stack")?;
                let n = usize::try_from(n).map_err(|_| Failure::Usage("--max-stack: too large".into()))?;
                options.max_stack = Some(n);
            }
            Long("eager") => options.eager = true,
            Long(name) if matches!(name, "dir" | "dir-ro" | "env" | "inherit-env") => {
                let name = name.to_string();
                options.wasi.option(&name, || Ok(parser.value()?))?;
            }
            Long("tier") => options.tier.set_tier(parser.value()?)?,
            Long("tier-up-threshold") => options.tier.set_threshold(&parser.value()?)?,
            Long("stats") => options.tier.set_stats(),
            Short('h') | Long("help") => {
                out(&help());
                return Ok(());
            }
            Value(path) => {
                file = Some(PathBuf::from(path));
                break;
            }
            other => return Err(other.unexpected().into()),
        }
    }
    let Some(file) = file else {
        return Err(Failure::Usage("`run` needs a FILE (.wasm or .wat)".into()));
    };
    let rest: Vec<OsString> = match parser.try_raw_args() {
        Some(raw) => raw.collect(),
        None => Vec::new(),
    };
    let program_args = options.wasi.after_file(rest)?;

    let mut config = Config::new();
    config.consume_fuel(options.fuel.is_some()).eager_translation(options.eager);
    let mut limits = StoreLimits::default();
    if let Some(bytes) = options.max_memory_bytes {
        // The whole store's budget, and so also the largest any one memory may grow to.
        limits.max_store_bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
        limits.max_memory_pages = bytes / ember::PAGE_SIZE as u64;
    }
    if let Some(depth) = options.max_stack {
        limits.max_call_depth = depth;
    }
    config.limits(limits);
    let engine = options.tier.engine(&mut config);
    let module = load_module(&engine, &file)?;

    let wasi = imports_wasi(&module)?;
    if options.wasi.any() && !wasi {
        return Err(Failure::Usage("--dir, --dir-ro and --env are for modules that import WASI".into()));
    }
    // A WASI program gets FILE and its arguments as argv (with --invoke, the arguments are the function's).
    let wasi_args = if options.invoke.is_none() { &program_args[..] } else { &[] };
    let ctx = options.wasi.context(file.as_os_str(), wasi_args)?;

    let mut store = ember::Store::new(&engine, ctx);
    if let Some(fuel) = options.fuel {
        store.set_fuel(fuel).map_err(ember_failure)?;
    }
    let outcome = run_instance(&mut store, &engine, &module, wasi, options.invoke, program_args);
    options.tier.report(&mut store, &module);
    outcome
}

/// Instantiates `module` (with WASI if it imports it) and calls `_start` or the function to invoke.
fn run_instance(
    store: &mut ember::Store<WasiCtx>,
    engine: &Engine,
    module: &Module,
    wasi: bool,
    invoke: Option<String>,
    program_args: Vec<OsString>,
) -> Result<(), Failure> {
    let mut linker = Linker::new(engine);
    if wasi {
        ember_wasi::add_to_linker(&mut linker, |ctx| ctx).map_err(ember_failure)?;
    }
    let instance = linker.instantiate(&mut *store, module).map_err(ember_failure)?;

    let Some(name) = invoke else {
        if !program_args.is_empty() && !wasi {
            return Err(Failure::Usage(
                "arguments after FILE are for --invoke, or for a program that imports WASI".into(),
            ));
        }
        if let Some(start) = instance.get_func(&store, "_start") {
            let ty = start.ty(&store);
            if !ty.params().is_empty() || !ty.results().is_empty() {
                return Err(Failure::Error(anyhow!("`_start` has type {ty}; expected (func)")));
            }
            start.call(&mut *store, &[], &mut []).map_err(ember_failure)?;
        }
        return Ok(());
    };

    // A WASI reactor is initialised before any of its exports is called.
    if let Some(init) = instance.get_func(&store, "_initialize").filter(|_| wasi && name != "_initialize") {
        init.call(&mut *store, &[], &mut []).map_err(ember_failure)?;
    }
    let Some(func) = instance.get_func(&store, &name) else {
        let available: Vec<&str> =
            instance.exports(&store).filter(|(_, e)| matches!(e, ember::Extern::Func(_))).map(|(n, _)| n).collect();
        let hint = if available.is_empty() {
            "the module exports no functions".to_string()
        } else {
            format!("exported functions: {}", available.join(", "))
        };
        return Err(Failure::Error(anyhow!("no exported function `{name}` ({hint})")));
    };
    let ty = func.ty(&store);
    if program_args.len() != ty.params().len() {
        return Err(Failure::Usage(format!(
            "`{name}` has type {ty}: it takes {} argument(s), {} given",
            ty.params().len(),
            program_args.len()
        )));
    }
    let mut params = Vec::with_capacity(program_args.len());
    for (i, (arg, ty)) in program_args.iter().zip(ty.params()).enumerate() {
        let text = arg.to_str().ok_or_else(|| Failure::Usage(format!("argument {} is not UTF-8", i + 1)))?;
        let value = parse_val(text, *ty)
            .ok_or_else(|| Failure::Usage(format!("argument {} of `{name}`: `{text}` is not a valid {ty}", i + 1)))?;
        params.push(value);
    }
    let results = func.call_to_vec(&mut *store, &params).map_err(ember_failure)?;
    for result in &results {
        out(&format!("{}\n", format_val(result)));
    }
    Ok(())
}

/// Reads `path` (binary or text) and compiles it. Text errors name the file, line and column.
pub(crate) fn load_module(engine: &Engine, path: &Path) -> Result<Module, Failure> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    if bytes.starts_with(&ember_interp::image::MAGIC) {
        // A precompiled image: the process keeps it for its whole run, as a device keeps it in flash.
        let image = ember_interp::image::leak_aligned(&bytes);
        return ember_interp::image::load(image).map_err(|e| ember_failure(e.into()));
    }
    let binary = if bytes.starts_with(b"\0asm") {
        bytes
    } else {
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            anyhow!("`{}` is neither a wasm binary (no `\\0asm` header) nor UTF-8 WebAssembly text", path.display())
        })?;
        wat_to_binary(text).map_err(|e| {
            let (line, col) = e.span().linecol_in(text);
            anyhow!("{}:{}:{}: {}", path.display(), line + 1, col + 1, e.message())
        })?
    };
    Module::new(engine, &binary).map_err(ember_failure)
}

pub(crate) fn wat_to_binary(text: &str) -> Result<Vec<u8>, wast::Error> {
    let buffer = wast::parser::ParseBuffer::new(text)?;
    let mut wat = wast::parser::parse::<wast::Wat<'_>>(&buffer)?;
    wat.encode()
}
