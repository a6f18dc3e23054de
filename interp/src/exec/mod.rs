//! The executor: runs register bytecode.
//!
//! [`Interpreter`] implements [`Executor`]. Per store it keeps (in `StoreInner::executor_state_mut`) the code of
//! every function translated so far, one value stack shared by all frames, and the stack of suspended callers.
//! Wasm-to-wasm calls never recurse on the host stack (see `run.rs`); host functions may call back
//! into wasm, which nests a new execution on top of the value stack, up to `StoreLimits::max_host_reentry` levels deep.
//!
//! Code is translated on first call (or at instantiation with `Config::eager_translation`), or placed
//! beforehand with [`install`]. What the executor assumes of the code and where each fact is checked:
//! [`invariants`].

mod call;
mod dispatch;
mod handlers;
pub mod invariants;
mod memory;
pub(crate) mod num;
mod run;
#[cfg(feature = "simd")]
pub(crate) mod simd;
mod state;
mod table;
pub mod tier;

use alloc::boxed::Box;
use alloc::rc::Rc;

use ember_core::{cells_of, Error, Executor, Func, FuncEntity, Instance, StoreInner, Trap, TrapCode, Val};

use crate::code::CompiledFunc;
use crate::verify::{VerifiedFunc, VerifyError};
use state::{frame_len, ExecState};

/// The register interpreter, as an [`Executor`] for `ember_core::Engine`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Interpreter;

/// The interpreter instance to plug into engines.
pub static INTERPRETER: Interpreter = Interpreter;

impl Executor for Interpreter {
    fn call(&self, store: &mut StoreInner, func: Func, params: &[Val], results: &mut [Val]) -> Result<(), Trap> {
        let mut slot = Some(state::take(store));
        let outcome = execute(store, &mut slot, func, params, results);
        if let Some(st) = slot {
            state::put(store, st);
        }
        outcome
    }

    fn instantiated(&self, store: &mut StoreInner, instance: Instance) -> Result<(), Error> {
        crate::image::install_precompiled(store, instance)?;
        if !store.engine().config().get_eager_translation() {
            return Ok(());
        }
        let mut st = state::take(store);
        let outcome = translate_instance(store, &mut st, instance);
        state::put(store, st);
        outcome
    }
}

/// Places already-compiled code for wasm function `func`, so that calls run it without translating. Any
/// code installed or translated before for `func` is replaced (calls already running it finish with the old
/// code). Code for a host function is never used.
///
/// The code is [verified](crate::verify::verify) first, then checked against the function's module as image
/// code is (indices, global mutability, reference types and reference flow: see
/// [`image`](crate::image)), and in an engine that meters fuel, for loops that consume none: code the executor
/// could not run safely, that could forge a reference or escape fuel metering, is rejected, and nothing is
/// installed.
pub fn install(store: &mut StoreInner, func: Func, code: Rc<CompiledFunc>) -> Result<(), VerifyError> {
    let code = VerifiedFunc::new(code)?;
    if let Some(FuncEntity::Wasm { instance, index, .. }) = store.funcs().get(func.index() as usize) {
        if let Some(inst) = store.instances().get(instance.index() as usize) {
            let fuel = store.engine().config().get_consume_fuel();
            crate::image::check_code(inst.module.info(), *index, &code, fuel)?;
        }
    }
    install_verified(store, func, code);
    Ok(())
}

/// [`install`] for code already verified.
pub fn install_verified(store: &mut StoreInner, func: Func, code: VerifiedFunc) {
    let instance = match store.funcs().get(func.index() as usize) {
        Some(FuncEntity::Wasm { instance, .. }) => instance.index(),
        _ => state::NO_INSTANCE,
    };
    let mut st = state::take(store);
    st.set_code(func.index() as usize, code, instance);
    state::put(store, st);
}

/// Translates every function `instance` defines that has no code yet.
#[cfg(feature = "translate")]
fn translate_instance(store: &StoreInner, st: &mut ExecState, instance: Instance) -> Result<(), Error> {
    let inst =
        store.instances().get(instance.index() as usize).ok_or_else(|| Error::Usage("no such instance".into()))?;
    let defined = inst.funcs.iter().skip(inst.module.info().num_imported_funcs as usize);
    for (index, func) in (inst.module.info().num_imported_funcs..).zip(defined) {
        let f = func.index() as usize;
        if st.entry(f).is_none() {
            let code = call::translate(store, instance, index)?;
            st.set_code(f, code, instance.index());
        }
    }
    Ok(())
}

/// Without a translator there is nothing to translate eagerly: code must be installed.
#[cfg(not(feature = "translate"))]
fn translate_instance(_store: &StoreInner, _st: &mut ExecState, _instance: Instance) -> Result<(), Error> {
    Ok(())
}

/// One `Executor::call`: host functions are called directly; a wasm function gets a frame at the top of the
/// value stack and runs in the dispatch loop. `slot` holds the state (it is lent to the store during host
/// calls); whatever happens, executions nested in this one are gone when it returns.
fn execute(
    store: &mut StoreInner,
    slot: &mut Option<Box<ExecState>>,
    func: Func,
    params: &[Val],
    results: &mut [Val],
) -> Result<(), Trap> {
    let st = slot.as_deref_mut().ok_or_else(state::lost)?;
    if st.nesting >= store.limits().max_host_reentry {
        return Err(Trap::new(TrapCode::StackOverflow));
    }
    st.nesting += 1;
    st.active += 1;
    let base = st.stack_top;
    let entry_len = st.depth();

    let outcome = execute_nested(store, slot, func, params, results, base);

    if let Some(st) = slot.as_deref_mut() {
        st.nesting -= 1;
        st.stack_top = base;
        st.truncate_frames(entry_len);
        st.end_execution();
    }
    outcome
}

fn execute_nested(
    store: &mut StoreInner,
    slot: &mut Option<Box<ExecState>>,
    func: Func,
    params: &[Val],
    results: &mut [Val],
    base: usize,
) -> Result<(), Trap> {
    let f = func.index() as usize;
    let (type_id, instance, index) = match store.funcs().get(f) {
        Some(FuncEntity::Wasm { type_id, instance, index }) => (*type_id, *instance, *index),
        Some(FuncEntity::Host { func, .. }) => {
            // Lend the state to the store so that the host can call wasm.
            let call = func.call.clone();
            let st = slot.take().ok_or_else(state::lost)?;
            state::put(store, st);
            let outcome = call(store, None, params, results);
            *slot = Some(state::reclaim(store).ok_or_else(state::lost)?);
            return outcome;
        }
        None => return Err(Trap::host("function not in this store")),
    };

    let st = slot.as_deref_mut().ok_or_else(state::lost)?;
    let entry = call::entry(store, st, f, instance, index)?;
    entry.calls = entry.calls.saturating_add(1);
    let code = entry.code.clone();
    if st.depth() + 1 + st.depth_offset > store.limits().max_call_depth {
        return Err(Trap::new(TrapCode::StackOverflow));
    }
    let frame_top = st.reserve_stack(base, frame_len(&code), store.limits().max_value_stack)?;
    call::write_params(&mut st.stack, base, params, code.num_locals as usize);

    if tier::wants_native(store, st, f) {
        let depth = st.depth() + 1 + st.depth_offset;
        let types = store.types().get(type_id as usize).ok_or_else(|| bad_code("type id"))?;
        let cells = cells_of(types.params()).max(cells_of(types.results()));
        let cells_top = st.reserve_stack(base, cells, store.limits().max_value_stack)?;
        tier::call_native(store, slot, f, base, cells_top.max(frame_top), depth)?;
    } else {
        run::run(store, slot, code, f, base, instance.index() as usize)?;
    }

    let st = slot.as_deref_mut().ok_or_else(state::lost)?;
    let types = store.types().get(type_id as usize).ok_or_else(|| bad_code("type id"))?;
    call::read_results(&st.stack, base, results, types.results());
    Ok(())
}

/// The trap for bytecode that refers to something that does not exist (a translator bug or corrupt installed
/// code): a host error naming what was wrong, never a panic.
#[cold]
pub(crate) fn bad_code(what: &str) -> Trap {
    Trap::engine_defect(alloc::format!("invalid bytecode: bad {what}"))
}

/// The dispatch backend this build runs: `"threaded"` (each handler jumps to the next) or `"loop"` (the
/// portable loop over the same handlers); see `build.rs`.
pub const DISPATCH_BACKEND: &str = if cfg!(ember_threaded) { "threaded" } else { "loop" };
