//! The image harness: seeds load and run, the map finds every field, and crafted images (huge frame sizes)
//! end cleanly.

use arbitrary::Unstructured;
use ember_fuzz::image::map::{self, header, put};
use ember_fuzz::image::{fuzz_one, meters_fuel, run_image, seal, seed_images, Outcome};

#[test]
fn seeds_load_and_run() {
    for image in seed_images() {
        assert!(meters_fuel(image));
        let m = map::map(image).expect("a compiled image decodes");
        assert!(!m.funcs.is_empty());
        for f in &m.funcs {
            map::instructions(image, f).expect("compiled code is whole instructions");
        }
        match run_image(image, &mut Unstructured::new(&[])) {
            Outcome::Ran { calls, .. } => assert!(calls > 0),
            other => panic!("a seed image did not run: {other:?}"),
        }
    }
}

#[test]
fn sealing_keeps_an_image_loadable() {
    let mut image = seed_images()[0].clone();
    image[30] ^= 0; // unchanged contents, header recomputed
    seal(&mut image);
    assert_eq!(&image, &seed_images()[0]);
}

/// Each function of each seed in turn gets `frame_size` (and `num_locals`) set to sizes that wrap a 32-bit
/// `base + frame_size`; the image must be refused, or run into a clean error or trap.
#[test]
fn huge_frame_sizes_end_cleanly() {
    for (s, seed) in seed_images().iter().enumerate() {
        let m = map::map(seed).unwrap();
        for (i, f) in m.funcs.iter().enumerate() {
            for (frame, locals) in [
                (0xffff_ffff, None),
                (0xffff_ffff, Some(0x1000_0000)),
                (0x8000_0000, None),
                (0x1_0000, None),
                (0xffff, None),
            ] {
                let mut image = seed.clone();
                put(&mut image, f.header + header::FRAME_SIZE, 4, frame);
                if let Some(locals) = locals {
                    put(&mut image, f.header + header::NUM_LOCALS, 4, locals);
                }
                seal(&mut image);
                let outcome = run_image(&image, &mut Unstructured::new(&[]));
                println!("seed {s} function {i} frame_size {frame:#x} num_locals {locals:?}: {outcome:?}");
            }
        }
    }
}

/// The smallest case: `caller` calls `callee` with an argument (so the callee's frame starts above slot 0),
/// and `callee`'s `frame_size` is 0xFFFF_FFFF. With a 32-bit `usize`, `base + frame_size` wraps below the
/// value stack's length, and a loader that lets the size through has the executor use slots outside the stack.
/// The image must be refused, or the call must trap.
#[test]
fn frame_size_that_wraps_a_32_bit_usize_is_caught() {
    let wasm = wat::parse_str(
        r#"(module
          (func $callee (param i32) (result i32) (local i64 i64) (i32.add (local.get 0) (i32.const 1)))
          (func (export "caller") (param i32) (result i32) (i32.mul (local.get 0) (call $callee (local.get 0)))))"#,
    )
    .unwrap();
    let seed = ember_fuzz::image::compile(&wasm).unwrap();
    let callee = map::map(&seed).unwrap().funcs[0];
    for locals in [None, Some(0x1000_0000u64)] {
        let mut image = seed.clone();
        put(&mut image, callee.header + header::FRAME_SIZE, 4, 0xffff_ffff);
        if let Some(locals) = locals {
            put(&mut image, callee.header + header::NUM_LOCALS, 4, locals);
        }
        seal(&mut image);
        match run_image(&image, &mut Unstructured::new(&[])) {
            Outcome::Refused(_) => {}
            Outcome::Ran { calls: 1, errors: 1 } => {}
            other => panic!("a frame of 0xFFFF_FFFF slots ran: {other:?}"),
        }
    }
}

/// The `image` target's findings (`fuzz/regressions/image/`), replayed.
#[test]
fn regression_inputs_end_cleanly() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../regressions/image");
    for entry in std::fs::read_dir(dir).expect("fuzz/regressions/image") {
        let path = entry.unwrap().path();
        let outcome = fuzz_one(&std::fs::read(&path).unwrap());
        println!("{}: {outcome:?}", path.display());
    }
}

#[test]
fn mutated_images_end_cleanly() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut data = vec![0u8; 256];
    let mut outcomes = [0usize; 4];
    for _ in 0..500 {
        for b in &mut data {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *b = state as u8;
        }
        match fuzz_one(&data) {
            Some(Outcome::Refused(_)) => outcomes[0] += 1,
            Some(Outcome::NotRun) => outcomes[1] += 1,
            Some(Outcome::InstantiationFailed(_)) => outcomes[2] += 1,
            Some(Outcome::Ran { .. }) => outcomes[3] += 1,
            None => {}
        }
    }
    println!("refused, not run, instantiation failed, ran: {outcomes:?}");
    assert!(outcomes[3] > 0);
}
