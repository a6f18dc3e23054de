;; differential (Ember vs wasmi 2.0.0): wasm-smith guards divisors with `select(1, x, i32.eqz(x))` stored back
;; into `x`. With a value below it on the operand stack, wasmi picks the wrong operand (1 here; in the modules
;; found, 0 instead of a constant, so a guarded division then trapped with "integer divide by zero"). Ember is
;; right and this records its behaviour. The bug is wasmi's: the differential target generates modules for wasmi
;; without wasm-smith's trap guards (`EngineKind::avoid_trap_guards`).
(module
  (global $g (mut i32) (i32.const 0))
  (func (export "keep_x") (result i32) (local $x i32)
    (i64.const 0)
    (local.set $x (i32.const 32767))
    (local.set $x (select (i32.const 1) (local.get $x) (i32.eqz (local.get $x))))
    (global.set $g (local.get $x))
    (drop)
    (global.get $g)))
(assert_return (invoke "keep_x") (i32.const 32767))
