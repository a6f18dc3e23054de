//! The `ember:ports` import module: host functions over a [`Ports`](crate::Ports) table.

use alloc::vec::Vec;

use ember_core::{Caller, Error, Extern, ExternType, HostFunc, Instance, IntoFunc, Linker, Module, Store};

use crate::{code, HasPorts, Ports};

/// The import module name.
pub const MODULE: &str = "ember:ports";

/// Longest buffer one I2C or SPI call moves (the bytes pass through a buffer on the host stack). Serial writes
/// of any length are sent in pieces of this size.
pub const MAX_TRANSFER: usize = 64;

/// Defines every `ember:ports` function in `linker`, for stores whose data is (or holds) a [`Ports`] table.
/// Defines every `ember:ports` function in `linker`, for stores whose data is (or holds) a [`Ports`] table.
pub fn add_to_linker<T: HasPorts>(linker: &mut Linker<T>) -> Result<(), Error> {
    define_all(linker)
}

/// Instantiates `module`, whose imports must all be `ember:ports` functions, without a [`Linker`]: the
/// smallest way on a device (a `Linker` costs about 4.5 KB of flash for its name map).
pub fn instantiate<T: HasPorts>(store: &mut Store<T>, module: &Module) -> Result<Instance, Error> {
    let mut imports: Vec<Option<Extern>> = module.imports().map(|_| None).collect();
    resolve(store, module, &mut imports)?;
    let mut resolved = Vec::with_capacity(imports.len());
    for (import, slot) in module.imports().zip(imports) {
        resolved.push(slot.ok_or_else(|| {
            Error::Link(alloc::format!(
                "unknown import: `{}` `{}` ({})",
                import.module,
                import.name,
                import.ty.kind_name()
            ))
        })?);
    }
    Instance::new(store, module, &resolved)
}

/// Fills the slots of `imports` (one per import of `module`, in order) that name `ember:ports` functions
/// with host functions of `store`, leaving the others as they are: for a module that also imports other
/// modules (such as WASI), resolved the same way and then passed to [`Instance::new`].
pub fn resolve<T: HasPorts>(
    store: &mut Store<T>,
    module: &Module,
    imports: &mut [Option<Extern>],
) -> Result<(), Error> {
    define_all(&mut Resolver { store, module, imports })
}

/// Where the host functions go: a [`Linker`], or the imports of one module.
trait Define<T> {
    fn define<P, R>(&mut self, name: &str, f: impl IntoFunc<T, P, R>) -> Result<(), Error>;
}

impl<T: 'static> Define<T> for Linker<T> {
    fn define<P, R>(&mut self, name: &str, f: impl IntoFunc<T, P, R>) -> Result<(), Error> {
        self.func_wrap(MODULE, name, f).map(|_| ())
    }
}

/// Resolves a module's `ember:ports` imports into functions of one store.
struct Resolver<'a, T: 'static> {
    store: &'a mut Store<T>,
    module: &'a Module,
    imports: &'a mut [Option<Extern>],
}

impl<T: 'static> Define<T> for Resolver<'_, T> {
    fn define<P, R>(&mut self, name: &str, f: impl IntoFunc<T, P, R>) -> Result<(), Error> {
        if self.wanted(name) {
            self.place(name, f.into_host_func());
        }
        Ok(())
    }
}

impl<T: 'static> Resolver<'_, T> {
    /// Whether the module imports a function `name` from `ember:ports`. (The import's type is checked at
    /// instantiation.) Not generic over the function, so one copy serves them all.
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

/// Defines every `ember:ports` function.
fn define_all<T: HasPorts>(d: &mut impl Define<T>) -> Result<(), Error> {
    d.define("pin_set", |mut c: Caller<'_, T>, pin: u32, high: u32| with_output(&mut c, pin, |p| p.set(high != 0)))?;
    d.define("pin_toggle", |mut c: Caller<'_, T>, pin: u32| with_output(&mut c, pin, |p| p.toggle()))?;
    d.define("pin_read", |mut c: Caller<'_, T>, pin: u32| match c.data_mut().ports().inputs.get_mut(pin as usize) {
        Some(p) => p.is_high().map_or_else(|e| e, i32::from),
        None => code::BAD_HANDLE,
    })?;
    d.define("delay_us", |mut c: Caller<'_, T>, us: u32| with_delay(c.data_mut().ports(), |d| d.delay_us(us)))?;
    d.define("delay_ms", |mut c: Caller<'_, T>, ms: u32| with_delay(c.data_mut().ports(), |d| d.delay_ms(ms)))?;
    d.define("serial_write", |mut c: Caller<'_, T>, port: u32, ptr: u32, len: u32| {
        serial_write(&mut c, port, ptr, len)
    })?;
    d.define("i2c_write", |mut c: Caller<'_, T>, bus: u32, addr: u32, ptr: u32, len: u32| {
        let mut buf = [0u8; MAX_TRANSFER];
        let Some(bytes) = read_app(&c, ptr, len, &mut buf) else { return code::BAD_ARGUMENT };
        let Ok(addr) = u8::try_from(addr) else { return code::BAD_ARGUMENT };
        match c.data_mut().ports().i2cs.get_mut(bus as usize) {
            Some(b) => status(b.write(addr, bytes)),
            None => code::BAD_HANDLE,
        }
    })?;
    d.define("i2c_read", |mut c: Caller<'_, T>, bus: u32, addr: u32, ptr: u32, len: u32| {
        let mut buf = [0u8; MAX_TRANSFER];
        let Some(n) = checked_len(&c, ptr, len) else { return code::BAD_ARGUMENT };
        let Ok(addr) = u8::try_from(addr) else { return code::BAD_ARGUMENT };
        let outcome = match c.data_mut().ports().i2cs.get_mut(bus as usize) {
            Some(b) => b.read(addr, &mut buf[..n]),
            None => return code::BAD_HANDLE,
        };
        finish_read(&mut c, outcome, ptr, &buf[..n])
    })?;
    d.define(
        "i2c_write_read",
        |mut c: Caller<'_, T>, bus: u32, addr: u32, wptr: u32, wlen: u32, rptr: u32, rlen: u32| {
            let (mut wbuf, mut rbuf) = ([0u8; MAX_TRANSFER], [0u8; MAX_TRANSFER]);
            let Some(bytes) = read_app(&c, wptr, wlen, &mut wbuf) else { return code::BAD_ARGUMENT };
            let Some(n) = checked_len(&c, rptr, rlen) else { return code::BAD_ARGUMENT };
            let Ok(addr) = u8::try_from(addr) else { return code::BAD_ARGUMENT };
            let outcome = match c.data_mut().ports().i2cs.get_mut(bus as usize) {
                Some(b) => b.write_read(addr, bytes, &mut rbuf[..n]),
                None => return code::BAD_HANDLE,
            };
            finish_read(&mut c, outcome, rptr, &rbuf[..n])
        },
    )?;
    d.define("spi_transfer", |mut c: Caller<'_, T>, dev: u32, ptr: u32, len: u32| {
        let mut buf = [0u8; MAX_TRANSFER];
        let n = match read_app(&c, ptr, len, &mut buf) {
            Some(bytes) => bytes.len(),
            None => return code::BAD_ARGUMENT,
        };
        let outcome = match c.data_mut().ports().spis.get_mut(dev as usize) {
            Some(d) => d.transfer_in_place(&mut buf[..n]),
            None => return code::BAD_HANDLE,
        };
        finish_read(&mut c, outcome, ptr, &buf[..n])
    })?;
    Ok(())
}

fn status(outcome: Result<(), i32>) -> i32 {
    outcome.map_or_else(|e| e, |()| code::OK)
}

fn with_output<T: HasPorts>(
    c: &mut Caller<'_, T>,
    pin: u32,
    f: impl FnOnce(&mut dyn crate::OutputPort) -> Result<(), i32>,
) -> i32 {
    match c.data_mut().ports().outputs.get_mut(pin as usize) {
        Some(p) => status(f(&mut **p)),
        None => code::BAD_HANDLE,
    }
}

fn with_delay(ports: &mut Ports, f: impl FnOnce(&mut dyn crate::DelayPort)) -> i32 {
    match ports.delay.as_deref_mut() {
        Some(d) => {
            f(d);
            code::OK
        }
        None => code::NO_DELAY,
    }
}

/// The calling instance's exported `memory`.
fn memory<T: HasPorts>(c: &Caller<'_, T>) -> Option<ember_core::Memory> {
    match c.get_export("memory")? {
        Extern::Memory(m) => Some(m),
        _ => None,
    }
}

/// `len` if it is at most [`MAX_TRANSFER`] and `ptr..ptr + len` lies in the app's memory.
fn checked_len<T: HasPorts>(c: &Caller<'_, T>, ptr: u32, len: u32) -> Option<usize> {
    let len = usize::try_from(len).ok().filter(|&n| n <= MAX_TRANSFER)?;
    let start = usize::try_from(ptr).ok()?;
    let data = memory(c)?.data(c);
    start.checked_add(len).filter(|&end| end <= data.len())?;
    Some(len)
}

/// Copies the app's bytes `ptr..ptr + len` into `buf`; `None` if they are not all in its memory or too many.
fn read_app<'b, T: HasPorts>(
    c: &Caller<'_, T>,
    ptr: u32,
    len: u32,
    buf: &'b mut [u8; MAX_TRANSFER],
) -> Option<&'b [u8]> {
    let n = checked_len(c, ptr, len)?;
    let start = ptr as usize;
    let data = memory(c)?.data(c);
    let out = &mut buf[..n];
    out.copy_from_slice(data.get(start..start + n)?);
    Some(out)
}

/// After a read into `bytes`: copies them to the app at `ptr` on success; returns the status.
fn finish_read<T: HasPorts>(c: &mut Caller<'_, T>, outcome: Result<(), i32>, ptr: u32, bytes: &[u8]) -> i32 {
    if let Err(e) = outcome {
        return e;
    }
    match memory(c) {
        Some(m) if m.write(&mut *c, ptr as usize, bytes).is_ok() => code::OK,
        _ => code::BAD_ARGUMENT,
    }
}

/// Sends the app's bytes `ptr..ptr + len` to serial port `port` in pieces; returns `len` or a status code.
fn serial_write<T: HasPorts>(c: &mut Caller<'_, T>, port: u32, ptr: u32, len: u32) -> i32 {
    if c.data_mut().ports().serials.get(port as usize).is_none() {
        return code::BAD_HANDLE;
    }
    let (Ok(total), Ok(start)) = (i32::try_from(len), usize::try_from(ptr)) else { return code::BAD_ARGUMENT };
    let Some(mem) = memory(c) else { return code::BAD_ARGUMENT };
    if start.checked_add(total as usize).is_none_or(|end| end > mem.data(&*c).len()) {
        return code::BAD_ARGUMENT;
    }
    let mut buf = [0u8; MAX_TRANSFER];
    let mut done = 0usize;
    while done < total as usize {
        let n = (total as usize - done).min(MAX_TRANSFER);
        let piece = &mut buf[..n];
        if mem.read(&*c, start + done, piece).is_err() {
            return code::BAD_ARGUMENT;
        }
        let Some(port) = c.data_mut().ports().serials.get_mut(port as usize) else { return code::BAD_HANDLE };
        if let Err(e) = port.write_all(piece) {
            return e;
        }
        done += n;
    }
    total
}
