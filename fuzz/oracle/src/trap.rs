//! Trap kinds common to all engines, so traps compare across engines.

use core::fmt;

/// Why a call or an instantiation stopped with a trap, in terms every engine can be mapped to.
///
/// Engines name some traps differently: a `call_indirect` index past the table's end is
/// [`TrapKind::TableOutOfBounds`] here (Ember and the spec say "undefined element"), a null entry is
/// [`TrapKind::IndirectCallToNull`] ("uninitialized element").
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TrapKind {
    /// `unreachable` was executed.
    Unreachable,
    /// A memory access or bulk memory operation out of bounds.
    MemoryOutOfBounds,
    /// A table access, bulk table operation or `call_indirect` index out of bounds.
    TableOutOfBounds,
    /// `call_indirect` on a null entry.
    IndirectCallToNull,
    /// `call_indirect` to a function of another type.
    IndirectCallTypeMismatch,
    /// Integer division or remainder by zero.
    IntegerDivisionByZero,
    /// Signed division overflow, or a float-to-int conversion out of range.
    IntegerOverflow,
    /// Float-to-int conversion of a NaN.
    BadConversionToInteger,
    /// The engine's call stack or value stack is exhausted. Engines are allowed to differ here.
    StackOverflow,
    /// The engine's fuel ran out.
    OutOfFuel,
    /// Anything else (host errors, engine-specific resource exhaustion), with the engine's message.
    Other(String),
}

impl TrapKind {
    /// Whether this is stack exhaustion, where engines are allowed to disagree.
    pub fn is_stack_overflow(&self) -> bool {
        matches!(self, TrapKind::StackOverflow)
    }
}

impl fmt::Display for TrapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrapKind::Other(message) => write!(f, "other trap: {message}"),
            kind => write!(f, "{kind:?}"),
        }
    }
}
