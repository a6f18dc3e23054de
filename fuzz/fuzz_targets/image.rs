//! Precompiled images from valid ones, mutated field by field (frame sizes, locals, parameters, slot operands,
//! branch offsets, indices, opcodes, code lengths, counts; instructions inserted and deleted), resealed with
//! the right length and CRC-32 so that they reach the structural checks and the verifier, then loaded and, when
//! they load, instantiated and run under fuel and small limits. Every outcome must be a clean refusal, error or
//! trap. Build it for `i686-unknown-linux-gnu` too: frame arithmetic that only wraps with a 32-bit `usize`
//! stays invisible on x86-64 (see docs/fuzzing.md).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ember_fuzz::image::fuzz_one(data);
});
