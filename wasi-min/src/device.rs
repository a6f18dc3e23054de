//! The device backend: WASI for firmware, from a console, a clock and a random number generator.
//!
//! ```
//! use ember_wasi::{device, Clock, Console, Errno, Rng};
//!
//! struct Uart; // stands for the board's serial port
//! impl Console for Uart {
//!     fn write(&mut self, bytes: &[u8]) -> Result<usize, Errno> {
//!         // write `bytes` to the UART's data register here
//!         Ok(bytes.len())
//!     }
//! }
//! struct Ticks(u64); // stands for a hardware timer
//! impl Clock for Ticks {
//!     fn monotonic_ns(&mut self) -> u64 {
//!         self.0 += 1_000;
//!         self.0
//!     }
//! }
//! struct Trng(u32); // stands for the board's TRNG
//! impl Rng for Trng {
//!     fn fill(&mut self, buf: &mut [u8]) -> Result<(), Errno> {
//!         for b in buf {
//!             self.0 = self.0.wrapping_mul(1_103_515_245).wrapping_add(12_345);
//!             *b = (self.0 >> 16) as u8;
//!         }
//!         Ok(())
//!     }
//! }
//!
//! let ctx = device::builder(Uart, Ticks(0), Trng(1)).arg("app").env("BOARD", "demo").build().unwrap();
//! assert_eq!(ctx.open_descriptors(), 3);
//! ```
//!
//! Then, with the store's data holding the context (here the context itself):
//! `ember_wasi::add_to_linker(&mut linker, |ctx| ctx)` and call the program's `_start`. There is no filesystem:
//! path functions fail with `EBADF`, since no directory descriptor exists.

use alloc::boxed::Box;
use alloc::rc::Rc;
use core::cell::RefCell;

use crate::backend::{Clock, Console, FileType, Rng, WasiFile};
use crate::ctx::WasiCtxBuilder;
use crate::Errno;

/// A builder for a device: stdout and stderr write to `console`, stdin reads from it, the clock and random
/// numbers come from `clock` and `rng`. Add arguments and environment variables, then `build()`.
pub fn builder(
    console: impl Console + 'static,
    clock: impl Clock + 'static,
    rng: impl Rng + 'static,
) -> WasiCtxBuilder {
    let console: Rc<RefCell<dyn Console>> = Rc::new(RefCell::new(console));
    let stdio = |input| Box::new(ConsoleFile { console: console.clone(), input });
    WasiCtxBuilder::new(clock, rng).stdin(stdio(true)).stdout(stdio(false)).stderr(stdio(false))
}

/// A [`Console`] seen as a stdio descriptor (a character device).
pub struct ConsoleFile {
    console: Rc<RefCell<dyn Console>>,
    input: bool,
}

impl ConsoleFile {
    /// A descriptor over a shared console; `input` says whether it is stdin.
    pub fn new(console: Rc<RefCell<dyn Console>>, input: bool) -> ConsoleFile {
        ConsoleFile { console, input }
    }
}

impl WasiFile for ConsoleFile {
    fn filetype(&self) -> FileType {
        FileType::CharacterDevice
    }
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        if !self.input {
            return Err(Errno::Badf);
        }
        self.console.try_borrow_mut().map_err(|_| Errno::Busy)?.read(buf)
    }
    fn write(&mut self, buf: &[u8]) -> Result<usize, Errno> {
        self.console.try_borrow_mut().map_err(|_| Errno::Busy)?.write(buf)
    }
    fn sync(&mut self) -> Result<(), Errno> {
        self.console.try_borrow_mut().map_err(|_| Errno::Busy)?.flush()
    }
    fn is_tty(&self) -> bool {
        true
    }
}
