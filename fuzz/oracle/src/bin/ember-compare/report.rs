//! Printing a call's table and the divergences found.

use ember_fuzz::Call;

use crate::run::{CallRun, Outcome};
use crate::values::show;
use crate::verdict::{describe, difference};

/// The reference engine's name ([`ember_fuzz::EmberEngine::interpreter`]).
pub const REFERENCE: &str = "ember-interp";

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
        if self.engine == REFERENCE {
            write!(f, "{} at {}: {}", self.engine, self.at, self.how)
        } else {
            write!(f, "{} differs from {REFERENCE} at {}: {}", self.engine, self.at, self.how)
        }
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

/// The differences of one call's rows from the reference (the first row); a panic of the reference is one
/// too, even with no other engine to compare.
pub fn differences(label: &str, run: &CallRun) -> Vec<Difference> {
    let Some((reference, others)) = run.rows.split_first() else { return Vec::new() };
    let at = format!("{label} {}", call_text(run.call.as_ref()));
    let mut found = Vec::new();
    if let Outcome::Panicked(message) = &reference.outcome {
        let how = format!("the reference panicked: {message}");
        found.push(Difference { engine: reference.engine.clone(), at: at.clone(), how });
    }
    found.extend(others.iter().filter_map(|other| {
        difference(reference, other).map(|how| Difference { engine: other.engine.clone(), at: at.clone(), how })
    }));
    found
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::Observation;
    use ember_fuzz::{Call, DiffValue};

    fn run(rows: Vec<Outcome>) -> CallRun {
        let rows = rows
            .into_iter()
            .enumerate()
            .map(|(i, outcome)| Observation { engine: format!("e{i}"), outcome, memory: None })
            .collect();
        CallRun { call: Some(Call { name: "f".into(), args: vec![DiffValue::I32(1)] }), rows }
    }

    #[test]
    fn differences_name_the_engine_and_the_call() {
        let same = run(vec![Outcome::Returned(vec![DiffValue::I32(2)]), Outcome::Returned(vec![DiffValue::I32(2)])]);
        assert!(differences("m.wat", &same).is_empty());
        let other = run(vec![Outcome::Returned(vec![DiffValue::I32(2)]), Outcome::Returned(vec![DiffValue::I32(3)])]);
        let found = differences("m.wat", &other);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].engine, "e1");
        assert_eq!(found[0].at, "m.wat f(1:i32)");
        let alone = run(vec![Outcome::Panicked("boom".into())]);
        assert_eq!(differences("m.wat", &alone).len(), 1, "a panic of the reference alone is a divergence");
    }

    #[test]
    fn odd_export_names_are_quoted() {
        let call = Call { name: String::new(), args: Vec::new() };
        assert_eq!(call_text(Some(&call)), "\"\"()");
        assert_eq!(call_text(None), "instantiation");
    }
}
