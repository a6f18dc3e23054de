//! The built-in engines by the names `--engines` takes.

use ember_fuzz::{EngineKind, ENGINES};

/// Whether an engine kind is one of Ember's configurations.
fn is_ember(kind: EngineKind) -> bool {
    kind.name().starts_with("ember-")
}

/// The engines `--engines` names (every engine built in for `None`), in [`ENGINES`] order; `ember` stands
/// for all of Ember's, `none` for none, `ember-interp` (the reference, always run) is accepted and ignored.
pub fn select(names: Option<&[String]>) -> Result<Vec<EngineKind>, String> {
    let Some(names) = names else { return Ok(ENGINES.to_vec()) };
    let mut chosen = Vec::new();
    for name in names {
        let matching: Vec<EngineKind> = match name.as_str() {
            "none" | "ember-interp" => Vec::new(),
            "ember" => ENGINES.iter().copied().filter(|k| is_ember(*k)).collect(),
            _ => ENGINES.iter().copied().filter(|k| k.name() == *name).collect(),
        };
        if matching.is_empty() && !matches!(name.as_str(), "none" | "ember-interp") {
            let known: Vec<String> = ENGINES.iter().map(|k| k.name()).collect();
            let hint = match name.as_str() {
                "wasmtime" => " (build with --features wasmtime)",
                "wasm3" => " (build with --features wasm3)",
                n if n.starts_with("ember-jit") || n.starts_with("ember-auto") => " (build with --features tier-up)",
                _ => "",
            };
            return Err(format!("unknown engine {name:?}{hint}; this build has: {}", known.join(", ")));
        }
        chosen.extend(matching);
    }
    Ok(ENGINES.iter().copied().filter(|k| chosen.contains(k)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_select_engines() {
        assert_eq!(select(None).unwrap(), ENGINES);
        assert_eq!(select(Some(&["wasmi".to_string()])).unwrap(), [EngineKind::Wasmi]);
        assert!(select(Some(&["none".to_string()])).unwrap().is_empty());
        assert!(!select(Some(&["ember".to_string()])).unwrap().contains(&EngineKind::Wasmi));
        assert!(select(Some(&["v8".to_string()])).is_err());
    }
}
