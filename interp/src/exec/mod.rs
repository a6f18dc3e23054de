//! The executor: runs register bytecode (placeholder until the dispatch loop lands).

use ember_core::{Executor, Func, StoreInner, Trap, TrapCode, Val};

/// The register interpreter, as an [`Executor`] for `ember_core::Engine`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Interpreter;

/// The interpreter instance to plug into engines.
pub static INTERPRETER: Interpreter = Interpreter;

impl Executor for Interpreter {
    fn call(&self, _store: &mut StoreInner, _func: Func, _params: &[Val], _results: &mut [Val]) -> Result<(), Trap> {
        Err(Trap::new(TrapCode::Unreachable))
    }
}
