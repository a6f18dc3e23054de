;; differential (Ember vs wasm3 0.4.7, found after 227 291 executions): an active data segment at offset
;; -1 (0xFFFF_FFFF) is out of bounds, so instantiation must trap. wasm3 0.4.7 checks the segment with
;; `(size_t) segmentOffset + segment->size <= length` (`InitDataSegments` in source/m3_env.c) on a signed
;; 32-bit offset: -1 becomes SIZE_MAX, adding the segment's length wraps to a small number, the check passes,
;; and `memcpy` writes the segment starting one byte *before* linear memory, into wasm3's memory header on the
;; heap: a heap buffer underflow controlled by the module. Any negative offset whose magnitude is at most the
;; segment's length does the same. The module found was a 9-byte segment of 0xff at -1 in a memory of one page;
;; this is it minimised. Ember is right and this records its behaviour. The differential target keeps such
;; modules away from wasm3 (`avoids_known_bugs` in fuzz/oracle/src/wasm3.rs).
(assert_trap (module (memory 1 1) (data (i32.const -1) "\ff\ff")) "out of bounds memory access")
(module (memory 1 1) (data (i32.const 65534) "\ff\ff") (func (export "last") (result i32) (i32.load16_u (i32.const 65534))))
(assert_return (invoke "last") (i32.const 65535))
