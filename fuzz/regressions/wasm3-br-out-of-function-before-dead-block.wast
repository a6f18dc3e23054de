;; differential (Ember vs wasm3 0.4.7, found after 72 444 executions): a function that leaves with `br 0` (a
;; branch to its own label, carrying the result), followed by unreachable code holding a `block` or `loop` with
;; a result and more code after it, must return the value the branch carries. wasm3 0.4.7 returns 0 (for an
;; f32 result, 0.0 in place of -0.023039214 in the module found): compiling the dead `block`/`loop` with a
;; result after the branch clobbers the slot the branch's value was left in. Without the result type, with
;; `return` in place of `br 0`, or inside an inner block, the value is right. Ember is right and this records
;; its behaviour. The differential target keeps modules with a typed `block`/`loop`/`if` in code made
;; unreachable by a branch away from wasm3 (`avoids_known_bugs` in fuzz/oracle/src/wasm3.rs).
(module
  (func (export "block") (result i32)
    (i32.const 7) (br 0) (block (result f64) (unreachable)) (unreachable))
  (func (export "loop") (result f32)
    (f32.const 1.5) (br 0) (loop (result f64) (unreachable)) (unreachable)))
(assert_return (invoke "block") (i32.const 7))
(assert_return (invoke "loop") (f32.const 1.5))
