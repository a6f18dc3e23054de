;; differential (Ember vs wasm3 0.4.7), found reading wasm3's element initialisation after the empty-segment
;; finding: wasm3 0.4.7 sizes table 0 by each active element segment in turn, reallocating it to the segment's end
;; (`InitElements` in source/m3_env.c), so a segment that ends before an earlier one shrinks the table and
;; entries past its end are lost: `call_indirect` on them traps with "undefined element". The spec's table keeps
;; its declared size; entry 3 still holds $forty_two. Ember is right and this records its behaviour. The
;; differential target keeps such modules away from wasm3 (`avoids_known_bugs` in
;; fuzz/oracle/src/wasm3.rs).
(module
  (type $r (func (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $forty_two $forty_two $forty_two $forty_two)
  (elem (i32.const 0) $seven)
  (func $forty_two (result i32) (i32.const 42))
  (func $seven (result i32) (i32.const 7))
  (func (export "call") (param i32) (result i32) (call_indirect (type $r) (local.get 0))))
(assert_return (invoke "call" (i32.const 0)) (i32.const 7))
(assert_return (invoke "call" (i32.const 3)) (i32.const 42))
