//! WASI for `ember run`: the capability options (`--dir`, `--dir-ro`, `--env`, `--inherit-env`) and the context
//! they grant.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use anyhow::{anyhow, Context};
use ember::Module;
use ember_wasi::{host, WasiCtx};

use crate::Failure;

/// The import module of WASI preview1.
pub(crate) const MODULE: &str = ember_wasi::MODULE;

/// What the command line grants a WASI program.
#[derive(Default)]
pub(crate) struct WasiOptions {
    /// Host directory, guest path, writable.
    dirs: Vec<(PathBuf, String, bool)>,
    /// `KEY=VALUE` or `KEY` (the host's value).
    env: Vec<OsString>,
    inherit_env: bool,
}

impl WasiOptions {
    /// Whether anything was granted (only a WASI module can use it).
    pub(crate) fn any(&self) -> bool {
        !self.dirs.is_empty() || !self.env.is_empty() || self.inherit_env
    }

    /// Handles `--dir`, `--dir-ro`, `--env` or `--inherit-env` (`name` without dashes). Returns false for
    /// another option.
    pub(crate) fn option(
        &mut self,
        name: &str,
        mut value: impl FnMut() -> Result<OsString, Failure>,
    ) -> Result<bool, Failure> {
        match name {
            "dir" | "dir-ro" => {
                let spec = value()?;
                let spec = spec
                    .to_str()
                    .ok_or_else(|| Failure::Usage(format!("--{name}: the directory is not UTF-8")))?
                    .to_string();
                let (host, guest) = match spec.split_once("::") {
                    Some((host, guest)) => (host.to_string(), guest.to_string()),
                    None => (spec.clone(), spec.clone()),
                };
                if host.is_empty() || guest.is_empty() {
                    return Err(Failure::Usage(format!("--{name}: expected HOST or HOST::GUEST, got `{spec}`")));
                }
                self.dirs.push((PathBuf::from(host), guest, name == "dir"));
            }
            "env" => self.env.push(value()?),
            "inherit-env" => self.inherit_env = true,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Reads the WASI options that follow FILE, up to `--` or the first other argument; returns the program's
    /// arguments (everything after).
    pub(crate) fn after_file(&mut self, rest: Vec<OsString>) -> Result<Vec<OsString>, Failure> {
        let mut i = 0;
        while let Some(arg) = rest.get(i).and_then(|a| a.to_str()) {
            if arg == "--" {
                i += 1;
                break;
            }
            let Some(long) = arg.strip_prefix("--") else { break };
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(OsString::from(v))),
                None => (long, None),
            };
            if !matches!(name, "dir" | "dir-ro" | "env" | "inherit-env") {
                break;
            }
            i += 1;
            let mut value = || match inline.clone() {
                Some(v) => Ok(v),
                None => {
                    let v = rest.get(i).cloned().ok_or_else(|| Failure::Usage(format!("--{name} needs a value")))?;
                    i += 1;
                    Ok(v)
                }
            };
            self.option(name, &mut value)?;
        }
        Ok(rest.get(i..).unwrap_or_default().to_vec())
    }

    /// The context for a program run as `argv0 args...`: stdio inherited, and what the options grant.
    pub(crate) fn context(&self, argv0: &OsStr, args: &[OsString]) -> Result<WasiCtx, Failure> {
        let bytes = |s: &OsStr| host::os_bytes(s).ok_or_else(|| Failure::Usage(format!("{s:?} is not UTF-8")));
        let mut builder = host::builder().inherit_stdio().arg(bytes(argv0)?);
        for arg in args {
            builder = builder.arg(bytes(arg)?);
        }
        if self.inherit_env {
            builder = builder.inherit_env();
        }
        for entry in &self.env {
            let entry = bytes(entry)?;
            builder = match entry.iter().position(|&b| b == b'=') {
                Some(eq) => builder.env(&entry[..eq], &entry[eq + 1..]),
                // `--env NAME`: the host's value, if it has one.
                None => match std::env::var_os(OsStr::new(std::str::from_utf8(&entry).unwrap_or_default())) {
                    Some(value) => builder.env(&entry, bytes(&value)?),
                    None => builder,
                },
            };
        }
        for (dir, guest, writable) in &self.dirs {
            let handle = host::open_dir(dir).with_context(|| format!("cannot open directory `{}`", dir.display()))?;
            builder = builder.preopened_dir(handle, guest.clone(), *writable);
        }
        builder.build().map_err(|e| Failure::Usage(e.to_string()))
    }
}

/// Whether the module imports WASI preview1; an error if it imports another WASI version.
pub(crate) fn imports_wasi(module: &Module) -> Result<bool, Failure> {
    let mut wasi = false;
    for import in module.imports() {
        if import.module == MODULE {
            wasi = true;
        } else if import.module.starts_with("wasi") {
            return Err(Failure::Error(anyhow!(
                "link error: the module imports `{}` `{}`: only WASI preview1 (`{MODULE}`) is available",
                import.module,
                import.name
            )));
        }
    }
    Ok(wasi)
}
