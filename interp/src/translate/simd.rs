//! The SIMD instructions (`simd` feature): what each becomes. A `v128` operand is a [`WideSlot`] naming its
//! two cells; the relaxed instructions become their deterministic counterparts (see `exec::simd`).

use ember_core::Error;
use wasmparser::{MemArg, Operator};

use super::visit::memory_offset;
use super::Translator;
use crate::ops::{op, Instr, Slot, WideSlot};

type Unary = fn(WideSlot, WideSlot) -> Instr;
type Binary = fn(WideSlot, WideSlot, WideSlot) -> Instr;
type Ternary = fn(WideSlot, WideSlot, WideSlot, WideSlot) -> Instr;

/// The [`WideSlot`] naming the two cells from `slot`.
fn wide(slot: Slot) -> WideSlot {
    WideSlot(slot.0)
}

impl Translator<'_> {
    /// Translates `operator` if it is a SIMD instruction (other than `v128.const`, `visit`'s); whether it was.
    pub(super) fn simd(&mut self, operator: &Operator<'_>) -> Result<bool, Error> {
        use Operator as O;
        match *operator {
            O::V128Load { memarg } => {
                self.simd_load(memarg, |dst, addr, offset| op::V128Load { dst, addr, offset }.into())?
            }
            O::V128Load8x8S { memarg } => {
                self.simd_load(memarg, |dst, addr, offset| op::V128Load8x8S { dst, addr, offset }.into())?
            }
            O::V128Load8x8U { memarg } => {
                self.simd_load(memarg, |dst, addr, offset| op::V128Load8x8U { dst, addr, offset }.into())?
            }
            O::V128Load16x4S { memarg } => {
                self.simd_load(memarg, |dst, addr, offset| op::V128Load16x4S { dst, addr, offset }.into())?
            }
            O::V128Load16x4U { memarg } => {
                self.simd_load(memarg, |dst, addr, offset| op::V128Load16x4U { dst, addr, offset }.into())?
            }
            O::V128Load32x2S { memarg } => {
                self.simd_load(memarg, |dst, addr, offset| op::V128Load32x2S { dst, addr, offset }.into())?
            }
            O::V128Load32x2U { memarg } => {
                self.simd_load(memarg, |dst, addr, offset| op::V128Load32x2U { dst, addr, offset }.into())?
            }
            O::V128Load8Splat { memarg } => {
                self.simd_load(memarg, |dst, addr, offset| op::V128Load8Splat { dst, addr, offset }.into())?
            }
            O::V128Load16Splat { memarg } => {
                self.simd_load(memarg, |dst, addr, offset| op::V128Load16Splat { dst, addr, offset }.into())?
            }
            O::V128Load32Splat { memarg } => {
                self.simd_load(memarg, |dst, addr, offset| op::V128Load32Splat { dst, addr, offset }.into())?
            }
            O::V128Load64Splat { memarg } => {
                self.simd_load(memarg, |dst, addr, offset| op::V128Load64Splat { dst, addr, offset }.into())?
            }
            O::V128Load32Zero { memarg } => {
                self.simd_load(memarg, |dst, addr, offset| op::V128Load32Zero { dst, addr, offset }.into())?
            }
            O::V128Load64Zero { memarg } => {
                self.simd_load(memarg, |dst, addr, offset| op::V128Load64Zero { dst, addr, offset }.into())?
            }
            O::V128Store { memarg } => {
                let offset = memory_offset(&memarg)?;
                let src = wide(self.pop_slot());
                let addr = self.pop_slot();
                self.emit(op::V128Store { addr, src, offset });
            }
            O::V128Load8Lane { memarg, lane } => self.load_lane(memarg, lane, |dst, addr, src, offset, lane| {
                op::V128Load8Lane { dst, addr, src, offset, lane }.into()
            })?,
            O::V128Load16Lane { memarg, lane } => self.load_lane(memarg, lane, |dst, addr, src, offset, lane| {
                op::V128Load16Lane { dst, addr, src, offset, lane }.into()
            })?,
            O::V128Load32Lane { memarg, lane } => self.load_lane(memarg, lane, |dst, addr, src, offset, lane| {
                op::V128Load32Lane { dst, addr, src, offset, lane }.into()
            })?,
            O::V128Load64Lane { memarg, lane } => self.load_lane(memarg, lane, |dst, addr, src, offset, lane| {
                op::V128Load64Lane { dst, addr, src, offset, lane }.into()
            })?,
            O::V128Store8Lane { memarg, lane } => self.store_lane(memarg, lane, |addr, src, offset, lane| {
                op::V128Store8Lane { addr, src, offset, lane }.into()
            })?,
            O::V128Store16Lane { memarg, lane } => self.store_lane(memarg, lane, |addr, src, offset, lane| {
                op::V128Store16Lane { addr, src, offset, lane }.into()
            })?,
            O::V128Store32Lane { memarg, lane } => self.store_lane(memarg, lane, |addr, src, offset, lane| {
                op::V128Store32Lane { addr, src, offset, lane }.into()
            })?,
            O::V128Store64Lane { memarg, lane } => self.store_lane(memarg, lane, |addr, src, offset, lane| {
                op::V128Store64Lane { addr, src, offset, lane }.into()
            })?,
            O::I8x16Shuffle { lanes } => {
                let lanes = u128::from_le_bytes(lanes);
                let rhs = wide(self.pop_slot());
                let lhs = wide(self.pop_slot());
                let dst = self.push_temp2();
                let (lanes_low, lanes_high) = (lanes as u64, (lanes >> 64) as u64);
                self.emit_result(op::I8x16Shuffle { dst: wide(dst), lhs, rhs, lanes_low, lanes_high }, dst, None);
            }
            O::I8x16ExtractLaneS { lane } => {
                self.extract_lane(lane, |dst, src, lane| op::I8x16ExtractLaneS { dst, src, lane }.into())
            }
            O::I8x16ExtractLaneU { lane } => {
                self.extract_lane(lane, |dst, src, lane| op::I8x16ExtractLaneU { dst, src, lane }.into())
            }
            O::I16x8ExtractLaneS { lane } => {
                self.extract_lane(lane, |dst, src, lane| op::I16x8ExtractLaneS { dst, src, lane }.into())
            }
            O::I16x8ExtractLaneU { lane } => {
                self.extract_lane(lane, |dst, src, lane| op::I16x8ExtractLaneU { dst, src, lane }.into())
            }
            O::I32x4ExtractLane { lane } | O::F32x4ExtractLane { lane } => {
                self.extract_lane(lane, |dst, src, lane| op::I32x4ExtractLane { dst, src, lane }.into())
            }
            O::I64x2ExtractLane { lane } | O::F64x2ExtractLane { lane } => {
                self.extract_lane(lane, |dst, src, lane| op::I64x2ExtractLane { dst, src, lane }.into())
            }
            O::I8x16ReplaceLane { lane } => {
                self.replace_lane(lane, |dst, src, value, lane| op::I8x16ReplaceLane { dst, src, value, lane }.into())
            }
            O::I16x8ReplaceLane { lane } => {
                self.replace_lane(lane, |dst, src, value, lane| op::I16x8ReplaceLane { dst, src, value, lane }.into())
            }
            O::I32x4ReplaceLane { lane } | O::F32x4ReplaceLane { lane } => {
                self.replace_lane(lane, |dst, src, value, lane| op::I32x4ReplaceLane { dst, src, value, lane }.into())
            }
            O::I64x2ReplaceLane { lane } | O::F64x2ReplaceLane { lane } => {
                self.replace_lane(lane, |dst, src, value, lane| op::I64x2ReplaceLane { dst, src, value, lane }.into())
            }
            O::I8x16Splat => self.splat(|dst, src| op::I8x16Splat { dst, src }.into()),
            O::I16x8Splat => self.splat(|dst, src| op::I16x8Splat { dst, src }.into()),
            O::I32x4Splat | O::F32x4Splat => self.splat(|dst, src| op::I32x4Splat { dst, src }.into()),
            O::I64x2Splat | O::F64x2Splat => self.splat(|dst, src| op::I64x2Splat { dst, src }.into()),
            O::V128AnyTrue => self.reduce(|dst, src| op::V128AnyTrue { dst, src }.into()),
            O::I8x16AllTrue => self.reduce(|dst, src| op::I8x16AllTrue { dst, src }.into()),
            O::I8x16Bitmask => self.reduce(|dst, src| op::I8x16Bitmask { dst, src }.into()),
            O::I16x8AllTrue => self.reduce(|dst, src| op::I16x8AllTrue { dst, src }.into()),
            O::I16x8Bitmask => self.reduce(|dst, src| op::I16x8Bitmask { dst, src }.into()),
            O::I32x4AllTrue => self.reduce(|dst, src| op::I32x4AllTrue { dst, src }.into()),
            O::I32x4Bitmask => self.reduce(|dst, src| op::I32x4Bitmask { dst, src }.into()),
            O::I64x2AllTrue => self.reduce(|dst, src| op::I64x2AllTrue { dst, src }.into()),
            O::I64x2Bitmask => self.reduce(|dst, src| op::I64x2Bitmask { dst, src }.into()),
            O::I8x16Shl => self.shift(|dst, lhs, rhs| op::I8x16Shl { dst, lhs, rhs }.into()),
            O::I8x16ShrS => self.shift(|dst, lhs, rhs| op::I8x16ShrS { dst, lhs, rhs }.into()),
            O::I8x16ShrU => self.shift(|dst, lhs, rhs| op::I8x16ShrU { dst, lhs, rhs }.into()),
            O::I16x8Shl => self.shift(|dst, lhs, rhs| op::I16x8Shl { dst, lhs, rhs }.into()),
            O::I16x8ShrS => self.shift(|dst, lhs, rhs| op::I16x8ShrS { dst, lhs, rhs }.into()),
            O::I16x8ShrU => self.shift(|dst, lhs, rhs| op::I16x8ShrU { dst, lhs, rhs }.into()),
            O::I32x4Shl => self.shift(|dst, lhs, rhs| op::I32x4Shl { dst, lhs, rhs }.into()),
            O::I32x4ShrS => self.shift(|dst, lhs, rhs| op::I32x4ShrS { dst, lhs, rhs }.into()),
            O::I32x4ShrU => self.shift(|dst, lhs, rhs| op::I32x4ShrU { dst, lhs, rhs }.into()),
            O::I64x2Shl => self.shift(|dst, lhs, rhs| op::I64x2Shl { dst, lhs, rhs }.into()),
            O::I64x2ShrS => self.shift(|dst, lhs, rhs| op::I64x2ShrS { dst, lhs, rhs }.into()),
            O::I64x2ShrU => self.shift(|dst, lhs, rhs| op::I64x2ShrU { dst, lhs, rhs }.into()),
            O::V128Bitselect
            | O::I8x16RelaxedLaneselect
            | O::I16x8RelaxedLaneselect
            | O::I32x4RelaxedLaneselect
            | O::I64x2RelaxedLaneselect => self.ternary(|dst, a, b, c| op::V128Bitselect { dst, a, b, c }.into()),
            O::F32x4RelaxedMadd => self.ternary(|dst, a, b, c| op::F32x4RelaxedMadd { dst, a, b, c }.into()),
            O::F32x4RelaxedNmadd => self.ternary(|dst, a, b, c| op::F32x4RelaxedNmadd { dst, a, b, c }.into()),
            O::F64x2RelaxedMadd => self.ternary(|dst, a, b, c| op::F64x2RelaxedMadd { dst, a, b, c }.into()),
            O::F64x2RelaxedNmadd => self.ternary(|dst, a, b, c| op::F64x2RelaxedNmadd { dst, a, b, c }.into()),
            O::I32x4RelaxedDotI8x16I7x16AddS => {
                self.ternary(|dst, a, b, c| op::I32x4RelaxedDotI8x16I7x16AddS { dst, a, b, c }.into())
            }
            O::I16x8RelaxedDotI8x16I7x16S => {
                self.simd_binary(|dst, lhs, rhs| op::I16x8RelaxedDotI8x16I7x16S { dst, lhs, rhs }.into())
            }
            O::I8x16RelaxedSwizzle => self.simd_binary(|dst, lhs, rhs| op::I8x16Swizzle { dst, lhs, rhs }.into()),
            O::I32x4RelaxedTruncF32x4S => self.simd_unary(|dst, src| op::I32x4TruncSatF32x4S { dst, src }.into()),
            O::I32x4RelaxedTruncF32x4U => self.simd_unary(|dst, src| op::I32x4TruncSatF32x4U { dst, src }.into()),
            O::I32x4RelaxedTruncF64x2SZero => {
                self.simd_unary(|dst, src| op::I32x4TruncSatF64x2SZero { dst, src }.into())
            }
            O::I32x4RelaxedTruncF64x2UZero => {
                self.simd_unary(|dst, src| op::I32x4TruncSatF64x2UZero { dst, src }.into())
            }
            O::F32x4RelaxedMin => self.simd_binary(|dst, lhs, rhs| op::F32x4Min { dst, lhs, rhs }.into()),
            O::F32x4RelaxedMax => self.simd_binary(|dst, lhs, rhs| op::F32x4Max { dst, lhs, rhs }.into()),
            O::F64x2RelaxedMin => self.simd_binary(|dst, lhs, rhs| op::F64x2Min { dst, lhs, rhs }.into()),
            O::F64x2RelaxedMax => self.simd_binary(|dst, lhs, rhs| op::F64x2Max { dst, lhs, rhs }.into()),
            O::I16x8RelaxedQ15mulrS => self.simd_binary(|dst, lhs, rhs| op::I16x8Q15MulrSatS { dst, lhs, rhs }.into()),
            O::V128Not => self.simd_unary(|dst, src| op::V128Not { dst, src }.into()),
            O::I8x16Abs => self.simd_unary(|dst, src| op::I8x16Abs { dst, src }.into()),
            O::I8x16Neg => self.simd_unary(|dst, src| op::I8x16Neg { dst, src }.into()),
            O::I8x16Popcnt => self.simd_unary(|dst, src| op::I8x16Popcnt { dst, src }.into()),
            O::I16x8ExtAddPairwiseI8x16S => {
                self.simd_unary(|dst, src| op::I16x8ExtAddPairwiseI8x16S { dst, src }.into())
            }
            O::I16x8ExtAddPairwiseI8x16U => {
                self.simd_unary(|dst, src| op::I16x8ExtAddPairwiseI8x16U { dst, src }.into())
            }
            O::I16x8Abs => self.simd_unary(|dst, src| op::I16x8Abs { dst, src }.into()),
            O::I16x8Neg => self.simd_unary(|dst, src| op::I16x8Neg { dst, src }.into()),
            O::I16x8ExtendLowI8x16S => self.simd_unary(|dst, src| op::I16x8ExtendLowI8x16S { dst, src }.into()),
            O::I16x8ExtendHighI8x16S => self.simd_unary(|dst, src| op::I16x8ExtendHighI8x16S { dst, src }.into()),
            O::I16x8ExtendLowI8x16U => self.simd_unary(|dst, src| op::I16x8ExtendLowI8x16U { dst, src }.into()),
            O::I16x8ExtendHighI8x16U => self.simd_unary(|dst, src| op::I16x8ExtendHighI8x16U { dst, src }.into()),
            O::I32x4ExtAddPairwiseI16x8S => {
                self.simd_unary(|dst, src| op::I32x4ExtAddPairwiseI16x8S { dst, src }.into())
            }
            O::I32x4ExtAddPairwiseI16x8U => {
                self.simd_unary(|dst, src| op::I32x4ExtAddPairwiseI16x8U { dst, src }.into())
            }
            O::I32x4Abs => self.simd_unary(|dst, src| op::I32x4Abs { dst, src }.into()),
            O::I32x4Neg => self.simd_unary(|dst, src| op::I32x4Neg { dst, src }.into()),
            O::I32x4ExtendLowI16x8S => self.simd_unary(|dst, src| op::I32x4ExtendLowI16x8S { dst, src }.into()),
            O::I32x4ExtendHighI16x8S => self.simd_unary(|dst, src| op::I32x4ExtendHighI16x8S { dst, src }.into()),
            O::I32x4ExtendLowI16x8U => self.simd_unary(|dst, src| op::I32x4ExtendLowI16x8U { dst, src }.into()),
            O::I32x4ExtendHighI16x8U => self.simd_unary(|dst, src| op::I32x4ExtendHighI16x8U { dst, src }.into()),
            O::I64x2Abs => self.simd_unary(|dst, src| op::I64x2Abs { dst, src }.into()),
            O::I64x2Neg => self.simd_unary(|dst, src| op::I64x2Neg { dst, src }.into()),
            O::I64x2ExtendLowI32x4S => self.simd_unary(|dst, src| op::I64x2ExtendLowI32x4S { dst, src }.into()),
            O::I64x2ExtendHighI32x4S => self.simd_unary(|dst, src| op::I64x2ExtendHighI32x4S { dst, src }.into()),
            O::I64x2ExtendLowI32x4U => self.simd_unary(|dst, src| op::I64x2ExtendLowI32x4U { dst, src }.into()),
            O::I64x2ExtendHighI32x4U => self.simd_unary(|dst, src| op::I64x2ExtendHighI32x4U { dst, src }.into()),
            O::F32x4Ceil => self.simd_unary(|dst, src| op::F32x4Ceil { dst, src }.into()),
            O::F32x4Floor => self.simd_unary(|dst, src| op::F32x4Floor { dst, src }.into()),
            O::F32x4Trunc => self.simd_unary(|dst, src| op::F32x4Trunc { dst, src }.into()),
            O::F32x4Nearest => self.simd_unary(|dst, src| op::F32x4Nearest { dst, src }.into()),
            O::F32x4Abs => self.simd_unary(|dst, src| op::F32x4Abs { dst, src }.into()),
            O::F32x4Neg => self.simd_unary(|dst, src| op::F32x4Neg { dst, src }.into()),
            O::F32x4Sqrt => self.simd_unary(|dst, src| op::F32x4Sqrt { dst, src }.into()),
            O::F64x2Ceil => self.simd_unary(|dst, src| op::F64x2Ceil { dst, src }.into()),
            O::F64x2Floor => self.simd_unary(|dst, src| op::F64x2Floor { dst, src }.into()),
            O::F64x2Trunc => self.simd_unary(|dst, src| op::F64x2Trunc { dst, src }.into()),
            O::F64x2Nearest => self.simd_unary(|dst, src| op::F64x2Nearest { dst, src }.into()),
            O::F64x2Abs => self.simd_unary(|dst, src| op::F64x2Abs { dst, src }.into()),
            O::F64x2Neg => self.simd_unary(|dst, src| op::F64x2Neg { dst, src }.into()),
            O::F64x2Sqrt => self.simd_unary(|dst, src| op::F64x2Sqrt { dst, src }.into()),
            O::I32x4TruncSatF32x4S => self.simd_unary(|dst, src| op::I32x4TruncSatF32x4S { dst, src }.into()),
            O::I32x4TruncSatF32x4U => self.simd_unary(|dst, src| op::I32x4TruncSatF32x4U { dst, src }.into()),
            O::F32x4ConvertI32x4S => self.simd_unary(|dst, src| op::F32x4ConvertI32x4S { dst, src }.into()),
            O::F32x4ConvertI32x4U => self.simd_unary(|dst, src| op::F32x4ConvertI32x4U { dst, src }.into()),
            O::I32x4TruncSatF64x2SZero => self.simd_unary(|dst, src| op::I32x4TruncSatF64x2SZero { dst, src }.into()),
            O::I32x4TruncSatF64x2UZero => self.simd_unary(|dst, src| op::I32x4TruncSatF64x2UZero { dst, src }.into()),
            O::F64x2ConvertLowI32x4S => self.simd_unary(|dst, src| op::F64x2ConvertLowI32x4S { dst, src }.into()),
            O::F64x2ConvertLowI32x4U => self.simd_unary(|dst, src| op::F64x2ConvertLowI32x4U { dst, src }.into()),
            O::F32x4DemoteF64x2Zero => self.simd_unary(|dst, src| op::F32x4DemoteF64x2Zero { dst, src }.into()),
            O::F64x2PromoteLowF32x4 => self.simd_unary(|dst, src| op::F64x2PromoteLowF32x4 { dst, src }.into()),
            O::I8x16Swizzle => self.simd_binary(|dst, lhs, rhs| op::I8x16Swizzle { dst, lhs, rhs }.into()),
            O::I8x16Eq => self.simd_binary(|dst, lhs, rhs| op::I8x16Eq { dst, lhs, rhs }.into()),
            O::I8x16Ne => self.simd_binary(|dst, lhs, rhs| op::I8x16Ne { dst, lhs, rhs }.into()),
            O::I8x16LtS => self.simd_binary(|dst, lhs, rhs| op::I8x16LtS { dst, lhs, rhs }.into()),
            O::I8x16LtU => self.simd_binary(|dst, lhs, rhs| op::I8x16LtU { dst, lhs, rhs }.into()),
            O::I8x16GtS => self.simd_binary(|dst, lhs, rhs| op::I8x16GtS { dst, lhs, rhs }.into()),
            O::I8x16GtU => self.simd_binary(|dst, lhs, rhs| op::I8x16GtU { dst, lhs, rhs }.into()),
            O::I8x16LeS => self.simd_binary(|dst, lhs, rhs| op::I8x16LeS { dst, lhs, rhs }.into()),
            O::I8x16LeU => self.simd_binary(|dst, lhs, rhs| op::I8x16LeU { dst, lhs, rhs }.into()),
            O::I8x16GeS => self.simd_binary(|dst, lhs, rhs| op::I8x16GeS { dst, lhs, rhs }.into()),
            O::I8x16GeU => self.simd_binary(|dst, lhs, rhs| op::I8x16GeU { dst, lhs, rhs }.into()),
            O::I16x8Eq => self.simd_binary(|dst, lhs, rhs| op::I16x8Eq { dst, lhs, rhs }.into()),
            O::I16x8Ne => self.simd_binary(|dst, lhs, rhs| op::I16x8Ne { dst, lhs, rhs }.into()),
            O::I16x8LtS => self.simd_binary(|dst, lhs, rhs| op::I16x8LtS { dst, lhs, rhs }.into()),
            O::I16x8LtU => self.simd_binary(|dst, lhs, rhs| op::I16x8LtU { dst, lhs, rhs }.into()),
            O::I16x8GtS => self.simd_binary(|dst, lhs, rhs| op::I16x8GtS { dst, lhs, rhs }.into()),
            O::I16x8GtU => self.simd_binary(|dst, lhs, rhs| op::I16x8GtU { dst, lhs, rhs }.into()),
            O::I16x8LeS => self.simd_binary(|dst, lhs, rhs| op::I16x8LeS { dst, lhs, rhs }.into()),
            O::I16x8LeU => self.simd_binary(|dst, lhs, rhs| op::I16x8LeU { dst, lhs, rhs }.into()),
            O::I16x8GeS => self.simd_binary(|dst, lhs, rhs| op::I16x8GeS { dst, lhs, rhs }.into()),
            O::I16x8GeU => self.simd_binary(|dst, lhs, rhs| op::I16x8GeU { dst, lhs, rhs }.into()),
            O::I32x4Eq => self.simd_binary(|dst, lhs, rhs| op::I32x4Eq { dst, lhs, rhs }.into()),
            O::I32x4Ne => self.simd_binary(|dst, lhs, rhs| op::I32x4Ne { dst, lhs, rhs }.into()),
            O::I32x4LtS => self.simd_binary(|dst, lhs, rhs| op::I32x4LtS { dst, lhs, rhs }.into()),
            O::I32x4LtU => self.simd_binary(|dst, lhs, rhs| op::I32x4LtU { dst, lhs, rhs }.into()),
            O::I32x4GtS => self.simd_binary(|dst, lhs, rhs| op::I32x4GtS { dst, lhs, rhs }.into()),
            O::I32x4GtU => self.simd_binary(|dst, lhs, rhs| op::I32x4GtU { dst, lhs, rhs }.into()),
            O::I32x4LeS => self.simd_binary(|dst, lhs, rhs| op::I32x4LeS { dst, lhs, rhs }.into()),
            O::I32x4LeU => self.simd_binary(|dst, lhs, rhs| op::I32x4LeU { dst, lhs, rhs }.into()),
            O::I32x4GeS => self.simd_binary(|dst, lhs, rhs| op::I32x4GeS { dst, lhs, rhs }.into()),
            O::I32x4GeU => self.simd_binary(|dst, lhs, rhs| op::I32x4GeU { dst, lhs, rhs }.into()),
            O::I64x2Eq => self.simd_binary(|dst, lhs, rhs| op::I64x2Eq { dst, lhs, rhs }.into()),
            O::I64x2Ne => self.simd_binary(|dst, lhs, rhs| op::I64x2Ne { dst, lhs, rhs }.into()),
            O::I64x2LtS => self.simd_binary(|dst, lhs, rhs| op::I64x2LtS { dst, lhs, rhs }.into()),
            O::I64x2GtS => self.simd_binary(|dst, lhs, rhs| op::I64x2GtS { dst, lhs, rhs }.into()),
            O::I64x2LeS => self.simd_binary(|dst, lhs, rhs| op::I64x2LeS { dst, lhs, rhs }.into()),
            O::I64x2GeS => self.simd_binary(|dst, lhs, rhs| op::I64x2GeS { dst, lhs, rhs }.into()),
            O::F32x4Eq => self.simd_binary(|dst, lhs, rhs| op::F32x4Eq { dst, lhs, rhs }.into()),
            O::F32x4Ne => self.simd_binary(|dst, lhs, rhs| op::F32x4Ne { dst, lhs, rhs }.into()),
            O::F32x4Lt => self.simd_binary(|dst, lhs, rhs| op::F32x4Lt { dst, lhs, rhs }.into()),
            O::F32x4Gt => self.simd_binary(|dst, lhs, rhs| op::F32x4Gt { dst, lhs, rhs }.into()),
            O::F32x4Le => self.simd_binary(|dst, lhs, rhs| op::F32x4Le { dst, lhs, rhs }.into()),
            O::F32x4Ge => self.simd_binary(|dst, lhs, rhs| op::F32x4Ge { dst, lhs, rhs }.into()),
            O::F64x2Eq => self.simd_binary(|dst, lhs, rhs| op::F64x2Eq { dst, lhs, rhs }.into()),
            O::F64x2Ne => self.simd_binary(|dst, lhs, rhs| op::F64x2Ne { dst, lhs, rhs }.into()),
            O::F64x2Lt => self.simd_binary(|dst, lhs, rhs| op::F64x2Lt { dst, lhs, rhs }.into()),
            O::F64x2Gt => self.simd_binary(|dst, lhs, rhs| op::F64x2Gt { dst, lhs, rhs }.into()),
            O::F64x2Le => self.simd_binary(|dst, lhs, rhs| op::F64x2Le { dst, lhs, rhs }.into()),
            O::F64x2Ge => self.simd_binary(|dst, lhs, rhs| op::F64x2Ge { dst, lhs, rhs }.into()),
            O::V128And => self.simd_binary(|dst, lhs, rhs| op::V128And { dst, lhs, rhs }.into()),
            O::V128AndNot => self.simd_binary(|dst, lhs, rhs| op::V128AndNot { dst, lhs, rhs }.into()),
            O::V128Or => self.simd_binary(|dst, lhs, rhs| op::V128Or { dst, lhs, rhs }.into()),
            O::V128Xor => self.simd_binary(|dst, lhs, rhs| op::V128Xor { dst, lhs, rhs }.into()),
            O::I8x16NarrowI16x8S => self.simd_binary(|dst, lhs, rhs| op::I8x16NarrowI16x8S { dst, lhs, rhs }.into()),
            O::I8x16NarrowI16x8U => self.simd_binary(|dst, lhs, rhs| op::I8x16NarrowI16x8U { dst, lhs, rhs }.into()),
            O::I8x16Add => self.simd_binary(|dst, lhs, rhs| op::I8x16Add { dst, lhs, rhs }.into()),
            O::I8x16AddSatS => self.simd_binary(|dst, lhs, rhs| op::I8x16AddSatS { dst, lhs, rhs }.into()),
            O::I8x16AddSatU => self.simd_binary(|dst, lhs, rhs| op::I8x16AddSatU { dst, lhs, rhs }.into()),
            O::I8x16Sub => self.simd_binary(|dst, lhs, rhs| op::I8x16Sub { dst, lhs, rhs }.into()),
            O::I8x16SubSatS => self.simd_binary(|dst, lhs, rhs| op::I8x16SubSatS { dst, lhs, rhs }.into()),
            O::I8x16SubSatU => self.simd_binary(|dst, lhs, rhs| op::I8x16SubSatU { dst, lhs, rhs }.into()),
            O::I8x16MinS => self.simd_binary(|dst, lhs, rhs| op::I8x16MinS { dst, lhs, rhs }.into()),
            O::I8x16MinU => self.simd_binary(|dst, lhs, rhs| op::I8x16MinU { dst, lhs, rhs }.into()),
            O::I8x16MaxS => self.simd_binary(|dst, lhs, rhs| op::I8x16MaxS { dst, lhs, rhs }.into()),
            O::I8x16MaxU => self.simd_binary(|dst, lhs, rhs| op::I8x16MaxU { dst, lhs, rhs }.into()),
            O::I8x16AvgrU => self.simd_binary(|dst, lhs, rhs| op::I8x16AvgrU { dst, lhs, rhs }.into()),
            O::I16x8Q15MulrSatS => self.simd_binary(|dst, lhs, rhs| op::I16x8Q15MulrSatS { dst, lhs, rhs }.into()),
            O::I16x8NarrowI32x4S => self.simd_binary(|dst, lhs, rhs| op::I16x8NarrowI32x4S { dst, lhs, rhs }.into()),
            O::I16x8NarrowI32x4U => self.simd_binary(|dst, lhs, rhs| op::I16x8NarrowI32x4U { dst, lhs, rhs }.into()),
            O::I16x8Add => self.simd_binary(|dst, lhs, rhs| op::I16x8Add { dst, lhs, rhs }.into()),
            O::I16x8AddSatS => self.simd_binary(|dst, lhs, rhs| op::I16x8AddSatS { dst, lhs, rhs }.into()),
            O::I16x8AddSatU => self.simd_binary(|dst, lhs, rhs| op::I16x8AddSatU { dst, lhs, rhs }.into()),
            O::I16x8Sub => self.simd_binary(|dst, lhs, rhs| op::I16x8Sub { dst, lhs, rhs }.into()),
            O::I16x8SubSatS => self.simd_binary(|dst, lhs, rhs| op::I16x8SubSatS { dst, lhs, rhs }.into()),
            O::I16x8SubSatU => self.simd_binary(|dst, lhs, rhs| op::I16x8SubSatU { dst, lhs, rhs }.into()),
            O::I16x8Mul => self.simd_binary(|dst, lhs, rhs| op::I16x8Mul { dst, lhs, rhs }.into()),
            O::I16x8MinS => self.simd_binary(|dst, lhs, rhs| op::I16x8MinS { dst, lhs, rhs }.into()),
            O::I16x8MinU => self.simd_binary(|dst, lhs, rhs| op::I16x8MinU { dst, lhs, rhs }.into()),
            O::I16x8MaxS => self.simd_binary(|dst, lhs, rhs| op::I16x8MaxS { dst, lhs, rhs }.into()),
            O::I16x8MaxU => self.simd_binary(|dst, lhs, rhs| op::I16x8MaxU { dst, lhs, rhs }.into()),
            O::I16x8AvgrU => self.simd_binary(|dst, lhs, rhs| op::I16x8AvgrU { dst, lhs, rhs }.into()),
            O::I16x8ExtMulLowI8x16S => {
                self.simd_binary(|dst, lhs, rhs| op::I16x8ExtMulLowI8x16S { dst, lhs, rhs }.into())
            }
            O::I16x8ExtMulHighI8x16S => {
                self.simd_binary(|dst, lhs, rhs| op::I16x8ExtMulHighI8x16S { dst, lhs, rhs }.into())
            }
            O::I16x8ExtMulLowI8x16U => {
                self.simd_binary(|dst, lhs, rhs| op::I16x8ExtMulLowI8x16U { dst, lhs, rhs }.into())
            }
            O::I16x8ExtMulHighI8x16U => {
                self.simd_binary(|dst, lhs, rhs| op::I16x8ExtMulHighI8x16U { dst, lhs, rhs }.into())
            }
            O::I32x4Add => self.simd_binary(|dst, lhs, rhs| op::I32x4Add { dst, lhs, rhs }.into()),
            O::I32x4Sub => self.simd_binary(|dst, lhs, rhs| op::I32x4Sub { dst, lhs, rhs }.into()),
            O::I32x4Mul => self.simd_binary(|dst, lhs, rhs| op::I32x4Mul { dst, lhs, rhs }.into()),
            O::I32x4MinS => self.simd_binary(|dst, lhs, rhs| op::I32x4MinS { dst, lhs, rhs }.into()),
            O::I32x4MinU => self.simd_binary(|dst, lhs, rhs| op::I32x4MinU { dst, lhs, rhs }.into()),
            O::I32x4MaxS => self.simd_binary(|dst, lhs, rhs| op::I32x4MaxS { dst, lhs, rhs }.into()),
            O::I32x4MaxU => self.simd_binary(|dst, lhs, rhs| op::I32x4MaxU { dst, lhs, rhs }.into()),
            O::I32x4DotI16x8S => self.simd_binary(|dst, lhs, rhs| op::I32x4DotI16x8S { dst, lhs, rhs }.into()),
            O::I32x4ExtMulLowI16x8S => {
                self.simd_binary(|dst, lhs, rhs| op::I32x4ExtMulLowI16x8S { dst, lhs, rhs }.into())
            }
            O::I32x4ExtMulHighI16x8S => {
                self.simd_binary(|dst, lhs, rhs| op::I32x4ExtMulHighI16x8S { dst, lhs, rhs }.into())
            }
            O::I32x4ExtMulLowI16x8U => {
                self.simd_binary(|dst, lhs, rhs| op::I32x4ExtMulLowI16x8U { dst, lhs, rhs }.into())
            }
            O::I32x4ExtMulHighI16x8U => {
                self.simd_binary(|dst, lhs, rhs| op::I32x4ExtMulHighI16x8U { dst, lhs, rhs }.into())
            }
            O::I64x2Add => self.simd_binary(|dst, lhs, rhs| op::I64x2Add { dst, lhs, rhs }.into()),
            O::I64x2Sub => self.simd_binary(|dst, lhs, rhs| op::I64x2Sub { dst, lhs, rhs }.into()),
            O::I64x2Mul => self.simd_binary(|dst, lhs, rhs| op::I64x2Mul { dst, lhs, rhs }.into()),
            O::I64x2ExtMulLowI32x4S => {
                self.simd_binary(|dst, lhs, rhs| op::I64x2ExtMulLowI32x4S { dst, lhs, rhs }.into())
            }
            O::I64x2ExtMulHighI32x4S => {
                self.simd_binary(|dst, lhs, rhs| op::I64x2ExtMulHighI32x4S { dst, lhs, rhs }.into())
            }
            O::I64x2ExtMulLowI32x4U => {
                self.simd_binary(|dst, lhs, rhs| op::I64x2ExtMulLowI32x4U { dst, lhs, rhs }.into())
            }
            O::I64x2ExtMulHighI32x4U => {
                self.simd_binary(|dst, lhs, rhs| op::I64x2ExtMulHighI32x4U { dst, lhs, rhs }.into())
            }
            O::F32x4Add => self.simd_binary(|dst, lhs, rhs| op::F32x4Add { dst, lhs, rhs }.into()),
            O::F32x4Sub => self.simd_binary(|dst, lhs, rhs| op::F32x4Sub { dst, lhs, rhs }.into()),
            O::F32x4Mul => self.simd_binary(|dst, lhs, rhs| op::F32x4Mul { dst, lhs, rhs }.into()),
            O::F32x4Div => self.simd_binary(|dst, lhs, rhs| op::F32x4Div { dst, lhs, rhs }.into()),
            O::F32x4Min => self.simd_binary(|dst, lhs, rhs| op::F32x4Min { dst, lhs, rhs }.into()),
            O::F32x4Max => self.simd_binary(|dst, lhs, rhs| op::F32x4Max { dst, lhs, rhs }.into()),
            O::F32x4PMin => self.simd_binary(|dst, lhs, rhs| op::F32x4PMin { dst, lhs, rhs }.into()),
            O::F32x4PMax => self.simd_binary(|dst, lhs, rhs| op::F32x4PMax { dst, lhs, rhs }.into()),
            O::F64x2Add => self.simd_binary(|dst, lhs, rhs| op::F64x2Add { dst, lhs, rhs }.into()),
            O::F64x2Sub => self.simd_binary(|dst, lhs, rhs| op::F64x2Sub { dst, lhs, rhs }.into()),
            O::F64x2Mul => self.simd_binary(|dst, lhs, rhs| op::F64x2Mul { dst, lhs, rhs }.into()),
            O::F64x2Div => self.simd_binary(|dst, lhs, rhs| op::F64x2Div { dst, lhs, rhs }.into()),
            O::F64x2Min => self.simd_binary(|dst, lhs, rhs| op::F64x2Min { dst, lhs, rhs }.into()),
            O::F64x2Max => self.simd_binary(|dst, lhs, rhs| op::F64x2Max { dst, lhs, rhs }.into()),
            O::F64x2PMin => self.simd_binary(|dst, lhs, rhs| op::F64x2PMin { dst, lhs, rhs }.into()),
            O::F64x2PMax => self.simd_binary(|dst, lhs, rhs| op::F64x2PMax { dst, lhs, rhs }.into()),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Pops a `v128` and pushes `make(dst, src)`'s result.
    fn simd_unary(&mut self, make: Unary) {
        let src = wide(self.pop_slot());
        let dst = self.push_temp2();
        self.emit_result(make(wide(dst), src), dst, None);
    }

    /// Pops two `v128`s and pushes `make(dst, lhs, rhs)`'s result.
    fn simd_binary(&mut self, make: Binary) {
        let rhs = wide(self.pop_slot());
        let lhs = wide(self.pop_slot());
        let dst = self.push_temp2();
        self.emit_result(make(wide(dst), lhs, rhs), dst, None);
    }

    /// Pops three `v128`s and pushes `make(dst, a, b, c)`'s result.
    fn ternary(&mut self, make: Ternary) {
        let c = wide(self.pop_slot());
        let b = wide(self.pop_slot());
        let a = wide(self.pop_slot());
        let dst = self.push_temp2();
        self.emit_result(make(wide(dst), a, b, c), dst, None);
    }

    /// A shift: pops the i32 amount and a `v128`, pushes the result.
    fn shift(&mut self, make: fn(WideSlot, WideSlot, Slot) -> Instr) {
        let rhs = self.pop_slot();
        let lhs = wide(self.pop_slot());
        let dst = self.push_temp2();
        self.emit_result(make(wide(dst), lhs, rhs), dst, None);
    }

    /// Pops a `v128` and pushes a scalar made of it (`any_true`, `all_true`, `bitmask`).
    fn reduce(&mut self, make: fn(Slot, WideSlot) -> Instr) {
        let src = wide(self.pop_slot());
        let dst = self.push_temp();
        self.emit_result(make(dst, src), dst, None);
    }

    /// Pops a scalar and pushes it in every lane.
    fn splat(&mut self, make: fn(WideSlot, Slot) -> Instr) {
        let src = self.pop_slot();
        let dst = self.push_temp2();
        self.emit_result(make(wide(dst), src), dst, None);
    }

    /// Pops a `v128` and pushes its lane `lane`.
    fn extract_lane(&mut self, lane: u8, make: fn(Slot, WideSlot, u16) -> Instr) {
        let src = wide(self.pop_slot());
        let dst = self.push_temp();
        self.emit_result(make(dst, src, lane.into()), dst, None);
    }

    /// Pops a scalar and a `v128` and pushes the `v128` with lane `lane` replaced.
    fn replace_lane(&mut self, lane: u8, make: fn(WideSlot, WideSlot, Slot, u16) -> Instr) {
        let value = self.pop_slot();
        let src = wide(self.pop_slot());
        let dst = self.push_temp2();
        self.emit_result(make(wide(dst), src, value, lane.into()), dst, None);
    }

    /// A load of a `v128`: pops the address, pushes the value.
    fn simd_load(&mut self, memarg: MemArg, make: fn(WideSlot, Slot, u32) -> Instr) -> Result<(), Error> {
        let offset = memory_offset(&memarg)?;
        let addr = self.pop_slot();
        let dst = self.push_temp2();
        self.emit_result(make(wide(dst), addr, offset), dst, None);
        Ok(())
    }

    /// A load into one lane: pops the `v128` and the address, pushes the new value.
    fn load_lane(
        &mut self,
        memarg: MemArg,
        lane: u8,
        make: fn(WideSlot, Slot, WideSlot, u32, u16) -> Instr,
    ) -> Result<(), Error> {
        let offset = memory_offset(&memarg)?;
        let src = wide(self.pop_slot());
        let addr = self.pop_slot();
        let dst = self.push_temp2();
        self.emit_result(make(wide(dst), addr, src, offset, lane.into()), dst, None);
        Ok(())
    }

    /// A store of one lane: pops the `v128` and the address.
    fn store_lane(
        &mut self,
        memarg: MemArg,
        lane: u8,
        make: fn(Slot, WideSlot, u32, u16) -> Instr,
    ) -> Result<(), Error> {
        let offset = memory_offset(&memarg)?;
        let src = wide(self.pop_slot());
        let addr = self.pop_slot();
        self.emit(make(addr, src, offset, lane.into()));
        Ok(())
    }
}
