//! Code memory: compiled functions placed in executable memory through `cranelift-jit`, which keeps pages
//! writable while code is written and makes them read+execute (never both) before any of it runs.

use std::sync::OnceLock;

use cranelift_codegen::ir::Function;
use cranelift_codegen::isa::{OwnedTargetIsa, TargetFrontendConfig};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::Context;
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::Module;

use crate::translate::Entry;

/// The host ISA, configured once per process.
fn isa() -> Result<&'static OwnedTargetIsa, String> {
    static ISA: OnceLock<Result<OwnedTargetIsa, String>> = OnceLock::new();
    ISA.get_or_init(|| {
        let mut flags = settings::builder();
        let set = |f: &mut settings::Builder, k: &str, v: &str| f.set(k, v).map_err(|e| e.to_string());
        set(&mut flags, "opt_level", "speed")?;
        set(&mut flags, "is_pic", "false")?;
        set(&mut flags, "use_colocated_libcalls", "false")?;
        // Cranelift's IR verifier takes about a tenth of the compile time; debug builds (the tests) keep it.
        set(&mut flags, "enable_verifier", if cfg!(debug_assertions) { "true" } else { "false" })?;
        let builder = cranelift_native::builder().map_err(|e| format!("no native code for this host: {e}"))?;
        builder.finish(settings::Flags::new(flags)).map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Whether this host can run native code: Cranelift supports its ISA, and it is a 64-bit little-endian
/// host (the layout native code assumes: 64-bit cells with 32-bit values in their low half, 8-byte
/// pointers in the context's tables).
pub fn available() -> bool {
    cfg!(target_endian = "little") && cfg!(target_pointer_width = "64") && isa().is_ok()
}

/// What the translator needs to know about the target (pointer width, calling convention).
pub fn target() -> Result<TargetFrontendConfig, String> {
    if !cfg!(target_endian = "little") || !cfg!(target_pointer_width = "64") {
        return Err("native code needs a 64-bit little-endian host".into());
    }
    Ok(isa()?.frontend_config())
}

/// Executable memory holding the functions compiled for one store.
pub struct CodeMemory {
    module: Option<JITModule>,
    ctx: Context,
}

impl CodeMemory {
    /// Empty code memory for the host ISA.
    pub fn new() -> Result<CodeMemory, String> {
        let builder = JITBuilder::with_isa(isa()?.clone(), cranelift_module::default_libcall_names());
        Ok(CodeMemory { module: Some(JITModule::new(builder)), ctx: Context::new() })
    }

    /// Compiles `func` and places it in executable memory; returns its entry point and code size in bytes.
    pub fn compile(&mut self, func: Function) -> Result<(*const u8, usize), String> {
        let module = self.module.as_mut().ok_or("code memory released")?;
        let id = module.declare_anonymous_function(&func.signature).map_err(|e| e.to_string())?;
        self.ctx.func = func;
        let defined = module.define_function(id, &mut self.ctx).map_err(|e| format!("{e:?}"));
        let size = self.ctx.compiled_code().map_or(0, |c| c.code_buffer().len());
        module.clear_context(&mut self.ctx);
        defined?;
        module.finalize_definitions().map_err(|e| e.to_string())?;
        Ok((module.get_finalized_function(id), size))
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        if let Some(module) = self.module.take() {
            // SAFETY: the code memory belongs to one store's tier state, dropped with the store (or replaced)
            // when no wasm of that store is running, so no compiled function can run after this.
            unsafe { module.free_memory() };
        }
    }
}

/// Machine code compiled away from any code memory (on a worker thread), ready to be placed.
pub struct Compiled {
    bytes: Vec<u8>,
    alignment: u64,
    /// The function, kept for the rare code that needs relocations (placed by [`CodeMemory::compile`]).
    func: Option<Function>,
}

/// Compiles `func` for the host ISA without placing it anywhere. Thread-safe.
pub fn compile_detached(func: Function) -> Result<Compiled, String> {
    let isa = isa()?;
    let mut ctx = Context::for_function(func);
    let code = ctx
        .compile(&**isa, &mut cranelift_codegen::control::ControlPlane::default())
        .map_err(|e| format!("{:?}", e.inner))?;
    if !code.buffer.relocs().is_empty() {
        // Libcalls (e.g. float rounding on hosts without SSE4.1): let the code memory link them.
        return Ok(Compiled { bytes: Vec::new(), alignment: 0, func: Some(ctx.func) });
    }
    let alignment =
        u64::from(code.buffer.alignment).max(u64::from(isa.function_alignment().minimum)).max(isa.symbol_alignment());
    Ok(Compiled { bytes: code.code_buffer().to_vec(), alignment, func: None })
}

impl CodeMemory {
    /// Places code compiled by [`compile_detached`] for `entry`; returns its entry point and size in bytes.
    pub fn place(&mut self, compiled: Compiled, entry: Entry) -> Result<(*const u8, usize), String> {
        if let Some(func) = compiled.func {
            return self.compile(func);
        }
        let module = self.module.as_mut().ok_or("code memory released")?;
        let call_conv = module.isa().default_call_conv();
        let sig = match entry {
            Entry::Function => crate::translate::native_signature(call_conv),
            Entry::Loops => crate::translate::osr_signature(call_conv),
        };
        let id = module.declare_anonymous_function(&sig).map_err(|e| e.to_string())?;
        module.define_function_bytes(id, compiled.alignment, &compiled.bytes, &[]).map_err(|e| e.to_string())?;
        module.finalize_definitions().map_err(|e| e.to_string())?;
        Ok((module.get_finalized_function(id), compiled.bytes.len()))
    }
}
