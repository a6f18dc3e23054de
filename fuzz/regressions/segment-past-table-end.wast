;; differential (Ember vs wasmi 2.0.0): an element or data segment that does not fit traps at instantiation,
;; even with no elements when its offset is past the end. wasmi reports these as instantiation errors of its own
;; rather than trap codes, so its adapter maps them to the spec's traps. Ember's behaviour, recorded.
(assert_trap (module (table 1 funcref) (elem (i32.const 2))) "out of bounds table access")
(assert_trap (module (memory 1) (data (i32.const 65537) "")) "out of bounds memory access")
(assert_trap (module (memory 1) (data (i32.const 65535) "ab")) "out of bounds memory access")
(module (table 1 funcref) (elem (i32.const 1)) (memory 1) (data (i32.const 65536) ""))
