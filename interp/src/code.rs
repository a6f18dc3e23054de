//! A translated function: its bytecode and frame layout.

use ember_core::OwnedOrStatic;

/// A function translated to register bytecode, ready to run.
#[derive(Debug, Clone)]
pub struct CompiledFunc {
    /// The instructions (see [`crate::ops`]): owned, or borrowed in place from a precompiled image in flash.
    pub code: OwnedOrStatic<u16>,
    /// Cells of the parameters, slots `0..num_params` ([`cells_for`](ember_core::cells_for) each: a `v128`
    /// takes two, every other type one).
    pub num_params: u16,
    /// Cells of the parameters plus declared locals: slots `num_params..num_locals` are zeroed on entry.
    pub num_locals: u32,
    /// Cells of the results, written to slots `0..num_results` on return.
    pub num_results: u16,
    /// Slots the frame needs: locals plus the deepest operand stack (including call results).
    pub frame_size: u32,
}

impl CompiledFunc {
    /// Size of the bytecode in bytes.
    pub fn code_bytes(&self) -> usize {
        self.code.len() * 2
    }
}
