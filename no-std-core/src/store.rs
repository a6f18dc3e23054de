//! The store: owner of all runtime objects and of the embedder's data.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::any::Any;
use core::marker::PhantomData;

use crate::engine::Engine;
use crate::error::{Error, TrapCode};
use crate::func::{Func, FuncEntity, HostFunc};
use crate::global::{Global, GlobalEntity};
use crate::instance::{Instance, InstanceEntity};
use crate::limits::StoreLimits;
use crate::memory::{Memory, MemoryEntity};
use crate::store_bytes::{instance_bytes, StoreBytes, FUNC_BYTES, GLOBAL_BYTES};
use crate::table::{Table, TableEntity};
use crate::types::{FuncType, MemoryType, TableType};
use crate::value::Extern;

/// The store without its data type: what executors and host-function trampolines work on.
///
/// Runtime objects live in vectors and are named by index handles ([`Func`], [`Memory`], ...). The fields are
/// private so that the store's limits and memory budget are enforced here and nowhere else: other crates read
/// the objects through slices ([`StoreInner::funcs`], [`StoreInner::instances`], ...), change the contents of
/// memories, tables and globals through `&mut` slices (which cannot add or remove objects), grow memories and
/// tables only by charging the budget, and borrow several parts at once through [`StoreInner::parts_mut`].
pub struct StoreInner {
    engine: Engine,
    /// The ids of `objects.types`, sorted by signature: a binary search finds a signature's id (a sorted `Vec` is
    /// smaller code than a map, which counts on a device).
    type_ids: Vec<u32>,
    /// Store function already made for a linker's host function, keyed by the address of its shared code (kept
    /// alive by the function entity, so the address stays unique); sorted by the key.
    linked_host_funcs: Vec<(usize, Func)>,
    /// Instances.
    pub(crate) instances: Vec<InstanceEntity>,
    /// Memories.
    pub(crate) memories: Vec<MemoryEntity>,
    /// Everything else an executor uses while it holds an instance and a memory.
    pub(crate) objects: StoreObjects,
    /// State owned by the executor (its value stack, translated code); the executor's own type.
    pub(crate) executor_state: Option<Box<dyn Any>>,
    /// State owned by a higher tier layered on the executor (its native code); the tier's own type.
    pub(crate) tier_state: Option<Box<dyn Any>>,
    data: Box<dyn Any>,
}

/// A store's objects other than its instances and memories, with its limits, memory budget and fuel: what an
/// executor reaches through one pointer while it holds an instance and one of its memories (see
/// [`StoreInner::parts_mut`]).
///
/// Nothing here can add or remove objects: the lists are handed out as slices, tables change size only through
/// [`StoreObjects::grow_table`], and the budget is lent only to [`MemoryEntity::grow`].
pub struct StoreObjects {
    /// Canonical function signatures: equal signatures get equal ids.
    pub(crate) types: Vec<FuncType>,
    /// Functions.
    pub(crate) funcs: Vec<FuncEntity>,
    /// Tables.
    pub(crate) tables: Vec<TableEntity>,
    /// Globals.
    pub(crate) globals: Vec<GlobalEntity>,
    /// Resource limits.
    pub(crate) limits: StoreLimits,
    /// Bytes held against the store's budget (its limit is `limits.max_store_bytes` as set by `Store::new` or
    /// `Store::limiter`); memories and tables grow only by charging it.
    pub(crate) bytes: StoreBytes,
    /// Remaining fuel, when the engine meters fuel.
    pub(crate) fuel: u64,
}

impl StoreObjects {
    /// Canonical function signatures, indexed by store-wide signature id ([`FuncEntity::type_id`]).
    #[inline(always)]
    pub fn types(&self) -> &[FuncType] {
        &self.types
    }

    /// All functions, indexed by [`Func::index`].
    #[inline(always)]
    pub fn funcs(&self) -> &[FuncEntity] {
        &self.funcs
    }

    /// All tables, indexed by [`Table::index`].
    #[inline(always)]
    pub fn tables(&self) -> &[TableEntity] {
        &self.tables
    }

    /// All tables, elements writable (a table's size changes only through [`StoreObjects::grow_table`]).
    #[inline(always)]
    pub fn tables_mut(&mut self) -> &mut [TableEntity] {
        &mut self.tables
    }

    /// All globals, indexed by [`Global::index`].
    #[inline(always)]
    pub fn globals(&self) -> &[GlobalEntity] {
        &self.globals
    }

    /// All globals, values writable.
    #[inline(always)]
    pub fn globals_mut(&mut self) -> &mut [GlobalEntity] {
        &mut self.globals
    }

    /// The resource limits (changed only by `Store::limiter`).
    #[inline(always)]
    pub fn limits(&self) -> &StoreLimits {
        &self.limits
    }

    /// Bytes the store holds against its memory budget.
    #[inline(always)]
    pub fn bytes(&self) -> &StoreBytes {
        &self.bytes
    }

    /// Grows `memory` (one of this store's, held apart by the caller) by `delta` pages, charging the budget:
    /// see [`MemoryEntity::grow`].
    #[inline]
    pub fn grow_memory_held(&mut self, memory: &mut MemoryEntity, delta: u64) -> Option<u64> {
        memory.grow(delta, &mut self.bytes)
    }

    /// Grows store table `index` by `delta` elements `init` (see [`TableEntity::grow`]): the old size, or
    /// `None` (the spec's `-1`).
    #[inline]
    pub fn grow_table(&mut self, index: u32, delta: u64, init: u64) -> Option<u64> {
        self.tables.get_mut(index as usize)?.grow(delta, init, &mut self.bytes)
    }

    /// Remaining fuel.
    #[inline(always)]
    pub fn fuel(&self) -> u64 {
        self.fuel
    }

    /// The fuel counter itself, for native code that counts fuel down in place. The native tier keeps its
    /// address while its code runs; anything else should use [`StoreObjects::consume_fuel`].
    #[inline]
    pub fn fuel_mut(&mut self) -> &mut u64 {
        &mut self.fuel
    }

    /// Takes `amount` fuel; traps with `all fuel consumed` if there is not enough (and leaves none).
    #[inline(always)]
    pub fn consume_fuel(&mut self, amount: u64) -> Result<(), TrapCode> {
        match self.fuel.checked_sub(amount) {
            Some(rest) => {
                self.fuel = rest;
                Ok(())
            }
            None => {
                self.fuel = 0;
                Err(TrapCode::OutOfFuel)
            }
        }
    }
}

/// Disjoint borrows of a store's parts, for an executor that holds an instance and one of its memories across
/// many instructions while it uses the rest. Made by [`StoreInner::parts_mut`].
///
/// Nothing here can add or remove objects: instances and memories are slices, and memories change size only
/// through [`StoreObjects::grow_memory_held`], which charges the store's budget.
pub struct StoreParts<'a> {
    /// Instances.
    pub instances: &'a [InstanceEntity],
    /// Memories: contents writable.
    pub memories: &'a mut [MemoryEntity],
    /// Functions, signatures, tables, globals, limits, budget and fuel.
    pub objects: &'a mut StoreObjects,
    /// The executor's state (see [`StoreInner::executor_state_mut`]).
    pub executor_state: &'a mut Option<Box<dyn Any>>,
    /// The higher tier's state (see [`StoreInner::tier_state_mut`]).
    pub tier_state: &'a mut Option<Box<dyn Any>>,
}

impl StoreInner {
    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Canonical function signatures, indexed by store-wide signature id ([`FuncEntity::type_id`]).
    #[inline(always)]
    pub fn types(&self) -> &[FuncType] {
        &self.objects.types
    }

    /// All functions, indexed by [`Func::index`].
    #[inline(always)]
    pub fn funcs(&self) -> &[FuncEntity] {
        &self.objects.funcs
    }

    /// All instances, indexed by [`Instance::index`].
    #[inline(always)]
    pub fn instances(&self) -> &[InstanceEntity] {
        &self.instances
    }

    /// All memories, indexed by [`Memory::index`].
    #[inline(always)]
    pub fn memories(&self) -> &[MemoryEntity] {
        &self.memories
    }

    /// All memories, contents writable (a memory's size changes only through [`StoreInner::grow_memory`]).
    #[inline(always)]
    pub fn memories_mut(&mut self) -> &mut [MemoryEntity] {
        &mut self.memories
    }

    /// All tables, indexed by [`Table::index`].
    #[inline(always)]
    pub fn tables(&self) -> &[TableEntity] {
        &self.objects.tables
    }

    /// All tables, elements writable (a table's size changes only through [`StoreInner::grow_table`]).
    #[inline(always)]
    pub fn tables_mut(&mut self) -> &mut [TableEntity] {
        &mut self.objects.tables
    }

    /// All globals, indexed by [`Global::index`].
    #[inline(always)]
    pub fn globals(&self) -> &[GlobalEntity] {
        &self.objects.globals
    }

    /// All globals, values writable.
    #[inline(always)]
    pub fn globals_mut(&mut self) -> &mut [GlobalEntity] {
        &mut self.objects.globals
    }

    /// The resource limits (changed only by `Store::limiter`).
    #[inline(always)]
    pub fn limits(&self) -> &StoreLimits {
        &self.objects.limits
    }

    /// Bytes the store holds against its memory budget.
    #[inline(always)]
    pub fn bytes(&self) -> &StoreBytes {
        &self.objects.bytes
    }

    /// Remaining fuel (0 when the engine does not meter fuel and none was set).
    #[inline(always)]
    pub fn fuel(&self) -> u64 {
        self.objects.fuel
    }

    /// Sets the remaining fuel. Unlike `Store::set_fuel` this does not check that the engine meters fuel: it
    /// is for executors handing fuel back and forth.
    #[inline]
    pub fn set_fuel(&mut self, fuel: u64) {
        self.objects.fuel = fuel;
    }

    /// The executor's own state, to take, replace or downcast.
    #[inline]
    pub fn executor_state_mut(&mut self) -> &mut Option<Box<dyn Any>> {
        &mut self.executor_state
    }

    /// The higher tier's own state, to take, replace or downcast.
    #[inline]
    pub fn tier_state_mut(&mut self) -> &mut Option<Box<dyn Any>> {
        &mut self.tier_state
    }

    /// Borrows the store's parts separately, so that an executor can hold an instance and its memory while it
    /// writes tables and globals, charges fuel or grows the memory.
    #[inline(always)]
    pub fn parts_mut(&mut self) -> StoreParts<'_> {
        StoreParts {
            instances: &self.instances,
            memories: &mut self.memories,
            objects: &mut self.objects,
            executor_state: &mut self.executor_state,
            tier_state: &mut self.tier_state,
        }
    }

    /// The id of signature `ty`, registering it if new.
    pub(crate) fn intern_type(&mut self, ty: &FuncType) -> u32 {
        let types = &self.objects.types;
        match self.type_ids.binary_search_by(|&id| types[id as usize].cmp(ty)) {
            Ok(at) => self.type_ids[at],
            Err(at) => {
                let id = self.objects.types.len() as u32;
                self.objects.types.push(ty.clone());
                self.type_ids.insert(at, id);
                id
            }
        }
    }

    fn check_count(len: usize, limit: usize, what: &str) -> Result<u32, Error> {
        if len >= limit || len >= u32::MAX as usize {
            return Err(Error::Limit(alloc::format!("too many {what} in the store")));
        }
        Ok(len as u32)
    }

    /// Adds a wasm function, charged to the budget.
    pub(crate) fn push_func(&mut self, entity: FuncEntity) -> Result<Func, Error> {
        let index = Self::check_count(self.objects.funcs.len(), usize::MAX, "functions")?;
        self.objects.bytes.charge(FUNC_BYTES, &"a function")?;
        self.objects.funcs.push(entity);
        Ok(Func::from_index(index))
    }

    /// Adds a host function.
    pub fn push_host_func(&mut self, func: HostFunc) -> Func {
        let type_id = self.intern_type(&func.ty);
        let index = self.objects.funcs.len() as u32;
        self.objects.funcs.push(FuncEntity::Host { type_id, func });
        Func::from_index(index)
    }

    /// The store function for a linker's host function: made on first use, then reused, so repeated
    /// instantiation does not grow the store and every instance sees the same function for the same import.
    pub(crate) fn linked_host_func(&mut self, func: &HostFunc) -> Func {
        let key = crate::Shared::as_ptr(&func.call) as *const () as usize;
        match self.linked_host_funcs.binary_search_by_key(&key, |&(k, _)| k) {
            Ok(at) => self.linked_host_funcs[at].1,
            Err(at) => {
                let f = self.push_host_func(func.clone());
                self.linked_host_funcs.insert(at, (key, f));
                f
            }
        }
    }

    /// Creates a memory of type `ty` within the store's limits, charged to the budget.
    pub(crate) fn new_memory(&mut self, ty: MemoryType) -> Result<Memory, Error> {
        let index = Self::check_count(self.memories.len(), self.objects.limits.max_entities, "memories")?;
        let entity = MemoryEntity::new(ty, &self.objects.limits, &mut self.objects.bytes)?;
        self.memories.push(entity);
        Ok(Memory(index))
    }

    /// Creates a table of type `ty` with every element `init` within the store's limits, charged to the budget.
    pub(crate) fn new_table(&mut self, ty: TableType, init: u64) -> Result<Table, Error> {
        let index = Self::check_count(self.objects.tables.len(), self.objects.limits.max_entities, "tables")?;
        let entity = TableEntity::new(ty, init, self.objects.limits.max_table_elements, &mut self.objects.bytes)?;
        self.objects.tables.push(entity);
        Ok(Table(index))
    }

    /// Grows store memory `index` by `delta` pages (see [`MemoryEntity::grow`]): the old size, or `None` (the
    /// spec's `-1`).
    pub fn grow_memory(&mut self, index: u32, delta: u64) -> Option<u64> {
        self.memories.get_mut(index as usize)?.grow(delta, &mut self.objects.bytes)
    }

    /// Grows store table `index` by `delta` elements `init` (see [`TableEntity::grow`]): the old size, or
    /// `None` (the spec's `-1`).
    pub fn grow_table(&mut self, index: u32, delta: u64, init: u64) -> Option<u64> {
        self.objects.tables.get_mut(index as usize)?.grow(delta, init, &mut self.objects.bytes)
    }

    /// Adds a global, charged to the budget.
    pub(crate) fn push_global(&mut self, entity: GlobalEntity) -> Result<Global, Error> {
        let index = Self::check_count(self.objects.globals.len(), self.objects.limits.max_entities, "globals")?;
        self.objects.bytes.charge(GLOBAL_BYTES, &"a global")?;
        self.objects.globals.push(entity);
        Ok(Global(index))
    }

    /// Adds an instance, charging its own vectors (index spaces, kept element segments) to the budget.
    pub(crate) fn push_instance(&mut self, entity: InstanceEntity) -> Result<Instance, Error> {
        let index = Self::check_count(self.instances.len(), self.objects.limits.max_instances, "instances")?;
        self.objects.bytes.charge(instance_bytes(&entity), &"an instance")?;
        self.instances.push(entity);
        Ok(Instance::from_index(index))
    }

    /// `elem.drop`: empties element segment `segment` of store instance `instance` and gives its bytes back to
    /// the budget.
    pub fn drop_element_segment(&mut self, instance: usize, segment: u32) {
        let dropped = self.instances.get_mut(instance).and_then(|i| i.elements.get_mut(segment as usize));
        if let Some(seg) = dropped {
            let items = core::mem::take(seg);
            self.objects.bytes.release(items.len().saturating_mul(core::mem::size_of::<u64>()));
        }
    }

    /// `data.drop`: marks data segment `segment` of store instance `instance` dropped (its bytes stay in the
    /// module, shared by its instances, and were never charged).
    pub fn drop_data_segment(&mut self, instance: usize, segment: u32) {
        let dropped = self.instances.get_mut(instance).and_then(|i| i.data_dropped.get_mut(segment as usize));
        if let Some(d) = dropped {
            *d = true;
        }
    }

    /// The instance entity behind a handle, if it is in this store.
    #[inline]
    pub fn instance(&self, instance: Instance) -> Option<&InstanceEntity> {
        self.instances.get(instance.index() as usize)
    }

    /// Type of an extern in this store.
    pub fn extern_type(&self, ext: &Extern) -> Option<crate::types::ExternType> {
        use crate::types::ExternType;
        Some(match ext {
            Extern::Func(f) => ExternType::Func(
                self.objects.types[self.objects.funcs.get(f.index() as usize)?.type_id() as usize].clone(),
            ),
            Extern::Table(t) => {
                let t = self.objects.tables.get(t.0 as usize)?;
                ExternType::Table(crate::types::TableType { min: t.len() as u64, ..t.ty() })
            }
            Extern::Memory(m) => {
                let m = self.memories.get(m.0 as usize)?;
                ExternType::Memory(crate::types::MemoryType { min: m.pages(), ..m.ty() })
            }
            Extern::Global(g) => ExternType::Global(self.objects.globals.get(g.0 as usize)?.ty()),
        })
    }

    /// The bytes of memory number `index` (empty if there is none) together with the embedder's data, both
    /// writable: a host function can move bytes between guest memory and its own state without a copy.
    pub(crate) fn memory_and_data_mut(&mut self, index: u32) -> (&mut [u8], &mut dyn Any) {
        let bytes = self.memories.get_mut(index as usize).map_or(&mut [][..], |m| m.data_mut());
        (bytes, &mut *self.data)
    }

    /// Takes `amount` fuel; traps with `all fuel consumed` if there is not enough (and leaves none).
    #[inline]
    pub fn consume_fuel(&mut self, amount: u64) -> Result<(), TrapCode> {
        self.objects.consume_fuel(amount)
    }
}

/// Where wasm runs: all instances, memories, tables, globals and functions, plus the embedder's data `T`.
pub struct Store<T> {
    inner: StoreInner,
    _data: PhantomData<fn() -> T>,
}

impl<T: 'static> Store<T> {
    /// A new store for `engine` holding `data`. Limits start at the engine configuration's defaults.
    pub fn new(engine: &Engine, data: T) -> Store<T> {
        let inner = StoreInner {
            engine: engine.clone(),
            type_ids: Vec::new(),
            linked_host_funcs: Vec::new(),
            instances: Vec::new(),
            memories: Vec::new(),
            objects: StoreObjects {
                types: Vec::new(),
                funcs: Vec::new(),
                tables: Vec::new(),
                globals: Vec::new(),
                limits: *engine.config().get_limits(),
                bytes: StoreBytes::new(engine.config().get_limits().max_store_bytes),
                fuel: 0,
            },
            executor_state: None,
            tier_state: None,
            data: Box::new(data),
        };
        Store { inner, _data: PhantomData }
    }
    /// The engine.
    pub fn engine(&self) -> &Engine {
        self.inner.engine()
    }
    /// The embedder's data.
    pub fn data(&self) -> &T {
        downcast(&*self.inner.data)
    }
    /// The embedder's data, writable.
    pub fn data_mut(&mut self) -> &mut T {
        downcast_mut(&mut *self.inner.data)
    }
    /// Replaces the limits for objects created from now on. The new `max_store_bytes` applies at once to
    /// everything the store already holds: if that is more, nothing can be added or grown.
    pub fn limiter(&mut self, limits: StoreLimits) {
        self.inner.objects.limits = limits;
        self.inner.objects.bytes.set_limit(limits.max_store_bytes);
    }
    /// Bytes the store holds against its budget (`StoreLimits::max_store_bytes`).
    pub fn bytes(&self) -> &StoreBytes {
        &self.inner.objects.bytes
    }
    /// The current limits.
    pub fn limits(&self) -> &StoreLimits {
        &self.inner.objects.limits
    }
    /// Sets the remaining fuel. Fails if the engine does not meter fuel.
    pub fn set_fuel(&mut self, fuel: u64) -> Result<(), Error> {
        if !self.engine().config().get_consume_fuel() {
            return Err(Error::Usage("fuel is not enabled: use Config::consume_fuel(true)".into()));
        }
        self.inner.objects.fuel = fuel;
        Ok(())
    }
    /// The remaining fuel. Fails if the engine does not meter fuel.
    pub fn get_fuel(&self) -> Result<u64, Error> {
        if !self.engine().config().get_consume_fuel() {
            return Err(Error::Usage("fuel is not enabled: use Config::consume_fuel(true)".into()));
        }
        Ok(self.inner.objects.fuel)
    }
    /// The type-erased store, for executors.
    pub fn inner(&self) -> &StoreInner {
        &self.inner
    }
    /// The type-erased store, writable, for executors.
    pub fn inner_mut(&mut self) -> &mut StoreInner {
        &mut self.inner
    }
}

// The data box is created in `Store::new` with type `T` and never replaced, and every `Caller<T>` is made by a
// host function registered for `Store<T>`; so the downcasts below cannot fail.
fn downcast<T: 'static>(data: &dyn Any) -> &T {
    match data.downcast_ref::<T>() {
        Some(d) => d,
        None => unreachable!("store data has the store's type"),
    }
}

pub(crate) fn downcast_mut<T: 'static>(data: &mut dyn Any) -> &mut T {
    match data.downcast_mut::<T>() {
        Some(d) => d,
        None => unreachable!("store data has the store's type"),
    }
}

/// What a host function sees of its caller: the store (and its data) and the calling instance.
pub struct Caller<'a, T> {
    store: &'a mut StoreInner,
    instance: Option<Instance>,
    _data: PhantomData<fn() -> T>,
}

impl<'a, T: 'static> Caller<'a, T> {
    /// A caller view of `store`, called from `instance`.
    pub fn new(store: &'a mut StoreInner, instance: Option<Instance>) -> Self {
        Caller { store, instance, _data: PhantomData }
    }
    /// The embedder's data.
    pub fn data(&self) -> &T {
        downcast(&*self.store.data)
    }
    /// The embedder's data, writable.
    pub fn data_mut(&mut self) -> &mut T {
        downcast_mut(&mut *self.store.data)
    }
    /// An export of the calling instance (for example its `memory`).
    pub fn get_export(&self, name: &str) -> Option<Extern> {
        self.store.instance(self.instance?)?.export(name)
    }
    /// The calling instance, when called from wasm.
    pub fn instance(&self) -> Option<Instance> {
        self.instance
    }
    /// The engine.
    pub fn engine(&self) -> &Engine {
        self.store.engine()
    }
    /// Remaining fuel (0 when fuel is off).
    pub fn fuel(&self) -> u64 {
        self.store.objects.fuel
    }
}

/// Read access to a store: implemented by [`Store`], [`Caller`] and references to them.
pub trait AsStore {
    /// The type-erased store.
    fn as_inner(&self) -> &StoreInner;
}

/// Write access to a store.
pub trait AsStoreMut: AsStore {
    /// The embedder's data type.
    type Data: 'static;
    /// The type-erased store, writable.
    fn as_inner_mut(&mut self) -> &mut StoreInner;
}

impl<T: 'static> AsStore for Store<T> {
    fn as_inner(&self) -> &StoreInner {
        &self.inner
    }
}
impl<T: 'static> AsStoreMut for Store<T> {
    type Data = T;
    fn as_inner_mut(&mut self) -> &mut StoreInner {
        &mut self.inner
    }
}
impl<T: 'static> AsStore for Caller<'_, T> {
    fn as_inner(&self) -> &StoreInner {
        self.store
    }
}
impl<T: 'static> AsStoreMut for Caller<'_, T> {
    type Data = T;
    fn as_inner_mut(&mut self) -> &mut StoreInner {
        self.store
    }
}
impl<S: AsStore + ?Sized> AsStore for &S {
    fn as_inner(&self) -> &StoreInner {
        (**self).as_inner()
    }
}
impl<S: AsStore + ?Sized> AsStore for &mut S {
    fn as_inner(&self) -> &StoreInner {
        (**self).as_inner()
    }
}
impl<S: AsStoreMut + ?Sized> AsStoreMut for &mut S {
    type Data = S::Data;
    fn as_inner_mut(&mut self) -> &mut StoreInner {
        (**self).as_inner_mut()
    }
}
