//! Exits 0 when Ember's interpreter and some other engine disagree on a module (each export called once with
//! zero arguments), 1 otherwise: the predicate for `wasm-tools shrink` when minimising a divergence.
//! `cargo run --example diverges -- FILE.wasm|FILE.wat [ENGINE-NAME]`.

use ember_fuzz::{compare_module, exports, Call, DiffValue, EmberEngine, ExportItem, ENGINES};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else { std::process::exit(2) };
    let only = args.next();
    let Ok(wasm) = wat::parse_file(path) else { std::process::exit(2) };
    let calls: Vec<Call> = exports(&wasm)
        .into_iter()
        .filter_map(|(name, item)| match item {
            ExportItem::Func { params, .. } => {
                Some(Call { name, args: params.iter().map(|t| DiffValue::zero(*t)).collect() })
            }
            _ => None,
        })
        .collect();
    for kind in ENGINES {
        let mut other = kind.build();
        if only.as_deref().is_some_and(|n| n != other.name()) {
            continue;
        }
        if let Err(d) = compare_module(&mut EmberEngine::interpreter(), other.as_mut(), &wasm, &calls) {
            eprintln!("{}: {d}", other.name());
            std::process::exit(0);
        }
    }
    std::process::exit(1);
}
