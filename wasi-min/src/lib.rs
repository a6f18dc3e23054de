//! WASI preview1 (`wasi_snapshot_preview1`) for Ember, closed by default.
//!
//! A program reaches only what its [`WasiCtx`] grants: arguments, environment variables, stdio and preopened
//! directories. The core is `no_std` + `alloc` and works over small backend traits ([`backend`]):
//!
//! - the **device backend** ([`device`]) needs only a [`Console`], a [`Clock`] and an [`Rng`]; no
//!   filesystem. It builds for `thumbv7em-none-eabihf`.
//! - the **std backend** (feature `std`, on by default: [`host`]) has real files beneath preopened
//!   directories, opened through `cap-std` so that no path (`..`, absolute, or a symbolic link) leads out, the
//!   system clock, OS random numbers, and the process's stdin/stdout/stderr.
//!
//! Feature `fs` (on with `std`) adds directories: [`WasiCtxBuilder::preopened_dir`] and the functions on
//! them (`path_*`, `fd_readdir`, `fd_prestat_*`). Without it (about 9 KB less flash on a device) those
//! functions are still defined and fail as on a context without directories, with `EBADF` or `ENOTDIR`.
//!
//! [`add_to_linker`] defines all 46 preview1 functions: those listed in [`IMPLEMENTED`] work, those in
//! [`NOT_IMPLEMENTED`] return `ENOSYS`, so a module importing any of them still links. Errors are WASI errno
//! values, never traps; a bad pointer from the program is `EFAULT`. `proc_exit(n)` ends the run with a
//! [`Trap`](ember_core::Trap) whose [`exit_status`](ember_core::Trap::exit_status) is `n`.
//!
//! ```no_run
//! # #[cfg(feature = "std")] {
//! use ember_core::{Linker, Module, Store};
//! # fn engine() -> ember_core::Engine { unimplemented!() }
//! let engine = engine(); // `ember::Engine` derefs to this
//! let ctx = ember_wasi::host::builder().inherit_stdio().arg("app.wasm").build().unwrap();
//! let mut store = Store::new(&engine, ctx);
//! let mut linker = Linker::new(&engine);
//! ember_wasi::add_to_linker(&mut linker, |ctx| ctx).unwrap();
//! # let module: Module = unimplemented!();
//! let instance = linker.instantiate(&mut store, &module).unwrap();
//! let start = instance.get_func(&store, "_start").unwrap();
//! match start.call(&mut store, &[], &mut []) {
//!     Ok(()) => {}                                                      // exit status 0
//!     Err(e) => match e.as_trap().and_then(|t| t.exit_status()) {
//!         Some(status) => std::process::exit(status),                   // proc_exit(status)
//!         None => panic!("{e}"),                                        // a real trap
//!     },
//! }
//! # }
//! ```
#![no_std]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod backend;
mod ctx;
pub mod device;
mod errno;
#[cfg(feature = "std")]
pub mod host;
mod mem;
// Without `fs`, the directory functions and their helpers are compiled but not linked in.
#[cfg_attr(not(feature = "fs"), allow(dead_code))]
mod preview1;

pub use backend::{
    Clock, Console, DirEntry, FileType, Filestat, OpenOptions, Opened, Rng, SeekFrom, WasiDir, WasiFile,
};
pub use ctx::{BuildError, NullFile, WasiCtx, WasiCtxBuilder, DEFAULT_MAX_OPEN_FILES};
pub use errno::Errno;
pub use preview1::{add_to_linker, resolve, IMPLEMENTED, MODULE, NOT_IMPLEMENTED};
