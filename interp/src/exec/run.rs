//! The run loop: enters the handlers (see `dispatch`) with the running function's frame and memory 0, and
//! handles what makes them leave (an [`Exit`]) with the whole store: calls that leave the instance or need a
//! higher tier, host calls, a value stack to grow, segment drops, loop samples, the outermost return, traps.
//!
//! Wasm calls never recurse on the host stack: a call saves the caller in [`ExecState::frames`](super::state::ExecState)
//! and execution goes on with the callee; a return pops it.

use alloc::boxed::Box;

use ember_core::{FuncEntity, Instance, MemoryEntity, StoreInner, StoreParts, Trap, TrapCode};

use super::dispatch::{run_handlers, Ctx, Exit, Mem0, Position};
use super::state::{self, frame_end, frame_len, ExecState, Frame};
use super::{bad_code, call, tier};
use crate::verify::VerifiedFunc;

/// Runs `cur` (store function `cur_index` of store instance `inst_idx`), whose frame at `base` has been set
/// up, until it returns. Frames pushed by this execution are left on `frames` if it traps; the caller
/// truncates them.
pub(crate) fn run(
    store: &mut StoreInner,
    slot: &mut Option<Box<ExecState>>,
    mut cur: VerifiedFunc,
    mut cur_index: usize,
    mut base: usize,
    mut inst_idx: usize,
) -> Result<(), Trap> {
    let entry_len = slot.as_ref().ok_or_else(state::lost)?.depth();
    let max_depth = store.limits().max_call_depth;
    let max_stack = store.limits().max_value_stack;
    let mut pc = 0usize;
    // A memory that is never accessed: memory 0 of instances without a memory (validation keeps their code
    // from touching it).
    let mut dummy_memory = MemoryEntity::empty();

    'frame: loop {
        let st: &mut ExecState = slot.as_deref_mut().ok_or_else(state::lost)?;
        // The store's parts the handlers use, borrowed separately while they run (the exits are handled with
        // the whole store).
        let StoreParts { instances, memories, objects, .. } = store.parts_mut();
        let inst = instances.get(inst_idx).ok_or_else(|| bad_code("instance"))?;
        let mem: &mut MemoryEntity = match inst.memories.first() {
            Some(m) => memories.get_mut(m.index() as usize).ok_or_else(|| bad_code("memory"))?,
            None => &mut dummy_memory,
        };
        if frame_end(base, frame_len(&cur)).is_none_or(|end| end > st.stack.len()) {
            return Err(bad_code("frame"));
        }
        if pc >= cur.code.len() {
            return Err(bad_code("return address"));
        }
        // From here the state keeps `cur` alive too: the handlers put `CodeRef`s to it into frames.
        st.retain(cur_index, &cur);
        // SAFETY: the frame lies inside the value stack (just checked).
        let sp = unsafe { st.stack.as_mut_ptr().add(base) };
        let start = cur.code.as_ptr();
        let stack_room = st.stack.len().min(max_stack);
        // The running function and the callee count towards the depth limit besides the suspended callers.
        // Native frames below this execution (`depth_offset`) count too.
        let max_frames = max_depth.saturating_sub(1 + st.depth_offset);
        let loop_budget = st.loop_budget;
        let mut cx = Ctx {
            st,
            inst,
            mem,
            objects,
            // Store function and instance indices are `u32`s (`Func`, `Instance`).
            pos: Position { cur: cur.code_ref(), base, cur_index: cur_index as u32, inst_idx: inst_idx as u32 },
            start,
            stack_room,
            max_frames,
            entry_len,
            loop_budget,
            #[cfg(not(target_pointer_width = "64"))]
            mem_len: 0,
            exit: Exit::Return,
            ip: start,
            #[cfg(not(ember_threaded))]
            moved: (sp, Mem0::dangling()),
        };
        let mem0 = Mem0::load(&mut cx);
        // SAFETY: `pc` is the start of an instruction of `cur`'s verified code: 0, or where a call, a segment
        // drop or a loop sample left off (the instruction after it, which exists because the last instruction is
        // a terminator). `sp` is its frame, inside the value stack, and `mem0` memory 0 of its instance.
        unsafe { run_handlers(&mut cx, start.add(pc), sp, mem0) };
        let resume = cx.pc_of(cx.ip);
        let Ctx { pos, exit, loop_budget, .. } = cx;
        let cur_ref = pos.cur;
        (base, cur_index, inst_idx) = (pos.base, pos.cur_index as usize, pos.inst_idx as usize);
        // SAFETY: the handlers ran `cur_ref`, which the state keeps alive (`CodeRef`); it still exists, as
        // nothing has changed the state since.
        cur = unsafe { cur_ref.to_owned() };
        let st: &mut ExecState = slot.as_deref_mut().ok_or_else(state::lost)?;
        st.loop_budget = loop_budget;

        // Pops the returning function's frame and goes on in its caller, or ends this execution when the
        // caller is outside it. Results are in the callee's slots `0..`, which are the caller's argument slots.
        macro_rules! return_to_caller {
            ($st:expr) => {{
                if $st.depth() <= entry_len {
                    return Ok(());
                }
                let Some(Frame { caller, pc: resume_at }) = $st.pop_frame() else { return Ok(()) };
                // SAFETY: a suspended caller's code is kept alive by the state (`CodeRef`).
                cur = unsafe { caller.cur.to_owned() };
                (cur_index, pc, base, inst_idx) =
                    (caller.cur_index as usize, resume_at, caller.base, caller.inst_idx as usize);
            }};
        }
        match exit {
            Exit::Return => return_to_caller!(st),
            Exit::Trap(trap) => return Err(trap),
            Exit::Call { func, args } => {
                let (instance, index) = match store.funcs().get(func) {
                    Some(FuncEntity::Wasm { instance, index, .. }) => (*instance, *index),
                    Some(FuncEntity::Host { .. }) => {
                        pc = resume;
                        let caller = Some(Instance::from_index(inst_idx as u32));
                        call::call_host(store, slot, func, caller, base + args, base + frame_len(&cur))?;
                        continue 'frame;
                    }
                    None => return Err(bad_code("function reference")),
                };
                let entry = call::entry(store, st, func, instance, index)?;
                // Tier-up: `calls` (with `loops`) is what the higher tier's threshold is compared with.
                entry.calls = entry.calls.saturating_add(1);
                let callee = entry.code.clone();

                if st.depth() + 2 + st.depth_offset > max_depth {
                    return Err(Trap::new(TrapCode::StackOverflow));
                }
                // A function with native code runs on the frame at `base + args` instead of getting an
                // interpreter frame.
                if tier::wants_native(store, st, func) {
                    pc = resume;
                    let depth = st.depth() + 2 + st.depth_offset;
                    tier::call_native(store, slot, func, base + args, base + frame_len(&cur), depth)?;
                    continue 'frame;
                }
                let new_base = base + args;
                st.reserve_stack(new_base, frame_len(&callee), max_stack)?;
                let params = usize::from(callee.num_params);
                let locals = callee.num_locals as usize;
                if locals > params {
                    st.stack[new_base + params..new_base + locals].fill(0);
                }
                // The state keeps the caller's code alive while its frame is suspended.
                st.retain(cur_index, &cur);
                let caller =
                    Position { cur: cur.code_ref(), base, cur_index: cur_index as u32, inst_idx: inst_idx as u32 };
                let frame = Frame { caller, pc: resume };
                st.push_frame(frame);
                cur = callee;
                cur_index = func;
                base = new_base;
                pc = 0;
                inst_idx = instance.index() as usize;
            }
            Exit::LoopSample => {
                let target = resume;
                pc = target;
                // Without a tier (`loop_sample == 0`, markers from a profiled translation), hardly ever.
                let sample = match st.loop_sample {
                    0 => u32::MAX,
                    n => n,
                };
                st.loop_budget = sample;
                let depth = st.depth() + 1 + st.depth_offset;
                if !tier::sample_loop(store, slot, &cur, cur_index, target, sample, base, depth)? {
                    continue 'frame;
                }
                // The rest of the function ran natively: its results are in its slots `0..`; return.
                let st = slot.as_deref_mut().ok_or_else(state::lost)?;
                return_to_caller!(st)
            }
            Exit::ElemDrop { elem } => {
                store.drop_element_segment(inst_idx, elem);
                pc = resume;
            }
            Exit::DataDrop { data } => {
                store.drop_data_segment(inst_idx, data);
                pc = resume;
            }
        }
    }
}
