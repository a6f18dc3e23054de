//! Printing a call's table and the divergences found.

use ember_fuzz::Call;

use crate::run::CallRun;
use crate::values::show;
use crate::verdict::{describe, difference};

/// One engine disagreeing with the reference on one call.
pub struct Difference {
    /// The engine that differs.
    pub engine: String,
    /// Where: the module's label and the call.
    pub at: String,
    /// How it differs.
    pub how: String,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} differs from ember-interp at {}: {}", self.engine, self.at, self.how)
    }
}

/// A call as people write it: `f(1:i32, 2.5:f64)`, or `instantiation` for none.
pub fn call_text(call: Option<&Call>) -> String {
    match call {
        Some(call) => {
            let args = call.args.iter().map(show).collect::<Vec<_>>().join(", ");
            let plain = !call.name.is_empty() && !call.name.contains(|c: char| c.is_whitespace() || "()\"".contains(c));
            if plain {
                format!("{}({args})", call.name)
            } else {
                format!("{:?}({args})", call.name)
            }
        }
        None => "instantiation".into(),
    }
}

/// The differences of one call's rows from the reference (the first row).
pub fn differences(label: &str, run: &CallRun) -> Vec<Difference> {
    let Some((reference, others)) = run.rows.split_first() else { return Vec::new() };
    let at = format!("{label} {}", call_text(run.call.as_ref()));
    others
        .iter()
        .filter_map(|other| {
            difference(reference, other).map(|how| Difference { engine: other.engine.clone(), at: at.clone(), how })
        })
        .collect()
}

/// Prints one call's table: engine, results or trap, memory 0, and `DIFFERS` on rows that disagree.
pub fn print_table(label: &str, run: &CallRun) {
    println!("== {label}: {}", call_text(run.call.as_ref()));
    let Some(reference) = run.rows.first() else { return };
    let cells: Vec<(String, String, String, bool)> = run
        .rows
        .iter()
        .map(|row| {
            let differs = difference(reference, row).is_some();
            (row.engine.clone(), describe(&row.outcome), row.memory.clone().unwrap_or_else(|| "-".into()), differs)
        })
        .collect();
    let engine_width = cells.iter().map(|c| c.0.len()).max().unwrap_or(0).max("engine".len());
    let result_width = cells.iter().map(|c| c.1.chars().count()).max().unwrap_or(0).max("result".len()).min(60);
    println!("   {:engine_width$}  {:result_width$}  memory 0", "engine", "result");
    for (engine, result, memory, differs) in cells {
        let mark = if differs { "  DIFFERS" } else { "" };
        println!("   {engine:engine_width$}  {result:result_width$}  {memory}{mark}");
    }
}
