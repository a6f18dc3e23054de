//! Wasm function body → Cranelift IR.
//!
//! One pass over wasmparser's operators with a stack of Cranelift values (the wasm operand stack) and a stack
//! of open control frames, in the manner of wasmtime's `FuncTranslator`. The function follows Ember's calling
//! convention between tiers (see [`native_signature`]): arguments come in the 64-bit cells of a frame and
//! results go back there; a trap is a nonzero status returned up the native frames (no unwinding).
//!
//! `control.rs` holds blocks, loops, ifs and branches; `ops.rs` the other operators; `access.rs` memory,
//! globals, calls and helpers. Fuel (`fuel.rs`) is charged per straight-line segment, with the interpreter's
//! segment boundaries, so both tiers consume the same amount.

mod access;
mod checks;
mod control;
mod flags;
mod fuel;
mod ops;

use cranelift_codegen::entity::packed_option::ReservedValue;
use cranelift_codegen::ir::{
    self, types, AbiParam, Block, Function, InstBuilder, MemFlagsData, Signature, StackSlot, Type, UserFuncName, Value,
};
use cranelift_codegen::isa::{CallConv, TargetFrontendConfig};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use ember_core::{ModuleInfo, TrapCode, ValType};
use wasmparser::{BinaryReader, FunctionBody};

use crate::env::{Environment, VmField};
use crate::status;
use control::Control;
use flags::{Mem, Regions};

/// Why a function could not be compiled (it then stays in the interpreter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError(pub String);

impl core::fmt::Display for CompileError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CompileError {}

fn err(msg: impl Into<String>) -> CompileError {
    CompileError(msg.into())
}

/// The signature of every native function: `(vmctx, frame, depth) -> status`.
///
/// `frame` points to 64-bit cells holding the arguments on entry and receiving the results on return (an
/// i32 or f32 in the low half, upper half zero). `depth` counts the wasm frames active including this one.
/// The status is 0 on return and a trap otherwise (see [`crate::status`]).
pub fn native_signature(call_conv: CallConv) -> Signature {
    let mut sig = Signature::new(call_conv);
    sig.params.push(AbiParam::new(types::I64));
    sig.params.push(AbiParam::new(types::I64));
    sig.params.push(AbiParam::new(types::I64));
    sig.returns.push(AbiParam::new(types::I32));
    sig
}

/// The signature of a function's on-stack-replacement entry ([`Entry::Loops`]):
/// `(vmctx, frame, depth, loop) -> status`, where `loop` is the ordinal of the loop to enter at and `frame`
/// holds the interpreter's frame (see [`translate_function`]).
pub fn osr_signature(call_conv: CallConv) -> Signature {
    let mut sig = native_signature(call_conv);
    sig.params.push(AbiParam::new(types::I32));
    sig
}

/// Where compiled code is entered.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// At the function's start, with [`native_signature`].
    Function,
    /// At the header of any of its loops (on-stack replacement), with [`osr_signature`]: one compilation
    /// serves every loop the interpreter may want to leave at.
    Loops,
}

/// The Cranelift type of a wasm value type (references are 64-bit cells, as in the interpreter).
pub(crate) fn clif_type(ty: ValType) -> Result<Type, CompileError> {
    Ok(match ty {
        ValType::I32 => types::I32,
        ValType::I64 => types::I64,
        ValType::F32 => types::F32,
        ValType::F64 => types::F64,
        ValType::FuncRef | ValType::ExternRef => types::I64,
        ValType::V128 => return Err(simd()),
    })
}

/// The error for a function that uses `v128` values: the native tier does not compile SIMD, so such a
/// function stays in the interpreter.
pub(crate) fn simd() -> CompileError {
    err("the function uses v128 values (SIMD), which the native tier does not compile")
}

fn wasm_type(ty: wasmparser::ValType) -> Result<Type, CompileError> {
    Ok(match ty {
        wasmparser::ValType::I32 => types::I32,
        wasmparser::ValType::I64 => types::I64,
        wasmparser::ValType::F32 => types::F32,
        wasmparser::ValType::F64 => types::F64,
        wasmparser::ValType::Ref(_) => types::I64,
        wasmparser::ValType::V128 => return Err(simd()),
    })
}

/// Translates function `func_index` of `module` into a Cranelift function with [`native_signature`]
/// ([`Entry::Function`]) or [`osr_signature`] ([`Entry::Loops`]).
///
/// With [`Entry::Loops`], the function is entered at the header of its `k`-th loop (counting the loops of the
/// body in order, those in unreachable code excepted), `k` being the extra argument, for on-stack
/// replacement: the cells then hold the interpreter's frame, the locals from cell 0 and the operand stack at
/// the loop's entry after them.
pub fn translate_function(
    module: &ModuleInfo,
    func_index: u32,
    env: &dyn Environment,
    target: TargetFrontendConfig,
    entry: Entry,
) -> Result<Function, CompileError> {
    let (call_conv, pointer) = (target.default_call_conv, target.pointer_type());
    let defined = func_index
        .checked_sub(module.num_imported_funcs)
        .and_then(|i| module.bodies.get(i as usize))
        .ok_or_else(|| err(format!("function {func_index} has no body")))?;
    let ty = module.func_type(func_index).ok_or_else(|| err("function type out of range"))?;
    let bytes = module.bytes.get(defined.range.clone()).ok_or_else(|| err("body out of range"))?;
    let body = FunctionBody::new(BinaryReader::new(bytes, defined.range.start as u64));

    let signature = match entry {
        Entry::Function => native_signature(call_conv),
        Entry::Loops => osr_signature(call_conv),
    };
    let mut func = Function::with_name_signature(UserFuncName::user(0, func_index), signature);
    let mut fb_ctx = FunctionBuilderContext::new();
    let builder = FunctionBuilder::new(&mut func, &mut fb_ctx);
    let mut t = Translator::new(builder, env, pointer);
    t.prologue(ty.params(), ty.results())?;
    if entry == Entry::Loops {
        t.enter_at_loops(count_loops(&body)?);
    }

    let mut locals = body.get_locals_reader().map_err(|e| err(e.to_string()))?;
    for _ in 0..locals.get_count() {
        let (count, lty) = locals.read().map_err(|e| err(e.to_string()))?;
        let clty = wasm_type(lty)?;
        for _ in 0..count {
            let var = t.builder.declare_var(clty);
            let zero = t.zero(clty);
            t.builder.def_var(var, zero);
            t.locals.push(var);
            t.local_types.push(clty);
        }
    }

    let mut reader = body.get_operators_reader().map_err(|e| err(e.to_string()))?;
    while !reader.eof() {
        let op = reader.read().map_err(|e| err(e.to_string()))?;
        t.visit(op)?;
    }
    t.finish(target);
    Ok(func)
}

/// Every loop of `body`, reachable or not (an upper bound on the loops an OSR entry can name).
fn count_loops(body: &FunctionBody<'_>) -> Result<usize, CompileError> {
    let mut reader = body.get_operators_reader().map_err(|e| err(e.to_string()))?;
    let mut loops = 0;
    while !reader.eof() {
        if let wasmparser::Operator::Loop { .. } = reader.read().map_err(|e| err(e.to_string()))? {
            loops += 1;
        }
    }
    Ok(loops)
}

/// The entries at loop headers (on-stack replacement): one block per loop, by ordinal, entered from the
/// prologue's `br_table`; each is filled (locals and stack from the cells) when its loop is reached.
#[derive(Clone, Debug)]
pub(crate) struct Osr {
    /// The entry of each loop and whether it has been filled.
    pub entries: Vec<(Block, bool)>,
}

/// The translation state of one function.
pub(crate) struct Translator<'a, 'e> {
    pub(crate) builder: FunctionBuilder<'a>,
    pub(crate) env: &'e dyn Environment,
    pub(crate) pointer: Type,
    /// The wasm locals (parameters first) and their types.
    pub(crate) locals: Vec<Variable>,
    pub(crate) local_types: Vec<Type>,
    /// On-stack replacement: the entry blocks of the loops.
    pub(crate) osr: Option<Osr>,
    /// The loop to enter at ([`Entry::Loops`]: the last parameter).
    loop_arg: Option<Value>,
    /// Loops seen so far (reachable ones).
    pub(crate) loops_seen: u32,
    /// The wasm operand stack.
    pub(crate) stack: Vec<Value>,
    /// Open control frames; the first is the function body.
    pub(crate) controls: Vec<Control>,
    /// Whether the current position is reachable; when not, operators are skipped (nesting is counted in
    /// `dead_depth`).
    pub(crate) reachable: bool,
    pub(crate) dead_depth: u32,
    pub(crate) vmctx: Value,
    pub(crate) frame: Value,
    pub(crate) depth: Value,
    /// Result types of the function.
    pub(crate) results: Vec<Type>,
    /// One block per trap status, made on first use.
    trap_blocks: Vec<(u32, Block)>,
    /// The block returning a status received from a callee (its parameter).
    propagate: Option<Block>,
    /// Scratch space for calls' argument and result cells; its size grows to the largest call.
    pub(crate) call_slot: Option<(StackSlot, u32)>,
    /// Fuel: the pending charge of the current segment and the instructions counted so far.
    pub(crate) fuel_charge: Option<ir::Inst>,
    pub(crate) fuel_count: u32,
    /// The alias regions of the function's memory accesses.
    pub(crate) regions: Regions,
    /// Bounds checks made on the current path.
    pub(crate) heap_checks: checks::HeapChecks,
}

impl<'a, 'e> Translator<'a, 'e> {
    fn new(builder: FunctionBuilder<'a>, env: &'e dyn Environment, pointer: Type) -> Self {
        let regions = Regions::declare(builder.func);
        Translator {
            regions,
            heap_checks: checks::HeapChecks::default(),
            builder,
            env,
            pointer,
            locals: Vec::new(),
            local_types: Vec::new(),
            osr: None,
            loop_arg: None,
            loops_seen: 0,
            stack: Vec::new(),
            controls: Vec::new(),
            reachable: true,
            dead_depth: 0,
            vmctx: Value::reserved_value(),
            frame: Value::reserved_value(),
            depth: Value::reserved_value(),
            results: Vec::new(),
            trap_blocks: Vec::new(),
            propagate: None,
            call_slot: None,
            fuel_charge: None,
            fuel_count: 0,
        }
    }

    /// Entry block: parameters from the frame cells into variables, then the depth and stack checks.
    fn prologue(&mut self, params: &[ValType], results: &[ValType]) -> Result<(), CompileError> {
        let entry = self.builder.create_block();
        self.builder.append_block_params_for_function_params(entry);
        self.builder.switch_to_block(entry);
        self.builder.seal_block(entry);
        let p = self.builder.block_params(entry).to_vec();
        (self.vmctx, self.frame, self.depth) = (p[0], p[1], p[2]);
        self.loop_arg = p.get(3).copied();

        for (i, ty) in params.iter().enumerate() {
            let clty = clif_type(*ty)?;
            let v = self.load_cell(self.frame, i as u32, clty);
            let var = self.builder.declare_var(clty);
            self.builder.def_var(var, v);
            self.locals.push(var);
            self.local_types.push(clty);
        }
        self.results = results.iter().map(|t| clif_type(*t)).collect::<Result<_, _>>()?;

        // Call depth, counted like the interpreter's frames, then the host stack.
        let max = self.vmctx_load(types::I64, VmField::MaxDepth);
        let too_deep = self.builder.ins().icmp(ir::condcodes::IntCC::UnsignedGreaterThan, self.depth, max);
        self.trap_if(too_deep, TrapCode::StackOverflow);
        let sp = self.builder.ins().get_stack_pointer(self.pointer);
        let limit = self.vmctx_load(self.pointer, VmField::StackLimit);
        let low = self.builder.ins().icmp(ir::condcodes::IntCC::UnsignedLessThan, sp, limit);
        self.trap_if(low, TrapCode::StackOverflow);

        // The function body is a block whose end returns.
        let end = self.builder.create_block();
        for ty in &self.results.clone() {
            self.builder.append_block_param(end, *ty);
        }
        self.controls.push(Control::function(end, self.results.len()));
        self.start_fuel_segment();
        Ok(())
    }

    /// Makes the function start at a loop header chosen by its last parameter (one of `loops`): the prologue
    /// branches to that loop's entry block, filled when the loop is reached; the body from the function's
    /// start is translated as usual but is unreachable. An ordinal with no reachable loop traps.
    fn enter_at_loops(&mut self, loops: usize) {
        let Some(which) = self.loop_arg else { return };
        let entries: Vec<(Block, bool)> = (0..loops).map(|_| (self.builder.create_block(), false)).collect();
        let no_loop = self.trap_block(status::of(TrapCode::EngineDefect));
        let default = self.builder.func.dfg.block_call(no_loop, &[]);
        let calls: Vec<_> = entries.iter().map(|(b, _)| self.builder.func.dfg.block_call(*b, &[])).collect();
        let jt = self.builder.create_jump_table(ir::JumpTableData::new(default, &calls));
        self.builder.ins().br_table(which, jt);
        // The prologue's block is each entry's only predecessor.
        for (b, _) in &entries {
            self.builder.seal_block(*b);
        }
        let dead = self.builder.create_block();
        self.builder.switch_to_block(dead);
        self.builder.seal_block(dead);
        self.osr = Some(Osr { entries });
    }

    /// Closes the function: its end block writes the results and returns 0.
    fn finish(mut self, target: TargetFrontendConfig) {
        self.end_fuel_segment();
        // Entries of loops never reached (in unreachable code): no interpreter frame can name them.
        let unfilled: Vec<Block> =
            self.osr.iter().flat_map(|o| o.entries.iter()).filter(|(_, filled)| !filled).map(|(b, _)| *b).collect();
        for b in unfilled {
            self.builder.switch_to_block(b);
            self.trap(TrapCode::EngineDefect);
        }
        for (status, b) in core::mem::take(&mut self.trap_blocks) {
            self.builder.switch_to_block(b);
            let code = self.builder.ins().iconst(types::I32, i64::from(status));
            self.builder.ins().return_(&[code]);
        }
        if let Some(b) = self.propagate {
            self.builder.switch_to_block(b);
            let p = self.builder.block_params(b)[0];
            self.builder.ins().return_(&[p]);
        }
        if let Some((slot, size)) = self.call_slot {
            self.builder.func.sized_stack_slots[slot].size = size;
        }
        self.builder.seal_all_blocks();
        self.builder.finalize(target);
    }

    /// Writes `values` to the frame cells from 0 and returns status 0.
    pub(crate) fn emit_return(&mut self, values: &[Value]) {
        for (i, v) in values.iter().enumerate() {
            self.store_cell(self.frame, i as u32, *v);
        }
        let ok = self.builder.ins().iconst(types::I32, 0);
        self.builder.ins().return_(&[ok]);
    }

    // ---- helpers for the operators ----

    pub(crate) fn zero(&mut self, ty: Type) -> Value {
        match ty {
            types::F32 => self.builder.ins().f32const(0.0),
            types::F64 => self.builder.ins().f64const(0.0),
            _ => self.builder.ins().iconst(ty, 0),
        }
    }

    pub(crate) fn pop(&mut self) -> Value {
        self.stack.pop().unwrap_or_else(Value::reserved_value)
    }

    pub(crate) fn pop2(&mut self) -> (Value, Value) {
        let b = self.pop();
        let a = self.pop();
        (a, b)
    }

    pub(crate) fn pop3(&mut self) -> (Value, Value, Value) {
        let c = self.pop();
        let (a, b) = self.pop2();
        (a, b, c)
    }

    pub(crate) fn push(&mut self, v: Value) {
        self.stack.push(v);
    }

    /// Loads a context field.
    pub(crate) fn vmctx_load(&mut self, ty: Type, field: VmField) -> Value {
        let offset = self.env.vmctx_offset(field);
        self.builder.ins().load(ty, self.regions.flags(Mem::Runtime), self.vmctx, offset)
    }

    /// Reads cell `index` of the cells at `base` as a value of type `ty`.
    pub(crate) fn load_cell(&mut self, base: Value, index: u32, ty: Type) -> Value {
        let offset = (index * 8) as i32;
        // Cells are little-endian u64s: a 32-bit value is the low half, at the cell's address.
        self.builder.ins().load(ty, self.regions.flags(Mem::Cells), base, offset)
    }

    /// Writes `v` to cell `index` of the cells at `base`, as a full 64-bit cell (upper half zero).
    pub(crate) fn store_cell(&mut self, base: Value, index: u32, v: Value) {
        let offset = (index * 8) as i32;
        let ty = self.builder.func.dfg.value_type(v);
        let bits = match ty {
            types::I32 => self.builder.ins().uextend(types::I64, v),
            types::F32 => {
                let i = self.builder.ins().bitcast(types::I32, MemFlagsData::new(), v);
                self.builder.ins().uextend(types::I64, i)
            }
            types::F64 => self.builder.ins().bitcast(types::I64, MemFlagsData::new(), v),
            _ => v,
        };
        self.builder.ins().store(self.regions.flags(Mem::Cells), bits, base, offset);
    }

    /// Leaves with trap `code` when `cond` is nonzero.
    pub(crate) fn trap_if(&mut self, cond: Value, code: TrapCode) {
        let status = status::of(code);
        let trap = self.trap_block(status);
        let next = self.builder.create_block();
        self.builder.ins().brif(cond, trap, &[], next, &[]);
        self.fall_through(next);
    }

    /// Goes on in `next`, just made the fall-through (and only successor besides a trap or return) of the
    /// current block.
    fn fall_through(&mut self, next: Block) {
        let from = self.builder.current_block();
        self.builder.switch_to_block(next);
        self.builder.seal_block(next);
        self.heap_checks.follow(from, next);
    }

    /// Leaves with trap `code` now.
    pub(crate) fn trap(&mut self, code: TrapCode) {
        let trap = self.trap_block(status::of(code));
        self.builder.ins().jump(trap, &[]);
    }

    /// The block returning `status` (filled in by `finish`).
    fn trap_block(&mut self, status: u32) -> Block {
        if let Some((_, b)) = self.trap_blocks.iter().find(|(s, _)| *s == status) {
            return *b;
        }
        let b = self.builder.create_block();
        self.builder.set_cold_block(b);
        self.trap_blocks.push((status, b));
        b
    }

    /// Returns `status` when it is nonzero (a trap from a callee or helper), else goes on.
    pub(crate) fn check_status(&mut self, status: Value) {
        let propagate = match self.propagate {
            Some(b) => b,
            None => {
                let b = self.builder.create_block();
                self.builder.set_cold_block(b);
                self.builder.append_block_param(b, types::I32);
                self.propagate = Some(b);
                b
            }
        };
        let next = self.builder.create_block();
        self.builder.ins().brif(status, propagate, &[ir::BlockArg::Value(status)], next, &[]);
        self.fall_through(next);
    }
}
