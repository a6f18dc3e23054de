//! Instructions that move 128-bit (`v128`) values, which occupy two cells: `s[x]` the low half, `s[x + 1]` the
//! high half. (Copies, constants, `select` and calls of `v128` values use the one-cell instructions: `CopySpan`,
//! two constants, two `Select`s, and the usual calls, whose frames are laid out by cells.)

use super::{handler, step};
use crate::exec::dispatch::defect;
use crate::operand::WideSlot;
use crate::ops::op;

/// `s[slot]` and `s[slot + 1]`.
///
/// # Safety
/// `slot` is a [`WideSlot`] operand of the verified code running in frame `sp` (the verifier proved
/// `slot + 1 < frame_size`).
#[inline(always)]
unsafe fn get2(sp: crate::exec::dispatch::Sp, slot: WideSlot) -> (u64, u64) {
    // SAFETY: both cells are inside the frame (the verifier's `WideSlot` check), which is inside the stack.
    unsafe { (sp.add(slot.idx()).read(), sp.add(slot.idx() + 1).read()) }
}

/// `s[slot] = low; s[slot + 1] = high`.
///
/// # Safety
/// As for [`get2`].
#[inline(always)]
unsafe fn set2(sp: crate::exec::dispatch::Sp, slot: WideSlot, low: u64, high: u64) {
    // SAFETY: both cells are inside the frame (the verifier's `WideSlot` check), which is inside the stack.
    unsafe {
        sp.add(slot.idx()).write(low);
        sp.add(slot.idx() + 1).write(high);
    }
}

handler! {
    /// `s[dst .. dst+2] = global`
    fn GlobalGet128(cx, ip, sp, mem) {
        let i = op::GlobalGet128::decode_ptr(ip);
        let g = cx.inst.globals.get(i.global as usize).and_then(|g| cx.objects.globals().get(g.index() as usize));
        match g {
            Some(g) => {
                set2(sp, i.dst, g.bits, g.high);
                step!(GlobalGet128, cx, ip, sp, mem)
            }
            None => defect(cx, ip, "global"),
        }
    }

    /// `global = s[src .. src+2]`
    fn GlobalSet128(cx, ip, sp, mem) {
        let i = op::GlobalSet128::decode_ptr(ip);
        let g = cx.inst.globals.get(i.global as usize);
        match g.and_then(|g| cx.objects.globals_mut().get_mut(g.index() as usize)) {
            Some(g) => {
                (g.bits, g.high) = get2(sp, i.src);
                step!(GlobalSet128, cx, ip, sp, mem)
            }
            None => defect(cx, ip, "global"),
        }
    }
}
