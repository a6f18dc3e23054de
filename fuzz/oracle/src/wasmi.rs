//! The wasmi adapter: wasmi as a [`DiffEngine`], configured for the features Ember supports.

use wasmi::{Config, Engine, Instance, Module, Nullable, Store, TrapCode, Val, F32, F64};

use crate::engine::{DiffEngine, DiffInstance, InstantiateError};
use crate::trap::TrapKind;
use crate::value::DiffValue;

/// wasmi with WebAssembly 2.0 minus SIMD enabled, eager translation.
pub struct WasmiEngine {
    engine: Engine,
}

impl WasmiEngine {
    /// wasmi configured with the proposals Ember supports.
    pub fn new() -> WasmiEngine {
        let mut config = Config::default();
        config
            .wasm_mutable_global(true)
            .wasm_sign_extension(true)
            .wasm_saturating_float_to_int(true)
            .wasm_multi_value(true)
            .wasm_bulk_memory(true)
            .wasm_reference_types(true)
            .wasm_multi_memory(false)
            .wasm_tail_call(false)
            .wasm_extended_const(false)
            .wasm_custom_page_sizes(false)
            .wasm_memory64(false)
            .wasm_wide_arithmetic(false)
            .compilation_mode(wasmi::CompilationMode::Eager);
        WasmiEngine { engine: Engine::new(&config) }
    }
}

impl Default for WasmiEngine {
    fn default() -> Self {
        WasmiEngine::new()
    }
}

impl DiffEngine for WasmiEngine {
    fn name(&self) -> &str {
        "wasmi"
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<Box<dyn DiffInstance>, InstantiateError> {
        let module = Module::new(&self.engine, wasm).map_err(|e| InstantiateError::Rejected(e.to_string()))?;
        let mut store = Store::new(&self.engine, ());
        let instance = Instance::new(&mut store, &module, &[]).map_err(instantiation_error)?;
        Ok(Box::new(WasmiInstance { store, instance }))
    }
}

/// A wasmi instance with its store.
struct WasmiInstance {
    store: Store<()>,
    instance: Instance,
}

impl DiffInstance for WasmiInstance {
    fn call(&mut self, name: &str, args: &[DiffValue]) -> Result<Vec<DiffValue>, TrapKind> {
        let func = self
            .instance
            .get_func(&self.store, name)
            .ok_or_else(|| TrapKind::Other(format!("no exported function {name:?}")))?;
        let params: Vec<Val> = args.iter().map(|a| to_val(*a)).collect();
        let ty = func.ty(&self.store);
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for_ty(*t)).collect();
        match func.call(&mut self.store, &params, &mut results) {
            Ok(()) => Ok(results.iter().map(from_val).collect()),
            Err(e) => Err(match e.as_trap_code() {
                Some(code) => trap_kind(code),
                None => TrapKind::Other(e.to_string()),
            }),
        }
    }

    fn global(&mut self, name: &str) -> Option<DiffValue> {
        let global = self.instance.get_global(&self.store, name)?;
        Some(from_val(&global.get(&self.store)))
    }

    fn memory(&mut self, name: &str) -> Option<Vec<u8>> {
        let memory = self.instance.get_memory(&self.store, name)?;
        Some(memory.data(&self.store).to_vec())
    }
}

/// A failed instantiation: wasmi reports segments that do not fit as errors of their own rather than trap
/// codes; they are the spec's traps.
fn instantiation_error(e: wasmi::Error) -> InstantiateError {
    if let Some(code) = e.as_trap_code() {
        return InstantiateError::Trap(trap_kind(code));
    }
    let message = e.to_string();
    if message.starts_with("out of bounds table access") {
        InstantiateError::Trap(TrapKind::TableOutOfBounds)
    } else if message.starts_with("out of bounds memory access") {
        InstantiateError::Trap(TrapKind::MemoryOutOfBounds)
    } else {
        InstantiateError::Rejected(message)
    }
}

/// wasmi's trap code in the common terms.
pub fn trap_kind(code: TrapCode) -> TrapKind {
    match code {
        TrapCode::UnreachableCodeReached => TrapKind::Unreachable,
        TrapCode::MemoryOutOfBounds => TrapKind::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds => TrapKind::TableOutOfBounds,
        TrapCode::IndirectCallToNull => TrapKind::IndirectCallToNull,
        TrapCode::BadSignature => TrapKind::IndirectCallTypeMismatch,
        TrapCode::IntegerDivisionByZero => TrapKind::IntegerDivisionByZero,
        TrapCode::IntegerOverflow => TrapKind::IntegerOverflow,
        TrapCode::BadConversionToInteger => TrapKind::BadConversionToInteger,
        TrapCode::StackOverflow => TrapKind::StackOverflow,
        TrapCode::OutOfFuel => TrapKind::OutOfFuel,
        other => TrapKind::Other(format!("{other:?}")),
    }
}

fn to_val(v: DiffValue) -> Val {
    match v {
        DiffValue::I32(x) => Val::I32(x),
        DiffValue::I64(x) => Val::I64(x),
        DiffValue::F32(x) => Val::F32(F32::from_bits(x)),
        DiffValue::F64(x) => Val::F64(F64::from_bits(x)),
        DiffValue::FuncRef { .. } => Val::FuncRef(Nullable::Null),
        DiffValue::ExternRef { .. } => Val::ExternRef(Nullable::Null),
    }
}

fn from_val(v: &Val) -> DiffValue {
    match v {
        Val::I32(x) => DiffValue::I32(*x),
        Val::I64(x) => DiffValue::I64(*x),
        Val::F32(x) => DiffValue::f32(x.to_bits()),
        Val::F64(x) => DiffValue::f64(x.to_bits()),
        Val::FuncRef(f) => DiffValue::FuncRef { null: f.is_null() },
        Val::ExternRef(e) => DiffValue::ExternRef { null: e.is_null() },
        // SIMD is disabled: no v128 values reach here.
        #[allow(unreachable_patterns)]
        _ => DiffValue::I32(0),
    }
}
