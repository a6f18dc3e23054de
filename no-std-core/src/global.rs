//! Globals.

use crate::error::Error;
use crate::store::{AsStore, AsStoreMut};
use crate::types::{GlobalType, Mutability};
use crate::value::Val;

/// A global as the store holds it: its value as a 64-bit cell (see [`Val::to_bits`]).
#[derive(Debug)]
pub struct GlobalEntity {
    /// The value's bits: written by executors running validated code (which sets only mutable globals, with
    /// values of their type), and read by native code at `offset_of!(GlobalEntity, bits)`.
    pub bits: u64,
    /// The declared type. Private: only the store makes globals, so their type cannot change.
    pub(crate) ty: GlobalType,
}

impl GlobalEntity {
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
        store.as_inner_mut().push_global(GlobalEntity { bits: value.to_bits(), ty })
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
            Some(g) => Val::from_bits(g.ty.content, g.bits),
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
        g.bits = value.to_bits();
        Ok(())
    }
}
