//! The executor's per-store state: translated code, the value stack and the frame stack. It lives in
//! `StoreInner::executor_state_mut` between calls and while a host function runs (so that the host can call back
//! into wasm), and is taken out of the store while the dispatch loop runs.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::any::Any;

use ember_core::{StoreInner, Trap, TrapCode, Val};

use super::dispatch::Position;
use crate::code::CompiledFunc;
use crate::verify::VerifiedFunc;

/// A function's cache entry: its bytecode and its tier-up counters.
#[derive(Debug)]
pub(crate) struct Entry {
    /// The translated (or installed) code.
    pub code: VerifiedFunc,
    /// Number of times the function was entered.
    pub calls: u32,
    /// Number of loop back-edges it took (`ProfileLoop`; only counted when profiling code was emitted).
    pub loops: u32,
    /// The store index of the instance the function belongs to ([`NO_INSTANCE`] for a host function): calls
    /// within one instance stay in the dispatch loop.
    pub instance: u32,
    /// The dispatch loop enters the function in place while `calls <= gate`; past it, calls take the
    /// out-of-loop path, where a higher tier is consulted (see `tier.rs`). `u32::MAX` when no tier will take
    /// the function (`calls` saturates there, so it never leaves the loop), 0 once it has native code (it has
    /// been called by then).
    pub gate: u32,
    /// Whether a higher tier has native code for the function: calls run that instead.
    pub native: bool,
    /// Back-edge count past which a hot loop is offered to the higher tier for on-stack replacement
    /// (`u32::MAX`: never, as `loops` saturates there).
    pub loop_gate: u32,
}

/// [`Entry::instance`] of code installed for a host function (never run).
pub(crate) const NO_INSTANCE: u32 = u32::MAX;

impl Entry {
    pub(crate) fn new(code: VerifiedFunc, instance: u32) -> Entry {
        Entry { code, calls: 0, loops: 0, instance, gate: u32::MAX, native: false, loop_gate: u32::MAX }
    }
}

/// A suspended caller: where to resume when the callee returns. Plain data: its code is a `CodeRef`, kept
/// alive by the state (see [`ExecState::retired`]).
#[derive(Copy, Clone, Debug)]
pub(crate) struct Frame {
    /// The caller: its code, frame base, store function index (for its counters) and store instance index.
    pub caller: Position,
    /// Where the caller resumes: the instruction after the call.
    pub pc: usize,
}

/// Everything the interpreter keeps per store.
#[derive(Debug, Default)]
pub(crate) struct ExecState {
    /// Code of each store function that has been translated or installed, indexed by store function index.
    pub funcs: Vec<Option<Entry>>,
    /// The value stack shared by all frames: only grows, so it is reused by later calls.
    pub stack: Vec<u64>,
    /// Suspended callers of all executions in progress (nested executions stack on top).
    pub frames: Vec<Frame>,
    /// Code replaced in `funcs` while executions were in progress: kept until none is, because their frames
    /// and running positions hold [`CodeRef`]s to it. With this, every `CodeRef` the state hands out stays
    /// valid while any execution is in progress: code leaves the state only through here, and this is cleared
    /// only when no execution is [`active`](ExecState::active) any more.
    pub retired: Vec<VerifiedFunc>,
    /// First value-stack slot not used by an execution in progress: where a nested execution starts.
    pub stack_top: usize,
    /// Number of `Executor::call`s in progress (nesting through host functions).
    pub nesting: u32,
    /// Executions in progress on this state: `Executor::call`s and calls from native code
    /// (`tier::call_raw`). While any is, replaced code is retired rather than dropped.
    pub active: u32,
    /// Reusable argument buffer for host calls.
    pub host_params: Vec<Val>,
    /// Reusable result buffer for host calls.
    pub host_results: Vec<Val>,
    /// The higher tier hot functions are handed to, if one is plugged in (see `tier.rs`).
    pub tier: Option<&'static dyn super::tier::HigherTier>,
    /// The weighted count from which a function is handed to `tier`.
    pub threshold: u64,
    /// [`Entry::gate`] of new entries while a tier is plugged in.
    pub gate: u32,
    /// [`Entry::loop_gate`] of new entries while a tier is plugged in.
    pub loop_gate: u32,
    /// Passes through `ProfileLoop`s between two loop samples while a tier is plugged in (0: no tier).
    pub loop_sample: u32,
    /// Passes left until the next loop sample (counted down by `ProfileLoop`, reset to `loop_sample`).
    pub loop_budget: u32,
    /// Wasm frames active outside this state's frame stack (native frames below a nested execution): they
    /// count towards `StoreLimits::max_call_depth` too.
    pub depth_offset: usize,
    /// Reusable argument/result cells for calls into native code.
    pub native_cells: Vec<u64>,
}

impl ExecState {
    /// The higher tier, if one is plugged in. Always `None` without the `higher-tier` feature, which lets the
    /// compiler drop every path to native code from builds that cannot have one (devices).
    #[inline(always)]
    pub fn higher_tier(&self) -> Option<&'static dyn super::tier::HigherTier> {
        if cfg!(feature = "higher-tier") {
            self.tier
        } else {
            None
        }
    }

    /// The cache entry of store function `func`, if it has code.
    #[inline]
    pub(crate) fn entry(&mut self, func: usize) -> Option<&mut Entry> {
        self.funcs.get_mut(func).and_then(Option::as_mut)
    }

    /// Number of suspended callers.
    #[inline(always)]
    pub(crate) fn depth(&self) -> usize {
        self.frames.len()
    }

    /// Makes sure the state keeps `code` (store function `func`'s, held by the caller) alive while executions
    /// are in progress, so that [`CodeRef`]s to it may go into frames: it is, if it is still `func`'s cache
    /// entry; otherwise (the entry was replaced, or this state replaced another) it is retired here.
    #[inline]
    pub(crate) fn retain(&mut self, func: usize, code: &VerifiedFunc) {
        let cached = self.funcs.get(func).and_then(Option::as_ref).is_some_and(|e| e.code.same(code));
        if !cached {
            self.retired.push(code.clone());
        }
    }

    /// Ends one of the [`ExecState::active`] executions; after the last, no frame or position refers to
    /// retired code any more, and it is dropped.
    pub(crate) fn end_execution(&mut self) {
        self.active = self.active.saturating_sub(1);
        if self.active == 0 {
            self.retired.clear();
        }
    }

    /// Saves a caller.
    #[inline(always)]
    pub(crate) fn push_frame(&mut self, frame: Frame) {
        self.frames.push(frame);
    }

    /// Whether a caller can be saved without growing the frame stack. The call handler checks this and leaves
    /// growing (an allocator call) to the run loop, which keeps the handler free of calls, so that its registers
    /// need not be saved around one.
    #[inline(always)]
    pub(crate) fn frame_room(&self) -> bool {
        self.frames.len() < self.frames.capacity()
    }

    /// Saves a caller, without a capacity check.
    ///
    /// # Safety
    /// [`ExecState::frame_room`] is true.
    #[inline(always)]
    pub(crate) unsafe fn push_frame_unchecked(&mut self, frame: Frame) {
        let len = self.frames.len();
        debug_assert!(len < self.frames.capacity());
        // SAFETY: the vector has room for one more element (the caller's contract): writing it past the
        // length and then counting it is what `push` does after its capacity check.
        unsafe {
            self.frames.as_mut_ptr().add(len).write(frame);
            self.frames.set_len(len + 1);
        }
    }

    /// Takes back the latest caller.
    #[inline(always)]
    pub(crate) fn pop_frame(&mut self) -> Option<Frame> {
        self.frames.pop()
    }

    /// Drops the suspended callers above `depth`.
    pub(crate) fn truncate_frames(&mut self, depth: usize) {
        self.frames.truncate(depth);
    }

    /// Stores code for store function `func` of store instance `instance`, keeping its counters if it already
    /// had an entry.
    pub(crate) fn set_code(&mut self, func: usize, code: VerifiedFunc, instance: u32) -> &mut Entry {
        if self.funcs.len() <= func {
            self.funcs.resize_with(func + 1, || None);
        }
        let (gate, loop_gate) = match self.higher_tier() {
            Some(_) => (self.gate, self.loop_gate),
            None => (u32::MAX, u32::MAX),
        };
        let slot = &mut self.funcs[func];
        match slot {
            Some(e) => {
                // The old code may be running or suspended in a frame: retire it rather than drop it.
                let old = core::mem::replace(&mut e.code, code);
                self.retired.push(old);
                e.instance = instance;
            }
            None => {
                let mut e = Entry::new(code, instance);
                e.gate = gate;
                e.loop_gate = loop_gate;
                *slot = Some(e);
            }
        }
        match slot {
            Some(e) => e,
            None => unreachable!("just filled"),
        }
    }

    /// Makes sure the value stack holds the `len` slots from `base` (all zero when new); returns where they end.
    /// Traps with `call stack exhausted` past `limit`, when the allocator refuses, or when `base + len` does not
    /// fit a `usize` (it cannot for verified code, whose frames are at most [`MAX_FRAME_SIZE`] slots, but the sum
    /// is checked rather than assumed: on a 32-bit target a wrapped sum would pass every later bounds check).
    ///
    /// [`MAX_FRAME_SIZE`]: crate::verify::MAX_FRAME_SIZE
    #[inline]
    pub(crate) fn reserve_stack(&mut self, base: usize, len: usize, limit: usize) -> Result<usize, Trap> {
        let end = frame_end(base, len).ok_or(Trap::new(TrapCode::StackOverflow))?;
        if end > limit {
            return Err(Trap::new(TrapCode::StackOverflow));
        }
        if end > self.stack.len() {
            self.grow_stack(end)?;
        }
        Ok(end)
    }

    #[cold]
    fn grow_stack(&mut self, end: usize) -> Result<(), Trap> {
        let more = end - self.stack.len();
        self.stack.try_reserve(more).map_err(|_| Trap::new(TrapCode::StackOverflow))?;
        self.stack.resize(end, 0);
        Ok(())
    }
}

/// Where a frame of `len` slots at `base` ends, if that fits a `usize`. Every check of a frame against the
/// value stack goes through here, so that no base-plus-size sum can wrap on a 32-bit target.
#[inline(always)]
pub(crate) fn frame_end(base: usize, len: usize) -> Option<usize> {
    base.checked_add(len)
}

/// Number of slots a frame of `func` occupies. Verification guarantees `num_params <= num_locals <=
/// frame_size`, so this covers the parameters and locals too.
#[inline(always)]
pub(crate) fn frame_len(func: &CompiledFunc) -> usize {
    func.frame_size as usize
}

/// Takes the interpreter's state out of the store, creating it on first use (or if another executor's state
/// is there).
pub(crate) fn take(store: &mut StoreInner) -> Box<ExecState> {
    match store.executor_state_mut().take().map(|s| s.downcast::<ExecState>()) {
        Some(Ok(state)) => state,
        _ => Box::default(),
    }
}

/// Puts the state back into the store.
pub(crate) fn put(store: &mut StoreInner, state: Box<ExecState>) {
    *store.executor_state_mut() = Some(state as Box<dyn Any>);
}

/// Takes the state back after a host call. `None` if the host replaced or removed it, which loses the
/// executions in progress.
pub(crate) fn reclaim(store: &mut StoreInner) -> Option<Box<ExecState>> {
    store.executor_state_mut().take()?.downcast::<ExecState>().ok()
}

/// The trap for an execution whose state a host function took away.
#[cold]
pub(crate) fn lost() -> Trap {
    Trap::engine_defect("the interpreter's state was removed from the store during a host call")
}
