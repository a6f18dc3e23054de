//! Linear-memory semantics: effective addresses, and the bulk operations (`memory.fill`, `.copy`,
//! `.init`), which check their whole range before writing anything.

use ember_core::TrapCode;

/// The byte range `[start, start + len)` of a buffer of `size` bytes, if it lies inside. Works in `u64` so
/// that 32-bit hosts cannot overflow.
#[inline(always)]
pub(crate) fn range(start: u64, len: u64, size: usize) -> Result<core::ops::Range<usize>, TrapCode> {
    match start.checked_add(len) {
        Some(end) if end <= size as u64 => Ok(start as usize..end as usize),
        _ => Err(TrapCode::MemoryOutOfBounds),
    }
}

/// The effective address of an access: an i32 address (the low half of a cell) plus a static offset. Below
/// 2^33, so adding an access size cannot overflow a `u64`.
#[inline(always)]
pub(crate) fn effective(addr: u64, offset: u32) -> u64 {
    u64::from(addr as u32) + u64::from(offset)
}

/// `memory.fill`: `len` bytes at `dst` set to `value`.
pub(crate) fn fill(data: &mut [u8], dst: u32, value: u8, len: u32) -> Result<(), TrapCode> {
    let r = range(dst.into(), len.into(), data.len())?;
    data[r].fill(value);
    Ok(())
}

/// `memory.copy` within one memory: `len` bytes from `src` to `dst`, overlapping allowed.
pub(crate) fn copy(data: &mut [u8], dst: u32, src: u32, len: u32) -> Result<(), TrapCode> {
    let s = range(src.into(), len.into(), data.len())?;
    let d = range(dst.into(), len.into(), data.len())?;
    data.copy_within(s, d.start);
    Ok(())
}

/// `memory.init`: `len` bytes of `segment` from `src` to memory at `dst`.
pub(crate) fn init(data: &mut [u8], segment: &[u8], dst: u32, src: u32, len: u32) -> Result<(), TrapCode> {
    let s = range(src.into(), len.into(), segment.len())?;
    let d = range(dst.into(), len.into(), data.len())?;
    data[d].copy_from_slice(&segment[s]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        let mut mem = [0u8; 16];
        // The address is the low 32 bits of the cell.
        assert_eq!(effective(0xffff_ffff_0000_000e, 2), 16);
        assert_eq!(effective(0xffff_ffff, 0xffff_ffff), 0x1_ffff_fffe);
        mem[14..].copy_from_slice(&[1, 2]);
        assert_eq!(fill(&mut mem, 16, 0, 0), Ok(()));
        assert_eq!(fill(&mut mem, 17, 0, 0), Err(TrapCode::MemoryOutOfBounds));
        assert_eq!(copy(&mut mem, 0, 14, 2), Ok(()));
        assert_eq!(mem[..2], [1, 2]);
        assert_eq!(copy(&mut mem, 1, 0, 16), Err(TrapCode::MemoryOutOfBounds));
        assert_eq!(init(&mut mem, &[9, 9], 0, 1, 2), Err(TrapCode::MemoryOutOfBounds));
        assert_eq!(init(&mut mem, &[9, 8], 4, 1, 1), Ok(()));
        assert_eq!(mem[4], 8);
    }
}
