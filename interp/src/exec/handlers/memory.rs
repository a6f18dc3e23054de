//! Linear memory 0: loads and stores (bounds-checked against the length in [`Mem0`]), size, grow and the bulk
//! operations. Anything that may move or resize the memory loads [`Mem0`] again before going on.

use ember_core::TrapCode;

use super::{get, handler, set, step};
use crate::exec::dispatch::{exit, next_moved, trap, Ctx, Exit, Mem0};
use crate::exec::memory::{self, effective};
use crate::exec::num::ToCell;
use crate::ops::op;

/// The `N` bytes at `ea`, if they are inside memory 0.
#[inline(always)]
pub(super) fn read<const N: usize>(cx: &Ctx<'_>, mem: Mem0, ea: u64) -> Option<[u8; N]> {
    if ea + N as u64 > mem.len(cx) as u64 {
        return None;
    }
    // SAFETY: `ea + N <= len` (just checked), and `mem` is memory 0 as loaded (the handler contract): its base
    // is valid for `len` bytes. `[u8; N]` has alignment 1.
    Some(unsafe { mem.base().add(ea as usize).cast::<[u8; N]>().read() })
}

/// Writes `bytes` at `ea`, if they fit inside memory 0.
#[inline(always)]
pub(super) fn write<const N: usize>(cx: &Ctx<'_>, mem: Mem0, ea: u64, bytes: [u8; N]) -> Option<()> {
    if ea + N as u64 > mem.len(cx) as u64 {
        return None;
    }
    // SAFETY: as in `read`; nothing else refers to the memory's bytes while the handlers run.
    unsafe { mem.base().add(ea as usize).cast::<[u8; N]>().write(bytes) };
    Some(())
}

/// `s[dst] = f(N bytes at ea)`, `ea` computed from the decoded instruction `i` (the same for every op listed).
macro_rules! load {
    (at |$i:ident, $sp:ident| $ea:expr; $($op:ident: $n:literal => |$b:ident| $e:expr;)*) => {
        super::shape! {
            [$($op),*]
            fn(cx, ip, $sp, mem, $i) let ea = $ea; then loaded;
            $($op => { read::<$n>(cx, mem, ea).map(|$b| ToCell::to_cell($e)) })*
        }
    };
}

/// The end of a load: `s[dst] = value`, or the trap for an access out of bounds (`value` is `None`).
macro_rules! loaded {
    ($op:ident, $i:ident, $value:expr, $cx:ident, $ip:ident, $sp:ident, $mem:ident) => {
        match $value {
            Some(v) => {
                set($sp, $i.dst, v);
                step!($op, $cx, $ip, $sp, $mem)
            }
            None => trap($cx, $ip, TrapCode::MemoryOutOfBounds),
        }
    };
}

/// Store `f(v)` at `ea`, where `v` and `ea` are computed from the decoded instruction `i` (the same for every op
/// listed).
macro_rules! store {
    (at |$i:ident, $sp:ident| $ea:expr, $v:ident = $value:expr; $($op:ident => $e:expr;)*) => {
        super::shape! {
            [$($op),*]
            fn(cx, ip, $sp, mem, $i) let (ea, $v) = ($ea, $value); then stored;
            $($op => { write(cx, mem, ea, $e) })*
        }
    };
}

/// The end of a store: go on, or trap for an access out of bounds (`outcome` is `None`).
macro_rules! stored {
    ($op:ident, $i:ident, $outcome:expr, $cx:ident, $ip:ident, $sp:ident, $mem:ident) => {
        match $outcome {
            Some(()) => step!($op, $cx, $ip, $sp, $mem),
            None => trap($cx, $ip, TrapCode::MemoryOutOfBounds),
        }
    };
}

// `s[addr] + offset`
load! {
    at |i, sp| effective(get(sp, i.addr), i.offset.into());
    I32Load: 4 => |b| u32::from_le_bytes(b);
    I64Load: 8 => |b| u64::from_le_bytes(b);
    I32Load8S: 1 => |b| i32::from(b[0] as i8);
    I32Load8U: 1 => |b| u32::from(b[0]);
    I32Load16S: 2 => |b| i32::from(i16::from_le_bytes(b));
    I32Load16U: 2 => |b| u32::from(u16::from_le_bytes(b));
    I64Load8S: 1 => |b| i64::from(b[0] as i8);
    I64Load8U: 1 => |b| u64::from(b[0]);
    I64Load16S: 2 => |b| i64::from(i16::from_le_bytes(b));
    I64Load16U: 2 => |b| u64::from(u16::from_le_bytes(b));
    I64Load32S: 4 => |b| i64::from(i32::from_le_bytes(b));
    I64Load32U: 4 => |b| u64::from(u32::from_le_bytes(b));
}

load! {
    at |i, sp| effective(get(sp, i.addr), i.offset);
    I32LoadWide: 4 => |b| u32::from_le_bytes(b);
    I64LoadWide: 8 => |b| u64::from_le_bytes(b);
    I32Load8SWide: 1 => |b| i32::from(b[0] as i8);
    I32Load8UWide: 1 => |b| u32::from(b[0]);
    I32Load16SWide: 2 => |b| i32::from(i16::from_le_bytes(b));
    I32Load16UWide: 2 => |b| u32::from(u16::from_le_bytes(b));
    I64Load8SWide: 1 => |b| i64::from(b[0] as i8);
    I64Load8UWide: 1 => |b| u64::from(b[0]);
    I64Load16SWide: 2 => |b| i64::from(i16::from_le_bytes(b));
    I64Load16UWide: 2 => |b| u64::from(u16::from_le_bytes(b));
    I64Load32SWide: 4 => |b| i64::from(i32::from_le_bytes(b));
    I64Load32UWide: 4 => |b| u64::from(u32::from_le_bytes(b));
}

// `(s[addr] + imm) as u32 + offset` and `(s[base] + s[index]) as u32 + offset`: the i32 add wraps.
load! {
    at |i, sp| effective(add_imm(get(sp, i.addr), i.imm), i.offset.into());
    I32LoadAddImm: 4 => |b| u32::from_le_bytes(b);
    I64LoadAddImm: 8 => |b| u64::from_le_bytes(b);
    I32Load8UAddImm: 1 => |b| u32::from(b[0]);
}

load! {
    at |i, sp| effective(add(get(sp, i.base), get(sp, i.index)), i.offset.into());
    I32LoadIdx: 4 => |b| u32::from_le_bytes(b);
    I64LoadIdx: 8 => |b| u64::from_le_bytes(b);
    I32Load8UIdx: 1 => |b| u32::from(b[0]);
}

/// `(a + imm) as u32`, the address of a fused `i32.add`.
#[inline(always)]
fn add_imm(a: u64, imm: i16) -> u64 {
    u64::from((a as u32).wrapping_add(i32::from(imm) as u32))
}

/// `(a + b) as u32`, the address of a fused `i32.add`.
#[inline(always)]
fn add(a: u64, b: u64) -> u64 {
    u64::from((a as u32).wrapping_add(b as u32))
}

store! {
    at |i, sp| effective(get(sp, i.addr), i.offset.into()), v = get(sp, i.src);
    I32Store => (v as u32).to_le_bytes();
    I64Store => v.to_le_bytes();
    Store8 => [v as u8];
    Store16 => (v as u16).to_le_bytes();
}

store! {
    at |i, sp| effective(get(sp, i.addr), i.offset), v = get(sp, i.src);
    I32StoreWide => (v as u32).to_le_bytes();
    I64StoreWide => v.to_le_bytes();
    Store8Wide => [v as u8];
    Store16Wide => (v as u16).to_le_bytes();
}

store! {
    at |i, sp| effective(get(sp, i.addr), i.offset.into()), v = i.value;
    I32StoreImm => i32::from(v).to_le_bytes();
    I64StoreImm => i64::from(v).to_le_bytes();
    Store8Imm => [v as u8];
    Store16Imm => v.to_le_bytes();
}

store! {
    at |i, sp| effective(add_imm(get(sp, i.addr), i.imm), i.offset.into()), v = get(sp, i.src);
    I32StoreAddImm => (v as u32).to_le_bytes();
    I64StoreAddImm => v.to_le_bytes();
    Store8AddImm => [v as u8];
}

store! {
    at |i, sp| effective(add(get(sp, i.base), get(sp, i.index)), i.offset.into()), v = get(sp, i.src);
    I32StoreIdx => (v as u32).to_le_bytes();
    I64StoreIdx => v.to_le_bytes();
    Store8Idx => [v as u8];
}

/// Runs a bulk operation on memory 0's bytes, then goes on after `$op` with memory 0 loaded again (taking
/// `&mut` to the bytes ends what the old base pointer may be used for), or traps.
macro_rules! bulk {
    ($op:ident, $cx:ident, $ip:ident, $sp:ident, $outcome:expr) => {
        match $outcome {
            Ok(()) => {
                let mem = Mem0::load($cx);
                $crate::exec::dispatch::next_moved($cx, $ip.add(op::$op::UNITS), $sp, mem)
            }
            Err(code) => trap($cx, $ip, code),
        }
    };
}

handler! {
    /// `s[dst] =` memory 0's size in pages
    fn MemorySize(cx, ip, sp, mem) {
        let i = op::MemorySize::decode_ptr(ip);
        set(sp, i.dst, cx.mem.pages());
        step!(MemorySize, cx, ip, sp, mem)
    }

    /// `s[dst] =` old size or -1: grow memory 0 by `s[delta]` pages
    fn MemoryGrow(cx, ip, sp, mem) {
        let i = op::MemoryGrow::decode_ptr(ip);
        let delta = get(sp, i.delta) as u32;
        let old = cx.objects.grow_memory_held(cx.mem, u64::from(delta)).and_then(|old| u32::try_from(old).ok());
        set(sp, i.dst, u64::from(old.unwrap_or(u32::MAX)));
        let mem = Mem0::load(cx);
        next_moved(cx, ip.add(op::MemoryGrow::UNITS), sp, mem)
    }

    /// Fill `s[len]` bytes at `s[dst]` with `s[value]`
    fn MemoryFill(cx, ip, sp, mem) {
        let i = op::MemoryFill::decode_ptr(ip);
        let (dst, value, len) = (get(sp, i.dst) as u32, get(sp, i.value) as u8, get(sp, i.len) as u32);
        bulk!(MemoryFill, cx, ip, sp, memory::fill(cx.mem.data_mut(), dst, value, len))
    }

    /// Copy `s[len]` bytes from `s[src]` to `s[dst]`
    fn MemoryCopy(cx, ip, sp, mem) {
        let i = op::MemoryCopy::decode_ptr(ip);
        let (dst, src, len) = (get(sp, i.dst) as u32, get(sp, i.src) as u32, get(sp, i.len) as u32);
        bulk!(MemoryCopy, cx, ip, sp, memory::copy(cx.mem.data_mut(), dst, src, len))
    }

    /// Copy `s[len]` bytes of a data segment to memory 0
    fn MemoryInit(cx, ip, sp, mem) {
        let i = op::MemoryInit::decode_ptr(ip);
        let (dst, src, len) = (get(sp, i.dst) as u32, get(sp, i.src) as u32, get(sp, i.len) as u32);
        bulk!(MemoryInit, cx, ip, sp, memory::init(cx.mem.data_mut(), cx.inst.data_segment(i.data), dst, src, len))
    }

    /// Drop a data segment (with the whole store, outside the handlers).
    fn DataDrop(cx, ip, sp, mem) {
        let i = op::DataDrop::decode_ptr(ip);
        exit(cx, ip.add(op::DataDrop::UNITS), Exit::DataDrop { data: i.data })
    }
}
