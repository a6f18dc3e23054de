//! Blinky: toggles the LED (output pin 0) six times, 100 ms apart.
#![no_std]

#[path = "../../ports.rs"]
mod ports;

/// Blinks; returns the number of toggles that succeeded.
#[no_mangle]
pub extern "C" fn run() -> i32 {
    let mut ok = 0;
    for _ in 0..6 {
        // SAFETY: imports with only integer arguments.
        unsafe {
            if ports::pin_toggle(0) == 0 {
                ok += 1;
            }
            ports::delay_ms(100);
        }
    }
    ports::print(b"blinky: done\n");
    ok
}
