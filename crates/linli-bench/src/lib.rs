//! What the benchmark programs share.

use std::time::Duration;

/// The latency at `fraction` (0.5 for p50) of sorted latencies, in milliseconds.
pub fn percentile(sorted: &[Duration], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

/// CPU time and context switches this process has used so far (Linux `/proc`), so a
/// benchmark can report what each request cost, which a noisy shared machine disturbs
/// far less than it disturbs throughput.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessUsage {
    pub cpu: Duration,
    pub context_switches: u64,
}

impl ProcessUsage {
    pub fn now() -> Self {
        // utime and stime are fields 14 and 15 of /proc/self/stat, in clock ticks; the
        // command name (field 2) may hold spaces, so count from the closing parenthesis.
        let ticks = std::fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|stat| {
                let rest = stat.rsplit_once(')')?.1;
                let fields: Vec<&str> = rest.split_whitespace().collect();
                let user: u64 = fields.get(11)?.parse().ok()?;
                let system: u64 = fields.get(12)?.parse().ok()?;
                Some(user + system)
            })
            .unwrap_or_default();
        // Each thread counts its own switches.
        let context_switches = std::fs::read_dir("/proc/self/task")
            .map(|tasks| {
                tasks
                    .filter_map(Result::ok)
                    .filter_map(|task| std::fs::read_to_string(task.path().join("status")).ok())
                    .flat_map(|status| {
                        status
                            .lines()
                            .filter(|line| line.contains("ctxt_switches:"))
                            .filter_map(|line| line.split_whitespace().nth(1)?.parse::<u64>().ok())
                            .collect::<Vec<_>>()
                    })
                    .sum()
            })
            .unwrap_or_default();
        // The kernel's USER_HZ is 100 on every Linux this runs on.
        Self {
            cpu: Duration::from_millis(ticks * 10),
            context_switches,
        }
    }

    /// Milliseconds of CPU and context switches per unit of work since `earlier`.
    pub fn per_unit_since(self, earlier: Self, units: usize) -> (f64, f64) {
        #[allow(clippy::cast_precision_loss)]
        let units = units.max(1) as f64;
        #[allow(clippy::cast_precision_loss)]
        let switches = self
            .context_switches
            .saturating_sub(earlier.context_switches) as f64;
        (
            self.cpu.saturating_sub(earlier.cpu).as_secs_f64() * 1000.0 / units,
            switches / units,
        )
    }
}
