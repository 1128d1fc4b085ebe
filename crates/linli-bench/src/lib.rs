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

/// Clock ticks of CPU (user and system) a process has used, from its `/proc/…/stat`.
fn cpu_ticks(stat_path: &std::path::Path) -> Option<(String, u64)> {
    // utime and stime are fields 14 and 15, in clock ticks; the command name (field 2,
    // in parentheses) may hold spaces, so count from the closing parenthesis.
    let stat = std::fs::read_to_string(stat_path).ok()?;
    let (head, rest) = stat.rsplit_once(')')?;
    let command = head.split_once('(')?.1.to_owned();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    Some((command, user + system))
}

/// The kernel's USER_HZ is 100 on every Linux this runs on.
fn ticks_to_duration(ticks: u64) -> Duration {
    Duration::from_millis(ticks * 10)
}

/// CPU used so far by every PostgreSQL server process on this machine (its backends,
/// WAL writer, checkpointer…): what a request costs the database when it is local.
/// `None` when no such process is visible.
pub fn local_postgres_cpu() -> Option<Duration> {
    let mut total = 0;
    let mut seen = false;
    for entry in std::fs::read_dir("/proc").ok()?.filter_map(Result::ok) {
        let is_process = entry
            .file_name()
            .to_str()
            .is_some_and(|name| name.bytes().all(|byte| byte.is_ascii_digit()));
        if !is_process {
            continue;
        }
        if let Some((command, ticks)) = cpu_ticks(&entry.path().join("stat"))
            && command == "postgres"
        {
            seen = true;
            total += ticks;
        }
    }
    seen.then(|| ticks_to_duration(total))
}

impl ProcessUsage {
    pub fn now() -> Self {
        let ticks = cpu_ticks(std::path::Path::new("/proc/self/stat"))
            .map(|(_, ticks)| ticks)
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
        Self {
            cpu: ticks_to_duration(ticks),
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
