//! Hooks for a higher tier (native code): the interpreter counts calls and loop back-edges per function,
//! hands a function whose weighted count passes the engine's `tier_up_threshold` to the tier, and from then
//! on calls its native code instead of interpreting it. Native code calls back into the interpreter with
//! [`call_raw`].
//!
//! The interpreter knows nothing of how native code is made: a tier is a [`HigherTier`]. Calls pass arguments
//! and results in 64-bit cells, exactly like interpreter frames.

use alloc::boxed::Box;

use ember_core::{cells_of, FuncEntity, StoreInner, Trap, TrapCode};

use super::state::{self, frame_len, ExecState};
use super::{bad_code, call, run};
use crate::ops::Opcode;

/// Weight of one call in a function's hotness (JavaScriptCore's baseline uses about the same ratio).
pub const CALL_WEIGHT: u64 = 15;
/// Weight of one loop back-edge.
pub const LOOP_WEIGHT: u64 = 1;

/// Passes through loop headers between two loop samples, at most: each sample credits this many back-edges
/// to the running function. Counting every pass into the function's entry would cost a lookup per
/// iteration; a store-wide countdown costs a decrement, and a loop that runs long gets sampled anyway.
#[cfg(feature = "higher-tier")]
const MAX_LOOP_SAMPLE: u32 = 256;

/// While a hot function is being compiled elsewhere, calls run in place for this many more calls before the
/// tier is asked again: asking on every call (a lookup and a channel poll) costs more than interpreting a
/// small function, and a few dozen calls more in the interpreter cost nothing next to a compilation.
const PENDING_RECHECK_CALLS: u32 = 32;

/// Like [`PENDING_RECHECK_CALLS`], for a loop waiting for its entry at the header: iterations to run before
/// asking again (finding the loop's index walks the function's code).
const PENDING_RECHECK_LOOPS: u32 = 1024;

/// A tier's answer when handed a hot function.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Handover {
    /// Native code is ready: calls run it from now on.
    Ready,
    /// Being compiled (on another thread): ask again at the next call.
    Pending,
    /// Not compiled: the function stays in the interpreter for good.
    Declined,
}

/// A tier that compiles hot functions to native code and runs it.
pub trait HigherTier: Sync + core::fmt::Debug {
    /// Store function `func` has become hot (its weighted count is `weight`): compile it, or start compiling
    /// it, or say how that is going.
    fn hot(&self, store: &mut StoreInner, func: usize, weight: u64) -> Handover;
    /// Runs the native code of store function `func`: arguments are in `cells` from 0, results go there.
    /// `depth` is the number of wasm frames active, this call included.
    fn call_native(&self, store: &mut StoreInner, func: usize, cells: &mut [u64], depth: usize) -> Result<(), Trap>;
    /// The `loop_index`-th loop of store function `func` (counting the loops of its body in order, those in
    /// unreachable code excepted) is hot: compile an entry at its header, or say how that is going.
    fn hot_loop(&self, store: &mut StoreInner, func: usize, loop_index: u32, weight: u64) -> Handover;
    /// Runs the rest of `func` natively from the header of loop `loop_index`: `cells` is the interpreter's
    /// frame (locals, then the operand stack in its canonical slots); the results go to `cells` from 0.
    fn call_at_loop(
        &self,
        store: &mut StoreInner,
        func: usize,
        loop_index: u32,
        cells: &mut [u64],
        depth: usize,
    ) -> Result<(), Trap>;
}

/// Plugs `tier` into the interpreter of `store` (or unplugs it with `None`): a function is handed to it once
/// its weighted count (calls × [`CALL_WEIGHT`] + back-edges × [`LOOP_WEIGHT`]) reaches `threshold`.
#[cfg(feature = "higher-tier")]
pub fn set_higher_tier(store: &mut StoreInner, tier: Option<&'static dyn HigherTier>, threshold: u64) {
    let mut st = state::take(store);
    st.tier = tier;
    st.threshold = threshold;
    st.gate = tier.map_or(u32::MAX, |_| gate(threshold));
    st.loop_gate = tier.map_or(u32::MAX, |_| loop_gate(threshold));
    st.loop_sample = tier.map_or(0, |_| st.loop_gate.clamp(1, MAX_LOOP_SAMPLE));
    st.loop_budget = st.loop_sample.max(1);
    let (gate, loop_gate) = (st.gate, st.loop_gate);
    for e in st.funcs.iter_mut().flatten() {
        if !e.native {
            e.gate = gate;
            e.loop_gate = loop_gate;
        }
    }
    state::put(store, st);
}

/// The call count from which the dispatch loop stops entering a function in place, so that the out-of-loop
/// path can weigh its counters.
#[cfg(feature = "higher-tier")]
pub(crate) fn gate(threshold: u64) -> u32 {
    u32::try_from(threshold / CALL_WEIGHT).unwrap_or(u32::MAX - 1)
}

/// The back-edge count from which a loop is offered for on-stack replacement.
#[cfg(feature = "higher-tier")]
fn loop_gate(threshold: u64) -> u32 {
    u32::try_from(threshold / LOOP_WEIGHT).unwrap_or(u32::MAX - 1)
}

/// A loop sample: the dispatch loop passed `sample` loop headers (`ProfileLoop`s) since the last one, the
/// last just before `target` (a loop header) of `code` (store function `func`, frame at `base`, `depth` frames active). Credits them to
/// the function; when it is past its loop gate and the loop's entry at that header is (or now becomes)
/// native code, runs the rest of the function natively on a copy of the frame and writes its results to the
/// frame's slots `0..`. Returns whether it did; if not, the interpreter goes on at `target`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn sample_loop(
    store: &mut StoreInner,
    slot: &mut Option<Box<ExecState>>,
    code: &crate::verify::VerifiedFunc,
    func: usize,
    target: usize,
    sample: u32,
    base: usize,
    depth: usize,
) -> Result<bool, Trap> {
    let st = slot.as_deref_mut().ok_or_else(state::lost)?;
    let Some(tier) = st.higher_tier() else { return Ok(false) };
    let Some(e) = st.entry(func) else { return Ok(false) };
    e.loops = e.loops.saturating_add(sample);
    if e.loops <= e.loop_gate {
        return Ok(false);
    }
    // The loop is identified by the `ProfileLoop` just before `target`.
    let Some(at) = target.checked_sub(crate::ops::op::ProfileLoop::UNITS) else { return Ok(false) };
    let Some(loop_index) = loop_index(code, at) else { return Ok(false) };
    let w = weight(e.calls, e.loops);
    let answer = tier.hot_loop(store, func, loop_index, w);
    if let Some(e) = st.entry(func) {
        e.loop_gate = match answer {
            Handover::Ready => e.loop_gate,
            Handover::Pending => e.loops.saturating_add(PENDING_RECHECK_LOOPS).min(u32::MAX - 1),
            Handover::Declined => u32::MAX,
        };
    }
    if answer != Handover::Ready {
        return Ok(false);
    }
    let size = frame_len(code);
    let mut st = slot.take().ok_or_else(state::lost)?;
    let mut cells = core::mem::take(&mut st.native_cells);
    cells.clear();
    let frame_top = state::frame_end(base, size).ok_or_else(|| bad_code("frame"))?;
    cells.extend_from_slice(st.stack.get(base..frame_top).ok_or_else(|| bad_code("frame"))?);
    let saved_top = core::mem::replace(&mut st.stack_top, frame_top);
    state::put(store, st);

    let outcome = tier.call_at_loop(store, func, loop_index, &mut cells, depth);

    let Some(mut st) = state::reclaim(store) else { return Err(state::lost()) };
    st.stack_top = saved_top;
    if outcome.is_ok() {
        let results = match store.funcs().get(func) {
            Some(FuncEntity::Wasm { type_id, .. }) => {
                store.types().get(*type_id as usize).map_or(0, |t| cells_of(t.results()))
            }
            _ => 0,
        };
        let out = state::frame_end(base, results).and_then(|end| st.stack.get_mut(base..end));
        if let (Some(out), Some(src)) = (out, cells.get(..results)) {
            out.copy_from_slice(src);
        }
    }
    st.native_cells = cells;
    *slot = Some(st);
    outcome.map(|()| true)
}

/// Which loop of its function the `ProfileLoop` at `at` marks: the number of `ProfileLoop`s before it. `None`
/// if no `ProfileLoop` starts at `at`.
fn loop_index(code: &crate::verify::VerifiedFunc, at: usize) -> Option<u32> {
    let mut pc = 0;
    let mut n = 0u32;
    while pc < at {
        let (opcode, units) = Opcode::with_units_at(&code.code, pc)?;
        if opcode == Opcode::ProfileLoop {
            n += 1;
        }
        pc += units;
    }
    let marker = Opcode::with_units_at(&code.code, at)?.0 == Opcode::ProfileLoop;
    (pc == at && marker).then_some(n)
}

/// A function's weighted count.
fn weight(calls: u32, loops: u32) -> u64 {
    u64::from(calls) * CALL_WEIGHT + u64::from(loops) * LOOP_WEIGHT
}

/// Whether store function `func` (which has an entry) runs as native code: asks the tier when the function
/// is hot and has none yet.
pub(crate) fn wants_native(store: &mut StoreInner, st: &mut ExecState, func: usize) -> bool {
    let Some(tier) = st.higher_tier() else { return false };
    let Some(e) = st.entry(func) else { return false };
    if e.native {
        return true;
    }
    let w = weight(e.calls, e.loops);
    // `gate == u32::MAX`: no tier, or the tier declined the function.
    if e.gate == u32::MAX || w < st.threshold {
        return false;
    }
    let answer = tier.hot(store, func, w);
    if let Some(e) = st.entry(func) {
        e.native = answer == Handover::Ready;
        e.gate = match answer {
            Handover::Ready => 0,
            Handover::Pending => e.calls.saturating_add(PENDING_RECHECK_CALLS).min(u32::MAX - 1),
            // Never ask again.
            Handover::Declined => u32::MAX,
        };
    }
    e_native(st, func)
}

fn e_native(st: &mut ExecState, func: usize) -> bool {
    st.entry(func).is_some_and(|e| e.native)
}

/// Calls the native code of `func` on the cells at `args_at` of the value stack (arguments in, results out).
/// The state goes back into the store meanwhile (native code may call into the interpreter above `top`).
pub(crate) fn call_native(
    store: &mut StoreInner,
    slot: &mut Option<Box<ExecState>>,
    func: usize,
    args_at: usize,
    top: usize,
    depth: usize,
) -> Result<(), Trap> {
    let type_id = match store.funcs().get(func) {
        Some(FuncEntity::Wasm { type_id, .. }) => *type_id as usize,
        _ => return Err(bad_code("native function index")),
    };
    let ty = store.types().get(type_id).ok_or_else(|| bad_code("type id"))?;
    // Arguments and results in cells, as in a frame.
    let results = cells_of(ty.results());
    let n = cells_of(ty.params()).max(results);
    let mut st = slot.take().ok_or_else(state::lost)?;
    let Some(tier) = st.higher_tier() else {
        *slot = Some(st);
        return Err(bad_code("native code without a tier"));
    };
    let mut cells = core::mem::take(&mut st.native_cells);
    cells.clear();
    let args = state::frame_end(args_at, n).and_then(|end| st.stack.get(args_at..end));
    cells.extend_from_slice(args.ok_or_else(|| bad_code("call arguments"))?);
    let saved_top = core::mem::replace(&mut st.stack_top, top);
    state::put(store, st);

    let outcome = tier.call_native(store, func, &mut cells, depth);

    let Some(mut st) = state::reclaim(store) else { return Err(state::lost()) };
    st.stack_top = saved_top;
    if outcome.is_ok() {
        let out = state::frame_end(args_at, results).and_then(|end| st.stack.get_mut(args_at..end));
        if let (Some(out), Some(src)) = (out, cells.get(..results)) {
            out.copy_from_slice(src);
        }
    }
    st.native_cells = cells;
    *slot = Some(st);
    outcome
}

/// Runs wasm function `func` (a store index) in the interpreter for native code: arguments are in `cells`
/// from 0 and the results are written there. `depth` is the number of wasm frames active, this call
/// included, so the call-depth limit holds across tiers.
pub fn call_raw(store: &mut StoreInner, func: usize, cells: &mut [u64], depth: usize) -> Result<(), Trap> {
    let mut st = state::take(store);
    st.active += 1;
    let mut slot = Some(st);
    let outcome = call_raw_in(store, &mut slot, func, cells, depth);
    if let Some(mut st) = slot {
        st.end_execution();
        state::put(store, st);
    }
    outcome
}

fn call_raw_in(
    store: &mut StoreInner,
    slot: &mut Option<Box<ExecState>>,
    func: usize,
    cells: &mut [u64],
    depth: usize,
) -> Result<(), Trap> {
    let (type_id, instance, index) = match store.funcs().get(func) {
        Some(FuncEntity::Wasm { type_id, instance, index }) => (*type_id as usize, *instance, *index),
        _ => return Err(bad_code("function for the interpreter")),
    };
    if depth > store.limits().max_call_depth {
        return Err(Trap::new(TrapCode::StackOverflow));
    }
    let st = slot.as_deref_mut().ok_or_else(state::lost)?;
    let base = st.stack_top;
    let entry_len = st.depth();
    let saved_offset = st.depth_offset;
    let entry = call::entry(store, st, func, instance, index)?;
    entry.calls = entry.calls.saturating_add(1);
    let code = entry.code.clone();
    if wants_native(store, st, func) {
        // Hot now: run it natively after all, with the state back in the store.
        let tier = st.higher_tier();
        let (Some(st), Some(tier)) = (slot.take(), tier) else { return Err(state::lost()) };
        state::put(store, st);
        let outcome = tier.call_native(store, func, cells, depth);
        *slot = Some(state::reclaim(store).ok_or_else(state::lost)?);
        return outcome;
    }
    let frame_top = st.reserve_stack(base, frame_len(&code), store.limits().max_value_stack)?;
    let params = usize::from(code.num_params);
    let frame = st.stack.get_mut(base..frame_top).ok_or_else(|| bad_code("frame"))?;
    let (p, rest) = frame.split_at_mut(params.min(cells.len()));
    p.copy_from_slice(&cells[..p.len()]);
    let locals = (code.num_locals as usize).saturating_sub(params).min(rest.len());
    rest[..locals].fill(0);
    st.depth_offset = depth.saturating_sub(1 + entry_len);

    let outcome = run::run(store, slot, code, func, base, instance.index() as usize);

    let st = slot.as_deref_mut().ok_or_else(state::lost)?;
    st.depth_offset = saved_offset;
    st.stack_top = base;
    st.truncate_frames(entry_len);
    outcome?;
    let results = cells_of(store.types().get(type_id).ok_or_else(|| bad_code("type id"))?.results());
    let out = state::frame_end(base, results).and_then(|end| st.stack.get(base..end));
    let out = out.ok_or_else(|| bad_code("results"))?;
    cells.get_mut(..results).ok_or_else(|| bad_code("result cells"))?.copy_from_slice(out);
    Ok(())
}
