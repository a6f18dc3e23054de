//! The benchmark kernels, as plain Rust functions.
//!
//! This file is compiled twice: into the wasm fixture (where `lib.rs` wraps each kernel in an `extern "C"`
//! export) and natively into Ember's `tests/programs.rs` (through `#[path]`), so every expected result is
//! computed by running the same source natively. It therefore depends on nothing but `std` (only the parts
//! that exist on wasm32-unknown-unknown: collections, formatting, float math) and is deterministic on every
//! target: integer arithmetic wraps explicitly, floats use only IEEE-exact operations (`+ - * / sqrt`), and
//! hash-map results are order-independent.
#![allow(dead_code)]
#![allow(clippy::excessive_precision, clippy::needless_range_loop, clippy::unusual_byte_groupings)]

use std::boxed::Box;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};
use std::string::String;
use std::vec::Vec;

// ---------------------------------------------------------------------------------------------------------
// Deterministic input data.

/// xorshift32: the pseudo-random source of every kernel.
#[derive(Clone)]
pub struct Rng(u32);

impl Rng {
    pub fn new(seed: u32) -> Rng {
        Rng(seed | 1)
    }
    pub fn next_u32(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }
    pub fn below(&mut self, n: u32) -> u32 {
        self.next_u32() % n
    }
}

/// `len` pseudo-random bytes.
pub fn random_bytes(len: usize, seed: u32) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    (0..len).map(|_| rng.next_u32() as u8).collect()
}

/// `len` bytes of compressible text: words drawn from a small vocabulary, with the odd random byte.
pub fn text_bytes(len: usize, seed: u32) -> Vec<u8> {
    const WORDS: [&str; 16] = [
        "the ",
        "quick ",
        "brown ",
        "fox ",
        "jumps ",
        "over ",
        "lazy ",
        "dog ",
        "wasm ",
        "ember ",
        "register ",
        "interpreter ",
        "0x1f ",
        "42 ",
        "(",
        ");\n",
    ];
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(len + 16);
    while out.len() < len {
        if rng.below(23) == 0 {
            out.push(rng.next_u32() as u8);
        } else {
            out.extend_from_slice(WORDS[rng.below(WORDS.len() as u32) as usize].as_bytes());
        }
    }
    out.truncate(len);
    out
}

/// FNV-1a, 32 bits.
pub fn fnv1a(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Folds the bits of an f64 into an i32.
pub fn fold_f64(x: f64) -> i32 {
    let bits = x.to_bits();
    (bits ^ (bits >> 32)) as u32 as i32
}

// ---------------------------------------------------------------------------------------------------------
// SHA-256.

const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
    0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
    0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
    0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
];

fn sha256_block(state: &mut [u32; 8], block: &[u8]) {
    let mut w = [0u32; 64];
    for (i, word) in block.chunks_exact(4).enumerate() {
        w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
    }
    for i in 16..64 {
        let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
        let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    for i in 0..64 {
        let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let ch = (e & f) ^ (!e & g);
        let t1 = h.wrapping_add(s1).wrapping_add(ch).wrapping_add(K[i]).wrapping_add(w[i]);
        let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t2 = s0.wrapping_add(maj);
        h = g;
        g = f;
        f = e;
        e = d.wrapping_add(t1);
        d = c;
        c = b;
        b = a;
        a = t1.wrapping_add(t2);
    }
    for (s, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
        *s = s.wrapping_add(v);
    }
}

/// The SHA-256 digest of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut state: [u32; 8] =
        [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    let mut chunks = data.chunks_exact(64);
    for block in &mut chunks {
        sha256_block(&mut state, block);
    }
    let rest = chunks.remainder();
    let mut tail = [0u8; 128];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let tail_len = if rest.len() < 56 { 64 } else { 128 };
    tail[tail_len - 8..tail_len].copy_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in tail[..tail_len].chunks_exact(64) {
        sha256_block(&mut state, block);
    }
    let mut out = [0u8; 32];
    for (o, s) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&s.to_be_bytes());
    }
    out
}

/// Hashes a 1000-byte generated buffer `n` times, feeding each digest back into the buffer; returns the
/// first four bytes of the last digest (little-endian), 0 for `n <= 0`.
pub fn sha256_bench(n: i32) -> i32 {
    let mut buf = random_bytes(1000, 0x5a25_6000);
    let mut digest = [0u8; 32];
    for i in 0..n.max(0) {
        digest = sha256(&buf);
        buf[..32].copy_from_slice(&digest);
        buf[32] = i as u8;
    }
    i32::from_le_bytes([digest[0], digest[1], digest[2], digest[3]])
}

// ---------------------------------------------------------------------------------------------------------
// Sorting.

/// Sorts `n` pseudo-random u32s with `sort_unstable` (pdqsort) and `(key, index)` pairs with the stable
/// `sort_by_key` (driftsort); checks both orders and returns a checksum of the results (-1 if unsorted).
pub fn sort_bench(n: i32) -> i32 {
    let n = n.max(0) as usize;
    let mut rng = Rng::new(0x50_47);
    let mut v: Vec<u32> = (0..n).map(|_| rng.next_u32()).collect();
    v.sort_unstable();
    if v.windows(2).any(|w| w[0] > w[1]) {
        return -1;
    }
    let mut pairs: Vec<(u16, u32)> = (0..n as u32).map(|i| ((rng.next_u32() % 97) as u16, i)).collect();
    pairs.sort_by_key(|p| p.0);
    if pairs.windows(2).any(|w| w[0].0 > w[1].0 || (w[0].0 == w[1].0 && w[0].1 > w[1].1)) {
        return -1;
    }
    let mut h: u32 = 17;
    for (i, x) in v.iter().enumerate() {
        h = h.wrapping_mul(31).wrapping_add(x ^ i as u32);
    }
    for (k, i) in &pairs {
        h = h.rotate_left(5) ^ (u32::from(*k) << 16 | i);
    }
    h as i32
}

// ---------------------------------------------------------------------------------------------------------
// Floating point.

/// Iteration counts of the Mandelbrot set on a `size`×`size` grid (at most 64 iterations per point); returns
/// the total plus 1000 times the number of points inside the set.
pub fn mandelbrot(size: i32) -> i32 {
    let size = size.max(1);
    let mut total: i32 = 0;
    let mut inside: i32 = 0;
    for y in 0..size {
        let ci = 2.0 * f64::from(y) / f64::from(size) - 1.0;
        for x in 0..size {
            let cr = 2.5 * f64::from(x) / f64::from(size) - 2.0;
            let (mut zr, mut zi) = (0.0f64, 0.0f64);
            let mut i = 0;
            while i < 64 && zr * zr + zi * zi <= 4.0 {
                let t = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = t;
                i += 1;
            }
            total = total.wrapping_add(i);
            if i == 64 {
                inside += 1;
            }
        }
    }
    total.wrapping_add(inside.wrapping_mul(1000))
}

#[derive(Clone, Copy)]
struct Body {
    pos: [f64; 3],
    vel: [f64; 3],
    mass: f64,
}

const SOLAR_MASS: f64 = 4.0 * core::f64::consts::PI * core::f64::consts::PI;
const DAYS_PER_YEAR: f64 = 365.24;

fn bodies() -> [Body; 5] {
    let b = |pos: [f64; 3], vel: [f64; 3], mass: f64| Body {
        pos,
        vel: [vel[0] * DAYS_PER_YEAR, vel[1] * DAYS_PER_YEAR, vel[2] * DAYS_PER_YEAR],
        mass: mass * SOLAR_MASS,
    };
    let mut bodies = [
        b([0.0; 3], [0.0; 3], 1.0),
        b(
            [4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01],
            [1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05],
            9.54791938424326609e-04,
        ),
        b(
            [8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01],
            [-2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05],
            2.85885980666130812e-04,
        ),
        b(
            [1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01],
            [2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05],
            4.36624404335156298e-05,
        ),
        b(
            [1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01],
            [2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05],
            5.15138902046611451e-05,
        ),
    ];
    let mut p = [0.0; 3];
    for body in &bodies {
        for k in 0..3 {
            p[k] += body.vel[k] * body.mass;
        }
    }
    for k in 0..3 {
        bodies[0].vel[k] = -p[k] / SOLAR_MASS;
    }
    bodies
}

fn energy(bodies: &[Body; 5]) -> f64 {
    let mut e = 0.0;
    for (i, b) in bodies.iter().enumerate() {
        e += 0.5 * b.mass * (b.vel[0] * b.vel[0] + b.vel[1] * b.vel[1] + b.vel[2] * b.vel[2]);
        for b2 in &bodies[i + 1..] {
            let d = [b.pos[0] - b2.pos[0], b.pos[1] - b2.pos[1], b.pos[2] - b2.pos[2]];
            e -= b.mass * b2.mass / (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt();
        }
    }
    e
}

fn advance(bodies: &mut [Body; 5], dt: f64) {
    for i in 0..5 {
        for j in i + 1..5 {
            let d = [
                bodies[i].pos[0] - bodies[j].pos[0],
                bodies[i].pos[1] - bodies[j].pos[1],
                bodies[i].pos[2] - bodies[j].pos[2],
            ];
            let d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
            let mag = dt / (d2 * d2.sqrt());
            let (mi, mj) = (bodies[i].mass, bodies[j].mass);
            for k in 0..3 {
                bodies[i].vel[k] -= d[k] * mj * mag;
                bodies[j].vel[k] += d[k] * mi * mag;
            }
        }
    }
    for b in bodies.iter_mut() {
        for k in 0..3 {
            b.pos[k] += dt * b.vel[k];
        }
    }
}

/// The n-body simulation of the Jovian planets for `steps` steps of 0.01; returns the folded bits of the
/// final energy.
pub fn nbody(steps: i32) -> i32 {
    let mut b = bodies();
    for _ in 0..steps.max(0) {
        advance(&mut b, 0.01);
    }
    fold_f64(energy(&b))
}

/// `n`×`n` f64 matrix product; returns the folded bits of the sum of the result's elements.
pub fn matmul_f64(n: i32) -> i32 {
    let n = n.max(0) as usize;
    let a: Vec<f64> = (0..n * n).map(|i| ((i * 7 % 13) as f64 - 6.0) / 3.0).collect();
    let b: Vec<f64> = (0..n * n).map(|i| ((i * 5 % 11) as f64 + 0.25) * 0.5).collect();
    let mut c = vec![0.0f64; n * n];
    for i in 0..n {
        for k in 0..n {
            let aik = a[i * n + k];
            for j in 0..n {
                c[i * n + j] += aik * b[k * n + j];
            }
        }
    }
    fold_f64(c.iter().sum())
}

/// Conversions between floats and integers, f32 arithmetic, min/max, rounding and the bits of NaN-free
/// special values; returns a checksum.
pub fn float_mix(n: i32) -> i32 {
    let mut h: u32 = 0;
    let mut x = 0.75f32;
    let mut y = -1.5f64;
    for i in 0..n.max(0) {
        x = x * 1.0625 + (i as f32) / 7.0;
        if x > 1000.0 {
            x = -x / 3.0;
        }
        y = (y * 0.999).max(-(i as f64)).min(1e6) + f64::from(x);
        let t = [
            x as i32 as u32,
            y as i64 as u32,
            (y as u64) as u32,
            (x.abs().sqrt() * 1000.0) as u32,
            y.floor().to_bits() as u32,
            y.ceil().to_bits() as u32,
            y.trunc().to_bits() as u32,
            (x as f64).to_bits() as u32,
            (y as f32).to_bits(),
            x.copysign(-1.0).to_bits(),
            ((i as u64) << 40) as f64 as f32 as i64 as u32,
            (f64::from(i) * 1e10) as i32 as u32, // saturating
        ];
        for v in t {
            h = (h ^ v).wrapping_mul(0x0100_0193);
        }
    }
    h as i32
}

// ---------------------------------------------------------------------------------------------------------
// Integers.

/// The naive doubly recursive Fibonacci number `n` (wrapping).
pub fn fib_rec(n: i32) -> i32 {
    if n < 2 {
        n
    } else {
        fib_rec(n - 1).wrapping_add(fib_rec(n - 2))
    }
}

/// The number of primes `<= n` (sieve of Eratosthenes).
pub fn sieve(n: i32) -> i32 {
    if n < 2 {
        return 0;
    }
    let n = n as usize;
    let mut composite = vec![false; n + 1];
    let mut count = 0;
    for i in 2..=n {
        if !composite[i] {
            count += 1;
            if i > n / i {
                continue; // i * i > n (and would overflow a 32-bit usize)
            }
            let mut j = i * i;
            while j <= n {
                composite[j] = true;
                j += i;
            }
        }
    }
    count
}

fn crc32_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    for (i, t) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
        }
        *t = c;
    }
    table
}

/// CRC-32 (IEEE) of `data`.
pub fn crc32_of(data: &[u8]) -> u32 {
    let table = crc32_table();
    let mut crc = !0u32;
    for &b in data {
        crc = table[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

/// CRC-32 of `len` generated bytes.
pub fn crc32(len: i32) -> i32 {
    crc32_of(&random_bytes(len.max(0) as usize, 0xc3c3_2)) as i32
}

/// `n`×`n` i32 matrix product with wrapping arithmetic; returns a checksum of the result.
pub fn matmul(n: i32) -> i32 {
    let n = n.max(0) as usize;
    let mut rng = Rng::new(0x3a7);
    let a: Vec<i32> = (0..n * n).map(|_| rng.next_u32() as i32 >> 8).collect();
    let b: Vec<i32> = (0..n * n).map(|_| (rng.next_u32() % 2001) as i32 - 1000).collect();
    let mut c = vec![0i32; n * n];
    for i in 0..n {
        for j in 0..n {
            let mut s = 0i32;
            for k in 0..n {
                s = s.wrapping_add(a[i * n + k].wrapping_mul(b[k * n + j]));
            }
            c[i * n + j] = s;
        }
    }
    c.iter().enumerate().fold(0i32, |h, (i, &x)| h.rotate_left(3) ^ x.wrapping_add(i as i32))
}

/// 64- and 128-bit integer arithmetic: a wyhash-style mixer (u128 multiplication), i128 division and
/// remainder, i64 division, shifts and bit counting; returns the folded 64-bit checksum.
pub fn int64_mix(n: i32) -> i32 {
    let mut h: u64 = 0x243f_6a88_85a3_08d3;
    let mut rng = Rng::new(0x64);
    for i in 0..n.max(0) as u64 {
        let a = (u64::from(rng.next_u32()) << 32) | u64::from(rng.next_u32());
        let m = u128::from(a ^ 0xa076_1d64_78bd_642f) * u128::from(h ^ 0xe703_7ed1_a0b4_28db);
        h = (m as u64) ^ ((m >> 64) as u64);
        let q = (a as i64 as i128 * 0x1234_5678_9abc) / (i128::from(i as i32 - 50) | 1);
        let r = (a as i128) % 0x7fff_ffff_ffff;
        let d = (a as i64) / ((i as i64 - 7) | 1);
        let u = a / (i | 3) + a % (i + 5);
        h = h.wrapping_add(q as u64 ^ (q >> 64) as u64).wrapping_add(r as u64).wrapping_add(d as u64) ^ u;
        h = h.rotate_left(a as u32 & 63) ^ u64::from(a.leading_zeros() + a.trailing_zeros() + a.count_ones());
        h ^= (a as i64 >> (i & 63)) as u64 ^ (a << ((i + 1) & 63));
    }
    (h ^ (h >> 32)) as u32 as i32
}

// ---------------------------------------------------------------------------------------------------------
// Pointers, allocation, dispatch.

struct Node {
    value: u32,
    next: Option<Box<Node>>,
}

struct List {
    head: Option<Box<Node>>,
}

impl List {
    fn push(&mut self, value: u32) {
        let next = self.head.take();
        self.head = Some(Box::new(Node { value, next }));
    }
    fn reverse(&mut self) {
        let mut prev = None;
        let mut cur = self.head.take();
        while let Some(mut node) = cur {
            cur = node.next.take();
            node.next = prev;
            prev = Some(node);
        }
        self.head = prev;
    }
    /// Removes every node whose value is odd.
    fn retain_even(&mut self) {
        let mut link = &mut self.head;
        loop {
            match link {
                None => break,
                Some(node) if node.value % 2 == 1 => *link = node.next.take(),
                Some(node) => link = &mut node.next,
            }
        }
    }
}

impl Drop for List {
    fn drop(&mut self) {
        let mut cur = self.head.take();
        while let Some(mut node) = cur {
            cur = node.next.take();
        }
    }
}

/// Builds a boxed linked list of `n` values, reverses it, drops the odd values, and returns a weighted sum.
pub fn linked_list(n: i32) -> i32 {
    let mut rng = Rng::new(0x11);
    let mut list = List { head: None };
    for _ in 0..n.max(0) {
        list.push(rng.below(1000));
    }
    list.reverse();
    list.retain_even();
    let mut h: u32 = 0;
    let mut i: u32 = 1;
    let mut cur = &list.head;
    while let Some(node) = cur {
        h = h.wrapping_add(node.value.wrapping_mul(i));
        i += 1;
        cur = &node.next;
    }
    h as i32
}

#[derive(Clone, Copy)]
enum Op {
    Push(i32),
    Load(u8),
    Store(u8),
    Add,
    Sub,
    Mul,
    DivS,
    Rem,
    Lt,
    Jmp(u16),
    Jz(u16),
    Halt,
}

/// A small stack-machine interpreter (a `match` on the opcode, i.e. a `br_table`): sums the Collatz
/// stopping times of 1..=n.
pub fn stack_vm(n: i32) -> i32 {
    use Op::*;
    // Locals: 0 = i, 1 = n, 2 = x, 3 = steps, 4 = total.
    const DONE: u16 = 44;
    const INNER_DONE: u16 = 35;
    const EVEN: u16 = 26;
    const STEP: u16 = 29;
    let program = [
        /* 0 */ Push(1),
        Store(0), // i = 1
        /* 2: outer loop: while i < n + 1 */ Load(0),
        Load(1),
        Push(1),
        Add,
        Lt,
        Jz(DONE),
        /* 8 */ Load(0),
        Store(2), // x = i
        Push(0),
        Store(3), // steps = 0
        /* 12: inner loop: while x != 1 */ Load(2),
        Push(1),
        Sub,
        Jz(INNER_DONE),
        /* 16 */ Load(2),
        Push(2),
        Rem,
        Jz(EVEN),
        /* 20: odd: 3x + 1 */ Load(2),
        Push(3),
        Mul,
        Push(1),
        Add,
        Jmp(STEP),
        /* 26: even: x / 2 */ Load(2),
        Push(2),
        DivS,
        /* 29 */ Store(2),
        Load(3),
        Push(1),
        Add,
        Store(3), // steps += 1
        Jmp(12),
        /* 35 */ Load(4),
        Load(3),
        Add,
        Store(4), // total += steps
        Load(0),
        Push(1),
        Add,
        Store(0), // i += 1
        Jmp(2),
        /* 44 */ Load(4),
        Halt,
    ];
    let mut locals = [0i32; 8];
    locals[1] = n;
    let mut stack: Vec<i32> = Vec::with_capacity(16);
    let mut pc = 0usize;
    loop {
        let op = program[pc];
        pc += 1;
        match op {
            Push(v) => stack.push(v),
            Load(l) => stack.push(locals[l as usize]),
            Store(l) => locals[l as usize] = stack.pop().unwrap(),
            Add | Sub | Mul | DivS | Rem | Lt => {
                let b = stack.pop().unwrap();
                let a = stack.pop().unwrap();
                stack.push(match op {
                    Add => a.wrapping_add(b),
                    Sub => a.wrapping_sub(b),
                    Mul => a.wrapping_mul(b),
                    DivS => a / b,
                    Rem => a % b,
                    _ => (a < b) as i32,
                });
            }
            Jmp(t) => pc = t as usize,
            Jz(t) => {
                if stack.pop().unwrap() == 0 {
                    pc = t as usize;
                }
            }
            Halt => return stack.pop().unwrap_or(-1),
        }
    }
}

/// A hand-written lexer (a state machine over bytes) run on generated text: returns a checksum of the token
/// kinds, lengths and count.
pub fn tokenize(len: i32) -> i32 {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Start,
        Ident,
        Number,
        Hex,
        Space,
    }
    let text = text_bytes(len.max(0) as usize, 0x70c);
    let mut state = State::Start;
    let mut start = 0usize;
    let mut h: u32 = 0;
    let mut tokens: u32 = 0;
    let mut emit = |kind: u32, from: usize, to: usize, h: &mut u32| {
        *h = (h.rotate_left(7) ^ kind).wrapping_add((to - from) as u32);
        tokens += 1;
    };
    let mut i = 0;
    while i <= text.len() {
        let c = text.get(i).copied().unwrap_or(0);
        let next = match (state, c) {
            (State::Ident, b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'0'..=b'9') => State::Ident,
            (State::Number, b'0'..=b'9') => State::Number,
            (State::Number, b'x') if i == start + 1 && text[start] == b'0' => State::Hex,
            (State::Hex, b'0'..=b'9' | b'a'..=b'f') => State::Hex,
            (State::Space, b' ' | b'\n' | b'\t') => State::Space,
            _ => {
                match state {
                    State::Start => {}
                    State::Ident => emit(1, start, i, &mut h),
                    State::Number => emit(2, start, i, &mut h),
                    State::Hex => emit(3, start, i, &mut h),
                    State::Space => emit(4, start, i, &mut h),
                }
                start = i;
                match c {
                    b'a'..=b'z' | b'A'..=b'Z' | b'_' => State::Ident,
                    b'0'..=b'9' => State::Number,
                    b' ' | b'\n' | b'\t' => State::Space,
                    0 if i == text.len() => State::Start,
                    _ => {
                        emit(5 + u32::from(c), i, i + 1, &mut h);
                        start = i + 1;
                        State::Start
                    }
                }
            }
        };
        state = next;
        i += 1;
    }
    (h ^ tokens.wrapping_mul(0x9e37_79b9)) as i32
}

trait Shape {
    fn area_x100(&self) -> i64;
    fn scale(&mut self, k: i64);
    fn name(&self) -> &'static str;
}

struct Rect {
    w: i64,
    h: i64,
}
struct Circle {
    r: i64,
}
struct Tri {
    a: i64,
    b: i64,
    c: i64,
}

impl Shape for Rect {
    fn area_x100(&self) -> i64 {
        self.w * self.h * 100
    }
    fn scale(&mut self, k: i64) {
        self.w = self.w * k % 1000 + 1;
        self.h = self.h * k % 997 + 1;
    }
    fn name(&self) -> &'static str {
        "rect"
    }
}
impl Shape for Circle {
    fn area_x100(&self) -> i64 {
        self.r * self.r * 314
    }
    fn scale(&mut self, k: i64) {
        self.r = self.r * k % 500 + 1;
    }
    fn name(&self) -> &'static str {
        "circle"
    }
}
impl Shape for Tri {
    fn area_x100(&self) -> i64 {
        // Heron's formula in integers: 16 A^2 = (a+b+c)(-a+b+c)(a-b+c)(a+b-c), then an integer square root.
        let p = (self.a + self.b + self.c)
            * (-self.a + self.b + self.c)
            * (self.a - self.b + self.c)
            * (self.a + self.b - self.c);
        if p <= 0 {
            return 0;
        }
        let mut x = (p as f64).sqrt() as i64;
        while x * x > p {
            x -= 1;
        }
        while (x + 1) * (x + 1) <= p {
            x += 1;
        }
        x * 25
    }
    fn scale(&mut self, k: i64) {
        self.a = self.a * k % 300 + 10;
        self.b = self.b * k % 300 + 10;
        self.c = self.c * k % 300 + 10;
    }
    fn name(&self) -> &'static str {
        "triangle"
    }
}

/// Trait objects (`call_indirect` through vtables): `n` shapes, scaled and measured in rounds.
pub fn dyn_dispatch(n: i32) -> i32 {
    let mut rng = Rng::new(0xd1);
    let mut shapes: Vec<Box<dyn Shape>> = Vec::new();
    for _ in 0..n.max(0) {
        let v = i64::from(rng.below(50)) + 1;
        shapes.push(match rng.below(3) {
            0 => Box::new(Rect { w: v, h: v + 3 }),
            1 => Box::new(Circle { r: v }),
            _ => Box::new(Tri { a: v + 20, b: v + 25, c: v + 30 }),
        });
    }
    let mut total: i64 = 0;
    for round in 1..=4 {
        for s in shapes.iter_mut() {
            s.scale(round + 1);
            total = total.wrapping_add(s.area_x100()).wrapping_add(s.name().len() as i64);
        }
    }
    (total ^ (total >> 32)) as i32
}

/// A `BTreeMap` and a `HashMap` (with a fixed FNV hasher): inserts, overwrites, removals, range queries;
/// returns an order-independent checksum for the hash map and an ordered one for the B-tree.
pub fn collections(n: i32) -> i32 {
    #[derive(Default)]
    struct Fnv(u64);
    impl Hasher for Fnv {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for &b in bytes {
                self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
    }
    let mut rng = Rng::new(0xb7);
    let mut tree: BTreeMap<u32, u32> = BTreeMap::new();
    let mut map: HashMap<u32, u32, BuildHasherDefault<Fnv>> = HashMap::default();
    for i in 0..n.max(0) as u32 {
        let k = rng.below(4 * n.max(1) as u32);
        *tree.entry(k).or_insert(0) += i;
        *map.entry(k).or_insert(0) += i;
        if i % 3 == 0 {
            let r = rng.below(4 * n.max(1) as u32);
            tree.remove(&r);
            map.remove(&r);
        }
    }
    let mut h: u32 = tree.len() as u32;
    for (k, v) in &tree {
        h = h.rotate_left(5) ^ k.wrapping_mul(31).wrapping_add(*v);
    }
    for (_, v) in tree.range(n.max(0) as u32..2 * n.max(0) as u32) {
        h = h.wrapping_add(*v);
    }
    let mut sum: u32 = map.len() as u32;
    for (k, v) in &map {
        sum = sum.wrapping_add(k.wrapping_mul(0x9e37_79b9) ^ *v);
        if tree.get(k) != Some(v) {
            return -1;
        }
    }
    (h ^ sum) as i32
}

/// `core::fmt` machinery: integers (decimal, hex, padded), floats with precision, `Debug` of structs and
/// strings with escapes; returns the FNV-1a hash of the text and its length.
pub fn format_text(n: i32) -> i32 {
    #[derive(Debug)]
    #[allow(dead_code)]
    struct Point {
        x: i32,
        y: f64,
        tag: &'static str,
    }
    let mut s = String::new();
    let mut rng = Rng::new(0xf0);
    for i in 0..n.max(0) {
        let v = rng.next_u32();
        let p = Point { x: i * -7, y: f64::from(v) / 3.0, tag: if v & 1 == 0 { "even\n" } else { "odd\"" } };
        let _ = write!(s, "{i:>5}|{v:#010x}|{:.3}|{:e}|{p:?}|", f64::from(v as i32) / 1000.0, v as f32);
        let _ = writeln!(s, "{:?}", &[i as u8, v as u8]);
    }
    (fnv1a(s.as_bytes()) ^ s.len() as u32) as i32
}
