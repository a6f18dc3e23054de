;; differential (Ember vs wasm3 0.4.7, found after 47 475 executions; reduced by deleting lines while the
;; engines still disagreed): this function returns its fourth parameter (2.5 here), which sits on the operand
;; stack under an `i32.eqz` and a typed `block` that are dropped. wasm3 0.4.7 returns 2.5000000000004436: the
;; low 32 bits of the f64 are replaced by 999 (0x3E7), the value of the `i32.sub` that decremented the global
;; at the function's start (with every parameter 0, as found, it returned the denormal 4.936e-321). Two values
;; were given one value-stack slot. The
;; `local.tee` of the i64 parameter and the `block`/`loop` that writes the global again inside the typed block
;; are all needed; without the first decrement the result is right. The campaign's generated modules (wasm-smith
;; with its fuel global, `ensure_termination`) start every function and loop with such a decrement, so this is
;; not kept out of wasm3's modules: a campaign against wasm3 runs with `-fork` and `-ignore_crashes` to go past
;; it, and its divergences are triaged against this script. Ember is right and this records its behaviour.
(module
  (global (mut i32) (i32.const 1000))
  (func (export "fourth") (param i64 f64 f64 f64 f64 f64 f64 i64) (result f64)
    (local f32)
    global.get 0
    i32.const 1
    i32.sub
    global.set 0
    local.get 3
    i32.const 4096
    i32.eqz
    block (result f64)
      local.get 7
      local.tee 7
      i64.eqz
      block
        loop
          global.get 0
          i32.const 1
          i32.sub
          global.set 0
        end
      end
      drop
      f64.const 0
    end
    drop
    drop))
(assert_return
  (invoke "fourth" (i64.const 0) (f64.const 0) (f64.const 0) (f64.const 2.5) (f64.const 0) (f64.const 0)
    (f64.const 0) (i64.const 0))
  (f64.const 2.5))
