//! The `ember` command-line tool: results on stdout, one-line errors on stderr, documented exit codes.
#![cfg(feature = "cli")]

use std::path::PathBuf;
use std::process::Command;

/// Writes `contents` to a fresh file named `name` in a per-test directory and returns its path.
fn file(test: &str, name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ember-cli-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write");
    path
}

/// Runs `ember` and returns (exit code, stdout, stderr).
fn ember(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ember")).args(args).output().expect("ember runs");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8 output");
    (out.status.code().unwrap_or(-1), text(out.stdout), text(out.stderr))
}

const MATH: &str = r#"(module
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func (export "pair") (param f64) (result f64 i64) local.get 0 i64.const -1))"#;

#[test]
fn invoke_prints_results() {
    let path = file("invoke", "math.wat", MATH.as_bytes());
    let path = path.to_str().expect("UTF-8 path");
    assert_eq!(ember(&["run", "--invoke", "add", path, "2", "0x28"]), (0, "42\n".into(), String::new()));
    assert_eq!(ember(&["--invoke", "pair", path, "-1.5"]), (0, "-1.5\n-1\n".into(), String::new()));
}

/// A v128 argument and result carry all 128 bits as text: one integer, printed as 0x and 32 hex digits.
#[test]
fn invoke_passes_v128_values() {
    let path = file(
        "invoke",
        "v128.wat",
        br#"(module (func (export "swap") (param v128 i32 v128) (result v128 i32 v128)
              (local.get 2) (local.get 1) (local.get 0)))"#,
    );
    let path = path.to_str().expect("UTF-8");
    let (code, out, err) = ember(&["run", "--invoke", "swap", path, "0x0123456789abcdeffedcba9876543210", "-3", "1"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "0x00000000000000000000000000000001\n-3\n0x0123456789abcdeffedcba9876543210\n");
}

#[test]
fn traps_exit_134_with_one_line() {
    let path = file("trap", "math.wat", MATH.as_bytes());
    let (code, out, err) = ember(&["run", "--invoke", "div", path.to_str().expect("UTF-8"), "1", "0"]);
    assert_eq!((code, out.as_str(), err.as_str()), (134, "", "error: trap: integer divide by zero\n"));
}

#[test]
fn usage_errors_exit_2() {
    let path = file("usage", "math.wat", MATH.as_bytes());
    let path = path.to_str().expect("UTF-8 path");
    for args in [&["run"][..], &["run", "--invoke", "add", path, "1"], &["run", "--frobnicate", path], &["nope"]] {
        let (code, _, err) = ember(args);
        assert_eq!(code, if args == ["nope"] { 1 } else { 2 }, "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
}

#[test]
fn validate_reports_offset() {
    let good = file("validate", "good.wat", MATH.as_bytes());
    assert_eq!(ember(&["validate", good.to_str().expect("UTF-8")]), (0, "ok\n".into(), String::new()));
    let bad = file("validate", "bad.wasm", b"\0asm\x01\0\0\0\x01\x05");
    let (code, _, err) = ember(&["validate", bad.to_str().expect("UTF-8")]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: invalid module at byte offset 0x"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn unsatisfiable_imports_are_link_errors() {
    // WASI preview1 links: `proc_exit(9)` is the exit status. Other WASI versions are named as such.
    let wasi = file(
        "link",
        "wasi.wat",
        br#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
              (memory (export "memory") 1)
              (func (export "_start") (call $exit (i32.const 9))))"#,
    );
    assert_eq!(ember(&["run", wasi.to_str().expect("UTF-8")]), (9, String::new(), String::new()));
    let old = file("link", "old.wat", br#"(module (import "wasi_unstable" "proc_exit" (func (param i32))))"#);
    let (code, _, err) = ember(&["run", old.to_str().expect("UTF-8")]);
    assert_eq!(code, 1);
    assert!(err.contains("only WASI preview1 (`wasi_snapshot_preview1`) is available"), "{err}");
    let unknown = file("link", "unknown.wat", br#"(module (import "wasi_snapshot_preview1" "nope" (func)))"#);
    let (code, _, err) = ember(&["run", unknown.to_str().expect("UTF-8")]);
    assert_eq!(
        (code, err.as_str()),
        (1, "error: link error: unknown import: `wasi_snapshot_preview1` `nope` (func)\n")
    );
    // Capabilities are for WASI modules only.
    let math = file("link", "math.wat", MATH.as_bytes());
    let (code, _, err) = ember(&["run", "--dir", ".", math.to_str().expect("UTF-8")]);
    assert_eq!(code, 2, "{err}");
    let env = file("link", "env.wat", br#"(module (import "env" "f" (func)))"#);
    let (code, _, err) = ember(&["run", env.to_str().expect("UTF-8")]);
    assert_eq!((code, err.as_str()), (1, "error: link error: unknown import: `env` `f` (func)\n"));
}

#[test]
fn inspect_lists_bytecode() {
    let path = file("inspect", "math.wat", MATH.as_bytes());
    let (code, out, err) = ember(&["inspect", "--bytecode", path.to_str().expect("UTF-8")]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"add\" func 0 (func (param i32 i32) (result i32))"), "{out}");
    assert!(out.contains("x the code section"), "{out}");
    assert!(out.contains(": I32Add "), "{out}");
    assert!(out.contains("float instructions: none (runs on integer-only device builds)"), "{out}");
    let floats = file(
        "inspect",
        "floats.wat",
        br#"(module (func (export "half") (param f32) (result f32) (f32.mul (local.get 0) (f32.const 0.5)))
                    (func (param f64) (result i32) (i32.trunc_sat_f64_s (f64.sqrt (local.get 0)))))"#,
    );
    let (code, out, err) = ember(&["inspect", floats.to_str().expect("UTF-8")]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("float instructions: 3 in 2 functions (integer-only device builds refuse the module)"),
        "{out}"
    );
}

#[test]
fn wasi_reactor_is_initialised_before_invoke() {
    let reactor = file(
        "reactor",
        "reactor.wat",
        br#"(module (import "wasi_snapshot_preview1" "sched_yield" (func (result i32)))
              (memory (export "memory") 1)
              (global $ready (mut i32) (i32.const 0))
              (func (export "_initialize") (global.set $ready (i32.const 7)))
              (func (export "ready") (result i32) (global.get $ready)))"#,
    );
    assert_eq!(
        ember(&["run", "--invoke", "ready", reactor.to_str().expect("UTF-8")]),
        (0, "7\n".into(), String::new())
    );
}

#[test]
fn precompiled_images_run_like_the_wasm() {
    let source = file("image", "math.wat", MATH.as_bytes());
    let image = source.with_extension("ebc");
    let (source, image) = (source.to_str().expect("UTF-8"), image.to_str().expect("UTF-8"));
    assert_eq!(ember(&["compile", source, "-o", image]), (0, String::new(), String::new()));
    for args in [&["--invoke", "add"][..], &["--invoke", "pair"], &["--invoke", "div"]] {
        let call_args: &[&str] = if args[1] == "pair" { &["-1.5"] } else { &["7", "0"] };
        let run = |file: &str| ember(&[&["run"], args, &[file], call_args].concat());
        assert_eq!(run(image), run(source), "{args:?}");
    }
    // A corrupt image is refused with one line.
    let mut bytes = std::fs::read(image).expect("image written");
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let bad = file("image", "bad.ebc", &bytes);
    let (code, out, err) = ember(&["run", "--invoke", "add", bad.to_str().expect("UTF-8"), "1", "2"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("checksum mismatch") && err.lines().count() == 1, "{err}");
}

#[test]
fn tiers_agree_and_stats_show_tier_up() {
    let path = file("tiers", "math.wat", MATH.as_bytes());
    let path = path.to_str().expect("UTF-8 path");
    for tier in ["interp", "auto", "jit"] {
        assert_eq!(ember(&["run", "--tier", tier, "--invoke", "add", path, "2", "40"]).1, "42\n", "{tier}");
        let (code, _, err) = ember(&["run", "--tier", tier, "--invoke", "div", path, "1", "0"]);
        assert_eq!((code, err.as_str()), (134, "error: trap: integer divide by zero\n"), "{tier}");
    }
    let (code, out, err) = ember(&["run", "--tier", "jit", "--stats", "--invoke", "add", path, "1", "2"]);
    assert_eq!((code, out.as_str()), (0, "3\n"));
    assert!(err.starts_with("tier-up stats (jit)") && err.contains("1 function(s) compiled"), "{err}");
    let (code, _, err) = ember(&["run", "--tier", "fast", path]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown tier"), "{err}");
}

/// `n` tables of 10 million null funcrefs (80 MB each if filled).
fn big_tables(n: usize) -> String {
    format!("(module {})", "(table 10000000 funcref) ".repeat(n))
}

#[test]
fn max_memory_bounds_tables_too() {
    let ten = file("tables", "ten.wat", big_tables(10).as_bytes());
    let (code, out, err) = ember(&["run", "--max-memory", "1", ten.to_str().expect("UTF-8")]);
    assert_eq!((code, out.as_str(), err.lines().count()), (1, "", 1), "{err}");
    assert!(err.starts_with("error: limit exceeded: instantiating the module needs 800"), "{err}");
    assert!(err.contains("65536 of 65536 bytes left"), "{err}");

    let thousand = file("tables", "thousand.wat", big_tables(1000).as_bytes());
    let (code, _, err) = ember(&["run", thousand.to_str().expect("UTF-8")]);
    assert_eq!(
        (code, err.as_str()),
        (1, "error: limit exceeded: the module has 1000 tables; at most 100 are allowed\n")
    );
}

/// Null tables are not written at instantiation: ten tables of 10 million elements (800 MB if filled) leave
/// the process far below that. The program prints `ready` once instantiated, then spins until killed.
#[cfg(target_os = "linux")]
#[test]
fn null_tables_cost_no_resident_memory() {
    use std::io::{BufRead, BufReader};
    use std::process::{Child, Stdio};

    struct KillOnDrop(Child);
    impl Drop for KillOnDrop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    let wat = format!(
        r#"(module
             (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
             (memory (export "memory") 1)
             (data (i32.const 0) "\10\00\00\00\06\00\00\00")
             (data (i32.const 16) "ready\n")
             {}
             (func (export "_start") (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
               (loop br 0)))"#,
        "(table 10000000 funcref) ".repeat(10)
    );
    let path = file("rss", "ten.wat", wat.as_bytes());
    // The fuel bounds the spin in case the test dies before killing it.
    let child = Command::new(env!("CARGO_BIN_EXE_ember"))
        .args(["run", "--fuel", "20000000000", path.to_str().expect("UTF-8")])
        .stdout(Stdio::piped())
        .spawn()
        .expect("ember runs");
    let mut child = KillOnDrop(child);
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().expect("stdout")).read_line(&mut line).expect("reads");
    assert_eq!(line, "ready\n");
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.0.id())).expect("proc status");
    let peak_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    assert!(peak_kib < 64 << 10, "peak RSS {peak_kib} KiB");
}

#[test]
fn run_help_states_the_tier_up_threshold_the_code_uses() {
    let (code, out, _) = ember(&["help", "run"]);
    assert_eq!(code, 0);
    let default = format!("(default {})", ember::ember_tier_up::DEFAULT_THRESHOLD);
    assert!(out.contains(&default), "`ember help run` should say {default}:\n{out}");
    for line in out.lines().filter(|l| l.trim_start().starts_with("--")) {
        assert!(line.starts_with("  --"), "options are indented by two spaces: {line:?}");
    }
}
