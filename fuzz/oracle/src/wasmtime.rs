//! The wasmtime adapter (feature `wasmtime`): wasmtime with Cranelift as a [`DiffEngine`], configured for the
//! features Ember supports.

use wasmtime::{Config, Engine, Instance, Module, Store, Trap, Val};

use crate::engine::{DiffEngine, DiffInstance, InstantiateError};
use crate::trap::TrapKind;
use crate::value::DiffValue;

/// wasmtime (Cranelift) with WebAssembly 2.0 minus SIMD enabled.
pub struct WasmtimeEngine {
    engine: Engine,
}

impl WasmtimeEngine {
    /// wasmtime configured with the proposals Ember supports.
    pub fn new() -> WasmtimeEngine {
        let mut config = Config::new();
        config
            .wasm_simd(false)
            .wasm_relaxed_simd(false)
            .wasm_bulk_memory(true)
            .wasm_reference_types(true)
            .wasm_multi_value(true)
            .wasm_multi_memory(false)
            .wasm_tail_call(false)
            .wasm_extended_const(false)
            .wasm_memory64(false)
            .wasm_function_references(false)
            .wasm_gc(false)
            .wasm_wide_arithmetic(false)
            .wasm_custom_page_sizes(false)
            .memory_reservation(1 << 24)
            .memory_guard_size(1 << 16);
        let engine = Engine::new(&config).unwrap_or_else(|e| panic!("wasmtime rejects its configuration: {e}"));
        WasmtimeEngine { engine }
    }
}

impl Default for WasmtimeEngine {
    fn default() -> Self {
        WasmtimeEngine::new()
    }
}

impl DiffEngine for WasmtimeEngine {
    fn name(&self) -> &str {
        "wasmtime"
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<Box<dyn DiffInstance>, InstantiateError> {
        let module = Module::new(&self.engine, wasm).map_err(|e| InstantiateError::Rejected(e.to_string()))?;
        let mut store = Store::new(&self.engine, ());
        let instance = Instance::new(&mut store, &module, &[]).map_err(|e| match e.downcast_ref::<Trap>() {
            Some(trap) => InstantiateError::Trap(trap_kind(*trap)),
            None => InstantiateError::Rejected(e.to_string()),
        })?;
        Ok(Box::new(WasmtimeInstance { store, instance }))
    }
}

/// A wasmtime instance with its store.
struct WasmtimeInstance {
    store: Store<()>,
    instance: Instance,
}

impl DiffInstance for WasmtimeInstance {
    fn call(&mut self, name: &str, args: &[DiffValue]) -> Result<Vec<DiffValue>, TrapKind> {
        let func = self
            .instance
            .get_func(&mut self.store, name)
            .ok_or_else(|| TrapKind::Other(format!("no exported function {name:?}")))?;
        let params: Vec<Val> = args.iter().map(|a| to_val(*a)).collect();
        let ty = func.ty(&self.store);
        let mut results: Vec<Val> = ty.results().map(|_| Val::I32(0)).collect();
        match func.call(&mut self.store, &params, &mut results) {
            Ok(()) => Ok(results.iter().map(from_val).collect()),
            Err(e) => Err(match e.downcast_ref::<Trap>() {
                Some(trap) => trap_kind(*trap),
                None => TrapKind::Other(e.to_string()),
            }),
        }
    }

    fn global(&mut self, name: &str) -> Option<DiffValue> {
        let global = self.instance.get_global(&mut self.store, name)?;
        Some(from_val(&global.get(&mut self.store)))
    }

    fn memory(&mut self, name: &str) -> Option<Vec<u8>> {
        let memory = self.instance.get_memory(&mut self.store, name)?;
        Some(memory.data(&self.store).to_vec())
    }
}

/// wasmtime's trap in the common terms.
pub fn trap_kind(trap: Trap) -> TrapKind {
    match trap {
        Trap::UnreachableCodeReached => TrapKind::Unreachable,
        Trap::MemoryOutOfBounds => TrapKind::MemoryOutOfBounds,
        Trap::TableOutOfBounds => TrapKind::TableOutOfBounds,
        Trap::IndirectCallToNull => TrapKind::IndirectCallToNull,
        Trap::BadSignature => TrapKind::IndirectCallTypeMismatch,
        Trap::IntegerDivisionByZero => TrapKind::IntegerDivisionByZero,
        Trap::IntegerOverflow => TrapKind::IntegerOverflow,
        Trap::BadConversionToInteger => TrapKind::BadConversionToInteger,
        Trap::StackOverflow => TrapKind::StackOverflow,
        Trap::OutOfFuel => TrapKind::OutOfFuel,
        other => TrapKind::Other(other.to_string()),
    }
}

fn to_val(v: DiffValue) -> Val {
    match v {
        DiffValue::I32(x) => Val::I32(x),
        DiffValue::I64(x) => Val::I64(x),
        DiffValue::F32(x) => Val::F32(x),
        DiffValue::F64(x) => Val::F64(x),
        DiffValue::FuncRef { .. } => Val::FuncRef(None),
        DiffValue::ExternRef { .. } => Val::ExternRef(None),
    }
}

fn from_val(v: &Val) -> DiffValue {
    match v {
        Val::I32(x) => DiffValue::I32(*x),
        Val::I64(x) => DiffValue::I64(*x),
        Val::F32(x) => DiffValue::f32(*x),
        Val::F64(x) => DiffValue::f64(*x),
        Val::FuncRef(f) => DiffValue::FuncRef { null: f.is_none() },
        Val::ExternRef(e) => DiffValue::ExternRef { null: e.is_none() },
        // SIMD and GC are disabled: nothing else reaches here.
        _ => DiffValue::I32(0),
    }
}
