//! The pretend peripherals of the example boards: an LED that logs its changes, a serial port and a delay
//! over semihosting.

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
