//! Tables of references.

use alloc::vec::Vec;

use crate::error::Error;
use crate::store::{AsStore, AsStoreMut};
use crate::types::TableType;
use crate::value::Ref;

/// A table as the store holds it: references encoded as 64-bit cells (see [`Ref::to_bits`]).
#[derive(Debug)]
pub struct TableEntity {
    /// The elements.
    pub elements: Vec<u64>,
    /// The declared type.
    pub ty: TableType,
    /// Most elements this table may grow to: its declared maximum capped by the store's limit.
    pub max_elements: u64,
}

impl TableEntity {
    /// Allocates a table of `ty.min` elements, each `init`.
    pub fn new(ty: TableType, init: u64, limit: u64) -> Result<TableEntity, Error> {
        let max_elements = ty.max.unwrap_or(u64::from(u32::MAX)).min(limit);
        if ty.min > max_elements {
            return Err(Error::Limit(alloc::format!(
                "table of {} elements exceeds the limit of {max_elements}",
                ty.min
            )));
        }
        let mut elements = Vec::new();
        let n = usize::try_from(ty.min).map_err(|_| Error::Limit("table too large".into()))?;
        elements.try_reserve_exact(n).map_err(|_| Error::Limit("cannot allocate table".into()))?;
        elements.resize(n, init);
        Ok(TableEntity { elements, ty, max_elements })
    }

    /// Grows by `delta` elements set to `init`; returns the old size or `None` (the spec's `-1`).
    pub fn grow(&mut self, delta: u64, init: u64) -> Option<u64> {
        let old = self.elements.len() as u64;
        let new = old.checked_add(delta)?;
        if new > self.max_elements {
            return None;
        }
        let new = usize::try_from(new).ok()?;
        self.elements.try_reserve_exact(new - self.elements.len()).ok()?;
        self.elements.resize(new, init);
        Some(old)
    }
}

/// A handle to a table in a store.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Table(pub(crate) u32);

impl Table {
    /// Creates a table in `store` with every element `init`.
    pub fn new(mut store: impl AsStoreMut, ty: TableType, init: Ref) -> Result<Table, Error> {
        let inner = store.as_inner_mut();
        let entity = TableEntity::new(ty, init.to_bits(), inner.limits.max_table_elements)?;
        inner.push_table(entity)
    }
    /// The handle for store table number `index`.
    pub fn from_index(index: u32) -> Table {
        Table(index)
    }
    /// The store table number.
    pub fn index(&self) -> u32 {
        self.0
    }
    /// Current number of elements.
    pub fn size(&self, store: impl AsStore) -> u64 {
        store.as_inner().tables.get(self.0 as usize).map_or(0, |t| t.elements.len() as u64)
    }
    /// The table's type.
    pub fn ty(&self, store: impl AsStore) -> Option<TableType> {
        store.as_inner().tables.get(self.0 as usize).map(|t| t.ty)
    }
    /// The element at `index`, if in bounds.
    pub fn get(&self, store: impl AsStore, index: u64) -> Option<Ref> {
        let t = store.as_inner().tables.get(self.0 as usize)?;
        let bits = *t.elements.get(usize::try_from(index).ok()?)?;
        Some(Ref::from_bits(t.ty.element, bits))
    }
    /// Sets the element at `index`.
    pub fn set(&self, mut store: impl AsStoreMut, index: u64, value: Ref) -> Result<(), Error> {
        let t =
            store.as_inner_mut().tables.get_mut(self.0 as usize).ok_or_else(|| Error::Usage("no such table".into()))?;
        let slot = usize::try_from(index).ok().and_then(|i| t.elements.get_mut(i));
        *slot.ok_or(crate::error::TrapCode::TableOutOfBounds)? = value.to_bits();
        Ok(())
    }
    /// Grows by `delta` elements set to `init`; returns the old size.
    pub fn grow(&self, mut store: impl AsStoreMut, delta: u64, init: Ref) -> Result<u64, Error> {
        let t =
            store.as_inner_mut().tables.get_mut(self.0 as usize).ok_or_else(|| Error::Usage("no such table".into()))?;
        t.grow(delta, init.to_bits()).ok_or_else(|| Error::Limit("table cannot grow".into()))
    }
}
