//! Calls: finding (or translating) a wasm function's code, and calling host functions with arguments taken
//! from, and results written to, value-stack slots.

use alloc::boxed::Box;

use ember_core::{cells_for, cells_of, FuncEntity, Instance, StoreInner, Trap, Val};

use super::bad_code;
use super::state::{self, Entry, ExecState};
use crate::verify::VerifiedFunc;

/// The cache entry of store function `func` (a wasm function of `instance` with module index `index`),
/// translating it first if it has no code yet.
#[inline]
pub(crate) fn entry<'s>(
    store: &StoreInner,
    st: &'s mut ExecState,
    func: usize,
    instance: Instance,
    index: u32,
) -> Result<&'s mut Entry, Trap> {
    if st.entry(func).is_none() {
        let code = compile(store, instance, index)?;
        return Ok(st.set_code(func, code, instance.index()));
    }
    st.entry(func).ok_or_else(|| bad_code("function cache"))
}

/// The code of function `index` of `instance`'s module: its precompiled code if the module came from an
/// image, otherwise translated with the engine's options.
#[cfg(feature = "translate")]
#[cold]
#[inline(never)]
pub(crate) fn compile(store: &StoreInner, instance: Instance, index: u32) -> Result<VerifiedFunc, Trap> {
    if let Some(code) = precompiled(store, instance, index) {
        return code;
    }
    translate(store, instance, index).map_err(|e| Trap::host(alloc::format!("cannot translate function {index}: {e}")))
}

/// Function `index`'s precompiled code, if `instance`'s module came from an image.
fn precompiled(store: &StoreInner, instance: Instance, index: u32) -> Option<Result<VerifiedFunc, Trap>> {
    let code = crate::image::precompiled_code(store, instance, index)?;
    Some(code.map_err(|e| Trap::host(alloc::format!("cannot install function {index}: {e}"))))
}

/// Translates function `index` of `instance`'s module with the engine's options.
#[cfg(feature = "translate")]
pub(crate) fn translate(store: &StoreInner, instance: Instance, index: u32) -> Result<VerifiedFunc, ember_core::Error> {
    let config = store.engine().config();
    let options = crate::translate::TranslateOptions {
        fuel: config.get_consume_fuel(),
        profile: config.get_tier_up_threshold().is_some(),
    };
    let inst = store
        .instances()
        .get(instance.index() as usize)
        .ok_or_else(|| ember_core::Error::Usage("function of an unknown instance".into()))?;
    crate::translate::translate_verified(inst.module.info(), index, &options)
}

/// Without a translator, only precompiled and installed code can run.
#[cfg(not(feature = "translate"))]
#[cold]
#[inline(never)]
pub(crate) fn compile(store: &StoreInner, instance: Instance, index: u32) -> Result<VerifiedFunc, Trap> {
    if let Some(code) = precompiled(store, instance, index) {
        return code;
    }
    Err(Trap::host(alloc::format!(
        "function {index} has no compiled code, and this build of the interpreter cannot translate wasm"
    )))
}

/// Calls host function `func` (a store index) for `caller`: arguments are the value-stack slots from
/// `args_at`, results are written back there. The state goes back into the store for the duration of the call
/// (so the host can call wasm again, above `top`), and `slot` holds it again afterwards.
pub(crate) fn call_host(
    store: &mut StoreInner,
    slot: &mut Option<Box<ExecState>>,
    func: usize,
    caller: Option<Instance>,
    args_at: usize,
    top: usize,
) -> Result<(), Trap> {
    let (type_id, call) = match store.funcs().get(func) {
        Some(FuncEntity::Host { type_id, func }) => (*type_id as usize, func.call.clone()),
        _ => return Err(bad_code("host function index")),
    };
    let ty = store.types().get(type_id).ok_or_else(|| bad_code("type id"))?;
    let mut st = slot.take().ok_or_else(state::lost)?;
    let mut params = core::mem::take(&mut st.host_params);
    let mut results = core::mem::take(&mut st.host_results);
    params.clear();
    results.clear();
    // The arguments and results are laid out by cells from `args_at`, as in a callee's frame.
    let (param_cells, result_cells) = (cells_of(ty.params()), cells_of(ty.results()));
    let args = st.stack.get(args_at..).unwrap_or(&[]);
    if args.len() < param_cells.max(result_cells) {
        *slot = Some(st);
        return Err(bad_code("host call arguments"));
    }
    let mut at = 0;
    params.extend(ty.params().iter().map(|&t| {
        let val = Val::read_cells(t, args.get(at..).unwrap_or(&[]));
        at += cells_for(t) as usize;
        val
    }));
    results.extend(ty.results().iter().map(|t| Val::default_for(*t)));

    let saved_top = core::mem::replace(&mut st.stack_top, top);
    state::put(store, st);
    let outcome = call(store, caller, &params, &mut results);
    let Some(mut st) = state::reclaim(store) else {
        return Err(state::lost());
    };
    st.stack_top = saved_top;

    if outcome.is_ok() {
        if let Some(out) = st.stack.get_mut(args_at..).and_then(|cells| cells.get_mut(..result_cells)) {
            write_cells(out, &results);
        }
    }
    st.host_params = params;
    st.host_results = results;
    *slot = Some(st);
    outcome
}

/// Writes `params` to the value stack from `base`, laid out by cells, and zeroes the rest of the callee's
/// locals (`num_locals` cells, parameters included).
pub(crate) fn write_params(stack: &mut [u64], base: usize, params: &[Val], num_locals: usize) {
    let param_cells: usize = params.iter().map(|v| cells_for(v.ty()) as usize).sum();
    let end = super::state::frame_end(base, num_locals.max(param_cells));
    if let Some(frame) = end.and_then(|end| stack.get_mut(base..end)) {
        let (p, locals) = frame.split_at_mut(param_cells);
        write_cells(p, params);
        locals.fill(0);
    }
}

/// Writes `vals` into `cells`, one after the other by cells (what does not fit is left out).
pub(crate) fn write_cells(cells: &mut [u64], vals: &[Val]) {
    let mut at = 0;
    for val in vals {
        if let Some(out) = cells.get_mut(at..) {
            val.write_cells(out);
        }
        at += cells_for(val.ty()) as usize;
    }
}

/// Reads results of the given types from the value stack at `base`, laid out by cells.
pub(crate) fn read_results(stack: &[u64], base: usize, results: &mut [Val], types: &[ember_core::ValType]) {
    let cells = stack.get(base..).unwrap_or(&[]);
    let mut at = 0;
    for (out, &ty) in results.iter_mut().zip(types) {
        *out = Val::read_cells(ty, cells.get(at..).unwrap_or(&[]));
        at += cells_for(ty) as usize;
    }
}
