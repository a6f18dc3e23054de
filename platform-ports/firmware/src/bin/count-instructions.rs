//! Counts the Arm instructions Ember executes per executed wasm instruction, under QEMU with `-icount shift=0`
//! (see `count-instructions.sh`).
//!
//! With `-icount shift=0` QEMU advances its virtual clock by exactly 1 ns per guest instruction, and SysTick,
//! clocked by the processor clock, counts that virtual time: instructions = ticks x the clock's period in ns.
//! The firmware first checks the method on loops of known length, then runs each workload twice:
//!
//! - its plain image (what a device runs), timed: the Arm instructions;
//! - its fuel-metered image (`ember compile --fuel`) under fuel: the wasm instructions, as the fuel consumed
//!   (one unit per executed wasm operator, `block`, `loop`, `end` and `br` included). That run is timed too,
//!   which shows what fuel metering costs.
//!
//! Imports are stubs returning 0 (compute's `fd_write`: its output is not printed), so that the count is the
//! interpreter's and not the console's.
#![no_std]
#![no_main]

extern crate alloc;

use core::mem::MaybeUninit;
use core::ptr::{addr_of, addr_of_mut};

use alloc::vec::Vec;
use cortex_m::peripheral::{syst::SystClkSource, SCB, SYST};
use cortex_m_rt::{entry, exception};
use cortex_m_semihosting::{debug, hprintln};
use embedded_alloc::LlffHeap;
use panic_semihosting as _;

use ember_core::{Config, Engine, Error, Extern, ExternType, Func, Instance, Store, StoreLimits, Val};

#[global_allocator]
static HEAP: LlffHeap = LlffHeap::empty();

/// Whether this is the Cortex-M0 board (16 KiB of RAM).
const SMALL: bool = !cfg!(target_has_atomic = "ptr");

/// Heap size per board: on the M0, 2 KiB more than the example firmware's, which verifying the CoreMark-like
/// kernel's 3.4 KB function at load needs besides the app memory.
const HEAP_BYTES: usize = if SMALL { 12 * 1024 } else { 32 * 1024 };

/// Linear memory each app gets: the CoreMark-like kernel's data and 2 KiB stack end at 4.9 KiB.
const MEMORY_BYTES: usize = if SMALL { 5 * 1024 } else { 8 * 1024 };

/// SysTick's period in picoseconds: the processor clock QEMU 7.2 models for the board. mps2-an386: 25 MHz;
/// micro:bit (nRF51): 16 MHz; lm3s6965evb: 12.5 MHz (its 200 MHz PLL divided by 16, the reset value of the
/// RCC register's SYSDIV field, which this firmware leaves alone). The loops in `validate` check these.
const PS_PER_TICK: u64 = if SMALL {
    62_500
} else if cfg!(target_abi = "eabihf") {
    40_000
} else {
    80_000
};

const BOARD: &str = if SMALL {
    "thumbv6m-none-eabi (micro:bit, Cortex-M0, 16 MHz)"
} else if cfg!(target_abi = "eabihf") {
    "thumbv7em-none-eabihf (mps2-an386, Cortex-M4F, 25 MHz)"
} else {
    "thumbv7m-none-eabi (lm3s6965evb, Cortex-M3, 12.5 MHz)"
};

// ---- the clock ----

const RELOAD: u32 = 0x00ff_ffff;

/// SysTick wrap-arounds so far (each `RELOAD + 1` ticks).
static mut WRAPS: u32 = 0;

#[exception]
fn SysTick() {
    // SAFETY: only this handler writes it; 32-bit accesses are atomic on these cores.
    unsafe { addr_of_mut!(WRAPS).write_volatile(addr_of!(WRAPS).read_volatile().wrapping_add(1)) };
}

fn start_clock(mut syst: SYST) {
    syst.set_clock_source(SystClkSource::Core);
    syst.set_reload(RELOAD);
    syst.clear_current();
    syst.enable_interrupt();
    syst.enable_counter();
}

/// SysTick ticks since `start_clock`.
fn ticks() -> u64 {
    loop {
        // SAFETY: reads of a word that only the SysTick handler writes.
        let before = unsafe { addr_of!(WRAPS).read_volatile() };
        let current = SYST::get_current();
        let pending = SCB::is_pendst_pending();
        // SAFETY: as above.
        let after = unsafe { addr_of!(WRAPS).read_volatile() };
        if before != after {
            continue; // the handler ran in between: read again
        }
        // Wrapped, but the handler has not run yet.
        let wraps = u64::from(before) + u64::from(pending && current > RELOAD / 2);
        return wraps * (u64::from(RELOAD) + 1) + u64::from(RELOAD - current);
    }
}

/// Guest instructions (ns of virtual time under `-icount shift=0`) in `ticks` ticks.
fn instructions(ticks: u64) -> u64 {
    ticks * PS_PER_TICK / 1000
}

/// Measures `f` in guest instructions, less the cost of reading the clock (`overhead`).
fn measure(overhead: u64, f: impl FnOnce()) -> u64 {
    let t0 = ticks();
    f();
    let t1 = ticks();
    instructions(t1 - t0).saturating_sub(overhead)
}

/// `a / b` with two decimals.
struct Ratio(u64, u64);

impl core::fmt::Display for Ratio {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let hundredths = (self.0 * 100 + self.1 / 2) / self.1.max(1);
        write!(f, "{}.{:02}", hundredths / 100, hundredths % 100)
    }
}

// ---- validation ----

/// A counted loop: `iterations` x (`subs`, `bne`).
#[inline(never)]
fn counted_loop(iterations: u32) {
    // SAFETY: only counts a register down.
    unsafe {
        core::arch::asm!("2:", "subs {0}, #1", "bne 2b", inout(reg) iterations => _, options(nomem, nostack));
    }
}

/// `iterations` x (100 `nop`, `subs`, `bne`): within the M0's conditional branch range.
#[inline(never)]
fn nop_loop(iterations: u32) {
    // SAFETY: as above.
    unsafe {
        core::arch::asm!(
            "2:", ".rept 100", "nop", ".endr", "subs {0}, #1", "bne 2b",
            inout(reg) iterations => _, options(nomem, nostack)
        );
    }
}

/// Times the two loops against their known lengths (a few instructions of call and set-up besides); returns
/// whether both are within 1%.
fn validate(overhead: u64) -> bool {
    /// Name, instructions per iteration, the loop, iterations.
    type Case = (&'static str, u64, fn(u32), u32);
    let mut ok = true;
    let cases: [Case; 2] = [("subs/bne loop", 2, counted_loop, 5_000_000), ("nop loop", 102, nop_loop, 100_000)];
    for (name, per_iteration, f, iterations) in cases {
        let expected = per_iteration * u64::from(iterations);
        let measured = measure(overhead, || f(core::hint::black_box(iterations)));
        let diff = measured.abs_diff(expected);
        let within = diff * 100 <= expected;
        ok &= within;
        hprintln!(
            "validation: {}: expected {} instructions, measured {} ({} off){}",
            name,
            expected,
            measured,
            diff,
            if within { "" } else { ": MORE THAN 1% OFF" }
        );
    }
    ok
}

// ---- the workloads ----

/// A workload: an app's plain and fuel-metered images, its `run` argument, expected result and repetitions.
struct Workload {
    name: &'static str,
    plain: &'static [u8],
    fuel: &'static [u8],
    arg: Option<i32>,
    expect: i32,
    reps: u32,
}

const WORKLOADS: [Workload; 2] = [
    Workload {
        name: "compute",
        plain: ember_interp::include_image!("../../../apps/compute.ebc"),
        fuel: ember_interp::include_image!("../../../apps/compute.fuel.ebc"),
        arg: None,
        expect: 0xb56b_dd69_u32 as i32,
        reps: 10,
    },
    Workload {
        name: "coremark",
        plain: ember_interp::include_image!("../../../apps/coremark.ebc"),
        fuel: ember_interp::include_image!("../../../apps/coremark.fuel.ebc"),
        arg: Some(10),
        expect: 5115,
        reps: 3,
    },
];

/// Instantiates `module` with stubs returning zeros for its imports.
fn instantiate(store: &mut Store<()>, module: &ember_core::Module) -> Result<Instance, Error> {
    let mut imports = Vec::new();
    for import in module.imports() {
        match &import.ty {
            ExternType::Func(ty) => {
                let stub = |_: ember_core::Caller<'_, ()>, _: &[Val], _: &mut [Val]| Ok(());
                imports.push(Extern::Func(Func::new(&mut *store, ty.clone(), stub)));
            }
            _ => return Err(Error::Link(alloc::format!("unsupported import `{}`", import.name))),
        }
    }
    Instance::new(store, module, &imports)
}

/// What one set of runs counted.
struct Count {
    arm: u64,
    wasm: u64,
}

const FUEL: u64 = 1 << 62;

/// Runs `export` of `image` `reps` times (with fuel if `fuel`), timed; checks the last result.
fn count(
    image: &'static [u8],
    fuel: bool,
    export: &str,
    arg: Option<i32>,
    reps: u32,
    expect: Option<i32>,
    overhead: u64,
) -> Result<Count, Error> {
    let mut config = Config::new();
    config.consume_fuel(fuel).limits(StoreLimits {
        max_memory_bytes: MEMORY_BYTES,
        max_value_stack: 512,
        max_call_depth: 64,
        max_host_reentry: 2,
        ..StoreLimits::default()
    });
    let engine = Engine::with_executor(&config, &ember_interp::INTERPRETER);
    let module = ember_interp::image::load(image)?;
    let mut store = Store::new(&engine, ());
    let instance = instantiate(&mut store, &module)?;
    let func = instance.get_func(&store, export).ok_or_else(|| Error::Usage("missing export".into()))?;
    if fuel {
        store.set_fuel(FUEL)?;
    }
    let args: Vec<Val> = arg.map(Val::I32).into_iter().collect();
    let mut result = [Val::I32(0)];
    let mut status = Ok(());
    let arm = measure(overhead, || {
        for _ in 0..reps {
            status = func.call(&mut store, &args, &mut result);
        }
    });
    status?;
    if let Some(expect) = expect {
        if result[0].i32() != Some(expect) {
            return Err(Error::Usage(alloc::format!("wrong result {:?}", result[0])));
        }
    }
    let wasm = if fuel { FUEL - store.get_fuel()? } else { 0 };
    Ok(Count { arm, wasm })
}

fn report(w: &Workload, overhead: u64) -> Result<(), Error> {
    let plain = count(w.plain, false, "run", w.arg, w.reps, Some(w.expect), overhead)?;
    let metered = count(w.fuel, true, "run", w.arg, w.reps, Some(w.expect), overhead)?;
    hprintln!(
        "{}: instructions per wasm instruction: {} (arm instructions {}, wasm instructions {}, dispatch {})",
        w.name,
        Ratio(plain.arm, metered.wasm),
        plain.arm,
        metered.wasm,
        ember_interp::exec::DISPATCH_BACKEND
    );
    hprintln!(
        "{}: with fuel metering: {} (arm instructions {}, {} runs)",
        w.name,
        Ratio(metered.arm, metered.wasm),
        metered.arm,
        w.reps
    );
    Ok(())
}

/// A call from the host of coremark's `ping` (returns a constant): the cost of entering and leaving Ember.
fn report_call(overhead: u64) -> Result<(), Error> {
    const CALLS: u32 = 1000;
    let w = &WORKLOADS[1];
    let plain = count(w.plain, false, "ping", None, CALLS, Some(1), overhead)?;
    let metered = count(w.fuel, true, "ping", None, CALLS, Some(1), overhead)?;
    hprintln!(
        "host call of `ping`: {} arm instructions per call ({} wasm instructions)",
        Ratio(plain.arm, u64::from(CALLS)),
        Ratio(metered.wasm, u64::from(CALLS))
    );
    Ok(())
}

#[entry]
fn main() -> ! {
    static mut HEAP_MEMORY: [MaybeUninit<u8>; HEAP_BYTES] = [MaybeUninit::uninit(); HEAP_BYTES];
    // SAFETY: `main` runs once and is the only user of the heap's memory.
    unsafe { HEAP.init(HEAP_MEMORY.as_mut_ptr() as usize, HEAP_BYTES) };
    let peripherals = cortex_m::Peripherals::take().unwrap();
    start_clock(peripherals.SYST);

    hprintln!("count-instructions: {}, dispatch {}", BOARD, ember_interp::exec::DISPATCH_BACKEND);
    // One reading of the clock, averaged over 1000 (a tick is tens of instructions): subtracted from every
    // measurement.
    let overhead = measure(0, || {
        for _ in 0..1000 {
            core::hint::black_box(ticks());
        }
    }) / 1000;
    hprintln!("clock read overhead: {} instructions", overhead);
    let mut ok = validate(overhead);
    for w in &WORKLOADS {
        if let Err(e) = report(w, overhead) {
            ok = false;
            hprintln!("{}: failed: {}", w.name, e);
        }
    }
    if let Err(e) = report_call(overhead) {
        ok = false;
        hprintln!("host call: failed: {}", e);
    }
    debug::exit(if ok { debug::EXIT_SUCCESS } else { debug::EXIT_FAILURE });
    loop {
        cortex_m::asm::wfi();
    }
}
