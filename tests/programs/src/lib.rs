//! Ember's real-program fixtures: the kernels of [`kernels`] (and a deflate round trip through
//! `miniz_oxide`), exported as plain `extern "C"` functions of a wasm32-unknown-unknown cdylib with no
//! imports. Every export takes and returns `i32`; `build.sh` builds `ember_test_programs.wasm`.
//!
//! The kernels are ordinary Rust functions so Ember's `tests/programs.rs` can include `kernels.rs` and
//! compute the expected results natively.

pub mod expected;
pub mod kernels;

/// Compresses `len` bytes of generated text with zlib framing (level 6), decompresses them, and returns
/// the compressed size, or -1 if the round trip does not reproduce the input.
pub fn compress_roundtrip(len: i32) -> i32 {
    let data = kernels::text_bytes(len.max(0) as usize, 0xdef1a7e);
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&data, 6);
    match miniz_oxide::inflate::decompress_to_vec_zlib(&compressed) {
        Ok(out) if out == data => compressed.len() as i32,
        _ => -1,
    }
}

/// Like [`compress_roundtrip`] with raw deflate at the fastest (1) and best (9) levels: returns
/// `size(level 1) << 16 | size(level 9)`, or -1 on a mismatch.
pub fn compress_levels(len: i32) -> i32 {
    let data = kernels::random_bytes(len.max(0) as usize / 4, 0x1e7e1)
        .into_iter()
        .chain(kernels::text_bytes(len.max(0) as usize - len.max(0) as usize / 4, 0x1e7e2))
        .collect::<Vec<u8>>();
    let mut sizes = [0i32; 2];
    for (size, level) in sizes.iter_mut().zip([1u8, 9]) {
        let compressed = miniz_oxide::deflate::compress_to_vec(&data, level);
        match miniz_oxide::inflate::decompress_to_vec(&compressed) {
            Ok(out) if out == data => *size = compressed.len() as i32,
            _ => return -1,
        }
    }
    sizes[0] << 16 | sizes[1]
}

#[cfg(target_arch = "wasm32")]
macro_rules! export {
    ($($name:ident => $path:path;)*) => {$(
        #[no_mangle]
        pub extern "C" fn $name(n: i32) -> i32 {
            $path(n)
        }
    )*};
}

// The wasm exports. (Natively these symbols would clash with nothing, but they are only needed in wasm.)
#[cfg(target_arch = "wasm32")]
mod exports {
    export! {
        sha256_bench => crate::kernels::sha256_bench;
        compress_roundtrip => crate::compress_roundtrip;
        compress_levels => crate::compress_levels;
        sort_bench => crate::kernels::sort_bench;
        mandelbrot => crate::kernels::mandelbrot;
        nbody => crate::kernels::nbody;
        matmul_f64 => crate::kernels::matmul_f64;
        float_mix => crate::kernels::float_mix;
        fib_rec => crate::kernels::fib_rec;
        sieve => crate::kernels::sieve;
        crc32 => crate::kernels::crc32;
        matmul => crate::kernels::matmul;
        int64_mix => crate::kernels::int64_mix;
        linked_list => crate::kernels::linked_list;
        stack_vm => crate::kernels::stack_vm;
        tokenize => crate::kernels::tokenize;
        dyn_dispatch => crate::kernels::dyn_dispatch;
        collections => crate::kernels::collections;
        format_text => crate::kernels::format_text;
    }

    /// Allocates a zeroed buffer of `len` bytes in linear memory for the host to fill; returns its address.
    #[no_mangle]
    pub extern "C" fn buffer_alloc(len: i32) -> i32 {
        let buf = vec![0u8; len.max(0) as usize].into_boxed_slice();
        Box::into_raw(buf) as *mut u8 as i32
    }

    /// Frees a buffer from [`buffer_alloc`].
    ///
    /// # Safety
    /// `ptr` and `len` must come from one `buffer_alloc` call, freed once.
    #[no_mangle]
    pub unsafe extern "C" fn buffer_free(ptr: i32, len: i32) {
        drop(Box::from_raw(core::ptr::slice_from_raw_parts_mut(ptr as *mut u8, len as usize)));
    }

    /// SHA-256 of the `len` bytes at `ptr`, written to the 32 bytes at `out`; returns the CRC-32 of the input.
    ///
    /// # Safety
    /// The ranges must be valid linear memory.
    #[no_mangle]
    pub unsafe extern "C" fn buffer_digest(ptr: i32, len: i32, out: i32) -> i32 {
        let data = core::slice::from_raw_parts(ptr as *const u8, len as usize);
        let digest = crate::kernels::sha256(data);
        core::ptr::copy_nonoverlapping(digest.as_ptr(), out as *mut u8, 32);
        crate::kernels::crc32_of(data) as i32
    }
}

#[cfg(test)]
mod tests {
    /// Checks the table Ember's `tests/programs.rs` uses for the `miniz_oxide` exports; run with
    /// `--nocapture` to print a new one.
    #[test]
    fn compress_expected() {
        let table: Vec<(i32, i32, i32)> = super::expected::COMPRESS
            .iter()
            .map(|&(len, _, _)| (len, super::compress_roundtrip(len), super::compress_levels(len)))
            .collect();
        for (len, roundtrip, levels) in &table {
            println!("    ({len}, {roundtrip}, {levels:#x}),");
        }
        assert_eq!(table, super::expected::COMPRESS);
    }
}
