//! The [`Environment`] of one instance in a store: the layout the translator compiles against, copied out of
//! the store once per instance so that translation can run on the compiler thread while the store runs.

use std::sync::Arc;

use ember_core::{FuncType, InstanceEntity, ModuleInfo, Mutability, Shared, StoreInner, ValType};

use super::helpers;
use super::vmctx::VmCtx;
use crate::env::{Callee, Environment, GlobalPlace, Helper, VmField};

/// What the translator needs to know about one instance of a store. Everything in it is fixed once the
/// instance exists (store indices, signature ids, the values of immutable globals), so a copy taken at the
/// first compilation stays true for the instance's life.
pub(crate) struct InstanceLayout {
    module: Shared<ModuleInfo>,
    /// The instance's index in the store.
    index: u32,
    fuel: bool,
    /// Store-wide signature id of each module type.
    type_ids: Vec<u32>,
    /// Store index of each module function.
    funcs: Vec<u32>,
    /// Place and type of each module global (`None`: the store has no such global, which validation rules out).
    globals: Vec<Option<(GlobalPlace, ValType)>>,
    /// Store index of each module table.
    tables: Vec<u32>,
}

impl InstanceLayout {
    /// The layout of `instance` (store index `index`) in `store`.
    pub(crate) fn new(store: &StoreInner, instance: &InstanceEntity, index: u32) -> Arc<InstanceLayout> {
        let globals = instance
            .globals
            .iter()
            .map(|g| {
                let entity = store.globals().get(g.index() as usize)?;
                let place = match entity.ty().mutability {
                    Mutability::Const => GlobalPlace::Const(entity.bits),
                    Mutability::Var => GlobalPlace::Cell(VmCtx::global_offset(g.index())?),
                };
                Some((place, entity.ty().content))
            })
            .collect();
        Arc::new(InstanceLayout {
            module: instance.module.shared_info().clone(),
            index,
            fuel: store.engine().config().get_consume_fuel(),
            type_ids: instance.type_ids.clone(),
            funcs: instance.funcs.iter().map(|f| f.index()).collect(),
            globals,
            tables: instance.tables.iter().map(|t| t.index()).collect(),
        })
    }

    /// The instance's module.
    pub(crate) fn module(&self) -> &ModuleInfo {
        &self.module
    }
}

impl Environment for InstanceLayout {
    fn vmctx_offset(&self, field: VmField) -> i32 {
        VmCtx::offset(field)
    }

    fn helper(&self, helper: Helper) -> usize {
        helpers::address(helper)
    }

    fn fuel(&self) -> bool {
        self.fuel
    }

    fn func_type(&self, func: u32) -> Option<&FuncType> {
        self.module.func_type(func)
    }

    fn type_at(&self, index: u32) -> Option<&FuncType> {
        self.module.types.get(index as usize)
    }

    fn type_id(&self, index: u32) -> Option<u32> {
        self.type_ids.get(index as usize).copied()
    }

    fn callee(&self, func: u32) -> Option<Callee> {
        let store_index = *self.funcs.get(func as usize)?;
        let local = func >= self.module.num_imported_funcs;
        Some(Callee { store_index, local })
    }

    fn global(&self, global: u32) -> Option<(GlobalPlace, ValType)> {
        *self.globals.get(global as usize)?
    }

    fn table(&self, table: u32) -> Option<u32> {
        self.tables.get(table as usize).copied()
    }

    fn instance(&self) -> u32 {
        self.index
    }
}
