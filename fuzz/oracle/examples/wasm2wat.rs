//! Prints a wasm binary as text: `cargo run --example wasm2wat -- FILE.wasm`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: wasm2wat FILE.wasm")?;
    println!("{}", wasmprinter::print_bytes(std::fs::read(path)?)?);
    Ok(())
}
