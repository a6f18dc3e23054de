//! Fuzzing precompiled images (`.ebc`): start from a valid image, change its fields, reseal it (length and
//! CRC-32, so that it gets past the checksum to the structural checks and the verifier), load it, and run what
//! loads. An image is untrusted input on a device: every outcome must be a clean refusal, error or trap.
//!
//! [`fuzz_one`] is the whole harness (the `image` fuzz target and the `image32` driver call it): a seed image
//! ([`seed`]: one of a few hand-written modules, or a wasm-smith module, compiled with fuel metering), 1 to 4
//! field-aware [mutations](mutate), [`seal`], then [`run_image`].

pub mod layout;
pub mod map;
mod mutate;

use std::sync::OnceLock;

use arbitrary::{Result, Unstructured};
use ember::ember_interp::image::{self, ImageError};
use ember::ember_interp::translate::TranslateOptions;
use ember::{Config, Engine, ExternIndex, Instance, Module, Mutability, Store, Val, ValType};

pub use ember::ember_interp::image::HEADER_LEN;
pub use mutate::mutate;

use crate::EmberEngine;
use layout::{Meaning, OPS};

/// Environment variable: images with a function whose `frame_size` is above this many slots load but are not
/// run (`Outcome::NotRun`). For campaigns on code where a known bug with huge frames is not fixed yet, so that
/// they can look for others.
pub const MAX_FRAME_ENV: &str = "EMBER_FUZZ_IMAGE_MAX_FRAME";
/// Environment variable: set to 1, the harness also checks that exported immutable globals keep their values
/// across calls, and panics if one changed (image code can write any global with `GlobalSet` unless the
/// verifier or the loader refuses it).
pub const CONST_GLOBALS_ENV: &str = "EMBER_FUZZ_IMAGE_CONST_GLOBALS";

/// The settings read from the environment, once.
struct Settings {
    max_frame: Option<u32>,
    const_globals: bool,
}

fn settings() -> &'static Settings {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    SETTINGS.get_or_init(|| Settings {
        max_frame: std::env::var(MAX_FRAME_ENV).ok().and_then(|v| v.parse().ok()),
        const_globals: std::env::var(CONST_GLOBALS_ENV).is_ok_and(|v| v == "1"),
    })
}

/// Fuel for instantiation (the start function) and for each call.
const FUEL: u64 = 100_000;
/// Exported functions called per image, at most.
const MAX_CALLS: usize = 8;

/// Hand-written modules the seeds are compiled from: calls, `call_indirect`, tables and element segments,
/// mutable and immutable globals, memory and data segments, loops, `br_table`, multiple results, many locals.
pub const SEED_MODULES: &[&str] = &[
    r#"(module
  (type $un (func (param i32) (result i32)))
  (memory (export "mem") 1 2)
  (table $t 4 8 funcref)
  (global $counter (mut i32) (i32.const 0))
  (global $fixed (export "fixed") i32 (i32.const 42))
  (global $wide (mut i64) (i64.const -1))
  (elem (i32.const 1) $double $square)
  (elem $spare func $double $square)
  (data (i32.const 16) "hello, image")
  (data $later "passive bytes")
  (func $double (type $un) (i32.add (local.get 0) (local.get 0)))
  (func $square (type $un) (i32.mul (local.get 0) (local.get 0)))
  (func $init (global.set $counter (global.get $fixed)))
  (start $init)
  (func (export "apply") (param i32 i32) (result i32)
    (call_indirect (type $un) (local.get 1) (local.get 0)))
  (func (export "twice") (param i32) (result i32)
    (call $double (call $square (local.get 0))))
  (func (export "bump") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter))
  (func (export "sum_bytes") (param i32 i32) (result i32) (local $acc i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get 1)))
      (local.set $acc (i32.add (local.get $acc) (i32.load8_u (local.get 0))))
      (local.set 0 (i32.add (local.get 0) (i32.const 1)))
      (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
      (br $next)))
    (local.get $acc))
  (func (export "tables") (param i32) (result i32)
    (table.set $t (i32.const 0) (ref.func $double))
    (drop (table.grow $t (ref.null func) (local.get 0)))
    (table.fill $t (i32.const 0) (ref.func $square) (i32.const 1))
    (table.copy $t $t (i32.const 2) (i32.const 0) (i32.const 1))
    (table.init $t $spare (i32.const 0) (i32.const 0) (i32.const 2))
    (elem.drop $spare)
    (i32.add (table.size $t) (call_indirect (type $un) (i32.const 5) (i32.const 2))))
  (func (export "memory") (param i32) (result i32)
    (memory.init $later (i32.const 100) (i32.const 0) (i32.const 13))
    (data.drop $later)
    (memory.fill (i32.const 200) (local.get 0) (i32.const 16))
    (memory.copy (i32.const 300) (i32.const 100) (i32.const 13))
    (i64.store offset=70000 (i32.const 0) (global.get $wide))
    (drop (memory.grow (i32.const 1)))
    (i32.add (memory.size) (i32.load8_u (i32.const 300)))))"#,
    r#"(module
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func $pair (param i64 i64) (result i64 i64 i64) (local.get 1) (local.get 0) (i64.add (local.get 0) (local.get 1)))
  (func (export "swap") (param i64 i64) (result i64)
    (call $pair (local.get 0) (local.get 1)) (drop) (i64.sub))
  (func (export "switch") (param i32) (result i32)
    (block $c (block $b (block $a
      (br_table $a $b $c (local.get 0)))
      (return (i32.const 10)))
      (return (i32.const 20)))
    (i32.const 30))
  (func (export "locals") (param f64) (result f64)
    (local i32 i64 f32 f64 i32 i64 f32 f64 i32 i64 f32 f64)
    (local.set 4 (f64.mul (local.get 0) (f64.const 2.5)))
    (local.set 8 (f64.sqrt (local.get 4)))
    (local.set 3 (f32.demote_f64 (local.get 8)))
    (f64.add (local.get 8) (f64.promote_f32 (local.get 3))))
  (func (export "deep") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call 5 (i32.sub (local.get 0) (i32.const 1))))))))"#,
];

/// Recomputes the total length and the CRC-32 in `image`'s header from its contents, so that the loader gets
/// past them to the structural checks. Does nothing to an image shorter than the header.
pub fn seal(image: &mut [u8]) {
    if image.len() < HEADER_LEN {
        return;
    }
    let len = image.len() as u32;
    image[12..16].copy_from_slice(&len.to_le_bytes());
    let crc = image::crc32(&image[HEADER_LEN..]);
    image[16..20].copy_from_slice(&crc.to_le_bytes());
}

/// An engine running the interpreter with fuel metering and small store limits (64 pages, 10 000 table
/// elements, a call depth of 1000).
fn engine() -> Engine {
    let mut config = Config::new();
    config.consume_fuel(true).limits(EmberEngine::small_limits(64, 10_000, 1000));
    Engine::interpreter(&config)
}

/// The image of `wasm`, compiled with fuel metering.
pub fn compile(wasm: &[u8]) -> Option<Vec<u8>> {
    let module = Module::new(&engine(), wasm).ok()?;
    image::compile(module.info(), &TranslateOptions { fuel: true, profile: false }).ok()
}

/// The images of [`SEED_MODULES`], compiled once.
pub fn seed_images() -> &'static [Vec<u8>] {
    static IMAGES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    IMAGES.get_or_init(|| {
        SEED_MODULES
            .iter()
            .map(|text| compile(&wat::parse_str(text).expect("seed modules parse")).expect("seed modules compile"))
            .collect()
    })
}

/// A valid image: one of [`seed_images`] (in half of the inputs) or a wasm-smith module's (with at least one
/// function, every item exported), as the input says.
pub fn seed(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    let seeds = seed_images();
    let pick = u.int_in_range(0..=seeds.len() * 2 - 1)?;
    if let Some(image) = seeds.get(pick) {
        return Ok(image.clone());
    }
    let mut config = crate::ember_config(u, false)?;
    config.export_everything = true;
    config.min_funcs = config.min_funcs.max(1);
    config.max_funcs = config.max_funcs.max(1);
    let wasm = crate::module_from_config(u, config, true)?;
    compile(&wasm).ok_or(arbitrary::Error::IncorrectFormat)
}

/// What became of an image.
#[derive(Debug)]
pub enum Outcome {
    /// The loader refused it.
    Refused(ImageError),
    /// It loaded, but its code could loop without consuming fuel, so it was not run (see [`meters_fuel`]).
    NotRun,
    /// It loaded and instantiation failed (the start function trapped, a segment did not fit, a limit...).
    InstantiationFailed(String),
    /// It loaded and instantiated, and the exported functions were called.
    Ran {
        /// Calls made.
        calls: usize,
        /// Calls that ended in an error (a trap, usually).
        errors: usize,
    },
}

/// The whole harness on fuzzer bytes: a [`seed`], [`mutate`]d, [`seal`]ed, and [`run_image`]. `None` if the
/// bytes ran out before an image was made.
pub fn fuzz_one(data: &[u8]) -> Option<Outcome> {
    let mut u = Unstructured::new(data);
    let mut image = seed(&mut u).ok()?;
    let _ = mutate(&mut image, &mut u);
    seal(&mut image);
    Some(run_image(&image, &mut u))
}

/// Loads `bytes` as an image; if it loads and [`meters_fuel`], instantiates it (no imports) under fuel and small
/// limits and calls up to 8 exported functions with zero or arbitrary arguments (from `u`), each with fresh fuel.
/// Any error is a fine outcome; what must not happen is a panic or a memory error.
pub fn run_image(bytes: &[u8], u: &mut Unstructured<'_>) -> Outcome {
    // The loader needs an even address and a `'static` borrow; a `u32` buffer gives the alignment.
    let mut words = vec![0u32; bytes.len().div_ceil(4)];
    // SAFETY: `words` holds `4 * words.len() >= bytes.len()` initialised bytes, and `u8` has no alignment
    // requirement.
    let buf: &mut [u8] = unsafe { std::slice::from_raw_parts_mut(words.as_mut_ptr().cast(), bytes.len()) };
    buf.copy_from_slice(bytes);
    // SAFETY: the `'static` borrow does not outlive `words`: `run_loaded` keeps everything that borrows the
    // image (the module, the engine, the store and its instances) in its own locals, which are dropped before it
    // returns, and returns nothing that borrows it (`ImageError` holds only string literals). `words` is not
    // touched until then.
    let image: &'static [u8] = unsafe { std::slice::from_raw_parts(words.as_ptr().cast(), bytes.len()) };
    let outcome = run_loaded(image, u);
    drop(words);
    outcome
}

fn run_loaded(image: &'static [u8], u: &mut Unstructured<'_>) -> Outcome {
    let module = match image::load(image) {
        Ok(module) => module,
        Err(e) => return Outcome::Refused(e),
    };
    if !meters_fuel(image) || settings().max_frame.is_some_and(|max| max_frame(image) > max) {
        return Outcome::NotRun;
    }
    let engine = engine();
    let mut store = Store::new(&engine, ());
    store.set_fuel(FUEL).expect("fuel is on");
    let instance = match Instance::new(&mut store, &module, &[]) {
        Ok(instance) => instance,
        Err(e) => return Outcome::InstantiationFailed(e.to_string()),
    };
    let info = module.info();
    let constants: Vec<(&str, Val)> = match settings().const_globals {
        true => info
            .exports
            .iter()
            .filter(|e| matches!(e.index, ExternIndex::Global(g) if info.globals.get(g as usize).is_some_and(|t| t.mutability == Mutability::Const)))
            .filter_map(|e| Some((e.name.as_str(), instance.get_global(&store, &e.name)?.get(&store))))
            .collect(),
        false => Vec::new(),
    };
    let (mut calls, mut errors) = (0, 0);
    for export in info.exports.iter().take(MAX_CALLS) {
        let ExternIndex::Func(index) = export.index else { continue };
        let Some(ty) = info.func_type(index) else { continue };
        let Some(func) = instance.get_func(&store, &export.name) else { continue };
        let zero = u.ratio(1, 2).unwrap_or(true);
        let args: Vec<Val> = ty.params().iter().map(|&t| arg(u, t, zero)).collect();
        store.set_fuel(FUEL).expect("fuel is on");
        calls += 1;
        if func.call_to_vec(&mut store, &args).is_err() {
            errors += 1;
        }
        for (name, before) in &constants {
            let now = instance.get_global(&store, name).map(|g| g.get(&store));
            // Compared as bits: a NaN equals itself.
            if now.map(|v| val_bits(&v)) != Some(val_bits(before)) {
                panic!("immutable global {name:?} changed from {before:?} to {now:?} in a call to {:?}", export.name);
            }
        }
    }
    Outcome::Ran { calls, errors }
}

/// The largest `frame_size` of the image's functions (0 if it does not decode).
fn max_frame(image: &[u8]) -> u32 {
    let Some(m) = map::map(image) else { return 0 };
    m.funcs.iter().map(|f| map::get32(image, f.header + map::header::FRAME_SIZE)).max().unwrap_or(0)
}

/// A value's bits, for comparing globals (references by their presence only).
fn val_bits(v: &Val) -> u128 {
    match *v {
        Val::I32(x) => x as u32 as u128,
        Val::I64(x) => x as u64 as u128,
        Val::F32(x) => x.into(),
        Val::F64(x) => x.into(),
        Val::V128(x) => x,
        Val::FuncRef(f) => u128::from(f.is_some()),
        Val::ExternRef(r) => u128::from(r.is_some()),
    }
}

/// An argument of type `ty`: zero, or arbitrary bits from `u` (references are null).
fn arg(u: &mut Unstructured<'_>, ty: ValType, zero: bool) -> Val {
    if zero {
        return Val::default_for(ty);
    }
    match ty {
        ValType::I32 => Val::I32(u.arbitrary().unwrap_or(0)),
        ValType::I64 => Val::I64(u.arbitrary().unwrap_or(0)),
        ValType::F32 => Val::F32(u.arbitrary().unwrap_or(0)),
        ValType::F64 => Val::F64(u.arbitrary().unwrap_or(0)),
        other => Val::default_for(other),
    }
}

/// Whether every loop of `image`'s code consumes fuel, so that running it under fuel ends: each function
/// starts with a `ConsumeFuel` of a positive amount, and every branch that does not go forward lands on one.
/// Images from [`compile`] (fuel metering on) pass; mutations can take the metering out, and a loop without it
/// would hang the fuzzer (legitimately: the image asked for it).
pub fn meters_fuel(image: &[u8]) -> bool {
    let Some(m) = map::map(image) else { return false };
    let consume = layout::opcode("ConsumeFuel");
    let br_table = layout::opcode("BrTable");
    for f in &m.funcs {
        let Some(instrs) = map::instructions(image, f) else { return false };
        let word = |pc: usize| u32::from(map::unit(image, f, pc)) | u32::from(map::unit(image, f, pc + 1)) << 16;
        let fuel_at =
            |pc: i64| instrs.iter().any(|i| i.pc as i64 == pc && Some(i.opcode) == consume && word(i.pc + 1) > 0);
        if !fuel_at(0) {
            return false;
        }
        for i in &instrs {
            let layout = &OPS[usize::from(i.opcode)];
            let mut at = i.pc + 1;
            let mut offsets = Vec::new();
            for field in layout.fields {
                if field.meaning == Meaning::Branch {
                    offsets.push(match field.encoding.units() {
                        1 => i64::from(map::unit(image, f, at) as i16),
                        _ => i64::from(word(at) as i32),
                    });
                }
                at += field.encoding.units();
            }
            if Some(i.opcode) == br_table {
                while at + 1 < i.pc + i.units {
                    offsets.push(i64::from(word(at) as i32));
                    at += 2;
                }
            }
            if offsets.iter().any(|&o| o <= 0 && !fuel_at(i.pc as i64 + o)) {
                return false;
            }
        }
    }
    true
}
