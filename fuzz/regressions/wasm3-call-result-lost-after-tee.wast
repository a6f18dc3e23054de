;; differential (Ember vs wasm3 0.4.7, found in the `-fork` campaign against wasm3; reduced by deleting lines
;; while the engines still disagreed): `$caller` returns what `$tiny` returns (0x1p-136), after pushing and
;; dropping two more values (a parameter, and a local through `local.tee`). wasm3 0.4.7 returns 0: the call's
;; result is lost to the value-stack slot and register reuse around `local.tee` and the drops, the family of
;; wasm3-result-register-clobbered.wast (most of the campaign's remaining divergences are wrong values of this
;; kind). The fuel decrement at the start is needed. Ember is right and this records its behaviour.
(module
  (global (mut i32) (i32.const 1000))
  (func $tiny (param f32) (result f32)
    (f32.const 0x1p-136))
  (func $caller (export "caller") (param f32) (result f32)
    (local i64)
    global.get 0
    i32.const 1
    i32.sub
    global.set 0
    local.get 0
    call $tiny
    local.get 0
    local.get 1
    local.tee 1
    drop
    drop))
(assert_return (invoke "caller" (f32.const 0)) (f32.const 0x1p-136))
