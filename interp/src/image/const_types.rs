//! An image's constant expressions, typed as validation types a module's: each produces exactly one value of
//! the type its place expects. So a reference global, a table's initial elements and an element segment can
//! only start out with references the store hands out (`ref.func` of one of the module's functions, null, or
//! another global's reference), never with computed bits.

use alloc::vec::Vec;

use ember_core::{ConstExpr, ConstOp, ElementSegmentKind, ModuleInfo, ValType};

use super::ImageError;

/// A value on the type stack: a typed value, or null (fits either reference type).
#[derive(Copy, Clone, PartialEq, Eq)]
enum Typed {
    Value(ValType),
    Null,
}

/// The type `expr` produces, if it is well formed: `globals` is how many globals it may read.
fn type_of(info: &ModuleInfo, expr: &ConstExpr, globals: usize) -> Option<Typed> {
    let mut stack: Vec<Typed> = Vec::new();
    for op in &expr.ops {
        let (operand, result) = match *op {
            ConstOp::I32(_) => (None, ValType::I32),
            ConstOp::I64(_) => (None, ValType::I64),
            ConstOp::F32(_) => (None, ValType::F32),
            ConstOp::F64(_) => (None, ValType::F64),
            ConstOp::V128(_) => (None, ValType::V128),
            ConstOp::RefNull => {
                stack.push(Typed::Null);
                continue;
            }
            ConstOp::RefFunc(f) if (f as usize) < info.funcs.len() => (None, ValType::FuncRef),
            ConstOp::GlobalGet(g) if (g as usize) < globals => (None, info.globals.get(g as usize)?.content),
            ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => (Some(ValType::I32), ValType::I32),
            ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => (Some(ValType::I64), ValType::I64),
            ConstOp::RefFunc(_) | ConstOp::GlobalGet(_) => return None,
        };
        if let Some(ty) = operand {
            let operands = [stack.pop()?, stack.pop()?];
            if operands != [Typed::Value(ty); 2] {
                return None;
            }
        }
        stack.push(Typed::Value(result));
    }
    match stack[..] {
        [only] => Some(only),
        _ => None,
    }
}

/// Whether `expr` produces one value of type `expected`.
fn has_type(info: &ModuleInfo, expr: &ConstExpr, globals: usize, expected: ValType) -> bool {
    match type_of(info, expr, globals) {
        Some(Typed::Value(ty)) => ty == expected,
        Some(Typed::Null) => matches!(expected, ValType::FuncRef | ValType::ExternRef),
        None => false,
    }
}

/// Checks every constant expression of the image's module.
pub(super) fn check(info: &ModuleInfo) -> Result<(), ImageError> {
    let wrong = ImageError::Inconsistent("a constant expression does not produce one value of its place's type");
    let all_globals = info.globals.len();
    let imported_globals = info.num_imported_globals as usize;
    // A global's initialiser reads imported globals and the globals defined before it (extended-const).
    for (k, init) in info.global_inits.iter().enumerate() {
        let global = imported_globals + k;
        let ty = info.globals.get(global).ok_or(ImageError::Inconsistent("initialiser counts disagree"))?.content;
        if !has_type(info, init, global, ty) {
            return Err(wrong);
        }
    }
    let imported_tables = info.num_imported_tables as usize;
    for (k, init) in info.table_inits.iter().enumerate() {
        let table =
            info.tables.get(imported_tables + k).ok_or(ImageError::Inconsistent("initialiser counts disagree"))?;
        if init.as_ref().is_some_and(|init| !has_type(info, init, all_globals, table.element)) {
            return Err(wrong);
        }
    }
    for seg in &info.elements {
        if !matches!(seg.ty, ValType::FuncRef | ValType::ExternRef) {
            return Err(ImageError::Inconsistent("an element segment is not of a reference type"));
        }
        if seg.items.iter().any(|item| !has_type(info, item, all_globals, seg.ty)) {
            return Err(wrong);
        }
        if let ElementSegmentKind::Active { table, offset } = &seg.kind {
            let table = info
                .tables
                .get(*table as usize)
                .ok_or(ImageError::Inconsistent("element segment table out of range"))?;
            if table.element != seg.ty {
                return Err(ImageError::Inconsistent("an element segment's type differs from its table's"));
            }
            if !has_type(info, offset, all_globals, ValType::I32) {
                return Err(wrong);
            }
        }
    }
    for data in &info.datas {
        if data.active.as_ref().is_some_and(|(_, offset)| !has_type(info, offset, all_globals, ValType::I32)) {
            return Err(wrong);
        }
    }
    Ok(())
}
