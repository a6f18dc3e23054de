//! Reads criterion's output (`target/criterion/**/new/{benchmark,estimates}.json`), prints the Markdown tables
//! of `docs/benchmarks.md` (times, ratios, geometric means, ns per wasm byte) and writes the SVG charts to
//! `../docs/benchmarks/`.
//!
//! Usage: `cargo run --release --bin report [CRITERION_DIR [SVG_DIR]]`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ember_benches::workloads;
use plotters::prelude::*;

/// Mean time in ns of each (group, function) benchmark.
type Results = BTreeMap<(String, String), f64>;

const EMBER: &str = "ember-interp";

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "target/criterion".into()));
    let svg_dir = PathBuf::from(args.next().unwrap_or_else(|| "../docs/benchmarks".into()));
    let mut results = Results::new();
    collect(&dir, &mut results);
    if results.is_empty() {
        eprintln!("no criterion results under {}: run `cargo bench` first", dir.display());
        std::process::exit(1);
    }
    std::fs::create_dir_all(&svg_dir).expect("create the chart directory");

    let engines = engines_in(&results, "execution/");
    let exec = execution_table(&results, &engines);
    chart_execution(&exec, &engines, &svg_dir.join("execution.svg")).expect("execution chart");
    startup_table(&results);
    chart_startup(&results, &svg_dir.join("startup.svg")).expect("startup chart");
    cold_run_table(&results);
    translation_table(&results);
}

/// Walks `dir` for criterion's `new/benchmark.json` files and reads the mean next to each.
fn collect(dir: &Path, results: &mut Results) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, results);
        } else if path.ends_with("new/benchmark.json") {
            let bench: serde_json::Value = read_json(&path);
            let estimates: serde_json::Value = read_json(&path.with_file_name("estimates.json"));
            let group = bench["group_id"].as_str().unwrap_or_default().to_string();
            let function = bench["function_id"].as_str().unwrap_or_default().to_string();
            if let Some(mean) = estimates["mean"]["point_estimate"].as_f64() {
                results.insert((group, function), mean);
            }
        }
    }
}

fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The function names seen in groups starting with `prefix`, Ember's first, then the peers, native last.
fn engines_in(results: &Results, prefix: &str) -> Vec<String> {
    let mut names: Vec<String> =
        results.keys().filter(|(g, _)| g.starts_with(prefix)).map(|(_, f)| f.clone()).collect();
    names.sort_by_key(|n| (!n.starts_with("ember"), n == "native", order(n), n.clone()));
    names.dedup();
    names
}

fn order(name: &str) -> usize {
    ["ember-interp", "ember-auto", "ember-auto-bg", "ember-jit", "wasmi", "wasm3", "pulley", "wasmtime", "native"]
        .iter()
        .position(|n| *n == name)
        .unwrap_or(usize::MAX)
}

fn geomean(values: &[f64]) -> f64 {
    (values.iter().map(|v| v.ln()).sum::<f64>() / values.len() as f64).exp()
}

fn ms(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.1} µs", ns / 1e3)
    }
}

/// Rows of (workload, time per engine); prints the time table and the ratio table (peer time / Ember time:
/// above 1 means Ember is faster).
fn execution_table(results: &Results, engines: &[String]) -> Vec<(String, Vec<Option<f64>>)> {
    let rows = execution_rows(results, engines, false);
    println!("## SIMD workloads, with the scalar twin of the image filter\n");
    let simd = execution_rows(results, engines, true);
    for base in [EMBER, "ember-auto"] {
        ratio_table(&simd, engines, base);
    }
    rows
}

/// The execution rows of the workloads that are (`simd`) or are not SIMD workloads (the scalar twin of a SIMD
/// kernel counts with them), after printing their time table.
fn execution_rows(results: &Results, engines: &[String], simd: bool) -> Vec<(String, Vec<Option<f64>>)> {
    let mut rows = Vec::new();
    for w in workloads::ALL.iter().filter(|w| (w.simd || w.name == "blur") == simd) {
        let group = format!("execution/{}", w.name);
        let times: Vec<Option<f64>> =
            engines.iter().map(|e| results.get(&(group.clone(), e.clone())).copied()).collect();
        if times.iter().any(Option::is_some) {
            rows.push((w.name.to_string(), times));
        }
    }
    println!("### Execution: mean time per run\n");
    println!("| workload | {} |", engines.join(" | "));
    println!("|---|{}", "---:|".repeat(engines.len()));
    for (name, times) in &rows {
        let cells: Vec<String> = times.iter().map(|t| t.map(ms).unwrap_or_default()).collect();
        println!("| {name} | {} |", cells.join(" | "));
    }
    if !simd {
        for base in [EMBER, "ember-auto"] {
            ratio_table(&rows, engines, base);
        }
    }
    rows
}

/// The ratio table against `base` (peer time / `base` time; > 1 = `base` faster), with geometric means.
fn ratio_table(rows: &[(String, Vec<Option<f64>>)], engines: &[String], base: &str) {
    let Some(ember) = engines.iter().position(|e| e == base) else { return };
    println!("\n### Execution: {base}'s speed relative to each (peer time / {base} time; > 1 = {base} faster)\n");
    let peers: Vec<usize> = (0..engines.len()).filter(|&i| i != ember).collect();
    println!("| workload | {} |", peers.iter().map(|&i| engines[i].as_str()).collect::<Vec<_>>().join(" | "));
    println!("|---|{}", "---:|".repeat(peers.len()));
    let mut per_peer: Vec<Vec<f64>> = vec![Vec::new(); peers.len()];
    for (name, times) in rows {
        let mut cells = Vec::new();
        for (k, &p) in peers.iter().enumerate() {
            match (times[ember], times[p]) {
                (Some(e), Some(t)) => {
                    per_peer[k].push(t / e);
                    cells.push(format!("{:.2}x", t / e));
                }
                _ => cells.push(String::new()),
            }
        }
        println!("| {name} | {} |", cells.join(" | "));
    }
    let means: Vec<String> = per_peer.iter().map(|v| format!("**{:.2}x**", geomean(v))).collect();
    println!("| **geometric mean** | {} |\n", means.join(" | "));
}

/// Cold short runs: bytes to the checksum of one `run(n)`, per workload and engine.
fn cold_run_table(results: &Results) {
    let engines = engines_in(results, "cold-run/");
    if engines.is_empty() {
        return;
    }
    println!("### Cold run: bytes to the checksum of one run (compile + instantiate + run)\n");
    println!("| workload | {} |", engines.join(" | "));
    println!("|---|{}", "---:|".repeat(engines.len()));
    for w in workloads::ALL {
        let group = format!("cold-run/{}", w.name);
        let cells: Vec<String> = engines
            .iter()
            .map(|e| results.get(&(group.clone(), e.clone())).copied().map(ms).unwrap_or_default())
            .collect();
        if cells.iter().any(|c| !c.is_empty()) {
            println!("| {} | {} |", w.name, cells.join(" | "));
        }
    }
    println!();
}

fn startup_table(results: &Results) {
    let engines = engines_in(results, "startup/");
    let groups: Vec<String> = {
        let mut g: Vec<String> =
            results.keys().filter(|(g, _)| g.starts_with("startup/")).map(|(g, _)| g.clone()).collect();
        g.sort_by_key(|g| !g.contains("small"));
        g.dedup();
        g
    };
    println!(
        "### Startup: bytes to first instruction (compile + instantiate + call `ping`; `huge-lua` calls `run(1)`)\n"
    );
    println!("| module | {} | wasmtime / Ember |", engines.join(" | "));
    println!("|---|{}---:|", "---:|".repeat(engines.len()));
    for g in &groups {
        let get = |e: &str| results.get(&(g.clone(), e.to_string())).copied();
        let cells: Vec<String> = engines.iter().map(|e| get(e).map(ms).unwrap_or_default()).collect();
        let ratio = match (get("wasmtime"), get(EMBER)) {
            (Some(w), Some(e)) => format!("{:.0}x", w / e),
            _ => String::new(),
        };
        println!("| {} | {} | {ratio} |", g.trim_start_matches("startup/"), cells.join(" | "));
    }
    println!();
}

fn translation_table(results: &Results) {
    println!("### Translation: ns per wasm code byte\n");
    println!("| module (code bytes) | measure | time | ns / wasm byte |");
    println!("|---|---|---:|---:|");
    for ((group, function), ns) in results {
        let Some(name) = group.strip_prefix("translation/") else { continue };
        let Some(w) = workloads::by_name(name) else { continue };
        let bytes = w.code_bytes() as f64;
        println!("| {name} ({}) | {function} | {} | {:.1} |", w.code_bytes(), ms(*ns), ns / bytes);
    }
    println!();
}

fn color(name: &str) -> RGBColor {
    match name {
        "ember-interp" => RGBColor(214, 69, 36),
        "ember-auto" => RGBColor(240, 140, 40),
        "ember-jit" => RGBColor(250, 200, 60),
        "wasmi" => RGBColor(70, 110, 190),
        "wasm3" => RGBColor(90, 170, 90),
        "wasmtime" => RGBColor(140, 90, 170),
        "pulley" => RGBColor(190, 140, 210),
        _ => RGBColor(120, 120, 120),
    }
}

/// Grouped bars on a log axis: each engine's speed relative to Ember interp (Ember = 1), per workload.
fn chart_execution(
    rows: &[(String, Vec<Option<f64>>)],
    engines: &[String],
    path: &Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let Some(ember) = engines.iter().position(|e| e == EMBER) else { return Ok(()) };
    let root = SVGBackend::new(path, (1000, 480)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption("Execution speed relative to Ember interp (higher is faster, log scale)", ("sans-serif", 20))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(50)
        .build_cartesian_2d(0f64..rows.len() as f64, (0.1f64..300f64).log_scale())?;
    let names: Vec<String> = rows.iter().map(|(n, _)| n.clone()).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(rows.len() * 2 + 1)
        .x_label_formatter(&|x| {
            let i = x.floor() as usize;
            if (x - x.floor() - 0.5).abs() < 1e-6 && i < names.len() {
                names[i].clone()
            } else {
                String::new()
            }
        })
        .y_desc("speed / Ember interp")
        .draw()?;
    let width = 0.8 / engines.len() as f64;
    for (k, engine) in engines.iter().enumerate() {
        let style = color(engine).filled();
        let bars = rows.iter().enumerate().filter_map(|(i, (_, t))| {
            let (e, v) = (t[ember]?, t[k]?);
            let x0 = i as f64 + 0.1 + k as f64 * width;
            Some(Rectangle::new([(x0, 0.1), (x0 + width * 0.9, e / v)], style))
        });
        chart
            .draw_series(bars)?
            .label(engine.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], color(engine).filled()));
    }
    chart.configure_series_labels().position(SeriesLabelPosition::UpperLeft).border_style(BLACK).draw()?;
    root.present()?;
    Ok(())
}

/// Bars on a log axis: startup time in ms per engine, for the small and the large module.
fn chart_startup(results: &Results, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let engines = engines_in(results, "startup/");
    let mut groups: Vec<String> =
        results.keys().filter(|(g, _)| g.starts_with("startup/")).map(|(g, _)| g.clone()).collect();
    groups.sort_by_key(|g| !g.contains("small"));
    groups.dedup();
    if groups.is_empty() {
        return Ok(());
    }
    let root = SVGBackend::new(path, (800, 420)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption("Startup: bytes to first instruction (ms, lower is better, log scale)", ("sans-serif", 20))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(60)
        .build_cartesian_2d(0f64..groups.len() as f64, (0.001f64..10_000f64).log_scale())?;
    let labels: Vec<String> = groups.iter().map(|g| g.trim_start_matches("startup/").to_string()).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(groups.len() * 2 + 1)
        .x_label_formatter(&|x| {
            let i = x.floor() as usize;
            if (x - x.floor() - 0.5).abs() < 1e-6 && i < labels.len() {
                labels[i].clone()
            } else {
                String::new()
            }
        })
        .y_desc("ms")
        .draw()?;
    let width = 0.8 / engines.len() as f64;
    for (k, engine) in engines.iter().enumerate() {
        let bars = groups.iter().enumerate().filter_map(|(i, g)| {
            let ns = results.get(&(g.clone(), engine.clone()))?;
            let x0 = i as f64 + 0.1 + k as f64 * width;
            Some(Rectangle::new([(x0, 0.001), (x0 + width * 0.9, ns / 1e6)], color(engine).filled()))
        });
        chart
            .draw_series(bars)?
            .label(engine.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], color(engine).filled()));
    }
    chart.configure_series_labels().position(SeriesLabelPosition::UpperLeft).border_style(BLACK).draw()?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes one fake criterion result: `DIR/<group>/<function>/new/{benchmark,estimates}.json`.
    fn fake(dir: &Path, group: &str, function: &str, mean_ns: f64) {
        let new = dir.join(group.replace('/', "_")).join(function).join("new");
        std::fs::create_dir_all(&new).unwrap();
        let bench = serde_json::json!({ "group_id": group, "function_id": function });
        let estimates = serde_json::json!({ "mean": { "point_estimate": mean_ns } });
        std::fs::write(new.join("benchmark.json"), bench.to_string()).unwrap();
        std::fs::write(new.join("estimates.json"), estimates.to_string()).unwrap();
    }

    #[test]
    fn reads_criterion_output_and_draws_the_charts() {
        let dir = std::env::temp_dir().join(format!("ember-report-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (w, base) in [("fib", 10e6), ("sieve", 40e6)] {
            fake(&dir, &format!("execution/{w}"), "wasmi", base);
            fake(&dir, &format!("execution/{w}"), "ember-interp", base * 2.0);
            fake(&dir, &format!("execution/{w}"), "native", base / 10.0);
        }
        fake(&dir, "startup/large-zstd", "ember-interp", 8e6);
        fake(&dir, "startup/large-zstd", "wasmtime", 1.6e9);
        let mut results = Results::new();
        collect(&dir, &mut results);
        assert_eq!(results.len(), 8);

        let engines = engines_in(&results, "execution/");
        assert_eq!(engines, ["ember-interp", "wasmi", "native"]);
        let rows = execution_table(&results, &engines);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].1, [Some(20e6), Some(10e6), Some(1e6)]);
        chart_execution(&rows, &engines, &dir.join("execution.svg")).unwrap();
        chart_startup(&results, &dir.join("startup.svg")).unwrap();
        assert!(std::fs::read_to_string(dir.join("execution.svg")).unwrap().contains("sieve"));
        assert!(std::fs::read_to_string(dir.join("startup.svg")).unwrap().contains("large-zstd"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn geometric_mean() {
        assert!((geomean(&[0.5, 2.0]) - 1.0).abs() < 1e-12);
    }
}
