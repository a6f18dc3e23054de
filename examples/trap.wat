;; Divides by its argument: `ember run --invoke div examples/trap.wat 0` traps with `integer divide by zero`.
(module
  (func (export "div") (param i32) (result i32)
    (i32.div_s (i32.const 100) (local.get 0))))
