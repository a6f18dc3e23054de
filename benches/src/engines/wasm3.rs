//! wasm3, the threaded-code interpreter in C (crate `wasm3` 0.3 with `build-bindgen`).

use super::{err, Engine, Error, Instance};

/// Value-stack slots per runtime (512 KiB): plenty for the workloads' call depth.
const STACK_SLOTS: u32 = 64 * 1024;

/// wasm3 through its Rust bindings.
pub struct Wasm3 {
    env: wasm3::Environment,
}

impl Wasm3 {
    /// A wasm3 environment; each instantiation gets its own runtime.
    pub fn new() -> Self {
        Wasm3 { env: wasm3::Environment::new().expect("wasm3 environment") }
    }
}

impl Default for Wasm3 {
    fn default() -> Self {
        Self::new()
    }
}

/// The functions borrow the runtime, which is boxed beside them and dropped after them (field order).
struct Wasm3Instance {
    run: wasm3::Function<'static, i32, i32>,
    ping: wasm3::Function<'static, (), i32>,
    _runtime: Box<wasm3::Runtime>,
}

impl Engine for Wasm3 {
    fn name(&self) -> &'static str {
        "wasm3"
    }

    fn instantiate(&self, wasm: &[u8]) -> Result<Box<dyn Instance>, Error> {
        let runtime = Box::new(self.env.create_runtime(STACK_SLOTS).map_err(err)?);
        // SAFETY: the runtime lives on the heap at a fixed address until `Wasm3Instance` drops it, after the
        // functions that borrow it (fields drop in declaration order); the reference never escapes the instance.
        let rt: &'static wasm3::Runtime = unsafe { &*(runtime.as_ref() as *const wasm3::Runtime) };
        let module = rt.parse_and_load_module(wasm.to_vec()).map_err(err)?;
        if let Ok(init) = module.find_function::<(), ()>("_initialize") {
            init.call().map_err(err)?;
        }
        let run = module.find_function::<i32, i32>("run").map_err(err)?;
        let ping = module.find_function::<(), i32>("ping").map_err(err)?;
        Ok(Box::new(Wasm3Instance { run, ping, _runtime: runtime }))
    }
}

impl Instance for Wasm3Instance {
    fn run(&mut self, n: u32) -> Result<u32, Error> {
        self.run.call(n as i32).map(|r| r as u32).map_err(err)
    }

    fn ping(&mut self) -> Result<u32, Error> {
        self.ping.call().map(|r| r as u32).map_err(err)
    }
}
