//! Functions: wasm functions of an instance, and host functions written in Rust.

use alloc::vec::Vec;
use core::fmt;

use crate::error::{Error, Trap};
use crate::instance::Instance;
use crate::store::{AsStore, AsStoreMut, StoreInner};
use crate::types::FuncType;
use crate::value::Val;
use crate::Shared;

/// A host function with its store type erased: it receives the store, the calling instance (if called from
/// wasm), the arguments and room for the results.
pub type HostFuncTrampoline = dyn Fn(&mut StoreInner, Option<Instance>, &[Val], &mut [Val]) -> Result<(), Trap>;

/// A host function not yet placed in a store: its signature and code.
#[derive(Clone)]
pub struct HostFunc {
    /// The signature.
    pub ty: FuncType,
    /// The code.
    pub call: Shared<HostFuncTrampoline>,
}

impl fmt::Debug for HostFunc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HostFunc({})", self.ty)
    }
}

/// A function as the store holds it.
#[derive(Clone, Debug)]
pub enum FuncEntity {
    /// A function defined by a wasm module.
    Wasm {
        /// The store-wide id of its signature (equal ids mean equal signatures).
        type_id: u32,
        /// The instance that defines it.
        instance: Instance,
        /// Its index in the module's function index space.
        index: u32,
    },
    /// A host function.
    Host {
        /// The store-wide id of its signature.
        type_id: u32,
        /// The function.
        func: HostFunc,
    },
}

impl FuncEntity {
    /// The store-wide id of the signature.
    pub fn type_id(&self) -> u32 {
        match self {
            FuncEntity::Wasm { type_id, .. } | FuncEntity::Host { type_id, .. } => *type_id,
        }
    }
}

/// A handle to a function in a store.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Func(u32);

impl Func {
    /// The handle for store function number `index`.
    pub fn from_index(index: u32) -> Func {
        Func(index)
    }
    /// The store function number.
    pub fn index(&self) -> u32 {
        self.0
    }

    /// Defines a host function with a dynamic signature in `store`.
    pub fn new<T: 'static>(
        mut store: impl AsStoreMut<Data = T>,
        ty: FuncType,
        func: impl Fn(crate::store::Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + 'static,
    ) -> Func {
        let host = HostFunc::new::<T>(ty, func);
        store.as_inner_mut().push_host_func(host)
    }

    /// The function's signature.
    pub fn ty(&self, store: impl AsStore) -> FuncType {
        let inner = store.as_inner();
        match inner.objects.funcs.get(self.0 as usize) {
            Some(f) => inner.objects.types[f.type_id() as usize].clone(),
            None => FuncType::new([], []),
        }
    }

    /// Calls the function: checks the arguments against its signature, runs it, and writes `results`.
    pub fn call(&self, mut store: impl AsStoreMut, params: &[Val], results: &mut [Val]) -> Result<(), Error> {
        let inner = store.as_inner_mut();
        let entity = inner
            .objects
            .funcs
            .get(self.0 as usize)
            .ok_or_else(|| Error::Usage("function not in this store".into()))?;
        let ty = &inner.objects.types[entity.type_id() as usize];
        if ty.params().len() != params.len() || ty.params().iter().zip(params).any(|(t, v)| *t != v.ty()) {
            return Err(Error::Usage(alloc::format!("arguments do not match the signature {ty}")));
        }
        if ty.results().len() != results.len() {
            return Err(Error::Usage(alloc::format!("expected room for {} results", ty.results().len())));
        }
        for (slot, t) in results.iter_mut().zip(ty.results()) {
            *slot = Val::default_for(*t);
        }
        let executor = inner.engine().executor();
        executor.call(inner, *self, params, results).map_err(Error::Trap)
    }

    /// Calls the function and returns its results in a new vector.
    pub fn call_to_vec(&self, mut store: impl AsStoreMut, params: &[Val]) -> Result<Vec<Val>, Error> {
        let n = self.ty(&mut store).results().len();
        let mut results = alloc::vec![Val::I32(0); n];
        self.call(store, params, &mut results)?;
        Ok(results)
    }
}

impl HostFunc {
    /// Wraps a closure over a store of type `T` into a store-independent host function.
    pub fn new<T: 'static>(
        ty: FuncType,
        func: impl Fn(crate::store::Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + 'static,
    ) -> HostFunc {
        let call = move |store: &mut StoreInner, instance: Option<Instance>, params: &[Val], results: &mut [Val]| {
            func(crate::store::Caller::new(store, instance), params, results)
        };
        HostFunc { ty, call: Shared::new(call) }
    }
}
