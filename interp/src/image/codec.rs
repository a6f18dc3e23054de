//! The encodings shared by the writer and the loader: value types, external types and constant expressions.

use ember_core::{ConstOp, ValType};

/// The byte of a value type (the wasm binary encoding).
#[cfg(feature = "translate")]
pub(crate) fn valtype_byte(ty: ValType) -> u8 {
    match ty {
        ValType::I32 => 0x7f,
        ValType::I64 => 0x7e,
        ValType::F32 => 0x7d,
        ValType::F64 => 0x7c,
        ValType::V128 => 0x7b,
        ValType::FuncRef => 0x70,
        ValType::ExternRef => 0x6f,
    }
}

/// The value type of a byte, if it is one.
pub(crate) fn valtype_of(byte: u8) -> Option<ValType> {
    Some(match byte {
        0x7f => ValType::I32,
        0x7e => ValType::I64,
        0x7d => ValType::F32,
        0x7c => ValType::F64,
        0x7b => ValType::V128,
        0x70 => ValType::FuncRef,
        0x6f => ValType::ExternRef,
        _ => return None,
    })
}

/// Tag of an external type.
pub(crate) const EXTERN_FUNC: u8 = 0;
/// Tag of an external type.
pub(crate) const EXTERN_TABLE: u8 = 1;
/// Tag of an external type.
pub(crate) const EXTERN_MEMORY: u8 = 2;
/// Tag of an external type.
pub(crate) const EXTERN_GLOBAL: u8 = 3;

/// A constant-expression instruction as a tag plus an operand (0 when it has none).
#[cfg(feature = "translate")]
pub(crate) fn const_op_parts(op: ConstOp) -> (u8, u128) {
    match op {
        ConstOp::I32(v) => (0, u128::from(v as u32)),
        ConstOp::I64(v) => (1, u128::from(v as u64)),
        ConstOp::F32(v) => (2, u128::from(v)),
        ConstOp::F64(v) => (3, u128::from(v)),
        ConstOp::RefNull => (4, 0),
        ConstOp::RefFunc(i) => (5, u128::from(i)),
        ConstOp::GlobalGet(i) => (6, u128::from(i)),
        ConstOp::I32Add => (7, 0),
        ConstOp::I32Sub => (8, 0),
        ConstOp::I32Mul => (9, 0),
        ConstOp::I64Add => (10, 0),
        ConstOp::I64Sub => (11, 0),
        ConstOp::I64Mul => (12, 0),
        ConstOp::V128(v) => (13, v),
    }
}

/// How many bytes of operand a constant-expression tag carries (0, 4, 8, or 16 for `v128.const`), `None` for
/// an unknown tag.
pub(crate) fn const_tag_operand_bytes(tag: u8) -> Option<usize> {
    match tag {
        0 | 2 | 5 | 6 => Some(4),
        1 | 3 => Some(8),
        13 => Some(16),
        4 | 7..=12 => Some(0),
        _ => None,
    }
}

/// The instruction of a tag and operand.
pub(crate) fn const_op_of(tag: u8, v: u128) -> Option<ConstOp> {
    Some(match tag {
        0 => ConstOp::I32(v as u32 as i32),
        1 => ConstOp::I64(v as u64 as i64),
        2 => ConstOp::F32(v as u32),
        3 => ConstOp::F64(v as u64),
        13 => ConstOp::V128(v),
        4 => ConstOp::RefNull,
        5 => ConstOp::RefFunc(v as u32),
        6 => ConstOp::GlobalGet(v as u32),
        7 => ConstOp::I32Add,
        8 => ConstOp::I32Sub,
        9 => ConstOp::I32Mul,
        10 => ConstOp::I64Add,
        11 => ConstOp::I64Sub,
        12 => ConstOp::I64Mul,
        _ => return None,
    })
}
