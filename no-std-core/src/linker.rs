//! The linker: names host functions and store objects so that modules can import them.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::marker::PhantomData;

use crate::engine::Engine;
use crate::error::{Error, Trap};
use crate::func::HostFunc;
use crate::instance::Instance;
use crate::module::Module;
use crate::store::{AsStore, AsStoreMut, Caller};
use crate::typed::IntoFunc;
use crate::types::FuncType;
use crate::value::{Extern, Val};

#[derive(Clone)]
enum Definition {
    Extern(Extern),
    HostFunc(HostFunc),
}

/// Resolves imports by `(module, name)` for stores holding data of type `T`.
pub struct Linker<T> {
    engine: Engine,
    definitions: BTreeMap<(String, String), Definition>,
    allow_shadowing: bool,
    _data: PhantomData<fn() -> T>,
}

impl<T: 'static> Linker<T> {
    /// An empty linker.
    pub fn new(engine: &Engine) -> Self {
        Linker { engine: engine.clone(), definitions: BTreeMap::new(), allow_shadowing: false, _data: PhantomData }
    }
    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }
    /// Whether a new definition may replace one with the same name (default: no, it is an error).
    pub fn allow_shadowing(&mut self, allow: bool) -> &mut Self {
        self.allow_shadowing = allow;
        self
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition) -> Result<&mut Self, Error> {
        let key = (String::from(module), String::from(name));
        if !self.allow_shadowing && self.definitions.contains_key(&key) {
            return Err(Error::Link(format!("`{module}` `{name}` is already defined")));
        }
        self.definitions.insert(key, def);
        Ok(self)
    }

    /// Defines `module.name` as a store object.
    pub fn define(&mut self, module: &str, name: &str, item: impl Into<Extern>) -> Result<&mut Self, Error> {
        self.insert(module, name, Definition::Extern(item.into()))
    }

    /// Defines `module.name` as a host function with a dynamic signature.
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        func: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + 'static,
    ) -> Result<&mut Self, Error> {
        self.insert(module, name, Definition::HostFunc(HostFunc::new(ty, func)))
    }

    /// Defines `module.name` as a host function whose signature comes from its Rust types:
    /// `|caller: Caller<'_, T>, a: i32, b: i64| -> Result<i32, Trap>` (results may be `()`, a value, a tuple,
    /// or a `Result` of those).
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        func: impl IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self, Error> {
        self.insert(module, name, Definition::HostFunc(func.into_host_func()))
    }

    /// Defines every export of `instance` under the module name `module`.
    pub fn instance(&mut self, store: impl AsStore, module: &str, instance: Instance) -> Result<&mut Self, Error> {
        let exports: Vec<(String, Extern)> =
            instance.exports(&store).map(|(name, ext)| (String::from(name), ext)).collect();
        for (name, ext) in exports {
            self.define(module, &name, ext)?;
        }
        Ok(self)
    }

    /// The definition of `module.name`, placed in `store` if it is a host function.
    pub fn get(&self, mut store: impl AsStoreMut<Data = T>, module: &str, name: &str) -> Option<Extern> {
        match self.definitions.get(&(String::from(module), String::from(name)))? {
            Definition::Extern(e) => Some(*e),
            Definition::HostFunc(h) => Some(Extern::Func(store.as_inner_mut().linked_host_func(h))),
        }
    }

    /// Resolves the module's imports from this linker and instantiates it in `store`.
    pub fn instantiate(&self, mut store: impl AsStoreMut<Data = T>, module: &Module) -> Result<Instance, Error> {
        let mut imports = Vec::with_capacity(module.info().imports.len());
        for import in module.imports() {
            let ext = self.get(&mut store, &import.module, &import.name).ok_or_else(|| {
                Error::Link(format!(
                    "unknown import: `{}` `{}` ({})",
                    import.module,
                    import.name,
                    import.ty.kind_name()
                ))
            })?;
            imports.push(ext);
        }
        Instance::new(store, module, &imports)
    }
}

impl From<crate::func::Func> for Extern {
    fn from(f: crate::func::Func) -> Extern {
        Extern::Func(f)
    }
}
impl From<crate::memory::Memory> for Extern {
    fn from(m: crate::memory::Memory) -> Extern {
        Extern::Memory(m)
    }
}
impl From<crate::table::Table> for Extern {
    fn from(t: crate::table::Table) -> Extern {
        Extern::Table(t)
    }
}
impl From<crate::global::Global> for Extern {
    fn from(g: crate::global::Global) -> Extern {
        Extern::Global(g)
    }
}
