#!/usr/bin/env bash
# Footprint of Ember on Cortex-M: builds the example firmware (opt-level "z", LTO, codegen-units = 1) in each
# variant, reads its sections with arm-none-eabi-size and runs it in QEMU for heap and stack use.
#
#   flash = .vector_table + .text + .rodata + .data      RAM = .data + .bss (less the heap area) + heap peak
#   + peak stack (measured by painting the stack)
#
# "runtime" columns subtract the baseline firmware (same start-up, heap, semihosting output and panic
# handler, no Ember) and the apps' own bytes (the images, or the wasm), so they are what Ember, WASI and the
# ports add, with the firmware code that loads and runs the apps. Without wasi-min or the ports, their imports
# are stubs that return 0. Each app's linear memory is capped (StoreLimits::
# max_memory_bytes) and counted in the heap peak, as is the interpreter's value stack.
#
# Usage: size-report.sh [TARGET...]   (default: thumbv6m-none-eabi thumbv7m-none-eabi thumbv7em-none-eabihf)
set -euo pipefail
cd "$(dirname "$0")/firmware"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(thumbv6m-none-eabi thumbv7m-none-eabi thumbv7em-none-eabihf)

runner() {
  case $1 in
    thumbv7m-none-eabi) echo "-cpu cortex-m3 -machine lm3s6965evb" ;;
    thumbv7em-none-eabihf) echo "-cpu cortex-m4 -machine mps2-an386" ;;
    thumbv6m-none-eabi) echo "-cpu cortex-m0 -machine microbit" ;;
  esac
}

section() { # elf name
  arm-none-eabi-size -A -d "$1" | awk -v s="$2" '$1 == s { print $2; found = 1 } END { if (!found) print 0 }'
}

# measure TARGET BIN FEATURES... -> "flash ram heap_peak stack_peak app_memory"
measure() {
  local target=$1 bin=$2; shift 2
  local features=("$@")
  local log
  if ! log=$(cargo build --quiet --release --target "$target" --bin "$bin" --no-default-features \
    ${features[0]:+--features "$(IFS=,; echo "${features[*]}")"} 2>&1); then
    # The one expected failure: the board's flash is too small.
    local over
    over=$(grep -o "overflowed by [0-9]* bytes" <<<"$log" | head -1 | grep -o "[0-9]*") || {
      echo "build failed: $log" >&2
      exit 1
    }
    echo "nofit $over"
    return
  fi
  local elf="target/$target/release/$bin"
  local vt text ro data bss uninit
  vt=$(section "$elf" .vector_table); text=$(section "$elf" .text); ro=$(section "$elf" .rodata)
  data=$(section "$elf" .data); bss=$(section "$elf" .bss); uninit=$(section "$elf" .uninit)
  local out line
  # shellcheck disable=SC2046
  out=$(timeout 60 qemu-system-arm $(runner "$target") -nographic -semihosting-config enable=on,target=native \
    -kernel "$elf" 2>&1 || true)
  line=$(grep -o 'footprint: .*' <<<"$out" | head -1)
  [ -n "$line" ] || { echo "no footprint line from $bin $target ${features[*]}: $out" >&2; exit 1; }
  local heap_area heap_peak stack_peak app_memory
  heap_area=$(grep -o 'heap_area=[0-9]*' <<<"$line" | cut -d= -f2)
  heap_peak=$(grep -o 'heap_peak=[0-9]*' <<<"$line" | cut -d= -f2)
  stack_peak=$(grep -o 'stack_peak=[0-9]*' <<<"$line" | cut -d= -f2)
  app_memory=$(grep -o 'app_memory=[0-9]*' <<<"$line" | cut -d= -f2)
  local flash=$((vt + text + ro + data)) ram_static=$((data + bss + uninit - heap_area))
  echo "$flash $ram_static $heap_peak $stack_peak $app_memory"
}

kb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }

echo "| core | variant | flash | runtime flash (without the apps) | static RAM | heap peak (incl. app memory) | stack peak | RAM beyond app memory |"
echo "|---|---|---|---|---|---|---|---|"
for target in "${targets[@]}"; do
  base=$(measure "$target" baseline)
  read -r base_flash base_static _ base_stack _ <<<"$base"
  core=$(runner "$target" | awk '{ print $2 }' | sed 's/cortex-//')
  # Integer-only (without ember-interp's `float` feature) is for cores without an FPU: images with float
  # arithmetic are refused at load, and the soft-float routines are left out.
  variants=("precompiled only:float" "precompiled only, integer-only:" "precompiled + wasi-min:wasi,float"
    "precompiled + wasi-min + ports:wasi,ports,float")
  # On-device validation is measured on the M4F board (4 MB of flash): it does not fit the M3 board's 256 KB
  # (wasmparser's validator), and the M0 cannot build it (no atomic compare-and-swap).
  # SIMD (ember-interp's `simd` feature) is measured on the M4F too.
  [ "$target" != thumbv7em-none-eabihf ] ||
    variants+=("precompiled only, with SIMD:float,simd" "validation + translation:validate,float" "validation + translation + wasi-min + ports:validate,wasi,ports,float")
  for v in "${variants[@]}"; do
    name=${v%%:*}; feats=${v#*:}
    IFS=, read -r -a fs <<<"$feats"
    result=$(measure "$target" ember-firmware "${fs[@]}")
    if [[ $result == nofit* ]]; then
      echo "| $core | $name | does not fit the board's flash (over by $(kb "${result#nofit }") KB) | | | | | |"
      continue
    fi
    read -r flash ram_static heap stack app <<<"$result"
    # The apps are not the runtime: their images (or wasm) are taken out of the runtime column.
    if [[ $feats == *validate* ]]; then ext=wasm; else ext=ebc; fi
    apps=$(cat ../apps/blinky.$ext ../apps/compute.$ext ../apps/trap.$ext | wc -c)
    beyond=$((ram_static - base_static + heap - app + stack - base_stack))
    echo "| $core | $name | $(kb "$flash") KB | $(kb $((flash - base_flash - apps))) KB | $(kb "$ram_static") KB | $(kb "$heap") KB | $(kb "$stack") KB | $(kb "$beyond") KB |"
  done
done
