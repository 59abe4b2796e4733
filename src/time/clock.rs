//! The one wall clock. Everything else is given the time as a number, so it can be
//! tested to the nanosecond; only the shells (the terminal loop, `serve`, the sources)
//! read this.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::Nanos;

/// The wall clock as nanoseconds since the epoch, read once from the system and then
/// advanced by the monotonic clock: it never jumps backwards when NTP steps the system
/// time, so virtual clocks and countdowns built on it stay smooth.
#[derive(Debug, Clone, Copy)]
pub struct WallClock {
    base_instant: Instant,
    base: Nanos,
}

impl WallClock {
    pub fn new() -> WallClock {
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        WallClock {
            base_instant: Instant::now(),
            base: Nanos::try_from(since_epoch.as_nanos()).unwrap_or(Nanos::MAX),
        }
    }

    /// Now, in nanoseconds since the epoch.
    pub fn now(&self) -> Nanos {
        let elapsed = Nanos::try_from(self.base_instant.elapsed().as_nanos()).unwrap_or(0);
        self.base.saturating_add(elapsed)
    }

    /// The monotonic instant at which this clock reads `wall` (for timers).
    pub fn instant_at(&self, wall: Nanos) -> Instant {
        let after = u64::try_from(wall.saturating_sub(self.base)).unwrap_or(0);
        self.base_instant + Duration::from_nanos(after)
    }
}

impl Default for WallClock {
    fn default() -> Self {
        WallClock::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_goes_backwards_and_maps_back_to_instants() {
        let clock = WallClock::new();
        let first = clock.now();
        let second = clock.now();
        assert!(second >= first);
        let at = clock.instant_at(first);
        assert!(at >= clock.base_instant);
        // A time before the base maps to the base, not a panic.
        assert_eq!(clock.instant_at(Nanos::MIN), clock.base_instant);
    }
}
