//! The `ember` command-line tool: run, validate and inspect WebAssembly modules.
//!
//! Exit status: 0 on success, 1 for an error (unreadable file, invalid module, link error, resource limit),
//! 2 for a usage error, 134 when the program traps (as wasmtime does), and a program's own status when it asks
//! to exit.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, Context};
use ember::{
    Config, Engine, Error, ExternIndex, ExternType, FuncType, GlobalType, Linker, MemoryType, Module, ModuleInfo,
    Mutability, StoreLimits, TableType, Trap, Val, ValType, PAGE_SIZE,
};
use ember_interp::translate::{translate, TranslateOptions};

/// Exit status for errors that are not the program's fault or the user's: bad modules, link errors, I/O.
const EXIT_ERROR: u8 = 1;
/// Exit status for command-line mistakes.
const EXIT_USAGE: u8 = 2;
/// Exit status when the wasm program traps (128 + SIGABRT, as wasmtime reports it).
const EXIT_TRAP: u8 = 134;

const HELP: &str = "\
ember: a WebAssembly virtual machine

Usage:
  ember run [OPTIONS] FILE [ARGS...]   run a module (FILE is .wasm or .wat)
  ember [OPTIONS] FILE [ARGS...]       the same as `ember run`
  ember validate FILE                  check that a module decodes and validates
  ember inspect [--bytecode] FILE      show a module's imports, exports, sizes and bytecode
  ember help [COMMAND]                 show help
  ember --version                      show the version

Exit status: 0 success, 1 error, 2 usage error, 134 trap.
Run `ember help run` for the options of `run`.
";

const RUN_HELP: &str = "\
ember run: instantiate a module and call `_start`, or the export named by --invoke

Usage: ember run [OPTIONS] FILE [ARGS...]

Options come before FILE; everything after FILE is an argument of the called function.

Options:
  --invoke NAME          call the exported function NAME with ARGS and print its results, one per line
                         (i32/i64: decimal or 0x hex; f32/f64: decimal, inf, -inf, nan, nan:0xPAYLOAD;
                         funcref/externref: null, or a number for an externref)
  --fuel N               meter execution: trap with `all fuel consumed` after N units (one per instruction)
  --max-memory SIZE      largest size of any linear memory: a number of 64 KiB pages, or a size such as
                         64MiB, 512KiB, 1GiB, 100000B
  --max-stack N          deepest nesting of wasm calls before `call stack exhausted`
  --eager                translate every function at instantiation instead of on first call
  -h, --help             show this help

Without --invoke, the module's `_start` export is called if it has one; otherwise instantiating it (which
runs its start function) is all that happens. Modules that import WASI cannot run yet.

Exit status: 0 success, 1 error, 2 usage error, 134 trap.
";

const VALIDATE_HELP: &str = "\
ember validate: check that a module decodes and validates

Usage: ember validate FILE

Prints `ok`, or one line with the byte offset and the reason, and exits with 0 or 1.
";

const INSPECT_HELP: &str = "\
ember inspect: describe a module

Usage: ember inspect [--bytecode] FILE

Prints imports, exports (with types), memories, tables, globals, the function count, the size of the code
section, and the size of Ember's register bytecode for every defined function relative to it.

Options:
  --bytecode   also print the disassembled bytecode of every defined function
";

/// Why a command did not succeed.
enum Failure {
    /// The command line is wrong.
    Usage(String),
    /// Something failed: printed as `error: ...`.
    Error(anyhow::Error),
    /// The wasm program trapped.
    Trap(Trap),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        Failure::Error(e)
    }
}

impl From<lexopt::Error> for Failure {
    fn from(e: lexopt::Error) -> Failure {
        Failure::Usage(e.to_string())
    }
}

/// Turns an Ember error into a failure: traps keep their exit status.
fn ember_failure(e: Error) -> Failure {
    match e {
        Error::Trap(trap) => Failure::Trap(trap),
        other => Failure::Error(anyhow!(other)),
    }
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    match dispatch(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message} (see `ember --help`)");
            ExitCode::from(EXIT_USAGE)
        }
        Err(Failure::Error(e)) => {
            eprintln!("error: {}", one_line(&e));
            ExitCode::from(EXIT_ERROR)
        }
        Err(Failure::Trap(trap)) => match trap.exit_status() {
            // A program's own exit status is reported as the shell sees it: modulo 256.
            Some(status) => ExitCode::from(status as u8),
            None => {
                eprintln!("error: trap: {trap}");
                ExitCode::from(EXIT_TRAP)
            }
        },
    }
}

/// Writes to stdout. A closed pipe (`ember inspect x.wasm | head`) is not an error worth a panic: the rest
/// of the output is dropped.
fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
}

/// An error and its causes on one line: `outer: inner: innermost`.
fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for (i, cause) in e.chain().enumerate() {
        if i > 0 {
            line.push_str(": ");
        }
        let text = cause.to_string();
        line.push_str(text.lines().next().unwrap_or_default().trim_end());
    }
    line
}

fn dispatch(args: Vec<OsString>) -> Result<(), Failure> {
    let Some(first) = args.first() else {
        out(HELP);
        return Ok(());
    };
    let rest = || args[1..].to_vec();
    match first.to_str() {
        Some("run") => run(rest()),
        Some("validate") => validate(rest()),
        Some("inspect") => inspect(rest()),
        Some("help") => {
            let topic = args.get(1).and_then(|a| a.to_str());
            match topic {
                None => out(HELP),
                Some("run") => out(RUN_HELP),
                Some("validate") => out(VALIDATE_HELP),
                Some("inspect") => out(INSPECT_HELP),
                Some(other) => return Err(Failure::Usage(format!("no help for `{other}`: not a command"))),
            }
            Ok(())
        }
        Some("-h" | "--help") => {
            out(HELP);
            Ok(())
        }
        Some("-V" | "--version") => {
            out(&format!("ember {}\n", env!("CARGO_PKG_VERSION")));
            Ok(())
        }
        // Like wasmtime: `ember [OPTIONS] FILE [ARGS...]` runs the file.
        _ => run(args),
    }
}

/// Options of `ember run`.
#[derive(Default)]
struct RunOptions {
    invoke: Option<String>,
    fuel: Option<u64>,
    max_memory_pages: Option<u64>,
    max_stack: Option<usize>,
    eager: bool,
}

fn run(args: Vec<OsString>) -> Result<(), Failure> {
    use lexopt::prelude::*;

    let mut parser = lexopt::Parser::from_args(args);
    let mut options = RunOptions::default();
    let mut file = None;
    while let Some(arg) = parser.next()? {
        match arg {
            Long("invoke") => options.invoke = Some(string_value(parser.value()?, "--invoke")?),
            Long("fuel") => options.fuel = Some(parse_count(&parser.value()?, "--fuel")?),
            Long("max-memory") => options.max_memory_pages = Some(parse_memory_size(&parser.value()?)?),
            Long("max-stack") => {
                let n = parse_count(&parser.value()?, "--max-stack")?;
                let n = usize::try_from(n).map_err(|_| Failure::Usage("--max-stack: too large".into()))?;
                options.max_stack = Some(n);
            }
            Long("eager") => options.eager = true,
            Short('h') | Long("help") => {
                out(RUN_HELP);
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
    let program_args: Vec<OsString> = match parser.try_raw_args() {
        Some(raw) => raw.collect(),
        None => Vec::new(),
    };

    let mut config = Config::new();
    config.consume_fuel(options.fuel.is_some()).eager_translation(options.eager);
    let mut limits = StoreLimits::default();
    if let Some(pages) = options.max_memory_pages {
        limits.max_memory_pages = pages;
    }
    if let Some(depth) = options.max_stack {
        limits.max_call_depth = depth;
    }
    config.limits(limits);
    let engine = Engine::new(&config);
    let module = load_module(&engine, &file)?;

    // Say why a WASI program cannot run rather than listing its first unknown import.
    if let Some(import) = module.imports().find(|i| i.module.starts_with("wasi_") || i.module == "wasi") {
        return Err(Failure::Error(anyhow!(
            "link error: WASI is not available yet: the module imports `{}` `{}`",
            import.module,
            import.name
        )));
    }

    let mut store = ember::Store::new(&engine, ());
    if let Some(fuel) = options.fuel {
        store.set_fuel(fuel).map_err(ember_failure)?;
    }
    let linker = Linker::new(&engine);
    let instance = linker.instantiate(&mut store, &module).map_err(ember_failure)?;

    let Some(name) = options.invoke else {
        if !program_args.is_empty() {
            return Err(Failure::Usage(
                "arguments after FILE are for --invoke (program arguments need WASI, which is not available yet)"
                    .into(),
            ));
        }
        if let Some(start) = instance.get_func(&store, "_start") {
            let ty = start.ty(&store);
            if !ty.params().is_empty() || !ty.results().is_empty() {
                return Err(Failure::Error(anyhow!("`_start` has type {ty}; expected (func)")));
            }
            start.call(&mut store, &[], &mut []).map_err(ember_failure)?;
        }
        return Ok(());
    };

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
    let results = func.call_to_vec(&mut store, &params).map_err(ember_failure)?;
    for result in &results {
        out(&format!("{}\n", format_val(result)));
    }
    Ok(())
}

fn validate(args: Vec<OsString>) -> Result<(), Failure> {
    use lexopt::prelude::*;

    let mut parser = lexopt::Parser::from_args(args);
    let mut file = None;
    while let Some(arg) = parser.next()? {
        match arg {
            Short('h') | Long("help") => {
                out(VALIDATE_HELP);
                return Ok(());
            }
            Value(path) if file.is_none() => file = Some(PathBuf::from(path)),
            other => return Err(other.unexpected().into()),
        }
    }
    let Some(file) = file else {
        return Err(Failure::Usage("`validate` needs a FILE (.wasm or .wat)".into()));
    };
    load_module(&Engine::default(), &file)?;
    out("ok\n");
    Ok(())
}

fn inspect(args: Vec<OsString>) -> Result<(), Failure> {
    use lexopt::prelude::*;

    let mut parser = lexopt::Parser::from_args(args);
    let mut file = None;
    let mut bytecode = false;
    while let Some(arg) = parser.next()? {
        match arg {
            Long("bytecode") => bytecode = true,
            Short('h') | Long("help") => {
                out(INSPECT_HELP);
                return Ok(());
            }
            Value(path) if file.is_none() => file = Some(PathBuf::from(path)),
            other => return Err(other.unexpected().into()),
        }
    }
    let Some(file) = file else {
        return Err(Failure::Usage("`inspect` needs a FILE (.wasm or .wat)".into()));
    };
    let module = load_module(&Engine::default(), &file)?;
    out(&describe(module.info(), bytecode));
    Ok(())
}

fn string_value(value: OsString, option: &str) -> Result<String, Failure> {
    value.into_string().map_err(|_| Failure::Usage(format!("{option}: the value is not UTF-8")))
}

/// A non-negative integer option (decimal, or hex with `0x`; `_` separators allowed).
fn parse_count(value: &OsString, option: &str) -> Result<u64, Failure> {
    let text = value.to_str().unwrap_or_default().replace('_', "");
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    };
    parsed
        .ok_or_else(|| Failure::Usage(format!("{option}: `{}` is not a non-negative integer", value.to_string_lossy())))
}

/// `--max-memory`: a page count, or a byte size with a unit (rounded down to whole pages).
fn parse_memory_size(value: &OsString) -> Result<u64, Failure> {
    let bad = || {
        Failure::Usage(format!(
            "--max-memory: `{}` is neither a page count nor a size like 64MiB",
            value.to_string_lossy()
        ))
    };
    let text = value.to_str().ok_or_else(bad)?.trim().replace('_', "");
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let number: u64 = digits.parse().map_err(|_| bad())?;
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" => return Ok(number),
        "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        "t" | "tb" => 1_000_000_000_000,
        "tib" => 1 << 40,
        _ => return Err(bad()),
    };
    let bytes = number.checked_mul(multiplier).ok_or_else(bad)?;
    Ok(bytes / PAGE_SIZE as u64)
}

/// Reads `path` (binary or text) and compiles it. Text errors name the file, line and column.
fn load_module(engine: &Engine, path: &Path) -> Result<Module, Failure> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
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

fn wat_to_binary(text: &str) -> Result<Vec<u8>, wast::Error> {
    let buffer = wast::parser::ParseBuffer::new(text)?;
    let mut wat = wast::parser::parse::<wast::Wat<'_>>(&buffer)?;
    wat.encode()
}

/// Parses a command-line argument as a value of type `ty`.
fn parse_val(text: &str, ty: ValType) -> Option<Val> {
    Some(match ty {
        ValType::I32 => Val::I32(parse_int(text, i64::from(i32::MIN), i128::from(u32::MAX))? as i32),
        ValType::I64 => Val::I64(parse_int(text, i64::MIN, i128::from(u64::MAX))? as i64),
        ValType::F32 => Val::F32(match nan_bits(text, 23)? {
            Some(bits) => bits as u32,
            None => parse_float::<f32>(text)?.to_bits(),
        }),
        ValType::F64 => Val::F64(match nan_bits(text, 52)? {
            Some(bits) => bits,
            None => parse_float::<f64>(text)?.to_bits(),
        }),
        ValType::V128 => Val::V128(parse_int_u128(text)?),
        ValType::FuncRef => match text {
            "null" => Val::FuncRef(None),
            _ => return None,
        },
        ValType::ExternRef => match text {
            "null" => Val::ExternRef(None),
            _ => Val::ExternRef(Some(ember::ExternRef(parse_int(text, 0, i128::from(u32::MAX))? as u32))),
        },
    })
}

/// An integer in `min..=max` (decimal with optional sign, or `0x` hex), as its two's-complement bits.
fn parse_int(text: &str, min: i64, max: i128) -> Option<i128> {
    let text = text.replace('_', "");
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(&text)),
    };
    let magnitude = match digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        Some(hex) if !hex.is_empty() => u128::from_str_radix(hex, 16).ok()?,
        Some(_) => return None,
        None if digits.bytes().all(|b| b.is_ascii_digit()) && !digits.is_empty() => digits.parse::<u128>().ok()?,
        None => return None,
    };
    let magnitude = i128::try_from(magnitude).ok()?;
    let value = if negative { -magnitude } else { magnitude };
    (i128::from(min)..=max).contains(&value).then_some(value)
}

fn parse_int_u128(text: &str) -> Option<u128> {
    let text = text.replace('_', "");
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u128::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// `nan:0xPAYLOAD` or `-nan:0xPAYLOAD` (as `format_val` prints NaNs) as the bits of an f32 (`mantissa_bits`
/// 23) or f64 (52): `Some(None)` if `text` is not of that form, `None` if the payload is invalid.
fn nan_bits(text: &str, mantissa_bits: u32) -> Option<Option<u64>> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let Some(payload) = rest.strip_prefix("nan:0x") else { return Some(None) };
    let payload = u64::from_str_radix(&payload.replace('_', ""), 16).ok()?;
    let mantissa_mask = (1u64 << mantissa_bits) - 1;
    if payload == 0 || payload & !mantissa_mask != 0 {
        return None;
    }
    let exponent_bits = if mantissa_bits == 23 { 8 } else { 11 };
    let exponent = ((1u64 << exponent_bits) - 1) << mantissa_bits;
    let sign = u64::from(negative) << (mantissa_bits + exponent_bits);
    Some(Some(sign | exponent | payload))
}

fn parse_float<F: std::str::FromStr>(text: &str) -> Option<F> {
    let text = text.replace('_', "");
    match text.as_str() {
        "" => None,
        // Rust spells these `inf`/`NaN`; accept a leading `+` too.
        _ => text.strip_prefix('+').unwrap_or(&text).parse().ok(),
    }
}

/// Prints a value so that it parses back to the same bits (NaN payloads included).
fn format_val(val: &Val) -> String {
    match *val {
        Val::F32(bits) => {
            let x = f32::from_bits(bits);
            let payload = bits & 0x007f_ffff;
            format_float(x.is_nan(), bits >> 31 == 1, payload == 0x0040_0000, u64::from(payload), || {
                format_finite(f64::from(x), &x.to_string(), &format!("{x:e}"))
            })
        }
        Val::F64(bits) => {
            let x = f64::from_bits(bits);
            let payload = bits & 0x000f_ffff_ffff_ffff;
            format_float(x.is_nan(), bits >> 63 == 1, payload == 0x0008_0000_0000_0000, payload, || {
                format_finite(x, &x.to_string(), &format!("{x:e}"))
            })
        }
        other => other.to_string(),
    }
}

fn format_float(nan: bool, negative: bool, canonical: bool, payload: u64, finite: impl Fn() -> String) -> String {
    let sign = if negative { "-" } else { "" };
    match (nan, canonical) {
        (true, true) => format!("{sign}nan"),
        (true, false) => format!("{sign}nan:{payload:#x}"),
        (false, _) => finite(),
    }
}

/// Plain notation for ordinary magnitudes, scientific notation for very large or small ones.
fn format_finite(x: f64, plain: &str, scientific: &str) -> String {
    if x.is_infinite() {
        return if x < 0.0 { "-inf".into() } else { "inf".into() };
    }
    let magnitude = x.abs();
    if magnitude == 0.0 || (1e-5..1e16).contains(&magnitude) {
        plain.to_string()
    } else {
        scientific.to_string()
    }
}

fn memory_type(m: &MemoryType) -> String {
    let mut s = String::from("(memory");
    if m.memory64 {
        s.push_str(" i64");
    }
    let _ = write!(s, " {}", m.min);
    if let Some(max) = m.max {
        let _ = write!(s, " {max}");
    }
    if m.shared {
        s.push_str(" shared");
    }
    s.push(')');
    s
}

fn table_type(t: &TableType) -> String {
    match t.max {
        Some(max) => format!("(table {} {max} {})", t.min, t.element),
        None => format!("(table {} {})", t.min, t.element),
    }
}

fn global_type(g: &GlobalType) -> String {
    match g.mutability {
        Mutability::Const => format!("(global {})", g.content),
        Mutability::Var => format!("(global (mut {}))", g.content),
    }
}

fn func_type(f: &FuncType) -> String {
    f.to_string()
}

fn extern_type(ty: &ExternType) -> String {
    match ty {
        ExternType::Func(f) => func_type(f),
        ExternType::Table(t) => table_type(t),
        ExternType::Memory(m) => memory_type(m),
        ExternType::Global(g) => global_type(g),
    }
}

/// The text of `ember inspect`.
fn describe(info: &ModuleInfo, bytecode: bool) -> String {
    let mut out = String::new();
    if let Some(name) = &info.name {
        let _ = writeln!(out, "module ${name}");
    }

    let _ = writeln!(out, "imports: {}", info.imports.len());
    for import in &info.imports {
        let _ = writeln!(out, "  {:?} {:?} {}", import.module, import.name, extern_type(&import.ty));
    }

    let mut export_names: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
    let _ = writeln!(out, "exports: {}", info.exports.len());
    for export in &info.exports {
        let (index, ty) = match export.index {
            ExternIndex::Func(i) => {
                export_names.entry(i).or_default().push(&export.name);
                (format!("func {i}"), info.func_type(i).map(func_type))
            }
            ExternIndex::Table(i) => (format!("table {i}"), info.tables.get(i as usize).map(table_type)),
            ExternIndex::Memory(i) => (format!("memory {i}"), info.memories.get(i as usize).map(memory_type)),
            ExternIndex::Global(i) => (format!("global {i}"), info.globals.get(i as usize).map(global_type)),
        };
        let _ = writeln!(out, "  {:?} {index} {}", export.name, ty.unwrap_or_default());
    }

    let imported = |i: usize, n: u32| if i < n as usize { " (imported)" } else { "" };
    let _ = writeln!(out, "memories: {}", info.memories.len());
    for (i, m) in info.memories.iter().enumerate() {
        let _ = writeln!(out, "  {i}: {}{}", memory_type(m), imported(i, info.num_imported_memories));
    }
    let _ = writeln!(out, "tables: {}", info.tables.len());
    for (i, t) in info.tables.iter().enumerate() {
        let _ = writeln!(out, "  {i}: {}{}", table_type(t), imported(i, info.num_imported_tables));
    }
    let _ = writeln!(out, "globals: {}", info.globals.len());
    for (i, g) in info.globals.iter().enumerate() {
        let _ = writeln!(out, "  {i}: {}{}", global_type(g), imported(i, info.num_imported_globals));
    }

    let defined = info.funcs.len().saturating_sub(info.num_imported_funcs as usize);
    let _ = writeln!(out, "functions: {} ({} imported, {defined} defined)", info.funcs.len(), info.num_imported_funcs);
    if let Some(start) = info.start {
        let _ = writeln!(out, "start function: {start}");
    }
    let _ = writeln!(out, "element segments: {}", info.elements.len());
    let _ = writeln!(out, "data segments: {}", info.datas.len());
    let code_bytes = info.code_section.len();
    let _ = writeln!(out, "code section: {code_bytes} bytes");

    // Translate every defined function; report the total size, or the first failure.
    let options = TranslateOptions::default();
    let mut total = 0usize;
    let mut failures = 0usize;
    let mut first_failure = None;
    let mut listings = String::new();
    for index in info.num_imported_funcs..info.funcs.len() as u32 {
        let mut names = info.func_name(index).map(|n| format!(" ${n}")).unwrap_or_default();
        if let Some(n) = export_names.get(&index) {
            names.push_str(&format!(" (export {})", quoted(n)));
        }
        let ty = info.func_type(index).map(func_type).unwrap_or_default();
        match translate(info, index, &options) {
            Ok(compiled) => {
                total += compiled.code_bytes();
                if bytecode {
                    let _ = writeln!(listings, "\nfunc {index}{names} {ty}");
                    listings.push_str(&ember_interp::disasm::disassemble(&compiled));
                }
            }
            Err(e) => {
                failures += 1;
                if bytecode {
                    let _ = writeln!(listings, "\nfunc {index}{names} {ty}\n  translation failed: {e}");
                }
                first_failure.get_or_insert((index, e));
            }
        }
    }
    match first_failure {
        None if code_bytes == 0 => {
            let _ = writeln!(out, "bytecode: {total} bytes");
        }
        None => {
            let ratio = total as f64 / code_bytes as f64;
            let _ = writeln!(out, "bytecode: {total} bytes ({ratio:.2} x the code section)");
        }
        Some((index, e)) => {
            let _ = writeln!(
                out,
                "bytecode: translation failed for {failures} of {defined} functions (first: function {index}: {e})"
            );
        }
    }
    out.push_str(&listings);
    out
}

fn quoted(names: &[&str]) -> String {
    names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_arguments() {
        assert_eq!(parse_val("-1", ValType::I32), Some(Val::I32(-1)));
        assert_eq!(parse_val("0xffffffff", ValType::I32), Some(Val::I32(-1)));
        assert_eq!(parse_val("4294967295", ValType::I32), Some(Val::I32(-1)));
        assert_eq!(parse_val("4294967296", ValType::I32), None);
        assert_eq!(parse_val("-2147483649", ValType::I32), None);
        assert_eq!(parse_val("18446744073709551615", ValType::I64), Some(Val::I64(-1)));
        assert_eq!(parse_val("-0x10", ValType::I64), Some(Val::I64(-16)));
        assert_eq!(parse_val("", ValType::I32), None);
        assert_eq!(parse_val("0x", ValType::I32), None);
        assert_eq!(parse_val("1.5", ValType::I32), None);
    }

    #[test]
    fn float_arguments_and_results_round_trip() {
        for text in ["1.5", "-0", "inf", "-inf", "nan", "3.4028235e38", "1e-40"] {
            let v = parse_val(text, ValType::F32).expect(text);
            let back = parse_val(&format_val(&v), ValType::F32).expect(text);
            assert_eq!(v, back, "{text}");
        }
        assert_eq!(format_val(&Val::F32(0x7fc0_0000)), "nan");
        assert_eq!(format_val(&Val::F32(0xffc0_0000)), "-nan");
        assert_eq!(format_val(&Val::F32(0x7f80_0001)), "nan:0x1");
        for bits in [0x7f80_0001u32, 0xffa0_0000, 0x7fc0_0000, 0xffc0_0000] {
            assert_eq!(parse_val(&format_val(&Val::F32(bits)), ValType::F32), Some(Val::F32(bits)));
        }
        for bits in [0x7ff0_0000_0000_0001u64, 0xfff4_0000_0000_0000, 0x7ff8_0000_0000_0000] {
            assert_eq!(parse_val(&format_val(&Val::F64(bits)), ValType::F64), Some(Val::F64(bits)));
        }
        assert_eq!(parse_val("nan:0x0", ValType::F32), None);
        assert_eq!(parse_val("nan:0x800000", ValType::F32), None);
        assert_eq!(format_val(&Val::F64(f64::NEG_INFINITY.to_bits())), "-inf");
        assert_eq!(format_val(&Val::F64(1e300f64.to_bits())), "1e300");
        assert_eq!(format_val(&Val::F64(0.1f64.to_bits())), "0.1");
    }

    #[test]
    fn memory_sizes() {
        let pages = |s: &str| parse_memory_size(&OsString::from(s)).ok();
        assert_eq!(pages("16"), Some(16));
        assert_eq!(pages("64MiB"), Some(1024));
        assert_eq!(pages("64KiB"), Some(1));
        assert_eq!(pages("100000B"), Some(1));
        assert_eq!(pages("1GiB"), Some(16384));
        assert_eq!(pages("64 MiB"), Some(1024));
        assert_eq!(pages("lots"), None);
        assert_eq!(pages("99999999999999999999TiB"), None);
    }
}
