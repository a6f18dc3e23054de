//! Statically typed calls into wasm and host functions from typed Rust closures.

use alloc::vec::Vec;
use core::marker::PhantomData;

use crate::error::{Error, Trap};
use crate::func::{Func, HostFunc};
use crate::store::{AsStore, AsStoreMut, Caller};
use crate::types::{FuncType, ValType};
use crate::value::Val;

/// A Rust type that is a wasm value type.
pub trait WasmTy: Sized + 'static {
    /// The wasm type.
    const TY: ValType;
    /// Into a value.
    fn into_val(self) -> Val;
    /// From a value of type `TY`.
    fn from_val(val: Val) -> Option<Self>;
}

macro_rules! wasm_ty {
    ($($t:ty => $ty:ident, $into:expr, $from:expr;)*) => {$(
        impl WasmTy for $t {
            const TY: ValType = ValType::$ty;
            fn into_val(self) -> Val {
                #[allow(clippy::redundant_closure_call)]
                ($into)(self)
            }
            fn from_val(val: Val) -> Option<Self> {
                #[allow(clippy::redundant_closure_call)]
                ($from)(val)
            }
        }
    )*};
}

wasm_ty! {
    i32 => I32, Val::I32, |v: Val| v.i32();
    u32 => I32, |v: u32| Val::I32(v as i32), |v: Val| v.i32().map(|v| v as u32);
    i64 => I64, Val::I64, |v: Val| v.i64();
    u64 => I64, |v: u64| Val::I64(v as i64), |v: Val| v.i64().map(|v| v as u64);
    f32 => F32, |v: f32| Val::F32(v.to_bits()), |v: Val| v.f32();
    f64 => F64, |v: f64| Val::F64(v.to_bits()), |v: Val| v.f64();
    u128 => V128, Val::V128, |v: Val| v.v128();
}

/// Parameters of a typed call: `()`, one [`WasmTy`], or a tuple of them.
pub trait WasmParams: Sized {
    /// The wasm types, in order.
    fn types() -> Vec<ValType>;
    /// The values, in order.
    fn into_vals(self) -> Vec<Val>;
}

/// Results of a typed call: `()`, one [`WasmTy`], or a tuple of them.
pub trait WasmResults: Sized {
    /// The wasm types, in order.
    fn types() -> Vec<ValType>;
    /// Rebuilds the Rust value from wasm values of the right types.
    fn from_vals(vals: &[Val]) -> Option<Self>;
    /// Writes the values into `out`.
    fn write_vals(self, out: &mut [Val]);
}

impl<A: WasmTy> WasmParams for A {
    fn types() -> Vec<ValType> {
        alloc::vec![A::TY]
    }
    fn into_vals(self) -> Vec<Val> {
        alloc::vec![self.into_val()]
    }
}

impl<A: WasmTy> WasmResults for A {
    fn types() -> Vec<ValType> {
        alloc::vec![A::TY]
    }
    fn from_vals(vals: &[Val]) -> Option<Self> {
        A::from_val(*vals.first()?)
    }
    fn write_vals(self, out: &mut [Val]) {
        if let Some(slot) = out.first_mut() {
            *slot = self.into_val();
        }
    }
}

macro_rules! tuples {
    ($(($($n:ident $i:tt),*))*) => {$(
        impl<$($n: WasmTy),*> WasmParams for ($($n,)*) {
            fn types() -> Vec<ValType> {
                alloc::vec![$($n::TY),*]
            }
            #[allow(unused_variables)]
            fn into_vals(self) -> Vec<Val> {
                alloc::vec![$(self.$i.into_val()),*]
            }
        }
        impl<$($n: WasmTy),*> WasmResults for ($($n,)*) {
            fn types() -> Vec<ValType> {
                alloc::vec![$($n::TY),*]
            }
            #[allow(unused_variables)]
            fn from_vals(vals: &[Val]) -> Option<Self> {
                Some(($($n::from_val(*vals.get($i)?)?,)*))
            }
            #[allow(unused_variables)]
            fn write_vals(self, out: &mut [Val]) {
                $(if let Some(slot) = out.get_mut($i) { *slot = self.$i.into_val(); })*
            }
        }
    )*};
}

tuples! {
    ()
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9)
}

/// A function whose signature was checked once, so calls need no per-call type checks on the Rust side.
pub struct TypedFunc<Params, Results> {
    func: Func,
    _types: PhantomData<fn(Params) -> Results>,
}

impl<Params, Results> Clone for TypedFunc<Params, Results> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<Params, Results> Copy for TypedFunc<Params, Results> {}

impl<Params: WasmParams, Results: WasmResults> TypedFunc<Params, Results> {
    /// Checks `func`'s signature against `Params -> Results`.
    pub fn new(store: impl AsStore, func: Func) -> Result<Self, Error> {
        let ty = func.ty(&store);
        if ty.params() != Params::types().as_slice() || ty.results() != Results::types().as_slice() {
            return Err(Error::Usage(alloc::format!("function has signature {ty}, not the requested one")));
        }
        Ok(TypedFunc { func, _types: PhantomData })
    }
    /// The untyped function.
    pub fn func(&self) -> Func {
        self.func
    }
    /// Calls the function.
    pub fn call(&self, store: impl AsStoreMut, params: Params) -> Result<Results, Error> {
        let params = params.into_vals();
        let mut results: Vec<Val> = Results::types().into_iter().map(Val::default_for).collect();
        self.func.call(store, &params, &mut results)?;
        Results::from_vals(&results).ok_or_else(|| Error::Usage("result types changed".into()))
    }
}

/// What a typed host function may return: results, or a `Result` of them whose error is a [`Trap`].
pub trait HostReturn {
    /// The wasm result types.
    fn types() -> Vec<ValType>;
    /// Writes the results or returns the trap.
    fn write(self, out: &mut [Val]) -> Result<(), Trap>;
}

impl<R: WasmResults> HostReturn for R {
    fn types() -> Vec<ValType> {
        R::types()
    }
    fn write(self, out: &mut [Val]) -> Result<(), Trap> {
        self.write_vals(out);
        Ok(())
    }
}

impl<R: WasmResults> HostReturn for Result<R, Trap> {
    fn types() -> Vec<ValType> {
        R::types()
    }
    fn write(self, out: &mut [Val]) -> Result<(), Trap> {
        self?.write_vals(out);
        Ok(())
    }
}

/// A Rust closure usable as a host function: `Fn(Caller<'_, T>, A, B, ...) -> R`.
pub trait IntoFunc<T, Params, Results> {
    /// Wraps the closure.
    fn into_host_func(self) -> HostFunc;
}

macro_rules! into_func {
    ($(($($n:ident $i:tt),*))*) => {$(
        #[allow(non_camel_case_types)]
        impl<T: 'static, Func_, R, $($n: WasmTy),*> IntoFunc<T, ($($n,)*), R> for Func_
        where
            Func_: Fn(Caller<'_, T>, $($n),*) -> R + 'static,
            R: HostReturn,
        {
            fn into_host_func(self) -> HostFunc {
                let ty = FuncType::new(alloc::vec![$($n::TY),*], R::types());
                HostFunc::new::<T>(ty, move |caller, _params, results| {
                    // The store checked the arguments against the signature built above. One check for all of
                    // them: a `Trap` built per argument costs flash in every host function.
                    #[allow(clippy::redundant_closure_call)] // a block that `?` can leave
                    let args: Option<($($n,)*)> = (|| Some(($($n::from_val(*_params.get($i)?)?,)*)))();
                    let Some(_args) = args else {
                        return Err(Trap::engine_defect("host function argument of the wrong type"));
                    };
                    let r = (self)(caller, $(_args.$i),*);
                    r.write(results)
                })
            }
        }
    )*};
}

into_func! {
    ()
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9)
}

impl Func {
    /// Defines a host function in `store` whose signature comes from its Rust types.
    pub fn wrap<T: 'static, Params, Results>(
        mut store: impl AsStoreMut<Data = T>,
        func: impl IntoFunc<T, Params, Results>,
    ) -> Func {
        store.as_inner_mut().push_host_func(func.into_host_func())
    }

    /// This function as a [`TypedFunc`], if its signature is `Params -> Results`.
    pub fn typed<Params: WasmParams, Results: WasmResults>(
        &self,
        store: impl AsStore,
    ) -> Result<TypedFunc<Params, Results>, Error> {
        TypedFunc::new(store, *self)
    }
}
