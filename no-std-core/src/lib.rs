//! Ember's runtime core: everything a WebAssembly instance is made of, without the code that runs it.
//!
//! `ember-core` is `#![no_std]` + `alloc`. It decodes and validates modules (feature `validate`, on by
//! default), and owns the runtime objects: the [`Store`] with its instances, memories, tables, globals and
//! functions (wasm and host), the [`Linker`] that resolves imports, [`Trap`]s and [`StoreLimits`].
//!
//! Executing code is the job of an [`Executor`], plugged into the [`Engine`]: the register interpreter
//! (`ember-interp`) is one. Keeping execution out of this crate lets the devices build pick a runtime without a
//! translator, and lets tier-up layer a compiler over the interpreter.
#![no_std]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "validate")]
mod bodies;
mod config;
mod const_expr;
mod engine;
mod error;
mod func;
mod global;
mod instance;
mod limits;
mod linker;
mod memory;
mod module;
#[cfg(feature = "validate")]
mod parse;
mod slice;
mod store;
mod store_bytes;
mod table;
mod typed;
mod types;
mod value;
mod zeroed;

pub use config::Config;
pub use const_expr::{ConstExpr, ConstOp};
pub use engine::{Engine, Executor};
pub use error::{Error, Trap, TrapCode};
pub use func::{Func, FuncEntity, HostFunc, HostFuncTrampoline};
pub use global::{Global, GlobalEntity};
pub use instance::{Instance, InstanceEntity};
pub use limits::StoreLimits;
pub use linker::Linker;
pub use memory::{Memory, MemoryEntity, PAGE_SIZE};
pub use module::{
    DataSegment, ElementSegment, ElementSegmentKind, Export, ExternIndex, FuncBody, Import, Module, ModuleInfo,
};
#[cfg(feature = "validate")]
pub use parse::supported_features;
pub use slice::OwnedOrStatic;
pub use store::{AsStore, AsStoreMut, Caller, Store, StoreInner, StoreObjects, StoreParts};
pub use store_bytes::StoreBytes;
pub use table::{Table, TableEntity};
pub use typed::{HostReturn, IntoFunc, TypedFunc, WasmParams, WasmResults, WasmTy};
pub use types::{cells_for, cells_of, ExternType, FuncType, GlobalType, MemoryType, Mutability, TableType, ValType};
pub use value::{Extern, ExternRef, Ref, Val};

/// Reference-counted pointer used for data shared between stores and threads.
///
/// `Arc` where the target has atomic pointers; `Rc` on cores without them (ARMv6-M), where `Arc` does not exist.
#[cfg(target_has_atomic = "ptr")]
pub type Shared<T> = alloc::sync::Arc<T>;
/// Reference-counted pointer used for data shared between stores and threads.
#[cfg(not(target_has_atomic = "ptr"))]
pub type Shared<T> = alloc::rc::Rc<T>;
