//! Where native code may take the host stack: native functions recurse on the thread's own stack, so the
//! lowest stack pointer they may reach must lie inside it, whatever size the embedder gave the thread.

use std::cell::Cell;

/// Kept free below the lowest stack pointer native code may reach: a native prologue checks the limit before
/// its frame grows further, and the host's own code (a helper on the way to trapping, a signal handler)
/// still needs some room.
const STACK_GUARD: usize = 64 << 10;

/// An approximation of the current stack pointer: the address of a local.
#[inline(never)]
pub(crate) fn stack_pointer() -> usize {
    let marker = 0u8;
    core::ptr::addr_of!(marker) as usize
}

/// The stack limit for a run of native code entered here: at most `budget` bytes below the current stack
/// pointer, and never closer than [`STACK_GUARD`] to the end of this thread's stack where the platform says
/// where that is (Linux and other glibc/musl systems, macOS). Elsewhere only the budget applies.
pub(crate) fn limit_below_here(budget: usize) -> usize {
    let sp = stack_pointer();
    let mut limit = sp.saturating_sub(budget);
    if let Some(low) = stack_low() {
        limit = limit.max(low.saturating_add(STACK_GUARD));
    }
    limit.max(1)
}

thread_local! {
    /// This thread's lowest stack address, once asked (0: unknown). Asking can be slow: glibc reads
    /// /proc/self/maps for the main thread.
    static STACK_LOW: Cell<Option<usize>> = const { Cell::new(None) };
}

/// The lowest address of the current thread's stack, if the platform tells.
fn stack_low() -> Option<usize> {
    let known = STACK_LOW.with(Cell::get);
    let low = match known {
        Some(low) => low,
        None => {
            let low = query_stack_low().unwrap_or(0);
            STACK_LOW.with(|c| c.set(Some(low)));
            low
        }
    };
    (low != 0).then_some(low)
}

#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
fn query_stack_low() -> Option<usize> {
    let mut attr = core::mem::MaybeUninit::<libc::pthread_attr_t>::uninit();
    // SAFETY: `pthread_getattr_np` initialises `attr` for the calling thread when it returns 0 (only then is
    // it read or destroyed); `pthread_attr_getstack` writes the two out-pointers, which point to locals.
    unsafe {
        #[cfg(target_os = "freebsd")]
        let got = {
            libc::pthread_attr_init(attr.as_mut_ptr());
            libc::pthread_attr_get_np(libc::pthread_self(), attr.as_mut_ptr())
        };
        #[cfg(not(target_os = "freebsd"))]
        let got = libc::pthread_getattr_np(libc::pthread_self(), attr.as_mut_ptr());
        if got != 0 {
            return None;
        }
        let mut addr: *mut libc::c_void = core::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let ok = libc::pthread_attr_getstack(attr.as_ptr(), &mut addr, &mut size) == 0;
        libc::pthread_attr_destroy(attr.as_mut_ptr());
        (ok && !addr.is_null()).then_some(addr as usize)
    }
}

#[cfg(target_os = "macos")]
fn query_stack_low() -> Option<usize> {
    // SAFETY: both functions only read the calling thread's attributes.
    unsafe {
        let me = libc::pthread_self();
        let top = libc::pthread_get_stackaddr_np(me) as usize;
        let size = libc::pthread_get_stacksize_np(me);
        top.checked_sub(size)
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd", target_os = "macos")))]
fn query_stack_low() -> Option<usize> {
    None
}
