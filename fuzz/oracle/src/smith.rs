//! wasm-smith configured to generate what Ember supports: WebAssembly 2.0 without SIMD.

use arbitrary::{Result, Unstructured};
use wasm_smith::{Config, Module};

/// A wasm-smith configuration drawn from the fuzzer's bytes, restricted to Ember's features (MVP, mutable
/// globals, sign extension, non-trapping float-to-int, multi-value, bulk memory, reference types; no SIMD, tail
/// calls, memory64, multi-memory, extended-const, GC, exceptions or threads). Modules have no imports.
///
/// With `bounded`, every memory and table has a small maximum (so `memory.grow`/`table.grow` results do not
/// depend on an engine's allocation limits) and NaNs are canonicalised before they become visible, which makes
/// the modules' behaviour engine-independent: the setting for differential fuzzing.
pub fn ember_config(u: &mut Unstructured<'_>, bounded: bool) -> Result<Config> {
    let mut config: Config = u.arbitrary()?;
    config.simd_enabled = false;
    config.relaxed_simd_enabled = false;
    config.tail_call_enabled = false;
    config.memory64_enabled = false;
    config.extended_const_enabled = false;
    config.gc_enabled = false;
    config.exceptions_enabled = false;
    config.threads_enabled = false;
    config.custom_page_sizes_enabled = false;
    config.wide_arithmetic_enabled = false;
    config.shared_everything_threads_enabled = false;
    config.custom_descriptors_enabled = false;
    config.compact_imports_enabled = false;
    config.max_memories = config.max_memories.min(1);
    config.max_imports = 0;
    config.max_tags = 0;
    config.max_type_size = config.max_type_size.min(1000);
    // Keep modules small enough for many executions per second.
    config.max_funcs = config.max_funcs.min(50);
    config.max_instructions = config.max_instructions.min(500);
    config.max_memory32_bytes = config.max_memory32_bytes.min(1 << 20);
    config.max_table_elements = config.max_table_elements.min(10_000);
    config.max_data_segments = config.max_data_segments.min(50);
    config.max_element_segments = config.max_element_segments.min(50);
    config.max_elements = config.max_elements.min(100);
    if bounded {
        config.memory_max_size_required = true;
        config.max_memory32_bytes = config.max_memory32_bytes.min(16 * 65536);
        config.table_max_size_required = true;
        config.max_table_elements = config.max_table_elements.min(1000);
        config.canonicalize_nans = true;
        config.export_everything = true;
    }
    Ok(config)
}

/// A module for Ember drawn from the fuzzer's bytes, as a binary. With `terminating`, loops and calls are
/// bounded by a fuel global (wasm-smith's `ensure_termination`): running out traps with `unreachable`.
pub fn ember_module(u: &mut Unstructured<'_>, bounded: bool, terminating: bool) -> Result<Vec<u8>> {
    let config = ember_config(u, bounded)?;
    module_from_config(u, config, terminating)
}

/// A module generated with `config` (see [`ember_config`]), as a binary; `terminating` as for
/// [`ember_module`].
pub fn module_from_config(u: &mut Unstructured<'_>, config: Config, terminating: bool) -> Result<Vec<u8>> {
    let mut module = Module::new(config, u)?;
    if terminating {
        module.ensure_termination(1000).map_err(|_| arbitrary::Error::IncorrectFormat)?;
    }
    Ok(module.to_bytes())
}
