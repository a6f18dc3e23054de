//! The Ember adapter: Ember's register interpreter as a [`DiffEngine`].
//!
//! Ember's native tiers (with the `tier-up` feature) use the same adapter over an engine built with
//! `ember::Engine::with_tier`: see [`EmberEngine::jit`] and [`EmberEngine::auto`].

use ember::{Config, Engine, Error, Instance, Module, Store, StoreLimits, TrapCode, Val, ValType};

use crate::engine::{DiffEngine, DiffInstance, InstantiateError};
use crate::trap::TrapKind;
use crate::value::DiffValue;

/// Ember's interpreter, with a configuration (lazy or eager translation, fuel, limits).
pub struct EmberEngine {
    engine: Engine,
    fuel: Option<u64>,
    name: String,
}

impl EmberEngine {
    /// The interpreter with the default configuration: the reference engine of the differential target.
    pub fn interpreter() -> EmberEngine {
        EmberEngine::new(&Config::new(), None)
    }

    /// The interpreter with `config`; if `fuel` is given, `config` should turn fuel metering on and each new
    /// store gets that much.
    pub fn new(config: &Config, fuel: Option<u64>) -> EmberEngine {
        let name = format!(
            "ember-interp{}{}{}",
            if config.get_eager_translation() { " (eager)" } else { "" },
            if fuel.is_some() { " (fuel)" } else { "" },
            if config.get_tier_up_threshold().is_some() { " (profiled)" } else { "" }
        );
        EmberEngine { engine: Engine::interpreter(config), fuel, name }
    }

    /// Ember's native tier alone: every function compiled by Cranelift before it first runs.
    #[cfg(feature = "tier-up")]
    pub fn jit() -> EmberEngine {
        let engine = Engine::with_tier(&Config::new(), ember::Tier::Jit);
        EmberEngine { engine, fuel: None, name: "ember-jit".into() }
    }

    /// Ember's interpreter, tiering up to native code once a function's weighted call/back-edge count reaches
    /// `threshold`; compilation is synchronous, so runs are deterministic.
    #[cfg(feature = "tier-up")]
    pub fn auto(threshold: u32) -> EmberEngine {
        let mut config = Config::new();
        config.tier_up_threshold(Some(threshold));
        config.synchronous_tier_up(true);
        let engine = Engine::with_tier(&config, ember::Tier::Auto);
        EmberEngine { engine, fuel: None, name: format!("ember-auto (threshold {threshold})") }
    }

    /// A configuration with small store limits for running untrusted modules: `pages` of memory per memory,
    /// `elements` per table, and a call depth of `depth`.
    pub fn small_limits(pages: u64, elements: u64, depth: usize) -> StoreLimits {
        StoreLimits {
            max_memory_pages: pages,
            max_table_elements: elements,
            max_call_depth: depth,
            max_value_stack: 1 << 16,
            ..StoreLimits::default()
        }
    }
}

impl DiffEngine for EmberEngine {
    fn name(&self) -> &str {
        &self.name
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<Box<dyn DiffInstance>, InstantiateError> {
        let module = Module::new(&self.engine, wasm).map_err(|e| InstantiateError::Rejected(e.to_string()))?;
        let mut store = Store::new(&self.engine, ());
        if let Some(fuel) = self.fuel {
            store.set_fuel(fuel).map_err(|e| InstantiateError::Rejected(e.to_string()))?;
        }
        let instance = Instance::new(&mut store, &module, &[]).map_err(|e| match e {
            Error::Trap(t) => InstantiateError::Trap(trap_kind(t.code())),
            other => InstantiateError::Rejected(other.to_string()),
        })?;
        Ok(Box::new(EmberInstance { store, instance }))
    }
}

/// An Ember instance with its store.
struct EmberInstance {
    store: Store<()>,
    instance: Instance,
}

impl DiffInstance for EmberInstance {
    fn call(&mut self, name: &str, args: &[DiffValue]) -> Result<Vec<DiffValue>, TrapKind> {
        let func = self
            .instance
            .get_func(&self.store, name)
            .ok_or_else(|| TrapKind::Other(format!("no exported function {name:?}")))?;
        let params: Vec<Val> = args.iter().map(|a| to_val(*a)).collect();
        match func.call_to_vec(&mut self.store, &params) {
            Ok(results) => Ok(results.iter().map(from_val).collect()),
            Err(Error::Trap(t)) => Err(trap_kind(t.code())),
            Err(other) => Err(TrapKind::Other(other.to_string())),
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

/// Ember's trap code in the common terms.
pub fn trap_kind(code: TrapCode) -> TrapKind {
    match code {
        TrapCode::Unreachable => TrapKind::Unreachable,
        TrapCode::MemoryOutOfBounds => TrapKind::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds | TrapCode::UndefinedElement => TrapKind::TableOutOfBounds,
        TrapCode::UninitializedElement => TrapKind::IndirectCallToNull,
        TrapCode::IndirectCallTypeMismatch => TrapKind::IndirectCallTypeMismatch,
        TrapCode::IntegerDivisionByZero => TrapKind::IntegerDivisionByZero,
        TrapCode::IntegerOverflow => TrapKind::IntegerOverflow,
        TrapCode::BadConversionToInteger => TrapKind::BadConversionToInteger,
        TrapCode::StackOverflow => TrapKind::StackOverflow,
        TrapCode::OutOfFuel => TrapKind::OutOfFuel,
        other => TrapKind::Other(other.to_string()),
    }
}

impl DiffValue {
    /// This value as an Ember value (references are null: only null references are passed in).
    pub fn to_ember(self) -> Val {
        to_val(self)
    }
}

fn to_val(v: DiffValue) -> Val {
    match v {
        DiffValue::I32(x) => Val::I32(x),
        DiffValue::I64(x) => Val::I64(x),
        DiffValue::F32(x) => Val::F32(x),
        DiffValue::F64(x) => Val::F64(x),
        // Only null references are passed in.
        DiffValue::FuncRef { .. } => Val::default_for(ValType::FuncRef),
        DiffValue::ExternRef { .. } => Val::default_for(ValType::ExternRef),
    }
}

fn from_val(v: &Val) -> DiffValue {
    match *v {
        Val::I32(x) => DiffValue::I32(x),
        Val::I64(x) => DiffValue::I64(x),
        Val::F32(x) => DiffValue::f32(x),
        Val::F64(x) => DiffValue::f64(x),
        // Not produced by modules the oracle accepts (no SIMD); compared by its low bits if it ever is.
        Val::V128(x) => DiffValue::I64(x as i64),
        Val::FuncRef(f) => DiffValue::FuncRef { null: f.is_none() },
        Val::ExternRef(e) => DiffValue::ExternRef { null: e.is_none() },
    }
}
