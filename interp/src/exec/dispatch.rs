//! Dispatch: how control passes from one instruction's handler to the next.
//!
//! Every instruction has its own handler (`handlers`), a function of the same four arguments: the context
//! [`Ctx`] and the hot state, which lives in registers: the instruction pointer [`Ip`], the frame pointer [`Sp`]
//! (slot 0 of the running frame) and memory 0 ([`Mem0`]: its base address, and on 64-bit targets its length).
//! A handler does its work and ends with [`next`], which continues at the next instruction, or with [`exit`] or
//! [`trap`], which leave the handlers with an [`Exit`] for the run loop (`run.rs`) to handle.
//!
//! Two backends, chosen by `build.rs` (the `ember_threaded` cfg), run the same handlers:
//! - **threaded**: `next` reads the next opcode and calls its handler from [`HANDLERS`] as the handler's last act.
//!   The call is a sibling call (same signature, nothing left to do after it), which LLVM emits as a jump at
//!   opt-level 2, 3, `s` and `z` on the targets `build.rs` lists: each handler jumps straight to the next, and
//!   every instruction has its own indirect jump for the branch predictor to learn.
//! - **loop**: `next` returns the hot state to [`run_handlers`]' loop, which looks up the next handler. For
//!   builds where sibling calls are not guaranteed to be jumps (debug builds, Miri, other targets), where the
//!   threaded form would grow the host stack with every instruction.
//!
//! The `tiny_stack` test runs long programs on a small thread stack in release builds, so a handler that stops
//! being a jump fails a test rather than a user's stack.

use ember_core::{InstanceEntity, MemoryEntity, StoreObjects, Trap, TrapCode};

use super::state::ExecState;
use crate::verify::CodeRef;

/// The instruction pointer: the opcode unit of the instruction being run.
pub(crate) type Ip = *const u16;

/// The frame pointer: slot 0 of the running frame in the value stack.
pub(crate) type Sp = *mut u64;

/// Memory 0 of the running instance, as the loads and stores use it. On 64-bit targets its length travels
/// with the base (two registers); on 32-bit targets, which have fewer argument registers (four on Arm), it is
/// read from [`Ctx::mem_len`] instead, so that every handler's arguments fit in registers and the sibling calls
/// stay jumps.
#[derive(Clone, Copy)]
pub(crate) struct Mem0 {
    base: *mut u8,
    #[cfg(target_pointer_width = "64")]
    len: usize,
}

impl Mem0 {
    /// Memory 0 as it is now; [`Ctx::mem_len`] brought up to date on 32-bit targets. Called again after
    /// anything that may move or resize it.
    #[inline(always)]
    pub(crate) fn load(cx: &mut Ctx<'_>) -> Mem0 {
        let len = cx.mem.len_bytes();
        let base = cx.mem.data_ptr();
        #[cfg(not(target_pointer_width = "64"))]
        {
            cx.mem_len = len;
            Mem0 { base }
        }
        #[cfg(target_pointer_width = "64")]
        Mem0 { base, len }
    }

    /// A placeholder that is never used for an access (the initial [`Ctx::moved`]).
    #[cfg(not(ember_threaded))]
    pub(crate) fn dangling() -> Mem0 {
        Mem0 {
            base: core::ptr::null_mut(),
            #[cfg(target_pointer_width = "64")]
            len: 0,
        }
    }

    /// The address of byte 0.
    #[inline(always)]
    pub(crate) fn base(self) -> *mut u8 {
        self.base
    }

    /// The size in bytes.
    #[inline(always)]
    pub(crate) fn len(self, _cx: &Ctx<'_>) -> usize {
        #[cfg(target_pointer_width = "64")]
        return self.len;
        #[cfg(not(target_pointer_width = "64"))]
        return _cx.mem_len;
    }
}

/// Why the handlers stopped: something the run loop handles with the whole store. The instruction pointer
/// to resume at (or where the trap happened) is in [`Ctx::ip`].
pub(crate) enum Exit {
    /// Call store function `func` with arguments at slot `args`; resume at `Ctx::ip`.
    Call { func: usize, args: usize },
    /// The current function returned (its results are in its slots `0..`).
    Return,
    /// Drop element segment `elem` of the current instance; resume at `Ctx::ip`.
    ElemDrop { elem: u32 },
    /// Drop data segment `data` of the current instance; resume at `Ctx::ip`.
    DataDrop { data: u32 },
    /// The loop-sample countdown ran out at a `ProfileLoop`; `Ctx::ip` is the loop header after it: credit the
    /// passes to the function, maybe run the rest of it natively from there (on-stack replacement; see
    /// `tier::sample_loop`), otherwise resume there.
    LoopSample,
    /// The execution traps.
    Trap(Trap),
}

/// Where the run is: the running function and its frame. Carried from one entry into the handlers to the
/// next by the run loop, and kept up to date by calls and returns between the handlers. A call saves it whole
/// in the caller's [`Frame`](super::state::Frame) (24 bytes on 64-bit targets: one copy, few registers).
#[derive(Copy, Clone, Debug)]
pub(crate) struct Position {
    /// The running function's code (kept alive by the state; see `ExecState::retired`).
    pub cur: CodeRef,
    /// Its frame base in the value stack.
    pub base: usize,
    /// Its store function index.
    pub cur_index: u32,
    /// Its store instance index.
    pub inst_idx: u32,
}

/// What the handlers need besides the hot state: the interpreter's state, the running instance and the store's
/// objects, borrowed for one entry into the handlers.
pub(crate) struct Ctx<'a> {
    /// Frames, code cache and value stack.
    pub st: &'a mut ExecState,
    /// The running instance.
    pub inst: &'a InstanceEntity,
    /// Memory 0 of the running instance (an empty stand-in if it has none).
    pub mem: &'a mut MemoryEntity,
    /// Tables, globals, functions, fuel.
    pub objects: &'a mut StoreObjects,
    /// The running function and frame.
    pub pos: Position,
    /// Start of `pos.cur`'s code: return addresses are kept relative to it.
    pub start: Ip,
    /// Calls may place a frame below this value-stack length in place (`min(stack.len(), max_value_stack)`);
    /// past it they leave the handlers, so that the stack is grown or the limit reported.
    pub stack_room: usize,
    /// Calls in place while fewer callers than this are suspended.
    pub max_frames: usize,
    /// Suspended callers when this run started: a return with no more than these leaves the run.
    pub entry_len: usize,
    /// The loop-sample countdown (see `ExecState::loop_budget`).
    pub loop_budget: u32,
    /// Memory 0's length on 32-bit targets (see [`Mem0`]).
    #[cfg(not(target_pointer_width = "64"))]
    pub mem_len: usize,
    /// Why the handlers stopped.
    pub exit: Exit,
    /// Where they stopped: see [`Exit`].
    pub ip: Ip,
    /// The loop backend's hand-over of a frame and memory 0 that moved (see [`next_moved`]).
    #[cfg(not(ember_threaded))]
    pub moved: (Sp, Mem0),
}

impl Ctx<'_> {
    /// The position of `ip` in the running code.
    #[inline(always)]
    pub(crate) fn pc_of(&self, ip: Ip) -> usize {
        // SAFETY: `ip` and `start` both point into `pos.cur`'s code, `ip` at or after `start`.
        unsafe { ip.offset_from(self.start) as usize }
    }
}

/// A handler: runs the instruction at `ip` and everything after it until the handlers are left.
///
/// # Safety
/// `ip` points to the start of an instruction of `cx.pos.cur`'s code, which passed verification, whose
/// opcode is this handler's; `sp` is that function's frame, `frame_size` slots inside the value stack; `mem`
/// is memory 0 of `cx.inst` as [`Mem0::load`] gave it, not moved since. Every handler keeps these true for the
/// next one.
pub(crate) type Handler = unsafe fn(cx: &mut Ctx<'_>, ip: Ip, sp: Sp, mem: Mem0) -> Done;

/// What a handler returns when the threaded backend leaves the handlers: nothing (the exit is in [`Ctx`]).
#[cfg(ember_threaded)]
pub(crate) struct Done(());

/// What a handler returns to the loop backend: the next instruction in one register (never through memory,
/// which on Arm would also push the handlers' fourth argument to the stack). Null: the handlers are left.
/// Low bit set (instructions are 2-aligned): the frame or memory 0 moved, and the new ones are in
/// [`Ctx::moved`] (see [`next_moved`]).
#[cfg(not(ember_threaded))]
pub(crate) struct Done(*const u16);

macro_rules! handler_table {
    ($( #[cfg($cfg:meta)] $(#[doc = $doc:literal])* $name:ident { $($field:ident : $ty:ty),* $(,)? } )*) => {
        /// Every opcode's handler, indexed by opcode. Built from the op table, so an instruction without a
        /// handler in `handlers` does not compile.
        pub(crate) static HANDLERS: [Handler; crate::ops::Opcode::ALL.len()] = [$(#[cfg($cfg)] super::handlers::$name),*];
    };
}
crate::for_each_op!(handler_table);

/// The handler of the instruction at `ip`.
///
/// # Safety
/// `ip` points to the opcode unit of an instruction of verified code, so the opcode is in the table.
#[inline(always)]
unsafe fn handler_at(ip: Ip) -> Handler {
    // SAFETY: `ip` points to an opcode unit (the caller's contract), and verified code holds only opcodes of
    // the table, which `HANDLERS` has one entry for each of.
    unsafe { *HANDLERS.get_unchecked(usize::from(ip.read())) }
}

/// Goes on with the instruction at `ip`, in the same frame and with memory 0 where it was: the last act of
/// every handler that does not leave (handlers that change `sp` or `mem` end with [`next_moved`]).
///
/// # Safety
/// As for [`Handler`], for the instruction at `ip`.
#[inline(always)]
pub(crate) unsafe fn next(cx: &mut Ctx<'_>, ip: Ip, sp: Sp, mem: Mem0) -> Done {
    #[cfg(ember_threaded)]
    {
        // SAFETY: forwarded from the caller.
        unsafe { handler_at(ip)(cx, ip, sp, mem) }
    }
    #[cfg(not(ember_threaded))]
    {
        let _ = (cx, sp, mem);
        Done(ip)
    }
}

/// [`next`] after a call, a return or a change of memory 0: `sp` or `mem` may differ from the handler's.
///
/// # Safety
/// As for [`Handler`], for the instruction at `ip`.
#[inline(always)]
pub(crate) unsafe fn next_moved(cx: &mut Ctx<'_>, ip: Ip, sp: Sp, mem: Mem0) -> Done {
    #[cfg(ember_threaded)]
    {
        // SAFETY: forwarded from the caller.
        unsafe { handler_at(ip)(cx, ip, sp, mem) }
    }
    #[cfg(not(ember_threaded))]
    {
        cx.moved = (sp, mem);
        Done(ip.wrapping_byte_add(1))
    }
}

/// Leaves the handlers with `exit`, to resume (if at all) at `ip`.
#[inline(always)]
pub(crate) fn exit(cx: &mut Ctx<'_>, ip: Ip, exit: Exit) -> Done {
    cx.exit = exit;
    cx.ip = ip;
    #[cfg(ember_threaded)]
    return Done(());
    #[cfg(not(ember_threaded))]
    return Done(core::ptr::null());
}

/// Leaves the handlers after [`Ctx::exit`] and [`Ctx::ip`] have been set (by [`record`]).
#[inline(always)]
pub(crate) fn left() -> Done {
    #[cfg(ember_threaded)]
    return Done(());
    #[cfg(not(ember_threaded))]
    return Done(core::ptr::null());
}

/// Records `outcome` of an out-of-line part of a handler: `true` if it succeeded; otherwise its trap is the
/// exit at `ip`, and the handler leaves with [`left`]. (Handlers keep fallible work that builds a [`Trap`] in
/// a separate function that answers with a `bool`: a `Trap` built in the handler itself would live in its
/// stack frame, and a handler whose stack frame a callee may reach cannot jump to the next one.)
#[inline(always)]
pub(crate) fn record(cx: &mut Ctx<'_>, ip: Ip, outcome: Result<(), Trap>) -> bool {
    match outcome {
        Ok(()) => true,
        Err(trap) => {
            cx.exit = Exit::Trap(trap);
            cx.ip = ip;
            false
        }
    }
}

/// Leaves the handlers with trap `code` at `ip`.
#[cold]
#[inline(never)]
pub(crate) fn trap(cx: &mut Ctx<'_>, ip: Ip, code: TrapCode) -> Done {
    exit(cx, ip, Exit::Trap(Trap::new(code)))
}

/// Leaves the handlers at `ip` with the trap for bytecode that names `what` wrongly (see `exec::bad_code`).
#[cold]
#[inline(never)]
pub(crate) fn defect(cx: &mut Ctx<'_>, ip: Ip, what: &'static str) -> Done {
    exit(cx, ip, Exit::Trap(super::bad_code(what)))
}

/// Runs the handlers from `ip` until they leave; the exit is in `cx.exit`.
///
/// # Safety
/// As for [`Handler`].
pub(crate) unsafe fn run_handlers(cx: &mut Ctx<'_>, ip: Ip, sp: Sp, mem: Mem0) {
    #[cfg(ember_threaded)]
    {
        // SAFETY: forwarded from the caller.
        let Done(()) = unsafe { next(cx, ip, sp, mem) };
    }
    #[cfg(not(ember_threaded))]
    {
        let (mut ip, mut sp, mut mem) = (ip, sp, mem);
        loop {
            // SAFETY: forwarded from the caller for the first instruction; each handler that goes on hands over
            // a state that satisfies the contract for the next one (a moved frame or memory through `cx.moved`).
            let Done(next) = unsafe { handler_at(ip)(cx, ip, sp, mem) };
            if next.is_null() {
                return;
            }
            if next as usize & 1 == 0 {
                ip = next;
            } else {
                ip = next.wrapping_byte_sub(1);
                (sp, mem) = cx.moved;
            }
        }
    }
}
