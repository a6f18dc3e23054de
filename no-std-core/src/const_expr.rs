//! Constant expressions: global initialisers, segment offsets and element items.

use alloc::vec::Vec;

/// One instruction of a constant expression (Wasm 2.0 plus extended-const arithmetic).
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum ConstOp {
    /// Push an i32.
    I32(i32),
    /// Push an i64.
    I64(i64),
    /// Push an f32 by its bits.
    F32(u32),
    /// Push an f64 by its bits.
    F64(u64),
    /// Push a v128 by its bits.
    V128(u128),
    /// Push a null reference.
    RefNull,
    /// Push a reference to the function with this module index.
    RefFunc(u32),
    /// Push the value of the global with this module index.
    GlobalGet(u32),
    /// i32.add
    I32Add,
    /// i32.sub
    I32Sub,
    /// i32.mul
    I32Mul,
    /// i64.add
    I64Add,
    /// i64.sub
    I64Sub,
    /// i64.mul
    I64Mul,
}

/// A validated constant expression.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ConstExpr {
    /// The instructions, without the final `end`.
    pub ops: Vec<ConstOp>,
}

impl ConstExpr {
    /// Evaluates the expression to its bits (see [`Val::to_bits`](crate::Val::to_bits): a `v128` whole, any
    /// other value as its 64-bit cell). `func_ref(i)` encodes a reference to module function `i`, `global(i)`
    /// reads module global `i`'s bits. The expression is validated, so the stack never underflows; a malformed
    /// one still yields 0 rather than panicking.
    pub fn eval(&self, func_ref: impl Fn(u32) -> u64, global: impl Fn(u32) -> u128) -> u128 {
        let mut stack: Vec<u128> = Vec::with_capacity(2);
        for op in &self.ops {
            let value = match *op {
                ConstOp::I32(v) => u128::from(v as u32),
                ConstOp::I64(v) => u128::from(v as u64),
                ConstOp::F32(v) => u128::from(v),
                ConstOp::F64(v) => u128::from(v),
                ConstOp::V128(v) => v,
                ConstOp::RefNull => 0,
                ConstOp::RefFunc(i) => u128::from(func_ref(i)),
                ConstOp::GlobalGet(i) => global(i),
                binary => {
                    let rhs = stack.pop().unwrap_or(0) as u64;
                    let lhs = stack.pop().unwrap_or(0) as u64;
                    let (l32, r32) = (lhs as u32, rhs as u32);
                    match binary {
                        ConstOp::I32Add => l32.wrapping_add(r32) as u64,
                        ConstOp::I32Sub => l32.wrapping_sub(r32) as u64,
                        ConstOp::I32Mul => l32.wrapping_mul(r32) as u64,
                        ConstOp::I64Add => lhs.wrapping_add(rhs),
                        ConstOp::I64Sub => lhs.wrapping_sub(rhs),
                        _ => lhs.wrapping_mul(rhs),
                    }
                    .into()
                }
            };
            stack.push(value);
        }
        stack.pop().unwrap_or(0)
    }
}
