//! Memory flags of native code's loads and stores. Each kind of memory native code touches gets its own alias
//! region, so that Cranelift's alias analysis knows, for example, that a store to linear memory leaves the
//! context's fields alone: memory 0's base and length are then loaded once per stretch of code without
//! calls instead of after every store. Every write to the runtime's structures (memory growth, table
//! changes) happens inside a call, which Cranelift treats as touching every region.

use cranelift_codegen::ir::{AliasRegion, AliasRegionData, Function, MemFlagsData};

/// What a load or store touches.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Mem {
    /// Linear memory 0, bounds-checked before the access (so it cannot fault).
    Heap,
    /// The runtime's structures native code only reads: the context's fields, table views, the store-wide
    /// function arrays, instance function tables.
    Runtime,
    /// 64-bit cells native code reads and writes: the frame's cells, call argument cells and global cells.
    Cells,
    /// The store's remaining fuel.
    Fuel,
}

/// The alias region of each [`Mem`] in one function.
#[derive(Copy, Clone, Debug)]
pub(crate) struct Regions {
    heap: AliasRegion,
    runtime: AliasRegion,
    cells: AliasRegion,
    fuel: AliasRegion,
}

impl Regions {
    /// Declares the regions in `func`.
    pub(crate) fn declare(func: &mut Function) -> Regions {
        let mut region = |user_id, description: &'static str| {
            func.dfg.alias_regions.insert(AliasRegionData { user_id, description: description.into() })
        };
        Regions {
            heap: region(0, "memory 0"),
            runtime: region(1, "runtime"),
            cells: region(2, "cells"),
            fuel: region(3, "fuel"),
        }
    }

    /// Flags for an access to `mem`.
    pub(crate) fn flags(self, mem: Mem) -> MemFlagsData {
        let r = self;
        match mem {
            Mem::Heap => MemFlagsData::new().with_notrap().with_alias_region(Some(r.heap)),
            Mem::Runtime => MemFlagsData::trusted().with_alias_region(Some(r.runtime)),
            Mem::Cells => MemFlagsData::trusted().with_alias_region(Some(r.cells)),
            Mem::Fuel => MemFlagsData::trusted().with_alias_region(Some(r.fuel)),
        }
    }
}
