//! The std backend: real files beneath preopened directories, the system clock, OS random numbers, and the
//! process's stdin, stdout and stderr.
//!
//! Directories are [`cap_std::fs::Dir`] handles: every path is opened beneath the handle (with `openat2`'s
//! `RESOLVE_BENEATH` on Linux, component by component elsewhere), so neither `..`, nor an absolute path, nor
//! a symbolic link can lead out of the directory that was granted.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::any::Any;
use std::io::{self, IsTerminal, Read, Seek, Write};
use std::path::Path;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use cap_fs_ext::{FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt};
use cap_std::ambient_authority;
use cap_std::fs::Dir;

use crate::backend::{Clock, DirEntry, FileType, Filestat, OpenOptions, Opened, Rng, SeekFrom, WasiDir, WasiFile};
use crate::ctx::WasiCtxBuilder;
use crate::Errno;

/// A builder with the system clock and OS random numbers, and nothing granted yet.
pub fn builder() -> WasiCtxBuilder {
    WasiCtxBuilder::new(SystemClock::new(), OsRng)
}

impl WasiCtxBuilder {
    /// Gives the program this process's stdin, stdout and stderr.
    pub fn inherit_stdio(self) -> Self {
        self.stdin(Box::new(Stdin)).stdout(Box::new(Stdout)).stderr(Box::new(Stderr))
    }

    /// Grants every environment variable of this process (those that are valid: non-empty names without
    /// `=`).
    pub fn inherit_env(mut self) -> Self {
        for (key, value) in std::env::vars_os() {
            let (Some(k), Some(v)) = (os_bytes(&key), os_bytes(&value)) else { continue };
            if !k.is_empty() && !k.contains(&b'=') && !k.contains(&0) && !v.contains(&0) {
                self = self.env(k, v);
            }
        }
        self
    }
}

/// The bytes of an OS string (on Unix, any bytes; elsewhere, only UTF-8).
pub fn os_bytes(s: &std::ffi::OsStr) -> Option<Vec<u8>> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Some(s.as_bytes().to_vec())
    }
    #[cfg(not(unix))]
    {
        s.to_str().map(|s| s.as_bytes().to_vec())
    }
}

/// Opens the host directory `path` to be granted with [`WasiCtxBuilder::preopened_dir`].
pub fn open_dir(path: impl AsRef<Path>) -> io::Result<Box<dyn WasiDir>> {
    let dir = Dir::open_ambient_dir(path.as_ref(), ambient_authority())?;
    Ok(Box::new(HostDir { dir }))
}

/// The WASI errno for an I/O error.
pub fn errno(e: &io::Error) -> Errno {
    #[cfg(unix)]
    if let Some(raw) = e.raw_os_error() {
        use rustix::io::Errno as E;
        let e = E::from_raw_os_error(raw);
        const TABLE: &[(E, Errno)] = &[
            (E::TOOBIG, Errno::TooBig),
            (E::ACCESS, Errno::Acces),
            (E::AGAIN, Errno::Again),
            (E::BADF, Errno::Badf),
            (E::BUSY, Errno::Busy),
            (E::EXIST, Errno::Exist),
            (E::FAULT, Errno::Fault),
            (E::FBIG, Errno::Fbig),
            (E::ILSEQ, Errno::Ilseq),
            (E::INTR, Errno::Intr),
            (E::INVAL, Errno::Inval),
            (E::IO, Errno::Io),
            (E::ISDIR, Errno::Isdir),
            (E::LOOP, Errno::Loop),
            (E::MFILE, Errno::Mfile),
            (E::MLINK, Errno::Mlink),
            (E::NAMETOOLONG, Errno::Nametoolong),
            (E::NFILE, Errno::Nfile),
            (E::NODEV, Errno::Nodev),
            (E::NOENT, Errno::Noent),
            (E::NOMEM, Errno::Nomem),
            (E::NOSPC, Errno::Nospc),
            (E::NOSYS, Errno::Nosys),
            (E::NOTDIR, Errno::Notdir),
            (E::NOTEMPTY, Errno::Notempty),
            (E::NOTSUP, Errno::Notsup),
            (E::NOTTY, Errno::Notty),
            (E::NXIO, Errno::Nxio),
            (E::OVERFLOW, Errno::Overflow),
            (E::PERM, Errno::Perm),
            (E::PIPE, Errno::Pipe),
            (E::RANGE, Errno::Range),
            (E::ROFS, Errno::Rofs),
            (E::SPIPE, Errno::Spipe),
            (E::TXTBSY, Errno::Txtbsy),
            // `RESOLVE_BENEATH` refusing a path that leads out.
            (E::XDEV, Errno::Notcapable),
        ];
        return TABLE.iter().find(|(os, _)| *os == e).map_or(Errno::Io, |(_, w)| *w);
    }
    match e.kind() {
        // cap-std's refusal of a path that leads out of its directory carries no OS error.
        io::ErrorKind::PermissionDenied => Errno::Notcapable,
        io::ErrorKind::NotFound => Errno::Noent,
        io::ErrorKind::AlreadyExists => Errno::Exist,
        io::ErrorKind::InvalidInput => Errno::Inval,
        io::ErrorKind::Unsupported => Errno::Notsup,
        io::ErrorKind::BrokenPipe => Errno::Pipe,
        io::ErrorKind::Interrupted => Errno::Intr,
        _ => Errno::Io,
    }
}

fn err(e: io::Error) -> Errno {
    errno(&e)
}

fn nanos(secs: i64, nsec: i64) -> u64 {
    u64::try_from(secs).unwrap_or(0).saturating_mul(1_000_000_000).saturating_add(nsec as u64)
}

fn std_filetype(ft: std::fs::FileType) -> FileType {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_block_device() {
            return FileType::BlockDevice;
        }
        if ft.is_char_device() {
            return FileType::CharacterDevice;
        }
        if ft.is_socket() {
            return FileType::SocketStream;
        }
    }
    if ft.is_dir() {
        FileType::Directory
    } else if ft.is_file() {
        FileType::RegularFile
    } else if ft.is_symlink() {
        FileType::SymbolicLink
    } else {
        FileType::Unknown
    }
}

fn cap_filetype(ft: cap_std::fs::FileType) -> FileType {
    #[cfg(unix)]
    {
        use cap_std::fs::FileTypeExt;
        if ft.is_block_device() {
            return FileType::BlockDevice;
        }
        if ft.is_char_device() {
            return FileType::CharacterDevice;
        }
        if ft.is_socket() {
            return FileType::SocketStream;
        }
    }
    if ft.is_dir() {
        FileType::Directory
    } else if ft.is_file() {
        FileType::RegularFile
    } else if ft.is_symlink() {
        FileType::SymbolicLink
    } else {
        FileType::Unknown
    }
}

fn std_filestat(m: &std::fs::Metadata) -> Filestat {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Filestat {
            dev: m.dev(),
            ino: m.ino(),
            filetype: std_filetype(m.file_type()),
            nlink: m.nlink(),
            size: m.size(),
            atim: nanos(m.atime(), m.atime_nsec()),
            mtim: nanos(m.mtime(), m.mtime_nsec()),
            ctim: nanos(m.ctime(), m.ctime_nsec()),
        }
    }
    #[cfg(not(unix))]
    {
        let t = |t: io::Result<SystemTime>| {
            t.ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos() as u64)
        };
        Filestat {
            dev: 0,
            ino: 0,
            filetype: std_filetype(m.file_type()),
            nlink: 1,
            size: m.len(),
            atim: t(m.accessed()),
            mtim: t(m.modified()),
            ctim: t(m.modified()),
        }
    }
}

fn cap_filestat(m: &cap_std::fs::Metadata) -> Filestat {
    #[cfg(unix)]
    {
        use cap_std::fs::MetadataExt;
        Filestat {
            dev: m.dev(),
            ino: m.ino(),
            filetype: cap_filetype(m.file_type()),
            nlink: m.nlink(),
            size: m.size(),
            atim: nanos(m.atime(), m.atime_nsec()),
            mtim: nanos(m.mtime(), m.mtime_nsec()),
            ctim: nanos(m.ctime(), m.ctime_nsec()),
        }
    }
    #[cfg(not(unix))]
    {
        let t = |t: io::Result<cap_std::time::SystemTime>| {
            t.ok().and_then(|t| t.into_std().duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos() as u64)
        };
        Filestat {
            dev: 0,
            ino: 0,
            filetype: cap_filetype(m.file_type()),
            nlink: 1,
            size: m.len(),
            atim: t(m.accessed()),
            mtim: t(m.modified()),
            ctim: t(m.modified()),
        }
    }
}

/// A host directory, reached only through its handle.
pub struct HostDir {
    dir: Dir,
}

impl HostDir {
    /// Wraps a `cap-std` directory handle.
    pub fn new(dir: Dir) -> HostDir {
        HostDir { dir }
    }

    fn refuse_symlink(&self, path: &str) -> Result<(), Errno> {
        match self.dir.symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => Err(Errno::Loop),
            _ => Ok(()),
        }
    }
}

impl WasiDir for HostDir {
    fn open(&self, path: &str, o: &OpenOptions) -> Result<Opened, Errno> {
        if o.directory {
            if !o.follow {
                self.refuse_symlink(path)?;
            }
            return Ok(Opened::Dir(Box::new(HostDir { dir: self.dir.open_dir(path).map_err(err)? })));
        }
        let mut host = cap_std::fs::OpenOptions::new();
        // The host handle may carry more access than the descriptor: `open` needs write access to create or
        // truncate; the descriptor's own read/write flags decide what the program may do with it.
        let write = o.write || o.append || o.create || o.truncate;
        host.read(o.read || !write).write(write && !o.append).append(o.append).truncate(o.truncate);
        if o.create {
            if o.exclusive {
                host.create_new(true);
            } else {
                host.create(true);
            }
        }
        host.follow(if o.follow { FollowSymlinks::Yes } else { FollowSymlinks::No });
        host.maybe_dir(true);
        let file = self.dir.open_with(path, &host).map_err(err)?;
        let file = file.into_std();
        let meta = file.metadata().map_err(err)?;
        if meta.is_dir() {
            if write {
                return Err(Errno::Isdir);
            }
            return Ok(Opened::Dir(Box::new(HostDir { dir: Dir::from_std_file(file) })));
        }
        Ok(Opened::File(Box::new(HostFile { file, filetype: std_filetype(meta.file_type()), append: o.append })))
    }

    fn create_dir(&self, path: &str) -> Result<(), Errno> {
        self.dir.create_dir(path).map_err(err)
    }

    fn remove_dir(&self, path: &str) -> Result<(), Errno> {
        self.dir.remove_dir(path).map_err(err)
    }

    fn unlink_file(&self, path: &str) -> Result<(), Errno> {
        match self.dir.symlink_metadata(path) {
            Ok(m) if m.is_dir() => return Err(Errno::Isdir),
            _ => {}
        }
        self.dir.remove_file(path).map_err(err)
    }

    fn rename(&self, from: &str, to_dir: &dyn WasiDir, to: &str) -> Result<(), Errno> {
        let to_dir = to_dir.as_any().downcast_ref::<HostDir>().ok_or(Errno::Xdev)?;
        self.dir.rename(from, &to_dir.dir, to).map_err(err)
    }

    fn read_link(&self, path: &str) -> Result<String, Errno> {
        let target = self.dir.read_link(path).map_err(err)?;
        target.into_os_string().into_string().map_err(|_| Errno::Ilseq)
    }

    fn path_filestat(&self, path: &str, follow: bool) -> Result<Filestat, Errno> {
        let meta = if follow { self.dir.metadata(path) } else { self.dir.symlink_metadata(path) };
        Ok(cap_filestat(&meta.map_err(err)?))
    }

    fn filestat(&self) -> Result<Filestat, Errno> {
        Ok(cap_filestat(&self.dir.dir_metadata().map_err(err)?))
    }

    fn read_dir(&self) -> Result<Vec<DirEntry>, Errno> {
        let mut entries = Vec::new();
        for entry in self.dir.entries().map_err(err)? {
            let entry = entry.map_err(err)?;
            let name = entry.file_name().into_string().unwrap_or_else(|n| n.to_string_lossy().into_owned());
            let filetype = entry.file_type().map(cap_filetype).unwrap_or(FileType::Unknown);
            #[cfg(unix)]
            let ino = std::os::unix::fs::DirEntryExt::ino(&entry);
            #[cfg(not(unix))]
            let ino = 0;
            entries.push(DirEntry { name, filetype, ino });
        }
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(entries)
    }

    fn sync(&self) -> Result<(), Errno> {
        Ok(())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// An open host file.
pub struct HostFile {
    file: std::fs::File,
    filetype: FileType,
    append: bool,
}

impl WasiFile for HostFile {
    fn filetype(&self) -> FileType {
        self.filetype
    }
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        self.file.read(buf).map_err(err)
    }
    fn write(&mut self, buf: &[u8]) -> Result<usize, Errno> {
        self.file.write(buf).map_err(err)
    }
    fn pread(&mut self, buf: &mut [u8], offset: u64) -> Result<usize, Errno> {
        #[cfg(unix)]
        {
            std::os::unix::fs::FileExt::read_at(&self.file, buf, offset).map_err(err)
        }
        #[cfg(not(unix))]
        {
            let at = self.file.stream_position().map_err(err)?;
            self.file.seek(io::SeekFrom::Start(offset)).map_err(err)?;
            let r = self.file.read(buf).map_err(err);
            self.file.seek(io::SeekFrom::Start(at)).map_err(err)?;
            r
        }
    }
    fn pwrite(&mut self, buf: &[u8], offset: u64) -> Result<usize, Errno> {
        #[cfg(unix)]
        {
            std::os::unix::fs::FileExt::write_at(&self.file, buf, offset).map_err(err)
        }
        #[cfg(not(unix))]
        {
            let at = self.file.stream_position().map_err(err)?;
            self.file.seek(io::SeekFrom::Start(offset)).map_err(err)?;
            let r = self.file.write(buf).map_err(err);
            self.file.seek(io::SeekFrom::Start(at)).map_err(err)?;
            r
        }
    }
    fn seek(&mut self, pos: SeekFrom) -> Result<u64, Errno> {
        let pos = match pos {
            SeekFrom::Start(n) => io::SeekFrom::Start(n),
            SeekFrom::Current(n) => io::SeekFrom::Current(n),
            SeekFrom::End(n) => io::SeekFrom::End(n),
        };
        self.file.seek(pos).map_err(err)
    }
    fn sync(&mut self) -> Result<(), Errno> {
        self.file.sync_all().map_err(err)
    }
    fn datasync(&mut self) -> Result<(), Errno> {
        self.file.sync_data().map_err(err)
    }
    fn filestat(&mut self) -> Result<Filestat, Errno> {
        Ok(std_filestat(&self.file.metadata().map_err(err)?))
    }
    fn set_size(&mut self, size: u64) -> Result<(), Errno> {
        self.file.set_len(size).map_err(err)
    }
    fn append(&self) -> bool {
        self.append
    }
    fn set_append(&mut self, append: bool) -> Result<(), Errno> {
        #[cfg(unix)]
        {
            use rustix::fs::{fcntl_getfl, fcntl_setfl, OFlags};
            let mut flags = fcntl_getfl(&self.file).map_err(|e| err(e.into()))?;
            flags.set(OFlags::APPEND, append);
            fcntl_setfl(&self.file, flags).map_err(|e| err(e.into()))?;
            self.append = append;
            Ok(())
        }
        #[cfg(not(unix))]
        {
            let _ = append;
            Err(Errno::Notsup)
        }
    }
}

/// This process's standard input.
pub struct Stdin;

impl WasiFile for Stdin {
    fn filetype(&self) -> FileType {
        if self.is_tty() {
            FileType::CharacterDevice
        } else {
            FileType::Unknown
        }
    }
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        // Unbuffered, so that what `poll_oneoff` saw on the descriptor is what a read returns.
        #[cfg(unix)]
        loop {
            match rustix::io::read(std::io::stdin(), &mut *buf) {
                Err(rustix::io::Errno::INTR) => continue,
                r => return r.map_err(|e| err(e.into())),
            }
        }
        #[cfg(not(unix))]
        std::io::stdin().read(buf).map_err(err)
    }
    fn write(&mut self, _buf: &[u8]) -> Result<usize, Errno> {
        Err(Errno::Badf)
    }
    fn is_tty(&self) -> bool {
        std::io::stdin().is_terminal()
    }
    fn wait_readable(&mut self, timeout_ns: Option<u64>) -> Result<bool, Errno> {
        #[cfg(unix)]
        {
            use rustix::event::{poll, PollFd, PollFlags, Timespec};
            let stdin = std::io::stdin();
            let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
            let timeout =
                timeout_ns.map(|ns| Timespec { tv_sec: (ns / 1_000_000_000) as _, tv_nsec: (ns % 1_000_000_000) as _ });
            match poll(&mut fds, timeout.as_ref()) {
                Ok(n) => Ok(n > 0),
                Err(rustix::io::Errno::INTR) => Ok(false),
                Err(e) => Err(err(e.into())),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = timeout_ns;
            Ok(true)
        }
    }
}

/// This process's standard output.
pub struct Stdout;

impl WasiFile for Stdout {
    fn filetype(&self) -> FileType {
        if self.is_tty() {
            FileType::CharacterDevice
        } else {
            FileType::Unknown
        }
    }
    fn read(&mut self, _buf: &mut [u8]) -> Result<usize, Errno> {
        Err(Errno::Badf)
    }
    fn write(&mut self, buf: &[u8]) -> Result<usize, Errno> {
        let mut out = std::io::stdout().lock();
        let n = out.write(buf).map_err(err)?;
        out.flush().map_err(err)?;
        Ok(n)
    }
    fn sync(&mut self) -> Result<(), Errno> {
        std::io::stdout().flush().map_err(err)
    }
    fn is_tty(&self) -> bool {
        std::io::stdout().is_terminal()
    }
}

/// This process's standard error.
pub struct Stderr;

impl WasiFile for Stderr {
    fn filetype(&self) -> FileType {
        if self.is_tty() {
            FileType::CharacterDevice
        } else {
            FileType::Unknown
        }
    }
    fn read(&mut self, _buf: &mut [u8]) -> Result<usize, Errno> {
        Err(Errno::Badf)
    }
    fn write(&mut self, buf: &[u8]) -> Result<usize, Errno> {
        std::io::stderr().write(buf).map_err(err)
    }
    fn is_tty(&self) -> bool {
        std::io::stderr().is_terminal()
    }
}

/// The system clock: `Instant` for the monotonic clock, `SystemTime` for the real-time one.
pub struct SystemClock {
    origin: Instant,
}

impl SystemClock {
    /// A clock whose monotonic time counts from now.
    pub fn new() -> SystemClock {
        SystemClock { origin: Instant::now() }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock::new()
    }
}

impl Clock for SystemClock {
    fn monotonic_ns(&mut self) -> u64 {
        // Offset by a second so that the monotonic clock never reads 0.
        u64::try_from(self.origin.elapsed().as_nanos()).unwrap_or(u64::MAX).saturating_add(1_000_000_000)
    }
    fn realtime_ns(&mut self) -> Option<u64> {
        let since = SystemTime::now().duration_since(UNIX_EPOCH).ok()?;
        u64::try_from(since.as_nanos()).ok()
    }
    fn resolution_ns(&self) -> u64 {
        1
    }
    fn sleep_ns(&mut self, ns: u64) {
        std::thread::sleep(std::time::Duration::from_nanos(ns));
    }
}

/// Random bytes from the operating system.
pub struct OsRng;

impl Rng for OsRng {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), Errno> {
        getrandom::fill(buf).map_err(|_| Errno::Io)
    }
}
