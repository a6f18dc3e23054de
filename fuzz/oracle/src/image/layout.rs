//! The operand layout of every bytecode instruction, generated from the interpreter's instruction table
//! (`ember_interp::for_each_op!`), so that the image mutator knows where each operand of an instruction is
//! and what it means.

use ember::ember_interp::operand::{FarOffset, Offset, Slot, WideSlot};

/// How an operand is encoded.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// A frame slot (one unit).
    Slot,
    /// A `u16` (one unit).
    U16,
    /// An `i16` (one unit).
    I16,
    /// A `u32` (two units, low half first).
    U32,
    /// A `u64` (four units).
    U64,
    /// A near branch offset (`i16`, one unit).
    Offset,
    /// A far branch offset (`i32`, two units).
    FarOffset,
}

impl Encoding {
    /// Length in code units.
    pub fn units(self) -> usize {
        match self {
            Encoding::Slot | Encoding::U16 | Encoding::I16 | Encoding::Offset => 1,
            Encoding::U32 | Encoding::FarOffset => 2,
            Encoding::U64 => 4,
        }
    }
}

/// Maps an operand type of the instruction table to its [`Encoding`].
trait Encoded {
    const ENCODING: Encoding;
}
impl Encoded for Slot {
    const ENCODING: Encoding = Encoding::Slot;
}
/// A two-cell (`v128`) slot is encoded as a slot; the mutator's slot values near the frame's end are the ones
/// whose second cell falls outside it.
impl Encoded for WideSlot {
    const ENCODING: Encoding = Encoding::Slot;
}
impl Encoded for u16 {
    const ENCODING: Encoding = Encoding::U16;
}
impl Encoded for i16 {
    const ENCODING: Encoding = Encoding::I16;
}
impl Encoded for u32 {
    const ENCODING: Encoding = Encoding::U32;
}
impl Encoded for u64 {
    const ENCODING: Encoding = Encoding::U64;
}
impl Encoded for Offset {
    const ENCODING: Encoding = Encoding::Offset;
}
impl Encoded for FarOffset {
    const ENCODING: Encoding = Encoding::FarOffset;
}

/// What an operand means, which decides the values worth trying in it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Meaning {
    /// A slot read or written (must be below the frame size).
    Slot,
    /// A call's `args`: where the callee's frame starts (may equal the frame size).
    Args,
    /// A branch offset, relative to the branching instruction's first unit.
    Branch,
    /// An index into one of the instance's index spaces.
    Index(Space),
    /// `ConsumeFuel`'s amount.
    Fuel,
    /// `BrTable`'s number of targets (minus the default).
    TableLen,
    /// The length of a slot span (`CopySpan`, `ReturnSpan`).
    SpanLen,
    /// A memory offset.
    MemOffset,
    /// An immediate value.
    Imm,
}

/// An index space of a module.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Space {
    /// Function types.
    Type,
    /// Functions (imported and defined).
    Func,
    /// Tables.
    Table,
    /// Memories.
    Memory,
    /// Globals.
    Global,
    /// Element segments.
    Elem,
    /// Data segments.
    Data,
}

/// One operand of an instruction.
#[derive(Copy, Clone, Debug)]
pub struct Field {
    /// Its name in the instruction table.
    pub name: &'static str,
    /// How it is encoded.
    pub encoding: Encoding,
    /// What it means.
    pub meaning: Meaning,
}

/// The fixed part of an instruction: its name and operands in encoding order.
#[derive(Copy, Clone, Debug)]
pub struct OpLayout {
    /// The instruction's name.
    pub name: &'static str,
    /// Its operands.
    pub fields: &'static [Field],
}

impl OpLayout {
    /// Length of the fixed part in code units (opcode included).
    pub fn units(&self) -> usize {
        1 + self.fields.iter().map(|f| f.encoding.units()).sum::<usize>()
    }
}

/// The meaning of operand `name` encoded as `encoding`.
const fn meaning(name: &str, encoding: Encoding) -> Meaning {
    const fn eq(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }
    match encoding {
        Encoding::Slot if eq(name, "args") => Meaning::Args,
        Encoding::Slot => Meaning::Slot,
        Encoding::Offset | Encoding::FarOffset => Meaning::Branch,
        _ if eq(name, "func") => Meaning::Index(Space::Func),
        _ if eq(name, "global") => Meaning::Index(Space::Global),
        _ if eq(name, "table") || eq(name, "dst_table") || eq(name, "src_table") => Meaning::Index(Space::Table),
        _ if eq(name, "ty") => Meaning::Index(Space::Type),
        _ if eq(name, "elem") => Meaning::Index(Space::Elem),
        _ if eq(name, "data") => Meaning::Index(Space::Data),
        _ if eq(name, "memory") => Meaning::Index(Space::Memory),
        _ if eq(name, "amount") => Meaning::Fuel,
        Encoding::U32 if eq(name, "len") => Meaning::TableLen,
        _ if eq(name, "len") => Meaning::SpanLen,
        _ if eq(name, "offset") => Meaning::MemOffset,
        _ => Meaning::Imm,
    }
}

macro_rules! layouts {
    ($( #[cfg($cfg:meta)] $(#[doc = $doc:literal])* $name:ident { $($field:ident : $ty:ty),* $(,)? } )*) => {
        /// Every instruction's layout, indexed by opcode.
        pub const OPS: &[OpLayout] = &[$(
            OpLayout {
                name: stringify!($name),
                fields: &[$(Field {
                    name: stringify!($field),
                    encoding: <$ty as Encoded>::ENCODING,
                    meaning: meaning(stringify!($field), <$ty as Encoded>::ENCODING),
                }),*],
            }
        ),*];
    };
}
ember::ember_interp::for_each_op!(layouts);

/// The opcode number of the instruction named `name`.
pub fn opcode(name: &str) -> Option<u16> {
    OPS.iter().position(|op| op.name == name).map(|i| i as u16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ember::ember_interp::ops::Opcode;

    #[test]
    fn layouts_agree_with_the_interpreter() {
        assert_eq!(OPS.len(), Opcode::ALL.len());
        for (layout, op) in OPS.iter().zip(Opcode::ALL) {
            assert_eq!(layout.units(), op.units(), "{}", layout.name);
        }
        assert_eq!(opcode("ConsumeFuel"), Some(Opcode::ConsumeFuel as u16));
    }
}
