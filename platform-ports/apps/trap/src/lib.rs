//! Trap: prints a line, then reads past the end of its memory, which traps.
#![no_std]

#[path = "../../ports.rs"]
mod ports;

/// Never returns normally: the read at 100 KiB is past the module's one 64 KiB page (and past the few KiB a
/// device gives it), so the engine traps with `out of bounds memory access`.
#[no_mangle]
pub extern "C" fn run() -> i32 {
    ports::print(b"trap: reading past the end of memory\n");
    let far = core::hint::black_box(100 * 1024) as *const i32;
    // SAFETY: deliberately not: the engine catches the out-of-bounds access and traps.
    unsafe { core::ptr::read_volatile(far) }
}
