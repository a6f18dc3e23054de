//! Structured control flow: blocks, loops, ifs, branches and returns, and compare-and-branch fusion.

use alloc::vec::Vec;

use ember_core::ValType;

use super::{Operand, Translator};
use crate::ops::{op, FarOffset, Instr, Offset, Slot};

/// What kind of construct a control frame is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum ControlKind {
    /// The function body: branching to it returns.
    Function,
    Block,
    Loop,
    /// An `if` whose `else` has not been seen; `else_patch` is the conditional branch to the else arm.
    If,
    Else,
}

/// A branch whose offset is filled in when its target is known.
#[derive(Copy, Clone, Debug)]
pub(crate) struct Patch {
    /// Position of the branching instruction (offsets are relative to it).
    start: usize,
    /// Position of the offset operand.
    at: usize,
    /// Whether the offset is a 32-bit `FarOffset` (else a 16-bit `Offset`).
    far: bool,
}

/// An open block, loop, if or function body.
#[derive(Debug)]
pub(crate) struct Control {
    kind: ControlKind,
    /// Stack height below the block's parameters.
    height: usize,
    params: usize,
    results: usize,
    /// The block's signature: where its parameter and result types are (for the cells each takes).
    sig: BlockSig,
    /// Loop header position (branch target of a loop).
    loop_start: usize,
    /// Forward branches to this block's end.
    patches: Vec<Patch>,
    /// The jump from an `if` to its else arm (or end).
    else_patch: Option<Patch>,
    /// Whether anything reaches the end label (a branch, or a fallthrough from the then-arm).
    end_reached: bool,
}

impl Control {
    pub(crate) fn function(results: usize) -> Control {
        Control {
            kind: ControlKind::Function,
            height: 0,
            params: 0,
            results,
            sig: BlockSig::Empty,
            loop_start: 0,
            patches: Vec::new(),
            else_patch: None,
            end_reached: false,
        }
    }

    /// Number of values a branch to this label carries.
    fn branch_arity(&self) -> usize {
        if self.kind == ControlKind::Loop {
            self.params
        } else {
            self.results
        }
    }
}

/// Where a block's parameter and result types are.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum BlockSig {
    /// No parameters or results (also the function body's, whose results are never re-pushed).
    Empty,
    /// No parameters, one result.
    One(ValType),
    /// The module's function type with this index.
    Type(u32),
}

/// `[ty]`, as a static slice.
pub(crate) fn one(ty: ValType) -> &'static [ValType] {
    match ty {
        ValType::I32 => &[ValType::I32],
        ValType::I64 => &[ValType::I64],
        ValType::F32 => &[ValType::F32],
        ValType::F64 => &[ValType::F64],
        ValType::V128 => &[ValType::V128],
        ValType::FuncRef => &[ValType::FuncRef],
        ValType::ExternRef => &[ValType::ExternRef],
    }
}

/// Integer comparison conditions.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Cond {
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
}

impl Cond {
    /// The condition that holds exactly when this one does not.
    pub(crate) fn negate(self) -> Cond {
        use Cond::*;
        match self {
            Eq => Ne,
            Ne => Eq,
            LtS => GeS,
            LtU => GeU,
            GtS => LeS,
            GtU => LeU,
            LeS => GtS,
            LeU => GtU,
            GeS => LtS,
            GeU => LtU,
        }
    }
    /// The condition with operands swapped (`a < b` is `b > a`).
    pub(crate) fn swap(self) -> Cond {
        use Cond::*;
        match self {
            Eq => Eq,
            Ne => Ne,
            LtS => GtS,
            LtU => GtU,
            GtS => LtS,
            GtU => LtU,
            LeS => GeS,
            LeU => GeU,
            GeS => LeS,
            GeU => LeU,
        }
    }
}

/// Right-hand side of a comparison.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Rhs {
    Slot(Slot),
    Imm(i16),
}

/// A comparison that can become a compare-and-branch.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Compare {
    pub(crate) wide: bool,
    pub(crate) cond: Cond,
    pub(crate) lhs: Slot,
    pub(crate) rhs: Rhs,
}

/// When a branch is taken.
#[derive(Copy, Clone, Debug)]
pub(crate) enum BranchIf {
    Always,
    /// i32 (or i64 when `wide`) operand is non-zero / zero.
    Nez(Slot, bool),
    Eqz(Slot, bool),
    Compare(Compare),
}

impl BranchIf {
    fn negate(self) -> BranchIf {
        match self {
            BranchIf::Always => BranchIf::Always,
            BranchIf::Nez(s, w) => BranchIf::Eqz(s, w),
            BranchIf::Eqz(s, w) => BranchIf::Nez(s, w),
            BranchIf::Compare(c) => BranchIf::Compare(Compare { cond: c.cond.negate(), ..c }),
        }
    }

    /// The branch instruction with a zero offset.
    fn instr(self) -> Instr {
        let offset = Offset(0);
        match self {
            BranchIf::Always => op::Br { offset }.into(),
            BranchIf::Nez(cond, false) => op::BrIfNez { cond, offset }.into(),
            BranchIf::Eqz(cond, false) => op::BrIfEqz { cond, offset }.into(),
            BranchIf::Nez(cond, true) => op::BrIfNez64 { cond, offset }.into(),
            BranchIf::Eqz(cond, true) => op::BrIfEqz64 { cond, offset }.into(),
            BranchIf::Compare(c) => compare_branch(c),
        }
    }
}

fn compare_branch(c: Compare) -> Instr {
    use Cond::*;
    let offset = Offset(0);
    let lhs = c.lhs;
    match (c.wide, c.rhs) {
        (false, Rhs::Slot(rhs)) => match c.cond {
            Eq => op::BrIfI32Eq { lhs, rhs, offset }.into(),
            Ne => op::BrIfI32Ne { lhs, rhs, offset }.into(),
            LtS => op::BrIfI32LtS { lhs, rhs, offset }.into(),
            LtU => op::BrIfI32LtU { lhs, rhs, offset }.into(),
            GtS => op::BrIfI32GtS { lhs, rhs, offset }.into(),
            GtU => op::BrIfI32GtU { lhs, rhs, offset }.into(),
            LeS => op::BrIfI32LeS { lhs, rhs, offset }.into(),
            LeU => op::BrIfI32LeU { lhs, rhs, offset }.into(),
            GeS => op::BrIfI32GeS { lhs, rhs, offset }.into(),
            GeU => op::BrIfI32GeU { lhs, rhs, offset }.into(),
        },
        (false, Rhs::Imm(imm)) => match c.cond {
            Eq => op::BrIfI32EqImm { lhs, imm, offset }.into(),
            Ne => op::BrIfI32NeImm { lhs, imm, offset }.into(),
            LtS => op::BrIfI32LtSImm { lhs, imm, offset }.into(),
            LtU => op::BrIfI32LtUImm { lhs, imm, offset }.into(),
            GtS => op::BrIfI32GtSImm { lhs, imm, offset }.into(),
            GtU => op::BrIfI32GtUImm { lhs, imm, offset }.into(),
            LeS => op::BrIfI32LeSImm { lhs, imm, offset }.into(),
            LeU => op::BrIfI32LeUImm { lhs, imm, offset }.into(),
            GeS => op::BrIfI32GeSImm { lhs, imm, offset }.into(),
            GeU => op::BrIfI32GeUImm { lhs, imm, offset }.into(),
        },
        (true, Rhs::Slot(rhs)) => match c.cond {
            Eq => op::BrIfI64Eq { lhs, rhs, offset }.into(),
            Ne => op::BrIfI64Ne { lhs, rhs, offset }.into(),
            LtS => op::BrIfI64LtS { lhs, rhs, offset }.into(),
            LtU => op::BrIfI64LtU { lhs, rhs, offset }.into(),
            GtS => op::BrIfI64GtS { lhs, rhs, offset }.into(),
            GtU => op::BrIfI64GtU { lhs, rhs, offset }.into(),
            LeS => op::BrIfI64LeS { lhs, rhs, offset }.into(),
            LeU => op::BrIfI64LeU { lhs, rhs, offset }.into(),
            GeS => op::BrIfI64GeS { lhs, rhs, offset }.into(),
            GeU => op::BrIfI64GeU { lhs, rhs, offset }.into(),
        },
        // There are no 64-bit immediate compare-and-branch forms; `fusable` never produces this.
        (true, Rhs::Imm(_)) => op::Unreachable {}.into(),
    }
}

impl<'a> Translator<'a> {
    fn label(&self, depth: u32) -> usize {
        self.controls.len() - 1 - depth as usize
    }

    /// Pops the condition of a `br_if`/`if`, fusing the compare that just produced it when possible.
    fn pop_condition(&mut self) -> BranchIf {
        let depth = self.stack.len().saturating_sub(1);
        if let (Some(Operand::Temp), Some(last)) = (self.stack.last().copied(), self.last) {
            let temp = self.canonical(depth);
            if last.dst == temp {
                if let Some(c) = last.compare.filter(|c| !(c.wide && matches!(c.rhs, Rhs::Imm(_)))) {
                    self.code.truncate(last.start);
                    self.last = None;
                    self.pop();
                    return BranchIf::Compare(c);
                }
                if let Some(eqz) = self.eqz_operand(last) {
                    self.code.truncate(last.start);
                    self.last = None;
                    self.pop();
                    return eqz;
                }
            }
        }
        let slot = self.pop_slot();
        BranchIf::Nez(slot, false)
    }

    /// If the last instruction is an `eqz`, the equivalent branch on its operand.
    fn eqz_operand(&self, last: super::LastResult) -> Option<BranchIf> {
        match Instr::decode(&self.code, last.start)? {
            Instr::I32Eqz(e) => Some(BranchIf::Eqz(e.src, false)),
            Instr::I64Eqz(e) => Some(BranchIf::Eqz(e.src, true)),
            _ => None,
        }
    }

    /// Emits a branch with its offset left open. In far mode an unconditional branch is `BrFar`, and a
    /// conditional one is the opposite condition skipping over a `BrFar`.
    fn emit_jump(&mut self, cond: BranchIf) -> Patch {
        if !self.far {
            let start = self.emit(cond.instr());
            if matches!(cond, BranchIf::Always) {
                self.br_sites.push(start);
            }
            return Patch { start, at: self.code.len() - 1, far: false };
        }
        let skip = match cond {
            BranchIf::Always => None,
            _ => {
                let start = self.emit(cond.negate().instr());
                Some(Patch { start, at: self.code.len() - 1, far: false })
            }
        };
        let start = self.emit(op::BrFar { offset: FarOffset(0) });
        let jump = Patch { start, at: self.code.len() - 2, far: true };
        if let Some(skip) = skip {
            self.bind(skip);
        }
        jump
    }

    /// Writes the offset of `patch` so that it leads to `target`; notes when a near offset does not fit.
    fn fill(&mut self, patch: Patch, target: usize) {
        let offset = target as i64 - patch.start as i64;
        if patch.far {
            let offset = offset as i32 as u32;
            self.code[patch.at] = offset as u16;
            self.code[patch.at + 1] = (offset >> 16) as u16;
        } else {
            match i16::try_from(offset) {
                Ok(offset) => self.code[patch.at] = offset as u16,
                Err(_) => self.needs_far = true,
            }
        }
    }

    /// Points `patch` at the current position.
    fn bind(&mut self, patch: Patch) {
        // A label here: the code before it may no longer be joined with what comes after.
        self.copy_at = None;
        self.fill(patch, self.code.len());
    }

    /// Emits a branch to a known position (a loop header) or registers it with the label at `label`.
    fn emit_branch(&mut self, cond: BranchIf, label: usize) {
        let patch = self.emit_jump(cond);
        let control = &mut self.controls[label];
        if control.kind == ControlKind::Loop {
            let target = control.loop_start;
            self.fill(patch, target);
        } else {
            control.patches.push(patch);
            control.end_reached = true;
        }
    }

    /// Whether branching to `label` needs value copies (values not already in the label's slots).
    fn needs_copies(&self, label: usize) -> bool {
        let control = &self.controls[label];
        let n = control.branch_arity();
        let from = self.stack.len() - n;
        from != control.height || self.stack[from..].iter().any(|o| !o.in_place())
    }

    /// Copies the top values into the label's canonical slots (ascending order is safe: sources are never
    /// below their destinations). Slots count cells: a `v128` value takes two.
    fn emit_branch_copies(&mut self, label: usize) {
        let control = &self.controls[label];
        let (n, height) = (control.branch_arity(), control.height);
        let from = self.stack.len() - n;
        let mut cell = self.cell_of(height);
        let mut k = 0;
        while k < n {
            let dst = self.cell_slot(cell);
            match self.stack[from + k] {
                Operand::Local(src) => {
                    self.emit_copy(dst, src);
                    cell += 1;
                    k += 1;
                }
                Operand::Local2(src) => {
                    self.emit(op::CopySpan { dst, src, len: 2 });
                    cell += 2;
                    k += 1;
                }
                Operand::Const(c) => {
                    self.emit_const(dst, c);
                    self.last = None;
                    cell += 1;
                    k += 1;
                }
                Operand::Temp | Operand::Temp2 => {
                    let run = self.stack[from + k..].iter().take_while(|o| o.in_place()).count();
                    let cells = self.cell_of(from + k + run) - self.cell_of(from + k);
                    let src = self.canonical(from + k);
                    if src != dst {
                        if cells == 1 {
                            self.emit_copy(dst, src);
                        } else {
                            self.emit(op::CopySpan { dst, src, len: cells as u16 });
                        }
                    }
                    cell += cells;
                    k += run;
                }
            }
        }
    }

    /// Emits a return of the top `results` values.
    fn emit_return(&mut self) {
        let n = self.num_results;
        let from = self.stack.len() - n;
        match n {
            0 => {
                self.emit(op::Return0 {});
            }
            1 if !self.stack[from].is_wide() => {
                let operand = self.stack[from];
                let src = self.slot_of(operand, from);
                self.emit(op::Return1 { src });
            }
            1 => {
                let operand = self.stack[from];
                let src = self.slot_of(operand, from);
                self.emit(op::ReturnSpan { src, len: 2 });
            }
            _ => {
                self.materialize_top(n);
                let src = self.canonical(from);
                let cells = self.cell_of(self.stack.len()) - self.cell_of(from);
                self.emit(op::ReturnSpan { src, len: cells as u16 });
            }
        }
    }

    /// Branch (conditionally) to the label `depth` levels out.
    fn branch(&mut self, cond: BranchIf, depth: u32) {
        let label = self.label(depth);
        let is_return = self.controls[label].kind == ControlKind::Function;
        let simple = !is_return && !self.needs_copies(label);
        match (cond, simple) {
            (_, true) => {
                if matches!(cond, BranchIf::Always) {
                    self.materialize_top(0);
                }
                self.emit_branch(cond, label);
            }
            (BranchIf::Always, false) => {
                if is_return {
                    self.emit_return();
                } else {
                    self.emit_branch_copies(label);
                    self.emit_branch(BranchIf::Always, label);
                }
            }
            (_, false) => {
                // Branch over the copies when the condition is false (a short distance: near is enough).
                let skip_start = self.emit(cond.negate().instr());
                let skip = Patch { start: skip_start, at: self.code.len() - 1, far: false };
                if is_return {
                    let saved = self.save();
                    self.emit_return();
                    self.restore(saved);
                } else {
                    let saved = self.save();
                    self.emit_branch_copies(label);
                    self.restore(saved);
                    self.emit_branch(BranchIf::Always, label);
                }
                self.bind(skip);
            }
        }
    }

    pub(super) fn br(&mut self, depth: u32) {
        self.branch(BranchIf::Always, depth);
        self.set_unreachable();
    }

    pub(super) fn br_if(&mut self, depth: u32) {
        let cond = self.pop_condition();
        self.branch(cond, depth);
        self.start_fuel_segment();
    }

    pub(super) fn return_(&mut self) {
        self.emit_return();
        self.set_unreachable();
    }

    pub(super) fn br_table(&mut self, targets: &[u32], default: u32) {
        let index = self.pop_slot();
        let start = self.emit(op::BrTable { index, len: targets.len() as u32 });
        let table_at = self.code.len();
        // Placeholders for len + 1 offsets.
        self.code.resize(table_at + 2 * (targets.len() + 1), 0);
        let mut trampolines: Vec<(u32, Vec<usize>)> = Vec::new();
        for (i, depth) in targets.iter().chain(core::iter::once(&default)).enumerate() {
            let at = table_at + 2 * i;
            let label = self.label(*depth);
            let control = &self.controls[label];
            let patch = Patch { start, at, far: true };
            if control.kind != ControlKind::Function && !self.needs_copies(label) {
                if control.kind == ControlKind::Loop {
                    let target = control.loop_start;
                    self.fill(patch, target);
                } else {
                    let control = &mut self.controls[label];
                    control.patches.push(patch);
                    control.end_reached = true;
                }
            } else if let Some(t) = trampolines.iter_mut().find(|t| t.0 == *depth) {
                t.1.push(at);
            } else {
                trampolines.push((*depth, alloc::vec![at]));
            }
        }
        for (depth, ats) in trampolines {
            for at in ats {
                self.bind(Patch { start, at, far: true });
            }
            let saved = self.save();
            self.branch(BranchIf::Always, depth);
            self.restore(saved);
        }
        self.set_unreachable();
    }

    fn set_unreachable(&mut self) {
        self.unreachable = true;
        self.last = None;
    }

    /// Opens a block, loop or if whose signature `sig` has `params` and `results` values.
    pub(super) fn open(&mut self, kind: ControlKind, sig: BlockSig, params: usize, results: usize) {
        let cond = if kind == ControlKind::If { Some(self.pop_condition()) } else { None };
        self.materialize_all();
        let height = self.stack.len() - params;
        let mut control = Control {
            kind,
            height,
            params,
            results,
            sig,
            loop_start: 0,
            patches: Vec::new(),
            else_patch: None,
            end_reached: false,
        };
        match kind {
            ControlKind::Loop => {
                self.last = None;
                self.copy_at = None;
                control.loop_start = self.code.len();
                if self.options.profile {
                    self.emit(op::ProfileLoop {});
                }
                self.controls.push(control);
                self.start_fuel_segment();
            }
            ControlKind::If => {
                let cond = cond.unwrap_or(BranchIf::Always);
                control.else_patch = Some(self.emit_jump(cond.negate()));
                self.controls.push(control);
                self.start_fuel_segment();
            }
            _ => self.controls.push(control),
        }
    }

    pub(super) fn else_(&mut self) {
        let label = self.controls.len() - 1;
        if !self.unreachable {
            let results = self.controls[label].results;
            self.materialize_top(results);
            self.emit_branch(BranchIf::Always, label);
        }
        let control = &mut self.controls[label];
        control.kind = ControlKind::Else;
        let else_patch = control.else_patch.take();
        let (height, sig) = (control.height, control.sig);
        self.truncate(height);
        for &ty in self.sig_types(sig).0 {
            self.push(Operand::temp(ty));
        }
        if let Some(p) = else_patch {
            self.bind(p);
        }
        self.unreachable = false;
        self.last = None;
        self.start_fuel_segment();
    }

    pub(super) fn end(&mut self) {
        let Some(control) = self.controls.pop() else {
            return;
        };
        if control.kind == ControlKind::Function {
            if !self.unreachable {
                self.emit_return();
            }
            return;
        }
        let fallthrough = !self.unreachable;
        if fallthrough {
            self.materialize_top(control.results);
        }
        let mut reachable = fallthrough || control.end_reached;
        if let Some(p) = control.else_patch {
            // An `if` without `else`: the false path reaches the end with the parameters as results.
            self.bind(p);
            reachable = true;
        }
        for p in &control.patches {
            self.bind(*p);
        }
        self.truncate(control.height);
        for &ty in self.sig_types(control.sig).1 {
            self.push(Operand::temp(ty));
        }
        self.note_height();
        self.last = None;
        self.unreachable = !reachable;
        if control.kind != ControlKind::Block || !control.patches.is_empty() {
            self.start_fuel_segment();
        }
    }

    /// The parameter and result types of a block signature.
    pub(super) fn sig_types(&self, sig: BlockSig) -> (&'a [ValType], &'a [ValType]) {
        match sig {
            BlockSig::Empty => (&[], &[]),
            BlockSig::One(ty) => (&[], one(ty)),
            BlockSig::Type(i) => match self.module.types.get(i as usize) {
                Some(t) => (t.params(), t.results()),
                None => (&[], &[]),
            },
        }
    }

    /// Visits a control operator inside unreachable code: only nesting matters.
    pub(super) fn skip_unreachable(&mut self, op: &wasmparser::Operator<'_>) {
        use wasmparser::Operator::*;
        match op {
            Block { .. } | Loop { .. } | If { .. } => self.dead_depth += 1,
            Else if self.dead_depth == 0 => self.else_(),
            End if self.dead_depth == 0 => self.end(),
            End => self.dead_depth -= 1,
            _ => {}
        }
    }
}
