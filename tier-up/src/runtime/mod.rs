//! The native tier's per-store runtime: compiled code, one context per instance, entering native code and
//! the helpers it calls back.

mod env;
mod helpers;
mod stack;
mod vmctx;
mod worker;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ember_interp::exec::tier::Handover;

use ember_core::{FuncEntity, StoreInner, Trap, TrapCode};

use crate::code::{CodeMemory, Compiled};
use crate::stats::{Stats, TierUpEvent};
use crate::status;
use crate::translate::Entry;
use env::InstanceLayout;
pub use vmctx::VmCtx;
pub use worker::background_jobs;

/// Stack a run of native code may use below the point where it was first entered; deeper, calls trap with
/// `call stack exhausted` instead of overflowing the host stack. 1 MiB: native frames are small (tens to a
/// few hundred bytes), so this allows recursion thousands deep. On a thread with less stack left, the limit
/// stops 64 KiB short of the stack's end instead (`stack.rs`; Linux and macOS, where the platform tells).
pub const NATIVE_STACK_BUDGET: usize = 1 << 20;

/// Room that must remain above the stack limit for native code to call into the interpreter or a host
/// function (their frames are larger, most of all in debug builds); at most half the run's stack, so that on
/// a small thread stack the first calls out still run.
pub const SLOW_CALL_RESERVE: usize = 256 << 10;

/// The native tier's state in one store (`StoreInner::tier_state_mut`).
pub struct TierState {
    code: Option<CodeMemory>,
    /// Context of each instance that has run native code, by store instance index (owned, never moved).
    vmctxs: Vec<*mut VmCtx>,
    /// Native entry of each store function, or null.
    native: Vec<*const u8>,
    /// Signature id and instance of each store function, mirrored from the store for native
    /// `call_indirect` (extended by [`TierState::sync_funcs`]).
    func_types: Vec<u32>,
    func_instances: Vec<u32>,
    /// Functions whose compilation failed (they stay in the interpreter).
    failed: Vec<bool>,
    /// The stack limit of the run in progress (0 when no native code runs).
    stack_limit: usize,
    /// Room above `stack_limit` that calls out of native code need ([`SLOW_CALL_RESERVE`] at most).
    slow_call_reserve: usize,
    /// Whether the interpreter of this store has the native tier plugged in.
    pub(crate) plugged: bool,
    /// Whether hot functions compile on the store's thread (else on the worker).
    pub(crate) synchronous: bool,
    /// Code being compiled on the worker, by function and whether it is the loop entry: the answer's
    /// receiver and the weight.
    pending: HashMap<(usize, bool), (Receiver<worker::Done>, u64)>,
    /// The translator's view of each instance that has compiled code, by store instance index.
    layouts: Vec<Option<Arc<InstanceLayout>>>,
    /// Set when the store drops, so the worker skips what this store still has queued.
    cancelled: Arc<AtomicBool>,
    /// The loop entry (on-stack replacement, every loop of the function) of each store function that has one.
    loop_entries: HashMap<usize, *const u8>,
    /// Functions whose loop entry could not be compiled.
    failed_loops: std::collections::HashSet<usize>,
    /// Whether an execution started through the tiered executor is in progress (for the stats' timing).
    pub(crate) running: bool,
    /// When the first execution started, for the stats' timestamps.
    pub(crate) started: Instant,
    /// Statistics.
    pub stats: Stats,
}

impl Drop for TierState {
    fn drop(&mut self) {
        self.cancelled.store(true, Ordering::Relaxed);
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
            func_types: Vec::new(),
            func_instances: Vec::new(),
            failed: Vec::new(),
            stack_limit: 0,
            slow_call_reserve: SLOW_CALL_RESERVE,
            plugged: false,
            synchronous: true,
            pending: HashMap::new(),
            layouts: Vec::new(),
            cancelled: Arc::new(AtomicBool::new(false)),
            loop_entries: HashMap::new(),
            failed_loops: std::collections::HashSet::new(),
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

    /// Brings the mirrors of the store's functions up to date; returns the store-wide arrays native
    /// `call_indirect` reads (signature ids, instances, native entries) and their common length.
    pub(crate) fn sync_funcs(&mut self, funcs: &[FuncEntity]) -> (*const u32, *const u32, *const *const u8, usize) {
        for f in &funcs[self.func_types.len().min(funcs.len())..] {
            let instance = match f {
                FuncEntity::Wasm { instance, .. } => instance.index(),
                FuncEntity::Host { .. } => u32::MAX,
            };
            self.func_types.push(f.type_id());
            self.func_instances.push(instance);
        }
        if self.native.len() < self.func_types.len() {
            self.native.resize(self.func_types.len(), core::ptr::null());
        }
        (self.func_types.as_ptr(), self.func_instances.as_ptr(), self.native.as_ptr(), self.func_types.len())
    }

    fn code_of(&self, key: Key) -> Option<*const u8> {
        match key.at_loop {
            None => self.native(key.func),
            Some(_) => self.loop_entries.get(&key.func).copied(),
        }
    }

    fn failed_key(&self, key: Key) -> bool {
        match key.at_loop {
            None => self.failed(key.func),
            Some(_) => self.failed_loops.contains(&key.func),
        }
    }
}

/// What is asked for: a function's entry, or an entry at one of its loops. One compilation serves every loop
/// of a function (see `Key::unit`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    /// The store function.
    pub func: usize,
    /// The loop to enter at (on-stack replacement), or `None` for the function's entry.
    pub at_loop: Option<u32>,
}

impl Key {
    /// The compilation that serves this key: the function's entry, or its loop entry (all loops).
    fn unit(self) -> (usize, bool) {
        (self.func, self.at_loop.is_some())
    }

    /// Where the compiled code is entered.
    fn entry(self) -> Entry {
        match self.at_loop {
            None => Entry::Function,
            Some(_) => Entry::Loops,
        }
    }
}

/// The tier state of `store`, created on first use.
pub fn state(store: &mut StoreInner) -> &mut TierState {
    state_in(store.tier_state_mut())
}

/// The tier state in `slot` (a store's `tier_state`), created on first use.
pub(crate) fn state_in(slot: &mut Option<Box<dyn core::any::Any>>) -> &mut TierState {
    if !slot.as_ref().is_some_and(|s| s.is::<TierState>()) {
        *slot = Some(Box::new(TierState::new()));
    }
    match slot.as_mut().and_then(|s| s.downcast_mut::<TierState>()) {
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
    let num_funcs = store.instances().get(instance as usize).map_or(0, |i| i.funcs.len());
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
pub fn compile(store: &mut StoreInner, key: Key, weight: u64) -> Handover {
    let func = key.func;
    let st = state(store);
    if st.code_of(key).is_some() {
        return Handover::Ready;
    }
    if st.failed_key(key) {
        return Handover::Declined;
    }
    if let Some((answer, _)) = st.pending.get(&key.unit()) {
        let done = match answer.try_recv() {
            Ok(done) => done,
            Err(TryRecvError::Empty) => return Handover::Pending,
            Err(TryRecvError::Disconnected) => {
                worker::Done { result: Err("the compiler thread stopped".into()), time: Duration::ZERO }
            }
        };
        let Some((_, weight)) = st.pending.remove(&key.unit()) else { return Handover::Declined };
        let placed = done.result.and_then(|compiled| place(store, key, compiled));
        return finish(store, key, placed, done.time, weight);
    }

    let job = match job(store, key) {
        Ok(job) => job,
        Err(e) => return finish(store, key, Err(e), Duration::ZERO, weight),
    };
    let job = if state(store).synchronous { Err(Box::new(job)) } else { worker::submit(job) };
    match job {
        Ok(answer) => {
            state(store).pending.insert(key.unit(), (answer, weight));
            log::debug!("tier-up: function {func} queued for compilation (weight {weight})");
            Handover::Pending
        }
        Err(job) => {
            let start = Instant::now();
            let placed = worker::run(&job).and_then(|compiled| place(store, key, compiled));
            finish(store, key, placed, start.elapsed(), weight)
        }
    }
}

/// Records the outcome of compiling `func`.
fn finish(
    store: &mut StoreInner,
    key: Key,
    placed: Result<(*const u8, usize, u32), String>,
    compile_time: Duration,
    weight: u64,
) -> Handover {
    let func = key.func;
    let st = state(store);
    match placed {
        Ok((code, size, index)) => {
            match key.at_loop {
                None => {
                    if st.native.len() <= func {
                        st.native.resize(func + 1, core::ptr::null());
                    }
                    st.native[func] = code;
                }
                Some(_) => {
                    st.loop_entries.insert(func, code);
                }
            }
            let at = st.started.elapsed();
            let at_loop = key.at_loop;
            st.stats.events.push(TierUpEvent { func, index, at_loop, at, compile_time, code_size: size, weight });
            log::debug!("tier-up: function {func} (loop {at_loop:?}) compiled in {compile_time:?} ({size} bytes)");
            Handover::Ready
        }
        Err(e) => {
            match key.at_loop {
                None => {
                    if st.failed.len() <= func {
                        st.failed.resize(func + 1, false);
                    }
                    st.failed[func] = true;
                }
                Some(_) => {
                    st.failed_loops.insert(func);
                }
            }
            log::debug!("tier-up: function {func} stays interpreted: {e}");
            st.stats.failures.push((func, e));
            Handover::Declined
        }
    }
}

/// The compilation job for `key`: the function's index in its module and its instance's layout (copied
/// from the store at the instance's first compilation).
fn job(store: &mut StoreInner, key: Key) -> Result<worker::Job, String> {
    let (instance, index) = match store.funcs().get(key.func) {
        Some(FuncEntity::Wasm { instance, index, .. }) => (instance.index() as usize, *index),
        _ => return Err("not a wasm function".into()),
    };
    let known = state(store).layouts.get(instance).cloned().flatten();
    let layout = match known {
        Some(layout) => layout,
        None => {
            let inst = store.instances().get(instance).ok_or("no such instance")?;
            let layout = InstanceLayout::new(store, inst, instance as u32);
            let st = state(store);
            if st.layouts.len() <= instance {
                st.layouts.resize(instance + 1, None);
            }
            st.layouts[instance] = Some(layout.clone());
            layout
        }
    };
    let cancelled = state(store).cancelled.clone();
    Ok(worker::Job { layout, index, entry: key.entry(), cancelled })
}

/// Places compiled code for `key` and enters a function's entry in its instance's function table.
fn place(store: &mut StoreInner, key: Key, compiled: Compiled) -> Result<(*const u8, usize, u32), String> {
    let (instance, index) = match store.funcs().get(key.func) {
        Some(FuncEntity::Wasm { instance, index, .. }) => (instance.index(), *index),
        _ => return Err("not a wasm function".into()),
    };
    let ctx = vmctx(store, instance);
    let st = state(store);
    if st.code.is_none() {
        st.code = Some(CodeMemory::new()?);
    }
    let code = st.code.as_mut().ok_or("no code memory")?;
    let (ptr, size) = code.place(compiled, key.entry())?;
    if key.at_loop.is_none() {
        // SAFETY: `ctx` is this store's live context for the instance (owned by the tier state).
        unsafe { (*ctx).set_func(index, ptr) };
    }
    Ok((ptr, size, index))
}

/// The signature of native code (see [`crate::translate::native_signature`]).
type NativeFn = unsafe extern "C" fn(*mut VmCtx, *mut u64, u64) -> u32;

/// The signature of a loop entry (see [`crate::translate::osr_signature`]).
type OsrFn = unsafe extern "C" fn(*mut VmCtx, *mut u64, u64, u32) -> u32;

/// Runs the native code of store function `func` (compiled already) on `cells` (arguments in, results out;
/// at least as many as the larger of its parameter and result counts). `depth` counts the wasm frames
/// active, this call included.
pub fn enter(store: &mut StoreInner, func: usize, cells: &mut [u64], depth: usize) -> Result<(), Trap> {
    enter_key(store, Key { func, at_loop: None }, cells, depth)
}

/// Runs the rest of store function `func` natively from the header of its loop `k` (compiled already):
/// `cells` is the interpreter's frame (locals, then the operand stack in its canonical slots); the results
/// are written to cells `0..`.
pub fn enter_at_loop(store: &mut StoreInner, func: usize, k: u32, cells: &mut [u64], depth: usize) -> Result<(), Trap> {
    enter_key(store, Key { func, at_loop: Some(k) }, cells, depth)
}

fn enter_key(store: &mut StoreInner, key: Key, cells: &mut [u64], depth: usize) -> Result<(), Trap> {
    let instance = match store.funcs().get(key.func) {
        Some(FuncEntity::Wasm { instance, type_id, index }) => {
            let ty = store.types().get(*type_id as usize).ok_or_else(|| Trap::engine_defect("bad type id"))?;
            // A loop entry reads the frame's locals (and the operand stack after them).
            let locals = match key.at_loop {
                None => 0,
                Some(_) => num_locals(store, instance.index(), *index).unwrap_or(usize::MAX),
            };
            if cells.len() < ty.params().len().max(ty.results().len()).max(locals) {
                return Err(Trap::engine_defect("too few cells for a native call"));
            }
            instance.index()
        }
        _ => return Err(Trap::engine_defect("native entry of a non-wasm function")),
    };
    let code = state(store).code_of(key).ok_or_else(|| Trap::engine_defect("function has no native code"))?;
    let ctx = vmctx(store, instance);

    let outermost = state(store).stack_limit == 0;
    if outermost {
        let sp = stack::stack_pointer();
        let limit = stack::limit_below_here(NATIVE_STACK_BUDGET);
        let st = state(store);
        st.stack_limit = limit;
        st.slow_call_reserve = SLOW_CALL_RESERVE.min(sp.saturating_sub(limit) / 2);
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
        match key.at_loop {
            None => {
                let f: NativeFn = core::mem::transmute::<*const u8, NativeFn>(code);
                f(ctx, cells.as_mut_ptr(), depth as u64)
            }
            Some(k) => {
                let f: OsrFn = core::mem::transmute::<*const u8, OsrFn>(code);
                f(ctx, cells.as_mut_ptr(), depth as u64, k)
            }
        }
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
        status::PENDING => Err(unsafe { (*ctx).pending.take() }.unwrap_or_else(|| Trap::engine_defect("trap lost"))),
        // SAFETY: as above; the payload was left by a helper of this run.
        status::PANICKED => match unsafe { (*ctx).panic.take() } {
            Some(payload) => std::panic::resume_unwind(payload),
            None => Err(Trap::engine_defect("a helper panicked")),
        },
        s => Err(Trap::new(status::code(s).unwrap_or(TrapCode::EngineDefect))),
    }
}

/// Number of locals (parameters included) of function `index` of store instance `instance`.
fn num_locals(store: &StoreInner, instance: u32, index: u32) -> Option<usize> {
    let info = store.instances().get(instance as usize)?.module.info();
    let body = info.bodies.get(index.checked_sub(info.num_imported_funcs)? as usize)?;
    let bytes = info.bytes.get(body.range.clone())?;
    let body = wasmparser::FunctionBody::new(wasmparser::BinaryReader::new(bytes, body.range.start as u64));
    let mut n = info.func_type(index)?.params().len();
    let mut locals = body.get_locals_reader().ok()?;
    for _ in 0..locals.get_count() {
        n = n.checked_add(locals.read().ok()?.0 as usize)?;
    }
    Some(n)
}

/// Whether the host stack has room for a slow call (the interpreter, a host function) from native code.
pub(crate) fn room_for_slow_call(store: &mut StoreInner) -> bool {
    let st = state(store);
    st.stack_limit == 0 || stack::stack_pointer() > st.stack_limit.saturating_add(st.slow_call_reserve)
}

/// Time spent in native code by the outermost native calls, for stats.
pub fn native_time(store: &mut StoreInner) -> Duration {
    state(store).stats.native_time
}
