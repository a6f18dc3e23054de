//! Ember's register interpreter.
//!
//! Wasm function bodies are translated (lazily, on first call) into compact register bytecode — see [`ops`]
//! for the instruction table and its encoding — and run by one handler per instruction, threaded where the
//! target allows (see `exec`), never recursing on the host stack for wasm calls.
#![no_std]
#![warn(missing_docs)]

extern crate alloc;

pub mod code;
pub mod disasm;
pub mod exec;
pub mod image;
pub mod operand;
pub mod ops;
#[cfg(feature = "translate")]
pub mod translate;
pub mod verify;

pub use code::CompiledFunc;
pub use exec::{Interpreter, INTERPRETER};
pub use verify::{verify, VerifiedFunc, VerifyError};
