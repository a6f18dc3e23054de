//! Structured control flow: `block`, `loop`, `if`/`else`, `end`, `br`, `br_if`, `br_table`, `return`.
//!
//! Each open frame has an end block whose parameters are the frame's results; a loop also has a header block
//! whose parameters are its parameters. Branches pass the values on top of the operand stack as block
//! arguments. Code after an unconditional branch is skipped until the enclosing frame's `else` or `end`.
//!
//! A function entered at its loops (on-stack replacement) carries the whole operand stack below each frame
//! through the frame's join points as block parameters too: a loop's header (which the entry jumps to) and the
//! end of a `block` or `if` (reached both from paths through such a header and from paths that bypass it). So
//! every value on the stack is defined on every path that reaches its use.

use cranelift_codegen::ir::{self, Block, BlockArg, InstBuilder, Type, Value};
use wasmparser::BlockType;

use super::{err, CompileError, Translator};

/// What kind of frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The function body.
    Function,
    /// A `block`.
    Block,
    /// A `loop` (branches go to its header).
    Loop,
    /// An `if`: where its false arm starts, the parameters that arm begins with, and (when the stack is
    /// carried) the operand stack below the `if` as the false arm finds it.
    If { else_block: Block, params: Vec<Value>, below: Vec<Value>, has_else: bool },
}

/// An open control frame.
#[derive(Clone, Debug)]
pub(crate) struct Control {
    pub kind: Kind,
    /// Where a branch to this frame goes: the loop header for a loop, the end block otherwise.
    pub dest: Block,
    /// The block after the frame; its parameters are the results.
    pub end: Block,
    /// Operand-stack height below the frame's parameters.
    pub height: usize,
    /// Number of values a branch to this frame carries.
    pub branch_arity: usize,
    /// Number of results.
    pub results: usize,
    /// Whether some branch targets the frame (fuel: a `block`'s end then starts a segment).
    pub branched: bool,
    /// Whether the end block has a predecessor.
    pub end_reached: bool,
    /// Operand-stack values below the frame that a branch to it passes too (on-stack replacement: see the
    /// module's documentation). For a loop they are parameters of its header, otherwise of its end block.
    pub carried: usize,
}

impl Control {
    /// The frame of the function body, ending at `end`.
    pub(crate) fn function(end: Block, results: usize) -> Control {
        Control {
            kind: Kind::Function,
            dest: end,
            end,
            height: 0,
            branch_arity: results,
            results,
            branched: false,
            end_reached: false,
            carried: 0,
        }
    }
}

fn args(values: &[Value]) -> Vec<BlockArg> {
    values.iter().map(|v| BlockArg::Value(*v)).collect()
}

impl Translator<'_, '_> {
    /// Parameter and result types of a block type.
    pub(crate) fn block_types(&self, bt: BlockType) -> Result<(Vec<Type>, Vec<Type>), CompileError> {
        Ok(match bt {
            BlockType::Empty => (Vec::new(), Vec::new()),
            BlockType::Type(t) => (Vec::new(), vec![super::wasm_type(t)?]),
            BlockType::FuncType(i) => {
                let ty = self.env.type_at(i).ok_or_else(|| err("block type out of range"))?;
                let p = ty.params().iter().map(|t| super::clif_type(*t)).collect::<Result<_, _>>()?;
                let r = ty.results().iter().map(|t| super::clif_type(*t)).collect::<Result<_, _>>()?;
                (p, r)
            }
        })
    }

    fn block_with(&mut self, types: &[Type]) -> Block {
        let b = self.builder.create_block();
        for t in types {
            self.builder.append_block_param(b, *t);
        }
        b
    }

    /// The top `n` values of the operand stack (left in place).
    fn top(&self, n: usize) -> Vec<Value> {
        self.stack[self.stack.len().saturating_sub(n)..].to_vec()
    }

    pub(crate) fn block(&mut self, bt: BlockType) -> Result<(), CompileError> {
        let (params, results) = self.block_types(bt)?;
        let height = self.stack.len().saturating_sub(params.len());
        let (end, carried) = self.end_block(height, &results);
        self.controls.push(Control {
            kind: Kind::Block,
            dest: end,
            end,
            height,
            branch_arity: results.len(),
            results: results.len(),
            branched: false,
            end_reached: false,
            carried,
        });
        Ok(())
    }

    /// The end block of a `block` or `if` whose parameters sit at `height`: its parameters are the results,
    /// after the whole operand stack below when it is carried (on-stack replacement), whose count is returned
    /// too.
    fn end_block(&mut self, height: usize, results: &[Type]) -> (Block, usize) {
        let carried = if self.osr.is_some() { height } else { 0 };
        let mut types: Vec<Type> =
            self.stack[height - carried..height].iter().map(|v| self.builder.func.dfg.value_type(*v)).collect();
        types.extend_from_slice(results);
        (self.block_with(&types), carried)
    }

    /// The values a frame's carried stack region holds now: what a branch to it passes below its results.
    fn carried_values(&self, c: &Control) -> Vec<Value> {
        self.stack[c.height - c.carried..c.height].to_vec()
    }

    pub(crate) fn loop_(&mut self, bt: BlockType) -> Result<(), CompileError> {
        let (params, results) = self.block_types(bt)?;
        let index = self.loops_seen;
        self.loops_seen += 1;
        let osr_entry = self.osr.as_mut().and_then(|o| o.entries.get_mut(index as usize)).map(|(b, filled)| {
            *filled = true;
            *b
        });
        let end = self.block_with(&results);
        let height = self.stack.len().saturating_sub(params.len());
        // The loop entered by on-stack replacement carries the whole operand stack through its header.
        let carried = if osr_entry.is_some() { height } else { 0 };
        let types: Vec<Type> =
            self.stack[height - carried..].iter().map(|v| self.builder.func.dfg.value_type(*v)).collect();
        let header = self.block_with(&types);
        let values = self.stack.split_off(height - carried);
        self.builder.ins().jump(header, &args(&values));
        if let Some(entry) = osr_entry {
            self.fill_osr_entry(entry, header, &types);
        }
        self.builder.switch_to_block(header);
        self.stack.extend_from_slice(self.builder.block_params(header));
        self.controls.push(Control {
            kind: Kind::Loop,
            dest: header,
            end,
            height,
            branch_arity: params.len(),
            results: results.len(),
            branched: false,
            end_reached: false,
            carried,
        });
        self.start_fuel_segment();
        Ok(())
    }

    /// The on-stack-replacement entry: locals from cells `0..`, the operand stack (of `types`) from the cells
    /// after them, then on to the loop header.
    fn fill_osr_entry(&mut self, entry: Block, header: Block, types: &[Type]) {
        self.builder.switch_to_block(entry);
        let locals = self.locals.len() as u32;
        for (i, (var, ty)) in self.locals.clone().into_iter().zip(self.local_types.clone()).enumerate() {
            let v = self.load_cell(self.frame, i as u32, ty);
            self.builder.def_var(var, v);
        }
        let values: Vec<Value> =
            types.iter().enumerate().map(|(j, ty)| self.load_cell(self.frame, locals + j as u32, *ty)).collect();
        self.builder.ins().jump(header, &args(&values));
    }

    pub(crate) fn if_(&mut self, bt: BlockType) -> Result<(), CompileError> {
        let (params, results) = self.block_types(bt)?;
        let cond = self.pop();
        let then_block = self.builder.create_block();
        let else_block = self.builder.create_block();
        let height = self.stack.len().saturating_sub(params.len());
        let (end, carried) = self.end_block(height, &results);
        self.builder.ins().brif(cond, then_block, &[], else_block, &[]);
        self.builder.switch_to_block(then_block);
        self.builder.seal_block(then_block);
        // A loop in the true arm may replace the carried values with its header's parameters; the false arm
        // starts from the values as they are here.
        let below = self.stack[height - carried..height].to_vec();
        self.controls.push(Control {
            kind: Kind::If { else_block, params: self.top(params.len()), below, has_else: false },
            dest: end,
            end,
            height,
            branch_arity: results.len(),
            results: results.len(),
            branched: false,
            end_reached: false,
            carried,
        });
        self.start_fuel_segment();
        Ok(())
    }

    pub(crate) fn else_(&mut self) {
        let Some(c) = self.controls.last() else { return };
        if self.reachable {
            let mut values = self.carried_values(c);
            values.extend(self.top(c.results));
            let end = c.end;
            self.builder.ins().jump(end, &args(&values));
        }
        let reachable = self.reachable;
        let Some(c) = self.controls.last_mut() else { return };
        c.end_reached |= reachable;
        let Kind::If { else_block, params, below, has_else } = &mut c.kind else { return };
        *has_else = true;
        let (else_block, params, below) = (*else_block, params.clone(), below.clone());
        let (height, carried) = (c.height, c.carried);
        self.stack.truncate(height - carried);
        self.stack.extend(below);
        self.stack.extend(params);
        self.builder.switch_to_block(else_block);
        self.builder.seal_block(else_block);
        self.reachable = true;
        self.start_fuel_segment();
    }

    pub(crate) fn end(&mut self) {
        let Some(c) = self.controls.pop() else { return };
        // A loop's end block is reached only by falling out of its body: it carries nothing (its header does).
        let carried = if c.kind == Kind::Loop { 0 } else { c.carried };
        let mut end_reached = c.end_reached;
        if self.reachable {
            let mut values = self.stack[c.height - carried..c.height].to_vec();
            values.extend(self.top(c.results));
            self.builder.ins().jump(c.end, &args(&values));
            end_reached = true;
        }
        if let Kind::If { else_block, params, below, has_else: false } = &c.kind {
            // An `if` without `else`: the false arm passes its parameters on as results.
            self.builder.switch_to_block(*else_block);
            self.builder.seal_block(*else_block);
            let values: Vec<Value> = below.iter().chain(params).copied().collect();
            self.builder.ins().jump(c.end, &args(&values));
            end_reached = true;
        }
        self.stack.truncate(c.height - carried);
        if c.kind == Kind::Function {
            if end_reached {
                self.builder.switch_to_block(c.end);
                let values = self.builder.block_params(c.end).to_vec();
                self.emit_return(&values);
            }
            self.reachable = false;
            return;
        }
        self.reachable = end_reached;
        if end_reached {
            self.builder.switch_to_block(c.end);
            self.stack.extend_from_slice(self.builder.block_params(c.end));
        }
        if c.kind != Kind::Block || c.branched {
            self.start_fuel_segment();
        }
    }

    /// The frame `depth` levels out, marked as a branch target: its destination block, and the arguments a
    /// branch to it passes (taken from the operand stack, left in place).
    fn target(&mut self, depth: u32) -> Result<(Block, Vec<Value>), CompileError> {
        let index = self.controls.len().checked_sub(1 + depth as usize).ok_or_else(|| err("branch depth"))?;
        let c = &mut self.controls[index];
        if c.kind != Kind::Loop {
            c.branched = true;
            c.end_reached = true;
        }
        let (dest, arity, carried, height) = (c.dest, c.branch_arity, c.carried, c.height);
        let mut values = self.stack[height - carried..height].to_vec();
        values.extend(self.top(arity));
        Ok((dest, values))
    }

    pub(crate) fn br(&mut self, depth: u32) -> Result<(), CompileError> {
        let (dest, values) = self.target(depth)?;
        self.builder.ins().jump(dest, &args(&values));
        self.reachable = false;
        Ok(())
    }

    pub(crate) fn br_if(&mut self, depth: u32) -> Result<(), CompileError> {
        let cond = self.pop();
        let (dest, values) = self.target(depth)?;
        let next = self.builder.create_block();
        self.builder.ins().brif(cond, dest, &args(&values), next, &[]);
        self.builder.switch_to_block(next);
        self.builder.seal_block(next);
        self.start_fuel_segment();
        Ok(())
    }

    pub(crate) fn br_table(&mut self, targets: &[u32], default: u32) -> Result<(), CompileError> {
        let index = self.pop();
        // Targets that take values get a small block passing them (one per distinct depth).
        let mut via: Vec<(u32, Block, Block, Vec<Value>)> = Vec::new();
        let mut calls = Vec::with_capacity(targets.len() + 1);
        for depth in targets.iter().chain(core::iter::once(&default)) {
            let (dest, values) = self.target(*depth)?;
            let block = if values.is_empty() {
                dest
            } else if let Some((_, b, _, _)) = via.iter().find(|(d, ..)| d == depth) {
                *b
            } else {
                let b = self.builder.create_block();
                via.push((*depth, b, dest, values));
                b
            };
            calls.push(self.builder.func.dfg.block_call(block, &[]));
        }
        let default_call = calls.pop().ok_or_else(|| err("br_table without default"))?;
        let jt = self.builder.create_jump_table(ir::JumpTableData::new(default_call, &calls));
        self.builder.ins().br_table(index, jt);
        for (_, b, dest, values) in via {
            self.builder.switch_to_block(b);
            self.builder.seal_block(b);
            self.builder.ins().jump(dest, &args(&values));
        }
        self.reachable = false;
        Ok(())
    }

    pub(crate) fn return_(&mut self) -> Result<(), CompileError> {
        let depth = self.controls.len().checked_sub(1).ok_or_else(|| err("return outside a function"))? as u32;
        self.br(depth)
    }

    /// Visits a control operator inside unreachable code: only nesting matters.
    pub(crate) fn skip_unreachable(&mut self, op: &wasmparser::Operator<'_>) {
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
