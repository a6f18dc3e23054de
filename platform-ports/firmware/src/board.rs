//! The pretend peripherals of the example boards: an LED that logs its changes, a serial port and a delay
//! over semihosting, and for WASI a console, a clock and a random number generator.

use core::convert::Infallible;

use cortex_m_semihosting::{hio, hprintln};

/// An LED on an output pin: prints every change.
pub struct Led {
    /// Whether it is lit.
    pub on: bool,
}

impl embedded_hal::digital::ErrorType for Led {
    type Error = Infallible;
}

impl embedded_hal::digital::OutputPin for Led {
    fn set_low(&mut self) -> Result<(), Infallible> {
        self.on = false;
        hprintln!("led: off");
        Ok(())
    }
    fn set_high(&mut self) -> Result<(), Infallible> {
        self.on = true;
        hprintln!("led: on");
        Ok(())
    }
}

impl embedded_hal::digital::StatefulOutputPin for Led {
    fn is_set_high(&mut self) -> Result<bool, Infallible> {
        Ok(self.on)
    }
    fn is_set_low(&mut self) -> Result<bool, Infallible> {
        Ok(!self.on)
    }
}

/// The host's console through semihosting, as a serial port.
pub struct Console;

/// Semihosting refused a write.
#[derive(Debug)]
pub struct ConsoleError;

impl embedded_io::Error for ConsoleError {
    fn kind(&self) -> embedded_io::ErrorKind {
        embedded_io::ErrorKind::Other
    }
}

impl embedded_io::ErrorType for Console {
    type Error = ConsoleError;
}

impl embedded_io::Write for Console {
    fn write(&mut self, buf: &[u8]) -> Result<usize, ConsoleError> {
        let mut out = hio::hstdout().map_err(|_| ConsoleError)?;
        out.write_all(buf).map_err(|_| ConsoleError)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> Result<(), ConsoleError> {
        Ok(())
    }
}

/// A delay that only advances a virtual clock (QEMU's time is not the point here).
#[derive(Default)]
pub struct VirtualDelay;

/// Milliseconds the apps asked to wait.
pub static mut WAITED_NS: u64 = 0;

impl embedded_hal::delay::DelayNs for VirtualDelay {
    fn delay_ns(&mut self, ns: u32) {
        // SAFETY: single-threaded firmware, no interrupt handler touches it.
        unsafe { WAITED_NS += u64::from(ns) };
    }
}

/// WASI's stdout and stderr: the semihosting console.
#[cfg(feature = "wasi")]
impl ember_wasi::Console for Console {
    fn write(&mut self, bytes: &[u8]) -> Result<usize, ember_wasi::Errno> {
        embedded_io::Write::write(self, bytes).map_err(|_| ember_wasi::Errno::Io)
    }
}

/// WASI's clock: the virtual time the apps waited, plus a microsecond per reading so that it always advances
/// (a real board reads a hardware timer).
#[cfg(feature = "wasi")]
#[derive(Default)]
pub struct VirtualClock {
    readings: u64,
}

#[cfg(feature = "wasi")]
impl ember_wasi::Clock for VirtualClock {
    fn monotonic_ns(&mut self) -> u64 {
        self.readings += 1;
        // SAFETY: single-threaded firmware, no interrupt handler touches it.
        unsafe { WAITED_NS }.saturating_add(self.readings * 1_000)
    }
    fn sleep_ns(&mut self, ns: u64) {
        // SAFETY: as above.
        unsafe { WAITED_NS = WAITED_NS.saturating_add(ns) };
    }
}

/// WASI's random numbers: xorshift32 from a fixed seed. Not random at all: QEMU's boards have no entropy
/// source, and a real board reads its TRNG here.
#[cfg(feature = "wasi")]
pub struct PseudoRng(pub u32);

#[cfg(feature = "wasi")]
impl ember_wasi::Rng for PseudoRng {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), ember_wasi::Errno> {
        for b in buf {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 17;
            self.0 ^= self.0 << 5;
            *b = self.0 as u8;
        }
        Ok(())
    }
}
