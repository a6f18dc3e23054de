//! Instances and instantiation (the spec's "module instantiation", Wasm 2.0 semantics).

use alloc::boxed::Box;
use alloc::format;
use alloc::vec::Vec;

use crate::error::{Error, TrapCode};
use crate::func::{Func, FuncEntity};
use crate::global::{Global, GlobalEntity};
use crate::memory::Memory;
use crate::module::{ElementSegmentKind, ExternIndex, Module};
use crate::store::{AsStore, AsStoreMut, StoreInner};
use crate::store_bytes::instantiation_bytes;
use crate::table::Table;
use crate::typed::{TypedFunc, WasmParams, WasmResults};
use crate::types::{limits_match, ExternType};
use crate::value::{Extern, Val};

/// An instance as the store holds it: the module and, per index space, the store objects it uses.
#[derive(Debug)]
pub struct InstanceEntity {
    /// The module.
    pub module: Module,
    /// Store-wide signature id of each module type index.
    pub type_ids: Vec<u32>,
    /// Store function of each module function index.
    pub funcs: Vec<Func>,
    /// Store table of each module table index.
    pub tables: Vec<Table>,
    /// Store memory of each module memory index.
    pub memories: Vec<Memory>,
    /// Store global of each module global index.
    pub globals: Vec<Global>,
    /// Element segments as evaluated references (empty once dropped).
    pub elements: Vec<Box<[u64]>>,
    /// Whether each data segment has been dropped.
    pub data_dropped: Vec<bool>,
}

impl InstanceEntity {
    /// The export called `name`.
    pub fn export(&self, name: &str) -> Option<Extern> {
        let e = self.module.info().exports.iter().find(|e| e.name == name)?;
        self.extern_at(e.index)
    }

    /// The store object behind a module index.
    pub fn extern_at(&self, index: ExternIndex) -> Option<Extern> {
        Some(match index {
            ExternIndex::Func(i) => Extern::Func(*self.funcs.get(i as usize)?),
            ExternIndex::Table(i) => Extern::Table(*self.tables.get(i as usize)?),
            ExternIndex::Memory(i) => Extern::Memory(*self.memories.get(i as usize)?),
            ExternIndex::Global(i) => Extern::Global(*self.globals.get(i as usize)?),
        })
    }

    /// The bytes of data segment `index`: empty once dropped.
    pub fn data_segment(&self, index: u32) -> &[u8] {
        let info = self.module.info();
        match (info.datas.get(index as usize), self.data_dropped.get(index as usize)) {
            (Some(seg), Some(false)) => info.bytes.get(seg.bytes.clone()).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// A handle to an instance in a store.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Instance(u32);

impl Instance {
    /// The handle for store instance number `index`.
    pub fn from_index(index: u32) -> Instance {
        Instance(index)
    }
    /// The store instance number.
    pub fn index(&self) -> u32 {
        self.0
    }

    /// Instantiates `module` with `imports` given in the module's import order, then runs its start function.
    pub fn new(mut store: impl AsStoreMut, module: &Module, imports: &[Extern]) -> Result<Instance, Error> {
        instantiate(store.as_inner_mut(), module, imports)
    }

    /// The export called `name`.
    pub fn get_export(&self, store: impl AsStore, name: &str) -> Option<Extern> {
        store.as_inner().instances.get(self.0 as usize)?.export(name)
    }
    /// The exported function called `name`.
    pub fn get_func(&self, store: impl AsStore, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }
    /// The exported memory called `name`.
    pub fn get_memory(&self, store: impl AsStore, name: &str) -> Option<Memory> {
        self.get_export(store, name)?.into_memory()
    }
    /// The exported table called `name`.
    pub fn get_table(&self, store: impl AsStore, name: &str) -> Option<Table> {
        self.get_export(store, name)?.into_table()
    }
    /// The exported global called `name`.
    pub fn get_global(&self, store: impl AsStore, name: &str) -> Option<Global> {
        self.get_export(store, name)?.into_global()
    }
    /// The exported function called `name`, with its signature checked against `Params` and `Results`.
    pub fn get_typed_func<Params: WasmParams, Results: WasmResults>(
        &self,
        store: impl AsStore,
        name: &str,
    ) -> Result<TypedFunc<Params, Results>, Error> {
        let func = self.get_func(&store, name).ok_or_else(|| Error::Usage(format!("no exported function `{name}`")))?;
        TypedFunc::new(&store, func)
    }
    /// All exports, in the module's order.
    pub fn exports<'a>(&self, store: &'a impl AsStore) -> impl Iterator<Item = (&'a str, Extern)> + 'a {
        let entity = store.as_inner().instances.get(self.0 as usize);
        entity.into_iter().flat_map(|e| {
            e.module.info().exports.iter().filter_map(move |x| Some((x.name.as_str(), e.extern_at(x.index)?)))
        })
    }
    /// The module this instance was made from.
    pub fn module(&self, store: impl AsStore) -> Option<Module> {
        Some(store.as_inner().instances.get(self.0 as usize)?.module.clone())
    }
}

fn link_error(module: &Module, index: usize, why: &str) -> Error {
    let import = &module.info().imports[index];
    Error::Link(format!("{why}: `{}` `{}` ({})", import.module, import.name, import.ty.kind_name()))
}

/// Checks one import against the module's requirement (spec "import matching", Wasm 2.0 subtyping of limits).
fn check_import(store: &StoreInner, module: &Module, index: usize, ext: &Extern) -> Result<(), Error> {
    let required = &module.info().imports[index].ty;
    let actual = store.extern_type(ext).ok_or_else(|| link_error(module, index, "import is not in this store"))?;
    let ok = match (required, &actual) {
        (ExternType::Func(r), ExternType::Func(a)) => r == a,
        (ExternType::Table(r), ExternType::Table(a)) => {
            r.element == a.element && limits_match((a.min, a.max), (r.min, r.max))
        }
        (ExternType::Memory(r), ExternType::Memory(a)) => {
            r.memory64 == a.memory64 && r.shared == a.shared && limits_match((a.min, a.max), (r.min, r.max))
        }
        (ExternType::Global(r), ExternType::Global(a)) => r == a,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(link_error(module, index, "incompatible import type"))
    }
}

/// Creates the instance: links imports, allocates and initialises everything, runs active segments and the
/// start function. A trap during segment initialisation or in the start function fails instantiation, but
/// (as in Wasm 2.0) writes already done to imported tables and memories stay.
pub(crate) fn instantiate(store: &mut StoreInner, module: &Module, imports: &[Extern]) -> Result<Instance, Error> {
    let info = module.info();
    if imports.len() != info.imports.len() {
        return Err(Error::Link(format!("expected {} imports, got {}", info.imports.len(), imports.len())));
    }
    for (i, ext) in imports.iter().enumerate() {
        check_import(store, module, i, ext)?;
    }
    if store.instances.len() >= store.objects.limits.max_instances {
        return Err(Error::Limit("too many instances in the store".into()));
    }
    check_budget(store, module)?;

    let type_ids: Vec<u32> = info.types.iter().map(|t| store.intern_type(t)).collect();
    let mut entity = InstanceEntity {
        module: module.clone(),
        type_ids,
        funcs: Vec::with_capacity(info.funcs.len()),
        tables: Vec::new(),
        memories: Vec::new(),
        globals: Vec::new(),
        elements: Vec::new(),
        data_dropped: alloc::vec![false; info.datas.len()],
    };
    for ext in imports {
        match *ext {
            Extern::Func(f) => entity.funcs.push(f),
            Extern::Table(t) => entity.tables.push(t),
            Extern::Memory(m) => entity.memories.push(m),
            Extern::Global(g) => entity.globals.push(g),
        }
    }
    let instance = Instance(store.instances.len() as u32);

    // Functions first: global initialisers and element items may refer to them.
    for index in info.num_imported_funcs..info.funcs.len() as u32 {
        let type_id = entity.type_ids[info.funcs[index as usize] as usize];
        entity.funcs.push(store.push_func(FuncEntity::Wasm { type_id, instance, index })?);
    }
    let func_ref = |funcs: &[Func], i: u32| funcs.get(i as usize).map_or(0, |f| u64::from(f.index()) + 1);

    for (ty, init) in info.globals[info.num_imported_globals as usize..].iter().zip(&info.global_inits) {
        let bits = init.eval(|i| func_ref(&entity.funcs, i), |i| global_bits(store, &entity.globals, i));
        entity.globals.push(store.push_global(GlobalEntity::new(*ty, Val::from_bits(ty.content, bits)))?);
    }
    for (ty, init) in info.tables[info.num_imported_tables as usize..].iter().zip(&info.table_inits) {
        let init = init
            .as_ref()
            .map_or(0, |e| e.eval(|i| func_ref(&entity.funcs, i), |i| global_bits(store, &entity.globals, i)) as u64);
        entity.tables.push(store.new_table(*ty, init)?);
    }
    for ty in &info.memories[info.num_imported_memories as usize..] {
        entity.memories.push(store.new_memory(*ty)?);
    }
    for seg in &info.elements {
        let items: Box<[u64]> = seg
            .items
            .iter()
            .map(|e| e.eval(|i| func_ref(&entity.funcs, i), |i| global_bits(store, &entity.globals, i)) as u64)
            .collect();
        entity.elements.push(items);
    }

    // Active element segments, then active data segments, in order; each is dropped after use.
    let mut init_result = Ok(());
    for (index, seg) in info.elements.iter().enumerate() {
        match &seg.kind {
            ElementSegmentKind::Active { table, offset } => {
                let offset =
                    offset.eval(|i| func_ref(&entity.funcs, i), |i| global_bits(store, &entity.globals, i)) as u64;
                let table = entity.tables[*table as usize];
                let items = core::mem::take(&mut entity.elements[index]);
                let t = &mut store.objects.tables[table.index() as usize];
                match usize::try_from(offset as u32)
                    .ok()
                    .and_then(|o| t.elements_mut().get_mut(o..o.checked_add(items.len())?))
                {
                    Some(dst) => dst.copy_from_slice(&items),
                    None => {
                        init_result = Err(TrapCode::TableOutOfBounds);
                        break;
                    }
                }
            }
            ElementSegmentKind::Declared => entity.elements[index] = Box::new([]),
            ElementSegmentKind::Passive => {}
        }
    }
    if init_result.is_ok() {
        for (index, seg) in info.datas.iter().enumerate() {
            let Some((memory, offset)) = &seg.active else {
                continue;
            };
            let offset = offset.eval(|i| func_ref(&entity.funcs, i), |i| global_bits(store, &entity.globals, i)) as u64;
            let mem64 = info.memories.get(*memory as usize).is_some_and(|m| m.memory64);
            let offset = if mem64 { offset } else { offset as u32 as u64 };
            let bytes = info.bytes.get(seg.bytes.clone()).unwrap_or(&[]);
            let memory = entity.memories[*memory as usize];
            let data = store.memories[memory.index() as usize].data_mut();
            match usize::try_from(offset).ok().and_then(|o| data.get_mut(o..o.checked_add(bytes.len())?)) {
                Some(dst) => dst.copy_from_slice(bytes),
                None => {
                    init_result = Err(TrapCode::MemoryOutOfBounds);
                    break;
                }
            }
            entity.data_dropped[index] = true;
        }
    }
    store.push_instance(entity)?;
    init_result?;

    let executor = store.engine().executor();
    executor.instantiated(store, instance)?;
    if let Some(start) = info.start {
        let func = store
            .instance(instance)
            .and_then(|i| i.funcs.get(start as usize).copied())
            .ok_or_else(|| Error::Usage("start function out of range".into()))?;
        executor.call(store, func, &[], &mut [])?;
    }
    Ok(instance)
}

/// Refuses, before anything is allocated, a module with more tables or memories than the store allows per
/// instance, or whose instance would not fit in what is left of the store's memory budget.
fn check_budget(store: &StoreInner, module: &Module) -> Result<(), Error> {
    let info = module.info();
    let limits = &store.objects.limits;
    for (count, limit, what) in [
        (info.tables.len(), limits.max_tables_per_module, "tables"),
        (info.memories.len(), limits.max_memories_per_module, "memories"),
    ] {
        if count > limit {
            return Err(Error::Limit(format!("the module has {count} {what}; at most {limit} are allowed")));
        }
    }
    let need = instantiation_bytes(info, limits.max_memory_bytes);
    if need > store.objects.bytes.available() {
        return Err(store.objects.bytes.over_budget(need, &"instantiating the module"));
    }
    Ok(())
}

fn global_bits(store: &StoreInner, globals: &[Global], index: u32) -> u128 {
    let entity = globals.get(index as usize).and_then(|g| store.objects.globals.get(g.index() as usize));
    entity.map_or(0, |g| g.value().to_bits())
}
