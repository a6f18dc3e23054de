//! The tiered executor: the interpreter with the native tier plugged in.

use std::time::Instant;

use ember_core::{Error, Executor, Func, Instance, StoreInner, Trap, Val};
use ember_interp::exec::tier::{set_higher_tier, Handover, HigherTier};
use ember_interp::INTERPRETER;

use crate::runtime;

/// Which tiers run code.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// The interpreter only.
    Interp,
    /// The interpreter first; functions whose weighted call/back-edge count reaches the engine's
    /// `tier_up_threshold` (or [`DEFAULT_THRESHOLD`]) are compiled to native code.
    Auto,
    /// Every function is compiled to native code before it first runs (for testing the native tier).
    Jit,
}

impl core::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Mode, String> {
        match s {
            "interp" => Ok(Mode::Interp),
            "auto" => Ok(Mode::Auto),
            "jit" => Ok(Mode::Jit),
            other => Err(format!("unknown tier `{other}`: expected interp, auto or jit")),
        }
    }
}

/// The threshold of [`Mode::Auto`] when the engine's configuration sets none: about 670 calls, or 10 000
/// loop iterations, a millisecond or two of interpreting. Cranelift takes about a millisecond per kilobyte
/// of native code, so compiling pays off only for code that will run for longer than that: with Lua running
/// a script, 10 000 kept an 80 ms script as fast as the interpreter (1 000 made it 10-25% slower: compiling
/// functions the script was about to stop using) and a 1.6 s script 5.7x faster.
pub const DEFAULT_THRESHOLD: u32 = 10_000;

/// An executor running code in the interpreter and, as [`Mode`] says, in native code.
#[derive(Debug)]
pub struct TieredExecutor {
    mode: Mode,
}

/// The interpreter alone.
pub static INTERP: TieredExecutor = TieredExecutor { mode: Mode::Interp };
/// Interpreter first, hot functions native.
pub static AUTO: TieredExecutor = TieredExecutor { mode: Mode::Auto };
/// Everything native.
pub static JIT: TieredExecutor = TieredExecutor { mode: Mode::Jit };

impl TieredExecutor {
    /// The executor for `mode`. Native modes fall back to the interpreter on hosts Cranelift does not support.
    pub fn for_mode(mode: Mode) -> &'static TieredExecutor {
        match mode {
            Mode::Jit if crate::code::available() => &JIT,
            Mode::Auto if crate::code::available() => &AUTO,
            _ => &INTERP,
        }
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Plugs the native tier into `store`'s interpreter the first time this store runs code.
    fn plug(&self, store: &mut StoreInner) {
        let synchronous = self.mode == Mode::Jit || store.engine().config().get_synchronous_tier_up();
        let st = runtime::state(store);
        if st.plugged {
            return;
        }
        st.plugged = true;
        // `jit` compiles before the first run, so always here and now.
        st.synchronous = synchronous;
        let threshold = match self.mode {
            Mode::Jit => 0,
            _ => u64::from(store.engine().config().get_tier_up_threshold().unwrap_or(DEFAULT_THRESHOLD)),
        };
        set_higher_tier(store, Some(&NATIVE), threshold);
    }
}

impl Executor for TieredExecutor {
    fn call(&self, store: &mut StoreInner, func: Func, params: &[Val], results: &mut [Val]) -> Result<(), Trap> {
        if self.mode == Mode::Interp {
            return INTERPRETER.call(store, func, params, results);
        }
        self.plug(store);
        let outermost = !runtime::state(store).running;
        runtime::state(store).running = true;
        let start = Instant::now();
        let outcome = INTERPRETER.call(store, func, params, results);
        if outermost {
            let st = runtime::state(store);
            st.running = false;
            st.stats.total_time += start.elapsed();
        }
        outcome
    }

    fn instantiated(&self, store: &mut StoreInner, instance: Instance) -> Result<(), Error> {
        INTERPRETER.instantiated(store, instance)
    }
}

/// The native tier as the interpreter sees it.
#[derive(Debug)]
struct Native;

static NATIVE: Native = Native;

impl HigherTier for Native {
    fn hot(&self, store: &mut StoreInner, func: usize, weight: u64) -> Handover {
        runtime::compile(store, runtime::Key { func, at_loop: None }, weight)
    }

    fn hot_loop(&self, store: &mut StoreInner, func: usize, loop_index: u32, weight: u64) -> Handover {
        runtime::compile(store, runtime::Key { func, at_loop: Some(loop_index) }, weight)
    }

    fn call_at_loop(
        &self,
        store: &mut StoreInner,
        func: usize,
        loop_index: u32,
        cells: &mut [u64],
        depth: usize,
    ) -> Result<(), Trap> {
        runtime::enter_at_loop(store, func, loop_index, cells, depth)
    }

    fn call_native(&self, store: &mut StoreInner, func: usize, cells: &mut [u64], depth: usize) -> Result<(), Trap> {
        runtime::enter(store, func, cells, depth)
    }
}
