//! Object-safe views of the embedded-hal and embedded-io traits, with their errors already turned into the
//! [status codes](crate::code), so that one table holds peripherals of different types.

use embedded_hal::digital::{InputPin, StatefulOutputPin};
use embedded_hal::i2c::{self, I2c};
use embedded_hal::spi::{self, SpiDevice};

use crate::code;

/// An output pin.
pub trait OutputPort {
    /// Drives the pin high or low.
    fn set(&mut self, high: bool) -> Result<(), i32>;
    /// Inverts the pin.
    fn toggle(&mut self) -> Result<(), i32>;
}

/// An input pin.
pub trait InputPort {
    /// Whether the pin reads high.
    fn is_high(&mut self) -> Result<bool, i32>;
}

/// A serial port.
pub trait SerialPort {
    /// Writes all of `bytes`.
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), i32>;
}

/// An I2C bus (7-bit addresses).
pub trait I2cPort {
    /// Writes `bytes` to device `address`.
    fn write(&mut self, address: u8, bytes: &[u8]) -> Result<(), i32>;
    /// Reads `buf.len()` bytes from device `address`.
    fn read(&mut self, address: u8, buf: &mut [u8]) -> Result<(), i32>;
    /// Writes `bytes` then reads into `buf` in one transaction (repeated start).
    fn write_read(&mut self, address: u8, bytes: &[u8], buf: &mut [u8]) -> Result<(), i32>;
}

/// An SPI device (a bus plus its chip select).
pub trait SpiPort {
    /// Sends `buf` and replaces it with the bytes received, in one transaction.
    fn transfer_in_place(&mut self, buf: &mut [u8]) -> Result<(), i32>;
}

/// A delay provider.
pub trait DelayPort {
    /// Waits `us` microseconds.
    fn delay_us(&mut self, us: u32);
    /// Waits `ms` milliseconds.
    fn delay_ms(&mut self, ms: u32);
}

fn digital_error(_: impl embedded_hal::digital::Error) -> i32 {
    code::IO
}

fn i2c_error(e: impl i2c::Error) -> i32 {
    match e.kind() {
        i2c::ErrorKind::NoAcknowledge(_) => code::NACK,
        i2c::ErrorKind::Bus | i2c::ErrorKind::ArbitrationLoss => code::BUS,
        i2c::ErrorKind::Overrun => code::OVERRUN,
        _ => code::IO,
    }
}

fn spi_error(e: impl spi::Error) -> i32 {
    match e.kind() {
        spi::ErrorKind::Overrun => code::OVERRUN,
        _ => code::IO,
    }
}

fn io_error(e: impl embedded_io::Error) -> i32 {
    match e.kind() {
        embedded_io::ErrorKind::OutOfMemory => code::OVERRUN,
        _ => code::IO,
    }
}

impl<P: StatefulOutputPin> OutputPort for P {
    fn set(&mut self, high: bool) -> Result<(), i32> {
        if high { self.set_high() } else { self.set_low() }.map_err(digital_error)
    }
    fn toggle(&mut self) -> Result<(), i32> {
        StatefulOutputPin::toggle(self).map_err(digital_error)
    }
}

impl<P: InputPin> InputPort for P {
    fn is_high(&mut self) -> Result<bool, i32> {
        InputPin::is_high(self).map_err(digital_error)
    }
}

impl<W: embedded_io::Write> SerialPort for W {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), i32> {
        embedded_io::Write::write_all(self, bytes).map_err(io_error)
    }
}

impl<B: I2c> I2cPort for B {
    fn write(&mut self, address: u8, bytes: &[u8]) -> Result<(), i32> {
        I2c::write(self, address, bytes).map_err(i2c_error)
    }
    fn read(&mut self, address: u8, buf: &mut [u8]) -> Result<(), i32> {
        I2c::read(self, address, buf).map_err(i2c_error)
    }
    fn write_read(&mut self, address: u8, bytes: &[u8], buf: &mut [u8]) -> Result<(), i32> {
        I2c::write_read(self, address, bytes, buf).map_err(i2c_error)
    }
}

impl<D: SpiDevice> SpiPort for D {
    fn transfer_in_place(&mut self, buf: &mut [u8]) -> Result<(), i32> {
        SpiDevice::transfer_in_place(self, buf).map_err(spi_error)
    }
}

impl<D: embedded_hal::delay::DelayNs> DelayPort for D {
    fn delay_us(&mut self, us: u32) {
        embedded_hal::delay::DelayNs::delay_us(self, us);
    }
    fn delay_ms(&mut self, ms: u32) {
        embedded_hal::delay::DelayNs::delay_ms(self, ms);
    }
}
