//! Prints Ember's register bytecode size per wasm code byte for every workload (a Markdown table), translating
//! every defined function as the interpreter would.

use ember_benches::workloads;
use ember_interp::translate::{translate, TranslateOptions};

fn main() {
    let engine = ember::Engine::default();
    println!("| workload | wasm code bytes | bytecode bytes | bytecode / wasm |");
    println!("|---|---:|---:|---:|");
    let (mut wasm_total, mut code_total) = (0, 0);
    for w in workloads::ALL {
        let module = ember::Module::new(&engine, w.wasm).expect("valid module");
        let info = module.info();
        let code: usize = (0..info.bodies.len() as u32)
            .map(|i| translate(info, info.num_imported_funcs + i, &TranslateOptions::default()).expect("translates"))
            .map(|f| f.code_bytes())
            .sum();
        let wasm = info.code_section.len();
        println!("| {} | {wasm} | {code} | {:.2}x |", w.name, code as f64 / wasm as f64);
        wasm_total += wasm;
        code_total += code;
    }
    println!("| **all** | {wasm_total} | {code_total} | **{:.2}x** |", code_total as f64 / wasm_total as f64);
}
