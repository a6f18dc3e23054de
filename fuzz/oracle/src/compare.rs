//! Running one module on two engines and comparing everything observable.

use std::fmt;

use arbitrary::{Result as ArbResult, Unstructured};

use crate::engine::{DiffEngine, DiffInstance, InstantiateError};
use crate::exports::{exports, ExportItem};
use crate::trap::TrapKind;
use crate::value::DiffValue;

/// One call to make: an exported function's name and its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// The export's name.
    pub name: String,
    /// The arguments.
    pub args: Vec<DiffValue>,
}

/// Up to `per_export` calls to every exported function of `wasm` (in export order), with arguments drawn from
/// the fuzzer's bytes. Once the bytes run out, arguments are zeros.
pub fn plan_calls(u: &mut Unstructured<'_>, wasm: &[u8], per_export: usize) -> ArbResult<Vec<Call>> {
    let mut calls = Vec::new();
    for (name, item) in exports(wasm) {
        let ExportItem::Func { params, .. } = item else { continue };
        let n = if u.is_empty() { 1 } else { u.int_in_range(1..=per_export.max(1))? };
        for _ in 0..n {
            let args = params
                .iter()
                .map(|ty| if u.is_empty() { Ok(DiffValue::zero(*ty)) } else { DiffValue::arbitrary_of_type(u, *ty) })
                .collect::<ArbResult<Vec<_>>>()?;
            calls.push(Call { name: name.clone(), args });
        }
    }
    Ok(calls)
}

/// How a comparison ended without a divergence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Agreement {
    /// The reference engine rejected the module (or could not instantiate it for a reason other than a trap):
    /// nothing was compared.
    pub rejected: bool,
    /// One engine cannot run the module (or observe it as the comparison needs): a known difference,
    /// [`InstantiateError::Unsupported`]; nothing was compared.
    pub unsupported: bool,
    /// Calls made on both engines with the same outcome.
    pub calls: usize,
    /// Of those, calls that trapped on both.
    pub traps: usize,
    /// One engine exhausted its stack: allowed to differ; the comparison stopped there, since the instances'
    /// states may no longer agree.
    pub stack_overflow: bool,
}

/// The engines disagreed: what differed, with both engines' answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    /// What was being compared (instantiation, a call, an exported global or memory).
    pub what: String,
    /// The reference engine's answer.
    pub reference: String,
    /// The other engine's answer.
    pub other: String,
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: reference {} but other {}", self.what, self.reference, self.other)
    }
}

impl std::error::Error for Divergence {}

/// Instantiates `wasm` on both engines, makes `calls` on both, then compares every exported global and memory.
///
/// Results must be equal (NaNs canonicalised), a trap on one side must be the same trap on the other. Stack
/// exhaustion on either side ends the comparison without a divergence ([`Agreement::stack_overflow`]). If the
/// reference rejects the module nothing is compared; if only `other` rejects it, that is a divergence.
pub fn compare_module(
    reference: &mut dyn DiffEngine,
    other: &mut dyn DiffEngine,
    wasm: &[u8],
    calls: &[Call],
) -> Result<Agreement, Divergence> {
    let mut agreement = Agreement::default();
    let r = reference.instantiate(wasm);
    let o = other.instantiate(wasm);
    let (mut r, mut o) = match (r, o) {
        (Ok(r), Ok(o)) => (r, o),
        (Err(InstantiateError::Rejected(_)), _) => {
            agreement.rejected = true;
            return Ok(agreement);
        }
        (_, Err(InstantiateError::Unsupported(_))) | (Err(InstantiateError::Unsupported(_)), _) => {
            agreement.unsupported = true;
            return Ok(agreement);
        }
        (Err(InstantiateError::Trap(a)), Err(InstantiateError::Trap(b))) if same_trap(&a, &b) => {
            agreement.stack_overflow = a.is_stack_overflow() || b.is_stack_overflow();
            return Ok(agreement);
        }
        (Err(InstantiateError::Trap(a)), _) | (_, Err(InstantiateError::Trap(a))) if a.is_stack_overflow() => {
            agreement.stack_overflow = true;
            return Ok(agreement);
        }
        (r, o) => {
            return Err(Divergence {
                what: "instantiation".into(),
                reference: describe_instantiation(&r),
                other: describe_instantiation(&o),
            })
        }
    };
    for call in calls {
        let a = r.call(&call.name, &call.args);
        let b = o.call(&call.name, &call.args);
        let overflow = matches!(&a, Err(t) if t.is_stack_overflow()) || matches!(&b, Err(t) if t.is_stack_overflow());
        if overflow {
            agreement.stack_overflow = true;
            return Ok(agreement);
        }
        let same = match (&a, &b) {
            (Ok(x), Ok(y)) => x == y,
            (Err(x), Err(y)) => same_trap(x, y),
            _ => false,
        };
        if !same {
            return Err(Divergence {
                what: format!("call {}{:?}", call.name, call.args),
                reference: format!("{a:?}"),
                other: format!("{b:?}"),
            });
        }
        agreement.calls += 1;
        agreement.traps += usize::from(a.is_err());
    }
    compare_state(r.as_mut(), o.as_mut(), wasm)?;
    Ok(agreement)
}

/// Compares every exported global and memory of the two instances.
fn compare_state(r: &mut dyn DiffInstance, o: &mut dyn DiffInstance, wasm: &[u8]) -> Result<(), Divergence> {
    for (name, item) in exports(wasm) {
        let (a, b) = match item {
            ExportItem::Global if !(r.reads_globals() && o.reads_globals()) => continue,
            ExportItem::Global => (format!("{:?}", r.global(&name)), format!("{:?}", o.global(&name))),
            ExportItem::Memory => match (r.memory(&name), o.memory(&name)) {
                (Some(a), Some(b)) if a == b => continue,
                (a, b) => (summarise_memory(a.as_deref(), b.as_deref()), summarise_memory(b.as_deref(), a.as_deref())),
            },
            ExportItem::Func { .. } => continue,
        };
        if a != b {
            return Err(Divergence { what: format!("exported {item:?} {name:?}"), reference: a, other: b });
        }
    }
    Ok(())
}

/// Two traps agree when they are the same kind; engine-specific traps ([`TrapKind::Other`]) agree with each
/// other whatever their messages.
fn same_trap(a: &TrapKind, b: &TrapKind) -> bool {
    matches!((a, b), (TrapKind::Other(_), TrapKind::Other(_))) || a == b
}

fn describe_instantiation(r: &Result<Box<dyn DiffInstance>, InstantiateError>) -> String {
    match r {
        Ok(_) => "instantiated".into(),
        Err(e) => format!("{e:?}"),
    }
}

/// A memory's size and the first byte where it differs from `other`.
fn summarise_memory(this: Option<&[u8]>, other: Option<&[u8]>) -> String {
    match (this, other) {
        (None, _) => "no such memory".into(),
        (Some(m), other) => {
            let at = other.and_then(|o| m.iter().zip(o).position(|(x, y)| x != y));
            match at {
                Some(i) => format!("{} bytes, byte {i} = {}", m.len(), m[i]),
                None => format!("{} bytes", m.len()),
            }
        }
    }
}
