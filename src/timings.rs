//! Stage timings for profiling: `HANDBOOK_TIMINGS=1 handbook build` prints
//! how long each stage took (see BENCHMARKS.md). Used by every stage, so it
//! sits below them all.

use std::time::Instant;

/// With `HANDBOOK_TIMINGS` set, prints how long each stage took on stderr
/// (for profiling; see BENCHMARKS.md).
pub struct Timings {
    on: bool,
    last: Instant,
    last_cpu_ms: f64,
}

impl Timings {
    pub fn start() -> Timings {
        Timings {
            on: std::env::var_os("HANDBOOK_TIMINGS").is_some(),
            last: Instant::now(),
            last_cpu_ms: cpu_ms(),
        }
    }

    /// Prints the time since the previous mark, labelled `stage`.
    pub fn mark(&mut self, stage: &str) {
        if self.on {
            let now = Instant::now();
            let cpu = cpu_ms();
            eprintln!(
                "timing: {stage:<22} {:>8.1} ms, cpu {:>8.1} ms {}",
                (now - self.last).as_secs_f64() * 1e3,
                cpu - self.last_cpu_ms,
                memory_now()
            );
            self.last = now;
            self.last_cpu_ms = cpu;
        }
    }
}

/// CPU time the whole process has used so far (every thread, user and
/// system): against the wall time of a stage it shows how well the stage
/// keeps the cores busy.
fn cpu_ms() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return 0.0;
    }
    let ms = |time: libc::timeval| time.tv_sec as f64 * 1e3 + time.tv_usec as f64 / 1e3;
    ms(usage.ru_utime) + ms(usage.ru_stime)
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
