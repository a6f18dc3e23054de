//! The traits a backend implements: what a WASI program's file descriptors, clock and random numbers are made
//! of.
//!
//! A device needs only [`Console`], [`Clock`] and [`Rng`] (see [`crate::device`]). Files and directories are
//! [`WasiFile`] and [`WasiDir`] objects in the descriptor table; only the std backend provides directories.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::any::Any;

use crate::Errno;

/// Byte stream for a device's stdout and stderr (a UART, an RTT channel, a log buffer), and optionally stdin.
pub trait Console {
    /// Writes some of `bytes`; returns how many were written (all of them, normally).
    fn write(&mut self, bytes: &[u8]) -> Result<usize, Errno>;
    /// Reads into `buf`; `Ok(0)` is end of input. The default has no input.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        let _ = buf;
        Ok(0)
    }
    /// Pushes out anything buffered. The default does nothing.
    fn flush(&mut self) -> Result<(), Errno> {
        Ok(())
    }
}

/// Time, for `clock_time_get`, `clock_res_get` and the clock subscriptions of `poll_oneoff`.
pub trait Clock {
    /// Nanoseconds on a clock that never goes backwards (since boot, for example).
    fn monotonic_ns(&mut self) -> u64;
    /// Nanoseconds since 1970-01-01T00:00:00Z, or `None` if the board does not know the date (then
    /// `clock_time_get(REALTIME)` fails with `ENOTSUP`). The default does not know it.
    fn realtime_ns(&mut self) -> Option<u64> {
        None
    }
    /// The clocks' resolution in nanoseconds. The default says 1 µs.
    fn resolution_ns(&self) -> u64 {
        1_000
    }
    /// Waits `ns` nanoseconds (`poll_oneoff` with only clock subscriptions: `sleep`). The default spins on
    /// [`Clock::monotonic_ns`]; a device can wait for an interrupt instead, a host sleeps.
    fn sleep_ns(&mut self, ns: u64) {
        let end = self.monotonic_ns().saturating_add(ns);
        while self.monotonic_ns() < end {
            core::hint::spin_loop();
        }
    }
}

/// Random bytes for `random_get` (programs seed hash maps and generators with them).
pub trait Rng {
    /// Fills `buf` with random bytes.
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), Errno>;
}

/// What kind of object a descriptor or directory entry is (`filetype`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u8)]
#[allow(missing_docs)]
pub enum FileType {
    Unknown = 0,
    BlockDevice = 1,
    CharacterDevice = 2,
    Directory = 3,
    RegularFile = 4,
    SocketDgram = 5,
    SocketStream = 6,
    SymbolicLink = 7,
}

/// File attributes (`filestat`). Times are nanoseconds since 1970.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Filestat {
    pub dev: u64,
    pub ino: u64,
    pub filetype: FileType,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

impl Filestat {
    /// Attributes with only a type (a console, a pipe).
    pub fn of_type(filetype: FileType) -> Filestat {
        Filestat { dev: 0, ino: 0, filetype, nlink: 1, size: 0, atim: 0, mtim: 0, ctim: 0 }
    }
}

/// Where `seek` counts from.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SeekFrom {
    /// From the start of the file.
    Start(u64),
    /// From the current position.
    Current(i64),
    /// From the end of the file.
    End(i64),
}

/// An open file, pipe or console: the object behind a non-directory descriptor.
///
/// Only `filetype`, `read` and `write` are required; the defaults answer as a stream (a console or pipe) does.
pub trait WasiFile: Any {
    /// The object's type, for `fd_fdstat_get`.
    fn filetype(&self) -> FileType;
    /// Reads into `buf`; `Ok(0)` is end of file.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno>;
    /// Writes some of `buf`; returns how many bytes were written.
    fn write(&mut self, buf: &[u8]) -> Result<usize, Errno>;
    /// Reads at `offset` without moving the position.
    fn pread(&mut self, buf: &mut [u8], offset: u64) -> Result<usize, Errno> {
        let _ = (buf, offset);
        Err(Errno::Spipe)
    }
    /// Writes at `offset` without moving the position.
    fn pwrite(&mut self, buf: &[u8], offset: u64) -> Result<usize, Errno> {
        let _ = (buf, offset);
        Err(Errno::Spipe)
    }
    /// Moves the position; returns the new one.
    fn seek(&mut self, pos: SeekFrom) -> Result<u64, Errno> {
        let _ = pos;
        Err(Errno::Spipe)
    }
    /// Flushes data and metadata to storage.
    fn sync(&mut self) -> Result<(), Errno> {
        Ok(())
    }
    /// Flushes data to storage.
    fn datasync(&mut self) -> Result<(), Errno> {
        self.sync()
    }
    /// The file's attributes.
    fn filestat(&mut self) -> Result<Filestat, Errno> {
        Ok(Filestat::of_type(self.filetype()))
    }
    /// Truncates or extends the file.
    fn set_size(&mut self, size: u64) -> Result<(), Errno> {
        let _ = size;
        Err(Errno::Inval)
    }
    /// Whether writes append (the `APPEND` fdflag).
    fn append(&self) -> bool {
        false
    }
    /// Turns appending on or off. The default refuses with `ENOTSUP`.
    fn set_append(&mut self, append: bool) -> Result<(), Errno> {
        let _ = append;
        Err(Errno::Notsup)
    }
    /// Whether this is a terminal (stdio reported as a character device).
    fn is_tty(&self) -> bool {
        false
    }
    /// For `poll_oneoff`: waits at most `timeout_ns` (`None`: no limit) until a read would not block; returns
    /// whether it would not. The default is always ready (files, and inputs that cannot tell).
    fn wait_readable(&mut self, timeout_ns: Option<u64>) -> Result<bool, Errno> {
        let _ = timeout_ns;
        Ok(true)
    }
    /// How many bytes a read could return now, if known (the `nbytes` of a `poll_oneoff` read event).
    fn bytes_available(&mut self) -> u64 {
        0
    }
}

/// How `path_open` opens a path beneath a directory.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// Open for reading.
    pub read: bool,
    /// Open for writing.
    pub write: bool,
    /// Create the file if it does not exist (`O_CREAT`).
    pub create: bool,
    /// Fail if it exists (`O_EXCL`, with `create`).
    pub exclusive: bool,
    /// Truncate to length 0 (`O_TRUNC`).
    pub truncate: bool,
    /// Writes append (`APPEND` fdflag).
    pub append: bool,
    /// The path must name a directory (`O_DIRECTORY`).
    pub directory: bool,
    /// Follow a symbolic link in the last component (the `SYMLINK_FOLLOW` lookup flag). Links in earlier
    /// components are always followed, but never out of the preopened directory.
    pub follow: bool,
}

/// What `path_open` found.
pub enum Opened {
    /// A file (or another non-directory object).
    File(Box<dyn WasiFile>),
    /// A directory.
    Dir(Box<dyn WasiDir>),
}

/// An entry of a directory listing (`fd_readdir`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    /// The entry's name.
    pub name: String,
    /// Its type (not following symbolic links).
    pub filetype: FileType,
    /// Its inode number (0 if unknown).
    pub ino: u64,
}

/// A directory: the object behind a preopened directory descriptor and the directories opened beneath it.
///
/// Every `path` is relative, already checked by the caller: not empty, not absolute, with no `..` that leaves the
/// directory and no NUL byte. The implementation must still keep symbolic links from leading out of the
/// directory it was granted (the std backend opens everything through `cap-std`).
pub trait WasiDir: Any {
    /// Opens `path` as a file or directory.
    fn open(&self, path: &str, options: &OpenOptions) -> Result<Opened, Errno>;
    /// Creates a directory.
    fn create_dir(&self, path: &str) -> Result<(), Errno>;
    /// Removes an empty directory.
    fn remove_dir(&self, path: &str) -> Result<(), Errno>;
    /// Removes a file (or a symbolic link).
    fn unlink_file(&self, path: &str) -> Result<(), Errno>;
    /// Renames `from` to `to` beneath `to_dir` (a directory of the same backend, else `EXDEV`).
    fn rename(&self, from: &str, to_dir: &dyn WasiDir, to: &str) -> Result<(), Errno>;
    /// The target of a symbolic link.
    fn read_link(&self, path: &str) -> Result<String, Errno>;
    /// The attributes of `path`, following a symbolic link in the last component if `follow`.
    fn path_filestat(&self, path: &str, follow: bool) -> Result<Filestat, Errno>;
    /// The directory's own attributes.
    fn filestat(&self) -> Result<Filestat, Errno>;
    /// The entries, without `.` and `..`.
    fn read_dir(&self) -> Result<Vec<DirEntry>, Errno>;
    /// Syncs the directory. The default does nothing.
    fn sync(&self) -> Result<(), Errno> {
        Ok(())
    }
    /// `self` as [`Any`], so that [`WasiDir::rename`] can recognise a directory of its own backend.
    fn as_any(&self) -> &dyn Any;
}
