//! Globals, function references and tables.

use ember_core::Trap;

use super::{get, handler, set, step};
use crate::exec::dispatch::{defect, exit, left, record, Ctx, Exit, Ip, Sp};
use crate::exec::{bad_code, table};
use crate::ops::op;

/// The store index of the running instance's table `t`.
#[inline(always)]
fn table_index(cx: &Ctx<'_>, t: u32) -> Result<usize, Trap> {
    Ok(cx.inst.tables.get(t as usize).ok_or_else(|| bad_code("table index"))?.index() as usize)
}

/// Runs `$body` (a `Result<(), Trap>` computation with `?`, over the decoded instruction `$i`) in a function
/// of its own (see [`record`] for why), then goes on after `$op`, or leaves with its trap.
macro_rules! checked {
    ($op:ident, $cx:ident, $ip:ident, $sp:ident, $mem:ident, |$i:ident| $body:block) => {{
        #[inline(never)]
        unsafe fn work($cx: &mut Ctx<'_>, $ip: Ip, $sp: Sp) -> bool {
            // SAFETY: the handler contract, forwarded.
            let $i = unsafe { op::$op::decode_ptr($ip) };
            let outcome: Result<(), Trap> = (|| $body)();
            record($cx, $ip, outcome)
        }
        match work($cx, $ip, $sp) {
            true => step!($op, $cx, $ip, $sp, $mem),
            false => left(),
        }
    }};
}

handler! {
    /// `s[dst] = global`
    fn GlobalGet(cx, ip, sp, mem) {
        let i = op::GlobalGet::decode_ptr(ip);
        let g = cx.inst.globals.get(i.global as usize).and_then(|g| cx.objects.globals().get(g.index() as usize));
        match g {
            Some(g) => {
                set(sp, i.dst, g.bits);
                step!(GlobalGet, cx, ip, sp, mem)
            }
            None => defect(cx, ip, "global"),
        }
    }

    /// `global = s[src]`
    fn GlobalSet(cx, ip, sp, mem) {
        let i = op::GlobalSet::decode_ptr(ip);
        let g = cx.inst.globals.get(i.global as usize);
        match g.and_then(|g| cx.objects.globals_mut().get_mut(g.index() as usize)) {
            Some(g) => {
                g.bits = get(sp, i.src);
                step!(GlobalSet, cx, ip, sp, mem)
            }
            None => defect(cx, ip, "global"),
        }
    }

    /// `s[dst] =` a reference to the instance's function `func`
    fn RefFunc(cx, ip, sp, mem) {
        let i = op::RefFunc::decode_ptr(ip);
        match cx.inst.funcs.get(i.func as usize) {
            Some(f) => {
                set(sp, i.dst, u64::from(f.index()) + 1);
                step!(RefFunc, cx, ip, sp, mem)
            }
            None => defect(cx, ip, "function index"),
        }
    }

    /// `s[dst] = table[s[index]]`
    fn TableGet(cx, ip, sp, mem) {
        checked!(TableGet, cx, ip, sp, mem, |i| {
            let ti = table_index(cx, i.table)?;
            let t = table::table(cx.objects.tables_mut(), ti)?;
            set(sp, i.dst, table::get(t, get(sp, i.index) as u32)?);
            Ok(())
        })
    }

    /// `table[s[index]] = s[value]`
    fn TableSet(cx, ip, sp, mem) {
        checked!(TableSet, cx, ip, sp, mem, |i| {
            let ti = table_index(cx, i.table)?;
            let t = table::table(cx.objects.tables_mut(), ti)?;
            table::set(t, get(sp, i.index) as u32, get(sp, i.value))?;
            Ok(())
        })
    }

    /// `s[dst] =` the table's size
    fn TableSize(cx, ip, sp, mem) {
        checked!(TableSize, cx, ip, sp, mem, |i| {
            let ti = table_index(cx, i.table)?;
            let t = table::table(cx.objects.tables_mut(), ti)?;
            set(sp, i.dst, t.len() as u32 as u64);
            Ok(())
        })
    }

    /// `s[dst] =` old size or -1: grow by `s[delta]` elements `s[init]`
    fn TableGrow(cx, ip, sp, mem) {
        checked!(TableGrow, cx, ip, sp, mem, |i| {
            let t = table_index(cx, i.table)?;
            let old = table::grow(cx.objects, t, get(sp, i.delta) as u32, get(sp, i.init))?;
            set(sp, i.dst, u64::from(old));
            Ok(())
        })
    }

    /// Fill `s[len]` elements from `s[dst]` with `s[value]`
    fn TableFill(cx, ip, sp, mem) {
        checked!(TableFill, cx, ip, sp, mem, |i| {
            let ti = table_index(cx, i.table)?;
            let t = table::table(cx.objects.tables_mut(), ti)?;
            table::fill(t, get(sp, i.dst) as u32, get(sp, i.value), get(sp, i.len) as u32)?;
            Ok(())
        })
    }

    /// Copy `s[len]` elements between tables
    fn TableCopy(cx, ip, sp, mem) {
        checked!(TableCopy, cx, ip, sp, mem, |i| {
            let (d, s) = (table_index(cx, i.dst_table)?, table_index(cx, i.src_table)?);
            let (dst, src, len) = (get(sp, i.dst) as u32, get(sp, i.src) as u32, get(sp, i.len) as u32);
            table::copy(cx.objects.tables_mut(), d, s, dst, src, len)?;
            Ok(())
        })
    }

    /// Copy `s[len]` items of an element segment into a table
    fn TableInit(cx, ip, sp, mem) {
        checked!(TableInit, cx, ip, sp, mem, |i| {
            let segment = cx.inst.elements.get(i.elem as usize).ok_or_else(|| bad_code("element segment"))?;
            let ti = table_index(cx, i.table)?;
            let t = table::table(cx.objects.tables_mut(), ti)?;
            let (dst, src, len) = (get(sp, i.dst) as u32, get(sp, i.src) as u32, get(sp, i.len) as u32);
            table::init(t, segment, dst, src, len)?;
            Ok(())
        })
    }

    /// Drop an element segment (with the whole store, outside the handlers).
    fn ElemDrop(cx, ip, sp, mem) {
        let i = op::ElemDrop::decode_ptr(ip);
        exit(cx, ip.add(op::ElemDrop::UNITS), Exit::ElemDrop { elem: i.elem })
    }
}
