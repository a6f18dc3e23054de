//! Directory mode: every module and script under a directory, one line each, then a summary.

use std::path::{Path, PathBuf};

use crate::file::{compare_file, Setup};

/// Compares every `.wasm`, `.wat` and `.wast` file under `dir` (recursively, sorted by path), printing one
/// line per file and the summary line; the exit status (1 if any diverge, else 2 if any error, else 0).
pub fn compare_dir(dir: &Path, setup: &Setup) -> Result<i32, String> {
    let mut files = Vec::new();
    collect(dir, &mut files)?;
    files.sort();
    let (mut agree, mut diverge, mut errors) = (0, 0, 0);
    for file in &files {
        match compare_file(file, setup, false) {
            Ok(differences) if differences.is_empty() => {
                agree += 1;
                println!("agree    {}", file.display());
            }
            Ok(differences) => {
                diverge += 1;
                let more = match differences.len() {
                    1 => String::new(),
                    n => format!(" (and {} more)", n - 1),
                };
                let first = differences.first().map(ToString::to_string).unwrap_or_default();
                println!("DIVERGE  {}: {first}{more}", file.display());
            }
            Err(message) => {
                errors += 1;
                println!("error    {}: {message}", file.display());
            }
        }
    }
    println!("{} files: {agree} agree, {diverge} diverge, {errors} errors", files.len());
    Ok(if diverge > 0 {
        1
    } else if errors > 0 {
        2
    } else {
        0
    })
}

/// The input files under `dir`, by extension.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?.path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "wasm" || e == "wat" || e == "wast") {
            files.push(path);
        }
    }
    Ok(())
}
