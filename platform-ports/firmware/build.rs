//! Picks the board's memory map from the target: lm3s6965evb (M3), mps2-an386 (M4F), micro:bit (M0).

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let target = env::var("TARGET").unwrap_or_default();
    let memory = match target.as_str() {
        "thumbv7m-none-eabi" => {
            "MEMORY { FLASH : ORIGIN = 0x00000000, LENGTH = 256K\n RAM : ORIGIN = 0x20000000, LENGTH = 64K }\n"
        }
        "thumbv7em-none-eabihf" => {
            "MEMORY { FLASH : ORIGIN = 0x00000000, LENGTH = 4M\n RAM : ORIGIN = 0x20000000, LENGTH = 4M }\n"
        }
        "thumbv6m-none-eabi" => {
            "MEMORY { FLASH : ORIGIN = 0x00000000, LENGTH = 256K\n RAM : ORIGIN = 0x20000000, LENGTH = 16K }\n"
        }
        _ => "",
    };
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default());
    if !memory.is_empty() {
        fs::write(out.join("memory.x"), memory).unwrap_or_else(|e| panic!("cannot write memory.x: {e}"));
        println!("cargo:rustc-link-search={}", out.display());
    }
    println!("cargo:rerun-if-changed=build.rs");
}
