//! The dispatch loop: a `match` over the opcode unit, with the current function's code, program counter, frame
//! base, frame slots, instance and memory 0 held in locals.
//!
//! Wasm calls never recurse on the host stack: a call saves the caller in [`ExecState::frames`](super::state::ExecState) and the loop
//! goes on with the callee; a return pops it. The loop is two-level: the outer `'frame` loop (re)loads the
//! per-frame locals after a call, a return, a host call or an instruction that changes the instance; the inner
//! loop runs instructions and leaves through an [`Exit`] for those events.

use alloc::boxed::Box;

use ember_core::{FuncEntity, Instance, MemoryEntity, StoreInner, StoreParts, Trap, TrapCode};

use super::num;
use super::num::ToCell;
use super::regs::Regs;
use super::state::{self, frame_end, frame_len, ExecState, Frame};
use super::{bad_code, call, memory, shape, table, tier};
use crate::operand::{FarOffset, Operand, Slot};
use crate::ops::op;
use crate::verify::VerifiedFunc;

/// Why the inner loop stopped: something the per-frame locals cannot handle on their own.
enum Exit {
    /// Call store function `func` with arguments at slot `args`; resume at `next`.
    Call { func: usize, args: usize, next: usize },
    /// The current function returned (its results are in its slots `0..`).
    Return,
    /// Drop element segment `elem` of the current instance; resume at `next`.
    ElemDrop { elem: u32, next: usize },
    /// Drop data segment `data` of the current instance; resume at `next`.
    DataDrop { data: u32, next: usize },
    /// The loop-sample countdown ran out at the `ProfileLoop` before `target` (a loop header): credit the
    /// passes to the function, maybe run the rest of it natively from that header (on-stack replacement;
    /// see `tier::sample_loop`), otherwise resume at `target`.
    LoopSample { target: usize },
}

/// Runs `cur` (store function `cur_index` of store instance `inst_idx`), whose frame at `base` has been set
/// up, until it returns. Frames pushed by this execution are left on `frames` if it traps; the caller
/// truncates them.
#[allow(clippy::too_many_lines)]
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
    // A memory that is never accessed: what `mem` points to in instances without a memory (validation keeps
    // their code from touching it).
    let mut dummy_memory = MemoryEntity::empty();

    'frame: loop {
        let st: &mut ExecState = slot.as_deref_mut().ok_or_else(state::lost)?;
        // The store's parts the instructions use, borrowed separately until the inner loop exits (the exits
        // are handled with the whole store).
        let StoreParts { instances, memories, objects, .. } = store.parts_mut();
        let inst = instances.get(inst_idx).ok_or_else(|| bad_code("instance"))?;
        // Memory 0 of the current instance, cached for the loads and stores.
        let mem: &mut MemoryEntity = match inst.memories.first() {
            Some(m) => memories.get_mut(m.index() as usize).ok_or_else(|| bad_code("memory"))?,
            None => &mut dummy_memory,
        };

        // The frame of `cur` at `base`, checked to lie inside the value stack.
        macro_rules! frame {
            () => {{
                let size = frame_len(&cur);
                if frame_end(base, size).is_none_or(|end| end > st.stack.len()) {
                    return Err(bad_code("frame"));
                }
                // SAFETY: `stack[base..base + frame_size]` is inside the value stack (just checked), and `cur` passed
                // verification, so its code names only slots (and spans) inside its frame. The value stack is not
                // touched otherwise while this `Regs` is in use: every path that may grow it or write it (calls,
                // host calls, returns) makes a new one before running instructions again.
                unsafe { Regs::new(st.stack.as_mut_ptr().add(base), size) }
            }};
        }
        let mut regs = frame!();
        // The instruction pointer: `code[pc..]` of `cur`'s code, which starts at `start`. `pc` itself is only
        // brought up to date when the loop is left.
        let mut start: *const u16 = cur.code.as_ptr();
        // SAFETY: `pc` is the start of an instruction of `cur`'s code: 0, or the return address saved by a call
        // (the instruction after it).
        let mut ip: *const u16 = unsafe { start.add(pc) };
        // The position of `ip` in the code.
        macro_rules! pc_of {
            ($ip:expr) => {
                // SAFETY: both point into `cur`'s code.
                unsafe { $ip.offset_from(start) as usize }
            };
        }
        // Calls and returns between functions of this instance run inside the loop; the rest (host functions,
        // other instances, code not translated yet, a value stack to grow, the outermost return) leave it.
        let stack_room = st.stack.len().min(max_stack);
        // The running function and the callee count towards the depth limit besides the suspended callers.
        // Native frames below this execution (`depth_offset`) count too.
        let max_frames = max_depth.saturating_sub(1 + st.depth_offset);
        macro_rules! call {
            ($func:expr, $args:expr, $units:expr) => {{
                let (func, args): (usize, usize) = ($func, $args.idx());
                let next = pc_of!(ip) + $units;
                let entry = st.funcs.get_mut(func).and_then(Option::as_mut);
                // In place only within the instance, and while a higher tier need not be consulted (`gate`).
                let Some(entry) = entry.filter(|e| e.instance as usize == inst_idx && e.calls <= e.gate) else {
                    break Exit::Call { func, args, next };
                };
                // `args <= frame_size` and `frame_size <= MAX_FRAME_SIZE` (verified), and `base + frame_size` is
                // inside the value stack, so this cannot wrap; the callee's end is checked all the same.
                let new_base = base + args;
                let new_size = frame_len(&entry.code);
                if st.frames.len() >= max_frames || frame_end(new_base, new_size).is_none_or(|end| end > stack_room) {
                    break Exit::Call { func, args, next };
                }
                // Tier-up: `calls` is the entry counter a higher tier would compare with the threshold (see
                // `Exit::Call` below).
                entry.calls = entry.calls.saturating_add(1);
                let callee = entry.code.clone();
                let caller = core::mem::replace(&mut cur, callee);
                st.push_frame(
                    caller,
                    Frame { pc: next, base, func_index: cur_index as u32, instance: inst_idx as u32 },
                );
                cur_index = func;
                base = new_base;
                // SAFETY: `stack[base..base + frame_size]` is inside the value stack (`stack_room` is at most its
                // length), and `cur` passed verification; see `frame!` for the rest.
                regs = unsafe { Regs::new(st.stack.as_mut_ptr().add(base), new_size) };
                // SAFETY: `num_params <= num_locals <= frame_size` (verified).
                unsafe { regs.zero(usize::from(cur.num_params), cur.num_locals as usize) };
                start = cur.code.as_ptr();
                ip = start;
            }};
        }
        macro_rules! ret {
            () => {{
                // Results are in the callee's slots `0..`, which are the caller's argument slots.
                let local = st.frames.last().is_some_and(|caller| caller.instance as usize == inst_idx);
                match st.frames.len() > entry_len && local {
                    true => match st.pop_frame() {
                        Some((code, caller)) => {
                            cur = code;
                            cur_index = caller.func_index as usize;
                            base = caller.base;
                            regs = frame!();
                            start = cur.code.as_ptr();
                            // SAFETY: a return address is where a call of the caller's (verified) code continues:
                            // the instruction after the call, which exists (the last instruction is a terminator).
                            ip = unsafe { start.add(caller.pc) };
                            continue;
                        }
                        None => break Exit::Return,
                    },
                    false => break Exit::Return,
                }
            }};
        }
        // Decodes the operands of instruction `$op` at `ip`.
        macro_rules! dec {
            ($op:ident) => {
                // SAFETY: `ip` points to the start of an instruction of `code` (see the dispatch below), and
                // verified code is a sequence of whole instructions, so this one fits.
                unsafe { op::$op::decode_ptr(ip) }
            };
        }
        macro_rules! next {
            ($op:ident) => {
                // SAFETY: the instruction after a non-terminator is inside the code (the last one is a terminator).
                ip = unsafe { ip.add(op::$op::UNITS) }
            };
        }
        macro_rules! jump {
            ($offset:expr) => {
                // SAFETY: the verifier checked that every branch target is the start of an instruction of the code.
                ip = unsafe { ip.offset($offset.0 as isize) }
            };
        }
        // The regular shapes go through `shape`'s helpers (see there for why). Their contract: `ip` points to the
        // start of an instruction of the given kind in verified `code` and `regs` is its frame, which the dispatch
        // below guarantees: SAFETY for every `unsafe` block in these macros.
        macro_rules! un {
            ($op:ident, |$a:ident: $ta:ty| $e:expr) => {
                ip = unsafe { shape::unary::<op::$op, _, _>(&mut regs, ip, |$a: $ta| $e) }
            };
        }
        #[allow(unused_macros)] // only float conversions use it: unused without the `float` feature
        macro_rules! un_try {
            ($op:ident, $f:path) => {
                ip = unsafe { shape::unary_try::<op::$op, _, _>(&mut regs, ip, $f) }?
            };
        }
        macro_rules! bin {
            ($op:ident, |$a:ident: $ta:ty, $b:ident: $tb:ty| $e:expr) => {
                ip = unsafe { shape::binary::<op::$op, _, _, _>(&mut regs, ip, |$a: $ta, $b: $tb| $e) }
            };
        }
        macro_rules! bin_try {
            ($op:ident, $f:path) => {
                ip = unsafe { shape::binary_try::<op::$op, _, _, _>(&mut regs, ip, $f) }?
            };
        }
        // Instructions that compute on floats (`Opcode::computes_on_floats`): as `un!`, `bin!` and `un_try!`
        // with the `float` feature. Without it the verifier refuses them, so these arms are never reached, and
        // they share one error exit instead of pulling in the soft-float routines (most of a Cortex-M0 build's
        // float cost).
        #[cfg(feature = "float")]
        macro_rules! fun {
            ($($t:tt)*) => { un!($($t)*) };
        }
        #[cfg(feature = "float")]
        macro_rules! fbin {
            ($($t:tt)*) => { bin!($($t)*) };
        }
        #[cfg(feature = "float")]
        macro_rules! fun_try {
            ($($t:tt)*) => { un_try!($($t)*) };
        }
        #[cfg(not(feature = "float"))]
        macro_rules! fun {
            ($($t:tt)*) => {
                return Err(bad_code("floating-point instruction"))
            };
        }
        #[cfg(not(feature = "float"))]
        macro_rules! fbin {
            ($($t:tt)*) => {
                return Err(bad_code("floating-point instruction"))
            };
        }
        #[cfg(not(feature = "float"))]
        macro_rules! fun_try {
            ($($t:tt)*) => {
                return Err(bad_code("floating-point instruction"))
            };
        }
        macro_rules! imm {
            ($op:ident, |$a:ident: $ta:ty, $b:ident| $e:expr) => {
                ip = unsafe { shape::with_imm::<op::$op, _, _>(&mut regs, ip, |$a: $ta, $b: i16| $e) }
            };
        }
        macro_rules! imm32 {
            ($op:ident, |$a:ident, $b:ident| $e:expr) => {{
                let i = dec!($op);
                let ($a, $b): (u32, u32) = (regs.get(i.lhs) as u32, i.imm);
                regs.set(i.dst, u64::from($e));
                next!($op);
            }};
        }
        macro_rules! br1 {
            ($op:ident, |$a:ident: $ta:ty| $e:expr) => {
                ip = unsafe { shape::branch1::<op::$op, _>(&mut regs, ip, |$a: $ta| $e) }
            };
        }
        macro_rules! br2 {
            ($op:ident, |$a:ident: $ta:ty, $b:ident| $e:expr) => {
                ip = unsafe { shape::branch2::<op::$op, _>(&mut regs, ip, |$a: $ta, $b: $ta| $e) }
            };
        }
        macro_rules! br_imm {
            ($op:ident, |$a:ident: $ta:ty, $b:ident| $e:expr) => {
                ip = unsafe { shape::branch_imm::<op::$op, _>(&mut regs, ip, |$a: $ta, $b: i16| $e) }
            };
        }
        macro_rules! load {
            ($op:ident, $n:literal, |$b:ident| $e:expr) => {
                ip = unsafe { shape::load::<op::$op, $n, _>(&mut regs, ip, mem.data(), |$b: [u8; $n]| $e) }?
            };
        }
        // Loads whose address is `s[addr] + imm` or `s[base] + s[index]` (wrapping in 32 bits), plus `offset`.
        macro_rules! load_add_imm {
            ($op:ident, $n:literal, |$b:ident| $e:expr) => {{
                let i = dec!($op);
                let addr = (regs.get(i.addr) as u32).wrapping_add(i32::from(i.imm) as u32);
                let $b = memory::load::<$n>(mem.data(), u64::from(addr), u32::from(i.offset))?;
                regs.set(i.dst, ToCell::to_cell($e));
                next!($op);
            }};
        }
        macro_rules! load_idx {
            ($op:ident, $n:literal, |$b:ident| $e:expr) => {{
                let i = dec!($op);
                let addr = (regs.get(i.base) as u32).wrapping_add(regs.get(i.index) as u32);
                let $b = memory::load::<$n>(mem.data(), u64::from(addr), u32::from(i.offset))?;
                regs.set(i.dst, ToCell::to_cell($e));
                next!($op);
            }};
        }
        macro_rules! store_add {
            ($op:ident, imm, |$v:ident| $e:expr) => {{
                let i = dec!($op);
                let addr = (regs.get(i.addr) as u32).wrapping_add(i32::from(i.imm) as u32);
                let $v = regs.get(i.src);
                memory::store(mem.data_mut(), u64::from(addr), u32::from(i.offset), $e)?;
                next!($op);
            }};
            ($op:ident, idx, |$v:ident| $e:expr) => {{
                let i = dec!($op);
                let addr = (regs.get(i.base) as u32).wrapping_add(regs.get(i.index) as u32);
                let $v = regs.get(i.src);
                memory::store(mem.data_mut(), u64::from(addr), u32::from(i.offset), $e)?;
                next!($op);
            }};
        }
        macro_rules! store {
            ($op:ident, |$v:ident| $e:expr) => {
                ip = unsafe { shape::store::<op::$op, _>(&mut regs, ip, mem.data_mut(), |$v: u64| $e) }?
            };
        }
        macro_rules! store_imm {
            ($op:ident, |$v:ident| $e:expr) => {
                ip = unsafe { shape::store_imm::<op::$op, _>(&mut regs, ip, mem.data_mut(), |$v: i16| $e) }?
            };
        }
        // The store index of one of this instance's tables.
        macro_rules! table_index {
            ($t:expr) => {
                inst.tables.get($t as usize).ok_or_else(|| bad_code("table index"))?.index() as usize
            };
        }

        // The loop-sample countdown (`ExecState::loop_budget`), in a local while instructions run: `ProfileLoop`
        // runs once per loop iteration, and a local costs it less than a field behind `st`. Written back when
        // the inner loop exits (a trap leaves it unwritten: the next sample just comes a little later).
        let mut loop_budget = st.loop_budget;
        let exit = loop {
            debug_assert!(pc_of!(ip) < cur.code.len());
            // SAFETY: `ip` points to the start of an instruction of `code`: it starts at 0 or at a call's return
            // address (the instruction after a call, which is not the last instruction: that one is a terminator);
            // each non-terminator continues with the next instruction, which exists because the last one is a
            // terminator; and every branch target is the start of an instruction inside the code (all checked by
            // the verifier).
            let opcode = unsafe { ip.read() };
            match opcode {
                // ---- moves and constants ----
                op::Copy::OPCODE => {
                    let i = dec!(Copy);
                    regs.set(i.dst, regs.get(i.src));
                    next!(Copy);
                }
                op::CopySpan::OPCODE => {
                    let i = dec!(CopySpan);
                    regs.copy_span(i.dst, i.src, i.len);
                    next!(CopySpan);
                }
                op::Const16::OPCODE => {
                    let i = dec!(Const16);
                    regs.set(i.dst, u64::from(i32::from(i.value) as u32));
                    next!(Const16);
                }
                op::Const32::OPCODE => {
                    let i = dec!(Const32);
                    regs.set(i.dst, u64::from(i.value));
                    next!(Const32);
                }
                op::ConstI64S32::OPCODE => {
                    let i = dec!(ConstI64S32);
                    regs.set(i.dst, i64::from(i.value as i32) as u64);
                    next!(ConstI64S32);
                }
                op::Const64::OPCODE => {
                    let i = dec!(Const64);
                    regs.set(i.dst, i.value);
                    next!(Const64);
                }
                op::Select::OPCODE => {
                    let i = dec!(Select);
                    let pick = if regs.get(i.cond) as u32 != 0 { i.if_true } else { i.if_false };
                    regs.set(i.dst, regs.get(pick));
                    next!(Select);
                }

                // ---- control ----
                op::Unreachable::OPCODE => return Err(Trap::new(TrapCode::Unreachable)),
                op::Br::OPCODE => {
                    let i = dec!(Br);
                    jump!(i.offset);
                }
                op::BrFar::OPCODE => {
                    let i = dec!(BrFar);
                    jump!(i.offset);
                }
                op::BrIfNez::OPCODE => br1!(BrIfNez, |c: u32| c != 0),
                op::BrIfEqz::OPCODE => br1!(BrIfEqz, |c: u32| c == 0),
                op::BrIfNez64::OPCODE => br1!(BrIfNez64, |c: u64| c != 0),
                op::BrIfEqz64::OPCODE => br1!(BrIfEqz64, |c: u64| c == 0),
                op::BrIfI32Eq::OPCODE => br2!(BrIfI32Eq, |a: u32, b| a == b),
                op::BrIfI32Ne::OPCODE => br2!(BrIfI32Ne, |a: u32, b| a != b),
                op::BrIfI32LtS::OPCODE => br2!(BrIfI32LtS, |a: i32, b| a < b),
                op::BrIfI32LtU::OPCODE => br2!(BrIfI32LtU, |a: u32, b| a < b),
                op::BrIfI32GtS::OPCODE => br2!(BrIfI32GtS, |a: i32, b| a > b),
                op::BrIfI32GtU::OPCODE => br2!(BrIfI32GtU, |a: u32, b| a > b),
                op::BrIfI32LeS::OPCODE => br2!(BrIfI32LeS, |a: i32, b| a <= b),
                op::BrIfI32LeU::OPCODE => br2!(BrIfI32LeU, |a: u32, b| a <= b),
                op::BrIfI32GeS::OPCODE => br2!(BrIfI32GeS, |a: i32, b| a >= b),
                op::BrIfI32GeU::OPCODE => br2!(BrIfI32GeU, |a: u32, b| a >= b),
                op::BrIfI32EqImm::OPCODE => br_imm!(BrIfI32EqImm, |a: i32, b| a == i32::from(b)),
                op::BrIfI32NeImm::OPCODE => br_imm!(BrIfI32NeImm, |a: i32, b| a != i32::from(b)),
                op::BrIfI32LtSImm::OPCODE => br_imm!(BrIfI32LtSImm, |a: i32, b| a < i32::from(b)),
                op::BrIfI32LtUImm::OPCODE => br_imm!(BrIfI32LtUImm, |a: u32, b| a < i32::from(b) as u32),
                op::BrIfI32GtSImm::OPCODE => br_imm!(BrIfI32GtSImm, |a: i32, b| a > i32::from(b)),
                op::BrIfI32GtUImm::OPCODE => br_imm!(BrIfI32GtUImm, |a: u32, b| a > i32::from(b) as u32),
                op::BrIfI32LeSImm::OPCODE => br_imm!(BrIfI32LeSImm, |a: i32, b| a <= i32::from(b)),
                op::BrIfI32LeUImm::OPCODE => br_imm!(BrIfI32LeUImm, |a: u32, b| a <= i32::from(b) as u32),
                op::BrIfI32GeSImm::OPCODE => br_imm!(BrIfI32GeSImm, |a: i32, b| a >= i32::from(b)),
                op::BrIfI32GeUImm::OPCODE => br_imm!(BrIfI32GeUImm, |a: u32, b| a >= i32::from(b) as u32),
                op::BrIfI64Eq::OPCODE => br2!(BrIfI64Eq, |a: u64, b| a == b),
                op::BrIfI64Ne::OPCODE => br2!(BrIfI64Ne, |a: u64, b| a != b),
                op::BrIfI64LtS::OPCODE => br2!(BrIfI64LtS, |a: i64, b| a < b),
                op::BrIfI64LtU::OPCODE => br2!(BrIfI64LtU, |a: u64, b| a < b),
                op::BrIfI64GtS::OPCODE => br2!(BrIfI64GtS, |a: i64, b| a > b),
                op::BrIfI64GtU::OPCODE => br2!(BrIfI64GtU, |a: u64, b| a > b),
                op::BrIfI64LeS::OPCODE => br2!(BrIfI64LeS, |a: i64, b| a <= b),
                op::BrIfI64LeU::OPCODE => br2!(BrIfI64LeU, |a: u64, b| a <= b),
                op::BrIfI64GeS::OPCODE => br2!(BrIfI64GeS, |a: i64, b| a >= b),
                op::BrIfI64GeU::OPCODE => br2!(BrIfI64GeU, |a: u64, b| a >= b),
                op::BrTable::OPCODE => {
                    let i = dec!(BrTable);
                    let target = (regs.get(i.index) as u32).min(i.len) as usize;
                    // SAFETY: the verifier checked that the `len + 1` targets after the instruction fit in the code,
                    // and `target <= len`.
                    let offset = unsafe { FarOffset::read_ptr(ip.add(op::BrTable::UNITS + 2 * target)) };
                    jump!(offset);
                }
                op::Return0::OPCODE => ret!(),
                op::Return1::OPCODE => {
                    let i = dec!(Return1);
                    regs.set(Slot(0), regs.get(i.src));
                    ret!();
                }
                op::ReturnSpan::OPCODE => {
                    let i = dec!(ReturnSpan);
                    regs.copy_span(Slot(0), i.src, i.len);
                    ret!();
                }
                op::Call::OPCODE => {
                    let i = dec!(Call);
                    let func = inst.funcs.get(i.func as usize).ok_or_else(|| bad_code("function index"))?;
                    call!(func.index() as usize, i.args, op::Call::UNITS);
                }
                op::CallWide::OPCODE => {
                    let i = dec!(CallWide);
                    let func = inst.funcs.get(i.func as usize).ok_or_else(|| bad_code("function index"))?;
                    call!(func.index() as usize, i.args, op::CallWide::UNITS);
                }
                op::CallIndirect::OPCODE => {
                    let i = dec!(CallIndirect);
                    let t = table::table(objects.tables_mut(), table_index!(i.table))?;
                    let elem = regs.get(i.index) as u32;
                    let bits = *t.elements().get(elem as usize).ok_or(TrapCode::UndefinedElement)?;
                    let func = match bits.checked_sub(1) {
                        Some(f) => f as usize,
                        None => return Err(Trap::new(TrapCode::UninitializedElement)),
                    };
                    let expected = *inst.type_ids.get(i.ty as usize).ok_or_else(|| bad_code("type index"))?;
                    let actual = objects.funcs().get(func).ok_or_else(|| bad_code("function reference"))?.type_id();
                    if actual != expected {
                        return Err(Trap::new(TrapCode::IndirectCallTypeMismatch));
                    }
                    call!(func, i.args, op::CallIndirect::UNITS);
                }
                op::ConsumeFuel::OPCODE => {
                    let i = dec!(ConsumeFuel);
                    if let Err(code) = objects.consume_fuel(u64::from(i.amount)) {
                        return Err(Trap::new(code));
                    }
                    next!(ConsumeFuel);
                }
                op::ProfileLoop::OPCODE => {
                    // Tier-up: each pass through a loop header counts the loop-sample budget down; at zero the
                    // loop is sampled (see `tier::sample_loop`).
                    next!(ProfileLoop);
                    loop_budget = loop_budget.wrapping_sub(1);
                    if loop_budget == 0 {
                        core::hint::cold_path();
                        break Exit::LoopSample { target: pc_of!(ip) };
                    }
                }

                // ---- globals, references, tables ----
                op::GlobalGet::OPCODE => {
                    let i = dec!(GlobalGet);
                    let g = inst.globals.get(i.global as usize).ok_or_else(|| bad_code("global index"))?;
                    let g = objects.globals().get(g.index() as usize).ok_or_else(|| bad_code("global"))?;
                    regs.set(i.dst, g.bits);
                    next!(GlobalGet);
                }
                op::GlobalSet::OPCODE => {
                    let i = dec!(GlobalSet);
                    let g = inst.globals.get(i.global as usize).ok_or_else(|| bad_code("global index"))?;
                    let g = objects.globals_mut().get_mut(g.index() as usize).ok_or_else(|| bad_code("global"))?;
                    g.bits = regs.get(i.src);
                    next!(GlobalSet);
                }
                op::RefFunc::OPCODE => {
                    let i = dec!(RefFunc);
                    let f = inst.funcs.get(i.func as usize).ok_or_else(|| bad_code("function index"))?;
                    regs.set(i.dst, u64::from(f.index()) + 1);
                    next!(RefFunc);
                }
                op::TableGet::OPCODE => {
                    let i = dec!(TableGet);
                    let t = table::table(objects.tables_mut(), table_index!(i.table))?;
                    regs.set(i.dst, table::get(t, regs.get(i.index) as u32)?);
                    next!(TableGet);
                }
                op::TableSet::OPCODE => {
                    let i = dec!(TableSet);
                    let t = table::table(objects.tables_mut(), table_index!(i.table))?;
                    table::set(t, regs.get(i.index) as u32, regs.get(i.value))?;
                    next!(TableSet);
                }
                op::TableSize::OPCODE => {
                    let i = dec!(TableSize);
                    let t = table::table(objects.tables_mut(), table_index!(i.table))?;
                    regs.set(i.dst, t.len() as u32 as u64);
                    next!(TableSize);
                }
                op::TableGrow::OPCODE => {
                    let i = dec!(TableGrow);
                    let t = table_index!(i.table);
                    let old = table::grow(objects, t, regs.get(i.delta) as u32, regs.get(i.init))?;
                    regs.set(i.dst, u64::from(old));
                    next!(TableGrow);
                }
                op::TableFill::OPCODE => {
                    let i = dec!(TableFill);
                    let t = table::table(objects.tables_mut(), table_index!(i.table))?;
                    table::fill(t, regs.get(i.dst) as u32, regs.get(i.value), regs.get(i.len) as u32)?;
                    next!(TableFill);
                }
                op::TableCopy::OPCODE => {
                    let i = dec!(TableCopy);
                    let (d, s) = (table_index!(i.dst_table), table_index!(i.src_table));
                    let (dst, src, len) = (regs.get(i.dst) as u32, regs.get(i.src) as u32, regs.get(i.len) as u32);
                    table::copy(objects.tables_mut(), d, s, dst, src, len)?;
                    next!(TableCopy);
                }
                op::TableInit::OPCODE => {
                    let i = dec!(TableInit);
                    let segment = inst.elements.get(i.elem as usize).ok_or_else(|| bad_code("element segment"))?;
                    let t = table::table(objects.tables_mut(), table_index!(i.table))?;
                    let (dst, src, len) = (regs.get(i.dst) as u32, regs.get(i.src) as u32, regs.get(i.len) as u32);
                    table::init(t, segment, dst, src, len)?;
                    next!(TableInit);
                }
                op::ElemDrop::OPCODE => {
                    let i = dec!(ElemDrop);
                    break Exit::ElemDrop { elem: i.elem, next: pc_of!(ip) + op::ElemDrop::UNITS };
                }

                // ---- memory ----
                op::I32LoadAddImm::OPCODE => load_add_imm!(I32LoadAddImm, 4, |b| u32::from_le_bytes(b)),
                op::I64LoadAddImm::OPCODE => load_add_imm!(I64LoadAddImm, 8, |b| u64::from_le_bytes(b)),
                op::I32Load8UAddImm::OPCODE => load_add_imm!(I32Load8UAddImm, 1, |b| u32::from(b[0])),
                op::I32LoadIdx::OPCODE => load_idx!(I32LoadIdx, 4, |b| u32::from_le_bytes(b)),
                op::I64LoadIdx::OPCODE => load_idx!(I64LoadIdx, 8, |b| u64::from_le_bytes(b)),
                op::I32Load8UIdx::OPCODE => load_idx!(I32Load8UIdx, 1, |b| u32::from(b[0])),
                op::I32StoreAddImm::OPCODE => store_add!(I32StoreAddImm, imm, |v| (v as u32).to_le_bytes()),
                op::I64StoreAddImm::OPCODE => store_add!(I64StoreAddImm, imm, |v| v.to_le_bytes()),
                op::Store8AddImm::OPCODE => store_add!(Store8AddImm, imm, |v| [v as u8]),
                op::I32StoreIdx::OPCODE => store_add!(I32StoreIdx, idx, |v| (v as u32).to_le_bytes()),
                op::I64StoreIdx::OPCODE => store_add!(I64StoreIdx, idx, |v| v.to_le_bytes()),
                op::Store8Idx::OPCODE => store_add!(Store8Idx, idx, |v| [v as u8]),
                op::I32Load::OPCODE => load!(I32Load, 4, |b| u32::from_le_bytes(b)),
                op::I64Load::OPCODE => load!(I64Load, 8, |b| u64::from_le_bytes(b)),
                op::I32Load8S::OPCODE => load!(I32Load8S, 1, |b| i32::from(b[0] as i8)),
                op::I32Load8U::OPCODE => load!(I32Load8U, 1, |b| u32::from(b[0])),
                op::I32Load16S::OPCODE => load!(I32Load16S, 2, |b| i32::from(i16::from_le_bytes(b))),
                op::I32Load16U::OPCODE => load!(I32Load16U, 2, |b| u32::from(u16::from_le_bytes(b))),
                op::I64Load8S::OPCODE => load!(I64Load8S, 1, |b| i64::from(b[0] as i8)),
                op::I64Load8U::OPCODE => load!(I64Load8U, 1, |b| u64::from(b[0])),
                op::I64Load16S::OPCODE => load!(I64Load16S, 2, |b| i64::from(i16::from_le_bytes(b))),
                op::I64Load16U::OPCODE => load!(I64Load16U, 2, |b| u64::from(u16::from_le_bytes(b))),
                op::I64Load32S::OPCODE => load!(I64Load32S, 4, |b| i64::from(i32::from_le_bytes(b))),
                op::I64Load32U::OPCODE => load!(I64Load32U, 4, |b| u64::from(u32::from_le_bytes(b))),
                op::I32Store::OPCODE => store!(I32Store, |v| (v as u32).to_le_bytes()),
                op::I64Store::OPCODE => store!(I64Store, |v| v.to_le_bytes()),
                op::Store8::OPCODE => store!(Store8, |v| [v as u8]),
                op::Store16::OPCODE => store!(Store16, |v| (v as u16).to_le_bytes()),
                op::I32LoadWide::OPCODE => load!(I32LoadWide, 4, |b| u32::from_le_bytes(b)),
                op::I64LoadWide::OPCODE => load!(I64LoadWide, 8, |b| u64::from_le_bytes(b)),
                op::I32Load8SWide::OPCODE => load!(I32Load8SWide, 1, |b| i32::from(b[0] as i8)),
                op::I32Load8UWide::OPCODE => load!(I32Load8UWide, 1, |b| u32::from(b[0])),
                op::I32Load16SWide::OPCODE => load!(I32Load16SWide, 2, |b| i32::from(i16::from_le_bytes(b))),
                op::I32Load16UWide::OPCODE => load!(I32Load16UWide, 2, |b| u32::from(u16::from_le_bytes(b))),
                op::I64Load8SWide::OPCODE => load!(I64Load8SWide, 1, |b| i64::from(b[0] as i8)),
                op::I64Load8UWide::OPCODE => load!(I64Load8UWide, 1, |b| u64::from(b[0])),
                op::I64Load16SWide::OPCODE => load!(I64Load16SWide, 2, |b| i64::from(i16::from_le_bytes(b))),
                op::I64Load16UWide::OPCODE => load!(I64Load16UWide, 2, |b| u64::from(u16::from_le_bytes(b))),
                op::I64Load32SWide::OPCODE => load!(I64Load32SWide, 4, |b| i64::from(i32::from_le_bytes(b))),
                op::I64Load32UWide::OPCODE => load!(I64Load32UWide, 4, |b| u64::from(u32::from_le_bytes(b))),
                op::I32StoreImm::OPCODE => store_imm!(I32StoreImm, |v| i32::from(v).to_le_bytes()),
                op::I64StoreImm::OPCODE => store_imm!(I64StoreImm, |v| i64::from(v).to_le_bytes()),
                op::Store8Imm::OPCODE => store_imm!(Store8Imm, |v| [v as u8]),
                op::Store16Imm::OPCODE => store_imm!(Store16Imm, |v| v.to_le_bytes()),
                op::I32StoreWide::OPCODE => store!(I32StoreWide, |v| (v as u32).to_le_bytes()),
                op::I64StoreWide::OPCODE => store!(I64StoreWide, |v| v.to_le_bytes()),
                op::Store8Wide::OPCODE => store!(Store8Wide, |v| [v as u8]),
                op::Store16Wide::OPCODE => store!(Store16Wide, |v| (v as u16).to_le_bytes()),
                op::MemorySize::OPCODE => {
                    let i = dec!(MemorySize);
                    regs.set(i.dst, mem.pages());
                    next!(MemorySize);
                }
                op::MemoryGrow::OPCODE => {
                    let i = dec!(MemoryGrow);
                    let delta = regs.get(i.delta) as u32;
                    let old = objects.grow_memory_held(mem, u64::from(delta)).and_then(|old| u32::try_from(old).ok());
                    regs.set(i.dst, u64::from(old.unwrap_or(u32::MAX)));
                    next!(MemoryGrow);
                }
                op::MemoryFill::OPCODE => {
                    let i = dec!(MemoryFill);
                    let (dst, value, len) = (regs.get(i.dst) as u32, regs.get(i.value) as u8, regs.get(i.len) as u32);
                    memory::fill(mem.data_mut(), dst, value, len)?;
                    next!(MemoryFill);
                }
                op::MemoryCopy::OPCODE => {
                    let i = dec!(MemoryCopy);
                    let (dst, src, len) = (regs.get(i.dst) as u32, regs.get(i.src) as u32, regs.get(i.len) as u32);
                    memory::copy(mem.data_mut(), dst, src, len)?;
                    next!(MemoryCopy);
                }
                op::MemoryInit::OPCODE => {
                    let i = dec!(MemoryInit);
                    let (dst, src, len) = (regs.get(i.dst) as u32, regs.get(i.src) as u32, regs.get(i.len) as u32);
                    memory::init(mem.data_mut(), inst.data_segment(i.data), dst, src, len)?;
                    next!(MemoryInit);
                }
                op::DataDrop::OPCODE => {
                    let i = dec!(DataDrop);
                    break Exit::DataDrop { data: i.data, next: pc_of!(ip) + op::DataDrop::UNITS };
                }

                // ---- i32 ----
                op::I32Eqz::OPCODE => un!(I32Eqz, |a: u32| a == 0),
                op::I32Eq::OPCODE => bin!(I32Eq, |a: u32, b: u32| a == b),
                op::I32Ne::OPCODE => bin!(I32Ne, |a: u32, b: u32| a != b),
                op::I32LtS::OPCODE => bin!(I32LtS, |a: i32, b: i32| a < b),
                op::I32LtU::OPCODE => bin!(I32LtU, |a: u32, b: u32| a < b),
                op::I32GtS::OPCODE => bin!(I32GtS, |a: i32, b: i32| a > b),
                op::I32GtU::OPCODE => bin!(I32GtU, |a: u32, b: u32| a > b),
                op::I32LeS::OPCODE => bin!(I32LeS, |a: i32, b: i32| a <= b),
                op::I32LeU::OPCODE => bin!(I32LeU, |a: u32, b: u32| a <= b),
                op::I32GeS::OPCODE => bin!(I32GeS, |a: i32, b: i32| a >= b),
                op::I32GeU::OPCODE => bin!(I32GeU, |a: u32, b: u32| a >= b),
                op::I32Clz::OPCODE => un!(I32Clz, |a: u32| a.leading_zeros()),
                op::I32Ctz::OPCODE => un!(I32Ctz, |a: u32| a.trailing_zeros()),
                op::I32Popcnt::OPCODE => un!(I32Popcnt, |a: u32| a.count_ones()),
                op::I32Add::OPCODE => bin!(I32Add, |a: u32, b: u32| a.wrapping_add(b)),
                op::I32Sub::OPCODE => bin!(I32Sub, |a: u32, b: u32| a.wrapping_sub(b)),
                op::I32Mul::OPCODE => bin!(I32Mul, |a: u32, b: u32| a.wrapping_mul(b)),
                op::I32DivS::OPCODE => bin_try!(I32DivS, num::i32_div_s),
                op::I32DivU::OPCODE => bin_try!(I32DivU, num::i32_div_u),
                op::I32RemS::OPCODE => bin_try!(I32RemS, num::i32_rem_s),
                op::I32RemU::OPCODE => bin_try!(I32RemU, num::i32_rem_u),
                op::I32And::OPCODE => bin!(I32And, |a: u32, b: u32| a & b),
                op::I32Or::OPCODE => bin!(I32Or, |a: u32, b: u32| a | b),
                op::I32Xor::OPCODE => bin!(I32Xor, |a: u32, b: u32| a ^ b),
                op::I32Shl::OPCODE => bin!(I32Shl, |a: u32, b: u32| a.wrapping_shl(b)),
                op::I32ShrS::OPCODE => bin!(I32ShrS, |a: i32, b: u32| a.wrapping_shr(b)),
                op::I32ShrU::OPCODE => bin!(I32ShrU, |a: u32, b: u32| a.wrapping_shr(b)),
                op::I32Rotl::OPCODE => bin!(I32Rotl, |a: u32, b: u32| a.rotate_left(b % 32)),
                op::I32Rotr::OPCODE => bin!(I32Rotr, |a: u32, b: u32| a.rotate_right(b % 32)),
                op::I32AddImm::OPCODE => imm!(I32AddImm, |a: i32, b| a.wrapping_add(i32::from(b))),
                op::I32MulImm::OPCODE => imm!(I32MulImm, |a: i32, b| a.wrapping_mul(i32::from(b))),
                op::I32AndImm::OPCODE => imm!(I32AndImm, |a: i32, b| a & i32::from(b)),
                op::I32OrImm::OPCODE => imm!(I32OrImm, |a: i32, b| a | i32::from(b)),
                op::I32XorImm::OPCODE => imm!(I32XorImm, |a: i32, b| a ^ i32::from(b)),
                op::I32ShlImm::OPCODE => imm!(I32ShlImm, |a: u32, b| a.wrapping_shl(b as u32)),
                op::I32ShrSImm::OPCODE => imm!(I32ShrSImm, |a: i32, b| a.wrapping_shr(b as u32)),
                op::I32ShrUImm::OPCODE => imm!(I32ShrUImm, |a: u32, b| a.wrapping_shr(b as u32)),
                op::I32RotlImm::OPCODE => imm!(I32RotlImm, |a: u32, b| a.rotate_left(b as u32 % 32)),
                op::I32AddImm32::OPCODE => imm32!(I32AddImm32, |a, b| a.wrapping_add(b)),
                op::I32AndImm32::OPCODE => imm32!(I32AndImm32, |a, b| a & b),
                op::I32OrImm32::OPCODE => imm32!(I32OrImm32, |a, b| a | b),
                op::I32XorImm32::OPCODE => imm32!(I32XorImm32, |a, b| a ^ b),
                op::I32EqImm::OPCODE => imm!(I32EqImm, |a: i32, b| a == i32::from(b)),
                op::I32NeImm::OPCODE => imm!(I32NeImm, |a: i32, b| a != i32::from(b)),
                op::I32LtSImm::OPCODE => imm!(I32LtSImm, |a: i32, b| a < i32::from(b)),
                op::I32LtUImm::OPCODE => imm!(I32LtUImm, |a: u32, b| a < i32::from(b) as u32),
                op::I32GtSImm::OPCODE => imm!(I32GtSImm, |a: i32, b| a > i32::from(b)),
                op::I32GtUImm::OPCODE => imm!(I32GtUImm, |a: u32, b| a > i32::from(b) as u32),
                op::I32LeSImm::OPCODE => imm!(I32LeSImm, |a: i32, b| a <= i32::from(b)),
                op::I32LeUImm::OPCODE => imm!(I32LeUImm, |a: u32, b| a <= i32::from(b) as u32),
                op::I32GeSImm::OPCODE => imm!(I32GeSImm, |a: i32, b| a >= i32::from(b)),
                op::I32GeUImm::OPCODE => imm!(I32GeUImm, |a: u32, b| a >= i32::from(b) as u32),

                // ---- i64 ----
                op::I64Eqz::OPCODE => un!(I64Eqz, |a: u64| a == 0),
                op::I64Eq::OPCODE => bin!(I64Eq, |a: u64, b: u64| a == b),
                op::I64Ne::OPCODE => bin!(I64Ne, |a: u64, b: u64| a != b),
                op::I64LtS::OPCODE => bin!(I64LtS, |a: i64, b: i64| a < b),
                op::I64LtU::OPCODE => bin!(I64LtU, |a: u64, b: u64| a < b),
                op::I64GtS::OPCODE => bin!(I64GtS, |a: i64, b: i64| a > b),
                op::I64GtU::OPCODE => bin!(I64GtU, |a: u64, b: u64| a > b),
                op::I64LeS::OPCODE => bin!(I64LeS, |a: i64, b: i64| a <= b),
                op::I64LeU::OPCODE => bin!(I64LeU, |a: u64, b: u64| a <= b),
                op::I64GeS::OPCODE => bin!(I64GeS, |a: i64, b: i64| a >= b),
                op::I64GeU::OPCODE => bin!(I64GeU, |a: u64, b: u64| a >= b),
                op::I64Clz::OPCODE => un!(I64Clz, |a: u64| u64::from(a.leading_zeros())),
                op::I64Ctz::OPCODE => un!(I64Ctz, |a: u64| u64::from(a.trailing_zeros())),
                op::I64Popcnt::OPCODE => un!(I64Popcnt, |a: u64| u64::from(a.count_ones())),
                op::I64Add::OPCODE => bin!(I64Add, |a: u64, b: u64| a.wrapping_add(b)),
                op::I64Sub::OPCODE => bin!(I64Sub, |a: u64, b: u64| a.wrapping_sub(b)),
                op::I64Mul::OPCODE => bin!(I64Mul, |a: u64, b: u64| a.wrapping_mul(b)),
                op::I64DivS::OPCODE => bin_try!(I64DivS, num::i64_div_s),
                op::I64DivU::OPCODE => bin_try!(I64DivU, num::i64_div_u),
                op::I64RemS::OPCODE => bin_try!(I64RemS, num::i64_rem_s),
                op::I64RemU::OPCODE => bin_try!(I64RemU, num::i64_rem_u),
                op::I64And::OPCODE => bin!(I64And, |a: u64, b: u64| a & b),
                op::I64Or::OPCODE => bin!(I64Or, |a: u64, b: u64| a | b),
                op::I64Xor::OPCODE => bin!(I64Xor, |a: u64, b: u64| a ^ b),
                op::I64Shl::OPCODE => bin!(I64Shl, |a: u64, b: u64| a.wrapping_shl(b as u32)),
                op::I64ShrS::OPCODE => bin!(I64ShrS, |a: i64, b: u64| a.wrapping_shr(b as u32)),
                op::I64ShrU::OPCODE => bin!(I64ShrU, |a: u64, b: u64| a.wrapping_shr(b as u32)),
                op::I64Rotl::OPCODE => bin!(I64Rotl, |a: u64, b: u64| a.rotate_left((b % 64) as u32)),
                op::I64Rotr::OPCODE => bin!(I64Rotr, |a: u64, b: u64| a.rotate_right((b % 64) as u32)),
                op::I64AddImm::OPCODE => imm!(I64AddImm, |a: i64, b| a.wrapping_add(i64::from(b))),
                op::I64MulImm::OPCODE => imm!(I64MulImm, |a: i64, b| a.wrapping_mul(i64::from(b))),
                op::I64AndImm::OPCODE => imm!(I64AndImm, |a: i64, b| a & i64::from(b)),
                op::I64OrImm::OPCODE => imm!(I64OrImm, |a: i64, b| a | i64::from(b)),
                op::I64XorImm::OPCODE => imm!(I64XorImm, |a: i64, b| a ^ i64::from(b)),
                op::I64ShlImm::OPCODE => imm!(I64ShlImm, |a: u64, b| a.wrapping_shl(b as u32)),
                op::I64ShrSImm::OPCODE => imm!(I64ShrSImm, |a: i64, b| a.wrapping_shr(b as u32)),
                op::I64ShrUImm::OPCODE => imm!(I64ShrUImm, |a: u64, b| a.wrapping_shr(b as u32)),
                op::I64RotlImm::OPCODE => imm!(I64RotlImm, |a: u64, b| a.rotate_left(b as u32 % 64)),
                op::I64EqImm::OPCODE => imm!(I64EqImm, |a: i64, b| a == i64::from(b)),
                op::I64NeImm::OPCODE => imm!(I64NeImm, |a: i64, b| a != i64::from(b)),
                op::I64LtSImm::OPCODE => imm!(I64LtSImm, |a: i64, b| a < i64::from(b)),
                op::I64LtUImm::OPCODE => imm!(I64LtUImm, |a: u64, b| a < i64::from(b) as u64),
                op::I64GtSImm::OPCODE => imm!(I64GtSImm, |a: i64, b| a > i64::from(b)),
                op::I64GtUImm::OPCODE => imm!(I64GtUImm, |a: u64, b| a > i64::from(b) as u64),
                op::I64LeSImm::OPCODE => imm!(I64LeSImm, |a: i64, b| a <= i64::from(b)),
                op::I64LeUImm::OPCODE => imm!(I64LeUImm, |a: u64, b| a <= i64::from(b) as u64),
                op::I64GeSImm::OPCODE => imm!(I64GeSImm, |a: i64, b| a >= i64::from(b)),
                op::I64GeUImm::OPCODE => imm!(I64GeUImm, |a: u64, b| a >= i64::from(b) as u64),

                // ---- f32 ----
                op::F32Eq::OPCODE => fbin!(F32Eq, |a: f32, b: f32| a == b),
                op::F32Ne::OPCODE => fbin!(F32Ne, |a: f32, b: f32| a != b),
                op::F32Lt::OPCODE => fbin!(F32Lt, |a: f32, b: f32| a < b),
                op::F32Gt::OPCODE => fbin!(F32Gt, |a: f32, b: f32| a > b),
                op::F32Le::OPCODE => fbin!(F32Le, |a: f32, b: f32| a <= b),
                op::F32Ge::OPCODE => fbin!(F32Ge, |a: f32, b: f32| a >= b),
                op::F32Abs::OPCODE => fun!(F32Abs, |a: u32| a & 0x7fff_ffff),
                op::F32Neg::OPCODE => fun!(F32Neg, |a: u32| a ^ 0x8000_0000),
                op::F32Ceil::OPCODE => fun!(F32Ceil, |a: f32| num::f32_ceil(a)),
                op::F32Floor::OPCODE => fun!(F32Floor, |a: f32| num::f32_floor(a)),
                op::F32Trunc::OPCODE => fun!(F32Trunc, |a: f32| num::f32_trunc(a)),
                op::F32Nearest::OPCODE => fun!(F32Nearest, |a: f32| num::f32_nearest(a)),
                op::F32Sqrt::OPCODE => fun!(F32Sqrt, |a: f32| num::f32_sqrt(a)),
                op::F32Add::OPCODE => fbin!(F32Add, |a: f32, b: f32| a + b),
                op::F32Sub::OPCODE => fbin!(F32Sub, |a: f32, b: f32| a - b),
                op::F32Mul::OPCODE => fbin!(F32Mul, |a: f32, b: f32| a * b),
                op::F32Div::OPCODE => fbin!(F32Div, |a: f32, b: f32| a / b),
                op::F32Min::OPCODE => fbin!(F32Min, |a: f32, b: f32| num::f32_min(a, b)),
                op::F32Max::OPCODE => fbin!(F32Max, |a: f32, b: f32| num::f32_max(a, b)),
                op::F32Copysign::OPCODE => fbin!(F32Copysign, |a: u32, b: u32| num::f32_copysign(a, b)),

                // ---- f64 ----
                op::F64Eq::OPCODE => fbin!(F64Eq, |a: f64, b: f64| a == b),
                op::F64Ne::OPCODE => fbin!(F64Ne, |a: f64, b: f64| a != b),
                op::F64Lt::OPCODE => fbin!(F64Lt, |a: f64, b: f64| a < b),
                op::F64Gt::OPCODE => fbin!(F64Gt, |a: f64, b: f64| a > b),
                op::F64Le::OPCODE => fbin!(F64Le, |a: f64, b: f64| a <= b),
                op::F64Ge::OPCODE => fbin!(F64Ge, |a: f64, b: f64| a >= b),
                op::F64Abs::OPCODE => fun!(F64Abs, |a: u64| a & 0x7fff_ffff_ffff_ffff),
                op::F64Neg::OPCODE => fun!(F64Neg, |a: u64| a ^ 0x8000_0000_0000_0000),
                op::F64Ceil::OPCODE => fun!(F64Ceil, |a: f64| num::f64_ceil(a)),
                op::F64Floor::OPCODE => fun!(F64Floor, |a: f64| num::f64_floor(a)),
                op::F64Trunc::OPCODE => fun!(F64Trunc, |a: f64| num::f64_trunc(a)),
                op::F64Nearest::OPCODE => fun!(F64Nearest, |a: f64| num::f64_nearest(a)),
                op::F64Sqrt::OPCODE => fun!(F64Sqrt, |a: f64| num::f64_sqrt(a)),
                op::F64Add::OPCODE => fbin!(F64Add, |a: f64, b: f64| a + b),
                op::F64Sub::OPCODE => fbin!(F64Sub, |a: f64, b: f64| a - b),
                op::F64Mul::OPCODE => fbin!(F64Mul, |a: f64, b: f64| a * b),
                op::F64Div::OPCODE => fbin!(F64Div, |a: f64, b: f64| a / b),
                op::F64Min::OPCODE => fbin!(F64Min, |a: f64, b: f64| num::f64_min(a, b)),
                op::F64Max::OPCODE => fbin!(F64Max, |a: f64, b: f64| num::f64_max(a, b)),
                op::F64Copysign::OPCODE => fbin!(F64Copysign, |a: u64, b: u64| num::f64_copysign(a, b)),

                // ---- conversions ----
                op::I32WrapI64::OPCODE => un!(I32WrapI64, |a: u64| a as u32),
                op::I32TruncF32S::OPCODE => fun_try!(I32TruncF32S, num::i32_trunc_f32_s),
                op::I32TruncF32U::OPCODE => fun_try!(I32TruncF32U, num::i32_trunc_f32_u),
                op::I32TruncF64S::OPCODE => fun_try!(I32TruncF64S, num::i32_trunc_f64_s),
                op::I32TruncF64U::OPCODE => fun_try!(I32TruncF64U, num::i32_trunc_f64_u),
                op::I64ExtendI32S::OPCODE => un!(I64ExtendI32S, |a: i32| i64::from(a)),
                op::I64ExtendI32U::OPCODE => un!(I64ExtendI32U, |a: u32| u64::from(a)),
                op::I64TruncF32S::OPCODE => fun_try!(I64TruncF32S, num::i64_trunc_f32_s),
                op::I64TruncF32U::OPCODE => fun_try!(I64TruncF32U, num::i64_trunc_f32_u),
                op::I64TruncF64S::OPCODE => fun_try!(I64TruncF64S, num::i64_trunc_f64_s),
                op::I64TruncF64U::OPCODE => fun_try!(I64TruncF64U, num::i64_trunc_f64_u),
                op::F32ConvertI32S::OPCODE => fun!(F32ConvertI32S, |a: i32| a as f32),
                op::F32ConvertI32U::OPCODE => fun!(F32ConvertI32U, |a: u32| a as f32),
                op::F32ConvertI64S::OPCODE => fun!(F32ConvertI64S, |a: i64| a as f32),
                op::F32ConvertI64U::OPCODE => fun!(F32ConvertI64U, |a: u64| a as f32),
                op::F32DemoteF64::OPCODE => fun!(F32DemoteF64, |a: f64| num::f32_demote(a)),
                op::F64ConvertI32S::OPCODE => fun!(F64ConvertI32S, |a: i32| f64::from(a)),
                op::F64ConvertI32U::OPCODE => fun!(F64ConvertI32U, |a: u32| f64::from(a)),
                op::F64ConvertI64S::OPCODE => fun!(F64ConvertI64S, |a: i64| a as f64),
                op::F64ConvertI64U::OPCODE => fun!(F64ConvertI64U, |a: u64| a as f64),
                op::F64PromoteF32::OPCODE => fun!(F64PromoteF32, |a: f32| num::f64_promote(a)),
                op::I32Extend8S::OPCODE => un!(I32Extend8S, |a: u32| i32::from(a as i8)),
                op::I32Extend16S::OPCODE => un!(I32Extend16S, |a: u32| i32::from(a as i16)),
                op::I64Extend8S::OPCODE => un!(I64Extend8S, |a: u64| i64::from(a as i8)),
                op::I64Extend16S::OPCODE => un!(I64Extend16S, |a: u64| i64::from(a as i16)),
                op::I64Extend32S::OPCODE => un!(I64Extend32S, |a: u64| i64::from(a as i32)),
                // `as` from float to int saturates and maps NaN to 0: exactly `trunc_sat`.
                op::I32TruncSatF32S::OPCODE => fun!(I32TruncSatF32S, |a: f32| a as i32),
                op::I32TruncSatF32U::OPCODE => fun!(I32TruncSatF32U, |a: f32| a as u32),
                op::I32TruncSatF64S::OPCODE => fun!(I32TruncSatF64S, |a: f64| a as i32),
                op::I32TruncSatF64U::OPCODE => fun!(I32TruncSatF64U, |a: f64| a as u32),
                op::I64TruncSatF32S::OPCODE => fun!(I64TruncSatF32S, |a: f32| a as i64),
                op::I64TruncSatF32U::OPCODE => fun!(I64TruncSatF32U, |a: f32| a as u64),
                op::I64TruncSatF64S::OPCODE => fun!(I64TruncSatF64S, |a: f64| a as i64),
                op::I64TruncSatF64U::OPCODE => fun!(I64TruncSatF64U, |a: f64| a as u64),

                // SAFETY: the verifier checked that every instruction's opcode is in the table, and each has its
                // arm above (the `every_opcode_is_dispatched` test checks this file).
                _ => unsafe { core::hint::unreachable_unchecked() },
            }
        };
        st.loop_budget = loop_budget;

        // Pops the returning function's frame and goes on in its caller, or ends this execution when the
        // caller is outside it. Results are in the callee's slots `0..`, which are the caller's argument slots.
        macro_rules! return_to_caller {
            ($st:expr) => {{
                if $st.depth() <= entry_len {
                    return Ok(());
                }
                let Some((code, caller)) = $st.pop_frame() else { return Ok(()) };
                cur = code;
                cur_index = caller.func_index as usize;
                pc = caller.pc;
                base = caller.base;
                inst_idx = caller.instance as usize;
            }};
        }
        match exit {
            Exit::Return => return_to_caller!(st),
            Exit::Call { func, args, next } => {
                let (instance, index) = match store.funcs().get(func) {
                    Some(FuncEntity::Wasm { instance, index, .. }) => (*instance, *index),
                    Some(FuncEntity::Host { .. }) => {
                        pc = next;
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
                    pc = next;
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
                let caller = core::mem::replace(&mut cur, callee);
                st.push_frame(
                    caller,
                    Frame { pc: next, base, func_index: cur_index as u32, instance: inst_idx as u32 },
                );
                cur_index = func;
                base = new_base;
                pc = 0;
                inst_idx = instance.index() as usize;
            }
            Exit::LoopSample { target } => {
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
            Exit::ElemDrop { elem, next } => {
                store.drop_element_segment(inst_idx, elem);
                pc = next;
            }
            Exit::DataDrop { data, next } => {
                store.drop_data_segment(inst_idx, data);
                pc = next;
            }
        }
    }
}
