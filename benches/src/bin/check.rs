//! Runs every workload once on every engine, checks each checksum against native code and prints the time of
//! that single run (a sanity check and a guide for sizing inputs, not a measurement: use `cargo bench`).
//! Honors `EMBER_BENCH_QUICK` and `EMBER_BENCH_ENGINES`.

use std::time::Instant;

use ember_benches::{engines, workloads};

fn main() {
    let engines = engines::selected();
    let mut failed = false;
    for w in workloads::ALL {
        let n = w.input();
        let start = Instant::now();
        let expected = (w.native)(n);
        let mut line = format!("{:<10} n={n:<8} native {:>9.3} ms", w.name, start.elapsed().as_secs_f64() * 1e3);
        for engine in &engines {
            let result = engine.instantiate(w.wasm).and_then(|mut instance| {
                instance.run(n)?; // lazy translation happens here, outside the timed run
                let start = Instant::now();
                let got = instance.run(n)?;
                Ok((got, start.elapsed()))
            });
            match result {
                Ok((got, time)) if got == expected => {
                    line += &format!("  {} {:>9.3} ms", engine.name(), time.as_secs_f64() * 1e3)
                }
                Ok((got, _)) => {
                    failed = true;
                    line += &format!("  {} WRONG ({got:#x}, native {expected:#x})", engine.name());
                }
                // An engine without SIMD (wasm3) cannot load a SIMD workload.
                Err(e) if w.simd => line += &format!("  {} n/a ({e})", engine.name()),
                Err(e) => {
                    failed = true;
                    line += &format!("  {} FAILED ({e})", engine.name());
                }
            }
        }
        println!("{line}");
    }
    if failed {
        std::process::exit(1);
    }
}
