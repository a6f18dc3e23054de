;; differential (Ember vs wasm3 0.4.7, found after 72 444 executions, then again in most of the `-fork`
;; campaign's artifacts): a function that leaves with a branch to its own label (`br 0` at the top level, `br 1`
;; from inside a block, `br_if` or `br_table` to it), carrying its result, must return that value. wasm3 0.4.7
;; returns a wrong one when code after the branch, even unreachable code, reuses the result's slot: 0 (0.0 for
;; an f32: -0.023039214 in the module found) after a dead typed `block`/`loop`, and -1025 comes back as
;; 4294966271 (its low 32 bits) after a dead `i64.gt_s`. `return` instead of the branch is right. Ember is right
;; and this records its behaviour. The differential target keeps modules with branches that leave the function
;; away from wasm3 (`avoids_known_bugs` in fuzz/oracle/src/wasm3.rs).
(module
  (func (export "block") (result i32)
    (i32.const 7) (br 0) (block (result f64) (unreachable)) (unreachable))
  (func (export "loop") (result f32)
    (f32.const 1.5) (br 0) (loop (result f64) (unreachable)) (unreachable))
  (func (export "dead_compare") (param i64 i64 i64 i64) (result i64)
    (i64.const -1025) (br 0) (i64.gt_s) (unreachable)))
(assert_return (invoke "block") (i32.const 7))
(assert_return (invoke "loop") (f32.const 1.5))
(assert_return (invoke "dead_compare" (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0)) (i64.const -1025))
