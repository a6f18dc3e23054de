//! Comparing the engines on one input file.

use std::path::{Path, PathBuf};

use ember_fuzz::{DiffEngine, EmberEngine, EngineKind};

use crate::command::CommandEngine;
use crate::input;
use crate::report::{differences, print_table, Difference};
use crate::run::{run_calls, Outcome};

/// What to compare with: the built-in engines besides the reference, the command engines, `--invoke`.
pub struct Setup {
    /// Built-in engines besides the reference, Ember's interpreter.
    pub kinds: Vec<EngineKind>,
    /// Command engines.
    pub commands: Vec<CommandEngine>,
    /// `--invoke NAME ARGS...`.
    pub invoke: Option<(String, Vec<String>)>,
}

/// Compares every engine on `path`, printing a table per call if `tables`; the differences found, or why
/// the file could not be compared.
pub fn compare_file(path: &Path, setup: &Setup, tables: bool) -> Result<Vec<Difference>, String> {
    let units = input::read(path, setup.invoke.as_ref())?;
    let mut builtins: Vec<Box<dyn DiffEngine>> = vec![Box::new(EmberEngine::interpreter())];
    builtins.extend(setup.kinds.iter().map(|k| k.build()));
    let is_binary = path.extension().is_some_and(|e| e == "wasm");
    let mut found = Vec::new();
    for unit in &units {
        let imports = input::import_count(&unit.wasm);
        if imports > 0 {
            return Err(format!(
                "{}: the module has {imports} imports; engines run modules without imports",
                unit.label
            ));
        }
        let temp = match (setup.commands.is_empty(), is_binary) {
            (false, false) => Some(TempWasm::write(&unit.wasm)?),
            _ => None,
        };
        let file = temp.as_ref().map_or(path, |t| t.path.as_path());
        let runs = run_calls(&unit.wasm, &unit.calls, &mut builtins, &setup.commands, file)?;
        for run in &runs {
            if let Some(Outcome::Rejected(message)) = run.rows.first().map(|r| &r.outcome) {
                return Err(format!("{}: Ember rejects the module: {message}", unit.label));
            }
            if tables {
                print_table(&unit.label, run);
            }
            found.extend(differences(&unit.label, run));
        }
    }
    if units.is_empty() {
        return Err(format!("{}: no module to run", path.display()));
    }
    Ok(found)
}

/// A module written to a temporary `.wasm` file for command engines, deleted when dropped.
struct TempWasm {
    path: PathBuf,
}

impl TempWasm {
    fn write(wasm: &[u8]) -> Result<TempWasm, String> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("ember-compare-{}-{n}.wasm", std::process::id()));
        std::fs::write(&path, wasm).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(TempWasm { path })
    }
}

impl Drop for TempWasm {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
