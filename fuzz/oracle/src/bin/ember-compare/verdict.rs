//! Deciding whether an engine's row agrees with the reference's.

use ember_fuzz::TrapKind;

use crate::command::CommandOutcome;
use crate::run::{Observation, Outcome};
use crate::values::{show_all, token_matches};

/// How `other` differs from `reference`, or `None` when it agrees. Stack exhaustion on either side agrees
/// with anything; command engines are compared on results and on trapped-or-not.
pub fn difference(reference: &Observation, other: &Observation) -> Option<String> {
    if let Outcome::Panicked(message) = &other.outcome {
        return Some(format!("panicked: {message}"));
    }
    if matches!(other.outcome, Outcome::Unsupported(_)) {
        return None;
    }
    if stack_overflow(&reference.outcome) || stack_overflow(&other.outcome) {
        return None;
    }
    let same = match (&reference.outcome, &other.outcome) {
        (Outcome::Returned(a), Outcome::Returned(b)) => a == b,
        (Outcome::Trapped(a), Outcome::Trapped(b)) => same_trap(a, b),
        (Outcome::InstantiationTrapped(a), Outcome::InstantiationTrapped(b)) => same_trap(a, b),
        (Outcome::Instantiated, Outcome::Instantiated) => true,
        (Outcome::Rejected(_), Outcome::Rejected(_)) => true,
        (Outcome::Returned(values), Outcome::Command(CommandOutcome::Printed(tokens))) => {
            values.len() == tokens.len() && values.iter().zip(tokens).all(|(v, t)| token_matches(t, v))
        }
        (Outcome::Trapped(_) | Outcome::InstantiationTrapped(_), Outcome::Command(CommandOutcome::Trapped(_))) => true,
        _ => false,
    };
    if !same {
        return Some(format!(
            "{}, but {} {}",
            describe(&other.outcome),
            reference.engine,
            describe(&reference.outcome)
        ));
    }
    match (&reference.memory, &other.memory) {
        (Some(a), Some(b)) if a != b => Some(format!("memory 0 is {b}, but {} has {a}", reference.engine)),
        _ => None,
    }
}

/// An outcome in words, for tables and messages.
pub fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Returned(values) => show_all(values),
        Outcome::Trapped(kind) => format!("trap {kind}"),
        Outcome::Instantiated => "instantiated".into(),
        Outcome::InstantiationTrapped(kind) => format!("instantiation trap {kind}"),
        Outcome::Rejected(message) => format!("rejected: {}", message.lines().next().unwrap_or("")),
        Outcome::Unsupported(message) => format!("not supported: {}", message.lines().next().unwrap_or("")),
        Outcome::Panicked(message) => format!("panicked: {message}"),
        Outcome::Command(CommandOutcome::Printed(tokens)) if tokens.is_empty() => "(none)".into(),
        Outcome::Command(CommandOutcome::Printed(tokens)) => tokens.join(" "),
        Outcome::Command(CommandOutcome::Trapped(status)) => format!("trap ({status})"),
    }
}

fn stack_overflow(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::Trapped(k) | Outcome::InstantiationTrapped(k) if k.is_stack_overflow())
}

/// Traps agree when they are the same kind; engine-specific traps agree whatever their messages.
fn same_trap(a: &TrapKind, b: &TrapKind) -> bool {
    matches!((a, b), (TrapKind::Other(_), TrapKind::Other(_))) || a == b
}

#[cfg(test)]
mod tests {
    use super::*;
    use ember_fuzz::DiffValue;

    fn row(outcome: Outcome, memory: Option<&str>) -> Observation {
        Observation { engine: "e".into(), outcome, memory: memory.map(String::from) }
    }

    #[test]
    fn rows_agree_or_differ() {
        let five = row(Outcome::Returned(vec![DiffValue::I32(5)]), Some("1p 00"));
        assert_eq!(difference(&five, &five), None);
        assert!(difference(&five, &row(Outcome::Returned(vec![DiffValue::I32(6)]), Some("1p 00"))).is_some());
        assert!(difference(&five, &row(Outcome::Returned(vec![DiffValue::I32(5)]), Some("1p 01"))).is_some());
        assert_eq!(difference(&five, &row(Outcome::Returned(vec![DiffValue::I32(5)]), None)), None);
        let printed = |t: &str| row(Outcome::Command(CommandOutcome::Printed(vec![t.into()])), None);
        assert_eq!(difference(&five, &printed("0x5")), None);
        assert!(difference(&five, &printed("7")).is_some());
        let trap = row(Outcome::Trapped(TrapKind::Unreachable), None);
        assert_eq!(difference(&trap, &row(Outcome::Command(CommandOutcome::Trapped("exit 1".into())), None)), None);
        assert!(difference(&trap, &row(Outcome::Trapped(TrapKind::MemoryOutOfBounds), None)).is_some());
        assert_eq!(difference(&five, &row(Outcome::Trapped(TrapKind::StackOverflow), None)), None);
    }
}
