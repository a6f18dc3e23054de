//! Compares Ember's interpreter with every other engine on `N` generated modules (deterministic seeds) and
//! prints how many agreed and the divergences: `cargo run --release --example survey -- N`.

use arbitrary::Unstructured;
use ember_fuzz::{compare_module, plan_calls, EmberEngine, ENGINES};

fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let (mut agreed, mut overflows) = (0, 0);
    for seed in 0..n {
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let data: Vec<u8> = (0..8192)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let mut u = Unstructured::new(&data);
        for kind in ENGINES {
            let Ok(wasm) = kind.module(&mut u) else { continue };
            let Ok(calls) = plan_calls(&mut u, &wasm, 3) else { continue };
            match compare_module(&mut EmberEngine::interpreter(), kind.build().as_mut(), &wasm, &calls) {
                Ok(a) => {
                    agreed += 1;
                    overflows += usize::from(a.stack_overflow);
                }
                Err(d) => {
                    let path = std::env::temp_dir().join(format!("survey-{seed}.wasm"));
                    let _ = std::fs::write(&path, &wasm);
                    println!("seed {seed} {kind:?}: {d} ({})", path.display());
                }
            }
        }
    }
    println!("{agreed} comparisons agreed ({overflows} with stack exhaustion)");
}
