;; differential (Ember vs wasm3 0.4.7, found after 32 583 executions): an empty active element segment is valid
;; and, at an offset within the table, initialises nothing. wasm3 0.4.7 fails the instantiation with "table
;; overflow" (`InitElements` in source/m3_env.c requires a segment's end to be past its offset). The module
;; found was a table of 63 entries and `(elem (i32.const 0) func)`; this is it minimised. Ember is right and
;; this records its behaviour. The differential target keeps such modules away from wasm3
;; (`avoids_known_bugs` in fuzz/oracle/src/wasm3.rs); `ember-compare --engines wasm3` shows the difference:
;; "instantiation trap TableOutOfBounds, but ember-interp 1:i32".
(module
  (table 1 funcref)
  (elem (i32.const 0) func)
  (func (export "one") (result i32) (i32.const 1)))
(assert_return (invoke "one") (i32.const 1))
