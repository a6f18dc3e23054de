//! Structural mutations of an image, chosen by the fuzzer's bytes: one field at a time (a function header's
//! frame size, locals, parameters, results or unit count; an index, count or tag of the structure; an
//! operand, opcode or branch offset of an instruction), whole instructions inserted or deleted, and raw bytes.
//! Values come from lists of boundary cases (0, the size of the index space and around it, 65535/65536,
//! 0x8000_0000, 0xFFFF_FFFF...) more often than at random.

use arbitrary::{Result, Unstructured};

use super::layout::{Encoding, Meaning, OPS};
use super::map::{self, get16, get32, header, put, unit, Class, FuncCode, ImageMap};

/// Values that break arithmetic on 16- and 32-bit sizes.
const BOUNDARIES: &[u32] = &[
    0,
    1,
    2,
    0x7f,
    0x80,
    0xff,
    0x100,
    0x7fff,
    0x8000,
    0xfffe,
    0xffff,
    0x1_0000,
    0x1_0001,
    0x0fff_ffff,
    0x1000_0000,
    0x2000_0000,
    0x3fff_ffff,
    0x4000_0000,
    0x7fff_ffff,
    0x8000_0000,
    0x8000_0001,
    0xffff_0000,
    0xffff_fffe,
    0xffff_ffff,
];

/// A value for a field that now holds `current`, near `context` (sizes the field relates to: an index
/// space's length, a frame size...) or at a boundary, or random.
fn value(u: &mut Unstructured<'_>, current: u32, context: &[u32]) -> Result<u32> {
    Ok(match u.int_in_range(0..=9)? {
        0..=2 if !context.is_empty() => {
            let c = *u.choose(context)?;
            c.wrapping_add(u.int_in_range(-2i32..=2)? as u32)
        }
        0..=5 => *u.choose(BOUNDARIES)?,
        6 | 7 => current.wrapping_add(u.int_in_range(-4i32..=4)? as u32),
        _ => u.arbitrary()?,
    })
}

/// Applies 1 to 4 mutations to `image` (one in half of the inputs, as each mutation is likely to make the
/// image fail a check; if one breaks the structure, the rest change bytes). The length and checksum are left
/// for [`seal`](super::seal).
pub fn mutate(image: &mut Vec<u8>, u: &mut Unstructured<'_>) -> Result<()> {
    let n = match u.int_in_range(0..=9)? {
        0..=4 => 1,
        5..=7 => 2,
        k => k - 5,
    };
    for _ in 0..n {
        match map::map(image) {
            Some(m) => mutate_once(image, &m, u)?,
            None => raw(image, u)?,
        }
    }
    Ok(())
}

fn mutate_once(image: &mut Vec<u8>, m: &ImageMap, u: &mut Unstructured<'_>) -> Result<()> {
    match u.int_in_range(0..=17)? {
        0..=3 if !m.funcs.is_empty() => func_header(image, m, u),
        4 | 5 if !m.fields.is_empty() => struct_field(image, m, u),
        6..=10 if !m.funcs.is_empty() => operand(image, m, u),
        11 | 12 if !m.funcs.is_empty() => opcode(image, m, u),
        13..=15 if !m.funcs.is_empty() => insert(image, m, u),
        16 if !m.funcs.is_empty() => delete(image, m, u),
        _ => raw(image, u),
    }
}

/// A random byte set, a bit flipped, or the image cut short or lengthened.
fn raw(image: &mut Vec<u8>, u: &mut Unstructured<'_>) -> Result<()> {
    let len = image.len();
    if len <= super::HEADER_LEN {
        return Ok(());
    }
    let at = u.int_in_range(super::HEADER_LEN..=len - 1)?;
    match u.int_in_range(0..=5)? {
        0 | 1 => image[at] = u.arbitrary()?,
        2 | 3 => image[at] ^= 1 << u.int_in_range(0..=7)?,
        4 => image.truncate(at),
        _ => image.extend_from_slice(&[0, 0]),
    }
    Ok(())
}

/// A function header's field: its frame size, locals, parameters, results or unit count.
fn func_header(image: &mut [u8], m: &ImageMap, u: &mut Unstructured<'_>) -> Result<()> {
    let f = *u.choose(&m.funcs)?;
    let h = f.header;
    let frame = get32(image, h + header::FRAME_SIZE);
    let locals = get32(image, h + header::NUM_LOCALS);
    let params = u32::from(get16(image, h + header::NUM_PARAMS));
    let context = [frame, locals, params, f.units as u32];
    match u.int_in_range(0..=19)? {
        // The frame size most often: the executor adds it to the frame's base.
        0..=7 => {
            let v = value(u, frame, &context)?;
            put(image, h + header::FRAME_SIZE, 4, v.into());
            if u.ratio(1, 3)? {
                // Locals up to the frame size pass the header check, and are zeroed on entry.
                let locals = value(u, locals, &[v, v / 2])?;
                put(image, h + header::NUM_LOCALS, 4, locals.into());
            }
        }
        8..=11 => put(image, h + header::NUM_LOCALS, 4, value(u, locals, &context)?.into()),
        12..=14 => put(image, h + header::NUM_PARAMS, 2, value(u, params, &context)?.into()),
        15..=17 => {
            let results = u32::from(get16(image, h + header::NUM_RESULTS));
            put(image, h + header::NUM_RESULTS, 2, value(u, results, &context)?.into())
        }
        _ => put(image, h + header::UNITS, 4, value(u, f.units as u32, &context)?.into()),
    }
    Ok(())
}

/// A count, index, tag or number of the structure.
fn struct_field(image: &mut [u8], m: &ImageMap, u: &mut Unstructured<'_>) -> Result<()> {
    // Counts change how everything after them decodes, so the image is nearly always refused as malformed:
    // other fields three times in four.
    let field = *u.choose(&m.fields)?;
    let field = match field.class {
        Class::Count if u.ratio(3, 4)? => *u.choose(&m.fields)?,
        _ => field,
    };
    let mut old = [0u8; 8];
    old[..field.width].copy_from_slice(&image[field.at..field.at + field.width]);
    let current = u64::from_le_bytes(old);
    let v: u64 = match field.class {
        Class::Index(space) => value(u, current as u32, &[m.size(space)])?.into(),
        Class::Count => value(u, current as u32, &[])?.into(),
        // Value types, kinds and flags; any byte now and then.
        Class::Tag => match u.int_in_range(0..=3)? {
            0 => u.arbitrary::<u8>()?.into(),
            1 => u.int_in_range(0..=4)?,
            _ => (*u.choose(&[0x7fu8, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f])?).into(),
        },
        Class::Number if field.width == 8 && u.ratio(1, 2)? => {
            *u.choose(&[0, 1, 0x1_0000, 0x1_0001, u64::from(u32::MAX), 1 << 32, u64::MAX, u64::MAX >> 1])?
        }
        Class::Number => value(u, current as u32, &[])?.into(),
    };
    put(image, field.at, field.width, v);
    Ok(())
}

/// The function and its instructions, if its code decodes.
fn pick_code(image: &[u8], m: &ImageMap, u: &mut Unstructured<'_>) -> Result<Option<(FuncCode, Vec<map::Instr>)>> {
    let f = *u.choose(&m.funcs)?;
    Ok(map::instructions(image, &f).filter(|i| !i.is_empty()).map(|i| (f, i)))
}

/// What operand values are chosen relative to: a function's frame and its instructions.
struct Code<'a> {
    frame: u32,
    locals: u32,
    /// Where each instruction starts.
    starts: &'a [usize],
    units: usize,
}

impl<'a> Code<'a> {
    fn of(image: &[u8], f: &FuncCode, starts: &'a [usize]) -> Code<'a> {
        Code {
            frame: get32(image, f.header + header::FRAME_SIZE),
            locals: get32(image, f.header + header::NUM_LOCALS),
            starts,
            units: f.units,
        }
    }
}

/// A value for an operand of `meaning` in an instruction at `pc` of `code`.
fn operand_value(
    u: &mut Unstructured<'_>,
    meaning: Meaning,
    current: u32,
    pc: usize,
    code: &Code<'_>,
    m: &ImageMap,
) -> Result<u32> {
    let rel = |to: usize| (to as i64 - pc as i64) as u32;
    Ok(match meaning {
        Meaning::Slot | Meaning::Args | Meaning::SpanLen => value(u, current, &[code.frame, code.locals])?,
        Meaning::Branch => match u.int_in_range(0..=5)? {
            // Onto another instruction (the verifier allows it), past the end, onto the middle of one.
            0 | 1 => rel(*u.choose(code.starts)?),
            2 => rel(code.units),
            3 => rel(*u.choose(code.starts)?).wrapping_add(1),
            _ => value(u, current, &[rel(0), rel(code.units)])?,
        },
        Meaning::Index(space) => value(u, current, &[m.size(space)])?,
        Meaning::Fuel | Meaning::TableLen | Meaning::MemOffset | Meaning::Imm => value(u, current, &[])?,
    })
}

/// Writes operand value `v` encoded as `encoding` at unit `pc` of `f`.
fn put_operand(image: &mut [u8], f: &FuncCode, pc: usize, encoding: Encoding, v: u32) {
    put(image, f.code + 2 * pc, 2 * encoding.units(), u64::from(v));
}

/// One operand of one instruction.
fn operand(image: &mut [u8], m: &ImageMap, u: &mut Unstructured<'_>) -> Result<()> {
    let Some((f, instrs)) = pick_code(image, m, u)? else { return raw_code(image, m, u) };
    let i = *u.choose(&instrs)?;
    let layout = &OPS[usize::from(i.opcode)];
    let starts: Vec<usize> = instrs.iter().map(|i| i.pc).collect();
    let code = Code::of(image, &f, &starts);
    // BrTable's targets are far offsets after the fixed part.
    let extra = (i.units - layout.units()) / 2;
    let choice = u.int_in_range(0..=layout.fields.len() + extra)?;
    if choice == 0 || (layout.fields.is_empty() && extra == 0) {
        return raw_code(image, m, u);
    }
    if choice > layout.fields.len() {
        let at = i.pc + layout.units() + 2 * (choice - layout.fields.len() - 1);
        let current = u32::from(unit(image, &f, at)) | u32::from(unit(image, &f, at + 1)) << 16;
        let v = operand_value(u, Meaning::Branch, current, i.pc, &code, m)?;
        put_operand(image, &f, at, Encoding::FarOffset, v);
        return Ok(());
    }
    let field = layout.fields[choice - 1];
    let at = i.pc + 1 + layout.fields[..choice - 1].iter().map(|f| f.encoding.units()).sum::<usize>();
    let current = match field.encoding.units() {
        1 => u32::from(unit(image, &f, at)),
        _ => u32::from(unit(image, &f, at)) | u32::from(unit(image, &f, at + 1)) << 16,
    };
    let v = operand_value(u, field.meaning, current, i.pc, &code, m)?;
    put_operand(image, &f, at, field.encoding, v);
    Ok(())
}

/// A random code unit of a function set to a boundary value.
fn raw_code(image: &mut [u8], m: &ImageMap, u: &mut Unstructured<'_>) -> Result<()> {
    let f = *u.choose(&m.funcs)?;
    if f.units == 0 {
        return Ok(());
    }
    let pc = u.int_in_range(0..=f.units - 1)?;
    let v = value(u, u32::from(unit(image, &f, pc)), &[])?;
    put(image, f.code + 2 * pc, 2, u64::from(v & 0xffff));
    Ok(())
}

/// An instruction's opcode replaced: by one with a fixed part as long (the code still decodes), or by any.
fn opcode(image: &mut [u8], m: &ImageMap, u: &mut Unstructured<'_>) -> Result<()> {
    let Some((f, instrs)) = pick_code(image, m, u)? else { return raw_code(image, m, u) };
    let i = *u.choose(&instrs)?;
    let units = OPS[usize::from(i.opcode)].units();
    let new = if u.ratio(4, 5)? {
        let same: Vec<u16> = (0..OPS.len() as u16).filter(|&o| OPS[usize::from(o)].units() == units).collect();
        *u.choose(&same)?
    } else {
        u.int_in_range(0..=OPS.len() as u16)?
    };
    put(image, f.code + 2 * i.pc, 2, new.into());
    Ok(())
}

/// Instructions worth inserting more often than others: the ones that touch the instance (globals, tables,
/// calls, references, segments) and constants that can forge references.
const INTERESTING: &[&str] = &[
    "GlobalSet",
    "GlobalGet",
    "TableSet",
    "TableGet",
    "TableGrow",
    "TableFill",
    "TableCopy",
    "TableInit",
    "ElemDrop",
    "CallIndirect",
    "Call",
    "CallWide",
    "RefFunc",
    "Const64",
    "Const32",
    "CopySpan",
    "ReturnSpan",
    "MemoryInit",
    "DataDrop",
    "MemoryCopy",
    "MemoryFill",
    "MemoryGrow",
];

/// A new instruction inserted at an instruction boundary (most often right after the entry `ConsumeFuel`, where
/// no branch crosses it); the unit count is updated.
fn insert(image: &mut Vec<u8>, m: &ImageMap, u: &mut Unstructured<'_>) -> Result<()> {
    let Some((f, instrs)) = pick_code(image, m, u)? else { return raw_code(image, m, u) };
    let at_instr = if instrs.len() > 1 && u.ratio(2, 3)? { 1 } else { u.int_in_range(0..=instrs.len() - 1)? };
    let pc = instrs[at_instr].pc;
    let opcode = if u.ratio(2, 3)? {
        super::layout::opcode(u.choose(INTERESTING)?).unwrap_or(0)
    } else {
        u.int_in_range(0..=OPS.len() as u16 - 1)?
    };
    let layout = &OPS[usize::from(opcode)];
    let starts: Vec<usize> = instrs.iter().map(|i| i.pc).collect();
    let code = Code::of(image, &f, &starts);
    let frame = code.frame;
    let mut new: Vec<u16> = vec![opcode];
    let mut table_len = 0;
    for field in layout.fields {
        // Slots mostly inside the frame: the instruction then verifies and runs.
        let v = match field.meaning {
            Meaning::Slot | Meaning::Args if frame > 0 && u.ratio(3, 4)? => u.int_in_range(0..=frame - 1)?,
            Meaning::Index(space) if u.ratio(1, 2)? => u.int_in_range(0..=m.size(space).saturating_add(1))?,
            Meaning::TableLen => {
                table_len = u.int_in_range(0..=3)?;
                table_len
            }
            meaning => operand_value(u, meaning, 0, pc, &code, m)?,
        };
        match field.encoding.units() {
            1 => new.push(v as u16),
            2 => new.extend([v as u16, (v >> 16) as u16]),
            _ => {
                let wide: u64 = if u.ratio(1, 2)? { u.arbitrary()? } else { u64::from(v) };
                new.extend((0..4).map(|k| (wide >> (16 * k)) as u16));
            }
        }
    }
    for _ in 0..=table_len {
        let v = operand_value(u, Meaning::Branch, 0, pc, &code, m)?;
        new.extend([v as u16, (v >> 16) as u16]);
    }
    let bytes: Vec<u8> = new.iter().flat_map(|x| x.to_le_bytes()).collect();
    let at = f.code + 2 * pc;
    image.splice(at..at, bytes);
    put(image, f.header + header::UNITS, 4, (f.units + new.len()) as u64);
    Ok(())
}

/// An instruction deleted; the unit count is updated.
fn delete(image: &mut Vec<u8>, m: &ImageMap, u: &mut Unstructured<'_>) -> Result<()> {
    let Some((f, instrs)) = pick_code(image, m, u)? else { return raw_code(image, m, u) };
    let i = *u.choose(&instrs)?;
    let at = f.code + 2 * i.pc;
    image.drain(at..at + 2 * i.units);
    put(image, f.header + header::UNITS, 4, (f.units - i.units) as u64);
    Ok(())
}
