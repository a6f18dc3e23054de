//! How the image harness's inputs end: `cargo run --release --example image_outcomes -- [N]` runs
//! `ember_fuzz::image::fuzz_one` on N (default 2000) pseudo-random inputs from a fixed seed and counts the
//! outcomes (refusal reasons, runs), without libFuzzer. For tuning the mutations: an image refused by the first
//! check it meets exercises little.

use std::collections::BTreeMap;

use ember_fuzz::image::{fuzz_one, Outcome};

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut data = vec![0u8; 512];
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for _ in 0..n {
        for b in &mut data {
            // xorshift64
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *b = state as u8;
        }
        let key = match fuzz_one(&data) {
            // The reason without the offset or function number.
            Some(Outcome::Refused(e)) => {
                let text = e.to_string();
                let reason = text.rsplit(": ").next().unwrap_or(&text);
                format!("refused: {}", reason.chars().take(60).collect::<String>())
            }
            Some(Outcome::NotRun) => "loaded, not run (fuel metering taken out)".into(),
            Some(Outcome::InstantiationFailed(e)) => {
                format!("instantiation failed: {}", e.chars().take(40).collect::<String>())
            }
            Some(Outcome::Ran { errors: 0, .. }) => "ran, every call returned".into(),
            Some(Outcome::Ran { .. }) => "ran, some calls trapped".into(),
            None => "input too short".into(),
        };
        *counts.entry(key).or_default() += 1;
    }
    let mut counts: Vec<_> = counts.into_iter().collect();
    counts.sort_by_key(|&(_, c)| std::cmp::Reverse(c));
    for (what, count) in counts {
        println!("{count:7} {what}");
    }
}
