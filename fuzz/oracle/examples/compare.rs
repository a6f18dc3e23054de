//! Runs a module (binary or text) on Ember's interpreter and every other engine, calling each exported
//! function once with zero arguments, and prints what each engine returned:
//! `cargo run --example compare -- FILE.wasm|FILE.wat`.

use ember_fuzz::{exports, DiffValue, EmberEngine, ExportItem, ENGINES};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: compare FILE.wasm|FILE.wat")?;
    let wasm = wat::parse_file(path)?;
    let mut engines = vec![Box::new(EmberEngine::interpreter()) as Box<dyn ember_fuzz::DiffEngine>];
    engines.extend(ENGINES.iter().map(|k| k.build()));
    for engine in &mut engines {
        println!("== {}", engine.name());
        let mut instance = match engine.instantiate(&wasm) {
            Ok(instance) => instance,
            Err(e) => {
                println!("instantiation: {e:?}");
                continue;
            }
        };
        for (name, item) in exports(&wasm) {
            match item {
                ExportItem::Func { params, .. } => {
                    let args: Vec<DiffValue> = params.iter().map(|t| DiffValue::zero(*t)).collect();
                    println!("call {name:?}: {:?}", instance.call(&name, &args));
                }
                ExportItem::Global => println!("global {name:?}: {:?}", instance.global(&name)),
                ExportItem::Memory => {
                    let memory = instance.memory(&name).unwrap_or_default();
                    let sum = memory.iter().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(*b)));
                    println!("memory {name:?}: {} bytes, hash {sum:x}", memory.len());
                }
            }
        }
    }
    Ok(())
}
