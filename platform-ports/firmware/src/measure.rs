//! Footprint measurement: a heap that remembers its peak use, and stack painting.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;
use core::mem::MaybeUninit;

use cortex_m::interrupt::Mutex;
use embedded_alloc::LlffHeap;

/// The firmware's heap: an `LlffHeap` over a static array, counting bytes in use and their peak.
pub struct CountingHeap {
    heap: LlffHeap,
    used: Mutex<Cell<(usize, usize)>>,
}

impl CountingHeap {
    /// An empty heap; [`CountingHeap::init`] gives it memory.
    pub const fn empty() -> CountingHeap {
        CountingHeap { heap: LlffHeap::empty(), used: Mutex::new(Cell::new((0, 0))) }
    }

    /// Hands `memory` to the heap. Call once, before anything allocates.
    pub fn init(&self, memory: &'static mut [MaybeUninit<u8>]) {
        // SAFETY: called once at start-up with a static region nothing else uses.
        unsafe { self.heap.init(memory.as_mut_ptr() as usize, memory.len()) }
    }

    /// Bytes in use now and at most so far.
    pub fn usage(&self) -> (usize, usize) {
        cortex_m::interrupt::free(|cs| self.used.borrow(cs).get())
    }

    fn count(&self, delta: isize) {
        cortex_m::interrupt::free(|cs| {
            let cell = self.used.borrow(cs);
            let (used, peak) = cell.get();
            let used = used.wrapping_add_signed(delta);
            cell.set((used, peak.max(used)));
        });
    }
}

// SAFETY: every call is forwarded to `LlffHeap`, a sound allocator; the counters only observe sizes.
unsafe impl GlobalAlloc for CountingHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is passed on unchanged.
        let p = unsafe { self.heap.alloc(layout) };
        if !p.is_null() {
            self.count(layout.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on unchanged.
        unsafe { self.heap.dealloc(ptr, layout) };
        self.count(-(layout.size() as isize));
    }
}

const PAINT: u32 = 0x5a5a_a5a5;

extern "C" {
    /// End of the statics (cortex-m-rt): the lowest address the stack may reach.
    static mut __sheap: u32;
    /// Top of the stack (cortex-m-rt).
    static _stack_start: u32;
}

/// Fills the unused stack, from the end of the statics to 64 bytes below the current stack pointer, with a
/// pattern.
pub fn paint_stack() {
    let bottom = core::ptr::addr_of_mut!(__sheap);
    let sp = cortex_m::register::msp::read() as usize - 64;
    let mut p = bottom;
    while (p as usize) < sp {
        // SAFETY: `__sheap..sp` is RAM that holds no Rust object: the statics end at `__sheap` (the heap is a
        // static array below it) and the stack in use lies above `sp`. Word-aligned: `__sheap` is 4-aligned.
        unsafe {
            p.write_volatile(PAINT);
            p = p.add(1);
        }
    }
}

/// The deepest the stack has reached since [`paint_stack`], in bytes: the first word from the bottom that no
/// longer holds the pattern.
pub fn peak_stack() -> usize {
    let mut p = core::ptr::addr_of_mut!(__sheap);
    let top = core::ptr::addr_of!(_stack_start) as usize;
    // SAFETY: reads of RAM between the statics' end and the stack top, as in `paint_stack`.
    while (p as usize) < top && unsafe { p.read_volatile() } == PAINT {
        // SAFETY: stays below `top`, within RAM.
        p = unsafe { p.add(1) };
    }
    top - p as usize
}
