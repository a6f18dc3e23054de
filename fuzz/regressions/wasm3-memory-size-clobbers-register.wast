;; differential (Ember vs wasm3 0.4.7, found in the `-fork` campaign against wasm3): `memory.size` must leave
;; the operand stack below it alone. wasm3 0.4.7 keeps the top of the stack in a register and `memory.size`
;; writes its result there without saving the value already in it, so a load followed by `memory.size` (whose
;; result goes to a global) returns the page count instead of the loaded value: 1 here, 1048561 in the module
;; found (an `i64.load16_u` at offset 65376, then `global.set (memory.size)`). A constant below it is right (it
;; is not in the register). Ember is right and this records its behaviour. The differential target keeps
;; modules with `memory.size` away from wasm3 (`avoids_known_bugs` in fuzz/oracle/src/wasm3.rs).
(module
  (memory 1 16)
  (data (i32.const 100) "\2a")
  (global $pages (mut i32) (i32.const 0))
  (func (export "load_then_size") (result i64)
    (i64.load16_u offset=100 (i32.const 0))
    (global.set $pages (memory.size))))
(assert_return (invoke "load_then_size") (i64.const 42))
