//! WASI programs under `ember run`: C (clang + wasi-libc) and Rust (`wasm32-wasip1`) programs from
//! `tests/wasi/`, built by `tests/wasi/build.sh` into the committed `wasi_c.wasm` and `wasi_rust.wasm`.
//!
//! Each test runs a program command with what it needs granted, and compares its output with the output
//! recorded here. The sandbox tests try every way out (`..`, absolute paths, symbolic links out, directories
//! and environment variables that were not granted) and check the errno and that the host files are untouched.
#![cfg(feature = "cli")]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const C: &str = "tests/wasi/wasi_c.wasm";
const RUST: &str = "tests/wasi/wasi_rust.wasm";

/// A fresh, empty directory for one test.
fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ember-wasi-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// What a run printed and how it ended.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `ember ARGS` with `stdin` as input and `env` added to Ember's environment.
fn ember_with(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ember"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args(args);
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("ember runs");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    let out = child.wait_with_output().expect("ember ends");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8 output");
    Run { code: out.status.code().unwrap_or(-1), stdout: text(out.stdout), stderr: text(out.stderr) }
}

fn ember(args: &[&str]) -> Run {
    ember_with(args, "", &[])
}

/// Asserts a successful run with exactly this output.
#[track_caller]
fn expect(run: Run, stdout: &str) {
    assert_eq!(run.stdout, stdout, "stderr: {}", run.stderr);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

fn grant(dir: &Path, guest: &str) -> String {
    format!("{}::{guest}", path(dir))
}

/// A sandbox `dir/sandbox` granted to the program, beside `dir/outside` (not granted) and `dir/secret.txt`,
/// with symbolic links that lead out: absolute, relative, to a directory; and one that stays inside.
fn sandbox(test: &str) -> (PathBuf, PathBuf, PathBuf) {
    let dir = temp_dir(test);
    let (sandbox, outside) = (dir.join("sandbox"), dir.join("outside"));
    std::fs::create_dir_all(sandbox.join("sub")).expect("mkdir");
    std::fs::create_dir_all(&outside).expect("mkdir");
    std::fs::write(outside.join("secret.txt"), "outside secret\n").expect("write");
    std::fs::write(dir.join("secret.txt"), "parent secret\n").expect("write");
    std::fs::write(sandbox.join("inside.txt"), "inside\n").expect("write");
    std::os::unix::fs::symlink(outside.join("secret.txt"), sandbox.join("link_abs")).expect("symlink");
    std::os::unix::fs::symlink("../outside/secret.txt", sandbox.join("link_rel")).expect("symlink");
    std::os::unix::fs::symlink("../outside", sandbox.join("dirlink")).expect("symlink");
    std::os::unix::fs::symlink("inside.txt", sandbox.join("link_inside")).expect("symlink");
    (dir, sandbox, outside)
}

/// Every file beneath `dir` with its contents (symbolic links as `-> target`), to compare before and after.
fn snapshot(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read_dir") {
            let p = entry.expect("entry").path();
            let meta = std::fs::symlink_metadata(&p).expect("metadata");
            let name = p.strip_prefix(dir).expect("beneath").display().to_string();
            if meta.file_type().is_symlink() {
                out.push((name, format!("-> {}", std::fs::read_link(&p).expect("link").display())));
            } else if meta.is_dir() {
                out.push((name, "dir".into()));
                stack.push(p);
            } else {
                out.push((name, std::fs::read_to_string(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn c_file_io_in_a_preopened_dir() {
    let dir = temp_dir("c-files");
    let run = ember(&["run", C, "--dir", &grant(&dir, "/work"), "--", "files", "/work"]);
    expect(
        run,
        "create: OK\nread: first line\nread: second line\nread: third line\ntell after seek: 6\ngetc: l\n\
         stat: OK\nsize: 34 regular: 1\npread: 4 'line'\npwrite: 5\nftruncate: 0\nafter pwrite+truncate: FIRST line\n\
         mkdir: OK\nmkdir again: EEXIST\nrename: OK\nopen old name: ENOENT\nrmdir non-empty: ENOTEMPTY\n\
         unlink: OK\nrmdir: OK\nopen missing: ENOENT\n",
    );
    assert_eq!(snapshot(&dir), [("kept.txt".to_string(), "kept\n".to_string())]);
}

#[test]
fn c_directory_listing() {
    let (_dir, sandbox, _) = sandbox("c-ls");
    let run = ember(&["run", C, "--dir", &grant(&sandbox, "."), "ls", "."]);
    expect(
        run,
        "opendir: OK\nlink dirlink\nfile inside.txt\nlink link_abs\nlink link_inside\nlink link_rel\ndir sub\n",
    );
}

#[test]
fn c_args_env_and_exit_codes() {
    expect(
        ember(&["run", C, "args", "one", "two words", "--dir", "x"]),
        "argc=5\nargv[1]=one\nargv[2]=two words\nargv[3]=--dir\nargv[4]=x\n",
    );
    // WASI options after FILE, then `--`.
    expect(ember(&["run", C, "--env", "A=1", "--", "args", "-1.5"]), "argc=2\nargv[1]=-1.5\n");
    let host_env = [("SECRET", "hunter2"), ("SHARED", "from host")];
    let run = ember_with(
        &["run", "--env", "A=1", "--env", "SHARED", "--env", "B==x=", C, "env", "A", "B", "SHARED", "SECRET", "PATH"],
        "",
        &host_env,
    );
    expect(run, "environ: 3 entries\nA=1\nB==x=\nSHARED=from host\nSECRET=(unset)\nPATH=(unset)\n");
    let run = ember_with(&["run", "--inherit-env", C, "env", "SECRET"], "", &host_env);
    assert!(run.stdout.ends_with("SECRET=hunter2\n"), "{run:?}");
    for (status, code) in [("0", 0), ("3", 3), ("42", 42), ("255", 255), ("256", 0)] {
        let run = ember(&["run", C, "exit", status]);
        assert_eq!((run.code, run.stdout.as_str(), run.stderr.as_str()), (code, "", ""), "exit {status}");
    }
    // Returning from main is an exit too; a trap is not.
    assert_eq!(ember(&["run", C]).code, 2);
    let run = ember(&["run", C, "trap"]);
    assert_eq!((run.code, run.stderr.as_str()), (134, "error: trap: unreachable\n"));
}

#[test]
fn c_clock_random_stdin_poll() {
    expect(
        ember(&["run", C, "clock"]),
        "realtime after 2024: 1\ntime() agrees: 1\nmonotonic advanced by >= 20ms: 1\nmonotonic advanced by < 5s: 1\n\
         clock_getres: OK\nclock_time_get bad clock: 28\nclock_res_get realtime: 0\n",
    );
    expect(ember(&["run", C, "random"]), "getentropy: OK\ndiffer: 1\nnonzero: 1\n");
    expect(
        ember_with(&["run", C, "stdin"], "hello\nwasi world\nno newline", &[]),
        "> HELLO\n> WASI WORLD\n> NO NEWLINE27 bytes, 3 lines\n",
    );
    expect(ember_with(&["run", C, "poll"], "abc\n", &[]), "poll stdin: 1 readable: 1\nread: 4\npoll timeout only: 0\n");
}

#[test]
fn c_sandbox_escapes_fail_and_touch_nothing() {
    let (dir, sandbox, outside) = sandbox("c-escape");
    let before = snapshot(&dir);
    let run = ember_with(
        &["run", C, "--dir", &grant(&sandbox, "/sandbox"), "escape", "/sandbox", path(&outside)],
        "",
        &[("SECRET", "hunter2")],
    );
    expect(
        run,
        "dotdot read: ENOTCAPABLE\ndotdot write: ENOTCAPABLE\nnested dotdot: ENOTCAPABLE\n\
         absolute host path: ENOTCAPABLE\nabsolute /etc/passwd: ENOTCAPABLE\n\
         symlink absolute read: ENOTCAPABLE\nsymlink absolute write: ENOTCAPABLE\n\
         symlink relative read: ENOTCAPABLE\nsymlink relative write: ENOTCAPABLE\nsymlinked dir: ENOTCAPABLE\n\
         opendir symlinked dir: ENOTCAPABLE\nsymlink inside: OK\nunlink escaping link: OK\n\
         mkdir outside: ENOTCAPABLE\nungranted dir: ENOTCAPABLE\nSECRET=(unset)\n",
    );
    // The only change: the escaping link itself was removed (its target was not).
    let mut expected = before;
    expected.retain(|(name, _)| name != "sandbox/link_rel");
    assert_eq!(snapshot(&dir), expected);
}

#[test]
fn c_raw_calls_get_errno_values() {
    let (_dir, sandbox, _) = sandbox("c-raw");
    expect(
        ember(&["run", C, "--dir", &grant(&sandbox, "/sandbox"), "raw"]),
        "path_open inside: 0\npath_open absolute: 76\npath_open dotdot: 76\npath_open bad pointer: 21\n\
         path_open not UTF-8: 25\nfd_write bad buffer: 21\nfd_write bad iovec array: 21\nfd_write bad fd: 8\n\
         clock_time_get bad out: 21\nrandom_get bad buffer: 21\nsock_accept: 52\npath_symlink: 52\n\
         sock_shutdown: 52\n",
    );
}

#[test]
fn c_read_only_dir() {
    let dir = temp_dir("c-readonly");
    std::fs::write(dir.join("kept.txt"), "kept\n").expect("write");
    let before = snapshot(&dir);
    expect(
        ember(&["run", C, "--dir-ro", &grant(&dir, "/ro"), "readonly", "/ro"]),
        "read: OK\ncontent: kept\nwrite existing: EROFS\nappend existing: EROFS\ncreate: EROFS\nmkdir: EROFS\n\
         unlink: EROFS\n",
    );
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn rust_file_io_and_listing() {
    let dir = temp_dir("rust-files");
    expect(
        ember(&["run", RUST, "--dir", &grant(&dir, "/data"), "files", "/data"]),
        "line 0: alpha\nline 1: beta\nline 2: gamma\nat 6: beta\nposition: 10\nlen after set_len: 5 is_file: true\n\
         modified is recent: true\nmoved: deep\nremove non-empty: errno 55 (Uncategorized)\n\
         exists after remove_dir_all: false\nread missing: errno 44 (NotFound)\n\
         create_new existing: errno 20 (AlreadyExists)\n",
    );
    assert_eq!(snapshot(&dir), [("data.txt".to_string(), "alpha".to_string())]);
    std::fs::create_dir(dir.join("empty")).expect("mkdir");
    expect(ember(&["run", RUST, "--dir-ro", &grant(&dir, "/data"), "ls", "/data"]), "file data.txt 5\ndir empty 0\n");
}

#[test]
fn rust_args_env_clock_random_stdin_exit() {
    expect(ember(&["run", RUST, "args", "a", "b c", "--"]), "argc=5\narg 0: \"a\"\narg 1: \"b c\"\narg 2: \"--\"\n");
    expect(
        ember_with(&["run", RUST, "--env", "X=1", "--", "env", "X", "SECRET"], "", &[("SECRET", "s")]),
        "vars: 1\nX=Some(\"1\")\nSECRET=None\n",
    );
    expect(ember(&["run", RUST, "clock"]), "after 2024: true\nslept >= 30ms: true\nslept < 5s: true\n");
    expect(ember(&["run", RUST, "random"]), "random_get: (0, 0)\ndiffer: true\nhash map: 1\n");
    expect(ember_with(&["run", RUST, "stdin"], "one two\nthree\n", &[]), "owt eno\neerht\n2 lines, 3 words\n");
    let run = ember(&["run", RUST, "exit", "7"]);
    assert_eq!((run.code, run.stdout.as_str()), (7, ""));
    let run = ember(&["run", RUST, "panic"]);
    assert_eq!(run.code, 134);
    assert!(run.stderr.contains("panicked at") && run.stderr.contains("deliberate"), "{run:?}");
    assert!(run.stderr.ends_with("error: trap: unreachable\n"), "{run:?}");
}

#[test]
fn rust_sandbox_escapes_fail_and_touch_nothing() {
    let (dir, sandbox, _) = sandbox("rust-escape");
    let before = snapshot(&dir);
    let run = ember_with(&["run", RUST, "--dir", &grant(&sandbox, "/d"), "escape", "/d"], "", &[("SECRET", "s")]);
    expect(
        run,
        "dotdot: errno 76 (Uncategorized)\nabsolute: errno 44 (NotFound)\nsymlink out: errno 76 (Uncategorized)\n\
         write through symlink: errno 76 (Uncategorized)\nread_dir symlinked dir: errno 76 (Uncategorized)\n\
         create outside: errno 76 (Uncategorized)\nungranted: errno 44 (NotFound)\nSECRET: None\n",
    );
    assert_eq!(snapshot(&dir), before);
}

/// Every preview1 function with its parameter types: a module importing all of them links, and each one that
/// is not implemented answers `ENOSYS` (52).
const PREVIEW1: &[(&str, &str)] = &[
    ("args_get", "i32 i32"),
    ("args_sizes_get", "i32 i32"),
    ("environ_get", "i32 i32"),
    ("environ_sizes_get", "i32 i32"),
    ("clock_res_get", "i32 i32"),
    ("clock_time_get", "i32 i64 i32"),
    ("fd_advise", "i32 i64 i64 i32"),
    ("fd_allocate", "i32 i64 i64"),
    ("fd_close", "i32"),
    ("fd_datasync", "i32"),
    ("fd_fdstat_get", "i32 i32"),
    ("fd_fdstat_set_flags", "i32 i32"),
    ("fd_fdstat_set_rights", "i32 i64 i64"),
    ("fd_filestat_get", "i32 i32"),
    ("fd_filestat_set_size", "i32 i64"),
    ("fd_filestat_set_times", "i32 i64 i64 i32"),
    ("fd_pread", "i32 i32 i32 i64 i32"),
    ("fd_prestat_get", "i32 i32"),
    ("fd_prestat_dir_name", "i32 i32 i32"),
    ("fd_pwrite", "i32 i32 i32 i64 i32"),
    ("fd_read", "i32 i32 i32 i32"),
    ("fd_readdir", "i32 i32 i32 i64 i32"),
    ("fd_renumber", "i32 i32"),
    ("fd_seek", "i32 i64 i32 i32"),
    ("fd_sync", "i32"),
    ("fd_tell", "i32 i32"),
    ("fd_write", "i32 i32 i32 i32"),
    ("path_create_directory", "i32 i32 i32"),
    ("path_filestat_get", "i32 i32 i32 i32 i32"),
    ("path_filestat_set_times", "i32 i32 i32 i32 i64 i64 i32"),
    ("path_link", "i32 i32 i32 i32 i32 i32 i32"),
    ("path_open", "i32 i32 i32 i32 i32 i64 i64 i32 i32"),
    ("path_readlink", "i32 i32 i32 i32 i32 i32"),
    ("path_remove_directory", "i32 i32 i32"),
    ("path_rename", "i32 i32 i32 i32 i32 i32"),
    ("path_symlink", "i32 i32 i32 i32 i32"),
    ("path_unlink_file", "i32 i32 i32"),
    ("poll_oneoff", "i32 i32 i32 i32"),
    ("proc_raise", "i32"),
    ("sched_yield", ""),
    ("random_get", "i32 i32"),
    ("sock_accept", "i32 i32 i32"),
    ("sock_recv", "i32 i32 i32 i32 i32 i32"),
    ("sock_send", "i32 i32 i32 i32 i32"),
    ("sock_shutdown", "i32 i32"),
];

#[test]
fn every_preview1_function_links_and_the_rest_is_enosys() {
    use ember::{Config, Engine, Linker, Module, Store, Val};

    let mut wat = String::from("(module\n");
    for (name, params) in PREVIEW1 {
        wat +=
            &format!("  (import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} (param {params}) (result i32)))\n");
    }
    wat += "  (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $proc_exit (param i32)))\n";
    wat += "  (memory (export \"memory\") 1)\n";
    for (name, params) in PREVIEW1 {
        let zeros: String = params.split_whitespace().map(|t| format!("({t}.const 0) ")).collect();
        wat += &format!("  (func (export \"{name}\") (result i32) (call ${name} {zeros}))\n");
    }
    wat += "  (func (export \"exit\") (param i32) (call $proc_exit (local.get 0))))";
    let engine = Engine::new(&Config::default());
    let module = Module::new(&engine, &wat::parse_str(&wat).expect("WAT")).expect("valid");
    let ctx = ember_wasi::host::builder().build().expect("context");
    let mut store = Store::new(&engine, ctx);
    let mut linker = Linker::new(&engine);
    ember_wasi::add_to_linker(&mut linker, |ctx| ctx).expect("defined once");
    let instance = linker.instantiate(&mut store, &module).expect("every import links");

    assert_eq!(ember_wasi::IMPLEMENTED.len() + ember_wasi::NOT_IMPLEMENTED.len(), PREVIEW1.len() + 1);
    for name in ember_wasi::NOT_IMPLEMENTED {
        let f = instance.get_func(&store, name).expect("exported");
        assert_eq!(f.call_to_vec(&mut store, &[]).expect("no trap"), [Val::I32(52)], "{name}");
    }
    for (name, _) in PREVIEW1 {
        let listed = ember_wasi::IMPLEMENTED.contains(name) || ember_wasi::NOT_IMPLEMENTED.contains(name);
        assert!(listed, "{name} is in neither list");
    }
    let exit = instance.get_func(&store, "exit").expect("exported");
    let err = exit.call(&mut store, &[Val::I32(5)], &mut []).expect_err("proc_exit ends the run");
    assert_eq!(err.as_trap().and_then(|t| t.exit_status()), Some(5));
}

/// A clock for tests: every reading advances it by a microsecond, and sleeping advances it at once.
struct Ticks(u64);

impl ember_wasi::Clock for Ticks {
    fn monotonic_ns(&mut self) -> u64 {
        self.0 += 1_000;
        self.0
    }
    fn sleep_ns(&mut self, ns: u64) {
        self.0 = self.0.saturating_add(ns);
    }
}

/// Random numbers for tests: the same on every run.
struct XorShift(u64);

impl ember_wasi::Rng for XorShift {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), ember_wasi::Errno> {
        for b in buf {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            *b = self.0 as u8;
        }
        Ok(())
    }
}

/// The device backend runs the same C program on the host: its stdout and stderr go to a console, there are
/// no directories.
#[test]
fn device_backend_runs_a_c_program() {
    use std::cell::RefCell;
    use std::rc::Rc;

    use ember::{Config, Engine, Linker, Module, Store};
    use ember_wasi::{Console, Errno};

    struct Capture(Rc<RefCell<Vec<u8>>>);
    impl Console for Capture {
        fn write(&mut self, bytes: &[u8]) -> Result<usize, Errno> {
            self.0.borrow_mut().extend_from_slice(bytes);
            Ok(bytes.len())
        }
    }

    let engine = Engine::new(&Config::default());
    let module = Module::new(&engine, &std::fs::read(C).expect("fixture")).expect("valid");
    let run = |args: &[&str]| {
        let out = Rc::new(RefCell::new(Vec::new()));
        let ctx = ember_wasi::device::builder(Capture(out.clone()), Ticks(0), XorShift(0x9e37_79b9_7f4a_7c15))
            .args(args)
            .build()
            .expect("context");
        let mut store = Store::new(&engine, ctx);
        let mut linker = Linker::new(&engine);
        ember_wasi::add_to_linker(&mut linker, |ctx| ctx).expect("defined once");
        let instance = linker.instantiate(&mut store, &module).expect("links");
        let start = instance.get_func(&store, "_start").expect("a command");
        let status = match start.call(&mut store, &[], &mut []) {
            Ok(()) => 0,
            Err(e) => e.as_trap().and_then(|t| t.exit_status()).expect("an exit, not a trap"),
        };
        let text = String::from_utf8(out.borrow().clone()).expect("UTF-8");
        (status, text)
    };
    assert_eq!(run(&["wasi_c", "args", "on", "device"]), (0, "argc=3\nargv[1]=on\nargv[2]=device\n".into()));
    assert_eq!(run(&["wasi_c", "random"]), (0, "getentropy: OK\ndiffer: 1\nnonzero: 1\n".into()));
    assert_eq!(run(&["wasi_c", "ls", "/data"]), (1, "opendir: ENOTCAPABLE\n".into()));
    assert_eq!(run(&["wasi_c", "exit", "12"]), (12, String::new()));
    assert_eq!(run(&["wasi_c"]), (2, "usage: wasi_c COMMAND ARGS...\n".into()));
}

/// A third-party program: the Lua 5.4 interpreter (the sources of the `lua-src` crate, built by
/// `tests/wasi/build.sh` with clang and wasi-libc) runs a script from its granted directory.
#[test]
fn lua_runs_a_script_from_a_preopened_dir() {
    const LUA: &str = "tests/wasi/lua.wasm";
    let dir = temp_dir("lua");
    let scripts = dir.join("scripts");
    std::fs::create_dir(&scripts).expect("mkdir");
    for name in ["report.lua", "poem.txt", "error.lua"] {
        std::fs::copy(Path::new("tests/wasi/lua/scripts").join(name), scripts.join(name)).expect("copy");
    }
    let run = ember_with(
        &["run", LUA, "--dir", &grant(&scripts, "/s"), "--env", "GREETING=hi", "--", "/s/report.lua", "/s"],
        "",
        &[("HOME", "/root")],
    );
    expect(
        run,
        "7 lines, 32 distinct words\n 1. the    15\n 2. and    5\n 3. it     3\n 4. as     2\n 5. disk   2\n\
         vector\t(3.5, 3)\t4.6098\ncounter\t3\tinteger\t3\t3.5\t1024.0\t9223372036854775807\n\
         primes below 2000\t303\ngsub\t<hello> <wasi> <world>\nutf8\t11\tH\u{e9}l\npcall ok\ttrue\t5\n\
         env\thi\tnil\ntime is sane\ttrue\t1970\nreport lines\t32\n\
         escape\tnil\t/s/../escape.txt: Capabilities insufficient\n",
    );
    let report = std::fs::read_to_string(scripts.join("report.txt")).expect("the script wrote its report");
    assert!(report.starts_with("the\t15\nand\t5\nit\t3\n"), "{report}");
    assert_eq!(report.lines().count(), 32);
    assert!(!dir.join("escape.txt").exists());

    // An error ends the script as `lua` reports it (without setjmp on WASI, nothing can catch it).
    let run = ember(&["run", LUA, "--dir", &grant(&scripts, "/s"), "/s/error.lua"]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (1, "before the error\n", "lua: /s/error.lua:3: attempt to index a nil value (local 't')\n")
    );
}

/// Every function, called many times with arguments from a mix of edge values (null, small, out-of-bounds and
/// wrapping pointers, large lengths): each returns an errno or 0, never a trap or a panic.
#[test]
fn hostile_arguments_get_errno_values_not_traps() {
    use ember::{Config, Engine, Linker, Module, Store, Val};

    let mut wat = String::from("(module\n");
    for (name, params) in PREVIEW1 {
        wat +=
            &format!("  (import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} (param {params}) (result i32)))\n");
    }
    for (name, params) in PREVIEW1 {
        let gets: String = (0..params.split_whitespace().count()).map(|i| format!("(local.get {i}) ")).collect();
        wat += &format!("  (func (export \"{name}\") (param {params}) (result i32) (call ${name} {gets}))\n");
    }
    wat += "  (memory (export \"memory\") 1))";
    let engine = Engine::new(&Config::default());
    let module = Module::new(&engine, &wat::parse_str(&wat).expect("WAT")).expect("valid");
    let dir = temp_dir("hostile");
    let granted = dir.join("granted");
    std::fs::create_dir(&granted).expect("mkdir");
    std::fs::write(granted.join("file"), "contents").expect("write");
    std::fs::write(dir.join("outside"), "untouched").expect("write");
    let preopen = ember_wasi::host::open_dir(&granted).expect("open");
    // A clock that sleeps at once and repeatable random numbers: whatever `poll_oneoff` finds in memory, it
    // does not wait.
    let ctx = ember_wasi::WasiCtxBuilder::new(Ticks(0), XorShift(7))
        .arg("x")
        .env("K", "V")
        .preopened_dir(preopen, "/d", true)
        .build()
        .expect("ctx");
    let mut store = Store::new(&engine, ctx);
    let mut linker = Linker::new(&engine);
    ember_wasi::add_to_linker(&mut linker, |ctx| ctx).expect("defined once");
    let instance = linker.instantiate(&mut store, &module).expect("links");
    let memory = instance.get_memory(&store, "memory").expect("memory");
    // A path and plausible iovecs in memory, so that some calls get far.
    memory.write(&mut store, 0, b"file\0\0\0\0\x10\0\0\0\x08\0\0\0").expect("in bounds");

    const EDGES: [u64; 12] =
        [0, 1, 3, 4, 8, 16, 0xffff, 0x1_0000, 0xffff_fff0, 0xffff_ffff, 0x7fff_ffff_ffff_ffff, u64::MAX];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        EDGES[(seed % EDGES.len() as u64) as usize]
    };
    for _ in 0..300 {
        for (name, params) in PREVIEW1 {
            let args: Vec<Val> = params
                .split_whitespace()
                .map(|t| if t == "i32" { Val::I32(next() as i32) } else { Val::I64(next() as i64) })
                .collect();
            let f = instance.get_func(&store, name).expect("exported");
            match f.call_to_vec(&mut store, &args).as_deref() {
                Ok([Val::I32(errno)]) => assert!((0..=76).contains(errno), "{name}{args:?} -> {errno}"),
                other => panic!("{name}{args:?} -> {other:?}"),
            }
        }
    }
    let mut left: Vec<String> = std::fs::read_dir(&dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().into_string().expect("UTF-8"))
        .collect();
    left.sort();
    assert_eq!(left, ["granted", "outside"]);
    assert_eq!(std::fs::read_to_string(dir.join("outside")).expect("read"), "untouched");
}

/// The std backend on its own: symbolic links are read and followed only within the directory.
#[test]
fn host_backend_keeps_links_inside() {
    use ember_wasi::{Errno, FileType, OpenOptions, Opened};

    let (_dir, sandbox, _) = sandbox("host-links");
    let dir = ember_wasi::host::open_dir(&sandbox).expect("open");
    assert_eq!(dir.read_link("link_inside").as_deref(), Ok("inside.txt"));
    assert_eq!(dir.read_link("link_rel").as_deref(), Ok("../outside/secret.txt"));
    assert_eq!(dir.read_link("link_abs"), Err(Errno::Notcapable));
    assert_eq!(dir.path_filestat("link_abs", false).map(|s| s.filetype), Ok(FileType::SymbolicLink));
    assert_eq!(dir.path_filestat("link_abs", true).map(|s| s.filetype), Err(Errno::Notcapable));
    assert_eq!(dir.path_filestat("link_inside", true).map(|s| (s.filetype, s.size)), Ok((FileType::RegularFile, 7)));
    let read = OpenOptions { read: true, follow: true, ..OpenOptions::default() };
    assert!(matches!(dir.open("link_inside", &read), Ok(Opened::File(_))));
    assert!(matches!(dir.open("sub", &read), Ok(Opened::Dir(_))));
    assert!(matches!(dir.open("dirlink", &read), Err(Errno::Notcapable)));
    let nofollow = OpenOptions { follow: false, ..read };
    assert!(matches!(dir.open("link_inside", &nofollow), Err(Errno::Loop)));
    let create = OpenOptions { write: true, create: true, follow: true, ..OpenOptions::default() };
    assert!(matches!(dir.open("link_rel", &create), Err(Errno::Notcapable)));
    assert_eq!(dir.create_dir("sub"), Err(Errno::Exist));
    assert_eq!(dir.remove_dir("inside.txt"), Err(Errno::Notdir));
    assert_eq!(dir.unlink_file("sub"), Err(Errno::Isdir));
}
