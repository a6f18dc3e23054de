//! Traps (runtime faults defined by the spec) and errors (loading, linking, instantiating).

use alloc::boxed::Box;
use alloc::string::String;
use core::fmt;

/// Why execution stopped abnormally: one code per trap the spec defines, plus Ember's own.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrapCode {
    /// An `unreachable` instruction was executed.
    Unreachable,
    /// A load or store outside the memory, or a bulk memory operation out of range.
    MemoryOutOfBounds,
    /// A table access or bulk table operation out of range.
    TableOutOfBounds,
    /// `call_indirect` on an index past the end of the table.
    UndefinedElement,
    /// `call_indirect` on a null table entry.
    UninitializedElement,
    /// `call_indirect` whose callee has another signature.
    IndirectCallTypeMismatch,
    /// Integer division or remainder by zero.
    IntegerDivisionByZero,
    /// Signed division overflow (`INT_MIN / -1`) or float-to-int conversion out of range.
    IntegerOverflow,
    /// Float-to-int conversion of a NaN.
    BadConversionToInteger,
    /// Call depth or value stack exceeded the store's limits.
    StackOverflow,
    /// Fuel metering ran out.
    OutOfFuel,
    /// A host function returned an error.
    HostError,
    /// Ember found its own state inconsistent (code or store objects that cannot be right): a bug in Ember,
    /// not in the wasm program or the host functions. The trap's detail says what was wrong.
    EngineDefect,
    /// The program asked to exit (for example WASI `proc_exit`); the status is in the trap.
    Exit,
}

impl TrapCode {
    /// The message the WebAssembly spec test suite expects for this trap.
    pub fn message(&self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapCode::IntegerDivisionByZero => "integer divide by zero",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::BadConversionToInteger => "invalid conversion to integer",
            TrapCode::StackOverflow => "call stack exhausted",
            TrapCode::OutOfFuel => "all fuel consumed",
            TrapCode::HostError => "host error",
            TrapCode::EngineDefect => "internal error",
            TrapCode::Exit => "exit",
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// A trap: execution stopped with a [`TrapCode`], perhaps with a host message or an exit status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    code: TrapCode,
    detail: Option<Box<str>>,
    exit_status: i32,
}

impl Trap {
    /// A trap with this code.
    pub const fn new(code: TrapCode) -> Trap {
        Trap { code, detail: None, exit_status: 0 }
    }
    /// A trap raised by a host function, with its message.
    pub fn host(message: impl Into<String>) -> Trap {
        Trap { code: TrapCode::HostError, detail: Some(message.into().into_boxed_str()), exit_status: 0 }
    }
    /// An internal inconsistency of the engine ([`TrapCode::EngineDefect`]), with what was found wrong.
    pub fn engine_defect(message: impl Into<String>) -> Trap {
        Trap { code: TrapCode::EngineDefect, detail: Some(message.into().into_boxed_str()), exit_status: 0 }
    }
    /// A request to end the program with this exit status.
    pub fn exit(status: i32) -> Trap {
        Trap { code: TrapCode::Exit, detail: None, exit_status: status }
    }
    /// The trap code.
    pub fn code(&self) -> TrapCode {
        self.code
    }
    /// The exit status, if this trap is an exit request.
    pub fn exit_status(&self) -> Option<i32> {
        (self.code == TrapCode::Exit).then_some(self.exit_status)
    }
    /// The host's message (or an engine defect's), if any.
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }
}

impl From<TrapCode> for Trap {
    fn from(code: TrapCode) -> Trap {
        Trap::new(code)
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.code, &self.detail) {
            (TrapCode::Exit, _) => write!(f, "exit with status {}", self.exit_status),
            (_, Some(detail)) => write!(f, "{}: {detail}", self.code),
            (_, None) => write!(f, "{}", self.code),
        }
    }
}

impl core::error::Error for Trap {}

/// Everything that can go wrong in the embedding API.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The bytes are not a well-formed module, or the module does not validate.
    Invalid {
        /// Byte offset in the module where the problem was found.
        offset: usize,
        /// The decoder's or validator's reason.
        message: String,
    },
    /// The module uses something this build of Ember does not support.
    Unsupported(String),
    /// An import could not be satisfied, or had the wrong type.
    Link(String),
    /// A store limit (instances, memories, tables, ...) would be exceeded.
    Limit(String),
    /// Execution trapped (also during instantiation: segment initialisation or the start function).
    Trap(Trap),
    /// Wrong use of the embedding API: wrong argument count or types, a missing export, a value from another store.
    Usage(String),
}

impl Error {
    /// The trap, if this error is one.
    pub fn as_trap(&self) -> Option<&Trap> {
        if let Error::Trap(t) = self {
            Some(t)
        } else {
            None
        }
    }
}

impl From<Trap> for Error {
    fn from(trap: Trap) -> Error {
        Error::Trap(trap)
    }
}

impl From<TrapCode> for Error {
    fn from(code: TrapCode) -> Error {
        Error::Trap(Trap::new(code))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid { offset, message } => {
                write!(f, "invalid module at byte offset {offset:#x}: {message}")
            }
            Error::Unsupported(m) => write!(f, "unsupported: {m}"),
            Error::Link(m) => write!(f, "link error: {m}"),
            Error::Limit(m) => write!(f, "limit exceeded: {m}"),
            Error::Trap(t) => write!(f, "trap: {t}"),
            Error::Usage(m) => write!(f, "{m}"),
        }
    }
}

impl core::error::Error for Error {}
