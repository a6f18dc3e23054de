//! Moves, constants and `select`.

use super::{get, handler, set, step};
use crate::ops::op;

handler! {
    /// `s[dst] = s[src]`
    fn Copy(cx, ip, sp, mem) {
        let i = op::Copy::decode_ptr(ip);
        set(sp, i.dst, get(sp, i.src));
        step!(Copy, cx, ip, sp, mem)
    }

    /// `s[dst] = s[src]`, then `s[dst2] = s[src2]`
    fn Copy2(cx, ip, sp, mem) {
        let i = op::Copy2::decode_ptr(ip);
        set(sp, i.dst, get(sp, i.src));
        set(sp, i.dst2, get(sp, i.src2));
        step!(Copy2, cx, ip, sp, mem)
    }

    /// `s[dst..dst + len] = s[src..src + len]`
    fn CopySpan(cx, ip, sp, mem) {
        let i = op::CopySpan::decode_ptr(ip);
        // The verifier proved both spans inside the frame; `ptr::copy` allows them to overlap.
        core::ptr::copy(sp.add(i.src.idx()), sp.add(i.dst.idx()), usize::from(i.len));
        step!(CopySpan, cx, ip, sp, mem)
    }

    /// `s[dst] = value` (i16 sign-extended to i32)
    fn Const16(cx, ip, sp, mem) {
        let i = op::Const16::decode_ptr(ip);
        set(sp, i.dst, u64::from(i32::from(i.value) as u32));
        step!(Const16, cx, ip, sp, mem)
    }

    /// `s[dst] = value` (32 bits)
    fn Const32(cx, ip, sp, mem) {
        let i = op::Const32::decode_ptr(ip);
        set(sp, i.dst, u64::from(i.value));
        step!(Const32, cx, ip, sp, mem)
    }

    /// `s[dst] = value` sign-extended to 64 bits
    fn ConstI64S32(cx, ip, sp, mem) {
        let i = op::ConstI64S32::decode_ptr(ip);
        set(sp, i.dst, i64::from(i.value as i32) as u64);
        step!(ConstI64S32, cx, ip, sp, mem)
    }

    /// `s[dst] = value` (64 bits)
    fn Const64(cx, ip, sp, mem) {
        let i = op::Const64::decode_ptr(ip);
        set(sp, i.dst, i.value);
        step!(Const64, cx, ip, sp, mem)
    }

    /// `s[dst] = s[cond] != 0 ? s[if_true] : s[if_false]`
    fn Select(cx, ip, sp, mem) {
        let i = op::Select::decode_ptr(ip);
        // Both operands are read, then one is chosen: the loads do not wait for the condition, and the choice
        // is a conditional move rather than a branch on data.
        let (if_true, if_false) = (get(sp, i.if_true), get(sp, i.if_false));
        set(sp, i.dst, if get(sp, i.cond) as u32 != 0 { if_true } else { if_false });
        step!(Select, cx, ip, sp, mem)
    }
}
