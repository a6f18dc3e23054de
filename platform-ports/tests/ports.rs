//! The `ember:ports` imports against fake peripherals: handles, data paths and error codes.

use std::cell::RefCell;
use std::convert::Infallible;
use std::rc::Rc;

use embedded_hal::digital::{self, ErrorType as PinErrorType};
use embedded_hal::i2c::{self, ErrorType as I2cErrorType, NoAcknowledgeSource, Operation};
use embedded_hal::spi::{self, ErrorType as SpiErrorType};
use ember_core::{Config, Engine, Linker, Module, Store, Val};
use ember_ports::{code, Ports};

type Log = Rc<RefCell<Vec<String>>>;

/// An output pin that logs what happens to it; fails when told to go high while `broken`.
struct FakePin {
    name: &'static str,
    high: bool,
    broken: bool,
    log: Log,
}

#[derive(Debug)]
struct PinFault;
impl digital::Error for PinFault {
    fn kind(&self) -> digital::ErrorKind {
        digital::ErrorKind::Other
    }
}
impl PinErrorType for FakePin {
    type Error = PinFault;
}
impl digital::OutputPin for FakePin {
    fn set_low(&mut self) -> Result<(), PinFault> {
        self.high = false;
        self.log.borrow_mut().push(format!("{} low", self.name));
        Ok(())
    }
    fn set_high(&mut self) -> Result<(), PinFault> {
        if self.broken {
            return Err(PinFault);
        }
        self.high = true;
        self.log.borrow_mut().push(format!("{} high", self.name));
        Ok(())
    }
}
impl digital::StatefulOutputPin for FakePin {
    fn is_set_high(&mut self) -> Result<bool, PinFault> {
        Ok(self.high)
    }
    fn is_set_low(&mut self) -> Result<bool, PinFault> {
        Ok(!self.high)
    }
}

struct Button(bool);
impl PinErrorType for Button {
    type Error = Infallible;
}
impl digital::InputPin for Button {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        Ok(self.0)
    }
    fn is_low(&mut self) -> Result<bool, Infallible> {
        Ok(!self.0)
    }
}

struct Serial(Rc<RefCell<Vec<u8>>>);
impl embedded_io::ErrorType for Serial {
    type Error = Infallible;
}
impl embedded_io::Write for Serial {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        // Short writes, to check that `write_all` is used.
        let n = buf.len().min(5);
        self.0.borrow_mut().extend_from_slice(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

/// An I2C bus with one device at 0x48 whose registers read as `register * 2`; other addresses do not answer.
struct Sensor;
#[derive(Debug)]
struct Nack;
impl i2c::Error for Nack {
    fn kind(&self) -> i2c::ErrorKind {
        i2c::ErrorKind::NoAcknowledge(NoAcknowledgeSource::Address)
    }
}
impl I2cErrorType for Sensor {
    type Error = Nack;
}
impl i2c::I2c for Sensor {
    fn transaction(&mut self, address: u8, operations: &mut [Operation<'_>]) -> Result<(), Nack> {
        if address != 0x48 {
            return Err(Nack);
        }
        let mut register = 0u8;
        for op in operations {
            match op {
                Operation::Write(bytes) => register = bytes.first().copied().unwrap_or(0),
                Operation::Read(buf) => {
                    for (i, b) in buf.iter_mut().enumerate() {
                        *b = register.wrapping_add(i as u8).wrapping_mul(2);
                    }
                }
            }
        }
        Ok(())
    }
}

/// An SPI device that answers each byte with its complement.
struct Inverter;
impl SpiErrorType for Inverter {
    type Error = Infallible;
}
impl spi::SpiDevice for Inverter {
    fn transaction(&mut self, operations: &mut [spi::Operation<'_, u8>]) -> Result<(), Infallible> {
        for op in operations {
            if let spi::Operation::TransferInPlace(buf) = op {
                buf.iter_mut().for_each(|b| *b = !*b);
            }
        }
        Ok(())
    }
}

struct Clock(Rc<RefCell<u64>>);
impl embedded_hal::delay::DelayNs for Clock {
    fn delay_ns(&mut self, ns: u32) {
        *self.0.borrow_mut() += u64::from(ns);
    }
}

const APP: &str = r#"(module
  (import "ember:ports" "pin_set" (func $pin_set (param i32 i32) (result i32)))
  (import "ember:ports" "pin_toggle" (func $pin_toggle (param i32) (result i32)))
  (import "ember:ports" "pin_read" (func $pin_read (param i32) (result i32)))
  (import "ember:ports" "delay_ms" (func $delay_ms (param i32) (result i32)))
  (import "ember:ports" "delay_us" (func $delay_us (param i32) (result i32)))
  (import "ember:ports" "serial_write" (func $serial_write (param i32 i32 i32) (result i32)))
  (import "ember:ports" "i2c_write_read" (func $i2c_write_read (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "ember:ports" "i2c_read" (func $i2c_read (param i32 i32 i32 i32) (result i32)))
  (import "ember:ports" "i2c_write" (func $i2c_write (param i32 i32 i32 i32) (result i32)))
  (import "ember:ports" "spi_transfer" (func $spi_transfer (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "hello from wasm\n")
  (data (i32.const 32) "\10")
  (data (i32.const 48) "\01\02\03")
  (func (export "blink") (param i32) (result i32)
    (drop (call $pin_toggle (local.get 0)))
    (drop (call $delay_ms (i32.const 500)))
    (call $pin_toggle (local.get 0)))
  (func (export "set") (param i32 i32) (result i32) (call $pin_set (local.get 0) (local.get 1)))
  (func (export "read") (param i32) (result i32) (call $pin_read (local.get 0)))
  (func (export "us") (param i32) (result i32) (call $delay_us (local.get 0)))
  (func (export "say") (param i32 i32 i32) (result i32)
    (call $serial_write (local.get 0) (local.get 1) (local.get 2)))
  ;; reads 2 registers from 0x10 into 40..42 and returns them as a little-endian i32 (or the status)
  (func (export "sensor") (param i32 i32) (result i32) (local $s i32)
    (local.set $s (call $i2c_write_read (local.get 0) (local.get 1) (i32.const 32) (i32.const 1)
                                         (i32.const 40) (i32.const 2)))
    (if (result i32) (i32.eqz (local.get $s)) (then (i32.load16_u (i32.const 40))) (else (local.get $s))))
  (func (export "i2c_read") (param i32 i32) (result i32)
    (call $i2c_read (i32.const 0) (i32.const 0x48) (local.get 0) (local.get 1)))
  (func (export "i2c_write") (param i32) (result i32)
    (call $i2c_write (i32.const 0) (local.get 0) (i32.const 32) (i32.const 1)))
  (func (export "spi") (param i32 i32) (result i32) (local $s i32)
    (local.set $s (call $spi_transfer (i32.const 0) (local.get 0) (local.get 1)))
    (if (result i32) (i32.eqz (local.get $s)) (then (i32.load (local.get 0))) (else (local.get $s)))))"#;

struct Board {
    log: Log,
    serial: Rc<RefCell<Vec<u8>>>,
    clock: Rc<RefCell<u64>>,
    store: Store<Ports>,
    instance: ember_core::Instance,
}

fn board() -> Board {
    let log: Log = Rc::default();
    let serial = Rc::<RefCell<Vec<u8>>>::default();
    let clock = Rc::<RefCell<u64>>::default();
    let mut ports = Ports::new();
    let led = FakePin { name: "led", high: false, broken: false, log: log.clone() };
    assert_eq!(ports.add_output(led).expect("room"), 0);
    let bad = FakePin { name: "bad", high: false, broken: true, log: log.clone() };
    assert_eq!(ports.add_output(bad).expect("room"), 1);
    assert_eq!(ports.add_input(Button(true)).expect("room"), 0);
    assert_eq!(ports.add_input(Button(false)).expect("room"), 1);
    assert_eq!(ports.add_serial(Serial(serial.clone())).expect("room"), 0);
    assert_eq!(ports.add_i2c(Sensor).expect("room"), 0);
    assert_eq!(ports.add_spi(Inverter).expect("room"), 0);
    ports.set_delay(Clock(clock.clone()));

    let engine = Engine::with_executor(&Config::default(), &ember_interp::INTERPRETER);
    let module = Module::new(&engine, &wat::parse_str(APP).expect("valid text")).expect("valid");
    let mut linker = Linker::new(&engine);
    ember_ports::add_to_linker(&mut linker).expect("no clashes");
    let mut store = Store::new(&engine, ports);
    let instance = linker.instantiate(&mut store, &module).expect("links");
    Board { log, serial, clock, store, instance }
}

impl Board {
    fn call(&mut self, name: &str, args: &[i32]) -> i32 {
        let f = self.instance.get_func(&self.store, name).expect("export");
        let args: Vec<Val> = args.iter().map(|&a| Val::I32(a)).collect();
        let mut out = [Val::I32(0)];
        f.call(&mut self.store, &args, &mut out).expect("no trap");
        out[0].i32().expect("i32")
    }
}

#[test]
fn pins_toggle_set_and_read() {
    let mut b = board();
    assert_eq!(b.call("blink", &[0]), code::OK);
    assert_eq!(*b.log.borrow(), ["led high", "led low"]);
    assert_eq!(*b.clock.borrow(), 500_000_000);
    assert_eq!(b.call("set", &[0, 7]), code::OK);
    assert_eq!(b.call("read", &[0]), 1);
    assert_eq!(b.call("read", &[1]), 0);
    assert_eq!(b.call("us", &[3]), code::OK);
    assert_eq!(*b.clock.borrow(), 500_003_000);
}

#[test]
fn hal_errors_and_bad_handles_become_codes() {
    let mut b = board();
    assert_eq!(b.call("set", &[1, 1]), code::IO);
    assert_eq!(b.call("set", &[2, 1]), code::BAD_HANDLE);
    assert_eq!(b.call("set", &[-1, 1]), code::BAD_HANDLE);
    assert_eq!(b.call("blink", &[99]), code::BAD_HANDLE);
    assert_eq!(b.call("read", &[2]), code::BAD_HANDLE);
    assert_eq!(b.call("say", &[1, 0, 4]), code::BAD_HANDLE);
    assert_eq!(b.call("sensor", &[0, 0x20]), code::NACK);
    assert_eq!(b.call("sensor", &[3, 0x48]), code::BAD_HANDLE);
    assert_eq!(b.call("sensor", &[0, 0x1_0048]), code::BAD_ARGUMENT);
    assert_eq!(b.call("i2c_write", &[0x21]), code::NACK);
    assert_eq!(b.call("i2c_write", &[0x48]), code::OK);
}

#[test]
fn buffers_move_between_app_memory_and_peripherals() {
    let mut b = board();
    assert_eq!(b.call("say", &[0, 0, 16]), 16);
    assert_eq!(b.serial.borrow().as_slice(), b"hello from wasm\n");
    assert_eq!(b.call("say", &[0, 0, 0]), 0);
    // Longer than one piece, and out of bounds.
    assert_eq!(b.call("say", &[0, 0, 1000]), 1000);
    assert_eq!(b.serial.borrow().len(), 1016);
    assert_eq!(b.call("say", &[0, 65530, 7]), code::BAD_ARGUMENT);
    assert_eq!(b.call("say", &[0, -1, 2]), code::BAD_ARGUMENT);

    assert_eq!(b.call("sensor", &[0, 0x48]), 0x2220);
    assert_eq!(b.call("i2c_read", &[100, 3]), code::OK);
    assert_eq!(b.call("i2c_read", &[100, 65]), code::BAD_ARGUMENT);
    assert_eq!(b.call("i2c_read", &[65535, 2]), code::BAD_ARGUMENT);

    assert_eq!(b.call("spi", &[48, 3]) as u32, 0x00fc_fdfe);
    assert_eq!(b.call("spi", &[65535, 4]), code::BAD_ARGUMENT);
}

#[test]
fn tables_have_a_fixed_size() {
    let mut ports = Ports::new();
    for _ in 0..ember_ports::MAX_BUSES {
        ports.add_spi(Inverter).expect("room");
    }
    assert!(ports.add_spi(Inverter).is_err());
}

#[test]
fn instantiating_without_a_linker_resolves_the_same_imports() {
    let log: Log = Rc::default();
    let mut ports = Ports::new();
    ports.add_output(FakePin { name: "led", high: false, broken: false, log: log.clone() }).expect("room");
    ports.set_delay(Clock(Rc::default()));
    let engine = Engine::with_executor(&Config::default(), &ember_interp::INTERPRETER);
    let module = Module::new(&engine, &wat::parse_str(APP).expect("valid text")).expect("valid");
    let mut store = Store::new(&engine, ports);
    let instance = ember_ports::instantiate(&mut store, &module).expect("every import is a port");
    let blink = instance.get_typed_func::<i32, i32>(&store, "blink").expect("export");
    assert_eq!(blink.call(&mut store, 0).expect("no trap"), code::OK);
    assert_eq!(*log.borrow(), ["led high", "led low"]);

    // Anything else is a link error, as with a linker; so is a port with the wrong type.
    let other = r#"(module (import "env" "f" (func)))"#;
    let other = Module::new(&engine, &wat::parse_str(other).expect("valid")).expect("valid");
    let err = ember_ports::instantiate(&mut store, &other).expect_err("env.f is not a port");
    assert!(err.to_string().contains("unknown import: `env` `f`"), "{err}");
    let wrong = r#"(module (import "ember:ports" "pin_toggle" (func (param i64))))"#;
    let wrong = Module::new(&engine, &wat::parse_str(wrong).expect("valid")).expect("valid");
    let err = ember_ports::instantiate(&mut store, &wrong).expect_err("wrong type");
    assert!(err.to_string().contains("incompatible import type"), "{err}");
}
