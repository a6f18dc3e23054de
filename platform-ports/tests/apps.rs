//! The example firmware's apps on the host: the .wasm (validated and translated here) and its precompiled
//! image print the same transcript through `ember:ports` and WASI's device backend, the one the firmware
//! prints under QEMU.

use std::cell::RefCell;
use std::convert::Infallible;
use std::rc::Rc;

use ember_core::{Config, Engine, Linker, Module, Store, StoreLimits, Val};
use ember_interp::image::{self, ImageError};
use ember_interp::translate::TranslateOptions;
use ember_ports::{HasPorts, Ports};
use ember_wasi::{Errno, WasiCtx};

type Transcript = Rc<RefCell<String>>;

struct Led(bool, Transcript);
impl embedded_hal::digital::ErrorType for Led {
    type Error = Infallible;
}
impl embedded_hal::digital::OutputPin for Led {
    fn set_low(&mut self) -> Result<(), Infallible> {
        self.0 = false;
        self.1.borrow_mut().push_str("led: off\n");
        Ok(())
    }
    fn set_high(&mut self) -> Result<(), Infallible> {
        self.0 = true;
        self.1.borrow_mut().push_str("led: on\n");
        Ok(())
    }
}
impl embedded_hal::digital::StatefulOutputPin for Led {
    fn is_set_high(&mut self) -> Result<bool, Infallible> {
        Ok(self.0)
    }
    fn is_set_low(&mut self) -> Result<bool, Infallible> {
        Ok(!self.0)
    }
}

struct Console(Transcript);
impl embedded_io::ErrorType for Console {
    type Error = Infallible;
}
impl embedded_io::Write for Console {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        self.0.borrow_mut().push_str(&String::from_utf8_lossy(buf));
        Ok(buf.len())
    }
    fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

impl ember_wasi::Console for Console {
    fn write(&mut self, bytes: &[u8]) -> Result<usize, Errno> {
        embedded_io::Write::write(self, bytes).map_err(|e| match e {})
    }
}

struct Ticks(u64);
impl ember_wasi::Clock for Ticks {
    fn monotonic_ns(&mut self) -> u64 {
        self.0 += 1_000;
        self.0
    }
}

struct Zeros;
impl ember_wasi::Rng for Zeros {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), Errno> {
        buf.fill(0);
        Ok(())
    }
}

/// The store's data, as in the firmware: the peripherals and WASI.
struct Data {
    ports: Ports,
    wasi: WasiCtx,
}
impl HasPorts for Data {
    fn ports(&mut self) -> &mut Ports {
        &mut self.ports
    }
}

struct NoWait;
impl embedded_hal::delay::DelayNs for NoWait {
    fn delay_ns(&mut self, _: u32) {}
}

/// Runs `module`'s `run` with the firmware's peripherals, WASI on the same console, and memory limit; the
/// transcript and the outcome.
fn run(engine: &Engine, module: &Module) -> (String, String) {
    let transcript = Transcript::default();
    let mut ports = Ports::new();
    ports.add_output(Led(false, transcript.clone())).expect("room");
    ports.add_serial(Console(transcript.clone())).expect("room");
    ports.set_delay(NoWait);
    let wasi = ember_wasi::device::builder(Console(transcript.clone()), Ticks(0), Zeros).build().expect("builds");
    let mut linker = Linker::new(engine);
    ember_ports::add_to_linker(&mut linker).expect("defines");
    ember_wasi::add_to_linker(&mut linker, |data: &mut Data| &mut data.wasi).expect("defines");
    let mut store = Store::new(engine, Data { ports, wasi });
    let instance = linker.instantiate(&mut store, module).expect("instantiates");
    let func = instance.get_func(&store, "run").expect("run export");
    let mut out = [Val::I32(0)];
    let outcome = match func.call(&mut store, &[], &mut out) {
        Ok(()) => format!("returned {:?}", out[0]),
        Err(e) => format!("failed: {e}"),
    };
    let text = transcript.borrow().clone();
    (text, outcome)
}

fn engine() -> Engine {
    let mut config = Config::new();
    config.limits(StoreLimits { max_memory_bytes: 4096, ..StoreLimits::default() });
    Engine::with_executor(&config, &ember_interp::INTERPRETER)
}

fn app(name: &str) -> Vec<u8> {
    let path = format!("{}/apps/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn apps_print_the_same_from_wasm_and_from_images() {
    let engine = engine();
    let mut transcripts = Vec::new();
    for name in ["blinky", "compute", "trap"] {
        let wasm = app(&format!("{name}.wasm"));
        let from_wasm = Module::new(&engine, &wasm).expect("valid app");
        let expected = run(&engine, &from_wasm);

        let bytes = image::compile(from_wasm.info(), &TranslateOptions::default()).expect("compiles");
        let from_image = image::load(image::leak_aligned(&bytes)).expect("loads");
        assert_eq!(run(&engine, &from_image), expected, "{name}");

        // The committed image too, unless the instruction set changed since it was built (CI rebuilds it).
        match image::load(image::leak_aligned(&app(&format!("{name}.ebc")))) {
            Ok(committed) => assert_eq!(run(&engine, &committed), expected, "{name}.ebc"),
            Err(ImageError::WrongInstructionSet { .. }) => println!("{name}.ebc is out of date: run apps/build.sh"),
            Err(e) => panic!("{name}.ebc: {e}"),
        }
        transcripts.push(expected);
    }
    assert_eq!(transcripts[0].0, "led: on\nled: off\n".repeat(3) + "blinky: done\n");
    assert_eq!(transcripts[0].1, "returned I32(6)");
    assert_eq!(transcripts[1].0, "compute: crc32 of sorted data = 0xb56bdd69\n");
    assert_eq!(transcripts[2].0, "trap: reading past the end of memory\n");
    assert_eq!(transcripts[2].1, "failed: trap: out of bounds memory access");
}

/// The firmware's way, without a `Linker`: `ember_ports::resolve` and `ember_wasi::resolve` fill the compute
/// app's import slots, and an import neither knows stays unresolved.
#[test]
fn imports_resolve_without_a_linker() {
    let engine = engine();
    let module = Module::new(&engine, &app("compute.wasm")).expect("valid app");
    let transcript = Transcript::default();
    let wasi = ember_wasi::device::builder(Console(transcript.clone()), Ticks(0), Zeros).build().expect("builds");
    let mut store = Store::new(&engine, Data { ports: Ports::new(), wasi });
    let mut imports: Vec<_> = module.imports().map(|_| None).collect();
    ember_ports::resolve(&mut store, &module, &mut imports).expect("resolves");
    assert!(imports.iter().all(Option::is_none), "compute imports nothing from the ports");
    ember_wasi::resolve(&mut store, &module, |data: &mut Data| &mut data.wasi, &mut imports).expect("resolves");
    let imports: Vec<_> = imports.into_iter().map(|slot| slot.expect("a WASI import")).collect();
    let instance = ember_core::Instance::new(&mut store, &module, &imports).expect("instantiates");
    let func = instance.get_func(&store, "run").expect("run export");
    let mut out = [Val::I32(0)];
    func.call(&mut store, &[], &mut out).expect("runs");
    assert_eq!(out[0], Val::I32(0xb56bdd69_u32 as i32));
    assert_eq!(*transcript.borrow(), "compute: crc32 of sorted data = 0xb56bdd69\n");

    let blinky = Module::new(&engine, &app("blinky.wasm")).expect("valid app");
    let mut imports: Vec<_> = blinky.imports().map(|_| None).collect();
    ember_wasi::resolve(&mut store, &blinky, |data: &mut Data| &mut data.wasi, &mut imports).expect("resolves");
    assert!(imports.iter().all(Option::is_none), "blinky imports nothing from WASI");
}
