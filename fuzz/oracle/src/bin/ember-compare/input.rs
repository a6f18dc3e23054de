//! Reading an input file into what to compare: modules, each with the calls to make.

use std::path::Path;

use ember_fuzz::{exports, Call, DiffValue, ExportItem};
use wast::core::{AbstractHeapType, HeapType, WastArgCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke};

use crate::values::parse_arg;

/// One module and the calls to make on it (none: only instantiate it).
pub struct Unit {
    /// Where the module comes from, for reports: the file, or the script and line.
    pub label: String,
    /// The module in binary form.
    pub wasm: Vec<u8>,
    /// The calls, in order.
    pub calls: Vec<Call>,
}

/// Reads `path` (`.wasm`, `.wat` or `.wast`) into units. `invoke` replaces a module's calls with one call of
/// that export, its arguments parsed by the export's parameter types; scripts do not take it.
pub fn read(path: &Path, invoke: Option<&(String, Vec<String>)>) -> Result<Vec<Unit>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let label = path.display().to_string();
    if path.extension().is_some_and(|e| e == "wast") {
        if invoke.is_some() {
            return Err("--invoke needs a .wasm or .wat file: a .wast script makes its own calls".into());
        }
        let text = String::from_utf8(bytes).map_err(|_| format!("{label}: not UTF-8 text"))?;
        return script_units(&label, &text);
    }
    let wasm = wat::parse_bytes(&bytes).map_err(|e| format!("{label}: {e}"))?.into_owned();
    let calls = match invoke {
        Some((name, args)) => vec![invoke_call(&wasm, name, args)?],
        None => export_calls(&wasm),
    };
    Ok(vec![Unit { label, wasm, calls }])
}

/// How many imports a module declares (0 if it cannot be read: the engines reject it themselves).
pub fn import_count(wasm: &[u8]) -> u32 {
    let sections = wasmparser::Parser::new(0).parse_all(wasm);
    sections
        .filter_map(|payload| match payload {
            Ok(wasmparser::Payload::ImportSection(reader)) => Some(reader.into_imports().flatten().count() as u32),
            _ => None,
        })
        .sum()
}

/// One call of every exported function, with zero arguments.
fn export_calls(wasm: &[u8]) -> Vec<Call> {
    exports(wasm)
        .into_iter()
        .filter_map(|(name, item)| match item {
            ExportItem::Func { params, .. } => {
                Some(Call { name, args: params.iter().map(|t| DiffValue::zero(*t)).collect() })
            }
            _ => None,
        })
        .collect()
}

/// The call `--invoke NAME ARGS...` asks for.
fn invoke_call(wasm: &[u8], name: &str, args: &[String]) -> Result<Call, String> {
    let params = exports(wasm)
        .into_iter()
        .find_map(|(n, item)| match item {
            ExportItem::Func { params, .. } if n == name => Some(params),
            _ => None,
        })
        .ok_or_else(|| format!("no exported function {name:?} (with a signature the engines are compared on)"))?;
    if params.len() != args.len() {
        return Err(format!("{name} takes {} arguments, {} given", params.len(), args.len()));
    }
    let args = params
        .iter()
        .zip(args)
        .map(|(ty, text)| parse_arg(text, *ty).ok_or_else(|| format!("{text:?} is not a valid {ty:?} argument")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Call { name: name.to_string(), args })
}

/// A script's modules, each with the calls its `invoke`, `assert_return`, `assert_trap` and
/// `assert_exhaustion` commands make (on the latest module; module names are not followed). A module in
/// `assert_trap` is a unit of its own, only instantiated. Other commands are left out.
fn script_units(label: &str, text: &str) -> Result<Vec<Unit>, String> {
    let buffer = ParseBuffer::new(text).map_err(|e| format!("{label}: {e}"))?;
    let script = parser::parse::<Wast>(&buffer).map_err(|e| format!("{label}: {e}"))?;
    let mut units: Vec<Unit> = Vec::new();
    let line = |span: wast::token::Span| span.linecol_in(text).0 + 1;
    for directive in script.directives {
        match directive {
            WastDirective::Module(mut module) => {
                let span = match &module {
                    QuoteWat::Wat(w) => span_of(w),
                    QuoteWat::QuoteModule(span, _) | QuoteWat::QuoteComponent(span, _) => *span,
                };
                let wasm = module.encode().map_err(|e| format!("{label}: {e}"))?;
                units.push(Unit { label: format!("{label}:{}", line(span)), wasm, calls: Vec::new() });
            }
            WastDirective::AssertTrap { exec: WastExecute::Wat(mut module), span, .. } => {
                let wasm = module.encode().map_err(|e| format!("{label}: {e}"))?;
                units.push(Unit { label: format!("{label}:{}", line(span)), wasm, calls: Vec::new() });
            }
            WastDirective::Invoke(invoke)
            | WastDirective::AssertReturn { exec: WastExecute::Invoke(invoke), .. }
            | WastDirective::AssertTrap { exec: WastExecute::Invoke(invoke), .. }
            | WastDirective::AssertExhaustion { call: invoke, .. } => {
                let at = line(invoke.span);
                let call = script_call(&invoke).map_err(|e| format!("{label}:{at}: {e}"))?;
                let unit = units.last_mut().ok_or_else(|| format!("{label}:{at}: invoke before any module"))?;
                unit.calls.push(call);
            }
            _ => {}
        }
    }
    Ok(units)
}

fn span_of(wat: &wast::Wat<'_>) -> wast::token::Span {
    match wat {
        wast::Wat::Module(m) => m.span,
        wast::Wat::Component(c) => c.span,
    }
}

/// A script's `invoke` as a call; arguments other than numbers and null references are not supported.
fn script_call(invoke: &WastInvoke<'_>) -> Result<Call, String> {
    let args = invoke
        .args
        .iter()
        .map(|arg| match arg {
            WastArg::Core(WastArgCore::I32(x)) => Ok(DiffValue::I32(*x)),
            WastArg::Core(WastArgCore::I64(x)) => Ok(DiffValue::I64(*x)),
            WastArg::Core(WastArgCore::F32(x)) => Ok(DiffValue::F32(x.bits)),
            WastArg::Core(WastArgCore::F64(x)) => Ok(DiffValue::F64(x.bits)),
            WastArg::Core(WastArgCore::RefNull(HeapType::Abstract { ty: AbstractHeapType::Func, .. })) => {
                Ok(DiffValue::FuncRef { null: true })
            }
            WastArg::Core(WastArgCore::RefNull(HeapType::Abstract { ty: AbstractHeapType::Extern, .. })) => {
                Ok(DiffValue::ExternRef { null: true })
            }
            other => Err(format!("unsupported argument {other:?} of {:?}", invoke.name)),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Call { name: invoke.name.to_string(), args })
}
