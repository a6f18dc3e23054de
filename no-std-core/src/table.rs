//! Tables of references.

use alloc::vec::Vec;

use crate::error::Error;
use crate::store::{AsStore, AsStoreMut};
use crate::store_bytes::{table_bytes, StoreBytes};
use crate::types::TableType;
use crate::value::Ref;
use crate::zeroed::zeroed_vec;

/// A table as the store holds it: references encoded as 64-bit cells (see [`Ref::to_bits`]), 0 for null.
#[derive(Debug)]
pub struct TableEntity {
    /// The elements. Private: every change of size goes through [`TableEntity::grow`] and the store's budget.
    elements: Vec<u64>,
    /// The declared type.
    pub(crate) ty: TableType,
    /// Most elements this table may grow to: its declared maximum capped by the store's limit.
    pub(crate) max_elements: u64,
}

/// Growth by at least this many null elements takes a fresh zeroed block (left unbacked until used) instead of
/// writing the new elements; smaller growth extends the vector in place.
const ZEROED_GROWTH: usize = 4096;

impl TableEntity {
    /// Allocates a table of `ty.min` elements, each `init`, charged to `budget`. A null `init` (0) is not
    /// written: the elements come zeroed from the allocator.
    pub(crate) fn new(ty: TableType, init: u64, limit: u64, budget: &mut StoreBytes) -> Result<TableEntity, Error> {
        let max_elements = ty.max.unwrap_or(u64::from(u32::MAX)).min(limit);
        if ty.min > max_elements {
            return Err(Error::Limit(alloc::format!(
                "table of {} elements exceeds the limit of {max_elements}",
                ty.min
            )));
        }
        let too_large = || Error::Limit(alloc::format!("table of {} elements is too large", ty.min));
        let n = usize::try_from(ty.min).map_err(|_| too_large())?;
        let size = table_bytes(ty.min).ok_or_else(too_large)?;
        budget.charge(size, &format_args!("a table of {} elements", ty.min))?;
        let Some(elements) = filled(n, init) else {
            budget.release(size);
            return Err(Error::Limit(alloc::format!("cannot allocate a table of {} elements", ty.min)));
        };
        Ok(TableEntity { elements, ty, max_elements })
    }

    /// The declared type (its `min` is the size it was created with; [`TableEntity::len`] is the current
    /// size).
    #[inline]
    pub fn ty(&self) -> TableType {
        self.ty
    }

    /// Most elements this table may grow to: its declared maximum capped by the store's limits.
    #[inline]
    pub fn max_elements(&self) -> u64 {
        self.max_elements
    }

    /// The elements.
    #[inline(always)]
    pub fn elements(&self) -> &[u64] {
        &self.elements
    }

    /// The elements, writable.
    #[inline(always)]
    pub fn elements_mut(&mut self) -> &mut [u64] {
        &mut self.elements
    }

    /// Current number of elements.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.elements.len()
    }

    /// Whether the table has no elements.
    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
    }

    /// Grows by `delta` elements set to `init`, charging them to `budget` (the store's); returns the old size
    /// or `None` (the spec's `-1`) if the table's limit, the budget or the allocator says no.
    pub fn grow(&mut self, delta: u64, init: u64, budget: &mut StoreBytes) -> Option<u64> {
        let old = self.elements.len() as u64;
        let new = old.checked_add(delta)?;
        if new > self.max_elements {
            return None;
        }
        let new_len = usize::try_from(new).ok()?;
        let extra = table_bytes(delta)?;
        if !budget.try_charge(extra) {
            return None;
        }
        if self.extend(new_len, init).is_none() {
            budget.release(extra);
            return None;
        }
        Some(old)
    }

    /// Extends the elements to `new_len` with `init`, without aborting if the allocator refuses.
    fn extend(&mut self, new_len: usize, init: u64) -> Option<()> {
        let delta = new_len.checked_sub(self.elements.len())?;
        if init == 0 && delta >= ZEROED_GROWTH {
            let mut elements = zeroed_vec::<u64>(new_len)?;
            elements[..self.elements.len()].copy_from_slice(&self.elements);
            self.elements = elements;
        } else {
            self.elements.try_reserve_exact(delta).ok()?;
            self.elements.resize(new_len, init);
        }
        Some(())
    }
}

/// `n` elements `init`: zeroed by the allocator when `init` is null, written otherwise.
fn filled(n: usize, init: u64) -> Option<Vec<u64>> {
    if init == 0 {
        return zeroed_vec(n);
    }
    let mut elements = Vec::new();
    elements.try_reserve_exact(n).ok()?;
    elements.resize(n, init);
    Some(elements)
}

/// A handle to a table in a store.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Table(pub(crate) u32);

impl Table {
    /// Creates a table in `store` with every element `init`.
    pub fn new(mut store: impl AsStoreMut, ty: TableType, init: Ref) -> Result<Table, Error> {
        store.as_inner_mut().new_table(ty, init.to_bits())
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
        store.as_inner().objects.tables.get(self.0 as usize).map_or(0, |t| t.len() as u64)
    }
    /// The table's type.
    pub fn ty(&self, store: impl AsStore) -> Option<TableType> {
        store.as_inner().objects.tables.get(self.0 as usize).map(|t| t.ty)
    }
    /// The element at `index`, if in bounds.
    pub fn get(&self, store: impl AsStore, index: u64) -> Option<Ref> {
        let t = store.as_inner().objects.tables.get(self.0 as usize)?;
        let bits = *t.elements().get(usize::try_from(index).ok()?)?;
        Some(Ref::from_bits(t.ty.element, bits))
    }
    /// Sets the element at `index`.
    pub fn set(&self, mut store: impl AsStoreMut, index: u64, value: Ref) -> Result<(), Error> {
        let t = store
            .as_inner_mut()
            .objects
            .tables
            .get_mut(self.0 as usize)
            .ok_or_else(|| Error::Usage("no such table".into()))?;
        let slot = usize::try_from(index).ok().and_then(|i| t.elements_mut().get_mut(i));
        *slot.ok_or(crate::error::TrapCode::TableOutOfBounds)? = value.to_bits();
        Ok(())
    }
    /// Grows by `delta` elements set to `init`; returns the old size.
    pub fn grow(&self, mut store: impl AsStoreMut, delta: u64, init: Ref) -> Result<u64, Error> {
        let inner = store.as_inner_mut();
        if inner.objects.tables.get(self.0 as usize).is_none() {
            return Err(Error::Usage("no such table".into()));
        }
        inner.grow_table(self.0, delta, init.to_bits()).ok_or_else(|| Error::Limit("table cannot grow".into()))
    }
}
