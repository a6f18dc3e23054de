//! Table instructions on the store's tables: get/set/grow/fill/copy/init, each bounds-checked as a whole
//! before anything is written.

use ember_core::{StoreObjects, TableEntity, Trap, TrapCode};

use super::bad_code;

/// The element range `[start, start + len)` of a table (or segment) of `size` elements, if inside.
#[inline(always)]
fn range(start: u32, len: u32, size: usize) -> Result<core::ops::Range<usize>, TrapCode> {
    let end = u64::from(start) + u64::from(len);
    if end <= size as u64 {
        Ok(start as usize..end as usize)
    } else {
        Err(TrapCode::TableOutOfBounds)
    }
}

/// The store table at `index`.
#[inline(always)]
pub(crate) fn table(tables: &mut [TableEntity], index: usize) -> Result<&mut TableEntity, Trap> {
    tables.get_mut(index).ok_or_else(|| bad_code("table index"))
}

/// `table.get`.
#[inline]
pub(crate) fn get(t: &TableEntity, index: u32) -> Result<u64, TrapCode> {
    t.elements().get(index as usize).copied().ok_or(TrapCode::TableOutOfBounds)
}

/// `table.set`.
#[inline]
pub(crate) fn set(t: &mut TableEntity, index: u32, value: u64) -> Result<(), TrapCode> {
    *t.elements_mut().get_mut(index as usize).ok_or(TrapCode::TableOutOfBounds)? = value;
    Ok(())
}

/// `table.grow` of the store table at `index`: the old size, or `u32::MAX` (-1) if the table cannot grow.
pub(crate) fn grow(objects: &mut StoreObjects, index: usize, delta: u32, init: u64) -> Result<u32, Trap> {
    let index = u32::try_from(index).map_err(|_| bad_code("table index"))?;
    if objects.tables().get(index as usize).is_none() {
        return Err(bad_code("table index"));
    }
    let old = objects.grow_table(index, delta.into(), init);
    Ok(old.and_then(|old| u32::try_from(old).ok()).unwrap_or(u32::MAX))
}

/// `table.fill`.
pub(crate) fn fill(t: &mut TableEntity, dst: u32, value: u64, len: u32) -> Result<(), TrapCode> {
    let r = range(dst, len, t.len())?;
    t.elements_mut()[r].fill(value);
    Ok(())
}

/// `table.copy` between store tables `dst_table` and `src_table` (possibly the same one; overlap allowed).
pub(crate) fn copy(
    tables: &mut [TableEntity],
    dst_table: usize,
    src_table: usize,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), Trap> {
    let src_len = table(tables, src_table)?.len();
    let dst_len = table(tables, dst_table)?.len();
    let s = range(src, len, src_len)?;
    let d = range(dst, len, dst_len)?;
    if dst_table == src_table {
        table(tables, dst_table)?.elements_mut().copy_within(s, d.start);
    } else {
        // Two distinct tables: split the slice so both can be borrowed at once.
        let (a, b) = tables.split_at_mut(dst_table.max(src_table));
        let (d_t, s_t) = if dst_table < src_table { (&mut a[dst_table], &b[0]) } else { (&mut b[0], &a[src_table]) };
        d_t.elements_mut()[d].copy_from_slice(&s_t.elements()[s]);
    }
    Ok(())
}

/// `table.init`: `len` references of `segment` from `src` into the table at `dst`.
pub(crate) fn init(t: &mut TableEntity, segment: &[u64], dst: u32, src: u32, len: u32) -> Result<(), TrapCode> {
    let s = range(src, len, segment.len())?;
    let d = range(dst, len, t.len())?;
    t.elements_mut()[d].copy_from_slice(&segment[s]);
    Ok(())
}
