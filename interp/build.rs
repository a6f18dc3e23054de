//! Chooses the executor's dispatch backend (see `src/exec/dispatch.rs`): threaded, where each handler jumps
//! to the next through a sibling call, only where LLVM is known to emit those calls as jumps: optimised
//! builds (opt-level 2, 3, `s`, `z`) for x86-64, AArch64, 32-bit Arm with Thumb-2 or the Arm instruction set
//! (Cortex-M3/M4/M7/M33, Cortex-A/R) and RISC-V. Everything else (debug builds, Miri, other targets) gets the
//! portable loop over the same handlers. Thumb-1-only cores (Cortex-M0/M0+/M23: `thumbv6m`, `thumbv8m.base`)
//! are among the others: LLVM emits the handlers' indirect sibling calls there as real calls (`blx`), which
//! would grow the stack with every instruction. `.ci/threaded-check` disassembles the handlers of each
//! threaded target to hold this true. `EMBER_DISPATCH=loop` or `=threaded`
//! overrides the choice (for measuring one against the other).
//!
//! Also chooses the handlers' form (see `src/exec/handlers/mod.rs`, `shape!`): instructions that differ only in
//! their operation share one handler (`ember_shared_handlers`) in size-optimised (`opt-level` `s` or `z`)
//! builds for bare-metal targets (`target_os = "none"`), where flash is what counts; everywhere else each has
//! its own, the faster form. `EMBER_HANDLERS=shared` or `=separate` overrides the choice (the test suite runs
//! the shared form on a host that way).

use std::env;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(ember_threaded)");
    println!("cargo::rustc-check-cfg=cfg(ember_shared_handlers)");
    println!("cargo::rerun-if-env-changed=EMBER_DISPATCH");
    println!("cargo::rerun-if-env-changed=EMBER_HANDLERS");
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let opt = env::var("OPT_LEVEL").unwrap_or_default();
    let miri = env::var_os("CARGO_CFG_MIRI").is_some();
    let target = env::var("TARGET").unwrap_or_default();
    let thumb1_only = ["thumbv6m", "thumbv8m.base", "thumbv4t", "thumbv5te"].iter().any(|t| target.starts_with(t));
    let jumps =
        matches!(arch.as_str(), "x86_64" | "aarch64" | "riscv32" | "riscv64") || (arch == "arm" && !thumb1_only);
    let optimised = matches!(opt.as_str(), "2" | "3" | "s" | "z");
    let threaded = match env::var("EMBER_DISPATCH").as_deref() {
        Ok("loop") => false,
        Ok("threaded") => true,
        _ => jumps && optimised && !miri,
    };
    if threaded {
        println!("cargo::rustc-cfg=ember_threaded");
    }
    let bare_metal = env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("none");
    let shared = match env::var("EMBER_HANDLERS").as_deref() {
        Ok("shared") => true,
        Ok("separate") => false,
        _ => bare_metal && matches!(opt.as_str(), "s" | "z"),
    };
    if shared {
        println!("cargo::rustc-cfg=ember_shared_handlers");
    }
}
