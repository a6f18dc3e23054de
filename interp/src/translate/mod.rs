//! Translation of wasm function bodies into register bytecode, in one pass over wasmparser's operators.
//!
//! The translator keeps a *virtual operand stack*: each wasm stack entry is either a pending `local.get`
//! (`Operand::Local`), a pending constant (`Operand::Const`), or a value already computed into its
//! *canonical slot* (`locals + depth`, `Operand::Temp`). Instructions read locals and temporaries directly
//! by slot, so `local.get a; local.get b; i32.add` becomes one `I32Add` with no copies. A result written to a
//! temporary and then `local.set` is retargeted to write the local directly (see `Translator::local_set`);
//! a compare followed by `br_if`/`if` becomes one compare-and-branch (see `control.rs`); a small constant
//! operand selects an immediate form.
//!
//! At block boundaries every entry is materialised into its canonical slot, so all paths into a label agree
//! on where each value lives: branch values go to the target's canonical result slots.

mod control;
#[cfg(feature = "simd")]
mod simd;
mod visit;

use alloc::rc::Rc;
use alloc::vec::Vec;

use ember_core::{cells_of, Error, ModuleInfo, ValType};
use wasmparser::{BinaryReader, FunctionBody};

use crate::code::CompiledFunc;
use crate::ops::{op, Instr, Slot};
use crate::verify::VerifiedFunc;
use control::Control;

/// What the translator should emit besides the function's own semantics.
#[derive(Copy, Clone, Debug, Default)]
pub struct TranslateOptions {
    /// Emit `ConsumeFuel` at the start of every straight-line block (fuel metering).
    pub fuel: bool,
    /// Emit `ProfileLoop` at loop headers (tier-up profiling).
    pub profile: bool,
}

/// Translates function `func_index` (an index in the module's function index space; must be a defined
/// function, not an import) of a validated module. The result has passed [`verify`](crate::verify::verify).
pub fn translate(module: &ModuleInfo, func_index: u32, options: &TranslateOptions) -> Result<CompiledFunc, Error> {
    let func = translate_verified(module, func_index, options)?.into_inner();
    // The translator holds the only reference.
    Ok(Rc::try_unwrap(func).unwrap_or_else(|shared| (*shared).clone()))
}

/// [`translate`], keeping the proof that the code was verified (what the executor runs).
pub fn translate_verified(
    module: &ModuleInfo,
    func_index: u32,
    options: &TranslateOptions,
) -> Result<VerifiedFunc, Error> {
    let defined = func_index
        .checked_sub(module.num_imported_funcs)
        .and_then(|i| module.bodies.get(i as usize))
        .ok_or_else(|| Error::Usage(alloc::format!("function {func_index} has no body")))?;
    let ty = module.func_type(func_index).ok_or_else(|| Error::Usage("function type out of range".into()))?;
    let bytes = module.bytes.get(defined.range.clone()).ok_or_else(|| Error::Usage("body out of range".into()))?;
    let body = FunctionBody::new(BinaryReader::new(bytes, defined.range.start as u64));

    // Locals are laid out by cells: a `v128` takes two. Only a function with a `v128` local keeps a table of
    // where each local starts; for the others local `i` is slot `i`.
    let mut cells = ty.params().iter().map(|&t| u64::from(t.cells())).sum::<u64>();
    let mut wide_locals = ty.params().contains(&ValType::V128);
    let mut locals = body.get_locals_reader().map_err(invalid)?;
    for _ in 0..locals.get_count() {
        let (count, ty) = locals.read().map_err(invalid)?;
        let wide = ty == wasmparser::ValType::V128;
        wide_locals |= wide;
        cells += u64::from(count) * if wide { 2 } else { 1 };
        if cells > u64::from(MAX_SLOTS) {
            return Err(too_large());
        }
    }
    let layout = if wide_locals { Some(local_cells(ty.params(), &body)?) } else { None };

    let shape = Shape {
        num_locals: cells as u32,
        param_cells: cells_of(ty.params()),
        results: ty.results().len(),
        result_cells: cells_of(ty.results()),
    };
    // Near (16-bit) branch offsets first; the rare function where one does not fit is redone with far ones.
    let near = translate_body(module, &body, *options, shape, layout.as_deref(), false)?;
    match near {
        Some(code) => Ok(code),
        None => translate_body(module, &body, *options, shape, layout.as_deref(), true)?.ok_or_else(too_large),
    }
}

/// Where each local of a function with `v128` locals starts (its cells were counted and bounded already).
fn local_cells(params: &[ValType], body: &FunctionBody<'_>) -> Result<Vec<LocalCell>, Error> {
    let mut starts = Vec::new();
    let mut at = 0u32;
    let mut push = |count: u32, wide: bool| {
        for _ in 0..count {
            starts.push(LocalCell { slot: at as u16, wide });
            at += if wide { 2 } else { 1 };
        }
    };
    for &ty in params {
        push(1, ty == ValType::V128);
    }
    let mut locals = body.get_locals_reader().map_err(invalid)?;
    for _ in 0..locals.get_count() {
        let (count, ty) = locals.read().map_err(invalid)?;
        push(count, ty == wasmparser::ValType::V128);
    }
    Ok(starts)
}

/// Where a local lives in a function that has `v128` locals: its first cell, and whether it takes two.
#[derive(Copy, Clone, Debug)]
pub(crate) struct LocalCell {
    slot: u16,
    wide: bool,
}

/// The frame shape of the function being translated.
#[derive(Copy, Clone, Debug)]
struct Shape {
    /// Cells of the parameters and locals.
    num_locals: u32,
    param_cells: usize,
    results: usize,
    result_cells: usize,
}

/// One translation pass; `None` if a near branch offset did not fit.
fn translate_body(
    module: &ModuleInfo,
    body: &FunctionBody<'_>,
    options: TranslateOptions,
    shape: Shape,
    layout: Option<&[LocalCell]>,
    far: bool,
) -> Result<Option<VerifiedFunc>, Error> {
    let mut t = Translator::new(module, options, shape, layout);
    t.far = far;
    let mut reader = body.get_operators_reader().map_err(invalid)?;
    while !reader.eof() {
        let operator = reader.read().map_err(invalid)?;
        t.visit(operator)?;
        if t.controls.is_empty() {
            break;
        }
    }
    if t.needs_far {
        return Ok(None);
    }
    t.finish().map(Some)
}

/// Largest slot index plus one: operands are 16-bit (the verifier's bound on frames).
const MAX_SLOTS: u32 = crate::verify::MAX_FRAME_SIZE;

fn invalid(e: wasmparser::BinaryReaderError) -> Error {
    Error::Invalid { offset: e.offset() as usize, message: alloc::string::ToString::to_string(e.message()) }
}

fn too_large() -> Error {
    Error::Unsupported("function needs more than 65536 frame slots (locals plus operand stack)".into())
}

/// A constant waiting on the virtual stack.
#[derive(Copy, Clone, Debug, PartialEq)]
pub(crate) enum Const {
    /// i32 (also references' null as 0 of this width is not used: see `Ref`).
    I32(i32),
    /// i64.
    I64(i64),
    /// f32 bits.
    F32(u32),
    /// f64 bits.
    F64(u64),
}

impl From<crate::exec::num::Num> for Const {
    fn from(value: crate::exec::num::Num) -> Const {
        use crate::exec::num::Num;
        match value {
            Num::I32(v) => Const::I32(v as i32),
            Num::I64(v) => Const::I64(v as i64),
            Num::F32(bits) => Const::F32(bits),
            Num::F64(bits) => Const::F64(bits),
        }
    }
}

impl Const {
    /// The constant's slot cell, as the handlers read it.
    fn cell(self) -> u64 {
        match self {
            Const::I32(v) => u64::from(v as u32),
            Const::I64(v) => v as u64,
            Const::F32(bits) => u64::from(bits),
            Const::F64(bits) => bits,
        }
    }

    /// The constant as an `i16` immediate, if it is an integer that fits.
    fn as_i16(self) -> Option<i16> {
        match self {
            Const::I32(v) => i16::try_from(v).ok(),
            Const::I64(v) => i16::try_from(v).ok(),
            _ => None,
        }
    }
}

/// One entry of the virtual operand stack.
#[derive(Copy, Clone, Debug, PartialEq)]
pub(crate) enum Operand {
    /// The current value of a local (pending `local.get`).
    Local(Slot),
    /// A constant not yet written anywhere.
    Const(Const),
    /// A value in its canonical slot.
    Temp,
    /// The current value of a `v128` local (pending `local.get`): cells `slot` and `slot + 1`.
    Local2(Slot),
    /// A `v128` value in its two canonical cells.
    Temp2,
}

impl Operand {
    /// Whether the value takes two cells (a `v128`).
    #[inline(always)]
    pub(crate) fn is_wide(self) -> bool {
        matches!(self, Operand::Local2(_) | Operand::Temp2)
    }

    /// Whether the value is in its canonical cells.
    #[inline(always)]
    pub(crate) fn in_place(self) -> bool {
        matches!(self, Operand::Temp | Operand::Temp2)
    }

    /// A value of type `ty` in its canonical cells.
    #[inline(always)]
    pub(crate) fn temp(ty: ValType) -> Operand {
        if ty == ValType::V128 {
            Operand::Temp2
        } else {
            Operand::Temp
        }
    }
}

/// The last emitted instruction, if it wrote a temporary: lets `local.set` retarget it and `br_if` fuse it.
#[derive(Copy, Clone, Debug)]
pub(crate) struct LastResult {
    /// Code position of the instruction.
    start: usize,
    /// The temporary it wrote (its `dst` operand, the first after the opcode).
    dst: Slot,
    /// If it is an integer compare: enough to re-emit it as a compare-and-branch.
    compare: Option<control::Compare>,
}

pub(crate) struct Translator<'a> {
    module: &'a ModuleInfo,
    options: TranslateOptions,
    code: Vec<u16>,
    stack: Vec<Operand>,
    /// The depths of the two-cell (`v128`) entries of `stack`, ascending. Each one moves the canonical slots
    /// of the entries above it up by one cell; when it is empty (always, without `v128`), depth `d`'s canonical
    /// slot is `num_locals + d`.
    wide: Vec<usize>,
    /// Where each local starts, for a function with `v128` locals (`None`: local `i` is slot `i`).
    layout: Option<&'a [LocalCell]>,
    controls: Vec<Control>,
    /// Cells of the parameters and locals.
    num_locals: u32,
    /// Cells of the parameters.
    num_params: usize,
    num_results: usize,
    /// Cells of the results.
    result_cells: usize,
    /// The most cells the operand stack takes.
    max_height: u32,
    too_large: bool,
    /// The code being visited cannot be reached: skip until the matching `else`/`end`.
    unreachable: bool,
    /// Blocks opened inside unreachable code (skipped whole).
    dead_depth: u32,
    last: Option<LastResult>,
    /// Position of the current `ConsumeFuel`'s amount, and the instructions counted so far.
    fuel_at: Option<usize>,
    fuel_count: u32,
    /// Emit every branch with a 32-bit offset (`BrFar`).
    far: bool,
    /// A near branch offset did not fit: the function must be translated again with `far`.
    needs_far: bool,
    /// Where the last instruction emitted starts.
    last_start: usize,
    /// Where the last instruction emitted starts, if it is a `Copy` with no label after it: the next `Copy`
    /// joins it into a `Copy2` (see `emit_copy`).
    copy_at: Option<usize>,
    /// Where each near `Br` starts (for `inline_return_jumps`; nothing emitted before the last result is
    /// ever removed, and a `Br` is not a result, so these stay instruction starts).
    br_sites: Vec<usize>,
}

impl<'a> Translator<'a> {
    fn new(module: &'a ModuleInfo, options: TranslateOptions, shape: Shape, layout: Option<&'a [LocalCell]>) -> Self {
        let results = shape.results;
        let mut t = Translator {
            module,
            options,
            code: Vec::new(),
            stack: Vec::new(),
            wide: Vec::new(),
            layout,
            controls: Vec::new(),
            num_locals: shape.num_locals,
            num_params: shape.param_cells,
            num_results: results,
            result_cells: shape.result_cells,
            max_height: 0,
            too_large: false,
            unreachable: false,
            dead_depth: 0,
            last: None,
            fuel_at: None,
            fuel_count: 0,
            far: false,
            needs_far: false,
            last_start: 0,
            copy_at: None,
            br_sites: Vec::new(),
        };
        t.controls.push(Control::function(results));
        t.start_fuel_segment();
        t
    }

    /// The translated function, verified. Code that could run past its end (the last instruction is not a
    /// return, branch or `Unreachable`: e.g. a `ConsumeFuel` starting a segment after the function's last
    /// reachable instruction) gets a final `Unreachable`, which never runs.
    fn finish(mut self) -> Result<VerifiedFunc, Error> {
        self.end_fuel_segment();
        let frame_size = self.num_locals + self.max_height;
        if self.too_large || frame_size > MAX_SLOTS {
            return Err(too_large());
        }
        if !self.ends_with_terminator() {
            self.emit(op::Unreachable {});
        }
        self.inline_return_jumps();
        let func = CompiledFunc {
            code: self.code.into(),
            num_params: self.num_params as u16,
            num_locals: self.num_locals,
            num_results: self.result_cells as u16,
            frame_size,
        };
        VerifiedFunc::new(Rc::new(func)).map_err(|e| {
            Error::Unsupported(alloc::format!("internal error: the translator produced invalid code: {e}"))
        })
    }

    /// Replaces each `Br` that leads straight to a `Return1` with that `Return1` (both are two units, so no
    /// offsets move): a block that ends the function then returns in one dispatch instead of two.
    fn inline_return_jumps(&mut self) {
        for &pc in &self.br_sites {
            debug_assert_eq!(self.code[pc], op::Br::OPCODE);
            let br = op::Br::decode(&self.code, pc);
            let target = pc as i64 + i64::from(br.offset.0);
            let Ok(t) = usize::try_from(target) else { continue };
            if self.code.get(t) == Some(&op::Return1::OPCODE) && t + op::Return1::UNITS <= self.code.len() {
                let ret = op::Return1::decode(&self.code, t);
                let mut replacement = [0u16; op::Return1::UNITS];
                replacement[0] = op::Return1::OPCODE;
                replacement[1] = ret.src.0;
                debug_assert_eq!(replacement.len(), op::Br::UNITS);
                self.code[pc..pc + op::Br::UNITS].copy_from_slice(&replacement);
            }
        }
    }

    /// Whether the code ends with a terminator: the last instruction emitted is one and nothing follows it.
    fn ends_with_terminator(&self) -> bool {
        match Instr::decode(&self.code, self.last_start) {
            Some(instr) => {
                self.last_start + instr.units() == self.code.len() && crate::verify::is_terminator(instr.opcode())
            }
            None => false,
        }
    }

    // ---- emission ----

    fn emit(&mut self, instr: impl Into<Instr>) -> usize {
        let start = self.code.len();
        instr.into().encode(&mut self.code);
        self.last = None;
        self.copy_at = None;
        self.last_start = start;
        start
    }

    /// Emits `s[dst] = s[src]`. Right after another `Copy` (no label between: `bind` and loop headers clear
    /// `copy_at`), the two become one `Copy2`.
    fn emit_copy(&mut self, dst: Slot, src: Slot) {
        if let Some(at) = self.copy_at.take() {
            if at + op::Copy::UNITS == self.code.len() {
                let first = op::Copy::decode(&self.code, at);
                self.code.truncate(at);
                self.emit(op::Copy2 { dst: first.dst, src: first.src, dst2: dst, src2: src });
                return;
            }
        }
        let start = self.emit(op::Copy { dst, src });
        self.copy_at = Some(start);
    }

    /// Emits an instruction whose first operand is `dst`, a fresh temporary; remembers it for fusion.
    fn emit_result(&mut self, instr: impl Into<Instr>, dst: Slot, compare: Option<control::Compare>) {
        let start = self.emit(instr);
        self.last = Some(LastResult { start, dst, compare });
    }

    // ---- virtual stack ----

    /// The cell (from the first operand-stack cell) where stack depth `depth` starts.
    #[inline(always)]
    fn cell_of(&self, depth: usize) -> usize {
        if self.wide.is_empty() {
            depth
        } else {
            depth + self.wide.partition_point(|&w| w < depth)
        }
    }

    /// The canonical slot of stack depth `depth`.
    fn canonical(&mut self, depth: usize) -> Slot {
        self.cell_slot(self.cell_of(depth))
    }

    /// The slot of operand-stack cell `cell`.
    fn cell_slot(&mut self, cell: usize) -> Slot {
        let slot = self.num_locals as usize + cell;
        if slot >= MAX_SLOTS as usize {
            self.too_large = true;
            return Slot(0);
        }
        Slot(slot as u16)
    }

    fn note_height(&mut self) {
        let cells = self.cell_of(self.stack.len());
        self.max_height = self.max_height.max(cells as u32);
    }

    fn push(&mut self, operand: Operand) {
        if operand.is_wide() {
            self.wide.push(self.stack.len());
        }
        self.stack.push(operand);
        self.note_height();
    }

    /// Pushes a temporary and returns its slot (the destination of the instruction about to be emitted).
    fn push_temp(&mut self) -> Slot {
        self.push(Operand::Temp);
        self.canonical(self.stack.len() - 1)
    }

    /// Pushes a two-cell (`v128`) temporary and returns its first slot.
    fn push_temp2(&mut self) -> Slot {
        self.push(Operand::Temp2);
        self.canonical(self.stack.len() - 1)
    }

    fn pop(&mut self) -> Operand {
        // Validation guarantees the stack never underflows in reachable code.
        let operand = self.stack.pop().unwrap_or(Operand::Temp);
        if operand.is_wide() {
            self.wide.pop();
        }
        operand
    }

    /// Drops the entries from depth `height` up.
    fn truncate(&mut self, height: usize) {
        self.stack.truncate(height);
        if !self.wide.is_empty() {
            let keep = self.wide.partition_point(|&w| w < height);
            self.wide.truncate(keep);
        }
    }

    /// The operand stack, to be put back with [`Translator::restore`].
    fn save(&self) -> (Vec<Operand>, Vec<usize>) {
        (self.stack.clone(), self.wide.clone())
    }

    fn restore(&mut self, saved: (Vec<Operand>, Vec<usize>)) {
        (self.stack, self.wide) = saved;
    }

    /// Pops an operand and returns the slot holding it, writing a constant into its canonical slot first.
    fn pop_slot(&mut self) -> Slot {
        let depth = self.stack.len().saturating_sub(1);
        let operand = self.pop();
        self.slot_of(operand, depth)
    }

    /// Where operand `operand` (at stack depth `depth`) can be read, materialising constants.
    fn slot_of(&mut self, operand: Operand, depth: usize) -> Slot {
        match operand {
            Operand::Local(slot) | Operand::Local2(slot) => slot,
            Operand::Temp | Operand::Temp2 => self.canonical(depth),
            Operand::Const(c) => {
                let dst = self.canonical(depth);
                self.emit_const(dst, c);
                dst
            }
        }
    }

    fn emit_const(&mut self, dst: Slot, c: Const) {
        let instr: Instr = match c {
            Const::I32(v) => match i16::try_from(v) {
                Ok(value) => op::Const16 { dst, value }.into(),
                Err(_) => op::Const32 { dst, value: v as u32 }.into(),
            },
            Const::F32(0) => op::Const16 { dst, value: 0 }.into(),
            Const::F32(v) => op::Const32 { dst, value: v }.into(),
            Const::I64(v) if i32::try_from(v).is_ok() => op::ConstI64S32 { dst, value: v as i32 as u32 }.into(),
            Const::I64(v) => op::Const64 { dst, value: v as u64 }.into(),
            Const::F64(v) => op::Const64 { dst, value: v }.into(),
        };
        self.emit_result(instr, dst, None);
    }

    /// Writes stack entry `depth` into its canonical slot, if it is not there yet.
    fn materialize(&mut self, depth: usize) {
        let operand = self.stack[depth];
        let dst = self.canonical(depth);
        match operand {
            Operand::Temp | Operand::Temp2 => return,
            Operand::Local(src) => self.emit_copy(dst, src),
            Operand::Local2(src) => {
                self.emit(op::CopySpan { dst, src, len: 2 });
                self.stack[depth] = Operand::Temp2;
                return;
            }
            Operand::Const(c) => self.emit_const(dst, c),
        }
        self.stack[depth] = Operand::Temp;
    }

    /// Materialises the top `n` entries.
    fn materialize_top(&mut self, n: usize) {
        let len = self.stack.len();
        for depth in len.saturating_sub(n)..len {
            self.materialize(depth);
        }
    }

    fn materialize_all(&mut self) {
        self.materialize_top(self.stack.len());
    }

    // ---- locals ----

    /// Where local `index` lives, and whether it is a `v128` (two cells).
    fn local_slot(&mut self, index: u32) -> (Slot, bool) {
        if let Some(layout) = self.layout {
            return match layout.get(index as usize) {
                Some(local) => (Slot(local.slot), local.wide),
                None => {
                    self.too_large = true;
                    (Slot(0), false)
                }
            };
        }
        if index >= self.num_locals {
            self.too_large = true;
            return (Slot(0), false);
        }
        (Slot(index as u16), false)
    }

    /// A pending read of local `slot`.
    fn local_read(slot: Slot, wide: bool) -> Operand {
        if wide {
            Operand::Local2(slot)
        } else {
            Operand::Local(slot)
        }
    }

    /// `local.get`.
    fn local_get(&mut self, index: u32) {
        let (slot, wide) = self.local_slot(index);
        self.push(Self::local_read(slot, wide));
    }

    /// `local.set`: retargets the last instruction into the local when it just computed the value into a
    /// temporary; otherwise copies. Pending reads of the old value are materialised first.
    fn local_set(&mut self, index: u32) {
        let (local, wide) = self.local_slot(index);
        let depth = self.stack.len().saturating_sub(1);
        let value = self.pop();
        let read = Self::local_read(local, wide);
        let pending_reads = self.stack.contains(&read);
        if pending_reads {
            for d in 0..self.stack.len() {
                if self.stack[d] == read {
                    self.materialize(d);
                }
            }
        }
        match value {
            Operand::Local(src) | Operand::Local2(src) if src == local => {}
            Operand::Local(src) => self.emit_copy(local, src),
            Operand::Local2(src) => {
                self.emit(op::CopySpan { dst: local, src, len: 2 });
            }
            Operand::Temp2 => {
                let src = self.canonical(depth);
                match self.last {
                    // A `v128` result just computed (its `WideSlot` destination first, like every `dst`).
                    Some(last) if !pending_reads && last.dst == src => {
                        self.code[last.start + 1] = local.0;
                        self.last = None;
                    }
                    _ => {
                        self.emit(op::CopySpan { dst: local, src, len: 2 });
                    }
                }
            }
            Operand::Const(c) => {
                self.emit_const(local, c);
                self.last = None;
            }
            Operand::Temp => {
                let temp = self.canonical(depth);
                match self.last {
                    Some(last) if !pending_reads && last.dst == temp => {
                        self.code[last.start + 1] = local.0;
                        self.last = None;
                    }
                    _ => self.emit_copy(local, temp),
                }
            }
        }
    }

    // ---- fuel ----

    /// Starts a straight-line segment: emits `ConsumeFuel` whose amount is filled in when the segment ends.
    fn start_fuel_segment(&mut self) {
        if !self.options.fuel {
            return;
        }
        self.end_fuel_segment();
        let start = self.emit(op::ConsumeFuel { amount: 0 });
        self.fuel_at = Some(start + 1);
        self.fuel_count = 0;
    }

    fn end_fuel_segment(&mut self) {
        if let Some(at) = self.fuel_at.take() {
            let amount = self.fuel_count;
            self.code[at] = amount as u16;
            self.code[at + 1] = (amount >> 16) as u16;
        }
    }
}
