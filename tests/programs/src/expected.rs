//! Results of the `miniz_oxide` exports, recorded from a native run: `(len, compress_roundtrip(len),
//! compress_levels(len))`.
//!
//! Ember's `tests/programs.rs` includes this file (its crate does not depend on `miniz_oxide`, so it cannot
//! compute these itself); the fixture's own native test (`cargo test` in tests/programs) checks the table
//! against `miniz_oxide`, so a change of the kernels or of the `miniz_oxide` version that alters them fails
//! there and the table is regenerated with `cargo test -- --nocapture`.
pub const COMPRESS: [(i32, i32, i32); 5] =
    [(0, 8, 0x20002), (1, 9, 0x30003), (1000, 327, 0x24e023c), (4096, 966, 0x81d078e), (20000, 4030, 0x25ee21b3)];
