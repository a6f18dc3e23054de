//! Command engines: any command line that runs one call of a module and prints its results.

use std::path::Path;
use std::process::Command;

use ember_fuzz::DiffValue;

use crate::values::{decimal, numeric_token};

/// An engine that is a command line template (see the help text for the placeholders).
pub struct CommandEngine {
    /// The name shown in tables: the program's file name, numbered if several engines share it.
    pub name: String,
    /// The template as given.
    pub template: String,
    words: Vec<String>,
}

/// What one run of a command engine gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandOutcome {
    /// It exited with status 0 and no trap on stderr: the numeric tokens of its stdout.
    Printed(Vec<String>),
    /// It trapped: a non-zero exit status or `trap` on stderr; the status and stderr's first line.
    Trapped(String),
}

impl CommandEngine {
    /// Parses `template`; `taken` are the names already in use.
    pub fn new(template: &str, taken: &[String]) -> Result<CommandEngine, String> {
        let words = split_words(template)?;
        let program = words.first().ok_or("an empty --engine-cmd template")?;
        let base = Path::new(program).file_name().map_or(program.clone(), |n| n.to_string_lossy().into_owned());
        let mut name = base.clone();
        let mut n = 1;
        while taken.contains(&name) {
            n += 1;
            name = format!("{base}-{n}");
        }
        Ok(CommandEngine { name, template: template.to_string(), words })
    }

    /// The command line for calling `func` with `args` on the module in `file`.
    pub fn argv(&self, file: &Path, func: &str, args: &[DiffValue]) -> Vec<String> {
        let file = file.to_string_lossy();
        let args: Vec<String> = args.iter().map(decimal).collect();
        let mut argv = Vec::new();
        for word in &self.words {
            if word == "{args}" {
                argv.extend(args.iter().cloned());
            } else {
                argv.push(word.replace("{file}", &file).replace("{func}", func).replace("{args}", &args.join(" ")));
            }
        }
        argv
    }

    /// Runs one call; `Err` when the program cannot be started.
    pub fn run(&self, file: &Path, func: &str, args: &[DiffValue]) -> Result<CommandOutcome, String> {
        let argv = self.argv(file, func, args);
        let (program, rest) = argv.split_first().ok_or("an empty command line")?;
        let output = Command::new(program)
            .args(rest)
            .output()
            .map_err(|e| format!("cannot run {program:?} (engine {}): {e}", self.name))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() || stderr.to_lowercase().contains("trap") {
            let first = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
            return Ok(CommandOutcome::Trapped(format!(
                "{}{}{first}",
                output.status,
                if first.is_empty() { "" } else { ": " }
            )));
        }
        Ok(CommandOutcome::Printed(numeric_tokens(&stdout)))
    }
}

/// The numeric tokens of a command's output, in order: words split at whitespace and commas, type suffixes
/// dropped, other words skipped.
pub fn numeric_tokens(stdout: &str) -> Vec<String> {
    stdout.split(|c: char| c.is_whitespace() || c == ',').filter_map(numeric_token).map(String::from).collect()
}

/// Splits a template into words like a POSIX shell: single quotes keep everything, double quotes keep
/// everything but `\"` and `\\`, a backslash outside quotes keeps the next character.
pub fn split_words(template: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => words.extend(word.take()),
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err(format!("unterminated ' in {template:?}")),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => w.push(c),
                            Some(c) => {
                                w.push('\\');
                                w.push(c);
                            }
                            None => return Err(format!("unterminated \" in {template:?}")),
                        },
                        Some(c) => w.push(c),
                        None => return Err(format!("unterminated \" in {template:?}")),
                    }
                }
            }
            '\\' => {
                let next = chars.next().ok_or_else(|| format!("a trailing \\ in {template:?}"))?;
                word.get_or_insert_with(String::new).push(next);
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_like_a_shell() {
        assert_eq!(split_words("sh -c 'echo 7' {func}").unwrap(), ["sh", "-c", "echo 7", "{func}"]);
        assert_eq!(split_words(r#"a "b \"c\"" d\ e ''"#).unwrap(), ["a", "b \"c\"", "d e", ""]);
        assert!(split_words("a 'b").is_err());
    }

    #[test]
    fn placeholders_are_replaced() {
        let engine = CommandEngine::new("iwasm --invoke {func} {file} {args}", &[]).unwrap();
        let argv = engine.argv(Path::new("/tmp/m.wasm"), "f", &[DiffValue::I32(-1), DiffValue::F32(0x3fc0_0000)]);
        assert_eq!(argv, ["iwasm", "--invoke", "f", "/tmp/m.wasm", "-1", "1.5"]);
        let engine = CommandEngine::new("run 'f({args})'", &["run".to_string()]).unwrap();
        assert_eq!(engine.name, "run-2");
        assert_eq!(engine.argv(Path::new("m"), "f", &[DiffValue::I32(1), DiffValue::I32(2)]), ["run", "f(1 2)"]);
        assert_eq!(engine.argv(Path::new("m"), "f", &[]), ["run", "f()"]);
    }

    #[test]
    fn output_is_read_liberally() {
        assert_eq!(numeric_tokens("0x2a:i32\n"), ["0x2a"]);
        assert_eq!(numeric_tokens("Result: 42, 1.5:f32\n"), ["42", "1.5"]);
        assert!(numeric_tokens("done\n").is_empty());
    }
}
