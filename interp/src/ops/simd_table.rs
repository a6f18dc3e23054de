//! The SIMD part of the instruction table (see [`for_each_op!`](crate::for_each_op)): instructions on `v128`
//! values, built with the `simd` feature only. They are numbered after every other instruction, so the other
//! opcodes are the same with and without the feature, and a build without it pays nothing for them.

/// Invokes `__ops_by_feature!` with the instruction table: `$main` (every build) and the SIMD instructions
/// (`simd` feature). Used by [`for_each_op!`](crate::for_each_op).
#[doc(hidden)]
#[macro_export]
macro_rules! for_each_simd_op {
    ($mac:ident [$($main:tt)*]) => {
        $crate::__ops_by_feature! {
            $mac
            [all()] { $($main)* }
            [feature = "simd"] {
                // ---- SIMD (the `simd` feature): 128-bit values in two cells ----
                // Memory accesses: `ea` is `s[addr] as u32 + offset`; an access past the end of memory 0 traps.
                /// `s[dst..dst+2]` = 16 bytes, from `ea`
                V128Load { dst: WideSlot, addr: Slot, offset: u32 }
                /// `s[dst..dst+2]` = 8 i8s, each sign-extended to 16 bits, from `ea`
                V128Load8x8S { dst: WideSlot, addr: Slot, offset: u32 }
                /// `s[dst..dst+2]` = 8 u8s, each zero-extended to 16 bits, from `ea`
                V128Load8x8U { dst: WideSlot, addr: Slot, offset: u32 }
                /// `s[dst..dst+2]` = 4 i16s, each sign-extended to 32 bits, from `ea`
                V128Load16x4S { dst: WideSlot, addr: Slot, offset: u32 }
                /// `s[dst..dst+2]` = 4 u16s, each zero-extended to 32 bits, from `ea`
                V128Load16x4U { dst: WideSlot, addr: Slot, offset: u32 }
                /// `s[dst..dst+2]` = 2 i32s, each sign-extended to 64 bits, from `ea`
                V128Load32x2S { dst: WideSlot, addr: Slot, offset: u32 }
                /// `s[dst..dst+2]` = 2 u32s, each zero-extended to 64 bits, from `ea`
                V128Load32x2U { dst: WideSlot, addr: Slot, offset: u32 }
                /// `s[dst..dst+2]` = 1 byte in every lane, from `ea`
                V128Load8Splat { dst: WideSlot, addr: Slot, offset: u32 }
                /// `s[dst..dst+2]` = 2 bytes in every lane, from `ea`
                V128Load16Splat { dst: WideSlot, addr: Slot, offset: u32 }
                /// `s[dst..dst+2]` = 4 bytes in every lane, from `ea`
                V128Load32Splat { dst: WideSlot, addr: Slot, offset: u32 }
                /// `s[dst..dst+2]` = 8 bytes in every lane, from `ea`
                V128Load64Splat { dst: WideSlot, addr: Slot, offset: u32 }
                /// `s[dst..dst+2]` = 4 bytes in lane 0, zeros above, from `ea`
                V128Load32Zero { dst: WideSlot, addr: Slot, offset: u32 }
                /// `s[dst..dst+2]` = 8 bytes in lane 0, zeros above, from `ea`
                V128Load64Zero { dst: WideSlot, addr: Slot, offset: u32 }
                /// the 16 bytes at `ea` = `s[src..src+2]`
                V128Store { addr: Slot, src: WideSlot, offset: u32 }
                /// `s[dst..dst+2]` = `s[src..src+2]` with lane `lane` replaced by the 8 bits at `ea`
                V128Load8Lane { dst: WideSlot, addr: Slot, src: WideSlot, offset: u32, lane: u16 }
                /// `s[dst..dst+2]` = `s[src..src+2]` with lane `lane` replaced by the 16 bits at `ea`
                V128Load16Lane { dst: WideSlot, addr: Slot, src: WideSlot, offset: u32, lane: u16 }
                /// `s[dst..dst+2]` = `s[src..src+2]` with lane `lane` replaced by the 32 bits at `ea`
                V128Load32Lane { dst: WideSlot, addr: Slot, src: WideSlot, offset: u32, lane: u16 }
                /// `s[dst..dst+2]` = `s[src..src+2]` with lane `lane` replaced by the 64 bits at `ea`
                V128Load64Lane { dst: WideSlot, addr: Slot, src: WideSlot, offset: u32, lane: u16 }
                /// the 8-bit lane `lane` of `s[src..src+2]` stored at `ea`
                V128Store8Lane { addr: Slot, src: WideSlot, offset: u32, lane: u16 }
                /// the 16-bit lane `lane` of `s[src..src+2]` stored at `ea`
                V128Store16Lane { addr: Slot, src: WideSlot, offset: u32, lane: u16 }
                /// the 32-bit lane `lane` of `s[src..src+2]` stored at `ea`
                V128Store32Lane { addr: Slot, src: WideSlot, offset: u32, lane: u16 }
                /// the 64-bit lane `lane` of `s[src..src+2]` stored at `ea`
                V128Store64Lane { addr: Slot, src: WideSlot, offset: u32, lane: u16 }
                /// byte `i` of the result is byte `lanes[i]` of the 32 bytes `lhs ++ rhs` (`lanes` is 16 bytes: `lanes_low`, `lanes_high`)
                I8x16Shuffle { dst: WideSlot, lhs: WideSlot, rhs: WideSlot, lanes_low: u64, lanes_high: u64 }
                /// `s[dst]` = the i8 lane `lane`, sign-extended to i32 of `s[src..src+2]`
                I8x16ExtractLaneS { dst: Slot, src: WideSlot, lane: u16 }
                /// `s[dst]` = the u8 lane `lane`, zero-extended of `s[src..src+2]`
                I8x16ExtractLaneU { dst: Slot, src: WideSlot, lane: u16 }
                /// `s[dst]` = the i16 lane `lane`, sign-extended to i32 of `s[src..src+2]`
                I16x8ExtractLaneS { dst: Slot, src: WideSlot, lane: u16 }
                /// `s[dst]` = the u16 lane `lane`, zero-extended of `s[src..src+2]`
                I16x8ExtractLaneU { dst: Slot, src: WideSlot, lane: u16 }
                /// `s[dst]` = the 32-bit lane `lane` (also `f32x4`) of `s[src..src+2]`
                I32x4ExtractLane { dst: Slot, src: WideSlot, lane: u16 }
                /// `s[dst]` = the 64-bit lane `lane` (also `f64x2`) of `s[src..src+2]`
                I64x2ExtractLane { dst: Slot, src: WideSlot, lane: u16 }
                /// `s[dst..dst+2]` = `s[src..src+2]` with 8-bit lane `lane` replaced by the low bits of `s[value]`
                I8x16ReplaceLane { dst: WideSlot, src: WideSlot, value: Slot, lane: u16 }
                /// `s[dst..dst+2]` = `s[src..src+2]` with 16-bit lane `lane` replaced by the low bits of `s[value]`
                I16x8ReplaceLane { dst: WideSlot, src: WideSlot, value: Slot, lane: u16 }
                /// `s[dst..dst+2]` = `s[src..src+2]` with 32-bit lane `lane` replaced by the low bits of `s[value]`
                I32x4ReplaceLane { dst: WideSlot, src: WideSlot, value: Slot, lane: u16 }
                /// `s[dst..dst+2]` = `s[src..src+2]` with 64-bit lane `lane` replaced by the low bits of `s[value]`
                I64x2ReplaceLane { dst: WideSlot, src: WideSlot, value: Slot, lane: u16 }
                /// `s[dst..dst+2]` = the low 8 bits of `s[src]` in every lane
                I8x16Splat { dst: WideSlot, src: Slot }
                /// `s[dst..dst+2]` = the low 16 bits of `s[src]` in every lane
                I16x8Splat { dst: WideSlot, src: Slot }
                /// `s[dst..dst+2]` = the low 32 bits of `s[src]` in every lane
                I32x4Splat { dst: WideSlot, src: Slot }
                /// `s[dst..dst+2]` = the low 64 bits of `s[src]` in every lane
                I64x2Splat { dst: WideSlot, src: Slot }
                /// `s[dst]` (i32) = 1 if any bit is set, else 0 of `s[src..src+2]`
                V128AnyTrue { dst: Slot, src: WideSlot }
                /// `s[dst]` (i32) = 1 if every i8 lane is non-zero of `s[src..src+2]`
                I8x16AllTrue { dst: Slot, src: WideSlot }
                /// `s[dst]` (i32) = the i8 lanes' sign bits of `s[src..src+2]`
                I8x16Bitmask { dst: Slot, src: WideSlot }
                /// `s[dst]` (i32) = 1 if every i16 lane is non-zero of `s[src..src+2]`
                I16x8AllTrue { dst: Slot, src: WideSlot }
                /// `s[dst]` (i32) = the i16 lanes' sign bits of `s[src..src+2]`
                I16x8Bitmask { dst: Slot, src: WideSlot }
                /// `s[dst]` (i32) = 1 if every i32 lane is non-zero of `s[src..src+2]`
                I32x4AllTrue { dst: Slot, src: WideSlot }
                /// `s[dst]` (i32) = the i32 lanes' sign bits of `s[src..src+2]`
                I32x4Bitmask { dst: Slot, src: WideSlot }
                /// `s[dst]` (i32) = 1 if every i64 lane is non-zero of `s[src..src+2]`
                I64x2AllTrue { dst: Slot, src: WideSlot }
                /// `s[dst]` (i32) = the i64 lanes' sign bits of `s[src..src+2]`
                I64x2Bitmask { dst: Slot, src: WideSlot }
                /// each i8x16 lane of `s[lhs..lhs+2]` shifted left by `s[rhs]` modulo the lane width
                I8x16Shl { dst: WideSlot, lhs: WideSlot, rhs: Slot }
                /// each i8x16 lane of `s[lhs..lhs+2]` shifted right, signed by `s[rhs]` modulo the lane width
                I8x16ShrS { dst: WideSlot, lhs: WideSlot, rhs: Slot }
                /// each i8x16 lane of `s[lhs..lhs+2]` shifted right, unsigned by `s[rhs]` modulo the lane width
                I8x16ShrU { dst: WideSlot, lhs: WideSlot, rhs: Slot }
                /// each i16x8 lane of `s[lhs..lhs+2]` shifted left by `s[rhs]` modulo the lane width
                I16x8Shl { dst: WideSlot, lhs: WideSlot, rhs: Slot }
                /// each i16x8 lane of `s[lhs..lhs+2]` shifted right, signed by `s[rhs]` modulo the lane width
                I16x8ShrS { dst: WideSlot, lhs: WideSlot, rhs: Slot }
                /// each i16x8 lane of `s[lhs..lhs+2]` shifted right, unsigned by `s[rhs]` modulo the lane width
                I16x8ShrU { dst: WideSlot, lhs: WideSlot, rhs: Slot }
                /// each i32x4 lane of `s[lhs..lhs+2]` shifted left by `s[rhs]` modulo the lane width
                I32x4Shl { dst: WideSlot, lhs: WideSlot, rhs: Slot }
                /// each i32x4 lane of `s[lhs..lhs+2]` shifted right, signed by `s[rhs]` modulo the lane width
                I32x4ShrS { dst: WideSlot, lhs: WideSlot, rhs: Slot }
                /// each i32x4 lane of `s[lhs..lhs+2]` shifted right, unsigned by `s[rhs]` modulo the lane width
                I32x4ShrU { dst: WideSlot, lhs: WideSlot, rhs: Slot }
                /// each i64x2 lane of `s[lhs..lhs+2]` shifted left by `s[rhs]` modulo the lane width
                I64x2Shl { dst: WideSlot, lhs: WideSlot, rhs: Slot }
                /// each i64x2 lane of `s[lhs..lhs+2]` shifted right, signed by `s[rhs]` modulo the lane width
                I64x2ShrS { dst: WideSlot, lhs: WideSlot, rhs: Slot }
                /// each i64x2 lane of `s[lhs..lhs+2]` shifted right, unsigned by `s[rhs]` modulo the lane width
                I64x2ShrU { dst: WideSlot, lhs: WideSlot, rhs: Slot }
                /// `s[dst..dst+2]` = `(a & c) | (b & !c)` (also `relaxed_laneselect`)
                V128Bitselect { dst: WideSlot, a: WideSlot, b: WideSlot, c: WideSlot }
                /// `s[dst..dst+2]` = `a * b + c` per f32 lane, rounded after each operation
                F32x4RelaxedMadd { dst: WideSlot, a: WideSlot, b: WideSlot, c: WideSlot }
                /// `s[dst..dst+2]` = `-a * b + c` per f32 lane, rounded after each operation
                F32x4RelaxedNmadd { dst: WideSlot, a: WideSlot, b: WideSlot, c: WideSlot }
                /// `s[dst..dst+2]` = `a * b + c` per f64 lane, rounded after each operation
                F64x2RelaxedMadd { dst: WideSlot, a: WideSlot, b: WideSlot, c: WideSlot }
                /// `s[dst..dst+2]` = `-a * b + c` per f64 lane, rounded after each operation
                F64x2RelaxedNmadd { dst: WideSlot, a: WideSlot, b: WideSlot, c: WideSlot }
                /// `s[dst..dst+2]` = lane `i`: the sum of the four signed products `a[4i+j] * b[4i+j]` of i8 lanes, plus `c[i]`, wrapping
                I32x4RelaxedDotI8x16I7x16AddS { dst: WideSlot, a: WideSlot, b: WideSlot, c: WideSlot }
                /// `s[dst..dst+2]` = `v128.not` of `s[src..src+2]`
                V128Not { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.abs` of `s[src..src+2]`
                I8x16Abs { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.neg` of `s[src..src+2]`
                I8x16Neg { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.popcnt` of `s[src..src+2]`
                I8x16Popcnt { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.extadd_pairwise_i8x16_s` of `s[src..src+2]`
                I16x8ExtAddPairwiseI8x16S { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.extadd_pairwise_i8x16_u` of `s[src..src+2]`
                I16x8ExtAddPairwiseI8x16U { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.abs` of `s[src..src+2]`
                I16x8Abs { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.neg` of `s[src..src+2]`
                I16x8Neg { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.extend_low_i8x16_s` of `s[src..src+2]`
                I16x8ExtendLowI8x16S { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.extend_high_i8x16_s` of `s[src..src+2]`
                I16x8ExtendHighI8x16S { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.extend_low_i8x16_u` of `s[src..src+2]`
                I16x8ExtendLowI8x16U { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.extend_high_i8x16_u` of `s[src..src+2]`
                I16x8ExtendHighI8x16U { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.extadd_pairwise_i16x8_s` of `s[src..src+2]`
                I32x4ExtAddPairwiseI16x8S { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.extadd_pairwise_i16x8_u` of `s[src..src+2]`
                I32x4ExtAddPairwiseI16x8U { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.abs` of `s[src..src+2]`
                I32x4Abs { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.neg` of `s[src..src+2]`
                I32x4Neg { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.extend_low_i16x8_s` of `s[src..src+2]`
                I32x4ExtendLowI16x8S { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.extend_high_i16x8_s` of `s[src..src+2]`
                I32x4ExtendHighI16x8S { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.extend_low_i16x8_u` of `s[src..src+2]`
                I32x4ExtendLowI16x8U { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.extend_high_i16x8_u` of `s[src..src+2]`
                I32x4ExtendHighI16x8U { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i64x2.abs` of `s[src..src+2]`
                I64x2Abs { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i64x2.neg` of `s[src..src+2]`
                I64x2Neg { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i64x2.extend_low_i32x4_s` of `s[src..src+2]`
                I64x2ExtendLowI32x4S { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i64x2.extend_high_i32x4_s` of `s[src..src+2]`
                I64x2ExtendHighI32x4S { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i64x2.extend_low_i32x4_u` of `s[src..src+2]`
                I64x2ExtendLowI32x4U { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i64x2.extend_high_i32x4_u` of `s[src..src+2]`
                I64x2ExtendHighI32x4U { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.ceil` of `s[src..src+2]`
                F32x4Ceil { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.floor` of `s[src..src+2]`
                F32x4Floor { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.trunc` of `s[src..src+2]`
                F32x4Trunc { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.nearest` of `s[src..src+2]`
                F32x4Nearest { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.abs` of `s[src..src+2]`
                F32x4Abs { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.neg` of `s[src..src+2]`
                F32x4Neg { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.sqrt` of `s[src..src+2]`
                F32x4Sqrt { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.ceil` of `s[src..src+2]`
                F64x2Ceil { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.floor` of `s[src..src+2]`
                F64x2Floor { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.trunc` of `s[src..src+2]`
                F64x2Trunc { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.nearest` of `s[src..src+2]`
                F64x2Nearest { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.abs` of `s[src..src+2]`
                F64x2Abs { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.neg` of `s[src..src+2]`
                F64x2Neg { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.sqrt` of `s[src..src+2]`
                F64x2Sqrt { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.trunc_sat_f32x4_s` of `s[src..src+2]`
                I32x4TruncSatF32x4S { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.trunc_sat_f32x4_u` of `s[src..src+2]`
                I32x4TruncSatF32x4U { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.convert_i32x4_s` of `s[src..src+2]`
                F32x4ConvertI32x4S { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.convert_i32x4_u` of `s[src..src+2]`
                F32x4ConvertI32x4U { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.trunc_sat_f64x2_s_zero` of `s[src..src+2]`
                I32x4TruncSatF64x2SZero { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.trunc_sat_f64x2_u_zero` of `s[src..src+2]`
                I32x4TruncSatF64x2UZero { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.convert_low_i32x4_s` of `s[src..src+2]`
                F64x2ConvertLowI32x4S { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.convert_low_i32x4_u` of `s[src..src+2]`
                F64x2ConvertLowI32x4U { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.demote_f64x2_zero` of `s[src..src+2]`
                F32x4DemoteF64x2Zero { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.promote_low_f32x4` of `s[src..src+2]`
                F64x2PromoteLowF32x4 { dst: WideSlot, src: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.swizzle` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16Swizzle { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.eq` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16Eq { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.ne` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16Ne { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.lt_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16LtS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.lt_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16LtU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.gt_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16GtS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.gt_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16GtU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.le_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16LeS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.le_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16LeU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.ge_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16GeS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.ge_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16GeU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.eq` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8Eq { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.ne` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8Ne { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.lt_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8LtS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.lt_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8LtU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.gt_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8GtS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.gt_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8GtU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.le_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8LeS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.le_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8LeU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.ge_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8GeS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.ge_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8GeU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.eq` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4Eq { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.ne` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4Ne { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.lt_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4LtS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.lt_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4LtU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.gt_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4GtS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.gt_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4GtU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.le_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4LeS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.le_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4LeU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.ge_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4GeS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.ge_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4GeU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i64x2.eq` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I64x2Eq { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i64x2.ne` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I64x2Ne { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i64x2.lt_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I64x2LtS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i64x2.gt_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I64x2GtS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i64x2.le_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I64x2LeS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i64x2.ge_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I64x2GeS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.eq` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F32x4Eq { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.ne` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F32x4Ne { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.lt` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F32x4Lt { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.gt` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F32x4Gt { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.le` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F32x4Le { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.ge` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F32x4Ge { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.eq` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F64x2Eq { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.ne` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F64x2Ne { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.lt` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F64x2Lt { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.gt` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F64x2Gt { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.le` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F64x2Le { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.ge` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F64x2Ge { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `v128.and` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                V128And { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `v128.andnot` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                V128AndNot { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `v128.or` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                V128Or { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `v128.xor` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                V128Xor { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.narrow_i16x8_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16NarrowI16x8S { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.narrow_i16x8_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16NarrowI16x8U { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.add` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16Add { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.add_sat_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16AddSatS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.add_sat_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16AddSatU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.sub` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16Sub { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.sub_sat_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16SubSatS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.sub_sat_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16SubSatU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.min_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16MinS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.min_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16MinU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.max_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16MaxS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.max_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16MaxU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i8x16.avgr_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I8x16AvgrU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.q15mulr_sat_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8Q15MulrSatS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.narrow_i32x4_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8NarrowI32x4S { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.narrow_i32x4_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8NarrowI32x4U { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.add` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8Add { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.add_sat_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8AddSatS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.add_sat_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8AddSatU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.sub` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8Sub { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.sub_sat_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8SubSatS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.sub_sat_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8SubSatU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.mul` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8Mul { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.min_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8MinS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.min_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8MinU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.max_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8MaxS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.max_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8MaxU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.avgr_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8AvgrU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.extmul_low_i8x16_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8ExtMulLowI8x16S { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.extmul_high_i8x16_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8ExtMulHighI8x16S { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.extmul_low_i8x16_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8ExtMulLowI8x16U { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i16x8.extmul_high_i8x16_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I16x8ExtMulHighI8x16U { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.add` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4Add { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.sub` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4Sub { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.mul` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4Mul { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.min_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4MinS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.min_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4MinU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.max_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4MaxS { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.max_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4MaxU { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.dot_i16x8_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4DotI16x8S { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.extmul_low_i16x8_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4ExtMulLowI16x8S { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.extmul_high_i16x8_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4ExtMulHighI16x8S { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.extmul_low_i16x8_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4ExtMulLowI16x8U { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i32x4.extmul_high_i16x8_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I32x4ExtMulHighI16x8U { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i64x2.add` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I64x2Add { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i64x2.sub` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I64x2Sub { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i64x2.mul` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I64x2Mul { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i64x2.extmul_low_i32x4_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I64x2ExtMulLowI32x4S { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i64x2.extmul_high_i32x4_s` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I64x2ExtMulHighI32x4S { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i64x2.extmul_low_i32x4_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I64x2ExtMulLowI32x4U { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `i64x2.extmul_high_i32x4_u` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                I64x2ExtMulHighI32x4U { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.add` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F32x4Add { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.sub` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F32x4Sub { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.mul` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F32x4Mul { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.div` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F32x4Div { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.min` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F32x4Min { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.max` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F32x4Max { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.pmin` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F32x4PMin { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f32x4.pmax` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F32x4PMax { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.add` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F64x2Add { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.sub` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F64x2Sub { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.mul` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F64x2Mul { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.div` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F64x2Div { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.min` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F64x2Min { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.max` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F64x2Max { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.pmin` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F64x2PMin { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = `f64x2.pmax` of `s[lhs..lhs+2]` and `s[rhs..rhs+2]`
                F64x2PMax { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
                /// `s[dst..dst+2]` = lane `i`: `lhs[2i] * rhs[2i] + lhs[2i+1] * rhs[2i+1]` of signed i8 lanes, wrapping
                I16x8RelaxedDotI8x16I7x16S { dst: WideSlot, lhs: WideSlot, rhs: WideSlot }
            }
        }
    };
}

/// Invokes `$mac!` with every entry of the table preceded by `#[cfg(...)]`: `all()` (always) for the main
/// table, `feature = "simd"` for the SIMD instructions.
#[doc(hidden)]
#[macro_export]
macro_rules! __ops_by_feature {
    ($mac:ident $([$cfg:meta] { $( $(#[doc = $doc:literal])* $name:ident { $($field:ident : $ty:ty),* $(,)? } )* })*) => {
        $mac! { $($( #[cfg($cfg)] $(#[doc = $doc])* $name { $($field: $ty),* } )*)* }
    };
}
