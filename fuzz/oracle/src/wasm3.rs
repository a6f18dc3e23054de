//! The wasm3 adapter: wasm3 (the C interpreter, version 0.4.7 as the `wasm3-sys` crate ships it) as a
//! [`DiffEngine`], through its C API.
//!
//! wasm3 0.4.7 runs the MVP plus sign extension and non-trapping float-to-int conversions, one result per
//! function; [`Wasm3Engine::config`] keeps generated modules within that. What its API cannot show, and what it
//! does not support, is a known difference rather than a divergence:
//! - exported globals cannot be read (it keeps no global export names): [`DiffInstance::reads_globals`] is
//!   false, so only calls and memories are compared;
//! - `m3_CallWithArgs` calls a function exported as `_start` without arguments, so a module exporting a
//!   `_start` with parameters is [`InstantiateError::Unsupported`];
//! - a function exported under several names is found under its first name only, and a module wasm3 refuses
//!   to load or compile (a feature it lacks, a function over its compiler's stack-height limit), or one with a
//!   multi-value function type (wasm3 0.4.7 loads those, then keeps only the last result), is
//!   [`InstantiateError::Unsupported`]: not compared, counted.
//!
//! wasm3 0.4.7's own bugs found by the campaigns are recorded in `fuzz/regressions/wasm3-*.wast`;
//! [`avoids_known_bugs`] keeps the modules generated for it clear of those it can recognise.
//!
//! Calls go through `m3_CallWithArgs`, which takes each argument's bits as decimal text (the form wasm3's spec
//! test driver uses) and leaves the result in the first slot of the runtime's value stack.

use std::ffi::{CStr, CString};
use std::ptr;
use std::rc::Rc;

use wasm3::wasm3_sys as ffi;

use crate::engine::{DiffEngine, DiffInstance, InstantiateError};
use crate::exports::{exports, ExportItem};
use crate::trap::TrapKind;
use crate::value::{DiffValue, DiffValueType};

/// Bytes of value stack per instance. wasm3 also recurses on the host stack once per wasm call (a few hundred
/// bytes each), so this bound keeps deep recursion a wasm3 stack-overflow trap well before the host thread's
/// stack runs out, on a 2 MiB test thread too (a recursion to this depth runs in the oracle's tests).
const STACK_BYTES: u32 = 64 * 1024;

/// wasm3 0.4.7; every instance gets a runtime of its own in one shared environment.
pub struct Wasm3Engine {
    env: Rc<Environment>,
}

/// A wasm3 environment (its function-type table and pool of code pages), freed when the engine and every
/// instance made in it are gone: freeing a runtime hands its code pages back to the environment.
struct Environment(ffi::IM3Environment);

impl Drop for Environment {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: made by m3_NewEnvironment, freed once, after every runtime that uses it (they hold the Rc).
            unsafe { ffi::m3_FreeEnvironment(self.0) }
        }
    }
}

impl Wasm3Engine {
    /// A wasm3 environment.
    pub fn new() -> Wasm3Engine {
        // SAFETY: m3_NewEnvironment has no preconditions; a null result (allocation failure) is handled by
        // `instantiate` refusing to run.
        Wasm3Engine { env: Rc::new(Environment(unsafe { ffi::m3_NewEnvironment() })) }
    }

    /// Restricts a wasm-smith configuration to what wasm3 0.4.7 runs: the MVP, sign extension and non-trapping
    /// float-to-int conversions, one table, single results.
    pub fn config(config: &mut wasm_smith::Config) {
        config.multi_value_enabled = false;
        config.bulk_memory_enabled = false;
        config.reference_types_enabled = false;
        config.saturating_float_to_int_enabled = true;
        config.sign_extension_ops_enabled = true;
        config.max_tables = config.max_tables.min(1);
    }
}

impl Default for Wasm3Engine {
    fn default() -> Self {
        Wasm3Engine::new()
    }
}

impl DiffEngine for Wasm3Engine {
    fn name(&self) -> &str {
        "wasm3"
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<Box<dyn DiffInstance>, InstantiateError> {
        let env = self.env.0;
        if env.is_null() {
            return Err(InstantiateError::Unsupported("wasm3: no environment".into()));
        }
        if has_multi_value_types(wasm) {
            // wasm3 0.4.7 loads them, then keeps one result (the last) where the spec gives several.
            return Err(InstantiateError::Unsupported("wasm3 0.4.7 has one result per function".into()));
        }
        let functions = exported_functions(wasm);
        if let Some((name, _)) = functions.iter().find(|(name, ty)| name == "_start" && ty.0 > 0) {
            // m3_CallWithArgs calls a function exported as `_start` (WASI's entry point) with no arguments.
            return Err(InstantiateError::Unsupported(format!("wasm3 calls {name:?} without its parameters")));
        }
        let bytes: Box<[u8]> = wasm.into();
        let len = u32::try_from(bytes.len()).map_err(|_| InstantiateError::Unsupported("module too large".into()))?;
        // SAFETY: the environment is live; a null runtime is handled.
        let runtime = unsafe { ffi::m3_NewRuntime(env, STACK_BYTES, ptr::null_mut()) };
        if runtime.is_null() {
            return Err(InstantiateError::Unsupported("wasm3: runtime allocation failed".into()));
        }
        // From here on `instance` owns the runtime and the bytes: dropping it frees them in the right order.
        let mut instance = Wasm3Instance { runtime, bytes, _env: Rc::clone(&self.env), functions: Vec::new() };
        let mut module: ffi::IM3Module = ptr::null_mut();
        // SAFETY: the bytes live in `instance` (on the heap, never moved) as long as the runtime that will own
        // the module, which wasm3 requires.
        let parsed = unsafe { ffi::m3_ParseModule(env, &mut module, instance.bytes.as_ptr(), len) };
        if let Some(message) = error_message(parsed) {
            // A failed parse has freed the module itself.
            return Err(InstantiateError::Unsupported(format!("wasm3 parse: {message}")));
        }
        // SAFETY: runtime and module are live; on success the runtime owns the module.
        let loaded = unsafe { ffi::m3_LoadModule(runtime, module) };
        if let Some(message) = error_message(loaded) {
            // A load that failed before the module joined the runtime's list (segments, elements) leaves it
            // with the caller; one that failed in the start function leaves it in the list, freed with the
            // runtime.
            // SAFETY: the runtime is live; its module list is a null-terminated list of live modules.
            unsafe {
                if !runtime_owns(runtime, module) {
                    ffi::m3_FreeModule(module);
                }
            }
            return Err(match trap_kind(&message) {
                Some(kind) => InstantiateError::Trap(kind),
                None => InstantiateError::Unsupported(format!("wasm3 load: {message}")),
            });
        }
        for (name, (_, result)) in functions {
            let c_name = CString::new(name.clone()).map_err(|_| InstantiateError::Unsupported("name".into()))?;
            let mut function: ffi::IM3Function = ptr::null_mut();
            // SAFETY: the runtime is live and the name is a C string.
            let found = unsafe { ffi::m3_FindFunction(&mut function, runtime, c_name.as_ptr()) };
            if let Some(message) = error_message(found) {
                return Err(InstantiateError::Unsupported(format!("wasm3 cannot call export {name:?}: {message}")));
            }
            instance.functions.push((name, function, result));
        }
        Ok(Box::new(instance))
    }
}

/// A wasm3 runtime with one module loaded, and the module's bytes (which wasm3 reads until it is freed).
struct Wasm3Instance {
    runtime: ffi::IM3Runtime,
    bytes: Box<[u8]>,
    _env: Rc<Environment>,
    /// Every exported function: its name, wasm3's handle and its result type (at most one).
    functions: Vec<(String, ffi::IM3Function, Option<DiffValueType>)>,
}

impl Drop for Wasm3Instance {
    fn drop(&mut self) {
        // SAFETY: the runtime came from m3_NewRuntime and is freed once, with the modules it owns, before the
        // bytes they read (fields drop after this).
        unsafe { ffi::m3_FreeRuntime(self.runtime) }
    }
}

impl DiffInstance for Wasm3Instance {
    fn call(&mut self, name: &str, args: &[DiffValue]) -> Result<Vec<DiffValue>, TrapKind> {
        let Some(&(_, function, result)) = self.functions.iter().find(|(n, ..)| n == name) else {
            return Err(TrapKind::Other(format!("no exported function {name:?}")));
        };
        let texts: Vec<CString> = args
            .iter()
            .map(|a| argument_text(*a))
            .collect::<Option<_>>()
            .ok_or_else(|| TrapKind::Other("wasm3 cannot take reference arguments".into()))?;
        let argv: Vec<*const std::os::raw::c_char> = texts.iter().map(|t| t.as_ptr()).collect();
        let argc = u32::try_from(argv.len()).map_err(|_| TrapKind::Other("too many arguments".into()))?;
        // SAFETY: the function belongs to this live runtime; argv holds argc C strings that outlive the call.
        let status = unsafe { ffi::m3_CallWithArgs(function, argc, argv.as_ptr()) };
        if let Some(message) = error_message(status) {
            return Err(trap_kind(&message).unwrap_or(TrapKind::Other(message)));
        }
        let Some(ty) = result else { return Ok(Vec::new()) };
        // SAFETY: after a successful call wasm3 leaves the result in the first 64-bit slot of the runtime's
        // value stack, which is at least STACK_BYTES long.
        let bits = unsafe { *((*self.runtime).stack as *const u64) };
        Ok(vec![match ty {
            DiffValueType::I32 => DiffValue::I32(bits as u32 as i32),
            DiffValueType::I64 => DiffValue::I64(bits as i64),
            DiffValueType::F32 => DiffValue::f32(bits as u32),
            DiffValueType::F64 => DiffValue::f64(bits),
            _ => return Err(TrapKind::Other("wasm3 cannot return references".into())),
        }])
    }

    fn global(&mut self, _name: &str) -> Option<DiffValue> {
        None
    }

    fn reads_globals(&self) -> bool {
        false
    }

    fn memory(&mut self, _name: &str) -> Option<Vec<u8>> {
        let mut size = 0u32;
        // SAFETY: the runtime is live; the pointer, if not null, addresses `size` bytes of linear memory until
        // the next call into wasm3.
        unsafe {
            let data = ffi::m3_GetMemory(self.runtime, &mut size, 0);
            if data.is_null() {
                return Some(Vec::new());
            }
            Some(std::slice::from_raw_parts(data, size as usize).to_vec())
        }
    }
}

/// Whether `module` is in the runtime's list of loaded modules.
///
/// # Safety
/// `runtime` is live.
unsafe fn runtime_owns(runtime: ffi::IM3Runtime, module: ffi::IM3Module) -> bool {
    let mut m = (*runtime).modules;
    while !m.is_null() {
        if m == module {
            return true;
        }
        m = (*m).next;
    }
    false
}

/// Whether a function type of `wasm` has more than one result (or one that cannot be read).
fn has_multi_value_types(wasm: &[u8]) -> bool {
    use wasmparser::{CompositeInnerType, Parser, Payload};
    for payload in Parser::new(0).parse_all(wasm) {
        let Ok(Payload::TypeSection(reader)) = payload else { continue };
        for group in reader {
            let Ok(group) = group else { return true };
            for ty in group.types() {
                if let CompositeInnerType::Func(f) = &ty.composite_type.inner {
                    if f.results().len() > 1 {
                        return true;
                    }
                }
            }
        }
    }
    false
}

/// Each exported function's name, parameter count and result type (wasm3 0.4.7 has at most one result per
/// function; modules with more are unsupported, see [`has_multi_value_types`]).
fn exported_functions(wasm: &[u8]) -> Vec<(String, (usize, Option<DiffValueType>))> {
    exports(wasm)
        .into_iter()
        .filter_map(|(name, item)| match item {
            ExportItem::Func { params, results } => Some((name, (params.len(), results.first().copied()))),
            _ => None,
        })
        .collect()
}

/// An argument as `m3_CallWithArgs` reads it: the value's bits in decimal.
fn argument_text(value: DiffValue) -> Option<CString> {
    let text = match value {
        DiffValue::I32(x) => (x as u32).to_string(),
        DiffValue::I64(x) => (x as u64).to_string(),
        DiffValue::F32(bits) => bits.to_string(),
        DiffValue::F64(bits) => bits.to_string(),
        DiffValue::FuncRef { .. } | DiffValue::ExternRef { .. } => return None,
    };
    CString::new(text).ok()
}

/// wasm3's result as text, or `None` for success.
fn error_message(result: ffi::M3Result) -> Option<String> {
    if result.is_null() {
        return None;
    }
    // SAFETY: a non-null M3Result points at one of wasm3's static, NUL-terminated error strings.
    Some(unsafe { CStr::from_ptr(result) }.to_string_lossy().into_owned())
}

/// wasm3's trap messages (and its instantiation failures that the spec calls traps) in the common terms.
fn trap_kind(message: &str) -> Option<TrapKind> {
    Some(match message {
        "[trap] out of bounds memory access" => TrapKind::MemoryOutOfBounds,
        "[trap] integer divide by zero" => TrapKind::IntegerDivisionByZero,
        "[trap] integer overflow" => TrapKind::IntegerOverflow,
        "[trap] invalid conversion to integer" => TrapKind::BadConversionToInteger,
        "[trap] indirect call type mismatch" => TrapKind::IndirectCallTypeMismatch,
        "[trap] undefined element" => TrapKind::TableOutOfBounds,
        "[trap] null table element" => TrapKind::IndirectCallToNull,
        "[trap] unreachable executed" => TrapKind::Unreachable,
        "[trap] stack overflow" => TrapKind::StackOverflow,
        "data segment overflowing linear memory" => TrapKind::MemoryOutOfBounds,
        "table overflow" => TrapKind::TableOutOfBounds,
        other if other.starts_with("[trap]") => TrapKind::Other(other.into()),
        _ => return None,
    })
}

/// Whether wasm3 0.4.7's known bugs stay out of `wasm`'s way, so a difference found on it is news: the
/// differential target generates modules for wasm3 until this holds (the bugs themselves are recorded as
/// `fuzz/regressions/wasm3-*.wast`, and `ember-compare` still shows them).
///
/// wasm3 0.4.7 adds `memory.grow`'s delta to the page count in 32 bits, so a delta near 2^32 (the -1 of a
/// failed grow, grown again) shrinks the memory and reports success: modules with `memory.grow` are left out.
///
/// wasm3 0.4.7 does not return the value a branch to the function's own label carries (`br`, `br_if` or
/// `br_table` leaving the function, rather than `return`) when code after it, even unreachable code, reuses the
/// result's slot: modules with such branches are left out.
///
/// wasm3 0.4.7's `memory.size` overwrites the value on top of the operand stack (kept in a register) without
/// saving it: modules with `memory.size` are left out.
///
/// wasm3 0.4.7 checks a data segment's bounds on its offset sign-extended to `size_t`: a negative offset no
/// larger in magnitude than the segment's length wraps the check and writes below linear memory. Such modules
/// are left out.
///
/// wasm3 0.4.7 sizes table 0 by its active element segments, not by its declaration: the table is as long as
/// the last segment's end (a segment ending before an earlier one shrinks it, losing entries), an empty segment
/// fails instantiation ("table overflow"), and a segment past the declared size grows the table instead of
/// trapping. So a module is kept when its element segments are non-empty, in non-decreasing order of their
/// ends, and the last ends exactly at table 0's declared minimum (or it has neither table nor segments).
pub fn avoids_known_bugs(wasm: &[u8]) -> bool {
    use wasmparser::{DataKind, ElementItems, ElementKind, Operator, Parser, Payload};
    let mut table_min: Option<u64> = None;
    let mut end_so_far = 0u64;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload {
            Ok(Payload::TableSection(reader)) => {
                for table in reader {
                    let Ok(table) = table else { return false };
                    table_min.get_or_insert(table.ty.initial);
                }
            }
            Ok(Payload::CodeSectionEntry(body)) => {
                let Ok(mut ops) = body.get_operators_reader() else { return false };
                // Blocks open around the current instruction: a branch with this relative depth leaves the
                // function.
                let mut open: u32 = 0;
                while !ops.eof() {
                    let Ok(op) = ops.read() else { return false };
                    match op {
                        Operator::MemoryGrow { .. } | Operator::MemorySize { .. } => return false,
                        Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => open += 1,
                        Operator::End => open = open.saturating_sub(1),
                        Operator::Br { relative_depth } | Operator::BrIf { relative_depth }
                            if relative_depth == open =>
                        {
                            return false
                        }
                        Operator::BrTable { targets } => {
                            let leaves = targets.default() == open || targets.targets().any(|t| t.ok() == Some(open));
                            if leaves {
                                return false;
                            }
                        }
                        _ => {}
                    }
                }
            }
            Ok(Payload::DataSection(reader)) => {
                for data in reader {
                    let Ok(data) = data else { return false };
                    let DataKind::Active { offset_expr, .. } = data.kind else { continue };
                    let mut ops = offset_expr.get_operators_reader();
                    let Ok(Operator::I32Const { value }) = ops.read() else { return false };
                    if value < 0 && u64::from(value.unsigned_abs()) <= data.data.len() as u64 {
                        return false;
                    }
                }
            }
            Ok(Payload::ElementSection(reader)) => {
                for element in reader {
                    let Ok(element) = element else { return false };
                    let ElementKind::Active { offset_expr, .. } = element.kind else { continue };
                    let mut ops = offset_expr.get_operators_reader();
                    let Ok(Operator::I32Const { value }) = ops.read() else { return false };
                    let count = match &element.items {
                        ElementItems::Functions(items) => items.count(),
                        ElementItems::Expressions(_, items) => items.count(),
                    };
                    let end = u64::from(value as u32) + u64::from(count);
                    if count == 0 || end < end_so_far {
                        return false;
                    }
                    end_so_far = end;
                }
            }
            Err(_) => return false,
            _ => {}
        }
    }
    table_min.unwrap_or(0) == end_so_far
}
