//! Integer and float arithmetic, comparisons and conversions: `dst = f(operands)`, with `f` written inline
//! or taken from `num` (the semantics the hardware does not give directly).

#[allow(unused_imports)] // `unary_try` serves float conversions only
use super::{binary, binary_try, float, unary, unary_try, with_imm};
use super::{get, handler, set, step};
use crate::exec::num;
use crate::ops::op;

unary! {
    I32Eqz => |a: u32| a == 0;
    I32Clz => |a: u32| a.leading_zeros();
    I32Ctz => |a: u32| a.trailing_zeros();
    I32Popcnt => |a: u32| a.count_ones();
}

unary! {
    I64Eqz => |a: u64| a == 0;
    I64Clz => |a: u64| u64::from(a.leading_zeros());
    I64Ctz => |a: u64| u64::from(a.trailing_zeros());
    I64Popcnt => |a: u64| u64::from(a.count_ones());
    I32WrapI64 => |a: u64| a as u32;
    I64ExtendI32S => |a: i32| i64::from(a);
    I64ExtendI32U => |a: u32| u64::from(a);
    I32Extend8S => |a: u32| i32::from(a as i8);
    I32Extend16S => |a: u32| i32::from(a as i16);
    I64Extend8S => |a: u64| i64::from(a as i8);
    I64Extend16S => |a: u64| i64::from(a as i16);
    I64Extend32S => |a: u64| i64::from(a as i32);
}

binary! {
    I32Eq => |a: u32, b: u32| a == b;
    I32Ne => |a: u32, b: u32| a != b;
    I32LtS => |a: i32, b: i32| a < b;
    I32LtU => |a: u32, b: u32| a < b;
    I32GtS => |a: i32, b: i32| a > b;
    I32GtU => |a: u32, b: u32| a > b;
    I32LeS => |a: i32, b: i32| a <= b;
    I32LeU => |a: u32, b: u32| a <= b;
    I32GeS => |a: i32, b: i32| a >= b;
    I32GeU => |a: u32, b: u32| a >= b;
    I32Add => |a: u32, b: u32| a.wrapping_add(b);
    I32Sub => |a: u32, b: u32| a.wrapping_sub(b);
    I32Mul => |a: u32, b: u32| a.wrapping_mul(b);
    I32And => |a: u32, b: u32| a & b;
    I32Or => |a: u32, b: u32| a | b;
    I32Xor => |a: u32, b: u32| a ^ b;
    I32Shl => |a: u32, b: u32| a.wrapping_shl(b);
    I32ShrS => |a: i32, b: u32| a.wrapping_shr(b);
    I32ShrU => |a: u32, b: u32| a.wrapping_shr(b);
    I32Rotl => |a: u32, b: u32| a.rotate_left(b % 32);
    I32Rotr => |a: u32, b: u32| a.rotate_right(b % 32);
}

binary! {
    I64Eq => |a: u64, b: u64| a == b;
    I64Ne => |a: u64, b: u64| a != b;
    I64LtS => |a: i64, b: i64| a < b;
    I64LtU => |a: u64, b: u64| a < b;
    I64GtS => |a: i64, b: i64| a > b;
    I64GtU => |a: u64, b: u64| a > b;
    I64LeS => |a: i64, b: i64| a <= b;
    I64LeU => |a: u64, b: u64| a <= b;
    I64GeS => |a: i64, b: i64| a >= b;
    I64GeU => |a: u64, b: u64| a >= b;
    I64Add => |a: u64, b: u64| a.wrapping_add(b);
    I64Sub => |a: u64, b: u64| a.wrapping_sub(b);
    I64Mul => |a: u64, b: u64| a.wrapping_mul(b);
    I64And => |a: u64, b: u64| a & b;
    I64Or => |a: u64, b: u64| a | b;
    I64Xor => |a: u64, b: u64| a ^ b;
    I64Shl => |a: u64, b: u64| a.wrapping_shl(b as u32);
    I64ShrS => |a: i64, b: u64| a.wrapping_shr(b as u32);
    I64ShrU => |a: u64, b: u64| a.wrapping_shr(b as u32);
    I64Rotl => |a: u64, b: u64| a.rotate_left((b % 64) as u32);
    I64Rotr => |a: u64, b: u64| a.rotate_right((b % 64) as u32);
}

binary_try! {
    I32DivS => num::i32_div_s;
    I32DivU => num::i32_div_u;
    I32RemS => num::i32_rem_s;
    I32RemU => num::i32_rem_u;
}

binary_try! {
    I64DivS => num::i64_div_s;
    I64DivU => num::i64_div_u;
    I64RemS => num::i64_rem_s;
    I64RemU => num::i64_rem_u;
}

with_imm! {
    I32AddImm => |a: i32, b| a.wrapping_add(i32::from(b));
    I32MulImm => |a: i32, b| a.wrapping_mul(i32::from(b));
    I32AndImm => |a: i32, b| a & i32::from(b);
    I32OrImm => |a: i32, b| a | i32::from(b);
    I32XorImm => |a: i32, b| a ^ i32::from(b);
    I32ShlImm => |a: u32, b| a.wrapping_shl(b as u32);
    I32ShrSImm => |a: i32, b| a.wrapping_shr(b as u32);
    I32ShrUImm => |a: u32, b| a.wrapping_shr(b as u32);
    I32RotlImm => |a: u32, b| a.rotate_left(b as u32 % 32);
    I32EqImm => |a: i32, b| a == i32::from(b);
    I32NeImm => |a: i32, b| a != i32::from(b);
    I32LtSImm => |a: i32, b| a < i32::from(b);
    I32LtUImm => |a: u32, b| a < i32::from(b) as u32;
    I32GtSImm => |a: i32, b| a > i32::from(b);
    I32GtUImm => |a: u32, b| a > i32::from(b) as u32;
    I32LeSImm => |a: i32, b| a <= i32::from(b);
    I32LeUImm => |a: u32, b| a <= i32::from(b) as u32;
    I32GeSImm => |a: i32, b| a >= i32::from(b);
    I32GeUImm => |a: u32, b| a >= i32::from(b) as u32;
}

with_imm! {
    I64AddImm => |a: i64, b| a.wrapping_add(i64::from(b));
    I64MulImm => |a: i64, b| a.wrapping_mul(i64::from(b));
    I64AndImm => |a: i64, b| a & i64::from(b);
    I64OrImm => |a: i64, b| a | i64::from(b);
    I64XorImm => |a: i64, b| a ^ i64::from(b);
    I64ShlImm => |a: u64, b| a.wrapping_shl(b as u32);
    I64ShrSImm => |a: i64, b| a.wrapping_shr(b as u32);
    I64ShrUImm => |a: u64, b| a.wrapping_shr(b as u32);
    I64RotlImm => |a: u64, b| a.rotate_left(b as u32 % 64);
    I64EqImm => |a: i64, b| a == i64::from(b);
    I64NeImm => |a: i64, b| a != i64::from(b);
    I64LtSImm => |a: i64, b| a < i64::from(b);
    I64LtUImm => |a: u64, b| a < i64::from(b) as u64;
    I64GtSImm => |a: i64, b| a > i64::from(b);
    I64GtUImm => |a: u64, b| a > i64::from(b) as u64;
    I64LeSImm => |a: i64, b| a <= i64::from(b);
    I64LeUImm => |a: u64, b| a <= i64::from(b) as u64;
    I64GeSImm => |a: i64, b| a >= i64::from(b);
    I64GeUImm => |a: u64, b| a >= i64::from(b) as u64;
}

impl op::I32ShrUAndImm {
    /// The operation: `I32ShrUImm`'s, then `I32AndImm`'s.
    #[inline(always)]
    pub(crate) fn eval(a: u32, shift: i16, mask: i16) -> u32 {
        a.wrapping_shr(shift as u32) & i32::from(mask) as u32
    }
}

handler! {
    /// `s[dst] = (s[lhs] as u32 >> shift) & mask`
    fn I32ShrUAndImm(cx, ip, sp, mem) {
        let i = op::I32ShrUAndImm::decode_ptr(ip);
        set(sp, i.dst, u64::from(op::I32ShrUAndImm::eval(get(sp, i.lhs) as u32, i.shift, i.mask)));
        step!(I32ShrUAndImm, cx, ip, sp, mem)
    }
}

float!(unary {
    F32Abs => |a: u32| a & 0x7fff_ffff;
    F32Neg => |a: u32| a ^ 0x8000_0000;
    F32Ceil => |a: f32| num::f32_ceil(a);
    F32Floor => |a: f32| num::f32_floor(a);
    F32Trunc => |a: f32| num::f32_trunc(a);
    F32Nearest => |a: f32| num::f32_nearest(a);
    F32Sqrt => |a: f32| num::f32_sqrt(a);
    F64Abs => |a: u64| a & 0x7fff_ffff_ffff_ffff;
    F64Neg => |a: u64| a ^ 0x8000_0000_0000_0000;
    F64Ceil => |a: f64| num::f64_ceil(a);
    F64Floor => |a: f64| num::f64_floor(a);
    F64Trunc => |a: f64| num::f64_trunc(a);
    F64Nearest => |a: f64| num::f64_nearest(a);
    F64Sqrt => |a: f64| num::f64_sqrt(a);
    F32ConvertI32S => |a: i32| a as f32;
    F32ConvertI32U => |a: u32| a as f32;
    F32ConvertI64S => |a: i64| a as f32;
    F32ConvertI64U => |a: u64| a as f32;
    F32DemoteF64 => |a: f64| num::f32_demote(a);
    F64ConvertI32S => |a: i32| f64::from(a);
    F64ConvertI32U => |a: u32| f64::from(a);
    F64ConvertI64S => |a: i64| a as f64;
    F64ConvertI64U => |a: u64| a as f64;
    F64PromoteF32 => |a: f32| num::f64_promote(a);
    I32TruncSatF32S => |a: f32| a as i32;
    I32TruncSatF32U => |a: f32| a as u32;
    I32TruncSatF64S => |a: f64| a as i32;
    I32TruncSatF64U => |a: f64| a as u32;
    I64TruncSatF32S => |a: f32| a as i64;
    I64TruncSatF32U => |a: f32| a as u64;
    I64TruncSatF64S => |a: f64| a as i64;
    I64TruncSatF64U => |a: f64| a as u64;
});

float!(binary {
    F32Eq => |a: f32, b: f32| a == b;
    F32Ne => |a: f32, b: f32| a != b;
    F32Lt => |a: f32, b: f32| a < b;
    F32Gt => |a: f32, b: f32| a > b;
    F32Le => |a: f32, b: f32| a <= b;
    F32Ge => |a: f32, b: f32| a >= b;
    F32Add => |a: f32, b: f32| a + b;
    F32Sub => |a: f32, b: f32| a - b;
    F32Mul => |a: f32, b: f32| a * b;
    F32Div => |a: f32, b: f32| a / b;
    F32Min => |a: f32, b: f32| num::f32_min(a, b);
    F32Max => |a: f32, b: f32| num::f32_max(a, b);
    F32Copysign => |a: u32, b: u32| num::f32_copysign(a, b);
    F64Eq => |a: f64, b: f64| a == b;
    F64Ne => |a: f64, b: f64| a != b;
    F64Lt => |a: f64, b: f64| a < b;
    F64Gt => |a: f64, b: f64| a > b;
    F64Le => |a: f64, b: f64| a <= b;
    F64Ge => |a: f64, b: f64| a >= b;
    F64Add => |a: f64, b: f64| a + b;
    F64Sub => |a: f64, b: f64| a - b;
    F64Mul => |a: f64, b: f64| a * b;
    F64Div => |a: f64, b: f64| a / b;
    F64Min => |a: f64, b: f64| num::f64_min(a, b);
    F64Max => |a: f64, b: f64| num::f64_max(a, b);
    F64Copysign => |a: u64, b: u64| num::f64_copysign(a, b);
});

float!(unary_try {
    I32TruncF32S => num::i32_trunc_f32_s;
    I32TruncF32U => num::i32_trunc_f32_u;
    I32TruncF64S => num::i32_trunc_f64_s;
    I32TruncF64U => num::i32_trunc_f64_u;
    I64TruncF32S => num::i64_trunc_f32_s;
    I64TruncF32U => num::i64_trunc_f32_u;
    I64TruncF64S => num::i64_trunc_f64_s;
    I64TruncF64U => num::i64_trunc_f64_u;
});

// 32-bit immediates: `imm` is a `u32`.
with_imm! {
    I32AddImm32 => |a: u32, b| a.wrapping_add(b);
    I32AndImm32 => |a: u32, b| a & b;
    I32OrImm32 => |a: u32, b| a | b;
    I32XorImm32 => |a: u32, b| a ^ b;
}
