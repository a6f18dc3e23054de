//! Calls and returns. Between functions of the running instance they stay in the handlers: a call saves the
//! caller in `ExecState::frames` and goes on with the callee, a return pops it. Everything else (host
//! functions, other instances, code not translated yet, a value stack to grow, a function a higher tier may
//! take, the outermost return) leaves through an [`Exit`] to the run loop.

use ember_core::{Trap, TrapCode};

use super::{get, handler, set};
use crate::exec::bad_code;
use crate::exec::dispatch::{defect, exit, left, next_moved, record, Ctx, Done, Exit, Ip, Mem0, Position, Sp};
use crate::exec::state::{frame_end, frame_len, Frame};
use crate::exec::table;
use crate::operand::Slot;
use crate::ops::op;

/// Calls store function `func` with arguments at slot `args` of frame `sp`, from the call instruction at `ip`
/// of `units` units.
///
/// # Safety
/// The handler contract for the call instruction at `ip`.
#[inline(always)]
unsafe fn call(cx: &mut Ctx<'_>, ip: Ip, sp: Sp, mem: Mem0, func: usize, args: Slot, units: usize) -> Done {
    // SAFETY: a call is not a terminator, so the instruction after it exists.
    let after = unsafe { ip.add(units) };
    let inst_idx = cx.pos.inst_idx;
    // Full frame stacks leave too: the run loop grows them.
    let room = cx.st.frame_room();
    // In place only within the instance, and while a higher tier need not be consulted (`gate`). (Plain
    // matches, no closures: a closure that captures a local by reference, if the optimiser leaves it out of
    // line, puts that local's address in a call and stops the handler's last call from being a jump, as
    // `opt-level = "z"` did here on Cortex-M.)
    let entry = match cx.st.funcs.get_mut(func) {
        Some(Some(e)) if e.instance == inst_idx && e.calls <= e.gate => e,
        _ => return exit(cx, after, Exit::Call { func, args: args.idx() }),
    };
    // `args <= frame_size <= MAX_FRAME_SIZE` (verified) and `base + frame_size` is inside the value stack, so
    // this cannot wrap; the callee's end is checked all the same.
    let new_base = cx.pos.base + args.idx();
    let new_size = frame_len(&entry.code);
    let fits = match frame_end(new_base, new_size) {
        Some(end) => end <= cx.stack_room,
        None => false,
    };
    if !room || cx.st.frames.len() >= cx.max_frames || !fits {
        return exit(cx, after, Exit::Call { func, args: args.idx() });
    }
    // Tier-up: `calls` is the entry counter a higher tier compares with its threshold.
    entry.calls = entry.calls.saturating_add(1);
    let callee = entry.code.code_ref();
    let frame = Frame { caller: cx.pos, pc: cx.pc_of(after) };
    // SAFETY: `frame_room` was checked above, and nothing since has touched the frame stack.
    unsafe { cx.st.push_frame_unchecked(frame) };
    // `func` came from a `u32` store function index.
    cx.pos = Position { cur: callee, base: new_base, cur_index: func as u32, inst_idx };
    // SAFETY: `args <= frame_size` (verified), so the callee's frame starts inside or at the end of this one,
    // and it ends inside the value stack (checked above: `stack_room` is at most its length).
    let sp = unsafe { sp.add(args.idx()) };
    // SAFETY: the callee's code is alive in its cache entry (`CodeRef`).
    let code = unsafe { callee.get() };
    let (params, locals) = (usize::from(code.num_params), code.num_locals as usize);
    for k in params..locals {
        // SAFETY: `num_params <= num_locals <= frame_size` (verified), and the frame is inside the stack.
        // (Volatile keeps LLVM from making this a call to `memset`, which costs more than the few stores a
        // function's locals usually need.)
        unsafe { sp.add(k).write_volatile(0) };
    }
    cx.start = code.code.as_ptr();
    // SAFETY: the callee passed verification; its first instruction is at the start of its code, its frame is
    // `sp`, and it runs in the same instance, so memory 0 is the same.
    unsafe { next_moved(cx, cx.start, sp, mem) }
}

/// Returns from the running function, whose results are in its slots `0..`: the caller's argument slots.
///
/// # Safety
/// The handler contract for the return instruction at `ip`.
#[inline(always)]
unsafe fn ret(cx: &mut Ctx<'_>, ip: Ip, mem: Mem0) -> Done {
    let local = cx.st.frames.last().is_some_and(|frame| frame.caller.inst_idx == cx.pos.inst_idx);
    if cx.st.frames.len() <= cx.entry_len || !local {
        return exit(cx, ip, Exit::Return);
    }
    let Some(Frame { caller, pc }) = cx.st.pop_frame() else {
        return exit(cx, ip, Exit::Return);
    };
    cx.pos = caller;
    // SAFETY: a suspended caller's code is alive (`CodeRef`: the state keeps it while executions are in
    // progress).
    let code = unsafe { caller.cur.get() };
    if frame_end(caller.base, frame_len(code)).is_none_or(|end| end > cx.st.stack.len()) {
        return defect(cx, ip, "frame");
    }
    // SAFETY: the caller's frame is inside the value stack (just checked).
    let sp = unsafe { cx.st.stack.as_mut_ptr().add(caller.base) };
    cx.start = code.code.as_ptr();
    // SAFETY: a return address is where a call of the caller's (verified) code continues: the instruction
    // after the call, which exists. The caller runs in the same instance, so memory 0 is the same.
    unsafe { next_moved(cx, cx.start.add(pc), sp, mem) }
}

handler! {
    /// Return with no results.
    fn Return0(cx, ip, sp, mem) {
        ret(cx, ip, mem)
    }

    /// Return with `s[src]` as the result.
    fn Return1(cx, ip, sp, mem) {
        let i = op::Return1::decode_ptr(ip);
        set(sp, Slot(0), get(sp, i.src));
        ret(cx, ip, mem)
    }

    /// Return with `s[src..src + len]` as the results.
    fn ReturnSpan(cx, ip, sp, mem) {
        let i = op::ReturnSpan::decode_ptr(ip);
        // The verifier proved `src + len <= frame_size` and `len <= frame_size`.
        core::ptr::copy(sp.add(i.src.idx()), sp, usize::from(i.len));
        ret(cx, ip, mem)
    }

    /// Call function `func` of the instance.
    fn Call(cx, ip, sp, mem) {
        let i = op::Call::decode_ptr(ip);
        match cx.inst.funcs.get(usize::from(i.func)) {
            Some(f) => call(cx, ip, sp, mem, f.index() as usize, i.args, op::Call::UNITS),
            None => defect(cx, ip, "function index"),
        }
    }

    /// Call function `func` (32-bit index) of the instance.
    fn CallWide(cx, ip, sp, mem) {
        let i = op::CallWide::decode_ptr(ip);
        match cx.inst.funcs.get(i.func as usize) {
            Some(f) => call(cx, ip, sp, mem, f.index() as usize, i.args, op::CallWide::UNITS),
            None => defect(cx, ip, "function index"),
        }
    }

    /// Call `table[s[index]]` after checking its signature.
    fn CallIndirect(cx, ip, sp, mem) {
        let i = op::CallIndirect::decode_ptr(ip);
        match callee(cx, ip, i.ty, i.table, get(sp, i.index) as u32) {
            Some(func) => call(cx, ip, sp, mem, func, i.args, op::CallIndirect::UNITS),
            None => left(),
        }
    }
}

/// The store function `call_indirect` through element `elem` of the instance's table `table` calls, checked
/// against module type `ty`; `None` once its trap is recorded as the exit at `ip`. Out of line: see
/// [`record`].
#[inline(never)]
fn callee(cx: &mut Ctx<'_>, ip: Ip, ty: u32, table: u32, elem: u32) -> Option<usize> {
    let found = find_callee(cx, ty, table, elem);
    let func = *found.as_ref().unwrap_or(&0);
    record(cx, ip, found.map(|_| ())).then_some(func)
}

/// [`callee`]'s lookup.
#[inline(always)]
fn find_callee(cx: &mut Ctx<'_>, ty: u32, table: u32, elem: u32) -> Result<usize, Trap> {
    let t = cx.inst.tables.get(table as usize).ok_or_else(|| bad_code("table index"))?;
    let t = table::table(cx.objects.tables_mut(), t.index() as usize)?;
    let bits = *t.elements().get(elem as usize).ok_or_else(|| Trap::new(TrapCode::UndefinedElement))?;
    let func = bits.checked_sub(1).ok_or_else(|| Trap::new(TrapCode::UninitializedElement))? as usize;
    let expected = *cx.inst.type_ids.get(ty as usize).ok_or_else(|| bad_code("type index"))?;
    let actual = cx.objects.funcs().get(func).ok_or_else(|| bad_code("function reference"))?.type_id();
    if actual != expected {
        return Err(Trap::new(TrapCode::IndirectCallTypeMismatch));
    }
    Ok(func)
}
