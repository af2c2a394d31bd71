//! Stage timings for profiling: `HANDBOOK_TIMINGS=1 handbook build` prints
//! how long each stage took (see BENCHMARKS.md). Used by every stage, so it
//! sits below them all.

use std::time::Instant;

/// With `HANDBOOK_TIMINGS` set, prints how long each stage took on stderr
/// (for profiling; see BENCHMARKS.md).
pub struct Timings {
    on: bool,
    last: Instant,
}

impl Timings {
    pub fn start() -> Timings {
        Timings {
            on: std::env::var_os("HANDBOOK_TIMINGS").is_some(),
            last: Instant::now(),
        }
    }

    /// Prints the time since the previous mark, labelled `stage`.
    pub fn mark(&mut self, stage: &str) {
        if self.on {
            let now = Instant::now();
            eprintln!(
                "timing: {stage:<22} {:>8.1} ms {}",
                (now - self.last).as_secs_f64() * 1e3,
                memory_now()
            );
            self.last = now;
        }
    }
}

/// The process's resident memory now and at its peak, as Linux reports it
/// (empty elsewhere): which stage holds the memory is half of a profile.
fn memory_now() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .map_or(0, |kb| kb / 1024)
    };
    format!("(rss {} MB, peak {} MB)", field("VmRSS:"), field("VmHWM:"))
}
