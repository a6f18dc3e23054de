//! `ember-compare`: runs a WebAssembly module on Ember's tiers, wasmi, wasmtime (with the `wasmtime` feature)
//! and any command-line engine, and tells whether they agree. `ember-compare --help` has the details;
//! docs/fuzzing.md has examples.

mod command;
mod dir;
mod engines;
mod file;
mod input;
mod memory;
mod options;
mod report;
mod run;
mod values;
mod verdict;

use std::process::ExitCode;

use crate::command::CommandEngine;
use crate::file::{compare_file, Setup};
use crate::options::{Options, Parsed};

fn main() -> ExitCode {
    run::quiet_panics();
    let options = match options::parse(std::env::args().skip(1)) {
        Ok(Parsed::Run(options)) => options,
        Ok(Parsed::Help) => {
            print!("{}", options::HELP);
            return ExitCode::SUCCESS;
        }
        Err(message) => return usage_error(&message),
    };
    match setup(&options) {
        Ok(setup) => ExitCode::from(compare(&options, &setup)),
        Err(message) => usage_error(&message),
    }
}

/// The engines and calls the options ask for.
fn setup(options: &Options) -> Result<Setup, String> {
    let kinds = engines::select(options.engines.as_deref())?;
    let mut taken: Vec<String> = vec![report::REFERENCE.into()];
    taken.extend(kinds.iter().map(|k| k.name()));
    let mut commands = Vec::new();
    for template in &options.commands {
        let engine = CommandEngine::new(template, &taken)?;
        taken.push(engine.name.clone());
        commands.push(engine);
    }
    Ok(Setup { kinds, commands, invoke: options.invoke.clone() })
}

/// Compares a file (tables, then the divergences) or a directory; the exit status.
fn compare(options: &Options, setup: &Setup) -> u8 {
    if options.path.is_dir() {
        if setup.invoke.is_some() {
            eprintln!("ember-compare: --invoke applies to every module under {}", options.path.display());
        }
        return match dir::compare_dir(&options.path, setup) {
            Ok(status) => u8::try_from(status).unwrap_or(2),
            Err(message) => {
                eprintln!("ember-compare: {message}");
                2
            }
        };
    }
    match compare_file(&options.path, setup, true) {
        Ok(differences) if differences.is_empty() => {
            println!("agree: every engine gives the same answers");
            0
        }
        Ok(differences) => {
            for difference in &differences {
                println!("DIVERGE: {difference}");
            }
            for engine in setup.commands.iter().filter(|c| differences.iter().any(|d| d.engine == c.name)) {
                println!("({} is the command engine `{}`)", engine.name, engine.template);
            }
            1
        }
        Err(message) => {
            eprintln!("ember-compare: {message}");
            2
        }
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("ember-compare: {message}\nusage: ember-compare FILE.wasm|FILE.wat|FILE.wast|DIR [--invoke NAME ARGS...] [--engines LIST] [--engine-cmd TEMPLATE]... (--help for more)");
    ExitCode::from(2)
}
