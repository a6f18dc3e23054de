//! `ember compile`: translate a module ahead of time into a precompiled image for devices.

use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::Context;
use ember::{Config, Engine};
use ember_interp::translate::TranslateOptions;

use crate::run::load_module;
use crate::{ember_failure, out, Failure};

pub(crate) const HELP: &str = "\
ember compile: validate and translate a module into a precompiled image (.ebc)

Usage: ember compile [--fuel] FILE -o OUTPUT

The image holds the module's structure and every function's verified register bytecode. A build of Ember
without the wasm validator (e.g. on a Cortex-M0) runs it in place from flash; `ember run OUTPUT` runs it here.

Options:
  -o, --output PATH   where to write the image
  --fuel              emit fuel metering (the image then runs only with `ember run --fuel N`)
  -h, --help          show this help
";

pub(crate) fn compile(args: Vec<OsString>) -> Result<(), Failure> {
    use lexopt::prelude::*;

    let mut parser = lexopt::Parser::from_args(args);
    let (mut file, mut output, mut fuel) = (None, None, false);
    while let Some(arg) = parser.next()? {
        match arg {
            Short('o') | Long("output") => output = Some(PathBuf::from(parser.value()?)),
            Long("fuel") => fuel = true,
            Short('h') | Long("help") => {
                out(HELP);
                return Ok(());
            }
            Value(path) if file.is_none() => file = Some(PathBuf::from(path)),
            other => return Err(other.unexpected().into()),
        }
    }
    let Some(file) = file else {
        return Err(Failure::Usage("`compile` needs a FILE (.wasm or .wat)".into()));
    };
    let Some(output) = output else {
        return Err(Failure::Usage("`compile` needs -o OUTPUT".into()));
    };
    let engine = Engine::interpreter(Config::new().consume_fuel(fuel));
    let module = load_module(&engine, &file)?;
    if module.info().precompiled.is_some() {
        return Err(Failure::Usage(format!("`{}` is already a precompiled image", file.display())));
    }
    let options = TranslateOptions { fuel, profile: false };
    let image = ember_interp::image::compile(module.info(), &options).map_err(ember_failure)?;
    std::fs::write(&output, &image).with_context(|| format!("cannot write `{}`", output.display()))?;
    Ok(())
}
