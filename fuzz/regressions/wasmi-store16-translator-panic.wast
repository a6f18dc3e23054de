;; differential (Ember vs wasmi 2.0.0), found by a release-build campaign: wasmi's translator panics
;; ("internal error: entered unreachable code" in `choose_store_op_vt`) on the `i32.store16` below, whose
;; address and value are the same `local.tee`d result of a failed `memory.grow` (-1). The bug is wasmi's (the
;; campaign stops on it, as on any crash of an engine under comparison). Ember validates the module and the
;; store traps: address 0xffff_ffff + 189 902 is out of bounds.
(module
  (type (;0;) (func (param i64 i64 i32)))
  (memory (;0;) 11 13)
  (global (;0;) (mut i32) i32.const 1000)
  (export "" (func 0))
  (export "1" (memory 0))
  (func (;0;) (type 0) (param i64 i64 i32)
    global.get 0
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 0
    i32.const 1
    i32.sub
    global.set 0
    memory.size
    i64.load16_s offset=31086
    memory.size
    f64.load offset=666104 align=1
    memory.size
    i64.load offset=653350 align=2
    memory.size
    i64.load16_s offset=403816
    local.tee 0
    local.get 1
    memory.size
    memory.grow
    local.tee 2
    local.tee 2
    local.get 2
    i32.store16 offset=189902
    local.tee 1
    local.set 0
    local.tee 0
    memory.size
    i32.load16_s offset=13362 align=1
    i64.load offset=248 align=1
    unreachable
  )
)
(assert_trap (invoke "" (i64.const 0) (i64.const 0) (i32.const 0)) "out of bounds memory access")
