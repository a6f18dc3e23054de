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

use ember_core::{FuncType, ModuleInfo, Mutability, ValType};

use crate::code::CompiledFunc;
use crate::operand::{FarOffset, Operand};
use crate::ops::{op, Instr, Opcode};
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
#[derive(Clone, Debug, PartialEq, Eq)]
struct Flow {
    bits: Vec<u64>,
    frame_size: usize,
}

impl Flow {
    fn new(frame_size: usize, kind: Kind) -> Flow {
        let fill = if kind == ANY { u64::MAX } else { 0 };
        Flow { bits: vec![fill; frame_size.div_ceil(32)], frame_size }
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

/// The per-instruction checks against the module (see the [module documentation](self)). Returns whether the
/// instruction is a place where a slot becomes a reference others rely on, so that the reference flow must be
/// analysed (`results_are_refs`: the function returns a reference).
fn check_instruction(cx: &Context<'_>, instr: &Instr, results_are_refs: bool) -> Result<bool, VerifyError> {
    let info = cx.info;
    let (funcs, tables) = (info.funcs.len(), info.tables.len());
    Ok(match *instr {
        Instr::GlobalGet(i) => {
            cx.global(i.global)?;
            false
        }
        Instr::GlobalSet(i) => {
            let g = cx.global(i.global)?;
            if g.mutability != Mutability::Var {
                return Err(cx.error(VerifyErrorKind::ImmutableGlobal(i.global)));
            }
            required(g.content).is_some()
        }
        Instr::RefFunc(i) => {
            cx.index("func", i.func, funcs)?;
            false
        }
        Instr::Call(i) => cx.func_type(u32::from(i.func))?.params().iter().any(|&t| required(t).is_some()),
        Instr::CallWide(i) => cx.func_type(i.func)?.params().iter().any(|&t| required(t).is_some()),
        Instr::CallIndirect(i) => {
            if cx.table("table", i.table)? != ValType::FuncRef {
                return Err(cx.error(VerifyErrorKind::TableType { field: "table" }));
            }
            cx.sig(i.ty)?.params().iter().any(|&t| required(t).is_some())
        }
        Instr::TableGet(op::TableGet { table, .. }) | Instr::TableSize(op::TableSize { table, .. }) => {
            cx.index("table", table, tables)?;
            false
        }
        Instr::TableSet(op::TableSet { table, .. })
        | Instr::TableGrow(op::TableGrow { table, .. })
        | Instr::TableFill(op::TableFill { table, .. }) => {
            cx.index("table", table, tables)?;
            true
        }
        Instr::TableCopy(i) => {
            if cx.table("dst_table", i.dst_table)? != cx.table("src_table", i.src_table)? {
                return Err(cx.error(VerifyErrorKind::TableType { field: "src_table" }));
            }
            false
        }
        Instr::TableInit(i) => {
            let table = cx.table("table", i.table)?;
            let elem = &info.elements[cx.index("elem", i.elem, info.elements.len())?];
            if elem.ty != table {
                return Err(cx.error(VerifyErrorKind::TableType { field: "elem" }));
            }
            false
        }
        Instr::ElemDrop(i) => {
            cx.index("elem", i.elem, info.elements.len())?;
            false
        }
        Instr::MemoryInit(op::MemoryInit { data, .. }) | Instr::DataDrop(op::DataDrop { data }) => {
            cx.index("data", data, info.datas.len())?;
            false
        }
        Instr::Return0(_) | Instr::Return1(_) | Instr::ReturnSpan(_) => results_are_refs,
        _ => false,
    })
}

/// Calls the function on every branch target of `instr` at `pc` (its offset operand, or `BrTable`'s table).
fn for_each_target(code: &[u16], pc: usize, instr: &Instr, mut f: impl FnMut(usize)) {
    // Verified code: every target is inside the code, so the sums below are in range.
    let target = |offset: i64| (pc as i64 + offset) as usize;
    if let Some(offset) = instr.branch_offset() {
        f(target(offset));
    }
    if let Instr::BrTable(t) = instr {
        let table = pc + op::BrTable::UNITS;
        for k in 0..=t.len as usize {
            f(target(i64::from(FarOffset::read(code, table + 2 * k).0)));
        }
    }
}

/// Applies `instr` to `flow`, checking the places where a slot becomes a reference.
fn transfer(cx: &Context<'_>, flow: &mut Flow, instr: &Instr, ty: &FuncType) -> Result<(), VerifyError> {
    // A call: reference arguments checked, then the caller's slots from `args` up are the callee's frame.
    let call = |flow: &mut Flow, args: usize, callee: &FuncType| -> Result<(), VerifyError> {
        for (k, &param) in callee.params().iter().enumerate() {
            cx.expect(flow, args + k, param, "a call's reference argument")?;
        }
        for slot in args..flow.frame_size {
            flow.set(slot, ANY);
        }
        for (k, &result) in callee.results().iter().enumerate() {
            flow.set(args + k, kind_of(result));
        }
        Ok(())
    };
    // The function's results are in slots `0..`, the first `len` of them copied from `src` first.
    let returns = |flow: &Flow, src: usize, len: usize| -> Result<(), VerifyError> {
        for (k, &result) in ty.results().iter().enumerate() {
            let from = if k < len { src + k } else { k };
            cx.expect(flow, from, result, "a returned reference")?;
        }
        Ok(())
    };
    match *instr {
        Instr::Copy(i) => flow.set(i.dst.idx(), flow.get(i.src.idx())),
        Instr::CopySpan(i) => {
            let kinds: Vec<Kind> = (0..usize::from(i.len)).map(|k| flow.get(i.src.idx() + k)).collect();
            for (k, kind) in kinds.into_iter().enumerate() {
                flow.set(i.dst.idx() + k, kind);
            }
        }
        Instr::Select(i) => flow.set(i.dst.idx(), flow.get(i.if_true.idx()) | flow.get(i.if_false.idx())),
        Instr::Const16(op::Const16 { dst, value: 0 })
        | Instr::Const32(op::Const32 { dst, value: 0 })
        | Instr::ConstI64S32(op::ConstI64S32 { dst, value: 0 })
        | Instr::Const64(op::Const64 { dst, value: 0 }) => flow.set(dst.idx(), NULL),
        Instr::RefFunc(i) => flow.set(i.dst.idx(), kind_of(ValType::FuncRef)),
        Instr::TableGet(i) => flow.set(i.dst.idx(), kind_of(cx.table("table", i.table)?)),
        Instr::GlobalGet(i) => flow.set(i.dst.idx(), kind_of(cx.global(i.global)?.content)),
        Instr::GlobalSet(i) => cx.expect(flow, i.src.idx(), cx.global(i.global)?.content, "a global's value")?,
        Instr::TableSet(i) => cx.expect(flow, i.value.idx(), cx.table("table", i.table)?, "a table element")?,
        Instr::TableFill(i) => cx.expect(flow, i.value.idx(), cx.table("table", i.table)?, "a table element")?,
        Instr::TableGrow(i) => {
            cx.expect(flow, i.init.idx(), cx.table("table", i.table)?, "a table element")?;
            flow.set(i.dst.idx(), ANY);
        }
        Instr::Call(i) => call(flow, i.args.idx(), cx.func_type(u32::from(i.func))?)?,
        Instr::CallWide(i) => call(flow, i.args.idx(), cx.func_type(i.func)?)?,
        Instr::CallIndirect(i) => call(flow, i.args.idx(), cx.sig(i.ty)?)?,
        Instr::Return0(_) => returns(flow, 0, 0)?,
        Instr::Return1(i) => returns(flow, i.src.idx(), 1)?,
        Instr::ReturnSpan(i) => returns(flow, i.src.idx(), usize::from(i.len))?,
        _ => {
            if let Some(dst) = instr.dst_slot() {
                flow.set(dst.idx(), ANY);
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
pub(crate) fn check(info: &ModuleInfo, func_index: u32, func: &CompiledFunc, fuel: bool) -> Result<(), VerifyError> {
    let header = |kind| VerifyError { pc: None, opcode: None, kind };
    let ty =
        info.func_type(func_index).ok_or(header(VerifyErrorKind::ModuleIndex { field: "func", index: func_index }))?;
    let results_are_refs = ty.results().iter().any(|&t| required(t).is_some());
    let code = &func.code[..];
    let mut cx = Context { info, pc: 0, opcode: Opcode::Unreachable };

    // Pass 0: the per-instruction checks; the branch targets; whether the flow matters.
    let mut targets = Vec::new();
    let mut needs_flow = false;
    let mut pc = 0;
    while pc < code.len() {
        let (instr, units) = decode(code, pc)?;
        cx.pc = pc;
        cx.opcode = instr.opcode();
        needs_flow |= check_instruction(&cx, &instr, results_are_refs)?;
        let before = targets.len();
        for_each_target(code, pc, &instr, |t| targets.push(t));
        if fuel && targets[before..].iter().any(|&t| t <= pc && !charges_fuel(code, t)) {
            return Err(cx.error(VerifyErrorKind::UnmeteredLoop));
        }
        pc += units;
    }
    if !needs_flow {
        return Ok(());
    }
    targets.sort_unstable();
    targets.dedup();

    // The entry state: reference parameters are references, the other locals are zeroed (null), the
    // temporaries hold whatever an earlier frame left.
    let frame_size = func.frame_size as usize;
    let mut entry = Flow::new(frame_size, ANY);
    for (slot, &param) in ty.params().iter().enumerate() {
        entry.set(slot, kind_of(param));
    }
    for slot in usize::from(func.num_params)..func.num_locals as usize {
        entry.set(slot, NULL);
    }

    // Forward passes until the states at backward branch targets settle. `None`: not reached (yet).
    let mut at_target: Vec<Option<Flow>> = vec![None; targets.len()];
    for _ in 0..MAX_PASSES {
        let mut unsettled = false;
        let mut current = Some(entry.clone());
        let mut next_target = 0;
        let mut pc = 0;
        while pc < code.len() {
            if targets.get(next_target) == Some(&pc) {
                if let Some(incoming) = &at_target[next_target] {
                    match &mut current {
                        Some(flow) => {
                            flow.join(incoming);
                        }
                        None => current = Some(incoming.clone()),
                    }
                }
                next_target += 1;
            }
            let (instr, units) = decode(code, pc)?;
            if let Some(flow) = current.as_mut() {
                cx.pc = pc;
                cx.opcode = instr.opcode();
                transfer(&cx, flow, &instr, ty)?;
                let flow = &*flow;
                for_each_target(code, pc, &instr, |t| {
                    if let Ok(k) = targets.binary_search(&t) {
                        let changed = match &mut at_target[k] {
                            Some(state) => state.join(flow),
                            empty => {
                                *empty = Some(flow.clone());
                                true
                            }
                        };
                        unsettled |= changed && t <= pc;
                    }
                });
                if is_terminator(instr.opcode()) {
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

/// Whether the instruction at `pc` (the start of one, in verified code) consumes at least one unit of fuel.
fn charges_fuel(code: &[u16], pc: usize) -> bool {
    matches!(Instr::decode(code, pc), Some(Instr::ConsumeFuel(op::ConsumeFuel { amount })) if amount > 0)
}

/// The instruction at `pc` of verified code and its length in units.
fn decode(code: &[u16], pc: usize) -> Result<(Instr, usize), VerifyError> {
    match Instr::decode(code, pc) {
        Some(instr) => {
            let units = instr.units();
            Ok((instr, units))
        }
        None => Err(VerifyError { pc: Some(pc), opcode: None, kind: VerifyErrorKind::UnknownOpcode(code[pc]) }),
    }
}
