//! The `ember:ports` imports (see docs/ports.md), shared by the apps.

#[link(wasm_import_module = "ember:ports")]
extern "C" {
    pub fn pin_toggle(pin: i32) -> i32;
    pub fn delay_ms(ms: i32) -> i32;
    pub fn serial_write(port: i32, ptr: *const u8, len: usize) -> i32;
}

/// Writes `bytes` to serial port 0.
pub fn print(bytes: &[u8]) {
    // SAFETY: the host reads `len` bytes at `ptr`, which are the slice's.
    unsafe { serial_write(0, bytes.as_ptr(), bytes.len()) };
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
