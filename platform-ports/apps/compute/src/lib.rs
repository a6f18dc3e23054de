//! Compute: sorts 200 pseudo-random numbers, checks the order, and prints the CRC-32 of the sorted bytes
//! through WASI (`fd_write` to stdout: the device's console).
#![no_std]

#[path = "../../wasi.rs"]
mod wasi;

const N: usize = 200;

/// Sorts, checksums and prints; returns the CRC-32 (or -1 if the sort were wrong).
#[no_mangle]
pub extern "C" fn run() -> i32 {
    let mut values = [0u32; N];
    let mut state = 0x2545_f491u32;
    for v in values.iter_mut() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        *v = state;
    }
    insertion_sort(&mut values);
    if values.windows(2).any(|w| w[0] > w[1]) {
        return -1;
    }
    let mut crc = !0u32;
    for v in values {
        for byte in v.to_le_bytes() {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
            }
        }
    }
    let crc = !crc;
    wasi::print(b"compute: crc32 of sorted data = ");
    wasi::print(&wasi::hex(crc));
    wasi::print(b"\n");
    crc as i32
}

fn insertion_sort(values: &mut [u32]) {
    for i in 1..values.len() {
        let mut j = i;
        while j > 0 && values[j - 1] > values[j] {
            values.swap(j - 1, j);
            j -= 1;
        }
    }
}
