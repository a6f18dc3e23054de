//! Running a module's calls on every engine, each call in a fresh instance, and recording what happened.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use ember_fuzz::{Call, DiffEngine, DiffValue, InstantiateError, TrapKind};

use crate::command::{CommandEngine, CommandOutcome};
use crate::memory;

/// How one engine ended one call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The call returned these values.
    Returned(Vec<DiffValue>),
    /// The call trapped.
    Trapped(TrapKind),
    /// The module instantiated (a unit without calls).
    Instantiated,
    /// Instantiation trapped (a segment or the start function).
    InstantiationTrapped(TrapKind),
    /// The engine rejected the module.
    Rejected(String),
    /// The engine cannot run this module (a feature or a limit of its own): not compared.
    Unsupported(String),
    /// The engine panicked, with the panic's message and location.
    Panicked(String),
    /// A command engine's run.
    Command(CommandOutcome),
}

/// One engine's row in a call's table.
#[derive(Clone, Debug)]
pub struct Observation {
    /// The engine's name.
    pub engine: String,
    /// What happened.
    pub outcome: Outcome,
    /// Memory 0 afterwards ([`memory::describe`]), when the engine can show it and the module has one.
    pub memory: Option<String>,
}

/// One call (or one instantiation) on every engine, the reference first.
pub struct CallRun {
    /// The call, `None` for a unit that is only instantiated.
    pub call: Option<Call>,
    /// The engines' rows, the reference's first.
    pub rows: Vec<Observation>,
}

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces the panic hook with one that records the message (for [`Outcome::Panicked`]) instead of printing
/// it: engine panics are reported in the tables.
pub fn quiet_panics() {
    panic::set_hook(Box::new(|info| {
        let message = info.to_string().replace('\n', " ");
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(message));
    }));
}

/// Runs every call of a module on the built-in engines (`builtins`, the reference first) and the command
/// engines (`file`: the module on disk for them). `Err` when a command engine cannot be started.
pub fn run_calls(
    wasm: &[u8],
    calls: &[Call],
    builtins: &mut [Box<dyn DiffEngine>],
    commands: &[CommandEngine],
    file: &Path,
) -> Result<Vec<CallRun>, String> {
    let (readable, memory_export) = memory::export_memory0(wasm);
    let plan: Vec<Option<&Call>> = if calls.is_empty() { vec![None] } else { calls.iter().map(Some).collect() };
    let mut runs = Vec::new();
    for call in plan {
        let mut rows = Vec::new();
        for engine in builtins.iter_mut() {
            rows.push(observe(engine.as_mut(), &readable, memory_export.as_deref(), call));
        }
        if let Some(call) = call {
            for engine in commands {
                let outcome = engine.run(file, &call.name, &call.args)?;
                let engine = engine.name.clone();
                rows.push(Observation { engine, outcome: Outcome::Command(outcome), memory: None });
            }
        }
        runs.push(CallRun { call: call.cloned(), rows });
    }
    Ok(runs)
}

/// One engine, one fresh instance, one call (or only the instantiation); a panic becomes
/// [`Outcome::Panicked`].
fn observe(engine: &mut dyn DiffEngine, wasm: &[u8], memory_export: Option<&str>, call: Option<&Call>) -> Observation {
    let name = engine.name().to_string();
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut instance = match engine.instantiate(wasm) {
            Ok(instance) => instance,
            Err(InstantiateError::Rejected(message)) => return (Outcome::Rejected(message), None),
            Err(InstantiateError::Trap(kind)) => return (Outcome::InstantiationTrapped(kind), None),
            Err(InstantiateError::Unsupported(message)) => return (Outcome::Unsupported(message), None),
        };
        let outcome = match call {
            Some(call) => match instance.call(&call.name, &call.args) {
                Ok(values) => Outcome::Returned(values),
                Err(kind) => Outcome::Trapped(kind),
            },
            None => Outcome::Instantiated,
        };
        let memory = memory_export.and_then(|name| instance.memory(name)).map(|m| memory::describe(&m));
        (outcome, memory)
    }));
    let (outcome, memory) = result.unwrap_or_else(|payload| {
        let recorded = LAST_PANIC.with(|p| p.borrow_mut().take());
        let message = recorded
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into());
        (Outcome::Panicked(message), None)
    });
    Observation { engine: name, outcome, memory }
}
