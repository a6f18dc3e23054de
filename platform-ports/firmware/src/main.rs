//! Example firmware: runs three wasm apps on Ember and exits QEMU with their verdict.
//!
//! - blinky toggles the LED through `ember:ports` (the LED prints its changes);
//! - compute sorts numbers and prints a CRC-32 through the ports' serial port;
//! - trap reads past its memory: the firmware reports the trap and keeps running (blinky runs again).
//!
//! Without the `validate` feature the apps are precompiled images (`*.ebc`) executed in place from flash;
//! with it, the `.wasm` files are validated and translated on the device. The firmware then prints its
//! footprint: heap (now and peak) and peak stack (by stack painting).
#![no_std]
#![no_main]

extern crate alloc;

#[cfg_attr(not(feature = "ports"), allow(dead_code))]
mod board;
mod measure;

use core::mem::MaybeUninit;

use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};
use ember_core::{Config, Engine, Error, Instance, Module, Store, StoreLimits, Val};
use panic_semihosting as _;

#[global_allocator]
static HEAP: measure::CountingHeap = measure::CountingHeap::empty();

/// Whether this is the Cortex-M0 board (16 KiB of RAM; ARMv6-M has no atomic compare-and-swap).
const SMALL: bool = !cfg!(target_has_atomic = "ptr");

/// Heap size per board: what is left of its RAM after the stack.
const HEAP_BYTES: usize = if SMALL { 10 * 1024 } else { 32 * 1024 };

/// Linear memory each app gets (its stack and data use the first few KiB of its 64 KiB page).
const MEMORY_BYTES: usize = if SMALL { 4 * 1024 } else { 8 * 1024 };

/// The store's data: the peripherals the apps may use.
#[cfg(feature = "ports")]
type Data = ember_ports::Ports;
#[cfg(not(feature = "ports"))]
type Data = ();

#[cfg(not(feature = "validate"))]
mod apps {
    pub static BLINKY: &[u8] = ember_interp::include_image!("../../apps/blinky.ebc");
    pub static COMPUTE: &[u8] = ember_interp::include_image!("../../apps/compute.ebc");
    pub static TRAP: &[u8] = ember_interp::include_image!("../../apps/trap.ebc");
}
#[cfg(feature = "validate")]
mod apps {
    pub static BLINKY: &[u8] = include_bytes!("../../apps/blinky.wasm");
    pub static COMPUTE: &[u8] = include_bytes!("../../apps/compute.wasm");
    pub static TRAP: &[u8] = include_bytes!("../../apps/trap.wasm");
}

/// Turns an app's bytes into a module: a precompiled image in place, or wasm validated here.
fn module(engine: &Engine, bytes: &'static [u8]) -> Result<Module, Error> {
    #[cfg(not(feature = "validate"))]
    {
        let _ = engine;
        Ok(ember_interp::image::load(bytes)?)
    }
    #[cfg(feature = "validate")]
    {
        Module::new(engine, bytes)
    }
}

/// Instantiates an app with the peripherals (without a `Linker`: it costs flash for its name map).
#[cfg(feature = "ports")]
fn instantiate(store: &mut Store<Data>, module: &Module) -> Result<Instance, Error> {
    ember_ports::instantiate(store, module)
}

/// Instantiates an app with every import a stub that returns zeros (for measuring the runtime alone).
#[cfg(not(feature = "ports"))]
fn instantiate(store: &mut Store<Data>, module: &Module) -> Result<Instance, Error> {
    let mut imports = alloc::vec::Vec::new();
    for import in module.imports() {
        if let ember_core::ExternType::Func(ty) = &import.ty {
            let stub = |_: ember_core::Caller<'_, Data>, _: &[Val], _: &mut [Val]| Ok(());
            imports.push(ember_core::Extern::Func(ember_core::Func::new(&mut *store, ty.clone(), stub)));
        }
    }
    Instance::new(store, module, &imports)
}

fn data() -> Data {
    #[cfg(feature = "ports")]
    {
        let mut ports = ember_ports::Ports::new();
        let _ = ports.add_output(board::Led { on: false });
        let _ = ports.add_serial(board::Console);
        ports.set_delay(board::VirtualDelay);
        ports
    }
}

/// Loads, instantiates and runs an app's `run` export.
#[allow(clippy::unit_arg)] // `Data` is `()` without the ports
fn run(engine: &Engine, bytes: &'static [u8]) -> Result<i32, Error> {
    let module = module(engine, bytes)?;
    let mut store = Store::new(engine, data());
    let instance = instantiate(&mut store, &module)?;
    let run = instance.get_func(&store, "run").ok_or_else(|| Error::Usage("no `run` export".into()))?;
    let mut result = [Val::I32(0)];
    run.call(&mut store, &[], &mut result)?;
    Ok(result[0].i32().unwrap_or(-1))
}

#[entry]
fn main() -> ! {
    measure::paint_stack();
    static mut HEAP_MEMORY: [MaybeUninit<u8>; HEAP_BYTES] = [MaybeUninit::uninit(); HEAP_BYTES];
    // SAFETY: `main` runs once, so this is the only reference to the heap's memory.
    HEAP.init(unsafe { &mut *core::ptr::addr_of_mut!(HEAP_MEMORY) });

    let mut config = Config::new();
    config.limits(StoreLimits {
        max_memory_bytes: MEMORY_BYTES,
        max_value_stack: 512,
        max_call_depth: 64,
        max_host_reentry: 2,
        ..StoreLimits::default()
    });
    let engine = Engine::with_executor(&config, &ember_interp::INTERPRETER);
    let mode = if cfg!(feature = "validate") { "wasm validated on the device" } else { "precompiled images" };
    hprintln!("ember firmware: {}", mode);

    let mut ok = true;
    match run(&engine, apps::BLINKY) {
        Ok(n) => hprintln!("blinky: {} toggles", n),
        Err(e) => {
            ok = false;
            hprintln!("blinky failed: {}", e);
        }
    }
    match run(&engine, apps::COMPUTE) {
        Ok(crc) => hprintln!("compute: returned {:#010x}", crc as u32),
        Err(e) => {
            ok = false;
            hprintln!("compute failed: {}", e);
        }
    }
    match run(&engine, apps::TRAP) {
        Ok(v) => {
            ok = false;
            hprintln!("trap: returned {} instead of trapping", v);
        }
        Err(e) => hprintln!("trap: app trapped ({}); firmware keeps running", e),
    }
    match run(&engine, apps::BLINKY) {
        Ok(n) => hprintln!("blinky again: {} toggles", n),
        Err(e) => {
            ok = false;
            hprintln!("blinky failed: {}", e);
        }
    }

    let (heap_now, heap_peak) = HEAP.usage();
    // SAFETY: single-threaded; nothing else accesses the counter now.
    let waited_ms = unsafe { board::WAITED_NS } / 1_000_000;
    hprintln!("virtual time waited: {} ms", waited_ms);
    hprintln!(
        "footprint: heap_area={} heap_now={} heap_peak={} stack_peak={} app_memory={}",
        HEAP_BYTES,
        heap_now,
        heap_peak,
        measure::peak_stack(),
        MEMORY_BYTES
    );
    debug::exit(if ok { debug::EXIT_SUCCESS } else { debug::EXIT_FAILURE });
    loop {
        cortex_m::asm::wfi();
    }
}
