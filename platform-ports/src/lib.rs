//! Peripherals for wasm apps: embedded-hal 1.0 digital pins, delays, embedded-io serial ports, I2C and SPI
//! buses, offered to wasm as the `ember:ports` import module (see `docs/ports.md`).
//!
//! The firmware registers what an app may touch in a [`Ports`] table — each peripheral gets a small integer
//! handle, its index in a fixed-size `heapless` table — and [`add_to_linker`] defines every import in one call
//! ([`instantiate`] resolves a module's imports without a `Linker`, the smaller way on a device). The app can
//! only name handles the firmware registered. A HAL error becomes a negative [error code](code)
//! returned to the app, never a panic or a trap; only a buffer outside the app's memory is reported the same
//! way.
#![no_std]
#![warn(missing_docs)]

extern crate alloc;

mod adapters;
mod imports;

use alloc::boxed::Box;

pub use adapters::{DelayPort, I2cPort, InputPort, OutputPort, SerialPort, SpiPort};
pub use imports::{add_to_linker, instantiate, resolve, MAX_TRANSFER, MODULE};

/// Most pins (outputs and inputs each), and most buses of each kind, a [`Ports`] table holds.
pub const MAX_PINS: usize = 16;
/// Most I2C buses, SPI devices or serial ports each.
pub const MAX_BUSES: usize = 4;

/// The status codes the imports return: 0 or a count on success, a negative code on failure.
pub mod code {
    /// Success.
    pub const OK: i32 = 0;
    /// No peripheral with this handle was registered.
    pub const BAD_HANDLE: i32 = -1;
    /// A buffer lies outside the app's memory, is longer than [`MAX_TRANSFER`](crate::MAX_TRANSFER), or an
    /// argument is out of range.
    pub const BAD_ARGUMENT: i32 = -2;
    /// The peripheral reported an error of another kind.
    pub const IO: i32 = -3;
    /// I2C: the device (or a data byte) was not acknowledged.
    pub const NACK: i32 = -4;
    /// I2C: bus error or arbitration lost.
    pub const BUS: i32 = -5;
    /// Serial or SPI: data was lost (overrun).
    pub const OVERRUN: i32 = -6;
    /// No delay provider was registered.
    pub const NO_DELAY: i32 = -7;
}

/// The peripherals an app may use, by handle. Put it in (or reach it from) the store's data, see
/// [`HasPorts`].
#[derive(Default)]
pub struct Ports {
    pub(crate) outputs: heapless::Vec<Box<dyn OutputPort>, MAX_PINS>,
    pub(crate) inputs: heapless::Vec<Box<dyn InputPort>, MAX_PINS>,
    pub(crate) serials: heapless::Vec<Box<dyn SerialPort>, MAX_BUSES>,
    pub(crate) i2cs: heapless::Vec<Box<dyn I2cPort>, MAX_BUSES>,
    pub(crate) spis: heapless::Vec<Box<dyn SpiPort>, MAX_BUSES>,
    pub(crate) delay: Option<Box<dyn DelayPort>>,
}

/// A table is full: the peripheral is handed back.
#[derive(Debug)]
pub struct Full<P>(pub P);

fn push<P, const N: usize>(table: &mut heapless::Vec<P, N>, p: P) -> Result<u32, Full<P>> {
    let handle = table.len() as u32;
    table.push(p).map(|()| handle).map_err(Full)
}

impl Ports {
    /// An empty table.
    pub fn new() -> Ports {
        Ports::default()
    }
    /// Registers an output pin; returns its handle for `pin_set` / `pin_toggle`.
    pub fn add_output(
        &mut self,
        pin: impl embedded_hal::digital::StatefulOutputPin + 'static,
    ) -> Result<u32, Full<()>> {
        push(&mut self.outputs, Box::new(pin)).map_err(|_| Full(()))
    }
    /// Registers an input pin; returns its handle for `pin_read`.
    pub fn add_input(&mut self, pin: impl embedded_hal::digital::InputPin + 'static) -> Result<u32, Full<()>> {
        push(&mut self.inputs, Box::new(pin)).map_err(|_| Full(()))
    }
    /// Registers a serial port (an embedded-io writer); returns its handle for `serial_write`.
    pub fn add_serial(&mut self, port: impl embedded_io::Write + 'static) -> Result<u32, Full<()>> {
        push(&mut self.serials, Box::new(port)).map_err(|_| Full(()))
    }
    /// Registers an I2C bus; returns its handle for `i2c_*`.
    pub fn add_i2c(&mut self, bus: impl embedded_hal::i2c::I2c + 'static) -> Result<u32, Full<()>> {
        push(&mut self.i2cs, Box::new(bus)).map_err(|_| Full(()))
    }
    /// Registers an SPI device; returns its handle for `spi_transfer`.
    pub fn add_spi(&mut self, device: impl embedded_hal::spi::SpiDevice + 'static) -> Result<u32, Full<()>> {
        push(&mut self.spis, Box::new(device)).map_err(|_| Full(()))
    }
    /// Sets the delay provider behind `delay_us` / `delay_ms` (replacing any earlier one).
    pub fn set_delay(&mut self, delay: impl embedded_hal::delay::DelayNs + 'static) {
        self.delay = Some(Box::new(delay));
    }
}

/// Store data that holds a [`Ports`] table: what [`add_to_linker`] needs of the store's data type.
pub trait HasPorts: 'static {
    /// The table.
    fn ports(&mut self) -> &mut Ports;
}

impl HasPorts for Ports {
    fn ports(&mut self) -> &mut Ports {
        self
    }
}
