//! The native tier's per-store runtime: compiled code, one context per instance, entering native code and
//! the helpers it calls back.

mod env;
mod helpers;
mod vmctx;
mod worker;

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::{Duration, Instant};

use cranelift_codegen::ir::Function;
use ember_interp::exec::tier::Handover;

use ember_core::{FuncEntity, StoreInner, Trap, TrapCode};

use crate::code::{CodeMemory, Compiled};
use crate::stats::{Stats, TierUpEvent};
use crate::status;
pub use vmctx::VmCtx;

/// Stack a run of native code may use below the point where it was first entered; deeper, calls trap with
/// `call stack exhausted` instead of overflowing the host stack. 1 MiB: native frames are small (tens to a
/// few hundred bytes), so this allows recursion thousands deep, and fits the 2 MiB stacks of spawned threads.
pub const NATIVE_STACK_BUDGET: usize = 1 << 20;

/// Room that must remain above the stack limit for native code to call into the interpreter or a host
/// function (their frames are larger, most of all in debug builds).
pub const SLOW_CALL_RESERVE: usize = 256 << 10;

/// The native tier's state in one store (`StoreInner::tier_state`).
pub struct TierState {
    code: Option<CodeMemory>,
    /// Context of each instance that has run native code, by store instance index (owned, never moved).
    vmctxs: Vec<*mut VmCtx>,
    /// Native entry of each store function, or null.
    native: Vec<*const u8>,
    /// Functions whose compilation failed (they stay in the interpreter).
    failed: Vec<bool>,
    /// The stack limit of the run in progress (0 when no native code runs).
    stack_limit: usize,
    /// Whether the interpreter of this store has the native tier plugged in.
    pub(crate) plugged: bool,
    /// Whether hot functions compile on the store's thread (else on the worker).
    pub(crate) synchronous: bool,
    /// Functions being compiled on the worker: the answer's receiver, the weight and translation time.
    pending: HashMap<usize, (Receiver<worker::Done>, u64, Duration)>,
    /// Whether an execution started through the tiered executor is in progress (for the stats' timing).
    pub(crate) running: bool,
    /// When the first execution started, for the stats' timestamps.
    pub(crate) started: Instant,
    /// Statistics.
    pub stats: Stats,
}

impl Drop for TierState {
    fn drop(&mut self) {
        for ctx in self.vmctxs.drain(..) {
            if !ctx.is_null() {
                // SAFETY: every non-null entry came from `Box::into_raw` in `vmctx` and is freed only here.
                drop(unsafe { Box::from_raw(ctx) });
            }
        }
    }
}

impl TierState {
    fn new() -> TierState {
        TierState {
            code: None,
            vmctxs: Vec::new(),
            native: Vec::new(),
            failed: Vec::new(),
            stack_limit: 0,
            plugged: false,
            synchronous: true,
            pending: HashMap::new(),
            running: false,
            started: Instant::now(),
            stats: Stats::default(),
        }
    }

    /// The native entry of store function `func`, if compiled.
    pub fn native(&self, func: usize) -> Option<*const u8> {
        self.native.get(func).copied().filter(|p| !p.is_null())
    }

    /// Whether compiling store function `func` failed before.
    pub fn failed(&self, func: usize) -> bool {
        self.failed.get(func).copied().unwrap_or(false)
    }
}

/// The tier state of `store`, created on first use.
pub fn state(store: &mut StoreInner) -> &mut TierState {
    if !store.tier_state.as_ref().is_some_and(|s| s.is::<TierState>()) {
        store.tier_state = Some(Box::new(TierState::new()));
    }
    match store.tier_state.as_mut().and_then(|s| s.downcast_mut::<TierState>()) {
        Some(s) => s,
        None => unreachable!("just created"),
    }
}

/// The context of store instance `instance`, created on first use.
fn vmctx(store: &mut StoreInner, instance: u32) -> *mut VmCtx {
    let existing = state(store).vmctxs.get(instance as usize).copied().filter(|p| !p.is_null());
    if let Some(p) = existing {
        return p;
    }
    let num_funcs = store.instances.get(instance as usize).map_or(0, |i| i.funcs.len());
    let ctx = Box::into_raw(Box::new(VmCtx::new(store, instance, num_funcs)));
    let st = state(store);
    if st.vmctxs.len() <= instance as usize {
        st.vmctxs.resize(instance as usize + 1, core::ptr::null_mut());
    }
    st.vmctxs[instance as usize] = ctx;
    ctx
}

/// Compiles store function `func` (a wasm function) unless it already has native code: now, or on the
/// worker thread unless the store compiles synchronously. A function that cannot be compiled is remembered
/// and stays in the interpreter.
pub fn compile(store: &mut StoreInner, func: usize, weight: u64) -> Handover {
    let st = state(store);
    if st.native(func).is_some() {
        return Handover::Ready;
    }
    if st.failed(func) {
        return Handover::Declined;
    }
    if let Some((answer, _, _)) = st.pending.get(&func) {
        let done = match answer.try_recv() {
            Ok(done) => done,
            Err(TryRecvError::Empty) => return Handover::Pending,
            Err(TryRecvError::Disconnected) => {
                worker::Done { result: Err("the compiler thread stopped".into()), time: Duration::ZERO }
            }
        };
        let Some((_, weight, translate_time)) = st.pending.remove(&func) else { return Handover::Declined };
        let placed = done.result.and_then(|compiled| place(store, func, compiled));
        return finish(store, func, placed, translate_time + done.time, weight);
    }

    let start = Instant::now();
    let translated = translate(store, func);
    let synchronous = state(store).synchronous;
    match translated {
        Err(e) => finish(store, func, Err(e), start.elapsed(), weight),
        Ok(clif) if synchronous => {
            let placed = place_function(store, func, clif);
            finish(store, func, placed, start.elapsed(), weight)
        }
        Ok(clif) => match worker::submit(clif) {
            Ok(answer) => {
                state(store).pending.insert(func, (answer, weight, start.elapsed()));
                log::debug!("tier-up: function {func} queued for compilation (weight {weight})");
                Handover::Pending
            }
            Err(clif) => {
                let placed = place_function(store, func, *clif);
                finish(store, func, placed, start.elapsed(), weight)
            }
        },
    }
}

/// Records the outcome of compiling `func`.
fn finish(
    store: &mut StoreInner,
    func: usize,
    placed: Result<(*const u8, usize, u32), String>,
    compile_time: Duration,
    weight: u64,
) -> Handover {
    let st = state(store);
    match placed {
        Ok((code, size, index)) => {
            if st.native.len() <= func {
                st.native.resize(func + 1, core::ptr::null());
            }
            st.native[func] = code;
            let at = st.started.elapsed();
            st.stats.events.push(TierUpEvent { func, index, at, compile_time, code_size: size, calls_before: weight });
            log::debug!("tier-up: function {func} compiled in {compile_time:?} ({size} bytes of code)");
            Handover::Ready
        }
        Err(e) => {
            if st.failed.len() <= func {
                st.failed.resize(func + 1, false);
            }
            st.failed[func] = true;
            log::debug!("tier-up: function {func} stays interpreted: {e}");
            st.stats.failures.push((func, e));
            Handover::Declined
        }
    }
}

/// Store function `func`'s body as Cranelift IR for its instance.
fn translate(store: &StoreInner, func: usize) -> Result<Function, String> {
    let (instance, index) = match store.funcs.get(func) {
        Some(FuncEntity::Wasm { instance, index, .. }) => (instance.index(), *index),
        _ => return Err("not a wasm function".into()),
    };
    let target = crate::code::target()?;
    let inst = store.instances.get(instance as usize).ok_or("no such instance")?;
    let env = env::RuntimeEnv::new(store, inst, store.engine().config().get_consume_fuel());
    crate::translate::translate_function(inst.module.info(), index, &env, target).map_err(|e| e.to_string())
}

/// Compiles `clif` here and places it.
fn place_function(store: &mut StoreInner, func: usize, clif: Function) -> Result<(*const u8, usize, u32), String> {
    let compiled = crate::code::compile_detached(clif)?;
    place(store, func, compiled)
}

/// Places compiled code for store function `func` and enters it in its instance's function table.
fn place(store: &mut StoreInner, func: usize, compiled: Compiled) -> Result<(*const u8, usize, u32), String> {
    let (instance, index) = match store.funcs.get(func) {
        Some(FuncEntity::Wasm { instance, index, .. }) => (instance.index(), *index),
        _ => return Err("not a wasm function".into()),
    };
    let ctx = vmctx(store, instance);
    let st = state(store);
    if st.code.is_none() {
        st.code = Some(CodeMemory::new()?);
    }
    let code = st.code.as_mut().ok_or("no code memory")?;
    let (ptr, size) = code.place(compiled)?;
    // SAFETY: `ctx` is this store's live context for the instance (owned by the tier state).
    unsafe { (*ctx).set_func(index, ptr) };
    Ok((ptr, size, index))
}

/// The signature of native code (see [`crate::translate::native_signature`]).
type NativeFn = unsafe extern "C" fn(*mut VmCtx, *mut u64, u64) -> u32;

/// An approximation of the current stack pointer: the address of a local.
#[inline(never)]
fn stack_pointer() -> usize {
    let marker = 0u8;
    core::ptr::addr_of!(marker) as usize
}

/// Runs the native code of store function `func` (compiled already) on `cells` (arguments in, results out;
/// at least as many as the larger of its parameter and result counts). `depth` counts the wasm frames
/// active, this call included.
pub fn enter(store: &mut StoreInner, func: usize, cells: &mut [u64], depth: usize) -> Result<(), Trap> {
    let instance = match store.funcs.get(func) {
        Some(FuncEntity::Wasm { instance, type_id, .. }) => {
            let ty = store.types.get(*type_id as usize).ok_or_else(|| Trap::host("bad type id"))?;
            if cells.len() < ty.params().len().max(ty.results().len()) {
                return Err(Trap::host("too few cells for a native call"));
            }
            instance.index()
        }
        _ => return Err(Trap::host("native entry of a non-wasm function")),
    };
    let code = state(store).native(func).ok_or_else(|| Trap::host("function has no native code"))?;
    let ctx = vmctx(store, instance);

    let outermost = state(store).stack_limit == 0;
    if outermost {
        state(store).stack_limit = stack_pointer().saturating_sub(NATIVE_STACK_BUDGET).max(1);
    }
    let limit = state(store).stack_limit;
    let start = outermost.then(Instant::now);
    // SAFETY: `ctx` is live (owned by the tier state, freed only when the store drops) and nothing else
    // refers to it now; `code` is a finished function with `NativeFn`'s signature (made by `compile` from
    // `translate_function`, whose signature is `native_signature`); `cells` holds enough cells (checked
    // above), and the store outlives the call. Native code touches memory only inside memory 0 (bounds
    // checked), the global cells and fuel named by the context, and the cells.
    let status = unsafe {
        (*ctx).refresh(store);
        (*ctx).stack_limit = limit;
        let f: NativeFn = core::mem::transmute::<*const u8, NativeFn>(code);
        f(ctx, cells.as_mut_ptr(), depth as u64)
    };
    let st = state(store);
    if outermost {
        st.stack_limit = 0;
        if let Some(start) = start {
            st.stats.native_time += start.elapsed();
        }
    }
    match status {
        status::OK => Ok(()),
        // SAFETY: as above; the pending trap was left by a helper of this run.
        status::PENDING => Err(unsafe { (*ctx).pending.take() }.unwrap_or_else(|| Trap::host("trap lost"))),
        s => Err(Trap::new(status::code(s).unwrap_or(TrapCode::HostError))),
    }
}

/// Whether the host stack has room for a slow call (the interpreter, a host function) from native code.
pub(crate) fn room_for_slow_call(store: &mut StoreInner) -> bool {
    let limit = state(store).stack_limit;
    limit == 0 || stack_pointer() > limit.saturating_add(SLOW_CALL_RESERVE)
}

/// Time spent in native code by the outermost native calls, for stats.
pub fn native_time(store: &mut StoreInner) -> Duration {
    state(store).stats.native_time
}
