//! Turns a fuzz input (an artifact) back into the module and calls it stands for: writes the module to
//! OUT.wasm and prints what else the input chose (the engine for `differential`; termination, translation and
//! tier for `execute`) and the planned calls.
//! `cargo run --example unpack -- [--execute | --translate] ARTIFACT OUT.wasm`. Mirrors
//! `fuzz_targets/differential.rs` (the default), `fuzz_targets/execute.rs` and `fuzz_targets/translate.rs`
//! (which has no calls). `EMBER_FUZZ_ENGINES` narrows the engines as it does for the target.

use arbitrary::Unstructured;
use ember_fuzz::{engines_from_env, plan_calls};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let target = match args.first().map(String::as_str) {
        Some(flag @ ("--execute" | "--translate")) => {
            let target = flag.trim_start_matches("--").to_string();
            args.remove(0);
            target
        }
        _ => "differential".to_string(),
    };
    let [input, out] = &args[..] else {
        return Err("usage: unpack [--execute | --translate] ARTIFACT OUT.wasm".into());
    };
    let data = std::fs::read(input)?;
    let mut u = Unstructured::new(&data);
    let (wasm, calls) = if target == "translate" {
        let mut smith = ember_fuzz::ember_config(&mut u, false)?;
        smith.max_imports = u.int_in_range(0..=10).unwrap_or(0);
        let wasm = ember_fuzz::module_from_config(&mut u, smith, false)?;
        let (fuel, profile): (bool, bool) = (u.arbitrary().unwrap_or(false), u.arbitrary().unwrap_or(false));
        println!("fuel: {fuel}; profiling: {profile}");
        (wasm, Vec::new())
    } else if target == "execute" {
        let terminating = u.ratio(3, 4).unwrap_or(true);
        let wasm = ember_fuzz::ember_module(&mut u, false, terminating)?;
        let calls = plan_calls(&mut u, &wasm, 3)?;
        let eager = u.arbitrary().unwrap_or(false);
        // `execute`'s tier list: the interpreter three times, the native tier, tiering up.
        let tier = ["interp", "interp", "interp", "jit", "auto"][u.choose_index(5).unwrap_or(0)];
        let threshold = if tier == "auto" { u.int_in_range(0..=4u8).unwrap_or(4) } else { 4 };
        let threshold = if threshold < 4 { format!("{threshold}, synchronous") } else { "default".into() };
        println!(
            "termination ensured: {terminating}; eager translation: {eager}; tier: {tier} (threshold {threshold})"
        );
        (wasm, calls)
    } else {
        let kind = *u.choose(&engines_from_env()?)?;
        let wasm = kind.module(&mut u)?;
        let calls = plan_calls(&mut u, &wasm, 3)?;
        println!("engine: {}", kind.build().name());
        (wasm, calls)
    };
    std::fs::write(out, &wasm)?;
    for call in calls {
        println!("call {} {:?}", call.name, call.args);
    }
    Ok(())
}
