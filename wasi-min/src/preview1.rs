//! The `wasi_snapshot_preview1` functions, over a [`WasiCtx`].

use alloc::vec::Vec;

use ember_core::{
    Caller, Error, Extern, ExternType, FuncType, HostFunc, IntoFunc, Linker, Module, Store, Trap, Val, ValType,
};

use crate::backend::{FileType, Filestat, OpenOptions, Opened, SeekFrom};
use crate::ctx::{Descriptor, DirDesc, FileDesc, WasiCtx};
use crate::mem::Mem;
use crate::Errno;

/// The import module name.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// What a host function works on: the caller's memory and the WASI context, borrowed together.
pub(crate) struct Env<'a> {
    pub mem: Mem<'a>,
    pub ctx: &'a mut WasiCtx,
}

type Res = Result<(), Errno>;

mod rights {
    pub const FD_DATASYNC: u64 = 1 << 0;
    pub const FD_READ: u64 = 1 << 1;
    pub const FD_SEEK: u64 = 1 << 2;
    pub const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
    pub const FD_SYNC: u64 = 1 << 4;
    pub const FD_TELL: u64 = 1 << 5;
    pub const FD_WRITE: u64 = 1 << 6;
    pub const FD_ADVISE: u64 = 1 << 7;
    pub const FD_ALLOCATE: u64 = 1 << 8;
    pub const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
    pub const PATH_CREATE_FILE: u64 = 1 << 10;
    pub const PATH_OPEN: u64 = 1 << 13;
    pub const FD_READDIR: u64 = 1 << 14;
    pub const PATH_READLINK: u64 = 1 << 15;
    pub const PATH_RENAME_SOURCE: u64 = 1 << 16;
    pub const PATH_RENAME_TARGET: u64 = 1 << 17;
    pub const PATH_FILESTAT_GET: u64 = 1 << 18;
    pub const FD_FILESTAT_GET: u64 = 1 << 21;
    pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    pub const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
    pub const PATH_UNLINK_FILE: u64 = 1 << 26;
    pub const POLL_FD_READWRITE: u64 = 1 << 27;

    /// Rights of a file descriptor opened for reading.
    pub const FILE_READ: u64 = FD_READ | FD_SEEK | FD_TELL | FD_FILESTAT_GET | FD_ADVISE | POLL_FD_READWRITE;
    /// Rights added when it is open for writing.
    pub const FILE_WRITE: u64 =
        FD_WRITE | FD_DATASYNC | FD_SYNC | FD_FDSTAT_SET_FLAGS | FD_ALLOCATE | FD_FILESTAT_SET_SIZE;
    /// Rights of a directory descriptor beneath a read-only grant.
    pub const DIR_READ: u64 = PATH_OPEN | FD_READDIR | PATH_READLINK | PATH_FILESTAT_GET | FD_FILESTAT_GET;
    /// Rights added beneath a writable grant.
    pub const DIR_WRITE: u64 = PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE
        | PATH_RENAME_SOURCE
        | PATH_RENAME_TARGET
        | PATH_REMOVE_DIRECTORY
        | PATH_UNLINK_FILE
        | FD_SYNC
        | FD_DATASYNC;
}

const FDFLAGS_APPEND: u32 = 1;
const OFLAGS_CREAT: u32 = 1;
const OFLAGS_DIRECTORY: u32 = 2;
const OFLAGS_EXCL: u32 = 4;
const OFLAGS_TRUNC: u32 = 8;
const LOOKUP_SYMLINK_FOLLOW: u32 = 1;

/// Every `wasi_snapshot_preview1` function this crate implements.
pub const IMPLEMENTED: &[&str] = &[
    "args_get",
    "args_sizes_get",
    "environ_get",
    "environ_sizes_get",
    "clock_res_get",
    "clock_time_get",
    "random_get",
    "proc_exit",
    "sched_yield",
    "fd_advise",
    "fd_close",
    "fd_datasync",
    "fd_fdstat_get",
    "fd_fdstat_set_flags",
    "fd_filestat_get",
    "fd_filestat_set_size",
    "fd_pread",
    "fd_prestat_dir_name",
    "fd_prestat_get",
    "fd_pwrite",
    "fd_read",
    "fd_readdir",
    "fd_renumber",
    "fd_seek",
    "fd_sync",
    "fd_tell",
    "fd_write",
    "path_create_directory",
    "path_filestat_get",
    "path_open",
    "path_readlink",
    "path_remove_directory",
    "path_rename",
    "path_unlink_file",
    "poll_oneoff",
];

/// Every other `wasi_snapshot_preview1` function: defined, so modules importing them link, and returning
/// `ENOSYS`.
pub const NOT_IMPLEMENTED: &[&str] = &[
    "fd_allocate",
    "fd_fdstat_set_rights",
    "fd_filestat_set_times",
    "path_filestat_set_times",
    "path_link",
    "path_symlink",
    "proc_raise",
    "sock_accept",
    "sock_recv",
    "sock_send",
    "sock_shutdown",
];

/// Runs `f` on the caller's memory and WASI context; returns its errno (0 for success).
fn with_env<T: 'static>(
    caller: &mut Caller<'_, T>,
    get: fn(&mut T) -> &mut WasiCtx,
    f: impl FnOnce(&mut Env<'_>) -> Res,
) -> i32 {
    errno(f(&mut env(caller, get)))
}

/// The caller's memory (empty if it exports none) and WASI context. Not inlined: it is the same for all 46
/// functions, and one copy saves flash on a device.
#[inline(never)]
fn env<'a, T: 'static>(caller: &'a mut Caller<'_, T>, get: fn(&mut T) -> &mut WasiCtx) -> Env<'a> {
    let memory = match caller.get_export("memory") {
        Some(Extern::Memory(m)) => Some(m),
        _ => None,
    };
    let (bytes, data) = match memory {
        Some(m) => m.data_and_store_mut(caller),
        None => (&mut [][..], caller.data_mut()),
    };
    Env { mem: Mem(bytes), ctx: get(data) }
}

/// A function's result as WASI's errno: 0 for success.
#[inline(never)]
fn errno(r: Res) -> i32 {
    match r {
        Ok(()) => 0,
        Err(e) => i32::from(e.raw()),
    }
}

/// Defines every `wasi_snapshot_preview1` function in `linker`; `get` finds the [`WasiCtx`] in the store's
/// data. Functions this crate does not implement are defined too, returning `ENOSYS`.
pub fn add_to_linker<T: 'static>(linker: &mut Linker<T>, get: fn(&mut T) -> &mut WasiCtx) -> Result<(), Error> {
    define_all(linker, get)
}

/// Fills the slots of `imports` (one per import of `module`, in order) that name `wasi_snapshot_preview1`
/// functions with host functions of `store`, leaving the others as they are; `get` finds the [`WasiCtx`] in
/// the store's data. The way without a [`Linker`] (smaller on a device): resolve the other import modules
/// the same way, then pass the functions to [`Instance::new`](ember_core::Instance::new). A misspelt WASI
/// import stays unresolved; a wrong signature is refused by `Instance::new`.
pub fn resolve<T: 'static>(
    store: &mut Store<T>,
    module: &Module,
    get: fn(&mut T) -> &mut WasiCtx,
    imports: &mut [Option<Extern>],
) -> Result<(), Error> {
    define_all(&mut Resolver { store, module, imports }, get)
}

/// Where the host functions go: a [`Linker`], or the import slots of one module.
trait Define<T> {
    fn define<P, R>(&mut self, name: &str, f: impl IntoFunc<T, P, R>) -> Result<(), Error>;
    fn define_dyn(&mut self, name: &str, ty: FuncType, f: impl DynFunc<T>) -> Result<(), Error>;
}

/// A host function with a dynamic signature.
trait DynFunc<T>: Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + 'static {}
impl<T, F: Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + 'static> DynFunc<T> for F {}

impl<T: 'static> Define<T> for Linker<T> {
    fn define<P, R>(&mut self, name: &str, f: impl IntoFunc<T, P, R>) -> Result<(), Error> {
        self.func_wrap(MODULE, name, f).map(|_| ())
    }
    fn define_dyn(&mut self, name: &str, ty: FuncType, f: impl DynFunc<T>) -> Result<(), Error> {
        self.func_new(MODULE, name, ty, f).map(|_| ())
    }
}

/// Resolves a module's WASI imports into host functions of one store.
struct Resolver<'a, T: 'static> {
    store: &'a mut Store<T>,
    module: &'a Module,
    imports: &'a mut [Option<Extern>],
}

impl<T: 'static> Resolver<'_, T> {
    /// Places the function made by `make` in the slots of the imports named `name`, if there are any. Only
    /// `make` differs between functions: the search is shared code.
    fn fill(&mut self, name: &str, make: impl FnOnce() -> HostFunc) {
        if self.wanted(name) {
            self.place(name, make());
        }
    }

    /// Whether the module imports a function `name` from WASI. (The import's type is checked at
    /// instantiation.)
    #[inline(never)]
    fn wanted(&self, name: &str) -> bool {
        self.module.imports().any(|i| i.module == MODULE && i.name == name && matches!(i.ty, ExternType::Func(_)))
    }

    /// Puts `host` in the store once and in every slot of an import named `name`.
    #[inline(never)]
    fn place(&mut self, name: &str, host: HostFunc) {
        let func = Extern::Func(self.store.inner_mut().push_host_func(host));
        for (import, slot) in self.module.imports().zip(self.imports.iter_mut()) {
            if import.module == MODULE && import.name == name && matches!(import.ty, ExternType::Func(_)) {
                *slot = Some(func);
            }
        }
    }
}

impl<T: 'static> Define<T> for Resolver<'_, T> {
    fn define<P, R>(&mut self, name: &str, f: impl IntoFunc<T, P, R>) -> Result<(), Error> {
        self.fill(name, || f.into_host_func());
        Ok(())
    }
    fn define_dyn(&mut self, name: &str, ty: FuncType, f: impl DynFunc<T>) -> Result<(), Error> {
        self.fill(name, || HostFunc::new::<T>(ty, f));
        Ok(())
    }
}

/// A function that only returns an errno: `errno`, or with `fd_first` `EBADF` when its first argument is not
/// an open descriptor. One closure type for all of them, so they share their code.
fn fixed<T: 'static>(get: fn(&mut T) -> &mut WasiCtx, errno: Errno, fd_first: bool) -> impl DynFunc<T> {
    move |mut caller: Caller<'_, T>, params: &[Val], results: &mut [Val]| {
        let open = match params.first() {
            Some(Val::I32(fd)) if fd_first => get(caller.data_mut()).get(*fd as u32).is_ok(),
            _ => !fd_first,
        };
        let e = if open { errno } else { Errno::Badf };
        if let Some(r) = results.first_mut() {
            *r = Val::I32(i32::from(e.raw()));
        }
        Ok(())
    }
}

/// Defines every `wasi_snapshot_preview1` function in `d`.
fn define_all<T: 'static>(d: &mut impl Define<T>, get: fn(&mut T) -> &mut WasiCtx) -> Result<(), Error> {
    macro_rules! link {
        ($($name:ident($($arg:ident: $ty:ty),*);)*) => {$(
            d.define(stringify!($name), move |mut caller: Caller<'_, T>, $($arg: $ty),*| -> i32 {
                with_env(&mut caller, get, |env| $name(env, $($arg),*))
            })?;
        )*};
    }
    macro_rules! fixed {
        ($errno:ident, $fd_first:expr; $($name:ident($($ty:ident),*);)*) => {$(
            let ty = FuncType::new([$(ValType::$ty),*], [ValType::I32]);
            d.define_dyn(stringify!($name), ty, fixed(get, Errno::$errno, $fd_first))?;
        )*};
    }
    link! {
        args_get(argv: u32, buf: u32);
        args_sizes_get(argc: u32, size: u32);
        environ_get(environ: u32, buf: u32);
        environ_sizes_get(count: u32, size: u32);
        clock_res_get(id: u32, out: u32);
        clock_time_get(id: u32, precision: u64, out: u32);
        random_get(buf: u32, len: u32);
        sched_yield();
        fd_advise(fd: u32, offset: u64, len: u64, advice: u32);
        fd_close(fd: u32);
        fd_datasync(fd: u32);
        fd_fdstat_get(fd: u32, out: u32);
        fd_fdstat_set_flags(fd: u32, flags: u32);
        fd_filestat_get(fd: u32, out: u32);
        fd_filestat_set_size(fd: u32, size: u64);
        fd_pread(fd: u32, iovs: u32, count: u32, offset: u64, out: u32);
        fd_pwrite(fd: u32, iovs: u32, count: u32, offset: u64, out: u32);
        fd_read(fd: u32, iovs: u32, count: u32, out: u32);
        fd_renumber(from: u32, to: u32);
        fd_seek(fd: u32, offset: i64, whence: u32, out: u32);
        fd_sync(fd: u32);
        fd_tell(fd: u32, out: u32);
        fd_write(fd: u32, iovs: u32, count: u32, out: u32);
        poll_oneoff(subs: u32, events: u32, count: u32, out: u32);
    }
    #[cfg(feature = "fs")]
    link! {
        fd_prestat_dir_name(fd: u32, buf: u32, len: u32);
        fd_prestat_get(fd: u32, out: u32);
        fd_readdir(fd: u32, buf: u32, len: u32, cookie: u64, out: u32);
        path_create_directory(fd: u32, path: u32, len: u32);
        path_filestat_get(fd: u32, flags: u32, path: u32, len: u32, out: u32);
        path_open(fd: u32, dirflags: u32, path: u32, len: u32, oflags: u32, base: u64, inheriting: u64,
                  fdflags: u32, out: u32);
        path_readlink(fd: u32, path: u32, len: u32, buf: u32, buf_len: u32, out: u32);
        path_remove_directory(fd: u32, path: u32, len: u32);
        path_rename(fd: u32, old: u32, old_len: u32, new_fd: u32, new: u32, new_len: u32);
        path_unlink_file(fd: u32, path: u32, len: u32);
    }
    // Without directories (no `fs` feature), the directory functions fail as they would on a context that
    // has none: `EBADF` for the preopen and listing functions, `ENOTDIR` for a path relative to an open file.
    #[cfg(not(feature = "fs"))]
    {
        fixed! { Badf, true;
            fd_prestat_dir_name(I32, I32, I32);
            fd_prestat_get(I32, I32);
            fd_readdir(I32, I32, I32, I64, I32);
        }
        fixed! { Notdir, true;
            path_create_directory(I32, I32, I32);
            path_filestat_get(I32, I32, I32, I32, I32);
            path_open(I32, I32, I32, I32, I32, I64, I64, I32, I32);
            path_readlink(I32, I32, I32, I32, I32, I32);
            path_remove_directory(I32, I32, I32);
            path_rename(I32, I32, I32, I32, I32, I32);
            path_unlink_file(I32, I32, I32);
        }
    }
    fixed! { Nosys, false;
        fd_allocate(I32, I64, I64);
        fd_fdstat_set_rights(I32, I64, I64);
        fd_filestat_set_times(I32, I64, I64, I32);
        path_filestat_set_times(I32, I32, I32, I32, I64, I64, I32);
        path_link(I32, I32, I32, I32, I32, I32, I32);
        path_symlink(I32, I32, I32, I32, I32);
        proc_raise(I32);
        sock_accept(I32, I32, I32);
        sock_recv(I32, I32, I32, I32, I32, I32);
        sock_send(I32, I32, I32, I32, I32);
        sock_shutdown(I32, I32);
    }
    // `proc_exit` ends the run: the trap carries the status to whoever called into the program.
    d.define("proc_exit", |_: Caller<'_, T>, code: u32| -> Result<(), Trap> { Err(Trap::exit(code as i32)) })?;
    Ok(())
}

// --- arguments and environment ---

fn write_strings(env: &mut Env<'_>, strings: &[Vec<u8>], ptrs: u32, buf: u32) -> Res {
    let total: u64 = strings.iter().map(|s| s.len() as u64 + 1).sum();
    env.mem.check(ptrs, 4 * strings.len() as u64)?;
    env.mem.check(buf, total)?;
    let mut at = buf;
    for (i, s) in strings.iter().enumerate() {
        env.mem.write_u32(ptrs + 4 * i as u32, at)?;
        env.mem.write(at, s)?;
        env.mem.write(at + s.len() as u32, &[0])?;
        at += s.len() as u32 + 1;
    }
    Ok(())
}

fn write_sizes(env: &mut Env<'_>, strings: &[Vec<u8>], count: u32, size: u32) -> Res {
    let total: usize = strings.iter().map(|s| s.len() + 1).sum();
    env.mem.check(count, 4)?;
    env.mem.check(size, 4)?;
    env.mem.write_u32(count, u32::try_from(strings.len()).map_err(|_| Errno::Overflow)?)?;
    env.mem.write_u32(size, u32::try_from(total).map_err(|_| Errno::Overflow)?)
}

fn args_get(env: &mut Env<'_>, argv: u32, buf: u32) -> Res {
    let args = core::mem::take(&mut env.ctx.args);
    let r = write_strings(env, &args, argv, buf);
    env.ctx.args = args;
    r
}

fn args_sizes_get(env: &mut Env<'_>, argc: u32, size: u32) -> Res {
    let args = core::mem::take(&mut env.ctx.args);
    let r = write_sizes(env, &args, argc, size);
    env.ctx.args = args;
    r
}

fn environ_get(env: &mut Env<'_>, environ: u32, buf: u32) -> Res {
    let vars = core::mem::take(&mut env.ctx.env);
    let r = write_strings(env, &vars, environ, buf);
    env.ctx.env = vars;
    r
}

fn environ_sizes_get(env: &mut Env<'_>, count: u32, size: u32) -> Res {
    let vars = core::mem::take(&mut env.ctx.env);
    let r = write_sizes(env, &vars, count, size);
    env.ctx.env = vars;
    r
}

// --- clocks, random numbers, scheduling ---

const CLOCK_REALTIME: u32 = 0;
const CLOCK_MONOTONIC: u32 = 1;
const CLOCK_PROCESS_CPUTIME: u32 = 2;
const CLOCK_THREAD_CPUTIME: u32 = 3;

fn now(ctx: &mut WasiCtx, id: u32) -> Result<u64, Errno> {
    match id {
        CLOCK_REALTIME => ctx.clock.realtime_ns().ok_or(Errno::Notsup),
        CLOCK_MONOTONIC => Ok(ctx.clock.monotonic_ns()),
        // No CPU accounting in the backends: time since the context was built stands in for it.
        CLOCK_PROCESS_CPUTIME | CLOCK_THREAD_CPUTIME => Ok(ctx.clock.monotonic_ns().saturating_sub(ctx.start_ns)),
        _ => Err(Errno::Inval),
    }
}

fn clock_res_get(env: &mut Env<'_>, id: u32, out: u32) -> Res {
    if id > CLOCK_THREAD_CPUTIME {
        return Err(Errno::Inval);
    }
    let res = env.ctx.clock.resolution_ns().max(1);
    env.mem.write_u64(out, res)
}

fn clock_time_get(env: &mut Env<'_>, id: u32, _precision: u64, out: u32) -> Res {
    env.mem.check(out, 8)?;
    let t = now(env.ctx, id)?;
    env.mem.write_u64(out, t)
}

fn random_get(env: &mut Env<'_>, buf: u32, len: u32) -> Res {
    let buf = env.mem.slice_mut(buf, len)?;
    env.ctx.rng.fill(buf)
}

fn sched_yield(_env: &mut Env<'_>) -> Res {
    Ok(())
}

// --- descriptors ---

fn fd_close(env: &mut Env<'_>, fd: u32) -> Res {
    env.ctx.get(fd)?;
    env.ctx.fds[fd as usize] = None;
    Ok(())
}

fn fd_advise(env: &mut Env<'_>, fd: u32, _offset: u64, _len: u64, advice: u32) -> Res {
    env.ctx.file(fd)?;
    // Advice is a hint; the backends have nothing to do with it.
    if advice > 5 {
        return Err(Errno::Inval);
    }
    Ok(())
}

fn fd_sync(env: &mut Env<'_>, fd: u32) -> Res {
    match env.ctx.get(fd)? {
        Descriptor::File(f) => f.file.sync(),
        Descriptor::Dir(d) => d.dir.sync(),
    }
}

fn fd_datasync(env: &mut Env<'_>, fd: u32) -> Res {
    match env.ctx.get(fd)? {
        Descriptor::File(f) => f.file.datasync(),
        Descriptor::Dir(d) => d.dir.sync(),
    }
}

fn file_rights(f: &FileDesc) -> u64 {
    let mut r = rights::FD_FILESTAT_GET | rights::POLL_FD_READWRITE | rights::FD_ADVISE;
    if f.read {
        r |= rights::FILE_READ;
    }
    if f.write {
        r |= rights::FILE_WRITE;
    }
    if f.file.filetype() != FileType::RegularFile {
        r &= !(rights::FD_SEEK | rights::FD_TELL);
    }
    r
}

fn dir_rights(d: &DirDesc) -> (u64, u64) {
    if d.writable {
        (
            rights::DIR_READ | rights::DIR_WRITE,
            rights::DIR_READ | rights::DIR_WRITE | rights::FILE_READ | rights::FILE_WRITE,
        )
    } else {
        (rights::DIR_READ, rights::DIR_READ | rights::FILE_READ)
    }
}

fn fd_fdstat_get(env: &mut Env<'_>, fd: u32, out: u32) -> Res {
    env.mem.check(out, 24)?;
    let (filetype, flags, base, inheriting) = match env.ctx.get(fd)? {
        Descriptor::File(f) => {
            let filetype = if f.file.is_tty() { FileType::CharacterDevice } else { f.file.filetype() };
            let flags = if f.file.append() { FDFLAGS_APPEND as u16 } else { 0 };
            (filetype, flags, file_rights(f), 0)
        }
        Descriptor::Dir(d) => {
            let (base, inheriting) = dir_rights(d);
            (FileType::Directory, 0, base, inheriting)
        }
    };
    let mut stat = [0u8; 24];
    stat[0] = filetype as u8;
    stat[2..4].copy_from_slice(&flags.to_le_bytes());
    stat[8..16].copy_from_slice(&base.to_le_bytes());
    stat[16..24].copy_from_slice(&inheriting.to_le_bytes());
    env.mem.write(out, &stat)
}

fn fd_fdstat_set_flags(env: &mut Env<'_>, fd: u32, flags: u32) -> Res {
    let f = env.ctx.file(fd).map_err(|e| if e == Errno::Isdir { Errno::Badf } else { e })?;
    if flags & !FDFLAGS_APPEND != 0 {
        // Non-blocking and synchronous modes are not offered.
        return Err(Errno::Notsup);
    }
    let append = flags & FDFLAGS_APPEND != 0;
    if append == f.file.append() {
        return Ok(());
    }
    f.file.set_append(append)
}

fn write_filestat(mem: &mut Mem<'_>, out: u32, s: &Filestat) -> Res {
    let mut b = [0u8; 64];
    b[0..8].copy_from_slice(&s.dev.to_le_bytes());
    b[8..16].copy_from_slice(&s.ino.to_le_bytes());
    b[16] = s.filetype as u8;
    b[24..32].copy_from_slice(&s.nlink.to_le_bytes());
    b[32..40].copy_from_slice(&s.size.to_le_bytes());
    b[40..48].copy_from_slice(&s.atim.to_le_bytes());
    b[48..56].copy_from_slice(&s.mtim.to_le_bytes());
    b[56..64].copy_from_slice(&s.ctim.to_le_bytes());
    mem.write(out, &b)
}

fn fd_filestat_get(env: &mut Env<'_>, fd: u32, out: u32) -> Res {
    env.mem.check(out, 64)?;
    let stat = match env.ctx.get(fd)? {
        Descriptor::File(f) => {
            let mut s = f.file.filestat()?;
            if f.file.is_tty() {
                s.filetype = FileType::CharacterDevice;
            }
            s
        }
        Descriptor::Dir(d) => d.dir.filestat()?,
    };
    write_filestat(&mut env.mem, out, &stat)
}

fn fd_filestat_set_size(env: &mut Env<'_>, fd: u32, size: u64) -> Res {
    let f = env.ctx.file(fd).map_err(|e| if e == Errno::Isdir { Errno::Badf } else { e })?;
    if !f.write {
        return Err(Errno::Badf);
    }
    f.file.set_size(size)
}

fn fd_prestat_get(env: &mut Env<'_>, fd: u32, out: u32) -> Res {
    let len = match env.ctx.get(fd)? {
        Descriptor::Dir(DirDesc { preopen: Some(name), .. }) => name.len(),
        _ => return Err(Errno::Badf),
    };
    let mut b = [0u8; 8];
    b[4..8].copy_from_slice(&(len as u32).to_le_bytes());
    env.mem.write(out, &b)
}

fn fd_prestat_dir_name(env: &mut Env<'_>, fd: u32, buf: u32, len: u32) -> Res {
    let name = match env.ctx.get(fd)? {
        Descriptor::Dir(DirDesc { preopen: Some(name), .. }) => name,
        _ => return Err(Errno::Badf),
    };
    if (len as usize) < name.len() {
        return Err(Errno::Nametoolong);
    }
    env.mem.write(buf, name.as_bytes())
}

fn readable(env: &mut Env<'_>, fd: u32) -> Result<(), Errno> {
    let f = env.ctx.file(fd)?;
    if f.read {
        Ok(())
    } else {
        Err(Errno::Badf)
    }
}

fn writable(env: &mut Env<'_>, fd: u32) -> Result<(), Errno> {
    let f = env.ctx.file(fd).map_err(|e| if e == Errno::Isdir { Errno::Badf } else { e })?;
    if f.write {
        Ok(())
    } else {
        Err(Errno::Badf)
    }
}

/// Reads into the iovecs: `offset` for `fd_pread`, the position for `fd_read`. Stops at a short read.
fn read_iovecs(env: &mut Env<'_>, fd: u32, iovs: u32, count: u32, mut offset: Option<u64>, out: u32) -> Res {
    readable(env, fd)?;
    env.mem.check_iovecs(iovs, count)?;
    env.mem.check(out, 4)?;
    let file = &mut env.ctx.file(fd)?.file;
    let mut total: usize = 0;
    for i in 0..count {
        let (ptr, len) = env.mem.iovec(iovs, i)?;
        let buf = env.mem.slice_mut(ptr, len)?;
        let r = match offset {
            Some(at) => file.pread(buf, at),
            None => file.read(buf),
        };
        let n = match r {
            Ok(n) => n.min(len as usize),
            Err(e) if total == 0 => return Err(e),
            Err(_) => break,
        };
        total += n;
        offset = offset.map(|at| at.saturating_add(n as u64));
        if n < len as usize {
            break;
        }
    }
    env.mem.write_u32(out, u32::try_from(total).unwrap_or(u32::MAX))
}

/// Writes the iovecs: `offset` for `fd_pwrite`, the position for `fd_write`. Stops at a short write.
fn write_iovecs(env: &mut Env<'_>, fd: u32, iovs: u32, count: u32, mut offset: Option<u64>, out: u32) -> Res {
    writable(env, fd)?;
    env.mem.check_iovecs(iovs, count)?;
    env.mem.check(out, 4)?;
    let file = &mut env.ctx.file(fd)?.file;
    let mut total: usize = 0;
    for i in 0..count {
        let (ptr, len) = env.mem.iovec(iovs, i)?;
        let buf = env.mem.slice(ptr, len)?;
        let r = match offset {
            Some(at) => file.pwrite(buf, at),
            None => file.write(buf),
        };
        let n = match r {
            Ok(n) => n.min(len as usize),
            Err(e) if total == 0 => return Err(e),
            Err(_) => break,
        };
        total += n;
        offset = offset.map(|at| at.saturating_add(n as u64));
        if n < len as usize {
            break;
        }
    }
    env.mem.write_u32(out, u32::try_from(total).unwrap_or(u32::MAX))
}

fn fd_read(env: &mut Env<'_>, fd: u32, iovs: u32, count: u32, out: u32) -> Res {
    read_iovecs(env, fd, iovs, count, None, out)
}

fn fd_pread(env: &mut Env<'_>, fd: u32, iovs: u32, count: u32, offset: u64, out: u32) -> Res {
    read_iovecs(env, fd, iovs, count, Some(offset), out)
}

fn fd_write(env: &mut Env<'_>, fd: u32, iovs: u32, count: u32, out: u32) -> Res {
    write_iovecs(env, fd, iovs, count, None, out)
}

fn fd_pwrite(env: &mut Env<'_>, fd: u32, iovs: u32, count: u32, offset: u64, out: u32) -> Res {
    write_iovecs(env, fd, iovs, count, Some(offset), out)
}

fn fd_seek(env: &mut Env<'_>, fd: u32, offset: i64, whence: u32, out: u32) -> Res {
    env.mem.check(out, 8)?;
    let pos = match whence {
        0 => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::Inval)?),
        1 => SeekFrom::Current(offset),
        2 => SeekFrom::End(offset),
        _ => return Err(Errno::Inval),
    };
    let f = env.ctx.file(fd).map_err(|e| if e == Errno::Isdir { Errno::Badf } else { e })?;
    let at = f.file.seek(pos)?;
    env.mem.write_u64(out, at)
}

fn fd_tell(env: &mut Env<'_>, fd: u32, out: u32) -> Res {
    env.mem.check(out, 8)?;
    let f = env.ctx.file(fd).map_err(|e| if e == Errno::Isdir { Errno::Badf } else { e })?;
    let at = f.file.seek(SeekFrom::Current(0))?;
    env.mem.write_u64(out, at)
}

fn fd_renumber(env: &mut Env<'_>, from: u32, to: u32) -> Res {
    env.ctx.get(from)?;
    env.ctx.get(to)?;
    if from != to {
        let desc = env.ctx.fds[from as usize].take();
        env.ctx.fds[to as usize] = desc;
    }
    Ok(())
}

fn fd_readdir(env: &mut Env<'_>, fd: u32, buf: u32, len: u32, cookie: u64, out: u32) -> Res {
    env.mem.check(out, 4)?;
    env.mem.check(buf, len as u64)?;
    let d = env.ctx.dir(fd).map_err(|e| if e == Errno::Notdir { Errno::Badf } else { e })?;
    if cookie == 0 || d.listing.is_none() {
        d.listing = Some(d.dir.read_dir()?);
    }
    let listing = d.listing.as_deref().unwrap_or_default();
    let mut used: u32 = 0;
    for (i, entry) in listing.iter().enumerate().skip(usize::try_from(cookie).unwrap_or(usize::MAX)) {
        let mut head = [0u8; 24];
        head[0..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
        head[8..16].copy_from_slice(&entry.ino.to_le_bytes());
        head[16..20].copy_from_slice(&(entry.name.len() as u32).to_le_bytes());
        head[20] = entry.filetype as u8;
        for part in [&head[..], entry.name.as_bytes()] {
            // A full buffer ends with a cut entry: the program reads again from the last whole one.
            let room = (len - used) as usize;
            let n = part.len().min(room);
            env.mem.write(buf + used, &part[..n])?;
            used += n as u32;
        }
        if used == len {
            break;
        }
    }
    env.mem.write_u32(out, used)
}

// --- paths ---

/// Checks a path from the program before any backend sees it: relative, and never above its directory.
pub(crate) fn check_path(path: &str) -> Result<(), Errno> {
    if path.is_empty() {
        return Err(Errno::Noent);
    }
    if path.contains('\0') {
        return Err(Errno::Ilseq);
    }
    if path.starts_with('/') {
        return Err(Errno::Notcapable);
    }
    let mut depth: usize = 0;
    for component in path.split('/') {
        match component {
            "" | "." => {}
            ".." => depth = depth.checked_sub(1).ok_or(Errno::Notcapable)?,
            _ => depth += 1,
        }
    }
    Ok(())
}

/// The directory `fd` and the checked path `(ptr, len)`.
fn dir_and_path<'e>(env: &'e mut Env<'_>, fd: u32, ptr: u32, len: u32) -> Result<(&'e mut DirDesc, &'e str), Errno> {
    let path = env.mem.str(ptr, len)?;
    let dir = env.ctx.dir(fd)?;
    check_path(path)?;
    Ok((dir, path))
}

fn path_create_directory(env: &mut Env<'_>, fd: u32, path: u32, len: u32) -> Res {
    let (d, path) = dir_and_path(env, fd, path, len)?;
    if !d.writable {
        return Err(Errno::Rofs);
    }
    d.dir.create_dir(path)
}

fn path_remove_directory(env: &mut Env<'_>, fd: u32, path: u32, len: u32) -> Res {
    let (d, path) = dir_and_path(env, fd, path, len)?;
    if !d.writable {
        return Err(Errno::Rofs);
    }
    d.dir.remove_dir(path)
}

fn path_unlink_file(env: &mut Env<'_>, fd: u32, path: u32, len: u32) -> Res {
    let (d, path) = dir_and_path(env, fd, path, len)?;
    if !d.writable {
        return Err(Errno::Rofs);
    }
    d.dir.unlink_file(path)
}

fn path_filestat_get(env: &mut Env<'_>, fd: u32, flags: u32, path: u32, len: u32, out: u32) -> Res {
    let (d, path) = dir_and_path(env, fd, path, len)?;
    let stat = d.dir.path_filestat(path, flags & LOOKUP_SYMLINK_FOLLOW != 0)?;
    write_filestat(&mut env.mem, out, &stat)
}

fn path_readlink(env: &mut Env<'_>, fd: u32, path: u32, len: u32, buf: u32, buf_len: u32, out: u32) -> Res {
    env.mem.check(buf, buf_len as u64)?;
    env.mem.check(out, 4)?;
    let (d, path) = dir_and_path(env, fd, path, len)?;
    let target = d.dir.read_link(path)?;
    // Like readlink(2): a target longer than the buffer is cut.
    let n = target.len().min(buf_len as usize);
    env.mem.write(buf, &target.as_bytes()[..n])?;
    env.mem.write_u32(out, n as u32)
}

fn path_rename(env: &mut Env<'_>, fd: u32, old: u32, old_len: u32, new_fd: u32, new: u32, new_len: u32) -> Res {
    let old = env.mem.str(old, old_len)?;
    let new = env.mem.str(new, new_len)?;
    check_path(old)?;
    check_path(new)?;
    let (from, to) = match (env.ctx.fds.get(fd as usize), env.ctx.fds.get(new_fd as usize)) {
        (Some(Some(Descriptor::Dir(a))), Some(Some(Descriptor::Dir(b)))) => (a, b),
        (Some(Some(Descriptor::File(_))), _) | (_, Some(Some(Descriptor::File(_)))) => return Err(Errno::Notdir),
        _ => return Err(Errno::Badf),
    };
    if !from.writable || !to.writable {
        return Err(Errno::Rofs);
    }
    from.dir.rename(old, &*to.dir, new)
}

#[allow(clippy::too_many_arguments)]
fn path_open(
    env: &mut Env<'_>,
    fd: u32,
    dirflags: u32,
    path: u32,
    len: u32,
    oflags: u32,
    base: u64,
    _inheriting: u64,
    fdflags: u32,
    out: u32,
) -> Res {
    env.mem.check(out, 4)?;
    if env.ctx.fds.iter().all(|d| d.is_some()) && env.ctx.fds.len() >= env.ctx.max_fds {
        return Err(Errno::Mfile);
    }
    let (d, path) = dir_and_path(env, fd, path, len)?;
    let directory = oflags & OFLAGS_DIRECTORY != 0;
    let mut options = OpenOptions {
        read: base & (rights::FD_READ | rights::FD_READDIR) != 0,
        write: base & (rights::FD_WRITE | rights::FD_ALLOCATE | rights::FD_FILESTAT_SET_SIZE) != 0,
        create: oflags & OFLAGS_CREAT != 0,
        exclusive: oflags & OFLAGS_EXCL != 0,
        truncate: oflags & OFLAGS_TRUNC != 0,
        append: fdflags & FDFLAGS_APPEND != 0,
        directory,
        follow: dirflags & LOOKUP_SYMLINK_FOLLOW != 0,
    };
    if directory && (options.write || options.create || options.truncate || options.append) {
        return Err(Errno::Inval);
    }
    if !d.writable && (options.write || options.create || options.truncate || options.append) {
        return Err(Errno::Rofs);
    }
    if options.append {
        options.write = true;
    }
    if !options.read && !options.write {
        // Asked for neither (stat-only opens): read access is the least that can be opened.
        options.read = true;
    }
    let writable = d.writable;
    let desc = match d.dir.open(path, &options)? {
        Opened::File(file) => {
            if directory {
                return Err(Errno::Notdir);
            }
            Descriptor::File(FileDesc { file, read: options.read, write: options.write })
        }
        Opened::Dir(dir) => {
            if options.write {
                return Err(Errno::Isdir);
            }
            Descriptor::Dir(DirDesc { dir, preopen: None, writable, listing: None })
        }
    };
    let new_fd = env.ctx.insert(desc)?;
    env.mem.write_u32(out, new_fd)
}

// --- poll_oneoff ---

const EVENTTYPE_CLOCK: u8 = 0;
const EVENTTYPE_FD_READ: u8 = 1;
const EVENTTYPE_FD_WRITE: u8 = 2;
const SUBCLOCK_ABSTIME: u16 = 1;

enum Wait {
    /// Monotonic deadline, or an errno for a bad clock.
    Clock(Result<u64, Errno>),
    Read(u32),
    Write(u32),
}

struct Event {
    userdata: u64,
    error: Errno,
    ok: bool,
    kind: u8,
    nbytes: u64,
}

fn poll_oneoff(env: &mut Env<'_>, subs: u32, events: u32, count: u32, out: u32) -> Res {
    if count == 0 {
        return Err(Errno::Inval);
    }
    env.mem.check(subs, 48 * count as u64)?;
    env.mem.check(events, 32 * count as u64)?;
    env.mem.check(out, 4)?;
    let start = env.ctx.clock.monotonic_ns();
    let mut waits = Vec::with_capacity(count as usize);
    for i in 0..count {
        let at = subs + 48 * i;
        let userdata = env.mem.u64(at)?;
        let tag = env.mem.read::<1>(at + 8)?[0];
        let wait = match tag {
            EVENTTYPE_CLOCK => {
                let id = env.mem.u32(at + 16)?;
                let timeout = env.mem.u64(at + 24)?;
                let flags = env.mem.u16(at + 40)?;
                let deadline = if flags & SUBCLOCK_ABSTIME == 0 {
                    now(env.ctx, id).map(|_| start.saturating_add(timeout))
                } else {
                    now(env.ctx, id).map(|t| start.saturating_add(timeout.saturating_sub(t)))
                };
                Wait::Clock(deadline)
            }
            EVENTTYPE_FD_READ => Wait::Read(env.mem.u32(at + 16)?),
            EVENTTYPE_FD_WRITE => Wait::Write(env.mem.u32(at + 16)?),
            _ => return Err(Errno::Inval),
        };
        waits.push((userdata, wait));
    }

    let mut ready: Vec<Event> = Vec::new();
    loop {
        let now_ns = env.ctx.clock.monotonic_ns();
        for (userdata, wait) in &waits {
            let userdata = *userdata;
            let event = |kind, r: Result<u64, Errno>| match r {
                Ok(nbytes) => Event { userdata, error: Errno::Badf, ok: true, kind, nbytes },
                Err(error) => Event { userdata, error, ok: false, kind, nbytes: 0 },
            };
            match wait {
                Wait::Clock(Err(e)) => ready.push(event(EVENTTYPE_CLOCK, Err(*e))),
                Wait::Clock(Ok(deadline)) if *deadline <= now_ns => ready.push(event(EVENTTYPE_CLOCK, Ok(0))),
                Wait::Clock(Ok(_)) => {}
                Wait::Read(fd) => match env.ctx.file(*fd) {
                    Err(_) => ready.push(event(EVENTTYPE_FD_READ, Err(Errno::Badf))),
                    Ok(f) => match f.file.wait_readable(Some(0)) {
                        Ok(true) => ready.push(event(EVENTTYPE_FD_READ, Ok(f.file.bytes_available()))),
                        Ok(false) => {}
                        Err(e) => ready.push(event(EVENTTYPE_FD_READ, Err(e))),
                    },
                },
                Wait::Write(fd) => match env.ctx.file(*fd) {
                    Err(_) => ready.push(event(EVENTTYPE_FD_WRITE, Err(Errno::Badf))),
                    Ok(_) => ready.push(event(EVENTTYPE_FD_WRITE, Ok(0))),
                },
            }
        }
        if !ready.is_empty() {
            break;
        }
        let deadline = waits
            .iter()
            .filter_map(|(_, w)| match w {
                Wait::Clock(Ok(d)) => Some(*d),
                _ => None,
            })
            .min();
        let remaining = deadline.map(|d| d.saturating_sub(now_ns));
        let readers: Vec<u32> = waits
            .iter()
            .filter_map(|(_, w)| match w {
                Wait::Read(fd) => Some(*fd),
                _ => None,
            })
            .collect();
        match (readers.as_slice(), remaining) {
            ([], Some(ns)) => env.ctx.clock.sleep_ns(ns),
            ([], None) => break,
            ([fd], timeout) => {
                env.ctx.file(*fd)?.file.wait_readable(timeout)?;
            }
            ([fd, ..], timeout) => {
                // Several inputs: take turns in short slices.
                let slice = timeout.map_or(10_000_000, |t| t.min(10_000_000));
                env.ctx.file(*fd)?.file.wait_readable(Some(slice))?;
            }
        }
    }

    for (i, e) in ready.iter().enumerate() {
        let mut b = [0u8; 32];
        b[0..8].copy_from_slice(&e.userdata.to_le_bytes());
        let error: u16 = if e.ok { 0 } else { e.error.raw() };
        b[8..10].copy_from_slice(&error.to_le_bytes());
        b[10] = e.kind;
        b[16..24].copy_from_slice(&e.nbytes.to_le_bytes());
        env.mem.write(events + 32 * i as u32, &b)?;
    }
    env.mem.write_u32(out, ready.len() as u32)
}

#[cfg(test)]
mod tests {
    use super::check_path;
    use crate::Errno;

    #[test]
    fn paths_stay_beneath_their_directory() {
        for ok in ["a", "a/b", "./a", "a/../b", "a/./b/..", ".", "a/b/../../c", "a//b"] {
            assert_eq!(check_path(ok), Ok(()), "{ok}");
        }
        for bad in ["..", "../a", "a/../..", "/etc/passwd", "/", "a/../../b", "./../a"] {
            assert_eq!(check_path(bad), Err(Errno::Notcapable), "{bad}");
        }
        assert_eq!(check_path(""), Err(Errno::Noent));
        assert_eq!(check_path("a\0b"), Err(Errno::Ilseq));
    }
}
