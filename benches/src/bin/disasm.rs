//! Prints Ember's register bytecode for every defined function of a workload: `disasm WORKLOAD` (what a
//! profile's instruction counts are spread over).

use ember_benches::workloads;
use ember_interp::translate::{translate, TranslateOptions};

fn main() {
    let name = std::env::args().nth(1).unwrap_or_else(|| "fib".into());
    let w = workloads::by_name(&name).unwrap_or_else(|| panic!("no workload {name}"));
    let engine = ember::Engine::default();
    let module = ember::Module::new(&engine, w.wasm).expect("valid module");
    let info = module.info();
    for i in 0..info.bodies.len() as u32 {
        let index = info.num_imported_funcs + i;
        let compiled = translate(info, index, &TranslateOptions::default()).expect("translates");
        println!("func {index}");
        print!("{}", ember_interp::disasm::disassemble(&compiled));
    }
}
