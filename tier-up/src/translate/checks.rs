//! Bounds checks already made on the current straight-line path, so that a second access through the same
//! address value (a load and a store of `a[i]`, or two fields of one struct) does not check again.
//!
//! A check `index + end <= memory length` stays true for the rest of the path: memories never shrink. The
//! path runs through blocks that each have one predecessor (the fall-through of a trap or status check);
//! any other block starts with no checks known, because it may be reached without them.

use cranelift_codegen::ir::{Block, Value};

/// How many checks are remembered (the oldest is forgotten first): enough for the accesses of one
/// expression, few enough that a lookup stays a short scan.
const REMEMBERED: usize = 8;

/// The bounds checks made on the path ending in `block`.
#[derive(Default)]
pub(crate) struct HeapChecks {
    block: Option<Block>,
    /// Address value and the end (offset + access size) it was checked for.
    checked: Vec<(Value, u64)>,
}

impl HeapChecks {
    /// Whether an access at `index` (the i32 address value) ending `end` bytes past it, in `block`, is known
    /// to be in bounds.
    pub(crate) fn covers(&mut self, block: Option<Block>, index: Value, end: u64) -> bool {
        if block != self.block {
            self.block = block;
            self.checked.clear();
        }
        self.checked.iter().any(|&(v, e)| v == index && e >= end)
    }

    /// Remembers a check just made in the current block.
    pub(crate) fn record(&mut self, index: Value, end: u64) {
        if self.checked.len() == REMEMBERED {
            self.checked.remove(0);
        }
        self.checked.push((index, end));
    }

    /// The path goes on from `from` into `next`, whose only predecessor is `from`.
    pub(crate) fn follow(&mut self, from: Option<Block>, next: Block) {
        if from.is_some() && from == self.block {
            self.block = Some(next);
        }
    }
}
