//! Ember: a WebAssembly virtual machine built around a compact register interpreter.
//!
//! This crate is the facade most embedders use. It re-exports the runtime API of [`ember_core`] (modules,
//! stores, linkers, instances, functions, memories, tables, globals, traps, limits) and provides an
//! [`Engine`] already wired to the register interpreter of [`ember_interp`].
//!
//! Ember is `no_std` + `alloc` when built without the default features; the `std` feature adds
//! `std::error::Error` implementations, `wat` accepts WebAssembly text ([`module_from_bytes_or_wat`]), and
//! `cli` builds the `ember` command-line tool.
//!
//! # Example
//!
//! Compile a module, instantiate it, and call an export through a [`TypedFunc`]:
//!
//! ```
//! use ember::{Config, Engine, Linker, Module, Store};
//!
//! let wasm = wat::parse_str(
//!     r#"(module
//!          (func (export "add") (param i32 i32) (result i32)
//!            local.get 0
//!            local.get 1
//!            i32.add))"#,
//! )
//! .expect("the text is valid WAT");
//!
//! let engine = Engine::new(&Config::default());
//! let module = Module::new(&engine, &wasm).expect("the module validates");
//! let mut store = Store::new(&engine, ());
//! let linker = Linker::new(&engine);
//! let instance = linker.instantiate(&mut store, &module).expect("nothing to import");
//!
//! let add = instance.get_typed_func::<(i32, i32), i32>(&store, "add").expect("`add` is (i32, i32) -> i32");
//! assert_eq!(add.call(&mut store, (2, 3)).expect("no trap"), 5);
//! ```
#![no_std]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

/// Wasm values as text (`ember run --invoke`'s arguments).
#[cfg(feature = "std")]
pub mod text;

use core::fmt;
use core::ops::Deref;

pub use ember_core;
pub use ember_interp;
#[cfg(feature = "tier-up")]
pub use ember_tier_up;
/// Which tiers run code: `Interp`, `Auto` (hot functions become native code) or `Jit` (all native).
#[cfg(feature = "tier-up")]
pub use ember_tier_up::Mode as Tier;

pub use ember_core::{
    cells_for, cells_of, AsStore, AsStoreMut, Caller, Config, ConstExpr, ConstOp, DataSegment, ElementSegment,
    ElementSegmentKind, Error, Export, Extern, ExternIndex, ExternRef, ExternType, Func, FuncBody, FuncType, Global,
    GlobalType, HostReturn, Import, Instance, IntoFunc, Linker, Memory, MemoryType, Module, ModuleInfo, Mutability,
    Ref, Store, StoreLimits, Table, TableType, Trap, TrapCode, TypedFunc, Val, ValType, WasmParams, WasmResults,
    WasmTy, PAGE_SIZE,
};

/// Configuration plus the register interpreter: the engine to create modules, stores and linkers with.
///
/// A newtype over [`ember_core::Engine`] that dereferences to it, so `Store::new(&engine, data)`,
/// `Module::new(&engine, bytes)` and `Linker::new(&engine)` accept `&ember::Engine` directly. Cheap to clone.
#[derive(Clone)]
pub struct Engine(ember_core::Engine);

impl Engine {
    /// An engine with this configuration. With the `tier-up` feature (on by default) it is [`Tier::Auto`]:
    /// code starts in the interpreter and hot functions become native code where the host supports it;
    /// without it (`no_std` builds), the interpreter is all there is.
    pub fn new(config: &Config) -> Engine {
        #[cfg(feature = "tier-up")]
        return Engine::with_tier(config, Tier::Auto);
        #[cfg(not(feature = "tier-up"))]
        return Engine::interpreter(config);
    }

    /// An engine with this configuration that runs all code with Ember's register interpreter, never native
    /// code: the same on every host, and what `no_std` builds have.
    pub fn interpreter(config: &Config) -> Engine {
        Engine(ember_core::Engine::with_executor(config, &ember_interp::INTERPRETER))
    }

    /// An engine running code with the tiers `tier` selects. With [`Tier::Auto`] and no
    /// `Config::tier_up_threshold`, the threshold is [`ember_tier_up::DEFAULT_THRESHOLD`]. On hosts without
    /// native code support every tier is the interpreter.
    #[cfg(feature = "tier-up")]
    pub fn with_tier(config: &Config, tier: Tier) -> Engine {
        let mut config = config.clone();
        if tier == Tier::Auto && config.get_tier_up_threshold().is_none() {
            config.tier_up_threshold(Some(ember_tier_up::DEFAULT_THRESHOLD));
        }
        let executor = ember_tier_up::TieredExecutor::for_mode(tier);
        Engine(ember_core::Engine::with_executor(&config, executor))
    }

    /// The underlying core engine.
    pub fn inner(&self) -> &ember_core::Engine {
        &self.0
    }

    /// Unwraps the underlying core engine.
    pub fn into_inner(self) -> ember_core::Engine {
        self.0
    }
}

impl Default for Engine {
    /// An engine with the default [`Config`].
    fn default() -> Engine {
        Engine::new(&Config::default())
    }
}

impl Deref for Engine {
    type Target = ember_core::Engine;

    fn deref(&self) -> &ember_core::Engine {
        &self.0
    }
}

impl AsRef<ember_core::Engine> for Engine {
    fn as_ref(&self) -> &ember_core::Engine {
        &self.0
    }
}

impl From<Engine> for ember_core::Engine {
    fn from(engine: Engine) -> ember_core::Engine {
        engine.0
    }
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Engine").field(&self.0).finish()
    }
}

/// Compiles a module from a wasm binary or from WebAssembly text (`.wat`), told apart by the binary's magic
/// number.
///
/// Text that does not parse is reported as [`Error::Invalid`] with the byte offset of the problem in the text
/// and a message that includes its line and column.
#[cfg(feature = "wat")]
pub fn module_from_bytes_or_wat(engine: &ember_core::Engine, bytes: &[u8]) -> Result<Module, Error> {
    use alloc::borrow::Cow;
    use alloc::format;

    let binary: Cow<'_, [u8]> = if bytes.starts_with(b"\0asm") {
        Cow::Borrowed(bytes)
    } else {
        let text = core::str::from_utf8(bytes).map_err(|e| Error::Invalid {
            offset: e.valid_up_to(),
            message: alloc::string::String::from("neither a wasm binary nor UTF-8 WebAssembly text"),
        })?;
        let parsed = wat_to_binary(text).map_err(|(offset, line, col, message)| Error::Invalid {
            offset,
            message: format!("text at line {line}, column {col}: {message}"),
        });
        Cow::Owned(parsed?)
    };
    Module::new(engine, &binary)
}

/// Parses WebAssembly text; on failure returns the byte offset, 1-based line and column, and message.
#[cfg(feature = "wat")]
fn wat_to_binary(text: &str) -> Result<alloc::vec::Vec<u8>, (usize, usize, usize, alloc::string::String)> {
    let fail = |e: wast::Error| {
        let (line, col) = e.span().linecol_in(text);
        (e.span().offset(), line + 1, col + 1, e.message())
    };
    let buffer = wast::parser::ParseBuffer::new(text).map_err(fail)?;
    let mut module = wast::parser::parse::<wast::Wat<'_>>(&buffer).map_err(fail)?;
    module.encode().map_err(fail)
}

/// The README's examples, compiled and run as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
