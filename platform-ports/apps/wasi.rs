//! The one `wasi_snapshot_preview1` import the compute app needs (see docs/wasi.md): `fd_write` to stdout,
//! which a device's WASI context sends to its console.

/// A buffer for `fd_write`: address and length in the app's memory.
#[repr(C)]
struct Ciovec {
    ptr: *const u8,
    len: usize,
}

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    fn fd_write(fd: i32, iovs: *const Ciovec, count: usize, written: *mut usize) -> i32;
}

/// Writes `bytes` to stdout (descriptor 1); returns WASI's errno (0 for success).
pub fn print(bytes: &[u8]) -> i32 {
    let iov = Ciovec { ptr: bytes.as_ptr(), len: bytes.len() };
    let mut written = 0;
    // SAFETY: the host reads the one iovec at `&iov`, the `len` bytes it points at (the slice's) and writes
    // the count to `written`, all of which live through the call.
    unsafe { fd_write(1, &iov, 1, &mut written) }
}

/// `value` in hexadecimal with a `0x` prefix, 8 digits.
pub fn hex(value: u32) -> [u8; 10] {
    let mut out = *b"0x00000000";
    for (i, digit) in out[2..].iter_mut().enumerate() {
        let nibble = (value >> (28 - 4 * i)) & 0xf;
        *digit = b"0123456789abcdef"[nibble as usize];
    }
    out
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
