//! Ember as an oracle for differential fuzzing of WebAssembly engines.
//!
//! An engine is a [`DiffEngine`]: it instantiates a module and hands back a [`DiffInstance`] that calls
//! exports and reads exported globals and memories. Values are [`DiffValue`]s with NaNs canonicalised; traps
//! are a [`TrapKind`] common to all engines. [`compare_module`] runs one module on two engines and reports the
//! first [`Divergence`]; stack exhaustion is the one difference allowed.
//!
//! Adapters: [`EmberEngine`] (the reference), [`WasmiEngine`], `WasmtimeEngine` with the `wasmtime` feature
//! and `Wasm3Engine` with the `wasm3` feature. [`ember_module`] generates wasm-smith modules within Ember's features.
//!
//! ```
//! use ember_fuzz::{compare_module, Call, DiffValue, EmberEngine, WasmiEngine};
//! let wasm = wat::parse_str(r#"(module (func (export "f") (param i32) (result i32) (i32.div_s (i32.const 7) (local.get 0))))"#)?;
//! let calls = [Call { name: "f".into(), args: vec![DiffValue::I32(0)] }];
//! let agreement = compare_module(&mut EmberEngine::interpreter(), &mut WasmiEngine::new(), &wasm, &calls)?;
//! assert_eq!(agreement.traps, 1); // both trap with the same kind: integer divide by zero
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod compare;
mod ember;
mod engine;
mod engines;
mod exports;
pub mod image;
mod smith;
mod trap;
mod value;
#[cfg(feature = "wasm3")]
mod wasm3;
mod wasmi;
#[cfg(feature = "wasmtime")]
mod wasmtime;

pub use crate::compare::{compare_module, plan_calls, Agreement, Call, Divergence};
pub use crate::ember::EmberEngine;
pub use crate::engine::{DiffEngine, DiffInstance, InstantiateError};
pub use crate::engines::{engines_from_env, EngineKind, ENGINES};
pub use crate::exports::{exports, ExportItem};
pub use crate::smith::{ember_config, ember_module, module_from_config};
pub use crate::trap::TrapKind;
pub use crate::value::{DiffValue, DiffValueType, CANONICAL_NAN_F32, CANONICAL_NAN_F64};
#[cfg(feature = "wasm3")]
pub use crate::wasm3::Wasm3Engine;
pub use crate::wasmi::WasmiEngine;
#[cfg(feature = "wasmtime")]
pub use crate::wasmtime::WasmtimeEngine;
