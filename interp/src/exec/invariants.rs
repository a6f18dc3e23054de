//! What the executor takes for granted, and where each fact is established. The executor reads frame slots
//! and code without bounds checks; everything below is proved before code runs or checked where it is
//! used. A reviewer ticks these off against the code; a change that adds an assumption adds a line here.
//!
//! # Code (proved by the verifier, `crate::verify::verify`, for every function the executor runs)
//!
//! The executor only takes a [`VerifiedFunc`](crate::verify::VerifiedFunc): translated code, image code and
//! installed code all pass [`verify`](crate::verify::verify) first.
//!
//! | # | fact | checked in | relied on by |
//! |---|---|---|---|
//! | C1 | `num_params <= num_locals <= frame_size <= MAX_FRAME_SIZE` (2^16) | `verify`, header | zeroing a callee's locals (`handlers::calls::call`); every `base + frame_size` (no wrap on a 32-bit `usize`) |
//! | C2 | every opcode is in the table, every instruction's operands fit in the code | `verify`'s loop (`Truncated`, `UnknownOpcode`) | `decode_ptr` in every handler; the unchecked `HANDLERS` lookup of `dispatch::next` |
//! | C3 | every `Slot` operand is `< frame_size`; `CopySpan` and `ReturnSpan` spans end `<= frame_size`; a call's `args` is `<= frame_size`; both cells of a `WideSlot` operand (`slot + 1`, in `u32`) are `< frame_size` | `Checker::slot`, `span`, `frame_base`, `wide_slot` | `handlers::get`, `set`, the span copies of `CopySpan` and `ReturnSpan`, `handlers::wide`'s `get2`/`set2` |
//! | C4 | every branch target (near, far, each `BrTable` entry) is the first unit of an instruction | `Checker::branch` and the forward-branch list | the branch handlers (`handlers/control.rs`) |
//! | C5 | `BrTable`'s `len + 1` targets fit in the code | `Checker::check_special` | the unchecked target read of `handlers::BrTable` |
//! | C6 | the last instruction is a terminator | `verify` (`MissingTerminator`) | `step!` after every non-terminator; return addresses (the instruction after a call exists) |
//! | C7 | float instructions only in builds with the `float` feature | `verify` (`FloatUnsupported`) | the float handlers, all `handlers::no_float` without it |
//!
//! # Frames (checked by the executor with checked arithmetic)
//!
//! | # | fact | checked in |
//! |---|---|---|
//! | F1 | the running frame `stack[base..base + frame_size]` lies inside the value stack | `run.rs` on every entry into the handlers and `handlers::calls::ret` on every return (`frame_end`, then `<= stack.len()`); an in-place call checks the callee's end against `stack_room <= stack.len()`; every other frame is placed by `ExecState::reserve_stack`, which adds with `checked_add` |
//! | F2 | no `sp` outlives a change to the value stack | the value stack only grows outside the handlers (`run.rs`: calls that need room, host calls), and `run.rs` derives `sp` afresh on every entry; `Mem0` likewise is loaded again after `memory.grow`, the bulk operations and every entry |
//! | F3 | a saved return address is the start of an instruction of the caller's code | it is the instruction after a call (C2, C6) |
//! | F5 | every `CodeRef` in a frame or in the running position points to live code | code leaves `ExecState` only through `retired` (`set_code` retires what it replaces), which is cleared only when no execution is `active`; `run.rs` has the state `retain` the running code before each entry into the handlers and before saving a frame, and holds an owned handle across exits; `tests/exec.rs::code_replaced_while_running_finishes_with_the_old_code` (Miri reports a use-after-free without the retirement) |
//! | F4 | the value stack stays within `StoreLimits::max_value_stack`, the frames within `max_call_depth` | `reserve_stack`; `max_frames` in `run.rs` and `handlers::calls::call`; `execute` |
//!
//! # Checked where used (not proved)
//!
//! - Indices into the instance (functions, globals, tables, types, segments, memory 0): a missing one is an
//!   engine-defect trap (`bad_code`), never an out-of-bounds read. Translated code has them from validation;
//!   image and installed code is also checked against its module before it runs (I1 below).
//! - Linear-memory accesses: `handlers/memory.rs` adds addresses in `u64` and compares with memory 0's length
//!   (`Mem0`) before the unchecked read or write; bulk operations check their whole range first.
//! - Table accesses: `table.rs`'s `range`, in `u64`.
//! - `CallIndirect`: the element is non-null, names a function of the store, and has the expected signature.
//!
//! # Sandbox (what one instance can reach)
//!
//! | # | fact | checked in |
//! |---|---|---|
//! | I1 | image and installed code names only indices its module has, sets only mutable globals, moves references only between tables and segments of one reference type, and calls indirectly only through `funcref` tables | validation (translated code); `image::ref_flow::check_instruction` (images, `install`) |
//! | I2 | every reference in a table or global, passed to a call or returned was handed out by the store (`ref.func`, a table or global, a call result or parameter, null): never computed bits | validation's typing (translated code); `image::ref_flow` (a reference-flow analysis) and `image::const_types` (initialisers, segments) for images and `install` |
//! | I3 | a host function receives references the store handed out, and its results are converted by type | I2; `call::call_host` |
//!
//! # Store state
//!
//! The executor's state is taken out of the store while the handlers run and lent back for host calls;
//! a host function that removes or replaces it ends the executions in progress with a trap (`state::lost`),
//! never a panic.
