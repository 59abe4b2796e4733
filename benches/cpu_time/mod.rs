//! The benches' clock: the calling thread's CPU time, shared by `benches/ingest.rs` and
//! `benches/frame.rs` (`mod cpu_time;` in each).

use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};

/// Criterion measurement: CPU time of the calling thread (`CLOCK_THREAD_CPUTIME_ID`), so that
/// time the thread spends preempted by other processes is not counted. Values are nanoseconds,
/// like wall time, so criterion's own duration formatting applies.
pub struct CpuTime;

/// Borrowed for its formatter (nanoseconds shown as durations and throughputs).
static WALL_TIME: WallTime = WallTime;

#[cfg(unix)]
fn thread_cpu_time() -> Duration {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::try_from(now).unwrap_or(Duration::ZERO)
}

/// Elsewhere: wall time since the first call.
#[cfg(not(unix))]
fn thread_cpu_time() -> Duration {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed()
}

impl Measurement for CpuTime {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        thread_cpu_time()
    }

    fn end(&self, start: Duration) -> Duration {
        thread_cpu_time().saturating_sub(start)
    }

    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }

    fn zero(&self) -> Duration {
        Duration::ZERO
    }

    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        WALL_TIME.formatter()
    }
}
