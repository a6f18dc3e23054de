//! `ember validate` and `ember inspect`: check and describe a module.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::PathBuf;

use ember::{Engine, ExternIndex, ExternType, FuncType, GlobalType, MemoryType, ModuleInfo, Mutability, TableType};
use ember_interp::translate::{translate, TranslateOptions};

use crate::run::load_module;
use crate::{out, Failure};

pub(crate) const VALIDATE_HELP: &str = "\
ember validate: check that a module decodes and validates

Usage: ember validate FILE

Prints `ok`, or one line with the byte offset and the reason, and exits with 0 or 1.
";

pub(crate) const INSPECT_HELP: &str = "\
ember inspect: describe a module

Usage: ember inspect [--bytecode] FILE

Prints imports, exports (with types), memories, tables, globals, the function count, the size of the code
section, the size of Ember's register bytecode for every defined function relative to it, and how many
instructions compute on floats (integer-only device builds refuse modules with any).

Options:
  --bytecode   also print the disassembled bytecode of every defined function
";

pub(crate) fn validate(args: Vec<OsString>) -> Result<(), Failure> {
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

pub(crate) fn inspect(args: Vec<OsString>) -> Result<(), Failure> {
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

pub(crate) fn memory_type(m: &MemoryType) -> String {
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

pub(crate) fn table_type(t: &TableType) -> String {
    match t.max {
        Some(max) => format!("(table {} {max} {})", t.min, t.element),
        None => format!("(table {} {})", t.min, t.element),
    }
}

pub(crate) fn global_type(g: &GlobalType) -> String {
    match g.mutability {
        Mutability::Const => format!("(global {})", g.content),
        Mutability::Var => format!("(global (mut {}))", g.content),
    }
}

pub(crate) fn func_type(f: &FuncType) -> String {
    f.to_string()
}

pub(crate) fn extern_type(ty: &ExternType) -> String {
    match ty {
        ExternType::Func(f) => func_type(f),
        ExternType::Table(t) => table_type(t),
        ExternType::Memory(m) => memory_type(m),
        ExternType::Global(g) => global_type(g),
    }
}

/// The text of `ember inspect`.
pub(crate) fn describe(info: &ModuleInfo, bytecode: bool) -> String {
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
    let (mut float_instrs, mut float_funcs) = (0usize, 0usize);
    for index in info.num_imported_funcs..info.funcs.len() as u32 {
        let mut names = info.func_name(index).map(|n| format!(" ${n}")).unwrap_or_default();
        if let Some(n) = export_names.get(&index) {
            names.push_str(&format!(" (export {})", quoted(n)));
        }
        let ty = info.func_type(index).map(func_type).unwrap_or_default();
        match precompiled_or_translate(info, index, &options) {
            Ok(compiled) => {
                total += compiled.code_bytes();
                let floats = float_instructions(&compiled);
                float_instrs += floats;
                float_funcs += usize::from(floats > 0);
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
    match &first_failure {
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
    if first_failure.is_none() {
        let _ = match float_instrs {
            0 => writeln!(out, "float instructions: none (runs on integer-only device builds)"),
            n => writeln!(
                out,
                "float instructions: {n} in {float_funcs} functions (integer-only device builds refuse the module)"
            ),
        };
    }
    out.push_str(&listings);
    out
}

/// How many instructions of `func` compute on floats (what an integer-only build of the interpreter, without
/// its `float` feature, refuses).
fn float_instructions(func: &ember_interp::CompiledFunc) -> usize {
    let (mut pc, mut count) = (0, 0);
    while let Some((opcode, units)) = ember_interp::ops::Opcode::with_units_at(&func.code, pc) {
        count += usize::from(opcode.computes_on_floats());
        pc += units;
    }
    count
}

/// The code of function `index`: from the image for a precompiled module, else translated now.
fn precompiled_or_translate(
    info: &ModuleInfo,
    index: u32,
    options: &TranslateOptions,
) -> Result<ember_interp::CompiledFunc, ember::Error> {
    let precompiled = info.precompiled.as_ref().and_then(|p| p.downcast_ref::<ember_interp::image::Precompiled>());
    match precompiled {
        Some(p) => index
            .checked_sub(info.num_imported_funcs)
            .and_then(|i| p.funcs.get(i as usize))
            .cloned()
            .ok_or_else(|| ember::Error::Usage(format!("function {index} has no code"))),
        None => translate(info, index, options),
    }
}

pub(crate) fn quoted(names: &[&str]) -> String {
    names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(" ")
}
