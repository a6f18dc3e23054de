//! Precompiled images: a module's runtime structure plus every function's verified register bytecode, in one
//! compact, versioned, checksummed byte string that a device runs straight from flash.
//!
//! `ember compile app.wasm -o app.ebc` writes one on the host ([`compile`], feature `translate`); [`load`] turns
//! one into a runnable [`Module`](ember_core::Module) on any target, without wasmparser. The bytecode and the
//! data segments are borrowed from the image in place — nothing of them is copied into RAM — and instantiating
//! the module installs the code (each function through the [verifier](mod@crate::verify), again) before the start
//! function runs.
//!
//! # Format (version 1, all integers little-endian)
//!
//! | bytes | content |
//! |---|---|
//! | 0..4 | magic `b"\0ebc"` |
//! | 4..6 | format version ([`VERSION`]) |
//! | 6..8 | flags: bit 0 = compiled with fuel metering |
//! | 8..12 | fingerprint of the instruction table ([`Opcode::FINGERPRINT`](crate::ops::Opcode::FINGERPRINT)) |
//! | 12..16 | total length of the image in bytes |
//! | 16..20 | CRC-32 (IEEE) of bytes `20..length` |
//! | 20.. | the sections below, in this order |
//!
//! Sections: module name and function names; types; imports; type index of every function (and the number
//! imported); tables with initialisers; memories; globals with initialisers; exports; start function; element
//! segments; data segments (bytes inline); code. Counts are `u32`, strings are a `u32` length plus UTF-8,
//! constant expressions are a `u32` count of tagged instructions (`v128.const`, tag 13, carries 16 bytes). Each
//! function's code is `num_params: u16`, `num_results: u16`, `num_locals: u32`, `frame_size: u32` (all in
//! 64-bit cells: a `v128` takes two), a `u32` count of code units, zero padding to an even offset, then the
//! units. The image must start at an even address (see [`include_image!`](crate::include_image)).
//!
//! The loader rejects an image with the wrong magic, version or instruction table, a length or checksum that
//! does not match, or a structure that is inconsistent (an index out of range, a count that disagrees, code that
//! fails verification): corrupt images are refused, never executed out of bounds.

mod codec;
mod const_types;
mod read;
mod ref_flow;
#[cfg(feature = "translate")]
mod write;

use alloc::rc::Rc;
use alloc::vec::Vec;
use core::fmt;

use ember_core::{Error, Func, Instance, ModuleInfo, StoreInner};

pub use read::load;
#[cfg(feature = "translate")]
pub use write::{compile, write};

use crate::code::CompiledFunc;
use crate::verify::{VerifiedFunc, VerifyError};

/// The first four bytes of every image.
pub const MAGIC: [u8; 4] = *b"\0ebc";
/// The image format version this build writes and reads.
pub const VERSION: u16 = 1;
/// Size of the fixed header.
pub const HEADER_LEN: usize = 20;
/// Flag bit: the code was compiled with fuel metering (`ConsumeFuel` instructions).
pub const FLAG_FUEL: u16 = 1;

/// The precompiled code of a module loaded from an image, kept in its `ModuleInfo::precompiled`.
#[derive(Debug)]
pub struct Precompiled {
    /// Whether the code meters fuel: it must run in an engine with the same setting.
    pub fuel: bool,
    /// Code of each defined function, in module order (the code itself borrowed from the image).
    pub funcs: Vec<CompiledFunc>,
}

/// Why an image was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageError {
    /// The bytes do not start with [`MAGIC`].
    BadMagic,
    /// The image has another format version.
    UnsupportedVersion(u16),
    /// The image was compiled for an interpreter with a different instruction table.
    WrongInstructionSet {
        /// The image's fingerprint.
        image: u32,
        /// This interpreter's.
        ours: u32,
    },
    /// The image does not start at an even address, so its code cannot be used in place.
    Misaligned,
    /// The length in the header is not the length of the bytes.
    Length {
        /// Length in the header.
        declared: u64,
        /// Length of the bytes given.
        actual: usize,
    },
    /// The checksum does not match the contents.
    Checksum {
        /// CRC-32 in the header.
        declared: u32,
        /// CRC-32 of the bytes.
        actual: u32,
    },
    /// The structure ends early or has a bad value at `offset`.
    Malformed {
        /// Byte offset in the image.
        offset: usize,
        /// What was wrong.
        what: &'static str,
    },
    /// The structure decodes but does not hang together (an index out of range, a count that disagrees).
    Inconsistent(&'static str),
    /// The allocator refused the memory the image's structure needs.
    OutOfMemory,
    /// A function's code failed verification.
    Code {
        /// Module function index.
        func: u32,
        /// Why.
        error: VerifyError,
    },
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageError::BadMagic => f.write_str("not an Ember image (bad magic number)"),
            ImageError::UnsupportedVersion(v) => {
                write!(f, "image format version {v} is not supported (this build reads version {VERSION})")
            }
            ImageError::WrongInstructionSet { image, ours } => write!(
                f,
                "image compiled for another bytecode instruction set ({image:#010x}, this build has {ours:#010x}): \
                 recompile it"
            ),
            ImageError::Misaligned => f.write_str("image is not at an even address (use `include_image!`)"),
            ImageError::Length { declared, actual } => {
                write!(f, "image length mismatch: header says {declared} bytes, got {actual}")
            }
            ImageError::Checksum { declared, actual } => {
                write!(f, "image checksum mismatch: header says {declared:#010x}, contents give {actual:#010x}")
            }
            ImageError::Malformed { offset, what } => write!(f, "malformed image at byte {offset}: {what}"),
            ImageError::Inconsistent(what) => write!(f, "inconsistent image: {what}"),
            ImageError::OutOfMemory => f.write_str("not enough memory to load the image"),
            ImageError::Code { func, error } => write!(f, "invalid code for function {func}: {error}"),
        }
    }
}

#[cfg(feature = "std")]
extern crate std;
#[cfg(feature = "std")]
impl std::error::Error for ImageError {}

impl From<ImageError> for ember_core::Error {
    fn from(e: ImageError) -> ember_core::Error {
        let offset = match e {
            ImageError::Malformed { offset, .. } => offset,
            _ => 0,
        };
        ember_core::Error::Invalid { offset, message: alloc::format!("{e}") }
    }
}

/// CRC-32 (IEEE 802.3, reflected, as zlib computes it). Bitwise: no table in flash.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

/// FNV-1a, usable in constants (the instruction table's fingerprint).
pub const fn fnv1a(bytes: &[u8]) -> u32 {
    let mut hash = 0x811c_9dc5u32;
    let mut i = 0;
    while i < bytes.len() {
        hash = (hash ^ bytes[i] as u32).wrapping_mul(0x0100_0193);
        i += 1;
    }
    hash
}

/// Copies `bytes` into a leaked, suitably aligned allocation: for hosts that read an image from a file and
/// run it for the rest of the process.
pub fn leak_aligned(bytes: &[u8]) -> &'static [u8] {
    let words = alloc::vec![0u32; bytes.len().div_ceil(4)].into_boxed_slice();
    let leaked: &'static mut [u32] = alloc::boxed::Box::leak(words);
    // SAFETY: the allocation is `4 * leaked.len() >= bytes.len()` bytes long, lives forever (leaked) and is
    // not referenced elsewhere; `u8` has no alignment requirement and every bit pattern is valid.
    let view: &'static mut [u8] = unsafe { core::slice::from_raw_parts_mut(leaked.as_mut_ptr().cast(), bytes.len()) };
    view.copy_from_slice(bytes);
    view
}

/// Includes a file as a `&'static [u8]` aligned to 4 bytes, as [`load`] needs for in-place code (plain
/// `include_bytes!` only guarantees byte alignment).
#[macro_export]
macro_rules! include_image {
    ($path:expr) => {{
        #[repr(C, align(4))]
        struct Aligned<T: ?Sized>(T);
        static ALIGNED: &Aligned<[u8]> = &Aligned(*include_bytes!($path));
        &ALIGNED.0
    }};
}

/// Checks verified code for function `index` of `module` against the module: what validation proves of
/// translated code (the `ref_flow` module documents the checks), and with `fuel`, that every loop consumes
/// fuel. The image loader runs it on every function; [`install`](crate::exec::install) on code from elsewhere.
pub fn check_code(module: &ModuleInfo, index: u32, code: &CompiledFunc, fuel: bool) -> Result<(), VerifyError> {
    ref_flow::check(module, index, code, fuel)
}

/// The precompiled code of function `index` (a module index) of `instance`, verified, if its module came
/// from an image: for a function called before its instance was ready (an instantiation that failed after
/// its element segments had put the function in an imported table).
pub(crate) fn precompiled_code(
    store: &StoreInner,
    instance: Instance,
    index: u32,
) -> Option<Result<VerifiedFunc, Error>> {
    let info = store.instances().get(instance.index() as usize)?.module.info();
    let pre = info.precompiled.as_ref()?.downcast_ref::<Precompiled>()?;
    if pre.fuel != store.engine().config().get_consume_fuel() {
        return Some(Err(Error::Unsupported("the image's fuel metering differs from the engine's".into())));
    }
    let code = index.checked_sub(info.num_imported_funcs).and_then(|k| pre.funcs.get(k as usize));
    let Some(code) = code else {
        return Some(Err(Error::Usage(alloc::format!("function {index} has no precompiled code"))));
    };
    Some(VerifiedFunc::new(Rc::new(code.clone())).map_err(|e| Error::from(ImageError::Code { func: index, error: e })))
}

/// Installs the precompiled code of `instance`'s module, if it came from an image (called by the interpreter
/// when an instance is ready, before its start function runs). Each function goes through the verifier again
/// ([`install`](crate::exec::install)); the code itself stays where the image is.
pub(crate) fn install_precompiled(store: &mut StoreInner, instance: Instance) -> Result<(), Error> {
    let Some(inst) = store.instances().get(instance.index() as usize) else {
        return Ok(());
    };
    let module = inst.module.clone();
    let info = module.info();
    let Some(pre) = info.precompiled.as_ref().and_then(|p| p.downcast_ref::<Precompiled>()) else {
        return Ok(());
    };
    if pre.fuel != store.engine().config().get_consume_fuel() {
        return Err(Error::Unsupported(alloc::format!(
            "the image was compiled {} fuel metering, the engine runs {} it: recompile the image{}",
            if pre.fuel { "with" } else { "without" },
            if pre.fuel { "without" } else { "with" },
            if pre.fuel { "" } else { " with --fuel" },
        )));
    }
    let funcs: Vec<Func> = inst.funcs.iter().skip(info.num_imported_funcs as usize).copied().collect();
    for ((index, func), code) in (info.num_imported_funcs..).zip(funcs).zip(&pre.funcs) {
        // Checked against the module when the image was loaded; verified again here (cheap, and the proof
        // the executor takes).
        let code = VerifiedFunc::new(Rc::new(code.clone()))
            .map_err(|e| Error::from(ImageError::Code { func: index, error: e }))?;
        crate::exec::install_verified(store, func, code);
    }
    Ok(())
}
