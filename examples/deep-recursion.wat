;; Recursion `depth` levels deep: `ember run --invoke count examples/deep-recursion.wat 100000` must end in
;; the `call stack exhausted` trap (the default call-depth limit is 100 000), never crash the host.
(module
  (func $count (export "count") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $count (i32.sub (local.get $n) (i32.const 1))))))))
