//! Example firmware: runs three wasm apps on Ember and exits QEMU with their verdict.
//!
//! - blinky toggles the LED through `ember:ports` (the LED prints its changes);
//! - compute sorts numbers and prints a CRC-32 through WASI (`fd_write` to stdout: ember-wasi's device
//!   backend, whose console is semihosting here and a UART on a real board);
//! - trap reads past its memory: the firmware reports the trap and keeps running (blinky runs again).
//!
//! Without the `validate` feature the apps are precompiled images (`*.ebc`) executed in place from flash;
//! with it, the `.wasm` files are validated and translated on the device. The firmware then prints its
//! footprint: heap (now and peak) and peak stack (by stack painting).
#![no_std]
#![no_main]

extern crate alloc;

#[cfg_attr(not(all(feature = "ports", feature = "wasi")), allow(dead_code))]
mod board;
mod measure;

use core::mem::MaybeUninit;

use alloc::vec::Vec;
use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};

use ember_core::{Config, Engine, Error, Extern, ExternType, Func, Instance, Module, Store, StoreLimits, Val};
use panic_semihosting as _;

#[global_allocator]
static HEAP: measure::CountingHeap = measure::CountingHeap::empty();

/// Whether this is the Cortex-M0 board (16 KiB of RAM; ARMv6-M has no atomic compare-and-swap).
const SMALL: bool = !cfg!(target_has_atomic = "ptr");

/// Heap size per board: what is left of its RAM after the stack.
const HEAP_BYTES: usize = if SMALL { 10 * 1024 } else { 32 * 1024 };

/// Linear memory each app gets (its stack and data use the first few KiB of its 64 KiB page).
const MEMORY_BYTES: usize = if SMALL { 4 * 1024 } else { 8 * 1024 };

/// The store's data: the peripherals and the WASI context the apps may use.
struct Data {
    #[cfg(feature = "ports")]
    ports: ember_ports::Ports,
    #[cfg(feature = "wasi")]
    wasi: ember_wasi::WasiCtx,
}

#[cfg(feature = "ports")]
impl ember_ports::HasPorts for Data {
    fn ports(&mut self) -> &mut ember_ports::Ports {
        &mut self.ports
    }
}

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

/// Whether imports that neither the ports nor WASI provide become stubs returning zeros: only in the builds
/// without them, which measure the runtime's own size.
const STUBS: bool = !cfg!(all(feature = "ports", feature = "wasi"));

/// Instantiates an app with the peripherals and WASI, without a `Linker` (it costs flash for its name map).
fn instantiate(store: &mut Store<Data>, module: &Module) -> Result<Instance, Error> {
    #[cfg_attr(not(any(feature = "ports", feature = "wasi")), allow(unused_mut))]
    let mut imports: Vec<Option<Extern>> = module.imports().map(|_| None).collect();
    #[cfg(feature = "ports")]
    ember_ports::resolve(store, module, &mut imports)?;
    #[cfg(feature = "wasi")]
    ember_wasi::resolve(store, module, |data: &mut Data| &mut data.wasi, &mut imports)?;
    let mut resolved = Vec::with_capacity(imports.len());
    for (import, slot) in module.imports().zip(imports) {
        resolved.push(match (slot, &import.ty) {
            (Some(found), _) => found,
            (None, ExternType::Func(ty)) if STUBS => {
                let stub = |_: ember_core::Caller<'_, Data>, _: &[Val], _: &mut [Val]| Ok(());
                Extern::Func(Func::new(&mut *store, ty.clone(), stub))
            }
            (None, _) => {
                return Err(Error::Link(alloc::format!("unknown import `{}` `{}`", import.module, import.name)))
            }
        });
    }
    Instance::new(store, module, &resolved)
}

/// A new store's data: an LED, the console as serial port 0 and a delay; WASI with stdout on the console.
fn data() -> Result<Data, Error> {
    Ok(Data {
        #[cfg(feature = "ports")]
        ports: {
            let mut ports = ember_ports::Ports::new();
            let _ = ports.add_output(board::Led { on: false });
            let _ = ports.add_serial(board::Console);
            ports.set_delay(board::VirtualDelay);
            ports
        },
        #[cfg(feature = "wasi")]
        wasi: ember_wasi::device::builder(board::Console, board::VirtualClock::default(), board::PseudoRng(1))
            .arg("app")
            .build()
            .map_err(|e| Error::Usage(e.0))?,
    })
}

/// Loads, instantiates and runs an app's `run` export.
fn run(engine: &Engine, bytes: &'static [u8]) -> Result<i32, Error> {
    let module = module(engine, bytes)?;
    let mut store = Store::new(engine, data()?);
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
