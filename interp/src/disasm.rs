//! A disassembler for register bytecode: one line per instruction, branch targets as absolute code positions.
//!
//! ```text
//! ; params 2, locals 3 (params included), results 1, frame 6 slots, 12 code units (24 bytes)
//!      0: I32Add dst=s3, lhs=s0, rhs=s1
//!      4: BrIfI32EqImm lhs=s3, imm=0, offset=-> 11
//!      9: Return1 src=s3
//!     11: Unreachable
//! ```

use alloc::string::String;
use core::fmt::Write;

use crate::code::CompiledFunc;
use crate::ops::{op, FarOffset, Instr, Offset, Operand, Slot, WideSlot};

/// Renders `f` as text: a header with the frame layout, then `pc: Name operand=value, ...` per instruction.
///
/// Slots print as `s3`, branch offsets as the absolute code position they lead to (`-> 42`), and each of a
/// `BrTable`'s targets on its own line. Bytecode that does not decode (an unknown opcode or a truncated
/// instruction) ends the listing with a line saying so; this function never panics.
pub fn disassemble(f: &CompiledFunc) -> String {
    let mut out = String::new();
    let code = &f.code;
    let _ = writeln!(
        out,
        "; params {}, locals {} (params included), results {}, frame {} slots, {} code units ({} bytes)",
        f.num_params,
        f.num_locals,
        f.num_results,
        f.frame_size,
        code.len(),
        f.code_bytes()
    );
    let mut pc = 0;
    while pc < code.len() {
        let Some(instr) = Instr::decode(code, pc) else {
            let _ = writeln!(out, "{pc:>6}: <undecodable unit {:#06x}>", code[pc]);
            break;
        };
        let _ = write!(out, "{pc:>6}: ");
        write_instr(&mut out, &instr, pc);
        out.push('\n');
        if let Instr::BrTable(table) = instr {
            let targets = table.len as usize + 1;
            for i in 0..targets {
                let at = pc + op::BrTable::UNITS + 2 * i;
                if at + FarOffset::UNITS > code.len() {
                    let _ = writeln!(out, "{:>6}  <truncated branch table>", "");
                    return out;
                }
                let target = absolute(pc, i64::from(FarOffset::read(code, at).0));
                if i + 1 == targets {
                    let _ = writeln!(out, "{:>8}default -> {target}", "");
                } else {
                    let _ = writeln!(out, "{:>8}[{i}] -> {target}", "");
                }
            }
        }
        pc += instr.units();
    }
    out
}

/// The code position a branch at `pc` with `offset` leads to (shown as a signed number if it would be negative).
fn absolute(pc: usize, offset: i64) -> i64 {
    pc as i64 + offset
}

/// How one operand prints in a listing.
trait Show {
    fn show(&self, out: &mut String, pc: usize);
}

impl Show for Slot {
    fn show(&self, out: &mut String, _pc: usize) {
        let _ = write!(out, "{self}");
    }
}

impl Show for WideSlot {
    fn show(&self, out: &mut String, _pc: usize) {
        let _ = write!(out, "{self}");
    }
}

impl Show for u16 {
    fn show(&self, out: &mut String, _pc: usize) {
        let _ = write!(out, "{self}");
    }
}

impl Show for i16 {
    fn show(&self, out: &mut String, _pc: usize) {
        let _ = write!(out, "{self}");
    }
}

impl Show for u32 {
    fn show(&self, out: &mut String, _pc: usize) {
        if *self <= 0xffff {
            let _ = write!(out, "{self}");
        } else {
            let _ = write!(out, "{self:#x}");
        }
    }
}

impl Show for u64 {
    fn show(&self, out: &mut String, _pc: usize) {
        if *self <= 0xffff {
            let _ = write!(out, "{self}");
        } else {
            let _ = write!(out, "{self:#x}");
        }
    }
}

impl Show for Offset {
    fn show(&self, out: &mut String, pc: usize) {
        let _ = write!(out, "-> {}", absolute(pc, i64::from(self.0)));
    }
}

impl Show for FarOffset {
    fn show(&self, out: &mut String, pc: usize) {
        let _ = write!(out, "-> {}", absolute(pc, i64::from(self.0)));
    }
}

macro_rules! write_instr {
    ($( #[cfg($cfg:meta)] $(#[doc = $doc:literal])* $name:ident { $($field:ident : $ty:ty),* $(,)? } )*) => {
        /// Writes `Name field=value, ...` for the instruction at `pc`.
        fn write_instr(out: &mut String, instr: &Instr, pc: usize) {
            match instr {
                $(#[cfg($cfg)] Instr::$name(_op) => {
                    out.push_str(stringify!($name));
                    let mut _first = true;
                    $(
                        out.push_str(if _first { " " } else { ", " });
                        _first = false;
                        out.push_str(concat!(stringify!($field), "="));
                        <$ty as Show>::show(&_op.$field, out, pc);
                    )*
                })*
            }
        }
    };
}

crate::for_each_op!(write_instr);

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn lists_instructions_with_absolute_targets() {
        let mut code = Vec::new();
        op::I32Add { dst: Slot(2), lhs: Slot(0), rhs: Slot(1) }.encode(&mut code);
        let br_at = code.len();
        op::BrTable { index: Slot(2), len: 1 }.encode(&mut code);
        let table_end = br_at + op::BrTable::UNITS + 4;
        FarOffset((table_end - br_at) as i32).write(&mut code);
        FarOffset((table_end + 2 - br_at) as i32).write(&mut code);
        op::Return1 { src: Slot(2) }.encode(&mut code);
        op::Return0 {}.encode(&mut code);
        let f = CompiledFunc { code: code.into(), num_params: 2, num_locals: 2, num_results: 1, frame_size: 3 };
        let text = disassemble(&f);
        assert!(text.starts_with("; params 2, locals 2 (params included), results 1, frame 3 slots"), "{text}");
        assert!(text.contains("     0: I32Add dst=s2, lhs=s0, rhs=s1\n"), "{text}");
        assert!(text.contains("BrTable index=s2, len=1\n"), "{text}");
        assert!(text.contains(&alloc::format!("[0] -> {table_end}\n")), "{text}");
        assert!(text.contains(&alloc::format!("default -> {}\n", table_end + 2)), "{text}");
        assert!(text.contains(&alloc::format!("{table_end:>6}: Return1 src=s2\n")), "{text}");
    }

    #[test]
    fn stops_at_undecodable_code() {
        let f = CompiledFunc { code: [0xffffu16].into(), num_params: 0, num_locals: 0, num_results: 0, frame_size: 0 };
        assert!(disassemble(&f).contains("<undecodable unit 0xffff>"));
    }
}
