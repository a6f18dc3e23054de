//! Bounds-checked access to the program's linear memory: a bad pointer is `EFAULT`, never a panic.

use crate::Errno;

/// The calling instance's memory (empty when it exports none, so that every access is `EFAULT`).
pub(crate) struct Mem<'a>(pub &'a mut [u8]);

impl Mem<'_> {
    fn range(&self, ptr: u32, len: u64) -> Result<core::ops::Range<usize>, Errno> {
        let start = ptr as u64;
        let end = start.checked_add(len).ok_or(Errno::Fault)?;
        if end > self.0.len() as u64 {
            return Err(Errno::Fault);
        }
        Ok(start as usize..end as usize)
    }

    /// Fails unless `len` bytes at `ptr` are in bounds.
    pub fn check(&self, ptr: u32, len: u64) -> Result<(), Errno> {
        self.range(ptr, len).map(|_| ())
    }

    pub fn slice(&self, ptr: u32, len: u32) -> Result<&[u8], Errno> {
        let r = self.range(ptr, len as u64)?;
        Ok(&self.0[r])
    }

    pub fn slice_mut(&mut self, ptr: u32, len: u32) -> Result<&mut [u8], Errno> {
        let r = self.range(ptr, len as u64)?;
        Ok(&mut self.0[r])
    }

    pub fn read<const N: usize>(&self, ptr: u32) -> Result<[u8; N], Errno> {
        let r = self.range(ptr, N as u64)?;
        let mut out = [0u8; N];
        out.copy_from_slice(&self.0[r]);
        Ok(out)
    }

    pub fn u16(&self, ptr: u32) -> Result<u16, Errno> {
        self.read(ptr).map(u16::from_le_bytes)
    }

    pub fn u32(&self, ptr: u32) -> Result<u32, Errno> {
        self.read(ptr).map(u32::from_le_bytes)
    }

    pub fn u64(&self, ptr: u32) -> Result<u64, Errno> {
        self.read(ptr).map(u64::from_le_bytes)
    }

    pub fn write(&mut self, ptr: u32, bytes: &[u8]) -> Result<(), Errno> {
        let r = self.range(ptr, bytes.len() as u64)?;
        self.0[r].copy_from_slice(bytes);
        Ok(())
    }

    pub fn write_u32(&mut self, ptr: u32, v: u32) -> Result<(), Errno> {
        self.write(ptr, &v.to_le_bytes())
    }

    pub fn write_u64(&mut self, ptr: u32, v: u64) -> Result<(), Errno> {
        self.write(ptr, &v.to_le_bytes())
    }

    /// A path or other string argument: `EFAULT` out of bounds, `EILSEQ` if not UTF-8.
    pub fn str(&self, ptr: u32, len: u32) -> Result<&str, Errno> {
        core::str::from_utf8(self.slice(ptr, len)?).map_err(|_| Errno::Ilseq)
    }

    /// The `(buf, len)` pair of iovec number `i` of the array at `iovs`, checked to lie in memory.
    pub fn iovec(&self, iovs: u32, i: u32) -> Result<(u32, u32), Errno> {
        let at = (iovs as u64 + 8 * i as u64).try_into().map_err(|_| Errno::Fault)?;
        let buf = self.u32(at)?;
        let len = self.u32(at.checked_add(4).ok_or(Errno::Fault)?)?;
        self.check(buf, len as u64)?;
        Ok((buf, len))
    }

    /// Checks the whole iovec array and every buffer it names, before any I/O happens.
    pub fn check_iovecs(&self, iovs: u32, count: u32) -> Result<(), Errno> {
        self.check(iovs, 8 * count as u64)?;
        for i in 0..count {
            self.iovec(iovs, i)?;
        }
        Ok(())
    }
}
