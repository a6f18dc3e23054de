//! The context native code runs with: one per instance and store, at a fixed address.
//!
//! The first fields are read by native code at the offsets [`VmCtx::offset`] gives the translator; the rest
//! is for the runtime helpers. Addresses into the store (memory 0's bytes, the global cells, the fuel) are
//! refreshed by [`VmCtx::refresh`] whenever native code is entered and after every helper and every call
//! that leaves native code, since anything run meanwhile (the interpreter, a host function) may grow memory
//! or add globals.

use core::mem::offset_of;

use ember_core::{GlobalEntity, StoreInner, Trap};

use crate::env::VmField;

/// The context of one instance's native code.
#[repr(C)]
pub struct VmCtx {
    /// Address of memory 0's first byte (dangling when the instance has no memory or it is empty).
    pub mem_base: *mut u8,
    /// Length of memory 0 in bytes.
    pub mem_len: u64,
    /// Address of the store's global cells.
    pub globals_base: *mut u8,
    /// Address of the store's fuel counter.
    pub fuel: *mut u64,
    /// Native entry of each module function of the instance, or null.
    pub func_ptrs: *const *const u8,
    /// Lowest stack pointer native code may run at.
    pub stack_limit: usize,
    /// `StoreLimits::max_call_depth`.
    pub max_depth: u64,
    /// Values handed back by helpers.
    pub scratch: u64,
    /// One view per table of the instance.
    pub tables: *const TableView,
    /// Store-wide signature id of each store function.
    pub func_types: *const u32,
    /// Store-wide instance of each store function (`u32::MAX` for host functions).
    pub func_instances: *const u32,
    /// Store-wide native entry of each store function, or null.
    pub func_code: *const *const u8,
    /// Length of the three arrays above.
    pub num_funcs: u64,
    /// The store (valid while native code of this context runs).
    pub store: *mut StoreInner,
    /// The instance's store index.
    pub instance: u32,
    /// Store index of the instance's memory 0.
    pub memory: Option<u32>,
    /// A trap with more than a code, left by a helper for the code that entered native code (see
    /// [`crate::status::PENDING`]).
    pub pending: Option<Trap>,
    /// A panic caught in a helper, to resume once out of native code (see [`crate::status::PANICKED`]).
    pub panic: Option<Box<dyn core::any::Any + Send>>,
    /// Storage behind `func_ptrs`.
    pub funcs: Box<[*const u8]>,
    /// Storage behind `tables`.
    pub table_views: Box<[TableView]>,
}

/// Where a table's elements are, for native `call_indirect`.
#[repr(C)]
#[derive(Copy, Clone, Debug)]
pub struct TableView {
    /// Address of the first element.
    pub base: *const u64,
    /// Number of elements.
    pub len: u64,
}

impl VmCtx {
    /// A context for store instance `instance` whose module has `num_funcs` functions.
    pub fn new(store: &mut StoreInner, instance: u32, num_funcs: usize) -> VmCtx {
        let memory = store.instances().get(instance as usize).and_then(|i| i.memories.first()).map(|m| m.index());
        let funcs = vec![core::ptr::null(); num_funcs].into_boxed_slice();
        let num_tables = store.instances().get(instance as usize).map_or(0, |i| i.tables.len());
        let empty = TableView { base: core::ptr::NonNull::dangling().as_ptr(), len: 0 };
        let table_views = vec![empty; num_tables].into_boxed_slice();
        let mut ctx = VmCtx {
            mem_base: core::ptr::null_mut(),
            mem_len: 0,
            globals_base: core::ptr::null_mut(),
            fuel: core::ptr::null_mut(),
            func_ptrs: funcs.as_ptr(),
            stack_limit: 0,
            max_depth: 0,
            scratch: 0,
            tables: table_views.as_ptr(),
            func_types: core::ptr::null(),
            func_instances: core::ptr::null(),
            func_code: core::ptr::null(),
            num_funcs: 0,
            store: core::ptr::null_mut(),
            instance,
            memory,
            pending: None,
            panic: None,
            funcs,
            table_views,
        };
        ctx.refresh(store);
        ctx
    }

    /// Re-reads the store's addresses and limits.
    pub fn refresh(&mut self, store: &mut StoreInner) {
        let parts = store.parts_mut();
        match self.memory.and_then(|m| parts.memories.get_mut(m as usize)) {
            Some(m) => {
                self.mem_base = m.data_mut().as_mut_ptr();
                self.mem_len = m.data().len() as u64;
            }
            None => {
                self.mem_base = core::ptr::NonNull::dangling().as_ptr();
                self.mem_len = 0;
            }
        }
        // Native code writes mutable globals' `bits` and the fuel through these addresses: like the others, they
        // hold until the store is next used by anything but this context's native code (see the module docs).
        self.globals_base = parts.objects.globals_mut().as_mut_ptr().cast();
        self.fuel = parts.objects.fuel_mut();
        self.max_depth = parts.objects.limits().max_call_depth as u64;
        if let Some(inst) = parts.instances.get(self.instance as usize) {
            for (view, t) in self.table_views.iter_mut().zip(&inst.tables) {
                if let Some(t) = parts.objects.tables().get(t.index() as usize) {
                    *view = TableView { base: t.elements().as_ptr(), len: t.len() as u64 };
                }
            }
        }
        let (types, instances, code, n) = super::state_in(parts.tier_state).sync_funcs(parts.objects.funcs());
        self.func_types = types;
        self.func_instances = instances;
        self.func_code = code;
        self.num_funcs = n as u64;
        self.store = store;
    }

    /// Records native code for module function `index`.
    pub fn set_func(&mut self, index: u32, code: *const u8) {
        if let Some(f) = self.funcs.get_mut(index as usize) {
            *f = code;
        }
    }

    /// The byte offset of a field native code reads.
    pub fn offset(field: VmField) -> i32 {
        (match field {
            VmField::MemBase => offset_of!(VmCtx, mem_base),
            VmField::MemLen => offset_of!(VmCtx, mem_len),
            VmField::GlobalsBase => offset_of!(VmCtx, globals_base),
            VmField::FuelPtr => offset_of!(VmCtx, fuel),
            VmField::FuncPtrs => offset_of!(VmCtx, func_ptrs),
            VmField::StackLimit => offset_of!(VmCtx, stack_limit),
            VmField::MaxDepth => offset_of!(VmCtx, max_depth),
            VmField::Scratch => offset_of!(VmCtx, scratch),
            VmField::Tables => offset_of!(VmCtx, tables),
            VmField::FuncTypes => offset_of!(VmCtx, func_types),
            VmField::FuncInstances => offset_of!(VmCtx, func_instances),
            VmField::FuncCode => offset_of!(VmCtx, func_code),
            VmField::NumFuncs => offset_of!(VmCtx, num_funcs),
        }) as i32
    }

    /// The offset of store global `index`'s 64-bit cell from `globals_base`, if it fits an `i32`.
    pub fn global_offset(index: u32) -> Option<i32> {
        let at = (index as usize).checked_mul(core::mem::size_of::<GlobalEntity>())?;
        i32::try_from(at.checked_add(offset_of!(GlobalEntity, bits))?).ok()
    }
}
