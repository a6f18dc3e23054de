//! A WASI test program in Rust (std on wasm32-wasip1), driven by `tests/wasi.rs`: `wasi_rust.wasm COMMAND ARGS...`.
//! Every command prints what it did; the test compares the output with what it expects.

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Seek, SeekFrom, Write};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use std::{env, fs, io, process};

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    /// WASI's `random_get` (std has no public API for it).
    fn random_get(buf: *mut u8, len: usize) -> u16;
}

/// `OK`, or the WASI errno number and the error's kind.
fn outcome<T>(r: io::Result<T>) -> String {
    match r {
        Ok(_) => "OK".to_string(),
        Err(e) => format!("errno {} ({:?})", e.raw_os_error().unwrap_or(-1), e.kind()),
    }
}

fn files(dir: &str) -> io::Result<()> {
    let path = format!("{dir}/data.txt");
    fs::write(&path, "alpha\nbeta\n")?;
    let mut f = fs::OpenOptions::new().append(true).open(&path)?;
    writeln!(f, "gamma")?;
    drop(f);
    let text = fs::read_to_string(&path)?;
    for (i, line) in text.lines().enumerate() {
        println!("line {i}: {line}");
    }
    let mut f = fs::OpenOptions::new().read(true).write(true).open(&path)?;
    f.seek(SeekFrom::Start(6))?;
    let mut word = [0u8; 4];
    f.read_exact(&mut word)?;
    println!("at 6: {}", String::from_utf8_lossy(&word));
    println!("position: {}", f.stream_position()?);
    f.set_len(5)?;
    let meta = f.metadata()?;
    println!("len after set_len: {} is_file: {}", meta.len(), meta.is_file());
    println!("modified is recent: {}", meta.modified()?.elapsed().unwrap_or_default() < Duration::from_secs(3600));
    fs::create_dir_all(format!("{dir}/a/b/c"))?;
    fs::write(format!("{dir}/a/b/c/deep.txt"), b"deep")?;
    fs::rename(format!("{dir}/a/b/c/deep.txt"), format!("{dir}/a/moved.txt"))?;
    println!("moved: {}", fs::read_to_string(format!("{dir}/a/moved.txt"))?);
    println!("remove non-empty: {}", outcome(fs::remove_dir(format!("{dir}/a"))));
    fs::remove_dir_all(format!("{dir}/a"))?;
    println!("exists after remove_dir_all: {}", fs::metadata(format!("{dir}/a")).is_ok());
    println!("read missing: {}", outcome(fs::read(format!("{dir}/missing"))));
    println!("create_new existing: {}", outcome(fs::File::create_new(&path)));
    Ok(())
}

fn list(dir: &str) -> io::Result<()> {
    let mut names = BTreeMap::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let ft = entry.file_type()?;
        let kind = if ft.is_dir() { "dir" } else if ft.is_symlink() { "link" } else { "file" };
        let size = if ft.is_file() { entry.metadata()?.len() } else { 0 };
        names.insert(entry.file_name().to_string_lossy().into_owned(), (kind, size));
    }
    for (name, (kind, size)) in names {
        println!("{kind} {name} {size}");
    }
    Ok(())
}

fn escape(dir: &str) {
    println!("dotdot: {}", outcome(fs::read(format!("{dir}/../secret.txt"))));
    println!("absolute: {}", outcome(fs::read("/etc/passwd")));
    println!("symlink out: {}", outcome(fs::read(format!("{dir}/link_rel"))));
    println!("write through symlink: {}", outcome(fs::write(format!("{dir}/link_abs"), b"pwned")));
    println!("read_dir symlinked dir: {}", outcome(fs::read_dir(format!("{dir}/dirlink"))));
    println!("create outside: {}", outcome(fs::write(format!("{dir}/../planted.txt"), b"x")));
    println!("ungranted: {}", outcome(fs::read_dir("/ungranted")));
    println!("SECRET: {:?}", env::var("SECRET").ok());
}

fn main() {
    let args: Vec<String> = env::args().collect();
    let cmd = args.get(1).map(String::as_str).unwrap_or("");
    match (cmd, &args[2.min(args.len())..]) {
        ("files", [dir]) => files(dir).expect("file operations"),
        ("ls", [dir]) => list(dir).expect("listing"),
        ("args", rest) => {
            println!("argc={}", args.len());
            for (i, a) in rest.iter().enumerate() {
                println!("arg {i}: {a:?}");
            }
        }
        ("env", names) => {
            println!("vars: {}", env::vars().count());
            for name in names {
                println!("{name}={:?}", env::var(name).ok());
            }
        }
        ("clock", []) => {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970");
            println!("after 2024: {}", now.as_secs() > 1_704_067_200);
            let start = Instant::now();
            std::thread::sleep(Duration::from_millis(30));
            let slept = start.elapsed();
            println!("slept >= 30ms: {}", slept >= Duration::from_millis(30));
            println!("slept < 5s: {}", slept < Duration::from_secs(5));
        }
        ("random", []) => {
            let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
            // SAFETY: each buffer is valid for writes of its length.
            let r = unsafe { (random_get(a.as_mut_ptr(), a.len()), random_get(b.as_mut_ptr(), b.len())) };
            println!("random_get: {r:?}");
            println!("differ: {}", a != b);
            let mut map = std::collections::HashMap::new();
            map.insert("seeded", 1);
            println!("hash map: {}", map["seeded"]);
        }
        ("stdin", []) => {
            let mut words = 0;
            let mut lines = 0;
            for line in io::stdin().lock().lines() {
                let line = line.expect("stdin");
                lines += 1;
                words += line.split_whitespace().count();
                println!("{}", line.chars().rev().collect::<String>());
            }
            println!("{lines} lines, {words} words");
        }
        ("escape", [dir]) => escape(dir),
        ("exit", [code]) => process::exit(code.parse().expect("exit code")),
        ("panic", []) => panic!("deliberate"),
        _ => {
            eprintln!("usage: wasi_rust COMMAND ARGS... (got {args:?})");
            process::exit(2);
        }
    }
}
