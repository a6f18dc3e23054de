//! The command line: what to run, on which engines, and the help text.

use std::path::PathBuf;

/// The help text printed by `--help` (and, on a usage error, pointed to).
pub const HELP: &str = "\
ember-compare: run a WebAssembly module on Ember's tiers and other engines, and compare what they do.

USAGE:
    ember-compare FILE.wasm|FILE.wat|FILE.wast|DIR [--invoke NAME ARGS...] [--engines LIST]
                  [--engine-cmd TEMPLATE]...

Each exported function is called with zero arguments (or only NAME, with ARGS parsed by its parameter
types: decimal or 0x-hex integers, floats such as 1.5, -0, inf, nan, nan:0x200000), every engine in a fresh
instance per call. A .wast script gives its modules and the calls its invoke/assert_* commands make
(expected results are not checked: engines are compared with each other). A table per call shows each
engine's results or trap, and a hash of linear memory 0 afterwards. ember-interp, Ember's interpreter, is the
reference every other engine is compared with; a stack overflow on either side is allowed to differ.

Given a directory, every .wasm, .wat and .wast file under it (recursively, sorted) is compared and one line
printed per file (agree / DIVERGE / error), then `N files: A agree, D diverge, E errors`.

OPTIONS:
    --invoke NAME ARGS...   call only the export NAME with ARGS (the rest of the command line)
    --engines LIST          comma-separated engines besides the reference (default: all built in):
                            ember-eager, ember-fuel, ember-profiled, ember-jit, ember-auto0 .. ember-auto3
                            (with the tier-up feature), wasmi, wasmtime (with the wasmtime feature),
                            wasm3 (with the wasm3 feature);
                            `ember` for all of Ember's, `none` for no built-in engine
    --engine-cmd TEMPLATE   add an engine that is a command line (repeatable), for example
                                --engine-cmd \"iwasm --function {func} {file} {args}\"
                                --engine-cmd \"wasm3 --func {func} {file} {args}\"
                                --engine-cmd \"wasmtime run --invoke {func} {file} {args}\"
    -h, --help              print this help

COMMAND ENGINES:
    The template is split into words like a shell does (single quotes, double quotes, backslash), then
    {file} becomes the module as a .wasm file (a temporary file for .wat and .wast input), {func} the
    export's name and {args} the arguments as decimal text (integers signed, floats as `1.5`, `inf`, `nan`,
    references as `null`): one word per argument when {args} is a word of its own, joined by spaces
    inside a longer word. The program is run directly, not through a shell; each call is a new process.
    Results are the numeric tokens of its stdout, in order: words split at whitespace and commas, a type
    suffix such as `:i32` dropped (`0x2a:i32` is 42), other words skipped. An integer matches when its bits
    do (signed or unsigned, decimal or hex); a float when it equals the result, or the result rounded to as
    many significant digits as the token has. A non-zero exit status, or `trap` on stderr (any case), is a
    trap: for command engines only trapped-or-not is compared, not the kind. Memory hashes are `-`.

EXIT STATUS:
    0 every engine agrees; 1 a divergence (the engines that differ, and how, are printed);
    2 a usage error or an input that cannot be compared (unreadable, invalid, with imports: modules run
    without any, no such export). In directory mode 1 if any file diverges, else 2 if any file is an
    error, else 0.
";

/// What the command line asks for.
#[derive(Debug, Default)]
pub struct Options {
    /// The module, script or directory to compare.
    pub path: PathBuf,
    /// `--invoke NAME ARGS...`: only this export, with these arguments (text, parsed by type later).
    pub invoke: Option<(String, Vec<String>)>,
    /// `--engines`: the names listed, or `None` for every engine built in.
    pub engines: Option<Vec<String>>,
    /// `--engine-cmd` templates, in order.
    pub commands: Vec<String>,
}

/// What parsing the command line gave.
#[derive(Debug)]
pub enum Parsed {
    /// Run with these options.
    Run(Options),
    /// `--help` was asked for.
    Help,
}

/// Parses the arguments (without the program name).
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Parsed, String> {
    let mut args = args.into_iter();
    let mut options = Options::default();
    let mut path = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--invoke" => {
                let name = args.next().ok_or("--invoke needs an export name")?;
                options.invoke = Some((name, args.by_ref().collect()));
            }
            "--engines" => {
                let list = args.next().ok_or("--engines needs a list")?;
                let names = list.split(',').map(str::trim).filter(|n| !n.is_empty()).map(String::from).collect();
                options.engines = Some(names);
            }
            "--engine-cmd" => options.commands.push(args.next().ok_or("--engine-cmd needs a template")?),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ if path.is_none() => path = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument {arg:?} (arguments of a call follow --invoke NAME)")),
        }
    }
    options.path = path.ok_or("no FILE or DIR given")?;
    Ok(Parsed::Run(options))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Options {
        match parse(args.iter().map(|s| s.to_string())) {
            Ok(Parsed::Run(options)) => options,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn invoke_takes_the_rest_of_the_line() {
        let options = run(&["m.wat", "--engines", "wasmi,ember-jit", "--invoke", "f", "1", "-2"]);
        assert_eq!(options.invoke, Some(("f".into(), vec!["1".into(), "-2".into()])));
        assert_eq!(options.engines, Some(vec!["wasmi".into(), "ember-jit".into()]));
    }

    #[test]
    fn mistakes_are_usage_errors() {
        assert!(parse(Vec::new()).is_err());
        assert!(parse(vec!["--bogus".to_string()]).is_err());
        assert!(parse(vec!["a.wat".to_string(), "b.wat".to_string()]).is_err());
        assert!(parse(vec!["a.wat".to_string(), "--engine-cmd".to_string()]).is_err());
    }
}
