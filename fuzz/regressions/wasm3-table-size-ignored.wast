;; differential (Ember vs wasm3 0.4.7), found reading wasm3's element initialisation after the empty-segment
;; finding: wasm3 0.4.7 ignores table 0's declared size and makes the table as long as its element segments
;; reach (`InitElements` in source/m3_env.c). Entries past the last segment but within the declared size are
;; null, so `call_indirect` on them traps with "uninitialized element" (Ember's IndirectCallToNull); wasm3 traps
;; with "undefined element", the trap for an index past the table's end. (It also lets a segment past the
;; declared size grow the table instead of failing the instantiation.) Ember is right and this records its
;; behaviour. The differential target keeps such modules away from wasm3 (`avoids_known_bugs` in
;; fuzz/oracle/src/wasm3.rs).
(module
  (type $r (func (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $seven)
  (func $seven (result i32) (i32.const 7))
  (func (export "call") (param i32) (result i32) (call_indirect (type $r) (local.get 0))))
(assert_return (invoke "call" (i32.const 0)) (i32.const 7))
(assert_trap (invoke "call" (i32.const 2)) "uninitialized element")
(assert_trap (invoke "call" (i32.const 4)) "undefined element")
