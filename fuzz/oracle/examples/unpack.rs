//! Turns a `differential` fuzz input (an artifact) back into the module and calls it stands for: writes the
//! module to OUT.wasm and prints the engine the fuzzer picked and the planned calls.
//! `cargo run --example unpack -- ARTIFACT OUT.wasm`. Mirrors `fuzz_targets/differential.rs`.

use arbitrary::Unstructured;
use ember_fuzz::{plan_calls, ENGINES};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(out)) = (args.next(), args.next()) else {
        return Err("usage: unpack ARTIFACT OUT.wasm".into());
    };
    let data = std::fs::read(input)?;
    let mut u = Unstructured::new(&data);
    let kind = u.choose(ENGINES)?;
    let wasm = kind.module(&mut u)?;
    let calls = plan_calls(&mut u, &wasm, 3)?;
    std::fs::write(&out, &wasm)?;
    println!("engine: {}", kind.build().name());
    for call in calls {
        println!("call {} {:?}", call.name, call.args);
    }
    Ok(())
}
