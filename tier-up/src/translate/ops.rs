//! The operator dispatch, and the numeric operators with their exact wasm semantics (trapping division and
//! float-to-int conversion are checked explicitly before the Cranelift instruction, which then cannot trap).

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{types, InstBuilder, MemFlagsData, Type, Value};

use super::flags::Mem;
use ember_core::TrapCode;
use wasmparser::Operator;

use super::{err, CompileError, Translator};

impl Translator<'_, '_> {
    fn bool_to_i32(&mut self, b: Value) -> Value {
        self.builder.ins().uextend(types::I32, b)
    }

    fn icmp(&mut self, cc: IntCC) {
        let (a, b) = self.pop2();
        let r = self.builder.ins().icmp(cc, a, b);
        let r = self.bool_to_i32(r);
        self.push(r);
    }

    fn fcmp(&mut self, cc: FloatCC) {
        let (a, b) = self.pop2();
        let r = self.builder.ins().fcmp(cc, a, b);
        let r = self.bool_to_i32(r);
        self.push(r);
    }

    fn eqz(&mut self) {
        let a = self.pop();
        let r = self.builder.ins().icmp_imm_s(IntCC::Equal, a, 0);
        let r = self.bool_to_i32(r);
        self.push(r);
    }

    /// Traps with `integer divide by zero` when `b` is 0.
    fn check_zero(&mut self, b: Value) {
        let zero = self.builder.ins().icmp_imm_s(IntCC::Equal, b, 0);
        self.trap_if(zero, TrapCode::IntegerDivisionByZero);
    }

    fn div_s(&mut self, ty: Type) {
        let (a, b) = self.pop2();
        self.check_zero(b);
        let min = if ty == types::I32 { i64::from(i32::MIN) } else { i64::MIN };
        let a_min = self.builder.ins().icmp_imm_s(IntCC::Equal, a, min);
        let b_neg1 = self.builder.ins().icmp_imm_s(IntCC::Equal, b, -1);
        let overflow = self.builder.ins().band(a_min, b_neg1);
        self.trap_if(overflow, TrapCode::IntegerOverflow);
        let r = self.builder.ins().sdiv(a, b);
        self.push(r);
    }

    fn rem_s(&mut self, ty: Type) {
        let (a, b) = self.pop2();
        self.check_zero(b);
        // x rem -1 is 0 for every x (wasm defines INT_MIN rem -1 = 0); x rem 1 is too, without overflow.
        let neg1 = self.builder.ins().icmp_imm_s(IntCC::Equal, b, -1);
        let one = self.builder.ins().iconst(ty, 1);
        let b = self.builder.ins().select(neg1, one, b);
        let r = self.builder.ins().srem(a, b);
        self.push(r);
    }

    fn div_rem_u(&mut self, rem: bool) {
        let (a, b) = self.pop2();
        self.check_zero(b);
        let r = if rem { self.builder.ins().urem(a, b) } else { self.builder.ins().udiv(a, b) };
        self.push(r);
    }

    /// Trapping float-to-int truncation: NaN traps with `invalid conversion to integer`, a value whose
    /// truncation is out of range with `integer overflow`.
    fn trunc(&mut self, from: Type, to: Type, signed: bool) {
        let x = self.pop();
        let nan = self.builder.ins().fcmp(FloatCC::Unordered, x, x);
        self.trap_if(nan, TrapCode::BadConversionToInteger);
        // Exclusive bounds: the largest float below the range and the smallest above it.
        let (lo, hi): (f64, f64) = match (to, signed) {
            (types::I32, true) => (if from == types::F32 { -2147483904.0 } else { -2147483649.0 }, 2147483648.0),
            (types::I32, false) => (-1.0, 4294967296.0),
            (_, true) => (
                if from == types::F32 { -9223373136366403584.0 } else { -9223372036854777856.0 },
                9223372036854775808.0,
            ),
            (_, false) => (-1.0, 18446744073709551616.0),
        };
        let (lo, hi) = if from == types::F32 {
            (self.builder.ins().f32const(lo as f32), self.builder.ins().f32const(hi as f32))
        } else {
            (self.builder.ins().f64const(lo), self.builder.ins().f64const(hi))
        };
        let below = self.builder.ins().fcmp(FloatCC::LessThanOrEqual, x, lo);
        let above = self.builder.ins().fcmp(FloatCC::GreaterThanOrEqual, x, hi);
        let out = self.builder.ins().bor(below, above);
        self.trap_if(out, TrapCode::IntegerOverflow);
        let r = if signed {
            self.builder.ins().fcvt_to_sint_sat(to, x)
        } else {
            self.builder.ins().fcvt_to_uint_sat(to, x)
        };
        self.push(r);
    }

    fn un(&mut self, f: impl FnOnce(&mut Self, Value) -> Value) {
        let a = self.pop();
        let r = f(self, a);
        self.push(r);
    }

    fn bin(&mut self, f: impl FnOnce(&mut Self, Value, Value) -> Value) {
        let (a, b) = self.pop2();
        let r = f(self, a, b);
        self.push(r);
    }

    fn sext(&mut self, ty: Type, narrow: Type) {
        self.un(|t, a| {
            let n = t.builder.ins().ireduce(narrow, a);
            t.builder.ins().sextend(ty, n)
        });
    }

    /// Translates one operator.
    pub(crate) fn visit(&mut self, op: Operator<'_>) -> Result<(), CompileError> {
        use Operator as O;
        if !self.reachable {
            self.skip_unreachable(&op);
            return Ok(());
        }
        self.fuel_count += 1;
        let (i32t, i64t, f32t, f64t) = (types::I32, types::I64, types::F32, types::F64);
        macro_rules! b {
            ($m:ident) => {
                self.bin(|t, a, b| t.builder.ins().$m(a, b))
            };
        }
        macro_rules! u {
            ($m:ident) => {
                self.un(|t, a| t.builder.ins().$m(a))
            };
            ($m:ident, $ty:expr) => {
                self.un(|t, a| t.builder.ins().$m($ty, a))
            };
        }
        match op {
            // ---- control ----
            O::Unreachable => {
                self.trap(TrapCode::Unreachable);
                self.reachable = false;
            }
            O::Nop => {}
            O::Block { blockty } => self.block(blockty)?,
            O::Loop { blockty } => self.loop_(blockty)?,
            O::If { blockty } => self.if_(blockty)?,
            O::Else => self.else_(),
            O::End => self.end(),
            O::Br { relative_depth } => self.br(relative_depth)?,
            O::BrIf { relative_depth } => self.br_if(relative_depth)?,
            O::BrTable { targets } => {
                let list = targets.targets().collect::<Result<Vec<u32>, _>>().map_err(|e| err(e.to_string()))?;
                self.br_table(&list, targets.default())?;
            }
            O::Return => self.return_()?,
            O::Call { function_index } => self.call(function_index)?,
            O::CallIndirect { type_index, table_index } => self.call_indirect(type_index, table_index)?,
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let (a, b, c) = self.pop3();
                let r = self.builder.ins().select(c, a, b);
                self.push(r);
            }

            // ---- variables ----
            O::LocalGet { local_index } => {
                let var = *self.locals.get(local_index as usize).ok_or_else(|| err("local index"))?;
                let v = self.builder.use_var(var);
                self.push(v);
            }
            O::LocalSet { local_index } => {
                let var = *self.locals.get(local_index as usize).ok_or_else(|| err("local index"))?;
                let v = self.pop();
                self.builder.def_var(var, v);
            }
            O::LocalTee { local_index } => {
                let var = *self.locals.get(local_index as usize).ok_or_else(|| err("local index"))?;
                let v = *self.stack.last().ok_or_else(|| err("empty stack"))?;
                self.builder.def_var(var, v);
            }
            O::GlobalGet { global_index } => self.global_get(global_index)?,
            O::GlobalSet { global_index } => self.global_set(global_index)?,

            // ---- memory ----
            O::I32Load { memarg } => {
                self.load(memarg, i32t, 4, |t, a| t.builder.ins().load(i32t, t.regions.flags(Mem::Heap), a, 0))
            }
            O::I64Load { memarg } => {
                self.load(memarg, i64t, 8, |t, a| t.builder.ins().load(i64t, t.regions.flags(Mem::Heap), a, 0))
            }
            O::F32Load { memarg } => {
                self.load(memarg, f32t, 4, |t, a| t.builder.ins().load(f32t, t.regions.flags(Mem::Heap), a, 0))
            }
            O::F64Load { memarg } => {
                self.load(memarg, f64t, 8, |t, a| t.builder.ins().load(f64t, t.regions.flags(Mem::Heap), a, 0))
            }
            O::I32Load8S { memarg } => {
                self.load(memarg, i32t, 1, |t, a| t.builder.ins().sload8(i32t, t.regions.flags(Mem::Heap), a, 0))
            }
            O::I32Load8U { memarg } => {
                self.load(memarg, i32t, 1, |t, a| t.builder.ins().uload8(i32t, t.regions.flags(Mem::Heap), a, 0))
            }
            O::I32Load16S { memarg } => {
                self.load(memarg, i32t, 2, |t, a| t.builder.ins().sload16(i32t, t.regions.flags(Mem::Heap), a, 0))
            }
            O::I32Load16U { memarg } => {
                self.load(memarg, i32t, 2, |t, a| t.builder.ins().uload16(i32t, t.regions.flags(Mem::Heap), a, 0))
            }
            O::I64Load8S { memarg } => {
                self.load(memarg, i64t, 1, |t, a| t.builder.ins().sload8(i64t, t.regions.flags(Mem::Heap), a, 0))
            }
            O::I64Load8U { memarg } => {
                self.load(memarg, i64t, 1, |t, a| t.builder.ins().uload8(i64t, t.regions.flags(Mem::Heap), a, 0))
            }
            O::I64Load16S { memarg } => {
                self.load(memarg, i64t, 2, |t, a| t.builder.ins().sload16(i64t, t.regions.flags(Mem::Heap), a, 0))
            }
            O::I64Load16U { memarg } => {
                self.load(memarg, i64t, 2, |t, a| t.builder.ins().uload16(i64t, t.regions.flags(Mem::Heap), a, 0))
            }
            O::I64Load32S { memarg } => {
                self.load(memarg, i64t, 4, |t, a| t.builder.ins().sload32(t.regions.flags(Mem::Heap), a, 0))
            }
            O::I64Load32U { memarg } => {
                self.load(memarg, i64t, 4, |t, a| t.builder.ins().uload32(t.regions.flags(Mem::Heap), a, 0))
            }
            O::I32Store { memarg } | O::F32Store { memarg } => self.store(memarg, 4, |t, v, a| {
                t.builder.ins().store(t.regions.flags(Mem::Heap), v, a, 0);
            }),
            O::I64Store { memarg } | O::F64Store { memarg } => self.store(memarg, 8, |t, v, a| {
                t.builder.ins().store(t.regions.flags(Mem::Heap), v, a, 0);
            }),
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => self.store(memarg, 1, |t, v, a| {
                t.builder.ins().istore8(t.regions.flags(Mem::Heap), v, a, 0);
            }),
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => self.store(memarg, 2, |t, v, a| {
                t.builder.ins().istore16(t.regions.flags(Mem::Heap), v, a, 0);
            }),
            O::I64Store32 { memarg } => self.store(memarg, 4, |t, v, a| {
                t.builder.ins().istore32(t.regions.flags(Mem::Heap), v, a, 0);
            }),
            O::MemorySize { .. } => self.memory_size(),
            O::MemoryGrow { .. } => self.memory_grow(),
            O::MemoryFill { .. } => self.memory_fill(),
            O::MemoryCopy { .. } => self.memory_copy(),
            O::MemoryInit { data_index, .. } => self.memory_init(data_index),
            O::DataDrop { data_index } => self.data_drop(data_index),

            // ---- constants ----
            O::I32Const { value } => {
                let v = self.builder.ins().iconst(i32t, i64::from(value));
                self.push(v);
            }
            O::I64Const { value } => {
                let v = self.builder.ins().iconst(i64t, value);
                self.push(v);
            }
            O::F32Const { value } => {
                let v = self.builder.ins().f32const(f32::from_bits(value.bits()));
                self.push(v);
            }
            O::F64Const { value } => {
                let v = self.builder.ins().f64const(f64::from_bits(value.bits()));
                self.push(v);
            }

            // ---- references and tables ----
            O::RefNull { .. } => {
                let v = self.builder.ins().iconst(i64t, 0);
                self.push(v);
            }
            O::RefIsNull => {
                let a = self.pop();
                let r = self.builder.ins().icmp_imm_s(IntCC::Equal, a, 0);
                let r = self.bool_to_i32(r);
                self.push(r);
            }
            O::RefFunc { function_index } => self.ref_func(function_index)?,
            O::TableGet { table } => self.table_get(table)?,
            O::TableSet { table } => self.table_set(table)?,
            O::TableSize { table } => self.table_size(table)?,
            O::TableGrow { table } => self.table_grow(table)?,
            O::TableFill { table } => self.table_fill(table)?,
            O::TableCopy { dst_table, src_table } => self.table_copy(dst_table, src_table)?,
            O::TableInit { elem_index, table } => self.table_init(elem_index, table)?,
            O::ElemDrop { elem_index } => self.elem_drop(elem_index),

            // ---- i32 ----
            O::I32Eqz | O::I64Eqz => self.eqz(),
            O::I32Eq | O::I64Eq => self.icmp(IntCC::Equal),
            O::I32Ne | O::I64Ne => self.icmp(IntCC::NotEqual),
            O::I32LtS | O::I64LtS => self.icmp(IntCC::SignedLessThan),
            O::I32LtU | O::I64LtU => self.icmp(IntCC::UnsignedLessThan),
            O::I32GtS | O::I64GtS => self.icmp(IntCC::SignedGreaterThan),
            O::I32GtU | O::I64GtU => self.icmp(IntCC::UnsignedGreaterThan),
            O::I32LeS | O::I64LeS => self.icmp(IntCC::SignedLessThanOrEqual),
            O::I32LeU | O::I64LeU => self.icmp(IntCC::UnsignedLessThanOrEqual),
            O::I32GeS | O::I64GeS => self.icmp(IntCC::SignedGreaterThanOrEqual),
            O::I32GeU | O::I64GeU => self.icmp(IntCC::UnsignedGreaterThanOrEqual),
            O::I32Clz | O::I64Clz => u!(clz),
            O::I32Ctz | O::I64Ctz => u!(ctz),
            O::I32Popcnt | O::I64Popcnt => u!(popcnt),
            O::I32Add | O::I64Add => b!(iadd),
            O::I32Sub | O::I64Sub => b!(isub),
            O::I32Mul | O::I64Mul => b!(imul),
            O::I32DivS => self.div_s(i32t),
            O::I64DivS => self.div_s(i64t),
            O::I32DivU | O::I64DivU => self.div_rem_u(false),
            O::I32RemS => self.rem_s(i32t),
            O::I64RemS => self.rem_s(i64t),
            O::I32RemU | O::I64RemU => self.div_rem_u(true),
            O::I32And | O::I64And => b!(band),
            O::I32Or | O::I64Or => b!(bor),
            O::I32Xor | O::I64Xor => b!(bxor),
            // Cranelift shifts and rotates take the amount modulo the width, as wasm does.
            O::I32Shl | O::I64Shl => b!(ishl),
            O::I32ShrS | O::I64ShrS => b!(sshr),
            O::I32ShrU | O::I64ShrU => b!(ushr),
            O::I32Rotl | O::I64Rotl => b!(rotl),
            O::I32Rotr | O::I64Rotr => b!(rotr),

            // ---- floats ----
            O::F32Eq | O::F64Eq => self.fcmp(FloatCC::Equal),
            O::F32Ne | O::F64Ne => self.fcmp(FloatCC::NotEqual),
            O::F32Lt | O::F64Lt => self.fcmp(FloatCC::LessThan),
            O::F32Gt | O::F64Gt => self.fcmp(FloatCC::GreaterThan),
            O::F32Le | O::F64Le => self.fcmp(FloatCC::LessThanOrEqual),
            O::F32Ge | O::F64Ge => self.fcmp(FloatCC::GreaterThanOrEqual),
            O::F32Abs | O::F64Abs => u!(fabs),
            O::F32Neg | O::F64Neg => u!(fneg),
            O::F32Ceil | O::F64Ceil => u!(ceil),
            O::F32Floor | O::F64Floor => u!(floor),
            O::F32Trunc | O::F64Trunc => u!(trunc),
            O::F32Nearest | O::F64Nearest => u!(nearest),
            O::F32Sqrt | O::F64Sqrt => u!(sqrt),
            O::F32Add | O::F64Add => b!(fadd),
            O::F32Sub | O::F64Sub => b!(fsub),
            O::F32Mul | O::F64Mul => b!(fmul),
            O::F32Div | O::F64Div => b!(fdiv),
            // Cranelift's fmin/fmax have wasm's semantics (NaN propagates, -0 < +0).
            O::F32Min | O::F64Min => b!(fmin),
            O::F32Max | O::F64Max => b!(fmax),
            O::F32Copysign | O::F64Copysign => b!(fcopysign),

            // ---- conversions ----
            O::I32WrapI64 => u!(ireduce, i32t),
            O::I64ExtendI32S => u!(sextend, i64t),
            O::I64ExtendI32U => u!(uextend, i64t),
            O::I32TruncF32S => self.trunc(f32t, i32t, true),
            O::I32TruncF32U => self.trunc(f32t, i32t, false),
            O::I32TruncF64S => self.trunc(f64t, i32t, true),
            O::I32TruncF64U => self.trunc(f64t, i32t, false),
            O::I64TruncF32S => self.trunc(f32t, i64t, true),
            O::I64TruncF32U => self.trunc(f32t, i64t, false),
            O::I64TruncF64S => self.trunc(f64t, i64t, true),
            O::I64TruncF64U => self.trunc(f64t, i64t, false),
            O::I32TruncSatF32S | O::I32TruncSatF64S => u!(fcvt_to_sint_sat, i32t),
            O::I32TruncSatF32U | O::I32TruncSatF64U => u!(fcvt_to_uint_sat, i32t),
            O::I64TruncSatF32S | O::I64TruncSatF64S => u!(fcvt_to_sint_sat, i64t),
            O::I64TruncSatF32U | O::I64TruncSatF64U => u!(fcvt_to_uint_sat, i64t),
            O::F32ConvertI32S | O::F32ConvertI64S => u!(fcvt_from_sint, f32t),
            O::F32ConvertI32U | O::F32ConvertI64U => u!(fcvt_from_uint, f32t),
            O::F64ConvertI32S | O::F64ConvertI64S => u!(fcvt_from_sint, f64t),
            O::F64ConvertI32U | O::F64ConvertI64U => u!(fcvt_from_uint, f64t),
            O::F32DemoteF64 => u!(fdemote, f32t),
            O::F64PromoteF32 => u!(fpromote, f64t),
            O::I32ReinterpretF32 => self.un(|t, a| t.builder.ins().bitcast(i32t, MemFlagsData::new(), a)),
            O::I64ReinterpretF64 => self.un(|t, a| t.builder.ins().bitcast(i64t, MemFlagsData::new(), a)),
            O::F32ReinterpretI32 => self.un(|t, a| t.builder.ins().bitcast(f32t, MemFlagsData::new(), a)),
            O::F64ReinterpretI64 => self.un(|t, a| t.builder.ins().bitcast(f64t, MemFlagsData::new(), a)),
            O::I32Extend8S => self.sext(i32t, types::I8),
            O::I32Extend16S => self.sext(i32t, types::I16),
            O::I64Extend8S => self.sext(i64t, types::I8),
            O::I64Extend16S => self.sext(i64t, types::I16),
            O::I64Extend32S => self.sext(i64t, types::I32),

            other => {
                let name = format!("{other:?}");
                const SIMD: [&str; 7] = ["V128", "I8x16", "I16x8", "I32x4", "I64x2", "F32x4", "F64x2"];
                if SIMD.iter().any(|shape| name.starts_with(shape)) {
                    return Err(super::simd());
                }
                return Err(err(format!("operator not compiled: {name}")));
            }
        }
        Ok(())
    }
}
