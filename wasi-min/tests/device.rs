//! The device build without the `fs` feature: run with `cargo test -p ember-wasi --no-default-features`
//! (with `fs`, as in a workspace build, there is nothing to test here). The directory functions stay defined
//! and fail as on a context without directories; a module resolves its WASI imports without a `Linker`.
#![cfg(not(feature = "fs"))]

use ember_core::{Config, Engine, Instance, Module, Store, Val};
use ember_wasi::{Clock, Console, Errno, Rng, WasiCtx};

struct Sink;
impl Console for Sink {
    fn write(&mut self, bytes: &[u8]) -> Result<usize, Errno> {
        Ok(bytes.len())
    }
}
struct Ticks(u64);
impl Clock for Ticks {
    fn monotonic_ns(&mut self) -> u64 {
        self.0 += 1;
        self.0
    }
}
struct Zeros;
impl Rng for Zeros {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), Errno> {
        buf.fill(0);
        Ok(())
    }
}

const APP: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "prestat") (param i32) (result i32) (call $prestat (local.get 0) (i32.const 0)))
  (func (export "readdir") (param i32) (result i32)
    (call $readdir (local.get 0) (i32.const 0) (i32.const 64) (i64.const 0) (i32.const 64)))
  (func (export "open") (param i32) (result i32)
    (call $open (local.get 0) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0) (i64.const 0)
      (i64.const 0) (i32.const 0) (i32.const 8)))
  (func (export "send") (param i32) (result i32)
    (call $send (local.get 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 8))))"#;

#[test]
fn directory_functions_fail_as_without_directories() {
    let engine = Engine::with_executor(&Config::new(), &ember_interp::INTERPRETER);
    let module = Module::new(&engine, &wat::parse_str(APP).expect("wat")).expect("valid");
    let ctx = ember_wasi::device::builder(Sink, Ticks(0), Zeros).build().expect("builds");
    let mut store = Store::new(&engine, ctx);
    let mut imports: Vec<_> = module.imports().map(|_| None).collect();
    ember_wasi::resolve(&mut store, &module, |ctx: &mut WasiCtx| ctx, &mut imports).expect("resolves");
    let imports: Vec<_> = imports.into_iter().map(|slot| slot.expect("resolved")).collect();
    let instance = Instance::new(&mut store, &module, &imports).expect("instantiates");
    let mut call = |name: &str, fd: i32| {
        let mut out = [Val::I32(-1)];
        instance.get_func(&store, name).expect("export").call(&mut store, &[Val::I32(fd)], &mut out).expect("no trap");
        out[0].i32().and_then(|e| u16::try_from(e).ok())
    };
    let (badf, notdir, nosys) = (Some(Errno::Badf.raw()), Some(Errno::Notdir.raw()), Some(Errno::Nosys.raw()));
    // stdout (1) is open but not a directory; 9 is not open.
    assert_eq!(call("prestat", 1), badf);
    assert_eq!(call("prestat", 3), badf);
    assert_eq!(call("readdir", 1), badf);
    assert_eq!(call("open", 1), notdir);
    assert_eq!(call("open", 9), badf);
    assert_eq!(call("open", -1), badf);
    assert_eq!(call("send", 1), nosys);
}
