//! `ember-compare` as people run it: exit statuses, tables, command engines, directories, and the recorded
//! wasmi and wasm3 bugs of `fuzz/regressions/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the tool with `args`; its exit status and stdout.
fn compare(args: &[&str]) -> (i32, String) {
    let Output { status, stdout, stderr } =
        Command::new(env!("CARGO_BIN_EXE_ember-compare")).args(args).output().expect("ember-compare runs");
    let stdout = String::from_utf8_lossy(&stdout).into_owned();
    eprintln!("{stdout}{}", String::from_utf8_lossy(&stderr));
    (status.code().expect("ember-compare exits, not killed"), stdout)
}

/// A fresh directory for one test's files, removed first if a crashed run left it.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ember-compare-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn write(dir: &Path, name: &str, contents: &[u8]) -> String {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("temp dir");
    }
    std::fs::write(&path, contents).expect("temp file");
    path.to_string_lossy().into_owned()
}

fn regressions() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../regressions")
}

const AGREEING: &str = r#"
(module
  (memory 1)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "store") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "third") (result f64) (f64.div (f64.const 1) (f64.const 3))))
"#;

#[test]
fn a_module_every_engine_agrees_on_exits_0() {
    let dir = scratch("agree");
    let file = write(&dir, "m.wat", AGREEING.as_bytes());
    let (status, stdout) = compare(&[&file]);
    assert_eq!(status, 0);
    assert!(stdout.contains("== ") && stdout.contains("add(0:i32, 0:i32)") && stdout.contains("wasmi"));
    assert!(stdout.contains("agree: every engine gives the same answers"));

    let (status, stdout) = compare(&[&file, "--engines", "wasmi", "--invoke", "store", "0x10", "-1"]);
    assert_eq!(status, 0);
    assert!(stdout.contains("store(16:i32, -1:i64)"));
    assert!(!stdout.contains("ember-interp (eager)"), "--engines picks the engines");

    // A command engine that computes the right answer agrees, however it spells it.
    let right = "sh -c 'echo \"result: $(($1 + $2)):i32\"' sh {args}";
    let (status, _) = compare(&[&file, "--engines", "none", "--engine-cmd", right, "--invoke", "add", "40", "2"]);
    assert_eq!(status, 0);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_command_engine_printing_a_wrong_number_is_a_divergence() {
    let dir = scratch("diverge");
    let file = write(&dir, "m.wat", AGREEING.as_bytes());
    let (status, stdout) = compare(&[&file, "--engine-cmd", "sh -c 'echo 7' {func}", "--invoke", "add", "1", "2"]);
    assert_eq!(status, 1);
    assert!(stdout.contains("DIVERGE: sh differs from ember-interp"), "names the engine");
    assert!(stdout.contains("7, but ember-interp 3:i32"), "says how");
    assert!(stdout.contains("`sh -c 'echo 7' {func}`"), "shows the command");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_trap_on_every_engine_agrees() {
    let dir = scratch("trap");
    let wasm = wat::parse_str(
        r#"(module (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
                   (func (export "boom") unreachable))"#,
    )
    .expect("valid text");
    let file = write(&dir, "trap.wasm", &wasm);
    let (status, stdout) = compare(&[&file, "--engine-cmd", "sh -c 'echo trapped >&2; exit 1'"]);
    assert_eq!(status, 0);
    assert!(stdout.contains("trap IntegerDivisionByZero") && stdout.contains("trap Unreachable"));
    assert!(stdout.contains("trap (exit status: 1: trapped)"));
    // A command engine that returns where the others trap differs.
    let (status, _) = compare(&[&file, "--engines", "none", "--engine-cmd", "true", "--invoke", "boom"]);
    assert_eq!(status, 1);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn directory_mode_prints_a_line_per_file_and_a_summary() {
    let dir = scratch("dir");
    write(&dir, "a.wat", AGREEING.as_bytes());
    let wasm = wat::parse_str(r#"(module (func (export "f") (result i64) (i64.const -5)))"#).expect("valid text");
    write(&dir, "sub/b.wasm", &wasm);
    write(&dir, "sub/c.wat", b"(module (func (export \"f\") (result i32) (i64.const 1)))");
    write(&dir, "notes.txt", b"not a module");
    let (status, stdout) = compare(&[&dir.to_string_lossy(), "--engines", "wasmi"]);
    assert_eq!(status, 2, "an invalid module is an error");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("agree    ") && lines[0].ends_with("a.wat"), "{lines:?}");
    assert!(lines[1].starts_with("agree    ") && lines[1].ends_with("b.wasm"), "{lines:?}");
    assert!(lines[2].starts_with("error    ") && lines[2].contains("c.wat"), "{lines:?}");
    assert_eq!(lines[3], "3 files: 2 agree, 0 diverge, 1 errors");

    let (status, stdout) = compare(&[&dir.to_string_lossy(), "--engine-cmd", "sh -c 'echo 7'"]);
    assert_eq!(status, 1, "a divergence outweighs errors");
    assert!(stdout.contains("DIVERGE  ") && stdout.ends_with("3 files: 0 agree, 2 diverge, 1 errors\n"), "{stdout}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn ember_tiers_agree_on_every_regression() {
    let (status, stdout) = compare(&[&regressions().to_string_lossy(), "--engines", "ember"]);
    assert_eq!(status, 0);
    let summary = stdout.lines().last().expect("a summary line");
    assert!(summary.ends_with(" diverge, 0 errors") && summary.contains(" files: "), "{summary}");
}

/// Finding #1 of docs/fuzzing.md: wasmi 2.0.0 picks the wrong `select` operand.
#[test]
fn the_recorded_wasmi_select_bug_is_a_divergence() {
    let script = regressions().join("wasmi-select-eqz.wast");
    let (status, stdout) = compare(&[&script.to_string_lossy(), "--engines", "wasmi"]);
    assert_eq!(status, 1);
    assert!(stdout.contains("DIVERGE: wasmi differs from ember-interp"), "{stdout}");
    assert!(stdout.contains("keep_x(): 1:i32, but ember-interp 32767:i32"), "{stdout}");
}

/// Finding #4 of docs/fuzzing.md: wasmi 2.0.0's translator panics; the tool reports it and does not crash.
#[test]
fn the_recorded_wasmi_translator_panic_is_a_divergence() {
    let script = regressions().join("wasmi-store16-translator-panic.wast");
    let (status, stdout) = compare(&[&script.to_string_lossy(), "--engines", "wasmi"]);
    assert_eq!(status, 1);
    assert!(stdout.contains("DIVERGE: wasmi differs from ember-interp") && stdout.contains("panicked"), "{stdout}");
}

/// The wasm3 findings of docs/fuzzing.md (with the `wasm3` feature): each `wasm3-*.wast` script diverges on
/// wasm3 alone, and a command engine computing the right answer sits beside it in the same table.
#[cfg(feature = "wasm3")]
#[test]
fn the_recorded_wasm3_bugs_are_divergences() {
    let (status, stdout) = compare(&[&regressions().to_string_lossy(), "--engines", "wasm3"]);
    assert_eq!(status, 1);
    let diverging: Vec<&str> = stdout.lines().filter(|l| l.starts_with("DIVERGE")).collect();
    // The nine wasm3 scripts, and segment-past-table-end.wast, whose last module has an empty segment.
    assert_eq!(diverging.len(), 10, "{stdout}");
    let wasm3_bug = |l: &&str| l.contains("/wasm3-") || l.contains("/segment-past-table-end.wast");
    assert!(diverging.iter().all(|l| wasm3_bug(l) && l.contains(": wasm3 differs from ember-interp")));

    let script = regressions().join("wasm3-element-segment-shrinks-table.wast");
    let right = "sh -c 'if [ $1 = 3 ]; then echo 42; else echo 7; fi' sh {args}";
    let (status, stdout) =
        compare(&[&script.to_string_lossy(), "--engines", "ember-eager,wasmi,wasm3", "--engine-cmd", right]);
    assert_eq!(status, 1);
    assert!(stdout.contains("call(3:i32): trap TableOutOfBounds, but ember-interp 42:i32"), "{stdout}");
    for engine in ["ember-interp (eager)", "wasmi", "wasm3", "sh"] {
        assert!(stdout.lines().any(|l| l.trim_start().starts_with(engine)), "no {engine} row: {stdout}");
    }
    assert!(!stdout.contains("DIVERGE: wasmi") && !stdout.contains("DIVERGE: sh"), "{stdout}");
}

#[test]
fn bad_input_and_usage_are_status_2() {
    let dir = scratch("usage");
    let file = write(&dir, "m.wat", AGREEING.as_bytes());
    let garbage = write(&dir, "g.wasm", b"\0asm\x01\0\0\0\x01\xff\xff");
    let importing = write(&dir, "i.wat", b"(module (import \"env\" \"f\" (func)) (func (export \"g\")))");
    for args in [
        vec![],
        vec!["--bogus"],
        vec![file.as_str(), "--engines", "v8"],
        vec![file.as_str(), "--invoke", "nope"],
        vec![file.as_str(), "--invoke", "add", "1"],
        vec![file.as_str(), "--invoke", "add", "1", "x"],
        vec![file.as_str(), "--engine-cmd", "sh -c 'unterminated"],
        vec![file.as_str(), "--engine-cmd", "/nonexistent/engine {file}"],
        vec![garbage.as_str()],
        vec![importing.as_str()],
        vec!["/nonexistent/m.wasm"],
    ] {
        assert_eq!(compare(&args).0, 2, "{args:?}");
    }
    assert_eq!(compare(&["--help"]).0, 0);
    let _ = std::fs::remove_dir_all(dir);
}
