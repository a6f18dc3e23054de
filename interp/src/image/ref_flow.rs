//! Image code checked against its module: what validation proves of translated code and an image must prove
//! again, since anyone can build one.
//!
//! **Per instruction** ([`check_instruction`]): every index into the module is in range; `GlobalSet` names a
//! mutable global; `CallIndirect` goes through a `funcref` table; `TableInit` and `TableCopy` move references
//! between a segment or table and a table of the same reference type.
//!
//! **Reference flow** ([`check`]): frame slots are untyped 64-bit cells, and a reference is a store index plus
//! one. Image code could compute any bits (`Const64`, arithmetic) and store them as a reference: a `funcref`
//! naming a function of another instance, which `CallIndirect` would then call, or an `externref` handed to
//! the host as a number it never gave out. A forward dataflow over the code tracks, for every slot, whether
//! it provably holds a valid `funcref` (or null) and whether a valid `externref` (or null). Every place where
//! a slot's value becomes a reference that others rely on must be provably one of the right type:
//!
//! - the value of `TableSet`, `TableFill`, the `init` of `TableGrow` (of the table's element type);
//! - the source of `GlobalSet` to a reference global;
//! - the arguments of a call where the callee's parameter is a reference;
//! - the function's own reference results, when it returns.
//!
//! Provable references come from `RefFunc`, `TableGet`, `GlobalGet` of a reference global, call results and
//! parameters of reference type, zero (null: constants 0 and the locals zeroed on entry), and moves of those
//! (`Copy`, `CopySpan`, `Select`). Tables, globals, segments and the host only ever hold references from these
//! sources (the module's constant expressions are checked too: `const_types`), so by induction every reference
//! the store holds was handed out by it. A call clobbers the caller's slots from its `args` up (the callee's
//! frame starts there), so they hold nothing provable afterwards except the call's results.
//!
//! The analysis only runs on functions that have such a place; most compiled C and Rust code has none.

use alloc::vec;
use alloc::vec::Vec;

use ember_core::{cells_for, FuncType, ModuleInfo, Mutability, ValType};

use crate::code::CompiledFunc;
use crate::operand::{FarOffset, Operand, Slot};
use crate::ops::{op, Opcode};
use crate::verify::{is_terminator, VerifyError, VerifyErrorKind};

/// Passes over the code after which the analysis gives up (each pass settles at least one more loop level;
/// real code needs its loop nesting depth plus one).
const MAX_PASSES: usize = 64;

/// What a slot may hold: bit [`NOT_FUNC`] if it may be something other than a valid `funcref` or null, bit
/// [`NOT_EXTERN`] likewise for `externref`. Joining two paths ORs them.
type Kind = u64;
const NOT_FUNC: Kind = 0b01;
const NOT_EXTERN: Kind = 0b10;
/// Null: valid as either reference type.
const NULL: Kind = 0;
/// A value of no reference type (or unknown bits).
const ANY: Kind = NOT_FUNC | NOT_EXTERN;

/// The kind of a value of type `ty`.
fn kind_of(ty: ValType) -> Kind {
    match ty {
        ValType::FuncRef => NOT_EXTERN,
        ValType::ExternRef => NOT_FUNC,
        _ => ANY,
    }
}

/// The bit that must be clear for a slot to be stored as a reference of type `ty` (`None`: not a reference).
fn required(ty: ValType) -> Option<Kind> {
    match ty {
        ValType::FuncRef => Some(NOT_FUNC),
        ValType::ExternRef => Some(NOT_EXTERN),
        _ => None,
    }
}

/// The kind of every slot of a frame at one program point: two bits per slot.
#[derive(Debug, PartialEq, Eq)]
struct Flow {
    bits: Vec<u64>,
    frame_size: usize,
}

impl Flow {
    /// Every slot of a frame of `frame_size` slots of `kind`; `None` if the allocator refuses.
    fn new(frame_size: usize, kind: Kind) -> Option<Flow> {
        let fill = if kind == ANY { u64::MAX } else { 0 };
        let mut bits = Vec::new();
        bits.try_reserve_exact(frame_size.div_ceil(32)).ok()?;
        bits.resize(frame_size.div_ceil(32), fill);
        Some(Flow { bits, frame_size })
    }

    /// A copy; `None` if the allocator refuses. (Image code sizes these states, so no allocation here may
    /// abort: a refusal turns into a verification error.)
    fn try_clone(&self) -> Option<Flow> {
        let mut bits = Vec::new();
        bits.try_reserve_exact(self.bits.len()).ok()?;
        bits.extend_from_slice(&self.bits);
        Some(Flow { bits, frame_size: self.frame_size })
    }

    /// The kind of `slot`; outside the frame, stale cells of the value stack: [`ANY`].
    fn get(&self, slot: usize) -> Kind {
        if slot >= self.frame_size {
            return ANY;
        }
        (self.bits[slot / 32] >> (2 * (slot % 32))) & ANY
    }

    /// Sets the kind of `slot` (ignored outside the frame).
    fn set(&mut self, slot: usize, kind: Kind) {
        if slot < self.frame_size {
            let shift = 2 * (slot % 32);
            let word = &mut self.bits[slot / 32];
            *word = (*word & !(ANY << shift)) | (kind << shift);
        }
    }

    /// Adds `other`'s possibilities; returns whether anything changed.
    fn join(&mut self, other: &Flow) -> bool {
        let mut changed = false;
        for (mine, theirs) in self.bits.iter_mut().zip(&other.bits) {
            let joined = *mine | theirs;
            changed |= joined != *mine;
            *mine = joined;
        }
        changed
    }
}

/// The module facts the checks need, resolved once per function.
struct Context<'a> {
    info: &'a ModuleInfo,
    pc: usize,
    opcode: Opcode,
}

impl Context<'_> {
    #[cold]
    fn error(&self, kind: VerifyErrorKind) -> VerifyError {
        VerifyError { pc: Some(self.pc), opcode: Some(self.opcode), kind }
    }

    fn index(&self, field: &'static str, index: u32, len: usize) -> Result<usize, VerifyError> {
        match index as usize {
            i if i < len => Ok(i),
            _ => Err(self.error(VerifyErrorKind::ModuleIndex { field, index })),
        }
    }

    fn func_type(&self, func: u32) -> Result<&FuncType, VerifyError> {
        let ty = self.info.funcs.get(func as usize).and_then(|&t| self.info.types.get(t as usize));
        ty.ok_or_else(|| self.error(VerifyErrorKind::ModuleIndex { field: "func", index: func }))
    }

    fn sig(&self, ty: u32) -> Result<&FuncType, VerifyError> {
        let len = self.info.types.len();
        Ok(&self.info.types[self.index("ty", ty, len)?])
    }

    fn table(&self, field: &'static str, table: u32) -> Result<ValType, VerifyError> {
        Ok(self.info.tables[self.index(field, table, self.info.tables.len())?].element)
    }

    fn global(&self, global: u32) -> Result<&ember_core::GlobalType, VerifyError> {
        Ok(&self.info.globals[self.index("global", global, self.info.globals.len())?])
    }

    /// Checks that `slot` provably holds a reference of type `ty` (anything, if `ty` is not a reference).
    fn expect(&self, flow: &Flow, slot: usize, ty: ValType, what: &'static str) -> Result<(), VerifyError> {
        match required(ty) {
            Some(bit) if flow.get(slot) & bit != 0 => {
                Err(self.error(VerifyErrorKind::UnprovenReference { slot: slot as u32, expected: ty, what }))
            }
            _ => Ok(()),
        }
    }
}

/// The per-instruction checks against the module (see the [module documentation](self)) for the instruction at
/// `code[pc]` (its opcode `cx.opcode`). Returns whether it is a place where a slot becomes a reference others rely
/// on, so that the reference flow must be analysed (`results_are_refs`: the function returns a reference).
fn check_instruction(cx: &Context<'_>, code: &[u16], pc: usize, results_are_refs: bool) -> Result<bool, VerifyError> {
    let info = cx.info;
    let (funcs, tables) = (info.funcs.len(), info.tables.len());
    let refs_in = |ty: &FuncType| ty.params().iter().any(|&t| required(t).is_some());
    // A one-cell global is moved by `GlobalGet`/`GlobalSet`, a `v128` one by their `128` forms only: a
    // `GlobalSet128` cannot write two cells of bits into a reference global, and no global is left half written.
    let width = |global: u32, wide: bool| -> Result<&ember_core::GlobalType, VerifyError> {
        let g = cx.global(global)?;
        match (g.content == ValType::V128) == wide {
            true => Ok(g),
            false => Err(cx.error(VerifyErrorKind::GlobalWidth(global))),
        }
    };
    let set = |global: u32, wide: bool| -> Result<bool, VerifyError> {
        let g = width(global, wide)?;
        if g.mutability != Mutability::Var {
            return Err(cx.error(VerifyErrorKind::ImmutableGlobal(global)));
        }
        Ok(required(g.content).is_some())
    };
    Ok(match cx.opcode {
        Opcode::GlobalGet => {
            width(op::GlobalGet::decode(code, pc).global, false)?;
            false
        }
        Opcode::GlobalSet => set(op::GlobalSet::decode(code, pc).global, false)?,
        Opcode::GlobalGet128 => {
            width(op::GlobalGet128::decode(code, pc).global, true)?;
            false
        }
        Opcode::GlobalSet128 => set(op::GlobalSet128::decode(code, pc).global, true)?,
        Opcode::RefFunc => {
            cx.index("func", op::RefFunc::decode(code, pc).func, funcs)?;
            false
        }
        Opcode::Call => refs_in(cx.func_type(u32::from(op::Call::decode(code, pc).func))?),
        Opcode::CallWide => refs_in(cx.func_type(op::CallWide::decode(code, pc).func)?),
        Opcode::CallIndirect => {
            let i = op::CallIndirect::decode(code, pc);
            if cx.table("table", i.table)? != ValType::FuncRef {
                return Err(cx.error(VerifyErrorKind::TableType { field: "table" }));
            }
            refs_in(cx.sig(i.ty)?)
        }
        Opcode::TableGet => {
            cx.index("table", op::TableGet::decode(code, pc).table, tables)?;
            false
        }
        Opcode::TableSize => {
            cx.index("table", op::TableSize::decode(code, pc).table, tables)?;
            false
        }
        Opcode::TableSet => {
            cx.index("table", op::TableSet::decode(code, pc).table, tables)?;
            true
        }
        Opcode::TableGrow => {
            cx.index("table", op::TableGrow::decode(code, pc).table, tables)?;
            true
        }
        Opcode::TableFill => {
            cx.index("table", op::TableFill::decode(code, pc).table, tables)?;
            true
        }
        Opcode::TableCopy => {
            let i = op::TableCopy::decode(code, pc);
            if cx.table("dst_table", i.dst_table)? != cx.table("src_table", i.src_table)? {
                return Err(cx.error(VerifyErrorKind::TableType { field: "src_table" }));
            }
            false
        }
        Opcode::TableInit => {
            let i = op::TableInit::decode(code, pc);
            let table = cx.table("table", i.table)?;
            let elem = &info.elements[cx.index("elem", i.elem, info.elements.len())?];
            if elem.ty != table {
                return Err(cx.error(VerifyErrorKind::TableType { field: "elem" }));
            }
            false
        }
        Opcode::ElemDrop => {
            cx.index("elem", op::ElemDrop::decode(code, pc).elem, info.elements.len())?;
            false
        }
        Opcode::MemoryInit => {
            cx.index("data", op::MemoryInit::decode(code, pc).data, info.datas.len())?;
            false
        }
        Opcode::DataDrop => {
            cx.index("data", op::DataDrop::decode(code, pc).data, info.datas.len())?;
            false
        }
        Opcode::Return0 | Opcode::Return1 | Opcode::ReturnSpan => results_are_refs,
        _ => false,
    })
}

/// Calls `f` with every branch target of the instruction at `code[pc]` (opcode `opcode`): its offset operand,
/// or `BrTable`'s table.
fn for_each_target(code: &[u16], pc: usize, opcode: Opcode, mut f: impl FnMut(usize)) {
    // Verified code: every target is inside the code, so the sums below are in range.
    let target = |offset: i64| (pc as i64 + offset) as usize;
    if let Some(offset) = opcode.branch_offset(code, pc) {
        f(target(offset));
    }
    if opcode == Opcode::BrTable {
        let table = pc + op::BrTable::UNITS;
        for k in 0..=op::BrTable::decode(code, pc).len as usize {
            f(target(i64::from(FarOffset::read(code, table + 2 * k).0)));
        }
    }
}

/// A call with arguments from `args`: reference arguments checked, then the caller's slots from `args` up are
/// the callee's frame, and hold its results. (Out of line: three instructions call, and code size counts on
/// devices.)
#[inline(never)]
fn call(cx: &Context<'_>, flow: &mut Flow, args: usize, callee: &FuncType) -> Result<(), VerifyError> {
    for (cell, param) in cells(callee.params()) {
        cx.expect(flow, args + cell, param, "a call's reference argument")?;
    }
    for slot in args..flow.frame_size {
        flow.set(slot, ANY);
    }
    for (cell, result) in cells(callee.results()) {
        flow.set(args + cell, kind_of(result));
    }
    Ok(())
}

/// Each of `types` with the cell where it starts, laid out one after the other (a `v128` takes two cells;
/// both hold no reference, which `Flow::new(.., ANY)` and `kind_of` already say of every cell but a
/// reference's). Cells stay far below `usize::MAX`: at most two per type.
fn cells(types: &[ValType]) -> impl Iterator<Item = (usize, ValType)> + '_ {
    types.iter().scan(0usize, |at, &ty| {
        let cell = *at;
        *at += cells_for(ty) as usize;
        Some((cell, ty))
    })
}

/// A return of a function of type `ty`: its results are in slots `0..`, the first `len` of them copied from
/// `src` first.
#[inline(never)]
fn returns(cx: &Context<'_>, flow: &Flow, ty: &FuncType, src: usize, len: usize) -> Result<(), VerifyError> {
    for (cell, result) in cells(ty.results()) {
        let from = if cell < len { src + cell } else { cell };
        cx.expect(flow, from, result, "a returned reference")?;
    }
    Ok(())
}

/// Applies the instruction at `code[pc]` (opcode `cx.opcode`) to `flow`, checking the places where a slot
/// becomes a reference.
fn transfer(cx: &Context<'_>, flow: &mut Flow, code: &[u16], pc: usize, ty: &FuncType) -> Result<(), VerifyError> {
    let call = |flow: &mut Flow, args: Slot, callee: &FuncType| call(cx, flow, args.idx(), callee);
    let returns = |flow: &Flow, src: usize, len: usize| returns(cx, flow, ty, src, len);
    // A constant 0 is null, a valid reference of either type.
    let constant = |flow: &mut Flow, dst: Slot, value: u64| flow.set(dst.idx(), if value == 0 { NULL } else { ANY });
    match cx.opcode {
        Opcode::Copy => {
            let i = op::Copy::decode(code, pc);
            flow.set(i.dst.idx(), flow.get(i.src.idx()));
        }
        Opcode::Copy2 => {
            let i = op::Copy2::decode(code, pc);
            flow.set(i.dst.idx(), flow.get(i.src.idx()));
            flow.set(i.dst2.idx(), flow.get(i.src2.idx()));
        }
        Opcode::CopySpan => {
            let i = op::CopySpan::decode(code, pc);
            let kinds: Vec<Kind> = (0..usize::from(i.len)).map(|k| flow.get(i.src.idx() + k)).collect();
            for (k, kind) in kinds.into_iter().enumerate() {
                flow.set(i.dst.idx() + k, kind);
            }
        }
        Opcode::Select => {
            let i = op::Select::decode(code, pc);
            flow.set(i.dst.idx(), flow.get(i.if_true.idx()) | flow.get(i.if_false.idx()));
        }
        Opcode::Const16 => {
            let i = op::Const16::decode(code, pc);
            constant(flow, i.dst, i.value as u64);
        }
        Opcode::Const32 => {
            let i = op::Const32::decode(code, pc);
            constant(flow, i.dst, u64::from(i.value));
        }
        Opcode::ConstI64S32 => {
            let i = op::ConstI64S32::decode(code, pc);
            constant(flow, i.dst, u64::from(i.value));
        }
        Opcode::Const64 => {
            let i = op::Const64::decode(code, pc);
            constant(flow, i.dst, i.value);
        }
        Opcode::RefFunc => flow.set(op::RefFunc::decode(code, pc).dst.idx(), kind_of(ValType::FuncRef)),
        Opcode::TableGet => {
            let i = op::TableGet::decode(code, pc);
            flow.set(i.dst.idx(), kind_of(cx.table("table", i.table)?));
        }
        Opcode::GlobalGet => {
            let i = op::GlobalGet::decode(code, pc);
            flow.set(i.dst.idx(), kind_of(cx.global(i.global)?.content));
        }
        Opcode::GlobalSet => {
            let i = op::GlobalSet::decode(code, pc);
            cx.expect(flow, i.src.idx(), cx.global(i.global)?.content, "a global's value")?;
        }
        Opcode::GlobalGet128 => {
            // Two cells of bits (the global is a `v128`: checked per instruction).
            let i = op::GlobalGet128::decode(code, pc);
            flow.set(i.dst.idx(), ANY);
            flow.set(i.dst.idx() + 1, ANY);
        }
        Opcode::TableSet => {
            let i = op::TableSet::decode(code, pc);
            cx.expect(flow, i.value.idx(), cx.table("table", i.table)?, "a table element")?;
        }
        Opcode::TableFill => {
            let i = op::TableFill::decode(code, pc);
            cx.expect(flow, i.value.idx(), cx.table("table", i.table)?, "a table element")?;
        }
        Opcode::TableGrow => {
            let i = op::TableGrow::decode(code, pc);
            cx.expect(flow, i.init.idx(), cx.table("table", i.table)?, "a table element")?;
            flow.set(i.dst.idx(), ANY);
        }
        Opcode::Call => {
            let i = op::Call::decode(code, pc);
            call(flow, i.args, cx.func_type(u32::from(i.func))?)?;
        }
        Opcode::CallWide => {
            let i = op::CallWide::decode(code, pc);
            call(flow, i.args, cx.func_type(i.func)?)?;
        }
        Opcode::CallIndirect => {
            let i = op::CallIndirect::decode(code, pc);
            call(flow, i.args, cx.sig(i.ty)?)?;
        }
        Opcode::Return0 => returns(flow, 0, 0)?,
        Opcode::Return1 => returns(flow, op::Return1::decode(code, pc).src.idx(), 1)?,
        Opcode::ReturnSpan => {
            let i = op::ReturnSpan::decode(code, pc);
            returns(flow, i.src.idx(), usize::from(i.len))?;
        }
        other => {
            if let Some(dst) = other.dst_slot(code, pc) {
                for cell in 0..other.dst_cells() {
                    flow.set(dst.idx() + cell, ANY);
                }
            }
        }
    }
    Ok(())
}

/// Checks the code of module function `func_index` (already through [`verify`](crate::verify::verify))
/// against its module: every instruction, then, where the function has a place that relies on it, the
/// reference flow (see the [module documentation](self)). With `fuel`, also that the code cannot loop
/// without consuming fuel: every backward branch lands on a `ConsumeFuel` of at least 1, as the translator
/// emits at each loop header (otherwise an image marked as metered could spin forever under a fuel limit).
#[inline(never)]
pub(crate) fn check(info: &ModuleInfo, func_index: u32, func: &CompiledFunc, fuel: bool) -> Result<(), VerifyError> {
    let header = |kind| VerifyError { pc: None, opcode: None, kind };
    let ty =
        info.func_type(func_index).ok_or(header(VerifyErrorKind::ModuleIndex { field: "func", index: func_index }))?;
    let results_are_refs = ty.results().iter().any(|&t| required(t).is_some());
    let code = &func.code[..];
    let mut cx = Context { info, pc: 0, opcode: Opcode::Unreachable };

    // Pass 0: the per-instruction checks; the branch targets; whether the flow matters.
    let mut targets = Targets::new(code.len());
    let mut needs_flow = false;
    let mut unmetered = false;
    let mut pc = 0;
    while pc < code.len() {
        let (opcode, units) = decode(code, pc)?;
        cx.pc = pc;
        cx.opcode = opcode;
        needs_flow |= check_instruction(&cx, code, pc, results_are_refs)?;
        for_each_target(code, pc, opcode, |t| {
            targets.add(t);
            unmetered |= fuel && t <= pc && !charges_fuel(code, t);
        });
        if unmetered {
            return Err(cx.error(VerifyErrorKind::UnmeteredLoop));
        }
        pc += units;
    }
    if !needs_flow {
        return Ok(());
    }
    targets.rank();

    // The entry state: reference parameters are references, the other locals are zeroed (null), the
    // temporaries hold whatever an earlier frame left.
    let frame_size = func.frame_size as usize;
    let too_large = || header(VerifyErrorKind::FlowTooComplex);
    let mut entry = Flow::new(frame_size, ANY).ok_or_else(too_large)?;
    for (slot, param) in cells(ty.params()) {
        entry.set(slot, kind_of(param));
    }
    for slot in usize::from(func.num_params)..func.num_locals as usize {
        entry.set(slot, NULL);
    }

    // Forward passes until the states at backward branch targets settle. `None`: not reached (yet).
    let mut at_target: Vec<Option<Flow>> = Vec::new();
    at_target.try_reserve_exact(targets.count()).map_err(|_| too_large())?;
    at_target.resize_with(targets.count(), || None);
    for _ in 0..MAX_PASSES {
        let mut unsettled = false;
        let mut current = Some(entry.try_clone().ok_or_else(too_large)?);
        let mut pc = 0;
        while pc < code.len() {
            if let Some(Some(incoming)) = targets.index(pc).map(|k| &at_target[k]) {
                match &mut current {
                    Some(flow) => {
                        flow.join(incoming);
                    }
                    None => current = Some(incoming.try_clone().ok_or_else(too_large)?),
                }
            }
            let (opcode, units) = decode(code, pc)?;
            if let Some(flow) = current.as_mut() {
                cx.pc = pc;
                cx.opcode = opcode;
                transfer(&cx, flow, code, pc, ty)?;
                let flow = &*flow;
                let mut refused = false;
                for_each_target(code, pc, opcode, |t| {
                    if let Some(k) = targets.index(t) {
                        let changed = match &mut at_target[k] {
                            Some(state) => state.join(flow),
                            empty => {
                                *empty = flow.try_clone();
                                refused |= empty.is_none();
                                true
                            }
                        };
                        unsettled |= changed && t <= pc;
                    }
                });
                if refused {
                    return Err(too_large());
                }
                if is_terminator(opcode) {
                    current = None;
                }
            }
            pc += units;
        }
        if !unsettled {
            return Ok(());
        }
    }
    Err(header(VerifyErrorKind::FlowTooComplex))
}

/// The branch targets of a function's code: a bit per code unit, and once all are added, the number of
/// targets before each 64-unit word, so that a target's index in the per-target states is a rank. (No sort,
/// no map: small code, `len / 8 + len / 16` bytes of RAM.)
struct Targets {
    bits: Vec<u64>,
    before: Vec<u32>,
}

impl Targets {
    fn new(code_len: usize) -> Targets {
        Targets { bits: vec![0; code_len.div_ceil(64)], before: Vec::new() }
    }

    fn add(&mut self, unit: usize) {
        self.bits[unit / 64] |= 1 << (unit % 64);
    }

    /// Computes the ranks; call once every target is added.
    fn rank(&mut self) {
        let mut total = 0u32;
        self.before = self
            .bits
            .iter()
            .map(|w| {
                let before = total;
                total += w.count_ones();
                before
            })
            .collect();
    }

    fn count(&self) -> usize {
        self.bits.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The index of the target at `unit` among all targets, if `unit` is one.
    fn index(&self, unit: usize) -> Option<usize> {
        let word = self.bits[unit / 64];
        let bit = 1u64 << (unit % 64);
        (word & bit != 0).then(|| self.before[unit / 64] as usize + (word & (bit - 1)).count_ones() as usize)
    }
}

/// Whether the instruction at `pc` (the start of one, in verified code) consumes at least one unit of fuel.
fn charges_fuel(code: &[u16], pc: usize) -> bool {
    code.get(pc) == Some(&op::ConsumeFuel::OPCODE)
        && code.get(pc..pc + op::ConsumeFuel::UNITS).is_some()
        && op::ConsumeFuel::decode(code, pc).amount > 0
}

/// The opcode at `pc` of verified code and the instruction's length in units (with `BrTable`'s targets).
fn decode(code: &[u16], pc: usize) -> Result<(Opcode, usize), VerifyError> {
    Opcode::with_units_at(code, pc).ok_or(VerifyError {
        pc: Some(pc),
        opcode: None,
        kind: VerifyErrorKind::UnknownOpcode(code[pc]),
    })
}
