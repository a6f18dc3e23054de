//! Runtime helpers native code calls for what it does not do inline: calls leaving native code, `call_indirect`,
//! `memory.grow`, bulk memory, tables and segment drops. Each has the same semantics, checks and trap codes
//! as the interpreter's instruction.
//!
//! Every helper takes the context first, reaches the store through it, and refreshes the context before
//! returning (memory may have moved, globals may have been added). A helper never panics: a panic cannot
//! unwind through native frames.

use ember_core::{cells_for, cells_of, FuncEntity, Instance, StoreInner, Trap, TrapCode, Val};

use super::vmctx::VmCtx;
use crate::env::Helper;
use crate::status;

/// The address of a helper, for the translator.
pub(crate) fn address(helper: Helper) -> usize {
    match helper {
        Helper::Call => call as *const () as usize,
        Helper::CallIndirect => call_indirect as *const () as usize,
        Helper::MemoryGrow => memory_grow as *const () as usize,
        Helper::MemoryFill => memory_fill as *const () as usize,
        Helper::MemoryCopy => memory_copy as *const () as usize,
        Helper::MemoryInit => memory_init as *const () as usize,
        Helper::DataDrop => data_drop as *const () as usize,
        Helper::TableGet => table_get as *const () as usize,
        Helper::TableSet => table_set as *const () as usize,
        Helper::TableSize => table_size as *const () as usize,
        Helper::TableGrow => table_grow as *const () as usize,
        Helper::TableFill => table_fill as *const () as usize,
        Helper::TableCopy => table_copy as *const () as usize,
        Helper::TableInit => table_init as *const () as usize,
        Helper::ElemDrop => elem_drop as *const () as usize,
    }
}

/// Runs `f` on the store of `vmctx` and the instance's store index, refreshes the context, and turns the
/// outcome into a status (a trap with more than a code is left pending in the context).
///
/// # Safety
/// `vmctx` is a live context whose `store` points to the store running it (true for every call from native
/// code, which is entered only through `runtime::enter`).
unsafe fn with_store<R>(
    vmctx: *mut VmCtx,
    f: impl FnOnce(&mut StoreInner, u32) -> Result<R, Trap>,
) -> (u32, Option<R>) {
    // SAFETY: the context is live (the contract). Read what is needed, and hold no reference to the context
    // while `f` runs (it may enter native code of the same instance, which uses the context).
    let (store, instance) = unsafe { ((*vmctx).store, (*vmctx).instance) };
    // SAFETY: see the function's contract; the native code that called this does not touch the store
    // while the helper runs.
    let store = unsafe { &mut *store };
    // A panic (a host function's, say) must not unwind into native frames: it is carried past them.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut *store, instance)));
    // SAFETY: as above; no other reference to the context is live now.
    let ctx = unsafe { &mut *vmctx };
    ctx.refresh(store);
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(payload) => {
            ctx.panic = Some(payload);
            return (status::PANICKED, None);
        }
    };
    match outcome {
        Ok(r) => (status::OK, Some(r)),
        Err(trap) => {
            let s = status::of_trap(&trap);
            if s == status::PENDING {
                ctx.pending = Some(trap);
            }
            (s, None)
        }
    }
}

/// The status of a helper that returns nothing else.
unsafe fn run(vmctx: *mut VmCtx, f: impl FnOnce(&mut StoreInner, u32) -> Result<(), Trap>) -> u32 {
    // SAFETY: forwarded contract.
    unsafe { with_store(vmctx, f) }.0
}

fn bad(what: &str) -> Trap {
    Trap::engine_defect(format!("native code: bad {what}"))
}

/// Calls store function `func` from native code of `caller`: native code directly, a host function with
/// values converted from the cells, anything else in the interpreter.
pub(crate) fn call_any(
    store: &mut StoreInner,
    func: usize,
    cells: &mut [u64],
    depth: usize,
    caller: Option<Instance>,
) -> Result<(), Trap> {
    match store.funcs().get(func) {
        Some(FuncEntity::Host { type_id, func: host }) => {
            let (type_id, call) = (*type_id, host.call.clone());
            if !super::room_for_slow_call(store) {
                return Err(Trap::new(TrapCode::StackOverflow));
            }
            let ty = store.types().get(type_id as usize).ok_or_else(|| bad("type id"))?;
            // Arguments and results are laid out by cells (a `v128` takes two), as in an interpreter frame.
            let mut at = 0;
            let params: Vec<Val> = ty
                .params()
                .iter()
                .map(|&t| {
                    let v = Val::read_cells(t, cells.get(at..).unwrap_or(&[]));
                    at += cells_for(t) as usize;
                    v
                })
                .collect();
            let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
            call(store, caller, &params, &mut results)?;
            let mut at = 0;
            for v in &results {
                if let Some(out) = cells.get_mut(at..) {
                    v.write_cells(out);
                }
                at += cells_for(v.ty()) as usize;
            }
            Ok(())
        }
        Some(FuncEntity::Wasm { .. }) => {
            if depth > store.limits().max_call_depth {
                return Err(Trap::new(TrapCode::StackOverflow));
            }
            if super::state(store).native(func).is_some() {
                return super::enter(store, func, cells, depth);
            }
            if !super::room_for_slow_call(store) {
                return Err(Trap::new(TrapCode::StackOverflow));
            }
            ember_interp::exec::tier::call_raw(store, func, cells, depth)
        }
        None => Err(bad("function index")),
    }
}

/// The cells of a call to `func` at `args`.
///
/// # Safety
/// `args` points to at least as many cells as the larger of `func`'s parameter and result cells (native
/// code sizes its call cells by the call site's signature, which equals the callee's: validation checks
/// direct calls, `call_indirect` checks the signature before calling; and it compiles no signature with a
/// `v128`, so its call sites have one cell per value).
unsafe fn cells<'a>(store: &StoreInner, func: usize, args: *mut u64) -> Result<&'a mut [u64], Trap> {
    let type_id = store.funcs().get(func).ok_or_else(|| bad("function index"))?.type_id();
    let ty = store.types().get(type_id as usize).ok_or_else(|| bad("type id"))?;
    let n = cells_of(ty.params()).max(cells_of(ty.results()));
    // SAFETY: see the function's contract.
    Ok(unsafe { core::slice::from_raw_parts_mut(args, n) })
}

unsafe extern "C" fn call(vmctx: *mut VmCtx, func: u32, args: *mut u64, depth: u64) -> u32 {
    // SAFETY: called by native code with its live context, and call cells sized for the callee.
    unsafe {
        run(vmctx, |store, instance| {
            let cells = cells(store, func as usize, args)?;
            call_any(store, func as usize, cells, depth as usize, Some(Instance::from_index(instance)))
        })
    }
}

unsafe extern "C" fn call_indirect(
    vmctx: *mut VmCtx,
    table: u32,
    type_id: u32,
    elem: u32,
    args: *mut u64,
    depth: u64,
) -> u32 {
    // SAFETY: called by native code with its live context; the cells are sized for the expected signature,
    // which the callee is checked to have before they are used.
    unsafe {
        run(vmctx, |store, instance| {
            let t = store.tables().get(table as usize).ok_or_else(|| bad("table index"))?;
            let bits = *t.elements().get(elem as usize).ok_or(TrapCode::UndefinedElement)?;
            let func = bits.checked_sub(1).ok_or(TrapCode::UninitializedElement)? as usize;
            let actual = store.funcs().get(func).ok_or_else(|| bad("function reference"))?.type_id();
            if actual != type_id {
                return Err(Trap::new(TrapCode::IndirectCallTypeMismatch));
            }
            let cells = cells(store, func, args)?;
            call_any(store, func, cells, depth as usize, Some(Instance::from_index(instance)))
        })
    }
}

/// Memory 0 of store instance `instance`.
fn memory0(store: &mut StoreInner, instance: u32) -> Result<&mut ember_core::MemoryEntity, Trap> {
    let parts = store.parts_mut();
    let m = parts.instances.get(instance as usize).and_then(|i| i.memories.first()).ok_or_else(|| bad("memory"))?;
    parts.memories.get_mut(m.index() as usize).ok_or_else(|| bad("memory"))
}

/// `[start, start + len)` inside `size`, or `trap`.
fn range(start: u32, len: u32, size: usize, trap: TrapCode) -> Result<core::ops::Range<usize>, Trap> {
    let end = u64::from(start) + u64::from(len);
    if end <= size as u64 {
        Ok(start as usize..end as usize)
    } else {
        Err(Trap::new(trap))
    }
}

const MEM: TrapCode = TrapCode::MemoryOutOfBounds;
const TABLE: TrapCode = TrapCode::TableOutOfBounds;

unsafe extern "C" fn memory_grow(vmctx: *mut VmCtx, delta: u32) -> u32 {
    // SAFETY: called by native code with its live context.
    let (_, old) = unsafe {
        with_store(vmctx, |store, instance| {
            let m = store
                .instances()
                .get(instance as usize)
                .and_then(|i| i.memories.first())
                .ok_or_else(|| bad("memory"))?;
            let old = store.grow_memory(m.index(), u64::from(delta));
            Ok(old.and_then(|old| u32::try_from(old).ok()).unwrap_or(u32::MAX))
        })
    };
    old.unwrap_or(u32::MAX)
}

unsafe extern "C" fn memory_fill(vmctx: *mut VmCtx, dst: u32, value: u32, len: u32) -> u32 {
    // SAFETY: called by native code with its live context.
    unsafe {
        run(vmctx, |store, instance| {
            let m = memory0(store, instance)?;
            let r = range(dst, len, m.data().len(), MEM)?;
            m.data_mut()[r].fill(value as u8);
            Ok(())
        })
    }
}

unsafe extern "C" fn memory_copy(vmctx: *mut VmCtx, dst: u32, src: u32, len: u32) -> u32 {
    // SAFETY: called by native code with its live context.
    unsafe {
        run(vmctx, |store, instance| {
            let m = memory0(store, instance)?;
            let s = range(src, len, m.data().len(), MEM)?;
            let d = range(dst, len, m.data().len(), MEM)?;
            m.data_mut().copy_within(s, d.start);
            Ok(())
        })
    }
}

unsafe extern "C" fn memory_init(vmctx: *mut VmCtx, segment: u32, dst: u32, src: u32, len: u32) -> u32 {
    // SAFETY: called by native code with its live context.
    unsafe {
        run(vmctx, |store, instance| {
            let inst = store.instances().get(instance as usize).ok_or_else(|| bad("instance"))?;
            let mem = inst.memories.first().ok_or_else(|| bad("memory"))?.index() as usize;
            let bytes = inst.data_segment(segment);
            let s = range(src, len, bytes.len(), MEM)?;
            let seg = bytes[s].to_vec();
            let m = store.memories_mut().get_mut(mem).ok_or_else(|| bad("memory"))?;
            let d = range(dst, len, m.data().len(), MEM)?;
            m.data_mut()[d].copy_from_slice(&seg);
            Ok(())
        })
    }
}

unsafe extern "C" fn data_drop(vmctx: *mut VmCtx, segment: u32) -> u32 {
    // SAFETY: called by native code with its live context.
    unsafe {
        run(vmctx, |store, instance| {
            store.drop_data_segment(instance as usize, segment);
            Ok(())
        })
    }
}

fn table(store: &mut StoreInner, table: u32) -> Result<&mut ember_core::TableEntity, Trap> {
    store.tables_mut().get_mut(table as usize).ok_or_else(|| bad("table index"))
}

unsafe extern "C" fn table_get(vmctx: *mut VmCtx, t: u32, index: u32) -> u32 {
    // SAFETY: called by native code with its live context.
    let (status, value) = unsafe {
        with_store(vmctx, |store, _| {
            let t = table(store, t)?;
            t.elements().get(index as usize).copied().ok_or(Trap::new(TABLE))
        })
    };
    if let Some(v) = value {
        // SAFETY: the context is live and no reference to it is held.
        unsafe { (*vmctx).scratch = v };
    }
    status
}

unsafe extern "C" fn table_set(vmctx: *mut VmCtx, t: u32, index: u32, value: u64) -> u32 {
    // SAFETY: called by native code with its live context.
    unsafe {
        run(vmctx, |store, _| {
            *table(store, t)?.elements_mut().get_mut(index as usize).ok_or(Trap::new(TABLE))? = value;
            Ok(())
        })
    }
}

unsafe extern "C" fn table_size(vmctx: *mut VmCtx, t: u32) -> u32 {
    // SAFETY: called by native code with its live context.
    let (_, size) = unsafe { with_store(vmctx, |store, _| Ok(table(store, t)?.len() as u32)) };
    size.unwrap_or(0)
}

unsafe extern "C" fn table_grow(vmctx: *mut VmCtx, t: u32, delta: u32, init: u64) -> u32 {
    // SAFETY: called by native code with its live context.
    let (_, old) = unsafe {
        with_store(vmctx, |store, _| {
            table(store, t)?;
            let old = store.grow_table(t, delta.into(), init);
            Ok(old.and_then(|old| u32::try_from(old).ok()).unwrap_or(u32::MAX))
        })
    };
    old.unwrap_or(u32::MAX)
}

unsafe extern "C" fn table_fill(vmctx: *mut VmCtx, t: u32, dst: u32, value: u64, len: u32) -> u32 {
    // SAFETY: called by native code with its live context.
    unsafe {
        run(vmctx, |store, _| {
            let t = table(store, t)?;
            let r = range(dst, len, t.len(), TABLE)?;
            t.elements_mut()[r].fill(value);
            Ok(())
        })
    }
}

unsafe extern "C" fn table_copy(vmctx: *mut VmCtx, dt: u32, st: u32, dst: u32, src: u32, len: u32) -> u32 {
    // SAFETY: called by native code with its live context.
    unsafe {
        run(vmctx, |store, _| {
            let s = range(src, len, table(store, st)?.len(), TABLE)?;
            let d = range(dst, len, table(store, dt)?.len(), TABLE)?;
            let items: Vec<u64> = table(store, st)?.elements()[s].to_vec();
            table(store, dt)?.elements_mut()[d].copy_from_slice(&items);
            Ok(())
        })
    }
}

unsafe extern "C" fn table_init(vmctx: *mut VmCtx, t: u32, segment: u32, dst: u32, src: u32, len: u32) -> u32 {
    // SAFETY: called by native code with its live context.
    unsafe {
        run(vmctx, |store, instance| {
            let inst = store.instances().get(instance as usize).ok_or_else(|| bad("instance"))?;
            let seg = inst.elements.get(segment as usize).ok_or_else(|| bad("element segment"))?;
            let s = range(src, len, seg.len(), TABLE)?;
            let items = seg[s].to_vec();
            let t = table(store, t)?;
            let d = range(dst, len, t.len(), TABLE)?;
            t.elements_mut()[d].copy_from_slice(&items);
            Ok(())
        })
    }
}

unsafe extern "C" fn elem_drop(vmctx: *mut VmCtx, segment: u32) -> u32 {
    // SAFETY: called by native code with its live context.
    unsafe {
        run(vmctx, |store, instance| {
            store.drop_element_segment(instance as usize, segment);
            Ok(())
        })
    }
}
