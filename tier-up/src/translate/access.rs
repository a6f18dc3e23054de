//! Operators that reach the runtime: memory (inline, with explicit bounds checks), globals, calls, tables,
//! bulk memory and segment drops (through runtime helpers).

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{types, AbiParam, InstBuilder, Signature, StackSlotData, StackSlotKind, Type, Value};
use ember_core::TrapCode;
use wasmparser::MemArg;

use super::flags::Mem;
use super::{err, native_signature, CompileError, Translator};
use crate::env::{GlobalPlace, Helper, VmField};

impl Translator<'_, '_> {
    /// Pops an i32 address and returns the native address of the `size`-byte access at it plus `memarg`'s
    /// offset, trapping with `out of bounds memory access` unless all of it lies inside memory 0.
    fn heap_addr(&mut self, memarg: MemArg, size: u64) -> Value {
        let index = self.pop();
        let ea = self.builder.ins().uextend(types::I64, index);
        let reach = memarg.offset + size;
        let block = self.builder.current_block();
        if !self.heap_checks.covers(block, index, reach) {
            // Both terms are below 2^32, so the sum cannot wrap.
            let end = self.builder.ins().iadd_imm_s(ea, reach as i64);
            let len = self.vmctx_load(types::I64, VmField::MemLen);
            let oob = self.builder.ins().icmp(IntCC::UnsignedGreaterThan, end, len);
            self.trap_if(oob, TrapCode::MemoryOutOfBounds);
            self.heap_checks.record(index, reach);
        }
        let base = self.vmctx_load(self.pointer, VmField::MemBase);
        let addr = self.builder.ins().iadd(base, ea);
        if memarg.offset == 0 {
            addr
        } else {
            self.builder.ins().iadd_imm_s(addr, memarg.offset as i64)
        }
    }

    pub(crate) fn load(&mut self, memarg: MemArg, _ty: Type, size: u64, f: impl FnOnce(&mut Self, Value) -> Value) {
        let addr = self.heap_addr(memarg, size);
        let v = f(self, addr);
        self.push(v);
    }

    pub(crate) fn store(&mut self, memarg: MemArg, size: u64, f: impl FnOnce(&mut Self, Value, Value)) {
        let v = self.pop();
        let addr = self.heap_addr(memarg, size);
        f(self, v, addr);
    }

    pub(crate) fn memory_size(&mut self) {
        let len = self.vmctx_load(types::I64, VmField::MemLen);
        let pages = self.builder.ins().ushr_imm_s(len, 16);
        let pages = self.builder.ins().ireduce(types::I32, pages);
        self.push(pages);
    }

    /// Calls runtime helper `helper` with the context pointer and `args`; returns its result.
    fn call_helper(&mut self, helper: Helper, args: &[Value], ret: Type) -> Value {
        let mut sig = Signature::new(self.builder.func.signature.call_conv);
        sig.params.push(AbiParam::new(self.pointer));
        for a in args {
            let ty = self.builder.func.dfg.value_type(*a);
            sig.params.push(AbiParam::new(ty));
        }
        sig.returns.push(AbiParam::new(ret));
        let sig = self.builder.import_signature(sig);
        let addr = self.builder.ins().iconst(self.pointer, self.env.helper(helper) as i64);
        let mut all = Vec::with_capacity(args.len() + 1);
        all.push(self.vmctx);
        all.extend_from_slice(args);
        let call = self.builder.ins().call_indirect(sig, addr, &all);
        self.builder.inst_results(call)[0]
    }

    /// Calls a helper that returns a status, and leaves with it if it is a trap.
    fn checked_helper(&mut self, helper: Helper, args: &[Value]) {
        let status = self.call_helper(helper, args, types::I32);
        self.check_status(status);
    }

    fn iconst32(&mut self, v: u32) -> Value {
        self.builder.ins().iconst(types::I32, i64::from(v))
    }

    pub(crate) fn memory_grow(&mut self) {
        let delta = self.pop();
        let r = self.call_helper(Helper::MemoryGrow, &[delta], types::I32);
        self.push(r);
    }

    pub(crate) fn memory_fill(&mut self) {
        let (d, v, n) = self.pop3();
        self.checked_helper(Helper::MemoryFill, &[d, v, n]);
    }

    pub(crate) fn memory_copy(&mut self) {
        let (d, s, n) = self.pop3();
        self.checked_helper(Helper::MemoryCopy, &[d, s, n]);
    }

    pub(crate) fn memory_init(&mut self, segment: u32) {
        let (d, s, n) = self.pop3();
        let seg = self.iconst32(segment);
        self.checked_helper(Helper::MemoryInit, &[seg, d, s, n]);
    }

    pub(crate) fn data_drop(&mut self, segment: u32) {
        let seg = self.iconst32(segment);
        self.checked_helper(Helper::DataDrop, &[seg]);
    }

    pub(crate) fn elem_drop(&mut self, segment: u32) {
        let seg = self.iconst32(segment);
        self.checked_helper(Helper::ElemDrop, &[seg]);
    }

    // ---- globals ----

    pub(crate) fn global_get(&mut self, global: u32) -> Result<(), CompileError> {
        let (place, ty) = self.env.global(global).ok_or_else(|| err("global index"))?;
        let ty = super::clif_type(ty)?;
        let v = match place {
            GlobalPlace::Const(bits) => match ty {
                types::F32 => self.builder.ins().f32const(f32::from_bits(bits as u32)),
                types::F64 => self.builder.ins().f64const(f64::from_bits(bits)),
                types::I32 => self.builder.ins().iconst(types::I32, i64::from(bits as u32)),
                _ => self.builder.ins().iconst(types::I64, bits as i64),
            },
            GlobalPlace::Cell(offset) => {
                let base = self.vmctx_load(self.pointer, VmField::GlobalsBase);
                self.builder.ins().load(ty, self.regions.flags(Mem::Cells), base, offset)
            }
        };
        self.push(v);
        Ok(())
    }

    pub(crate) fn global_set(&mut self, global: u32) -> Result<(), CompileError> {
        let (place, _) = self.env.global(global).ok_or_else(|| err("global index"))?;
        let GlobalPlace::Cell(offset) = place else { return Err(err("global.set of an immutable global")) };
        let v = self.pop();
        let base = self.vmctx_load(self.pointer, VmField::GlobalsBase);
        let base = self.builder.ins().iadd_imm_s(base, i64::from(offset));
        self.store_cell(base, 0, v);
        Ok(())
    }

    // ---- calls ----

    /// The address of scratch cells for a call with `n` argument/result cells (one stack slot per function,
    /// as large as its largest call).
    fn call_cells(&mut self, n: usize) -> Value {
        let size = (n.max(1) * 8) as u32;
        let slot = match self.call_slot {
            Some((slot, max)) => {
                self.call_slot = Some((slot, max.max(size)));
                slot
            }
            None => {
                let slot =
                    self.builder.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, size, 3));
                self.call_slot = Some((slot, size));
                slot
            }
        };
        self.builder.ins().stack_addr(self.pointer, slot, 0)
    }

    /// Pops `params` arguments into call cells; returns the cells' address and the callee's depth.
    fn call_args(&mut self, params: usize, results: usize) -> (Value, Value) {
        let at = self.stack.len().saturating_sub(params);
        let args = self.stack.split_off(at);
        let cells = self.call_cells(params.max(results));
        for (i, a) in args.iter().enumerate() {
            self.store_cell(cells, i as u32, *a);
        }
        let depth = self.builder.ins().iadd_imm_s(self.depth, 1);
        (cells, depth)
    }

    fn push_results(&mut self, cells: Value, results: &[ember_core::ValType]) -> Result<(), CompileError> {
        for (i, ty) in results.iter().enumerate() {
            let ty = super::clif_type(*ty)?;
            let v = self.load_cell(cells, i as u32, ty);
            self.push(v);
        }
        Ok(())
    }

    pub(crate) fn call(&mut self, func: u32) -> Result<(), CompileError> {
        let ty = self.env.func_type(func).ok_or_else(|| err("function index"))?.clone();
        let callee = self.env.callee(func).ok_or_else(|| err("function index"))?;
        let (cells, depth) = self.call_args(ty.params().len(), ty.results().len());
        let index = self.iconst32(callee.store_index);
        let status = if callee.local {
            // Native callee of this instance: call it directly once it has code, else through the runtime.
            let ptrs = self.vmctx_load(self.pointer, VmField::FuncPtrs);
            let offset = func as i32 * self.pointer.bytes() as i32;
            let code = self.builder.ins().load(self.pointer, self.regions.flags(Mem::Runtime), ptrs, offset);
            let direct = self.builder.create_block();
            let slow = self.builder.create_block();
            let join = self.builder.create_block();
            let status = self.builder.append_block_param(join, types::I32);
            self.builder.ins().brif(code, direct, &[], slow, &[]);

            self.builder.switch_to_block(direct);
            self.builder.seal_block(direct);
            let sig = native_signature(self.builder.func.signature.call_conv);
            let sig = self.builder.import_signature(sig);
            let call = self.builder.ins().call_indirect(sig, code, &[self.vmctx, cells, depth]);
            let r = self.builder.inst_results(call)[0];
            self.builder.ins().jump(join, &[cranelift_codegen::ir::BlockArg::Value(r)]);

            self.builder.switch_to_block(slow);
            self.builder.seal_block(slow);
            let r = self.call_helper(Helper::Call, &[index, cells, depth], types::I32);
            self.builder.ins().jump(join, &[cranelift_codegen::ir::BlockArg::Value(r)]);

            self.builder.switch_to_block(join);
            self.builder.seal_block(join);
            status
        } else {
            self.call_helper(Helper::Call, &[index, cells, depth], types::I32)
        };
        self.check_status(status);
        self.push_results(cells, ty.results())
    }

    /// `call_indirect`: when the element is a function of this instance with native code and the expected
    /// signature, a direct call; anything else (other instances, host functions, code not compiled yet, and
    /// every trap: out of bounds, null, signature mismatch) goes through the `CallIndirect` helper, which
    /// checks in the interpreter's order.
    pub(crate) fn call_indirect(&mut self, type_index: u32, table_index: u32) -> Result<(), CompileError> {
        let ty = self.env.type_at(type_index).ok_or_else(|| err("type index"))?.clone();
        let type_id = self.env.type_id(type_index).ok_or_else(|| err("type index"))?;
        let table = self.env.table(table_index).ok_or_else(|| err("table index"))?;
        let elem = self.pop();
        let (cells, depth) = self.call_args(ty.params().len(), ty.results().len());
        let ptr = self.pointer;
        let pbytes = i64::from(ptr.bytes());

        let check = self.builder.create_block();
        let check2 = self.builder.create_block();
        let direct = self.builder.create_block();
        let slow = self.builder.create_block();
        let join = self.builder.create_block();
        let status = self.builder.append_block_param(join, types::I32);

        // The element, if in bounds.
        let tables = self.vmctx_load(ptr, VmField::Tables);
        let view = self.builder.ins().iadd_imm_s(tables, i64::from(table_index) * (pbytes + 8));
        let base = self.builder.ins().load(ptr, self.regions.flags(Mem::Runtime), view, 0);
        let len = self.builder.ins().load(types::I64, self.regions.flags(Mem::Runtime), view, pbytes as i32);
        let index = self.builder.ins().uextend(types::I64, elem);
        let inside = self.builder.ins().icmp(IntCC::UnsignedLessThan, index, len);
        self.builder.ins().brif(inside, check, &[], slow, &[]);

        // A function reference (null is 0, so `bits - 1` wraps past any function count).
        self.builder.switch_to_block(check);
        self.builder.seal_block(check);
        let offset = self.builder.ins().ishl_imm_s(index, 3);
        let at = self.builder.ins().iadd(base, offset);
        let bits = self.builder.ins().load(types::I64, self.regions.flags(Mem::Runtime), at, 0);
        let func = self.builder.ins().iadd_imm_s(bits, -1);
        let n = self.vmctx_load(types::I64, VmField::NumFuncs);
        let known = self.builder.ins().icmp(IntCC::UnsignedLessThan, func, n);
        self.builder.ins().brif(known, check2, &[], slow, &[]);

        // Same signature, same instance, native code.
        self.builder.switch_to_block(check2);
        self.builder.seal_block(check2);
        let off4 = self.builder.ins().ishl_imm_s(func, 2);
        let types_at = self.vmctx_load(ptr, VmField::FuncTypes);
        let a = self.builder.ins().iadd(types_at, off4);
        let actual = self.builder.ins().load(types::I32, self.regions.flags(Mem::Runtime), a, 0);
        let insts = self.vmctx_load(ptr, VmField::FuncInstances);
        let a = self.builder.ins().iadd(insts, off4);
        let inst = self.builder.ins().load(types::I32, self.regions.flags(Mem::Runtime), a, 0);
        let offp = self.builder.ins().imul_imm_s(func, pbytes);
        let code_at = self.vmctx_load(ptr, VmField::FuncCode);
        let a = self.builder.ins().iadd(code_at, offp);
        let code = self.builder.ins().load(ptr, self.regions.flags(Mem::Runtime), a, 0);
        let same_type = self.builder.ins().icmp_imm_s(IntCC::Equal, actual, i64::from(type_id));
        let same_inst = self.builder.ins().icmp_imm_s(IntCC::Equal, inst, i64::from(self.env.instance()));
        let compiled = self.builder.ins().icmp_imm_s(IntCC::NotEqual, code, 0);
        let ok = self.builder.ins().band(same_type, same_inst);
        let ok = self.builder.ins().band(ok, compiled);
        self.builder.ins().brif(ok, direct, &[], slow, &[]);

        self.builder.switch_to_block(direct);
        self.builder.seal_block(direct);
        let sig = native_signature(self.builder.func.signature.call_conv);
        let sig = self.builder.import_signature(sig);
        let call = self.builder.ins().call_indirect(sig, code, &[self.vmctx, cells, depth]);
        let r = self.builder.inst_results(call)[0];
        self.builder.ins().jump(join, &[cranelift_codegen::ir::BlockArg::Value(r)]);

        self.builder.switch_to_block(slow);
        self.builder.seal_block(slow);
        let t = self.iconst32(table);
        let id = self.iconst32(type_id);
        let r = self.call_helper(Helper::CallIndirect, &[t, id, elem, cells, depth], types::I32);
        self.builder.ins().jump(join, &[cranelift_codegen::ir::BlockArg::Value(r)]);

        self.builder.switch_to_block(join);
        self.builder.seal_block(join);
        self.check_status(status);
        self.push_results(cells, ty.results())
    }

    // ---- references and tables ----

    pub(crate) fn ref_func(&mut self, func: u32) -> Result<(), CompileError> {
        let callee = self.env.callee(func).ok_or_else(|| err("function index"))?;
        let v = self.builder.ins().iconst(types::I64, i64::from(callee.store_index) + 1);
        self.push(v);
        Ok(())
    }

    fn store_table(&mut self, table: u32) -> Result<Value, CompileError> {
        let t = self.env.table(table).ok_or_else(|| err("table index"))?;
        Ok(self.iconst32(t))
    }

    pub(crate) fn table_get(&mut self, table: u32) -> Result<(), CompileError> {
        let index = self.pop();
        let t = self.store_table(table)?;
        self.checked_helper(Helper::TableGet, &[t, index]);
        let v = self.vmctx_load(types::I64, VmField::Scratch);
        self.push(v);
        Ok(())
    }

    pub(crate) fn table_set(&mut self, table: u32) -> Result<(), CompileError> {
        let (index, value) = self.pop2();
        let t = self.store_table(table)?;
        self.checked_helper(Helper::TableSet, &[t, index, value]);
        Ok(())
    }

    pub(crate) fn table_size(&mut self, table: u32) -> Result<(), CompileError> {
        let t = self.store_table(table)?;
        let r = self.call_helper(Helper::TableSize, &[t], types::I32);
        self.push(r);
        Ok(())
    }

    pub(crate) fn table_grow(&mut self, table: u32) -> Result<(), CompileError> {
        let (init, delta) = self.pop2();
        let t = self.store_table(table)?;
        let r = self.call_helper(Helper::TableGrow, &[t, delta, init], types::I32);
        self.push(r);
        Ok(())
    }

    pub(crate) fn table_fill(&mut self, table: u32) -> Result<(), CompileError> {
        let (d, v, n) = self.pop3();
        let t = self.store_table(table)?;
        self.checked_helper(Helper::TableFill, &[t, d, v, n]);
        Ok(())
    }

    pub(crate) fn table_copy(&mut self, dst_table: u32, src_table: u32) -> Result<(), CompileError> {
        let (d, s, n) = self.pop3();
        let dt = self.store_table(dst_table)?;
        let st = self.store_table(src_table)?;
        self.checked_helper(Helper::TableCopy, &[dt, st, d, s, n]);
        Ok(())
    }

    pub(crate) fn table_init(&mut self, segment: u32, table: u32) -> Result<(), CompileError> {
        let (d, s, n) = self.pop3();
        let t = self.store_table(table)?;
        let seg = self.iconst32(segment);
        self.checked_helper(Helper::TableInit, &[t, seg, d, s, n]);
        Ok(())
    }
}
