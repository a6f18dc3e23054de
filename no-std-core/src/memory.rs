//! Linear memories.

use alloc::vec::Vec;

use crate::error::Error;
use crate::limits::StoreLimits;
use crate::store::{AsStore, AsStoreMut};
use crate::store_bytes::{memory_bytes, StoreBytes};
use crate::types::MemoryType;
use crate::zeroed::zeroed_vec;

/// Size of a wasm page in bytes.
pub const PAGE_SIZE: usize = 65536;

/// A linear memory as the store holds it.
#[derive(Debug)]
pub struct MemoryEntity {
    /// The memory's bytes; its length is always a whole number of pages, unless `StoreLimits::max_memory_bytes`
    /// cut it short. Private: every change of size goes through [`MemoryEntity::grow`] and the store's budget.
    data: Vec<u8>,
    /// The declared type.
    pub(crate) ty: MemoryType,
    /// Most pages this memory may grow to: its declared maximum capped by the store's limit.
    pub(crate) max_pages: u64,
}

impl MemoryEntity {
    /// A memory of no pages that cannot grow: a stand-in for executors where an instance has no memory.
    pub fn empty() -> MemoryEntity {
        let ty = MemoryType { min: 0, max: Some(0), memory64: false, shared: false };
        MemoryEntity { data: Vec::new(), ty, max_pages: 0 }
    }

    /// Allocates a memory of `ty.min` pages, charged to `budget`. Fails cleanly if the size exceeds
    /// `limits.max_memory_pages` or the budget, or the allocator refuses.
    ///
    /// At most `limits.max_memory_bytes` bytes are backed, so that apps fit devices with less RAM than a 64 KiB
    /// page: accesses past them trap (`out of bounds memory access`), `memory.size` reports the declared pages,
    /// and `memory.grow` fails.
    pub(crate) fn new(ty: MemoryType, limits: &StoreLimits, budget: &mut StoreBytes) -> Result<MemoryEntity, Error> {
        let addressable = if ty.memory64 { 1u64 << 48 } else { 65536 };
        let max_pages = ty.max.unwrap_or(addressable).min(addressable).min(limits.max_memory_pages);
        if ty.min > max_pages {
            return Err(Error::Limit(alloc::format!("memory of {} pages exceeds the limit of {max_pages}", ty.min)));
        }
        let len = memory_bytes(&ty, limits.max_memory_bytes);
        budget.charge(len, &format_args!("a memory of {} pages", ty.min))?;
        let Some(data) = zeroed_vec(len) else {
            budget.release(len);
            return Err(Error::Limit(alloc::format!("cannot allocate {} pages of memory", ty.min)));
        };
        let mut memory = MemoryEntity { data, ty, max_pages };
        if memory.data.len() < memory.declared_bytes() {
            memory.max_pages = ty.min;
        }
        Ok(memory)
    }

    fn declared_bytes(&self) -> usize {
        usize::try_from(self.ty.min).ok().and_then(|p| p.checked_mul(PAGE_SIZE)).unwrap_or(usize::MAX)
    }

    /// The memory's bytes.
    #[inline(always)]
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The memory's bytes, writable.
    #[inline(always)]
    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }

    /// The declared type (its `min` is the size it was created with; [`MemoryEntity::pages`] is the current
    /// size).
    #[inline]
    pub fn ty(&self) -> MemoryType {
        self.ty
    }

    /// The address of byte 0, for executors that keep it in a register while they run. It stays valid until
    /// the memory grows (or a `&mut` to its bytes is taken, under Rust's aliasing rules): reload it after
    /// either. Taken without making a reference to the bytes, so earlier raw pointers stay usable.
    #[inline(always)]
    pub fn data_ptr(&mut self) -> *mut u8 {
        self.data.as_mut_ptr()
    }

    /// Current size in bytes.
    #[inline(always)]
    pub fn len_bytes(&self) -> usize {
        self.data.len()
    }

    /// Most pages this memory may grow to: its declared maximum capped by the store's limits.
    #[inline]
    pub fn max_pages(&self) -> u64 {
        self.max_pages
    }

    /// Current size in pages (the declared size of a memory cut short by a byte limit).
    pub fn pages(&self) -> u64 {
        if self.data.len() < self.declared_bytes() {
            return self.ty.min;
        }
        (self.data.len() / PAGE_SIZE) as u64
    }

    /// Grows by `delta` pages, charging the new bytes to `budget` (the store's); returns the old size, or
    /// `None` if the memory's limit, the budget or the allocator says no (the spec's `-1`). Never aborts on
    /// allocation failure.
    pub fn grow(&mut self, delta: u64, budget: &mut StoreBytes) -> Option<u64> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.max_pages || (delta != 0 && self.data.len() < self.declared_bytes()) {
            return None;
        }
        let new_len = usize::try_from(new).ok()?.checked_mul(PAGE_SIZE)?;
        let extra = new_len.checked_sub(self.data.len())?;
        if extra != 0 {
            if !budget.try_charge(extra) {
                return None;
            }
            // A fresh zeroed block plus a copy, rather than `resize`: zeroing by hand would touch every new
            // page, while zeroed memory from the allocator stays untouched (and unbacked) until used.
            let Some(mut data) = zeroed_vec::<u8>(new_len) else {
                budget.release(extra);
                return None;
            };
            data[..self.data.len()].copy_from_slice(&self.data);
            self.data = data;
        }
        Some(old)
    }
}

/// A handle to a memory in a store.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Memory(pub(crate) u32);

impl Memory {
    /// Creates a memory in `store`.
    pub fn new(mut store: impl AsStoreMut, ty: MemoryType) -> Result<Memory, Error> {
        store.as_inner_mut().new_memory(ty)
    }
    /// The handle for store memory number `index`.
    pub fn from_index(index: u32) -> Memory {
        Memory(index)
    }
    /// The store memory number.
    pub fn index(&self) -> u32 {
        self.0
    }
    /// The memory's bytes.
    pub fn data<'a>(&self, store: &'a impl AsStore) -> &'a [u8] {
        store.as_inner().memories.get(self.0 as usize).map_or(&[], |m| m.data())
    }
    /// The memory's bytes, writable.
    pub fn data_mut<'a, S: AsStoreMut>(&self, store: &'a mut S) -> &'a mut [u8] {
        store.as_inner_mut().memories.get_mut(self.0 as usize).map_or(&mut [], |m| m.data_mut())
    }
    /// The memory's bytes and the store's data, both writable at once (for host functions that read guest
    /// buffers into their own state, or the other way round, such as WASI's `fd_read` and `fd_write`).
    pub fn data_and_store_mut<'a, S: AsStoreMut>(&self, store: &'a mut S) -> (&'a mut [u8], &'a mut S::Data) {
        let (bytes, data) = store.as_inner_mut().memory_and_data_mut(self.0);
        (bytes, crate::store::downcast_mut::<S::Data>(data))
    }
    /// Current size in pages.
    pub fn size(&self, store: impl AsStore) -> u64 {
        store.as_inner().memories.get(self.0 as usize).map_or(0, |m| m.pages())
    }
    /// The memory's type.
    pub fn ty(&self, store: impl AsStore) -> Option<MemoryType> {
        store.as_inner().memories().get(self.0 as usize).map(|m| m.ty)
    }
    /// Grows by `delta` pages and returns the old size.
    pub fn grow(&self, mut store: impl AsStoreMut, delta: u64) -> Result<u64, Error> {
        let inner = store.as_inner_mut();
        if inner.memories().get(self.0 as usize).is_none() {
            return Err(Error::Usage("no such memory".into()));
        }
        inner.grow_memory(self.0, delta).ok_or_else(|| Error::Limit("memory cannot grow".into()))
    }
    /// Copies `buf.len()` bytes at `offset` into `buf`.
    pub fn read(&self, store: impl AsStore, offset: usize, buf: &mut [u8]) -> Result<(), Error> {
        let data = self.data(&store);
        let src = offset.checked_add(buf.len()).and_then(|end| data.get(offset..end));
        buf.copy_from_slice(src.ok_or(crate::error::TrapCode::MemoryOutOfBounds)?);
        Ok(())
    }
    /// Copies `buf` into the memory at `offset`.
    pub fn write(&self, mut store: impl AsStoreMut, offset: usize, buf: &[u8]) -> Result<(), Error> {
        let data = self.data_mut(&mut store);
        let dst = offset.checked_add(buf.len()).and_then(|end| data.get_mut(offset..end));
        dst.ok_or(crate::error::TrapCode::MemoryOutOfBounds)?.copy_from_slice(buf);
        Ok(())
    }
}
