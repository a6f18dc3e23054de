//! The WASI context: a program's arguments, environment, descriptor table, clock and random numbers.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::backend::{Clock, DirEntry, FileType, Rng, WasiDir, WasiFile};
use crate::Errno;

/// Most descriptors a program may have open at once, unless the builder says otherwise.
pub const DEFAULT_MAX_OPEN_FILES: usize = 256;

/// Everything a WASI program can reach: nothing more than was put here by a [`WasiCtxBuilder`].
///
/// Keep one in the store's data and hand [`crate::add_to_linker`] a function that finds it.
pub struct WasiCtx {
    pub(crate) args: Vec<Vec<u8>>,
    pub(crate) env: Vec<Vec<u8>>,
    pub(crate) fds: Vec<Option<Descriptor>>,
    pub(crate) max_fds: usize,
    pub(crate) clock: Box<dyn Clock>,
    pub(crate) rng: Box<dyn Rng>,
    pub(crate) start_ns: u64,
}

impl fmt::Debug for WasiCtx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WasiCtx")
            .field("args", &self.args.len())
            .field("env", &self.env.len())
            .field("open_fds", &self.fds.iter().filter(|d| d.is_some()).count())
            .finish_non_exhaustive()
    }
}

/// An open descriptor.
pub(crate) enum Descriptor {
    File(FileDesc),
    Dir(DirDesc),
}

pub(crate) struct FileDesc {
    pub file: Box<dyn WasiFile>,
    pub read: bool,
    pub write: bool,
}

pub(crate) struct DirDesc {
    pub dir: Box<dyn WasiDir>,
    /// The name the program sees for a preopened directory (`fd_prestat_dir_name`).
    pub preopen: Option<String>,
    /// Whether files beneath may be created, written, renamed or removed.
    pub writable: bool,
    /// The listing `fd_readdir` pages through (read again when a listing starts at cookie 0).
    pub listing: Option<Vec<DirEntry>>,
}

impl WasiCtx {
    /// Starts a context whose clock and random numbers come from `clock` and `rng`; nothing else is granted.
    pub fn builder(clock: impl Clock + 'static, rng: impl Rng + 'static) -> WasiCtxBuilder {
        WasiCtxBuilder::new(clock, rng)
    }

    /// The program's arguments.
    pub fn args(&self) -> impl Iterator<Item = &[u8]> {
        self.args.iter().map(|a| a.as_slice())
    }

    /// The program's environment, as `KEY=VALUE` entries.
    pub fn env(&self) -> impl Iterator<Item = &[u8]> {
        self.env.iter().map(|e| e.as_slice())
    }

    /// Number of open descriptors.
    pub fn open_descriptors(&self) -> usize {
        self.fds.iter().filter(|d| d.is_some()).count()
    }

    pub(crate) fn get(&mut self, fd: u32) -> Result<&mut Descriptor, Errno> {
        self.fds.get_mut(fd as usize).and_then(|d| d.as_mut()).ok_or(Errno::Badf)
    }

    pub(crate) fn file(&mut self, fd: u32) -> Result<&mut FileDesc, Errno> {
        match self.get(fd)? {
            Descriptor::File(f) => Ok(f),
            Descriptor::Dir(_) => Err(Errno::Isdir),
        }
    }

    pub(crate) fn dir(&mut self, fd: u32) -> Result<&mut DirDesc, Errno> {
        match self.get(fd)? {
            Descriptor::Dir(d) => Ok(d),
            Descriptor::File(_) => Err(Errno::Notdir),
        }
    }

    /// Puts `desc` at the lowest free descriptor number.
    pub(crate) fn insert(&mut self, desc: Descriptor) -> Result<u32, Errno> {
        if let Some(i) = self.fds.iter().position(|d| d.is_none()) {
            self.fds[i] = Some(desc);
            return Ok(i as u32);
        }
        if self.fds.len() >= self.max_fds {
            return Err(Errno::Mfile);
        }
        self.fds.push(Some(desc));
        Ok((self.fds.len() - 1) as u32)
    }
}

/// Why a [`WasiCtxBuilder`] could not build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError(pub String);

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl core::error::Error for BuildError {}

/// Grants a WASI program its arguments, environment variables, stdio and preopened directories.
///
/// Nothing is granted by default: no arguments, no environment, stdin at end of file, stdout and stderr
/// discarded, no directories.
pub struct WasiCtxBuilder {
    args: Vec<Vec<u8>>,
    env: Vec<Vec<u8>>,
    stdio: [Option<Box<dyn WasiFile>>; 3],
    preopens: Vec<(Box<dyn WasiDir>, String, bool)>,
    max_fds: usize,
    clock: Box<dyn Clock>,
    rng: Box<dyn Rng>,
    problem: Option<String>,
}

impl WasiCtxBuilder {
    /// A builder whose clock and random numbers come from `clock` and `rng`.
    pub fn new(clock: impl Clock + 'static, rng: impl Rng + 'static) -> WasiCtxBuilder {
        WasiCtxBuilder {
            args: Vec::new(),
            env: Vec::new(),
            stdio: [None, None, None],
            preopens: Vec::new(),
            max_fds: DEFAULT_MAX_OPEN_FILES,
            clock: Box::new(clock),
            rng: Box::new(rng),
            problem: None,
        }
    }

    fn fail(&mut self, problem: String) {
        self.problem.get_or_insert(problem);
    }

    /// Adds an argument (the first is the program's name, `argv[0]`).
    pub fn arg(mut self, arg: impl AsRef<[u8]>) -> Self {
        let arg = arg.as_ref();
        if arg.contains(&0) {
            self.fail(String::from("an argument contains a NUL byte"));
        }
        self.args.push(arg.to_vec());
        self
    }

    /// Adds arguments.
    pub fn args<A: AsRef<[u8]>>(mut self, args: impl IntoIterator<Item = A>) -> Self {
        for arg in args {
            self = self.arg(arg);
        }
        self
    }

    /// Grants an environment variable (a later value for the same key replaces the earlier one).
    pub fn env(mut self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Self {
        let (key, value) = (key.as_ref(), value.as_ref());
        if key.is_empty() || key.contains(&b'=') || key.contains(&0) || value.contains(&0) {
            self.fail(alloc::format!(
                "environment variable `{}`: the name must be non-empty without `=` or NUL, the value without NUL",
                String::from_utf8_lossy(key)
            ));
        }
        let mut entry = key.to_vec();
        entry.push(b'=');
        entry.extend_from_slice(value);
        self.env.retain(|e| !(e.starts_with(key) && e.get(key.len()) == Some(&b'=')));
        self.env.push(entry);
        self
    }

    /// Descriptor 0.
    pub fn stdin(mut self, file: Box<dyn WasiFile>) -> Self {
        self.stdio[0] = Some(file);
        self
    }

    /// Descriptor 1.
    pub fn stdout(mut self, file: Box<dyn WasiFile>) -> Self {
        self.stdio[1] = Some(file);
        self
    }

    /// Descriptor 2.
    pub fn stderr(mut self, file: Box<dyn WasiFile>) -> Self {
        self.stdio[2] = Some(file);
        self
    }

    /// Grants a directory, seen by the program under `guest_path` (`/data`, `.`, ...). Preopens get
    /// descriptors 3, 4, ... in the order they are granted. Without `writable`, nothing beneath it can be
    /// created, written, renamed or removed (`EROFS`). Needs the `fs` feature.
    #[cfg(feature = "fs")]
    pub fn preopened_dir(mut self, dir: Box<dyn WasiDir>, guest_path: impl Into<String>, writable: bool) -> Self {
        let guest_path = guest_path.into();
        if guest_path.is_empty() || guest_path.contains('\0') {
            self.fail(String::from("a preopened directory needs a guest path without NUL bytes"));
        }
        self.preopens.push((dir, guest_path, writable));
        self
    }

    /// Most descriptors open at once (stdio and preopens included); past it `path_open` fails with `EMFILE`.
    pub fn max_open_files(mut self, n: usize) -> Self {
        self.max_fds = n;
        self
    }

    /// The context.
    pub fn build(self) -> Result<WasiCtx, BuildError> {
        if let Some(problem) = self.problem {
            return Err(BuildError(problem));
        }
        let mut fds = Vec::new();
        for (i, file) in self.stdio.into_iter().enumerate() {
            let file = file.unwrap_or_else(|| Box::new(NullFile));
            fds.push(Some(Descriptor::File(FileDesc { file, read: i == 0, write: i != 0 })));
        }
        for (dir, name, writable) in self.preopens {
            fds.push(Some(Descriptor::Dir(DirDesc { dir, preopen: Some(name), writable, listing: None })));
        }
        let max_fds = self.max_fds.max(fds.len());
        let mut clock = self.clock;
        let start_ns = clock.monotonic_ns();
        Ok(WasiCtx { args: self.args, env: self.env, fds, max_fds, clock, rng: self.rng, start_ns })
    }
}

/// A character device that reads as empty and discards writes (`/dev/null`): the default stdio.
#[derive(Copy, Clone, Debug, Default)]
pub struct NullFile;

impl WasiFile for NullFile {
    fn filetype(&self) -> FileType {
        FileType::CharacterDevice
    }
    fn read(&mut self, _buf: &mut [u8]) -> Result<usize, Errno> {
        Ok(0)
    }
    fn write(&mut self, buf: &[u8]) -> Result<usize, Errno> {
        Ok(buf.len())
    }
}
