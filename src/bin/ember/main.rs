//! The `ember` command-line tool: run, validate and inspect WebAssembly modules.
//!
//! Exit status: 0 on success, 1 for an error (unreadable file, invalid module, link error, resource limit),
//! 2 for a usage error, 134 when the program traps (as wasmtime does), and a program's own status when it asks
//! to exit.

use std::ffi::OsString;
use std::process::ExitCode;

use anyhow::anyhow;
use ember::{Error, Trap, TrapCode};

/// Exit status for errors that are not the program's fault or the user's: bad modules, link errors, I/O.
pub(crate) const EXIT_ERROR: u8 = 1;
/// Exit status for command-line mistakes.
pub(crate) const EXIT_USAGE: u8 = 2;
/// Exit status when the wasm program traps (128 + SIGABRT, as wasmtime reports it).
pub(crate) const EXIT_TRAP: u8 = 134;

const HELP: &str = "\
ember: a WebAssembly virtual machine

Usage:
  ember run [OPTIONS] FILE [ARGS...]   run a module (.wasm, .wat or .ebc image; WASI programs too)
  ember [OPTIONS] FILE [ARGS...]       the same as `ember run`
  ember validate FILE                  check that a module decodes and validates
  ember inspect [--bytecode] FILE      show a module's imports, exports, sizes and bytecode
  ember compile FILE -o OUTPUT         precompile a module into an image for devices (.ebc)
  ember help [COMMAND]                 show help
  ember --version                      show the version

Exit status: 0 success, 1 error (an internal error of Ember too), 2 usage error, 134 trap; a WASI program's
own status when it exits.
Run `ember help run` for the options of `run`.
";

mod compile;
mod inspect;
mod options;
mod run;
mod tier;
mod values;
mod wasi;

/// Why a command did not succeed.
pub(crate) enum Failure {
    /// The command line is wrong.
    Usage(String),
    /// Something failed: printed as `error: ...`.
    Error(anyhow::Error),
    /// The wasm program trapped.
    Trap(Trap),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        Failure::Error(e)
    }
}

impl From<lexopt::Error> for Failure {
    fn from(e: lexopt::Error) -> Failure {
        Failure::Usage(e.to_string())
    }
}

/// Turns an Ember error into a failure: traps keep their exit status.
pub(crate) fn ember_failure(e: Error) -> Failure {
    match e {
        Error::Trap(trap) => Failure::Trap(trap),
        other => Failure::Error(anyhow!(other)),
    }
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    match dispatch(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message} (see `ember --help`)");
            ExitCode::from(EXIT_USAGE)
        }
        Err(Failure::Error(e)) => {
            eprintln!("error: {}", one_line(&e));
            ExitCode::from(EXIT_ERROR)
        }
        Err(Failure::Trap(trap)) => match trap.exit_status() {
            // A program's own exit status is reported as the shell sees it: modulo 256.
            Some(status) => ExitCode::from(status as u8),
            // Not the program's fault: said plainly, with the error status rather than the trap status.
            None if trap.code() == TrapCode::EngineDefect => {
                eprintln!(
                    "error: internal error in Ember (please report it): {}",
                    trap.detail().unwrap_or("no detail")
                );
                ExitCode::from(EXIT_ERROR)
            }
            None => {
                eprintln!("error: trap: {trap}");
                ExitCode::from(EXIT_TRAP)
            }
        },
    }
}

/// Writes to stdout. A closed pipe (`ember inspect x.wasm | head`) is not an error worth a panic: the rest
/// of the output is dropped.
pub(crate) fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
}

/// An error and its causes on one line: `outer: inner: innermost`.
pub(crate) fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for (i, cause) in e.chain().enumerate() {
        if i > 0 {
            line.push_str(": ");
        }
        let text = cause.to_string();
        line.push_str(text.lines().next().unwrap_or_default().trim_end());
    }
    line
}

fn dispatch(args: Vec<OsString>) -> Result<(), Failure> {
    let Some(first) = args.first() else {
        out(HELP);
        return Ok(());
    };
    let rest = || args[1..].to_vec();
    match first.to_str() {
        Some("run") => run::run(rest()),
        Some("validate") => inspect::validate(rest()),
        Some("inspect") => inspect::inspect(rest()),
        Some("compile") => compile::compile(rest()),
        Some("help") => {
            let topic = args.get(1).and_then(|a| a.to_str());
            match topic {
                None => out(HELP),
                Some("run") => out(&run::help()),
                Some("validate") => out(inspect::VALIDATE_HELP),
                Some("inspect") => out(inspect::INSPECT_HELP),
                Some("compile") => out(compile::HELP),
                Some(other) => return Err(Failure::Usage(format!("no help for `{other}`: not a command"))),
            }
            Ok(())
        }
        Some("-h" | "--help") => {
            out(HELP);
            Ok(())
        }
        Some("-V" | "--version") => {
            out(&format!("ember {}\n", env!("CARGO_PKG_VERSION")));
            Ok(())
        }
        // Like wasmtime: `ember [OPTIONS] FILE [ARGS...]` runs the file.
        _ => run::run(args),
    }
}
