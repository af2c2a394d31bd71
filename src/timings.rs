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
                "timing: {stage:<22} {:>8.1} ms",
                (now - self.last).as_secs_f64() * 1e3
            );
            self.last = now;
        }
    }
}
