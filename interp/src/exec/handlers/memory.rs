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
fn read<const N: usize>(cx: &Ctx<'_>, mem: Mem0, ea: u64) -> Option<[u8; N]> {
    if ea + N as u64 > mem.len(cx) as u64 {
        return None;
    }
    // SAFETY: `ea + N <= len` (just checked), and `mem` is memory 0 as loaded (the handler contract): its base
    // is valid for `len` bytes. `[u8; N]` has alignment 1.
    Some(unsafe { mem.base().add(ea as usize).cast::<[u8; N]>().read() })
}

/// Writes `bytes` at `ea`, if they fit inside memory 0.
#[inline(always)]
fn write<const N: usize>(cx: &Ctx<'_>, mem: Mem0, ea: u64, bytes: [u8; N]) -> Option<()> {
    if ea + N as u64 > mem.len(cx) as u64 {
        return None;
    }
    // SAFETY: as in `read`; nothing else refers to the memory's bytes while the handlers run.
    unsafe { mem.base().add(ea as usize).cast::<[u8; N]>().write(bytes) };
    Some(())
}

/// `s[dst] = f(N bytes at ea)`, where `$ea` is computed from the decoded instruction `i`.
macro_rules! load {
    ($($op:ident: $n:literal at |$i:ident, $sp:ident| $ea:expr => |$b:ident| $e:expr;)*) => {$(
        handler! {
            fn $op(cx, ip, $sp, mem) {
                let $i = op::$op::decode_ptr(ip);
                match read::<$n>(cx, mem, $ea) {
                    Some($b) => {
                        set($sp, $i.dst, ToCell::to_cell($e));
                        step!($op, cx, ip, $sp, mem)
                    }
                    None => trap(cx, ip, TrapCode::MemoryOutOfBounds),
                }
            }
        }
    )*};
}

/// Store `f(v)` at `ea`, where `v` and `$ea` are computed from the decoded instruction `i`.
macro_rules! store {
    ($($op:ident at |$i:ident, $sp:ident| $ea:expr, $v:ident = $value:expr => $e:expr;)*) => {$(
        handler! {
            fn $op(cx, ip, $sp, mem) {
                let $i = op::$op::decode_ptr(ip);
                let $v = $value;
                match write(cx, mem, $ea, $e) {
                    Some(()) => step!($op, cx, ip, $sp, mem),
                    None => trap(cx, ip, TrapCode::MemoryOutOfBounds),
                }
            }
        }
    )*};
}

// `s[addr] + offset`
load! {
    I32Load: 4 at |i, sp| effective(get(sp, i.addr), i.offset.into()) => |b| u32::from_le_bytes(b);
    I64Load: 8 at |i, sp| effective(get(sp, i.addr), i.offset.into()) => |b| u64::from_le_bytes(b);
    I32Load8S: 1 at |i, sp| effective(get(sp, i.addr), i.offset.into()) => |b| i32::from(b[0] as i8);
    I32Load8U: 1 at |i, sp| effective(get(sp, i.addr), i.offset.into()) => |b| u32::from(b[0]);
    I32Load16S: 2 at |i, sp| effective(get(sp, i.addr), i.offset.into()) => |b| i32::from(i16::from_le_bytes(b));
    I32Load16U: 2 at |i, sp| effective(get(sp, i.addr), i.offset.into()) => |b| u32::from(u16::from_le_bytes(b));
    I64Load8S: 1 at |i, sp| effective(get(sp, i.addr), i.offset.into()) => |b| i64::from(b[0] as i8);
    I64Load8U: 1 at |i, sp| effective(get(sp, i.addr), i.offset.into()) => |b| u64::from(b[0]);
    I64Load16S: 2 at |i, sp| effective(get(sp, i.addr), i.offset.into()) => |b| i64::from(i16::from_le_bytes(b));
    I64Load16U: 2 at |i, sp| effective(get(sp, i.addr), i.offset.into()) => |b| u64::from(u16::from_le_bytes(b));
    I64Load32S: 4 at |i, sp| effective(get(sp, i.addr), i.offset.into()) => |b| i64::from(i32::from_le_bytes(b));
    I64Load32U: 4 at |i, sp| effective(get(sp, i.addr), i.offset.into()) => |b| u64::from(u32::from_le_bytes(b));
    I32LoadWide: 4 at |i, sp| effective(get(sp, i.addr), i.offset) => |b| u32::from_le_bytes(b);
    I64LoadWide: 8 at |i, sp| effective(get(sp, i.addr), i.offset) => |b| u64::from_le_bytes(b);
    I32Load8SWide: 1 at |i, sp| effective(get(sp, i.addr), i.offset) => |b| i32::from(b[0] as i8);
    I32Load8UWide: 1 at |i, sp| effective(get(sp, i.addr), i.offset) => |b| u32::from(b[0]);
    I32Load16SWide: 2 at |i, sp| effective(get(sp, i.addr), i.offset) => |b| i32::from(i16::from_le_bytes(b));
    I32Load16UWide: 2 at |i, sp| effective(get(sp, i.addr), i.offset) => |b| u32::from(u16::from_le_bytes(b));
    I64Load8SWide: 1 at |i, sp| effective(get(sp, i.addr), i.offset) => |b| i64::from(b[0] as i8);
    I64Load8UWide: 1 at |i, sp| effective(get(sp, i.addr), i.offset) => |b| u64::from(b[0]);
    I64Load16SWide: 2 at |i, sp| effective(get(sp, i.addr), i.offset) => |b| i64::from(i16::from_le_bytes(b));
    I64Load16UWide: 2 at |i, sp| effective(get(sp, i.addr), i.offset) => |b| u64::from(u16::from_le_bytes(b));
    I64Load32SWide: 4 at |i, sp| effective(get(sp, i.addr), i.offset) => |b| i64::from(i32::from_le_bytes(b));
    I64Load32UWide: 4 at |i, sp| effective(get(sp, i.addr), i.offset) => |b| u64::from(u32::from_le_bytes(b));
}

// `(s[addr] + imm) as u32 + offset` and `(s[base] + s[index]) as u32 + offset`: the i32 add wraps.
load! {
    I32LoadAddImm: 4 at |i, sp| effective(add_imm(get(sp, i.addr), i.imm), i.offset.into()) => |b| u32::from_le_bytes(b);
    I64LoadAddImm: 8 at |i, sp| effective(add_imm(get(sp, i.addr), i.imm), i.offset.into()) => |b| u64::from_le_bytes(b);
    I32Load8UAddImm: 1 at |i, sp| effective(add_imm(get(sp, i.addr), i.imm), i.offset.into()) => |b| u32::from(b[0]);
    I32LoadIdx: 4 at |i, sp| effective(add(get(sp, i.base), get(sp, i.index)), i.offset.into()) => |b| u32::from_le_bytes(b);
    I64LoadIdx: 8 at |i, sp| effective(add(get(sp, i.base), get(sp, i.index)), i.offset.into()) => |b| u64::from_le_bytes(b);
    I32Load8UIdx: 1 at |i, sp| effective(add(get(sp, i.base), get(sp, i.index)), i.offset.into()) => |b| u32::from(b[0]);
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
    I32Store at |i, sp| effective(get(sp, i.addr), i.offset.into()), v = get(sp, i.src) => (v as u32).to_le_bytes();
    I64Store at |i, sp| effective(get(sp, i.addr), i.offset.into()), v = get(sp, i.src) => v.to_le_bytes();
    Store8 at |i, sp| effective(get(sp, i.addr), i.offset.into()), v = get(sp, i.src) => [v as u8];
    Store16 at |i, sp| effective(get(sp, i.addr), i.offset.into()), v = get(sp, i.src) => (v as u16).to_le_bytes();
    I32StoreWide at |i, sp| effective(get(sp, i.addr), i.offset), v = get(sp, i.src) => (v as u32).to_le_bytes();
    I64StoreWide at |i, sp| effective(get(sp, i.addr), i.offset), v = get(sp, i.src) => v.to_le_bytes();
    Store8Wide at |i, sp| effective(get(sp, i.addr), i.offset), v = get(sp, i.src) => [v as u8];
    Store16Wide at |i, sp| effective(get(sp, i.addr), i.offset), v = get(sp, i.src) => (v as u16).to_le_bytes();
    I32StoreImm at |i, sp| effective(get(sp, i.addr), i.offset.into()), v = i.value => i32::from(v).to_le_bytes();
    I64StoreImm at |i, sp| effective(get(sp, i.addr), i.offset.into()), v = i.value => i64::from(v).to_le_bytes();
    Store8Imm at |i, sp| effective(get(sp, i.addr), i.offset.into()), v = i.value => [v as u8];
    Store16Imm at |i, sp| effective(get(sp, i.addr), i.offset.into()), v = i.value => v.to_le_bytes();
    I32StoreAddImm at |i, sp| effective(add_imm(get(sp, i.addr), i.imm), i.offset.into()), v = get(sp, i.src) => (v as u32).to_le_bytes();
    I64StoreAddImm at |i, sp| effective(add_imm(get(sp, i.addr), i.imm), i.offset.into()), v = get(sp, i.src) => v.to_le_bytes();
    Store8AddImm at |i, sp| effective(add_imm(get(sp, i.addr), i.imm), i.offset.into()), v = get(sp, i.src) => [v as u8];
    I32StoreIdx at |i, sp| effective(add(get(sp, i.base), get(sp, i.index)), i.offset.into()), v = get(sp, i.src) => (v as u32).to_le_bytes();
    I64StoreIdx at |i, sp| effective(add(get(sp, i.base), get(sp, i.index)), i.offset.into()), v = get(sp, i.src) => v.to_le_bytes();
    Store8Idx at |i, sp| effective(add(get(sp, i.base), get(sp, i.index)), i.offset.into()), v = get(sp, i.src) => [v as u8];
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
