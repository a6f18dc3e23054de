;; differential (Ember vs wasm3 0.4.7, found after 51 473 executions): `memory.grow` by 0xFFFF_FFFF pages (the
;; -1 a failed `memory.grow` returns, grown again: `memory.grow (memory.grow ...)` is common in generated code)
;; must fail and return -1. wasm3 0.4.7 adds the delta to the current page count in 32 bits (`op_MemGrow` in
;; source/m3_exec.c: `memory->numPages + numPagesToGrow`), so 3 + 0xFFFF_FFFF wraps to 2, the maximum check
;; passes, and the memory is *shrunk* to 2 pages (reallocated: the third page's contents are gone) while
;; `memory.grow` reports success (3, the old size). Its bounds checks follow the new length, so accesses stay
;; inside the allocation, but the program's memory is silently truncated. The module found ran
;; `memory.grow (memory.grow (i32.const 33554432))` in a memory of 3 to 5 pages, then a load that wasm3 let
;; through; this is it minimised. Ember is right and this records its behaviour. The differential target keeps
;; modules with `memory.grow` away from wasm3 (`avoids_known_bugs` in fuzz/oracle/src/wasm3.rs).
(module
  (memory 3 5)
  (data (i32.const 131072) "\2a")
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "third_page") (result i32) (i32.load8_u (i32.const 131072))))
(assert_return (invoke "grow" (i32.const -1)) (i32.const -1))
(assert_return (invoke "size") (i32.const 3))
(assert_return (invoke "third_page") (i32.const 42))
