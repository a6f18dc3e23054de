//! The [`Environment`] of one instance in a store: the layout the translator compiles against.

use ember_core::{FuncType, InstanceEntity, Mutability, StoreInner, ValType};

use super::helpers;
use super::vmctx::VmCtx;
use crate::env::{Callee, Environment, GlobalPlace, Helper, VmField};

/// Answers the translator's questions for functions of `instance`.
pub(crate) struct RuntimeEnv<'a> {
    store: &'a StoreInner,
    instance: &'a InstanceEntity,
    index: u32,
    fuel: bool,
}

impl<'a> RuntimeEnv<'a> {
    pub(crate) fn new(store: &'a StoreInner, instance: &'a InstanceEntity, index: u32, fuel: bool) -> Self {
        RuntimeEnv { store, instance, index, fuel }
    }
}

impl Environment for RuntimeEnv<'_> {
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
        self.instance.module.info().func_type(func)
    }

    fn type_at(&self, index: u32) -> Option<&FuncType> {
        self.instance.module.info().types.get(index as usize)
    }

    fn type_id(&self, index: u32) -> Option<u32> {
        self.instance.type_ids.get(index as usize).copied()
    }

    fn callee(&self, func: u32) -> Option<Callee> {
        let f = self.instance.funcs.get(func as usize)?;
        let local = func >= self.instance.module.info().num_imported_funcs;
        Some(Callee { store_index: f.index(), local })
    }

    fn global(&self, global: u32) -> Option<(GlobalPlace, ValType)> {
        let g = self.instance.globals.get(global as usize)?.index();
        let entity = self.store.globals.get(g as usize)?;
        let place = match entity.ty.mutability {
            Mutability::Const => GlobalPlace::Const(entity.bits),
            Mutability::Var => GlobalPlace::Cell(VmCtx::global_offset(g)?),
        };
        Some((place, entity.ty.content))
    }

    fn table(&self, table: u32) -> Option<u32> {
        Some(self.instance.tables.get(table as usize)?.index())
    }

    fn instance(&self) -> u32 {
        self.index
    }
}
