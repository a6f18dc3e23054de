//! Precompiled images: the same results as the wasm they came from, and clean refusal of corrupt images.

use std::sync::mpsc;
use std::time::Duration;

use ember::{Config, Engine, Func, Global, GlobalType, Linker, Module, Mutability, Store, Val, ValType};
use ember_interp::image::{self, ImageError};
use ember_interp::translate::TranslateOptions;

static PROGRAMS: &[u8] = include_bytes!("programs/ember_test_programs.wasm");

/// Compiles `wasm` into an image and loads it from a leaked, aligned copy (as a device would from flash).
fn image_of(wasm: &[u8], fuel: bool) -> (Vec<u8>, Module) {
    let engine = Engine::new(Config::new().consume_fuel(fuel));
    let module = Module::new(&engine, wasm).expect("valid module");
    let bytes = image::compile(module.info(), &TranslateOptions { fuel, profile: false }).expect("compiles");
    let loaded = image::load(image::leak_aligned(&bytes)).expect("a fresh image loads");
    (bytes, loaded)
}

#[test]
fn compiled_rust_gives_the_same_results_from_an_image() {
    let (bytes, from_image) = image_of(PROGRAMS, false);
    println!("image: {} bytes for {} bytes of wasm", bytes.len(), PROGRAMS.len());
    let engine = Engine::default();
    let from_wasm = Module::new(&engine, PROGRAMS).expect("valid");
    let mut results = Vec::new();
    for module in [&from_wasm, &from_image] {
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, module).expect("no imports");
        let mut out = Vec::new();
        for (name, arg) in [("sha256_bench", 3), ("sort_bench", 300), ("crc32", 5000), ("format_text", 12)] {
            let f = instance.get_typed_func::<i32, i32>(&store, name).expect("kernel export");
            out.push(f.call(&mut store, arg).expect("no trap"));
        }
        results.push(out);
    }
    assert_eq!(results[0], results[1]);
}

/// A module using every section an image carries: imports of each kind, a table with elements, a memory
/// with active and passive data, mutable globals, a start function, names.
const FULL: &str = r#"(module $full
  (import "env" "log" (func $log (param i32)))
  (import "env" "base" (global $base i32))
  (type $un (func (param i32) (result i32)))
  (memory (export "mem") 1 2)
  (table 4 funcref)
  (global $counter (mut i32) (i32.const 0))
  (global $scaled i64 (i64.const 21))
  (elem (i32.const 1) $double $square)
  (elem $spare func $double)
  (data (i32.const 16) "hello, image")
  (data $later "passive bytes")
  (func $double (type $un) (i32.add (local.get 0) (local.get 0)))
  (func $square (type $un) (i32.mul (local.get 0) (local.get 0)))
  (func $init (global.set $counter (global.get $base)))
  (start $init)
  (func (export "apply") (param i32 i32) (result i32)
    (call_indirect (type $un) (local.get 1) (local.get 0)))
  (func (export "sum_bytes") (param i32 i32) (result i32) (local $acc i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get 1)))
      (local.set $acc (i32.add (local.get $acc) (i32.load8_u (local.get 0))))
      (local.set 0 (i32.add (local.get 0) (i32.const 1)))
      (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
      (br $next)))
    (local.get $acc))
  (func (export "bump") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (call $log (global.get $counter))
    (global.get $counter))
  (func (export "init_later") (result i32)
    (memory.init $later (i32.const 100) (i32.const 0) (i32.const 13))
    (i32.load8_u (i32.const 100)))
  (func (export "scaled") (result i64) (global.get $scaled)))"#;

/// Instantiates `module` with the imports [`FULL`] needs and calls every export; the results in order, or
/// the first error's text.
fn exercise(engine: &Engine, module: &Module) -> Result<Vec<String>, String> {
    let mut store = Store::new(engine, 0i32);
    let mut linker = Linker::new(engine);
    let log = Func::wrap(&mut store, |mut caller: ember::Caller<'_, i32>, v: i32| *caller.data_mut() += v);
    let base =
        Global::new(&mut store, GlobalType { content: ValType::I32, mutability: Mutability::Const }, Val::I32(40))
            .map_err(|e| e.to_string())?;
    linker.define("env", "log", log).map_err(|e| e.to_string())?;
    linker.define("env", "base", base).map_err(|e| e.to_string())?;
    if engine.config().get_consume_fuel() {
        store.set_fuel(10_000).map_err(|e| e.to_string())?;
    }
    let instance = linker.instantiate(&mut store, module).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (name, args) in [
        ("apply", vec![Val::I32(1), Val::I32(21)]),
        ("apply", vec![Val::I32(2), Val::I32(9)]),
        ("apply", vec![Val::I32(3), Val::I32(9)]),
        ("sum_bytes", vec![Val::I32(16), Val::I32(12)]),
        ("bump", vec![]),
        ("bump", vec![]),
        ("init_later", vec![]),
        ("scaled", vec![]),
    ] {
        let func = instance.get_func(&store, name).ok_or_else(|| format!("no export {name}"))?;
        match func.call_to_vec(&mut store, &args) {
            Ok(results) => out.push(format!("{name} = {results:?}")),
            Err(e) => out.push(format!("{name} failed: {e}")),
        }
    }
    out.push(format!("logged {}", store.data()));
    Ok(out)
}

#[test]
fn every_section_round_trips() {
    let wasm = wat::parse_str(FULL).expect("valid text");
    for fuel in [false, true] {
        let engine = Engine::new(Config::new().consume_fuel(fuel));
        let (bytes, from_image) = image_of(&wasm, fuel);
        let from_wasm = Module::new(&engine, &wasm).expect("valid");
        let expected = exercise(&engine, &from_wasm).expect("runs");
        assert_eq!(exercise(&engine, &from_image).expect("runs"), expected);
        assert!(expected.iter().any(|line| line == "apply = [I32(42)]"), "{expected:?}");
        assert!(expected.iter().any(|line| line.contains("uninitialized element")), "{expected:?}");
        assert_eq!(from_image.info().func_name(1), Some("double"));
        assert!(bytes.len() < 1024, "{} bytes", bytes.len());
    }
}

#[test]
fn wrong_header_fields_are_named() {
    let wasm = wat::parse_str(FULL).expect("valid text");
    let (bytes, _) = image_of(&wasm, false);
    let load = |b: &[u8]| image::load(image::leak_aligned(b)).map(|_| ());
    let mut bad = bytes.clone();
    bad[0] = b'x';
    assert_eq!(load(&bad), Err(ImageError::BadMagic));
    let mut bad = bytes.clone();
    bad[4] = 9;
    assert_eq!(load(&bad), Err(ImageError::UnsupportedVersion(9)));
    let mut bad = bytes.clone();
    bad[8] ^= 1;
    assert!(matches!(load(&bad), Err(ImageError::WrongInstructionSet { .. })));
    assert!(matches!(load(&bytes[..bytes.len() - 1]), Err(ImageError::Length { .. })));
    let mut bad = bytes.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0x40;
    assert!(matches!(load(&bad), Err(ImageError::Checksum { .. })));
    // An odd address cannot hold code in place.
    let mut shifted = vec![0u8];
    shifted.extend_from_slice(&bytes);
    let shifted = image::leak_aligned(&shifted);
    assert_eq!(image::load(&shifted[1..]).map(|_| ()), Err(ImageError::Misaligned));
    // Fuel settings must agree.
    let engine = Engine::new(Config::new().consume_fuel(true));
    let module = image::load(image::leak_aligned(&bytes)).expect("loads");
    let err = exercise(&engine, &module).expect_err("fuel mismatch");
    assert!(err.contains("fuel metering"), "{err}");
}

/// Deterministic pseudo-random numbers (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Rewrites the header's length and checksum after a mutation, so that the structure checks are what stands
/// between the corruption and the executor.
fn reseal(bytes: &mut [u8]) {
    if bytes.len() >= image::HEADER_LEN {
        let len = bytes.len() as u32;
        bytes[12..16].copy_from_slice(&len.to_le_bytes());
        let crc = image::crc32(&bytes[image::HEADER_LEN..]);
        bytes[16..20].copy_from_slice(&crc.to_le_bytes());
    }
}

/// Corrupts images thousands of ways: every one is refused with an error, or loads and then runs (with fuel)
/// to results or traps. Nothing panics, and (under the verifier) nothing executes out of bounds.
#[test]
fn corrupted_images_are_refused_or_run_safely() {
    let wasm = wat::parse_str(FULL).expect("valid text");
    let (original, _) = image_of(&wasm, true);
    let engine = Engine::new(Config::new().consume_fuel(true));
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut refused, mut ran, mut timed_out) = (0, 0, 0);
    let mut refused_by_checksum = 0;
    let iterations = if cfg!(debug_assertions) { 3000 } else { 20_000 };
    for i in 0..iterations {
        let mut bytes = original.clone();
        match rng.below(4) {
            0 => {
                let at = rng.below(bytes.len());
                bytes[at] ^= 1 << rng.below(8);
            }
            1 => {
                for _ in 0..1 + rng.below(8) {
                    let at = rng.below(bytes.len());
                    bytes[at] = rng.next() as u8;
                }
            }
            2 => bytes.truncate(rng.below(bytes.len())),
            _ => {
                let at = rng.below(bytes.len());
                bytes.insert(at, rng.next() as u8);
            }
        }
        // Half keep their stale checksum, half are resealed to reach the structure checks.
        let resealed = i % 2 == 1;
        if resealed {
            reseal(&mut bytes);
        }
        match image::load(image::leak_aligned(&bytes)) {
            Err(e) => {
                refused += 1;
                refused_by_checksum += usize::from(matches!(e, ImageError::Checksum { .. }));
                assert!(!e.to_string().is_empty());
            }
            Ok(module) => {
                // Run in a thread: a mutation may legitimately turn a loop into an endless one.
                let engine = engine.clone();
                let (tx, rx) = mpsc::channel();
                std::thread::spawn(move || {
                    let _ = tx.send(exercise(&engine, &module).map(|_| ()));
                });
                match rx.recv_timeout(Duration::from_secs(5)) {
                    Ok(_) => ran += 1,
                    Err(mpsc::RecvTimeoutError::Timeout) => timed_out += 1,
                    Err(mpsc::RecvTimeoutError::Disconnected) => panic!("mutation {i} panicked while running"),
                }
            }
        }
    }
    println!("{iterations} corrupted images: {refused} refused ({refused_by_checksum} by checksum), {ran} ran, {timed_out} still running");
    assert!(refused > iterations / 2);
    assert!(timed_out <= 2);
}
