//! Globals.

use crate::error::Error;
use crate::store::{AsStore, AsStoreMut};
use crate::types::{GlobalType, Mutability};
use crate::value::Val;

/// A global as the store holds it: its value as [`cells_for`](crate::cells_for)`(ty)` 64-bit cells (see
/// [`Val::write_cells`]), `bits` then `high`.
#[derive(Debug)]
pub struct GlobalEntity {
    /// The value's first cell (all of it, except for a `v128`'s high half): written by executors running
    /// validated code (which sets only mutable globals, with values of their type), and read by native code at
    /// `offset_of!(GlobalEntity, bits)`.
    pub bits: u64,
    /// A `v128`'s high half (0 for every other type), written and read with `bits` by the instructions that
    /// move 128-bit values.
    pub high: u64,
    /// The declared type. Private: only the store makes globals, so their type cannot change.
    pub(crate) ty: GlobalType,
}

impl GlobalEntity {
    /// A global of type `ty` holding `value`, which must be of type `ty.content`.
    pub(crate) fn new(ty: GlobalType, value: Val) -> GlobalEntity {
        let mut cells = [0u64; 2];
        value.write_cells(&mut cells);
        GlobalEntity { bits: cells[0], high: cells[1], ty }
    }

    /// The current value.
    pub fn value(&self) -> Val {
        Val::read_cells(self.ty.content, &[self.bits, self.high])
    }

    /// The declared type.
    #[inline]
    pub fn ty(&self) -> GlobalType {
        self.ty
    }
}

/// A handle to a global in a store.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Global(pub(crate) u32);

impl Global {
    /// Creates a global in `store`.
    pub fn new(mut store: impl AsStoreMut, ty: GlobalType, value: Val) -> Result<Global, Error> {
        if value.ty() != ty.content {
            return Err(Error::Usage("global value does not match its type".into()));
        }
        store.as_inner_mut().push_global(GlobalEntity::new(ty, value))
    }
    /// The handle for store global number `index`.
    pub fn from_index(index: u32) -> Global {
        Global(index)
    }
    /// The store global number.
    pub fn index(&self) -> u32 {
        self.0
    }
    /// The global's type.
    pub fn ty(&self, store: impl AsStore) -> Option<GlobalType> {
        store.as_inner().objects.globals.get(self.0 as usize).map(|g| g.ty)
    }
    /// The current value.
    pub fn get(&self, store: impl AsStore) -> Val {
        match store.as_inner().objects.globals.get(self.0 as usize) {
            Some(g) => g.value(),
            None => Val::I32(0),
        }
    }
    /// Sets a mutable global.
    pub fn set(&self, mut store: impl AsStoreMut, value: Val) -> Result<(), Error> {
        let g = store
            .as_inner_mut()
            .objects
            .globals
            .get_mut(self.0 as usize)
            .ok_or_else(|| Error::Usage("no such global".into()))?;
        if g.ty.mutability != Mutability::Var || g.ty.content != value.ty() {
            return Err(Error::Usage("global is immutable or of another type".into()));
        }
        *g = GlobalEntity::new(g.ty, value);
        Ok(())
    }
}
