;; differential (Ember's interpreter vs wasmi, the native tiers and the spec), found by a release-build campaign:
;; a load whose address is an `i32.add` and whose offset does not fit 16 bits loaded from the addition's first
;; operand instead of its result. The translator took the addition back out of the code (to fuse it into the
;; load) before finding that no fused form holds the offset, then emitted the wide form on the operand. The
;; campaign's module computed `memory.size <= x` + x + x + x as the address of an `i32.load offset=96603`.
(module
  (memory 4)
  (data (i32.const 96605) "\07\00\00\00\00\00\00\00")
  (data (i32.const 96700) "\09")
  (func (export "i32.load index") (param i32) (result i32)
    (i32.load offset=96603 align=2 (i32.add (local.get 0) (local.get 0))))
  (func (export "i32.load imm") (param i32) (result i32)
    (i32.load offset=96603 align=2 (i32.add (local.get 0) (i32.const 1))))
  (func (export "i64.load index") (param i32) (result i64)
    (i64.load offset=96603 align=2 (i32.add (local.get 0) (local.get 0))))
  (func (export "i32.load8_u index") (param i32) (result i32)
    (i32.load8_u offset=96698 (i32.add (local.get 0) (local.get 0))))
  (func (export "i32.load8_u imm") (param i32) (result i32)
    (i32.load8_u offset=96698 (i32.add (local.get 0) (i32.const 1))))
  ;; The campaign's shape: the address chain ends in an addition, the result feeds a second wide load.
  (func (export "chain") (param i32) (result i64)
    (i64.load8_u offset=96698
      (i32.load offset=96603 align=2 (i32.add (local.get 0) (local.get 0))))))

(assert_return (invoke "i32.load index" (i32.const 1)) (i32.const 7))
(assert_return (invoke "i32.load imm" (i32.const 1)) (i32.const 7))
(assert_return (invoke "i64.load index" (i32.const 1)) (i64.const 7))
(assert_return (invoke "i32.load8_u index" (i32.const 1)) (i32.const 9))
(assert_return (invoke "i32.load8_u imm" (i32.const 1)) (i32.const 9))
(assert_return (invoke "chain" (i32.const 1)) (i64.const 0))
(assert_trap (invoke "i32.load index" (i32.const 0x7fff_ffff)) "out of bounds memory access")
