//! The firmware without Ember: the same start-up, heap, semihosting output, panic handler and measurements,
//! so that `size-report.sh` can subtract it and report what the runtime itself costs.
#![no_std]
#![no_main]

extern crate alloc;

#[path = "../measure.rs"]
mod measure;

use core::mem::MaybeUninit;

use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};
use panic_semihosting as _;

#[global_allocator]
static HEAP: measure::CountingHeap = measure::CountingHeap::empty();

const HEAP_BYTES: usize = 1024;

#[entry]
fn main() -> ! {
    measure::paint_stack();
    static mut HEAP_MEMORY: [MaybeUninit<u8>; HEAP_BYTES] = [MaybeUninit::uninit(); HEAP_BYTES];
    // SAFETY: `main` runs once, so this is the only reference to the heap's memory.
    HEAP.init(unsafe { &mut *core::ptr::addr_of_mut!(HEAP_MEMORY) });
    let v = alloc::vec![1u8; 16];
    hprintln!("baseline firmware: {} {}", v.len(), alloc::format!("{:#010x}", v.as_ptr() as usize).len());
    let (heap_now, heap_peak) = HEAP.usage();
    drop(v);
    hprintln!(
        "footprint: heap_area={} heap_now={} heap_peak={} stack_peak={} app_memory={}",
        HEAP_BYTES,
        heap_now,
        heap_peak,
        measure::peak_stack(),
        0
    );
    debug::exit(debug::EXIT_SUCCESS);
    loop {
        cortex_m::asm::wfi();
    }
}
