//! `ember run`'s tier options: `--tier`, `--tier-up-threshold`, `--stats`, and tier-up logging.

use std::ffi::OsString;
use std::time::Duration;

use ember::{Config, Engine, Module, Store, Tier};

use crate::options::parse_count;
use crate::Failure;

/// Help lines for the tier options, with the defaults filled in from the constants the code uses.
pub(crate) fn help() -> String {
    HELP.replace("{THRESHOLD}", &ember::ember_tier_up::DEFAULT_THRESHOLD.to_string())
}

/// [`help`]'s text, before the defaults are filled in.
const HELP: &str = "\
\x20 --tier MODE            interp: interpreter only; auto (default): hot functions are compiled to native
                         code; jit: every function is compiled before it first runs
  --tier-up-threshold N  weighted count (15 per call, 1 per loop iteration) at which `auto` compiles a
                         function (default {THRESHOLD})
  --stats                after the run, print which functions tiered up, when, their compile times and
                         the time spent in each tier (to stderr)
";

/// The tier options of one run.
pub(crate) struct TierOptions {
    tier: Tier,
    threshold: Option<u32>,
    stats: bool,
}

impl Default for TierOptions {
    fn default() -> Self {
        TierOptions { tier: Tier::Auto, threshold: None, stats: false }
    }
}

impl TierOptions {
    /// `--tier MODE`.
    pub(crate) fn set_tier(&mut self, value: OsString) -> Result<(), Failure> {
        let text = value.to_str().ok_or_else(|| Failure::Usage("--tier: not UTF-8".into()))?;
        self.tier = text.parse().map_err(|e| Failure::Usage(format!("--tier: {e}")))?;
        Ok(())
    }

    /// `--tier-up-threshold N`.
    pub(crate) fn set_threshold(&mut self, value: &OsString) -> Result<(), Failure> {
        let n = parse_count(value, "--tier-up-threshold")?;
        let n = u32::try_from(n).map_err(|_| Failure::Usage("--tier-up-threshold: too large".into()))?;
        self.threshold = Some(n);
        Ok(())
    }

    /// `--stats`.
    pub(crate) fn set_stats(&mut self) {
        self.stats = true;
    }

    /// The engine for `config` with these options.
    pub(crate) fn engine(&self, config: &mut Config) -> Engine {
        if self.threshold.is_some() {
            config.tier_up_threshold(self.threshold);
        }
        init_logging();
        Engine::with_tier(config, self.tier)
    }

    /// Prints the native tier's statistics when `--stats` was given.
    pub(crate) fn report<T: 'static>(&self, store: &mut Store<T>, module: &Module) {
        if !self.stats {
            return;
        }
        let stats = ember::ember_tier_up::stats(store.inner_mut());
        let threshold = store.engine().config().get_tier_up_threshold();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let mut text = format!("tier-up stats ({:?}", self.tier).to_lowercase();
        if self.tier == Tier::Auto {
            text += &format!(", threshold {}", threshold.unwrap_or(ember::ember_tier_up::DEFAULT_THRESHOLD));
        }
        text += "):\n";
        let native = stats.native_time.min(stats.total_time);
        text += &format!(
            "  time: {:.3} ms in all: {:.3} ms in native code, {:.3} ms in the interpreter (and compiling, when \
             synchronous); {:.3} ms compiling in all\n",
            ms(stats.total_time),
            ms(native),
            ms(stats.total_time.saturating_sub(native)),
            ms(stats.compile_time()),
        );
        text += &format!("  {} function(s) compiled to native code\n", stats.events.len());
        for e in &stats.events {
            let mut name = module.info().func_name(e.index).map(|n| format!(" ${n}")).unwrap_or_default();
            if let Some(k) = e.at_loop {
                name += &format!(" (entered at its loop {k}: on-stack replacement)");
            }
            text += &format!(
                "    func {}{name}: at {:.3} ms, weight {}, compiled in {:.3} ms, {} bytes\n",
                e.index,
                ms(e.at),
                e.weight,
                ms(e.compile_time),
                e.code_size
            );
        }
        for (func, reason) in &stats.failures {
            text += &format!("    store function {func} stays interpreted: {reason}\n");
        }
        eprint!("{text}");
    }
}

/// Tier-up events are logged at debug level; `EMBER_LOG=debug` prints them to stderr.
fn init_logging() {
    static LOGGER: StderrLogger = StderrLogger;
    if std::env::var("EMBER_LOG").is_ok_and(|v| v.eq_ignore_ascii_case("debug")) && log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(log::LevelFilter::Debug);
    }
}

/// A logger writing each of Ember's records as one line to stderr.
struct StderrLogger;

impl log::Log for StderrLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        // Ember's own events only (Cranelift logs every compilation pass at debug level).
        metadata.target().starts_with("ember")
    }
    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        eprintln!("[{}] {}", record.level().as_str().to_lowercase(), record.args());
    }
    fn flush(&self) {}
}
