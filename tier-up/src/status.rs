//! The status native code returns: 0 to go on, otherwise a trap.
//!
//! Traps native code raises itself are their [`TrapCode`]'s number plus one. A trap with more to it (a host
//! function's error, an exit status) is [`PENDING`]: the runtime left the whole [`Trap`] in the context the
//! native code was entered with, for the code that entered it to take.

use ember_core::{Trap, TrapCode};

/// Returned by native code and helpers: go on.
pub const OK: u32 = 0;

/// The trap is waiting in the context's pending slot.
pub const PENDING: u32 = 0xffff;

/// A helper panicked (a host function, say): the payload waits in the context, and the code that entered
/// native code resumes the panic once the native frames are gone (a panic cannot unwind through them).
pub const PANICKED: u32 = 0xfffe;

const CODES: [TrapCode; 12] = [
    TrapCode::Unreachable,
    TrapCode::MemoryOutOfBounds,
    TrapCode::TableOutOfBounds,
    TrapCode::UndefinedElement,
    TrapCode::UninitializedElement,
    TrapCode::IndirectCallTypeMismatch,
    TrapCode::IntegerDivisionByZero,
    TrapCode::IntegerOverflow,
    TrapCode::BadConversionToInteger,
    TrapCode::StackOverflow,
    TrapCode::OutOfFuel,
    TrapCode::EngineDefect,
];

/// The status of a plain trap code ([`PENDING`] for the codes that carry more than a code).
pub fn of(code: TrapCode) -> u32 {
    CODES.iter().position(|c| *c == code).map_or(PENDING, |i| i as u32 + 1)
}

/// The trap code of a status, if it is a plain one.
pub fn code(status: u32) -> Option<TrapCode> {
    CODES.get(status.checked_sub(1)? as usize).copied()
}

/// The status for a trap: its code's status when the code says everything, else [`PENDING`] (the caller
/// then keeps the trap).
pub fn of_trap(trap: &Trap) -> u32 {
    if Trap::new(trap.code()) == *trap {
        of(trap.code())
    } else {
        PENDING
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for c in CODES {
            assert_eq!(code(of(c)), Some(c));
        }
        assert_eq!(code(OK), None);
        assert_eq!(code(PENDING), None);
    }
}
